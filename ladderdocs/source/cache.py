"""Parsed files kept between runs of the pipeline, while the file on disk stays the same.

`serve` reads the whole handbook on every edit, and a build reads it again after the last
one; re-parsing 2,000 unchanged front matters and re-checking them against the schema would
cost most of a rebuild. The build cache (render/cache.py) keeps the parses on disk.

A parse is tied to its file's stat (modification and change times in nanoseconds, size,
inode): an edit, a rename over the file or a checkout changes at least one. A file written
twice within one tick of the file system's clock keeps its times, so a parse is kept on
disk only when its file had not changed for `SETTLED_S` before the build began; a file
edited during a build is parsed again by the next one.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

from ladderdocs.errors import Problem
from ladderdocs.source.document import Document
from ladderdocs.source.load import PageSource, RawHandbook
from ladderdocs.source.schema import SCHEMAS, check_schema

T = TypeVar("T")
StatKey = tuple[int, int, int, int]
SETTLED_S = 2  # coarser than any file system's timestamps (FAT's are 2 s)
# The stat kept for a file changed too lately to trust its stat: it is parsed again, but its
# schema answers still serve a parse equal to it (the page being edited keeps its front matter).
UNSETTLED: StatKey = (-1, -1, -1, -1)


class ParseCache:
    """Parsed files and their schema problems, each kept while its file's stat is unchanged."""

    def __init__(self) -> None:
        self._started = time.time_ns()  # files changed after this, less SETTLED_S, are not kept on disk
        self._files: dict[str, tuple[StatKey, Any, list[Problem]]] = {}  # str keys: Path hashing is slow
        self._schema: dict[tuple[int, str], tuple[Document, list[Problem]]] = {}
        self._alive: set[int] = set()  # ids of the documents of the latest read
        self.fresh = 0  # files parsed since the last export
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
            parsed = parse(path, found)
            if entry is not None:
                self._carry_schema(entry[1], parsed)
            entry = (key, parsed, found)
            self._files[name] = entry
            self.fresh += 1
        problems.extend(entry[2])
        return entry[1]  # type: ignore[no-any-return]

    def __len__(self) -> int:
        return len(self._files)

    def check_schema(self, doc: Document, kind: str) -> list[Problem]:
        entry = self._schema.get((id(doc), kind))
        if entry is None or entry[0] is not doc:  # the document is kept alive, so its id is not reused
            entry = (doc, check_schema(doc, kind))
            self._schema[(id(doc), kind)] = entry
        return list(entry[1])

    def _carry_schema(self, old: Any, new: Any) -> None:
        """A file parsed again into an equal document (a page whose body alone changed keeps
        its front matter) keeps its schema answers: they depend on nothing else, and checking
        again would import jsonschema and build a validator for the same answer."""
        old_doc = old.meta if isinstance(old, PageSource) else old
        new_doc = new.meta if isinstance(new, PageSource) else new
        if not isinstance(old_doc, Document) or not isinstance(new_doc, Document) or old_doc != new_doc:
            return
        for kind in SCHEMAS:
            entry = self._schema.get((id(old_doc), kind))
            if entry is not None and entry[0] is old_doc:
                self._schema[(id(new_doc), kind)] = (new_doc, entry[1])

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
        self._alive = {id(doc) for doc, _ in raw.documents()}
        self._schema = {key: entry for key, entry in self._schema.items() if key[0] in self._alive}


    def export(self) -> tuple[str, list[tuple[str, StatKey, Any, list[Problem], dict[str, list[Problem]]]]]:
        """What the build cache keeps: every file's parse with its schema answers (a file that
        had not settled, with UNSETTLED for its stat), under the working directory the file
        names in messages are relative to."""
        self.fresh = 0
        settled = self._started - SETTLED_S * 1_000_000_000
        answers: dict[int, dict[str, list[Problem]]] = {}
        for (doc_id, kind), (_, problems) in self._schema.items():
            answers.setdefault(doc_id, {})[kind] = problems
        kept = []
        for name, (key, parsed, problems) in self._files.items():
            doc = parsed.meta if isinstance(parsed, PageSource) else parsed
            if id(doc) in self._alive:  # not a file since deleted
                kept.append((name, key if key[0] < settled and key[1] < settled else UNSETTLED, parsed, problems,
                             answers.get(id(doc), {})))
        return os.getcwd(), kept

    def restore(self, exported: Any) -> None:
        """Start from what `export` gave an earlier build; anything else is ignored. Each
        parse is still checked against its file's stat before it is used."""
        try:
            cwd, kept = exported
            if cwd != os.getcwd():  # the names in messages would differ
                return
            for name, key, parsed, problems, answers in kept:
                self._files[name] = (key, parsed, problems)
                doc = parsed.meta if isinstance(parsed, PageSource) else parsed
                for kind, found in answers.items():
                    self._schema[(id(doc), kind)] = (doc, found)
        except (TypeError, ValueError, AttributeError):
            self._files, self._schema = {}, {}


def _stat_key(path: Path) -> StatKey:
    st = os.stat(path)
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
