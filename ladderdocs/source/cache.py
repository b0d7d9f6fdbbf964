"""Parsed files kept between runs of the pipeline, while the file on disk stays the same.

`serve` reads the whole handbook on every edit; re-parsing 2,000 unchanged front matters
and re-checking them against the schema would cost most of a rebuild.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

from ladderdocs.errors import Problem
from ladderdocs.source.load import Document, RawHandbook
from ladderdocs.source.schema import check_schema

T = TypeVar("T")
StatKey = tuple[int, int, int, int]


class ParseCache:
    """Parsed files and their schema problems, each kept while its file's stat is unchanged."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[StatKey, Any, list[Problem]]] = {}  # str keys: Path hashing is slow
        self._schema: dict[tuple[int, str], tuple[Document, list[Problem]]] = {}
        self._trusted = False  # the next read takes a kept parse without asking the file system

    def read(self, path: Path, parse: Callable[[Path, list[Problem]], T], problems: list[Problem]) -> T:
        """A `source.load.Reader`: the parse of `path`, reused while the file is the same."""
        name = str(path)
        entry = self._files.get(name)
        if entry is not None and self._trusted:
            problems.extend(entry[2])
            return entry[1]  # type: ignore[no-any-return]
        key = _stat_key(path)
        if entry is None or entry[0] != key:
            found: list[Problem] = []
            entry = (key, parse(path, found), found)
            self._files[name] = entry
        problems.extend(entry[2])
        return entry[1]  # type: ignore[no-any-return]

    def check_schema(self, doc: Document, kind: str) -> list[Problem]:
        entry = self._schema.get((id(doc), kind))
        if entry is None or entry[0] is not doc:  # the document is kept alive, so its id is not reused
            entry = (doc, check_schema(doc, kind))
            self._schema[(id(doc), kind)] = entry
        return list(entry[1])

    def forget(self, paths: Iterable[Path], only_these: bool = False) -> None:
        """Drop what the watcher saw change: a file system with coarse timestamps may hide an edit.
        `only_these`: the watcher saw every change since the last read, and these are all of
        them, so the next read stats none of the other files (serve's level edit need not stat
        2,000 pages); otherwise it stats every file it keeps a parse of."""
        paths = list(paths)
        for path in paths:
            self._files.pop(str(path), None)
        self._trusted = only_these and bool(paths)

    def retain(self, raw: RawHandbook) -> None:
        """Keep schema answers only for the documents of the latest read."""
        alive = {id(doc) for doc, _ in raw.documents()}
        self._schema = {key: entry for key, entry in self._schema.items() if key[0] in alive}


def _stat_key(path: Path) -> StatKey:
    st = os.stat(path)
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
