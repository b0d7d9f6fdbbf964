"""The build cache: the last site and each prose page's rendered Markdown, kept on disk beside
the handbook (`.ladderdocs-cache/`), so that a build after a small edit, or after none,
renders only what changed.

Nothing in it can make a site differ from a cold build of the same input:
- each file is tied to a stamp of what the output depends on beyond the handbook: the code
  of ladderdocs (every module and catalogue of the package), the versions of Python and of the
  libraries that read and render, the handbook's folder and the build options. A file of
  another stamp is never read.
- the last site is reused as `serve` reuses it in memory (site.py): a page is kept only when
  the templates are the same bytes and no dependency it declares (model/deps.py) differs
  between the cached model and this one.
- a prose body is reused only when its text, its place and the build-wide inputs hash the
  same and every reference it resolved resolves to the same address and title again.
Each file carries a checksum and is written to a temporary file that is then renamed: a
file cut short, garbled or of another version reads as missing, and the build renders what
it lacks. The files are pickles: the cache is as trusted as the folder the handbook is in.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sys
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Hashable, Iterable, Iterator, Mapping

from ladderdocs import __version__

if TYPE_CHECKING:  # only named here: unpickling imports them, and `build` may end before it unpickles
    from ladderdocs.errors import Problem
    from ladderdocs.model.entities import Handbook
    from ladderdocs.pages.facts import Facts
    from ladderdocs.text.markdown import Heading
    from ladderdocs.text.plain import Section

CACHE_DIR = ".ladderdocs-cache"
TAG = "CACHEDIR.TAG"  # the standard name backup tools skip a cache folder by
TAG_TEXT = ("Signature: 8a477f597d28d172789f06886806bc55\n"
            "# A cache of ladderdocs builds; safe to delete (`ladderdocs clean` does).\n")
_MAGIC = b"ladderdocs-cache 1\n"
_LIBRARIES = ("jinja2", "markupsafe", "markdown-it-py", "mdit-py-plugins", "babel", "pyyaml")
_KEEP_STAMPS = 4  # sites of this many option sets are kept (public and internal, file mode...)
_PACKAGE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Snapshot:
    """The last site of one stamp: what `Pipeline.run` compares and keeps pages from."""

    handbook: Handbook
    templates: dict[str, bytes]
    files: dict[str, bytes]
    sections: dict[str, list[Section]]
    index: dict[str, bytes] | None  # the search index, valid while the handbook is equal
    facts: Facts  # what the page types worked out: a build carries what its edits cannot reach
    pages: list[tuple[str, bool]]  # every job's path, and whether sitemap.xml lists it
    page_warnings: dict[str, list[Problem]]  # found rendering each page, reported again when it is kept
    digests: dict[str, bytes]  # sha256 of each of `files`, as written: a kept file is not hashed again
    listing: dict[str, list[tuple[str, frozenset[tuple[str, ...]], bool]]]  # each page type's jobs (site.Listing)
    token: str = ""  # names this snapshot: a search index saved after it (save_index) says which site it is of


@dataclass(frozen=True)
class Body:
    """A prose page's Markdown as rendered, with what it was rendered from."""

    key: bytes  # digest of the text, its place and the build-wide inputs (Engine)
    lookups: tuple[tuple[tuple[str, str], tuple[str, str] | None], ...]  # each reference resolved, and to what
    html: str
    headings: list[Heading]
    sections: list[Section]
    problems: list[Problem]


def cache_folder(content: Path) -> Path:
    """Where a handbook's cache lives: beside its folder, so it is never read as content."""
    return content.absolute().parent / CACHE_DIR


class BuildCache:
    """One handbook's cache for one set of build options."""

    def __init__(self, folder: Path, content: Path, options: Hashable):
        self.folder = folder
        self.stamp = _stamp((str(content.resolve()), options))
        self._bodies: _Pickled | None = None
        self._token = ""  # of the site saved last

    def site(self) -> Snapshot | None:
        found = self._read(f"site-{self.stamp}")
        if not isinstance(found, Snapshot):
            return None
        if found.index is None:  # saved before its index was made: the index, if it is of this very site
            index = self._read(f"index-{self.stamp}")
            if isinstance(index, tuple) and len(index) == 2 and index[0] == found.token:
                found = replace(found, index=index[1])
        return found

    def bodies(self) -> Mapping[str, Body]:
        """The prose bodies of the last build, read once; each is unpickled when asked for."""
        if self._bodies is None:
            found = self._read(f"bodies-{self.stamp}")
            self._bodies = _Pickled(found if isinstance(found, dict) else {})
        return self._bodies

    def parses(self) -> Any:
        """The parsed files of the last build (source/cache.py's ParseCache.export)."""
        return self._read(f"parses-{self.stamp}")

    def index_terms(self) -> Any:
        """The terms of the last search index made, with the plain text of the ladder strings it
        read (what site.py `cached_search_index` saved, which it checks: the cache is a stage
        below outputs), to make the next by difference."""
        return self._read(f"terms-{self.stamp}")

    def save_index_terms(self, terms: Any) -> None:
        self._write(f"terms-{self.stamp}", terms)

    def save_parses(self, exported: Any) -> None:
        self._write(f"parses-{self.stamp}", exported)

    def output(self, out_dir: Path) -> dict[str, Any] | None:
        """What the last build left in `out_dir` (outputs/write.py's manifest)."""
        found = self._read(f"output-{_digest(str(out_dir.resolve()))}")
        return found if isinstance(found, dict) else None

    def save_site(self, snapshot: Snapshot) -> None:
        self._token = os.urandom(12).hex()
        self._write(f"site-{self.stamp}", replace(snapshot, token=self._token))
        self._prune()

    def save_index(self, index: dict[str, bytes]) -> None:
        """The search index of the site saved last (by this object), which was saved without it."""
        self._write(f"index-{self.stamp}", (self._token, index))

    def save_bodies(self, bodies: Mapping[str, Body], kept: Iterable[str] = ()) -> None:
        """`bodies` and the cached bodies of the pages `kept`, which are not unpickled to be saved."""
        packed = self._bodies.packed if self._bodies is not None else {}
        found = {path: packed[path] for path in kept if path in packed}
        found.update({path: pickle.dumps(body, protocol=pickle.HIGHEST_PROTOCOL) for path, body in bodies.items()})
        self._bodies = _Pickled(found)
        self._write(f"bodies-{self.stamp}", found)

    def template_code(self, key: str) -> bytes | None:
        """A template as Jinja compiled it (render/engine.py; Jinja checks it against the source)."""
        found = self._read(f"jinja-{self.stamp}-{_digest(key)}")
        return found if isinstance(found, bytes) else None

    def save_template_code(self, key: str, code: bytes) -> None:
        self._write(f"jinja-{self.stamp}-{_digest(key)}", code)

    def save_output(self, out_dir: Path, manifest: dict[str, Any]) -> None:
        self._write(f"output-{_digest(str(out_dir.resolve()))}", manifest)

    def _read(self, name: str) -> Any:
        try:
            data = (self.folder / name).read_bytes()
        except OSError:
            return None
        head, checksum = data[:len(_MAGIC)], data[len(_MAGIC):len(_MAGIC) + 4]
        payload = memoryview(data)[len(_MAGIC) + 4:]  # not a copy: the site's file is tens of MB
        if head != _MAGIC or checksum != zlib.crc32(payload).to_bytes(4, "big"):
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # a file of a version that pickled other classes: as good as missing
            return None

    def _write(self, name: str, value: Any) -> None:
        """Best effort: a cache that cannot be written makes the next build slower, never wrong.
        Pickled straight into the file, never whole in memory: a site's pages are most of it."""
        tmp = self.folder / f".{name}.tmp-{os.getpid()}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if not (self.folder / TAG).is_file():
                (self.folder / TAG).write_text(TAG_TEXT, encoding="utf-8")
                (self.folder / ".gitignore").write_text("# written by ladderdocs: never commit the cache\n*\n",
                                                        encoding="utf-8")
            with open(tmp, "wb") as f:
                f.write(_MAGIC + bytes(4))  # the checksum, once it is known
                checked = _Checksummed(f)
                pickle.dump(value, checked, protocol=pickle.HIGHEST_PROTOCOL)
                f.seek(len(_MAGIC))
                f.write(checked.crc.to_bytes(4, "big"))
            os.replace(tmp, self.folder / name)
        except OSError:
            tmp.unlink(missing_ok=True)

    def _prune(self) -> None:
        """Drop the files of stamps not built lately (older code, options not used for a while)
        and what a killed build left half written."""
        try:
            sites = sorted(self.folder.glob("site-*"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in sites[_KEEP_STAMPS:]:
                stamp = old.name.removeprefix("site-")
                old.unlink(missing_ok=True)
                (self.folder / f"bodies-{stamp}").unlink(missing_ok=True)
                (self.folder / f"parses-{stamp}").unlink(missing_ok=True)
                (self.folder / f"terms-{stamp}").unlink(missing_ok=True)
                (self.folder / f"index-{stamp}").unlink(missing_ok=True)
                for code in self.folder.glob(f"jinja-{stamp}-*"):
                    code.unlink(missing_ok=True)
            for tmp in self.folder.glob(".*.tmp-*"):
                if not tmp.name.endswith(f".tmp-{os.getpid()}"):
                    tmp.unlink(missing_ok=True)
        except OSError:
            pass


class _Pickled(Mapping[str, Any]):
    """Values kept pickled one by one: a build that renders one prose page unpickles one body, not 2,000."""

    def __init__(self, packed: dict[str, bytes]):
        self.packed = packed
        self._loaded: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self._loaded:
            try:
                self._loaded[key] = pickle.loads(self.packed[key])
            except Exception:  # of another shape: as good as missing (`get` answers None)
                raise KeyError(key) from None
        return self._loaded[key]

    def __contains__(self, key: object) -> bool:
        return key in self.packed

    def __iter__(self) -> Iterator[str]:
        return iter(self.packed)

    def __len__(self) -> int:
        return len(self.packed)


class _Checksummed:
    """A file that keeps the CRC-32 of what is written to it."""

    def __init__(self, file: Any):
        self.file = file
        self.crc = 0

    def write(self, data: bytes) -> int:
        self.crc = zlib.crc32(data, self.crc)
        return self.file.write(data)  # type: ignore[no-any-return]


def remove_cache(folder: Path) -> tuple[int, int] | None:
    """Delete a cache folder: (files, bytes) it held, or None when there is none. A folder of
    that name without the tag is not ours: ValueError, and nothing is deleted."""
    if not folder.exists() and not folder.is_symlink():
        return None
    if folder.is_symlink() or not (folder / TAG).is_file():
        raise ValueError(f"holds no {TAG}, so ladderdocs did not make it; expected the folder ladderdocs "
                         "keeps its cache in: delete it yourself if it is not needed")
    files = [p for p in folder.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    shutil.rmtree(folder)
    return len(files), size


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:24]


def _stamp(options: Hashable) -> str:
    """A digest of what the output depends on besides the handbook and the templates."""
    import importlib.metadata  # here: a build that finds nothing changed never asks
    h = hashlib.sha256(repr((__version__, sys.version, options)).encode())
    for name in _LIBRARIES:
        try:
            h.update(f"{name}={importlib.metadata.version(name)};".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{name}=none;".encode())
    for path in sorted(p for pattern in ("*.py", "*.mo") for p in _PACKAGE.rglob(pattern)):
        h.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:24]
