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

Beside the last site are the sources of its model (site.py's Sources): the stat of every file of
the content and each page's front matter, so that a build after edits to page bodies alone takes
the site's model with the new bodies, and reads no other file. Its search sections are a file
of their own too, named by the site's token: only the search index reads them (KeptSections).

The pages of the last site are not in its pickle but in a page store beside it: segment files
(`pages-<stamp>-<pid>-<token>`) written once and never changed, each holding the pages the store
lacked when it was written, found by (segment, offset, length, sha256). A build reads only the
pages it must write, and checks each against its sha256; one it cannot get back intact raises
StoreDamaged, and the build runs again without the cached site (site.py `build`).
"""

from __future__ import annotations

import gc
import hashlib
import mmap
import os
import pickle
import re
import shutil
import sys
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Hashable, Iterable, Iterator, Mapping

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
_CODE_SETTLED_NS = 2_000_000_000  # coarser than any file system's timestamps, as source/cache.py
_KEEP_STAMPS = 4  # sites of this many option sets are kept (public and internal, file mode...)
_MAX_SEGMENTS = 16  # above this many, the live pages of all but the largest segment are written into the new one
Where = tuple[str, int, int, bytes]  # a page in the store: its segment, offset, length and sha256
_PACKAGE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Snapshot:
    """The last site of one stamp: what `Pipeline.run` compares and keeps pages from."""

    handbook: Handbook
    templates: dict[str, bytes]
    files: Mapping[str, bytes]  # not pickled: SiteFiles over `stored`, read from the page store when asked for
    sections: Mapping[str, list[Section]]  # not pickled with it: KeptSections, read from their file when asked for
    index: dict[str, bytes] | None  # the search index, valid while the handbook is equal
    facts: Facts  # what the page types worked out: a build carries what its edits cannot reach
    pages: list[tuple[str, bool]]  # every job's path, and whether sitemap.xml lists it
    page_warnings: dict[str, list[Problem]]  # found rendering each page, reported again when it is kept
    digests: dict[str, bytes]  # sha256 of each of `files`, as written: a kept file is not hashed again
    listing: dict[str, list[tuple[str, frozenset[tuple[str, ...]], bool]]]  # each page type's jobs (site.Listing)
    token: str = ""  # names this snapshot: a search index saved after it (save_index) says which site it is of
    stored: dict[str, Where] = field(default_factory=dict)  # where the page store keeps each of `files`


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
        self.stamp = _stamp((str(content.resolve()), options), folder)
        self._bodies: _BodyFile | None = None
        self._token = ""  # of the site saved last
        self._stored: dict[bytes, Where] = {}  # the pages in the store, by sha256, as far as this object knows

    def site(self) -> Snapshot | None:
        """The last site, its files read from the page store only when asked for."""
        found = self._read(f"site-{self.stamp}")
        if not isinstance(found, Snapshot):
            return None
        self._stored = {where[3]: where for where in found.stored.values()}
        return replace(found, files=SiteFiles(dict(found.stored), self.folder),
                       sections=KeptSections(self.folder / f"sections-{self.stamp}", found.token))

    def site_index(self, snapshot: Snapshot) -> dict[str, bytes] | None:
        """The search index of the last site, when it was kept: asked for only when the handbook
        is the same again (an edit build has no use for it, and it is megabytes)."""
        if snapshot.index is not None:
            return snapshot.index
        index = self._read(f"index-{self.stamp}")  # saved after the site, as its index was made
        return index[1] if isinstance(index, tuple) and len(index) == 2 and index[0] == snapshot.token else None

    def bodies(self) -> Mapping[str, Body]:
        """The prose bodies of the last build: only their index is read here, each body when asked for."""
        if self._bodies is None:
            self._bodies = _BodyFile.open(self.folder / f"bodies-{self.stamp}")
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
        """The site, its files put in the page store: into a new segment go only the pages the
        store lacks (with the live pages of segments mostly dead, or of all but the largest when
        there are many), and segments the saved site does not use are removed."""
        self._token = os.urandom(12).hex()
        stored = self._store(snapshot.files, snapshot.digests)
        if stored is None or not self._write(f"sections-{self.stamp}", (self._token, dict(snapshot.sections))):
            return
        if not self._write(f"site-{self.stamp}", replace(snapshot, files={}, sections={}, token=self._token,
                                                          stored=stored)):
            return
        replaced = {where[0] for where in self._stored.values()}
        self._stored = {where[3]: where for where in stored.values()}
        self._remove_segments(replaced)
        self._prune()

    def discard(self) -> None:
        """The site of this build is not saved: the segments its render workers put its pages in
        go (they are in the output), with those of ended builds, as when a site is saved."""
        self._remove_segments(set())

    def _remove_segments(self, replaced: set[str]) -> None:
        """Remove the segments the saved site does not use: those it `replaced`, this process's
        and those of builds that ended, never another running build's."""
        used = {where[0] for where in self._stored.values()}
        for segment in self.folder.glob(f"pages-{self.stamp}-*"):
            if segment.name not in used and (segment.name in replaced or not _running(segment.name.split("-")[2])):
                segment.unlink(missing_ok=True)

    def sink(self) -> PageSink:
        """Where render workers put the pages they render: into segments of this store."""
        return PageSink(self.folder, _segment_prefix(self.stamp))

    def forget_site(self) -> None:
        """Trust no page of the store read so far: the next site saved puts every page in a new segment."""
        self._stored = {}

    def _store(self, files: Mapping[str, bytes], digests: Mapping[str, bytes]) -> dict[str, Where] | None:
        """Where each of `files` is in the store once a new segment holds what it lacked; None
        when that segment could not be written."""
        entries = files.entries if isinstance(files, SiteFiles) else dict(files)
        known = dict(self._stored)
        known.update({entry[3]: entry for entry in entries.values() if not isinstance(entry, bytes)})
        found: dict[str, bytes] = {}  # path -> sha256
        new: dict[bytes, bytes] = {}  # sha256 -> the bytes to put in the new segment
        for path, entry in entries.items():
            if isinstance(entry, bytes):
                digest = digests.get(path) or hashlib.sha256(entry).digest()
                if digest not in known:
                    new[digest] = entry
            else:
                digest = entry[3]
            found[path] = digest
        for where in self._to_compact({known[d] for d in found.values() if d not in new}):
            try:
                new[where[3]] = _read_page(self.folder, where)
            except StoreDamaged:  # left where it is: the build that needs it will render it again
                pass
        if new:
            name, offset = f"{_segment_prefix(self.stamp)}-{os.urandom(6).hex()}", 0
            try:
                with _replacing(self.folder, name) as f:
                    for digest, data in new.items():
                        f.write(data)
                        known[digest] = (name, offset, len(data), digest)
                        offset += len(data)
            except OSError:
                return None
        return {path: known[digest] for path, digest in found.items()}

    def _to_compact(self, live: set[Where]) -> list[Where]:
        """The live pages of the segments to write again: those whose dead bytes outweigh their
        live ones, and when there are more than _MAX_SEGMENTS, all but the largest."""
        by_segment: dict[str, list[Where]] = {}
        for where in live:
            by_segment.setdefault(where[0], []).append(where)
        largest = max(by_segment, key=lambda name: sum(w[2] for w in by_segment[name]), default="")
        moved = []
        for name, wheres in sorted(by_segment.items()):
            try:
                size = (self.folder / name).stat().st_size
            except OSError:
                continue
            if 2 * sum(w[2] for w in wheres) < size or (len(by_segment) > _MAX_SEGMENTS and name != largest):
                moved += sorted(wheres, key=lambda w: w[1])
        return moved

    def sources(self, snapshot: Snapshot) -> Any:
        """What the model of `snapshot` was made from (site.py's Sources), when it was kept."""
        found = self._read(f"sources-{self.stamp}")
        return found[1] if isinstance(found, tuple) and len(found) == 2 and found[0] == snapshot.token else None

    def save_sources(self, token: str | None, sources: Any) -> None:
        """`sources` of the model of the site named `token` (None: the site saved last, by this object)."""
        self._write(f"sources-{self.stamp}", (self._token if token is None else token, sources))

    def save_index(self, index: dict[str, bytes]) -> None:
        """The search index of the site saved last (by this object), which was saved without it."""
        self._write(f"index-{self.stamp}", (self._token, index))

    def save_bodies(self, bodies: Mapping[str, Body], kept: Iterable[str] = ()) -> None:
        """`bodies` and the cached bodies of the pages `kept`, which are copied, not unpickled."""
        last = self._bodies if self._bodies is not None else _BodyFile({}, None)
        packed = {path: data for path in kept if (data := last.packed(path)) is not None}
        packed.update({path: pickle.dumps(body, protocol=pickle.HIGHEST_PROTOCOL) for path, body in bodies.items()})
        try:
            with _replacing(self.folder, f"bodies-{self.stamp}") as f:
                _BodyFile.write(f, packed)
        except OSError:
            return
        self._bodies = None  # read again from the new file when asked for

    def template_code(self, key: str) -> bytes | None:
        """A template as Jinja compiled it (render/engine.py; Jinja checks it against the source)."""
        found = self._read(f"jinja-{self.stamp}-{_digest(key)}")
        return found if isinstance(found, bytes) else None

    def save_template_code(self, key: str, code: bytes) -> None:
        self._write(f"jinja-{self.stamp}-{_digest(key)}", code)

    def save_output(self, out_dir: Path, manifest: dict[str, Any]) -> None:
        self._write(f"output-{_digest(str(out_dir.resolve()))}", manifest)

    def _read(self, name: str) -> Any:
        return read_pickle(self.folder / name)

    def _write(self, name: str, value: Any) -> bool:
        """Best effort: a cache that cannot be written makes the next build slower, never wrong."""
        return write_pickle(self.folder / name, value)

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
                (self.folder / f"sections-{stamp}").unlink(missing_ok=True)
                (self.folder / f"sources-{stamp}").unlink(missing_ok=True)
                for segment in self.folder.glob(f"pages-{stamp}-*"):
                    segment.unlink(missing_ok=True)
                for code in self.folder.glob(f"jinja-{stamp}-*"):
                    code.unlink(missing_ok=True)
            for tmp in self.folder.glob(".*.tmp-*"):
                if not tmp.name.endswith(f".tmp-{os.getpid()}"):
                    tmp.unlink(missing_ok=True)
        except OSError:
            pass


class _BodyFile(Mapping[str, Body]):
    """The bodies file: an index of every body's place and CRC-32, then the bodies, each pickled
    alone. Opening it reads the index; a body is read and unpickled when asked for, so a build
    that renders one prose page reads one body, not 2,000 (25 MB). The file stays open: a build
    that saves new bodies replaces it by a rename, and this one reads on from the old file."""

    def __init__(self, index: dict[str, tuple[int, int, int]], file: BinaryIO | None, start: int = 0):
        self.index = index  # path -> (offset, length, crc32) of its pickled body, from `start`
        self.file = file
        self.start = start
        self._loaded: dict[str, Body] = {}

    @classmethod
    def open(cls, path: Path) -> _BodyFile:
        """The file at `path`; empty when it is missing, cut short, garbled or of another version."""
        try:
            f = open(path, "rb")
        except OSError:
            return cls({}, None)
        head = f.read(len(_MAGIC) + 12)
        if len(head) < len(_MAGIC) + 12 or not head.startswith(_MAGIC):
            f.close()
            return cls({}, None)
        checksum, size = int.from_bytes(head[-12:-8], "big"), int.from_bytes(head[-8:], "big")
        packed = f.read(size)
        try:
            index = pickle.loads(packed) if len(packed) == size and zlib.crc32(packed) == checksum else None
        except Exception:  # of another version
            index = None
        if not isinstance(index, dict):
            f.close()
            return cls({}, None)
        return cls(index, f, len(head) + size)

    @staticmethod
    def write(f: BinaryIO, packed: dict[str, bytes]) -> None:
        index, offset = {}, 0
        for path, data in packed.items():
            index[path] = (offset, len(data), zlib.crc32(data))
            offset += len(data)
        head = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
        f.write(_MAGIC + zlib.crc32(head).to_bytes(4, "big") + len(head).to_bytes(8, "big") + head)
        for data in packed.values():
            f.write(data)

    def packed(self, path: str) -> bytes | None:
        """A body as pickled, checked; None when missing or damaged."""
        found = self.index.get(path)
        if found is None or self.file is None:
            return None
        offset, length, checksum = found
        try:
            data = os.pread(self.file.fileno(), length, self.start + offset)
        except OSError:
            return None
        return data if len(data) == length and zlib.crc32(data) == checksum else None

    def __getitem__(self, key: str) -> Body:
        if key not in self._loaded:
            data = self.packed(key)
            try:
                body = pickle.loads(data) if data is not None else None
            except Exception:  # of another shape: as good as missing
                body = None
            if body is None:  # missing or damaged too: `get` answers None, and the page is rendered
                raise KeyError(key)
            self._loaded[key] = body
        return self._loaded[key]

    def __contains__(self, key: object) -> bool:
        return key in self.index

    def __iter__(self) -> Iterator[str]:
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)


class StoreDamaged(Exception):
    """A page the page store could not give back intact (its segment deleted, cut short or
    garbled), or the cached site's search sections (KeptSections): the site is not used."""


class KeptSections(Mapping[str, list["Section"]]):
    """The search sections of the cached site, read from their own file when first asked for
    (and checked to be that site's): an edit build asks for them only in its search index's
    process, which then reads them into memory of its own, where the ones it inherited would
    have their pages copied as it touched them. StoreDamaged when the file is not that site's."""

    def __init__(self, path: Path, token: str):
        self._path, self._token = path, token
        self._sections: dict[str, list[Section]] | None = None

    def _read(self) -> dict[str, list[Section]]:
        if self._sections is None:
            found = read_pickle(self._path)
            if not (isinstance(found, tuple) and len(found) == 2 and found[0] == self._token):
                raise StoreDamaged(f"{self._path.name}: not the search sections of the site kept")
            self._sections = found[1]
        return self._sections

    def __getitem__(self, path: str) -> list[Section]:
        return self._read()[path]

    def __contains__(self, path: object) -> bool:
        return path in self._read()

    def __iter__(self) -> Iterator[str]:
        return iter(self._read())

    def __len__(self) -> int:
        return len(self._read())


class SiteFiles(Mapping[str, bytes]):
    """A site's files by path: bytes in memory, or where the page store keeps them, read and
    checked only when asked for. A build writes only the files that differ on disk, so the
    pages it kept are mostly never read; `in` costs nothing."""

    def __init__(self, entries: dict[str, bytes | Where], folder: Path | None = None):
        self.entries = entries
        self.folder = folder  # the cache's, when any entry is a Where

    def __getitem__(self, path: str) -> bytes:
        entry = self.entries[path]
        if isinstance(entry, bytes):
            return entry
        assert self.folder is not None
        return _read_page(self.folder, entry)

    def __contains__(self, path: object) -> bool:
        return path in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


class PageSink:
    """A page store's segment for each process that puts pages in it: render workers write the
    pages they render there and send back only where each is, so the process that writes the
    site never holds every page's bytes (420 MB at 20,000 pages). A page that cannot be written
    there is kept as bytes."""

    def __init__(self, folder: Path, prefix: str):
        self.folder = folder
        self.prefix = prefix
        self._pid = 0  # of the process `_file` is open in: a forked worker opens its own
        self._file: BinaryIO | None = None
        self._name = ""
        self._offset = 0

    def put(self, data: bytes) -> bytes | Where:
        try:
            if self._pid != os.getpid():
                self._pid, self._file = os.getpid(), None
                self.folder.mkdir(parents=True, exist_ok=True)
                self._name, self._offset = f"{self.prefix}-{os.urandom(6).hex()}", 0
                self._file = open(self.folder / self._name, "wb")
            if self._file is None:  # this process could not open its segment
                return data
            self._file.write(data)
        except OSError:
            return data
        where = (self._name, self._offset, len(data), hashlib.sha256(data).digest())
        self._offset += len(data)
        return where

    def flush(self) -> None:
        """Before the places of the pages put are sent back: a worker ends without closing its file."""
        if self._file is not None and self._pid == os.getpid():
            self._file.flush()


def entry_of(files: Mapping[str, bytes], path: str) -> bytes | Where:
    """A file of a site as it is held: its bytes, or where the store keeps them (not read)."""
    return files.entries[path] if isinstance(files, SiteFiles) else files[path]


def _read_page(folder: Path, where: Where) -> bytes:
    segment, offset, length, digest = where
    try:
        with open(folder / segment, "rb") as f:
            f.seek(offset)
            data = f.read(length)
    except OSError as err:
        raise StoreDamaged(f"{segment}: {err}") from None
    if hashlib.sha256(data).digest() != digest:
        raise StoreDamaged(f"{segment}: {length} bytes at {offset} are not the page kept there")
    return data


def read_pickle(path: Path) -> Any:
    """What write_pickle kept in `path`, or None when it is missing, cut short, garbled or of a
    version that pickled other classes."""
    try:
        with open(path, "rb") as f:  # mapped, not read: a site's file is megabytes, and copying them
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)  # into fresh memory takes longer
    except (OSError, ValueError):  # ValueError: an empty file
        return None
    start = len(_MAGIC) + 4
    with mapped, memoryview(mapped)[start:] as payload:
        if mapped[:start] != _MAGIC + zlib.crc32(payload).to_bytes(4, "big"):
            return None
        was_on = gc.isenabled()
        gc.disable()  # unpickling makes no cycles, and the collections its objects would set off walk them all
        try:
            found = pickle.loads(payload)  # what it makes holds copies: nothing refers to the mapping after
        except Exception:  # a file of a version that pickled other classes: as good as missing
            return None
        else:  # what was read stays for the build: later collections skip it (freed by its references alone).
            gc.freeze()  # Frozen before the collector is on again, or the next allocation has it walk it all
        finally:
            if was_on:
                gc.enable()
    return found


def write_pickle(path: Path, value: Any) -> bool:
    """`value` pickled into `path` with a checksum, whole or not at all; whether it was. Pickled
    straight into the file, never whole in memory."""
    try:
        with _replacing(path.parent, path.name) as f:
            f.write(_MAGIC + bytes(4))  # the checksum, once it is known
            checked = _Checksummed(f)
            pickle.dump(value, checked, protocol=pickle.HIGHEST_PROTOCOL)
            f.seek(len(_MAGIC))
            f.write(checked.crc.to_bytes(4, "big"))
    except OSError:
        return False
    return True


@contextmanager
def _replacing(folder: Path, name: str) -> Iterator[BinaryIO]:
    """A file written to a temporary name in the cache folder (made, and tagged, when missing)
    and renamed to `name` once whole; OSError when it cannot be."""
    tmp = folder / f".{name}.tmp-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / TAG).is_file():
            (folder / TAG).write_text(TAG_TEXT, encoding="utf-8")
            (folder / ".gitignore").write_text("# written by ladderdocs: never commit the cache\n*\n",
                                               encoding="utf-8")
        with open(tmp, "wb") as f:
            yield f
        os.replace(tmp, folder / name)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


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


def _segment_prefix(stamp: str) -> str:
    """Segments are named by the process that writes the site, so that one no saved site uses
    is known for a killed or failed build's (its process is gone), not a running one's."""
    return f"pages-{stamp}-{os.getpid()}"


def _running(pid: str) -> bool:
    if not pid.isdigit() or int(pid) == os.getpid():
        return False  # this process's unused segments are dead: it saves or discards its site now
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:24]


def _stamp(options: Hashable, folder: Path) -> str:
    """A digest of what the output depends on besides the handbook and the templates: the
    versions of Python and of the libraries, and the bytes of every module and catalogue of
    the package. Each file's sha256 is kept in `folder` by its stat and read again only when
    the stat differs (a write changes the change time, which no one can set back), so a build
    reads none of ladderdocs' 75 files; one changed within `_CODE_SETTLED_NS` of now is not
    kept, since a second write in the same tick of the clock could keep its times."""
    h = hashlib.sha256(repr((__version__, sys.version, options, _library_versions())).encode())
    kept_at = folder / f"code-{_digest(str(_PACKAGE))}"
    kept = read_pickle(kept_at)
    kept = kept if isinstance(kept, dict) else {}
    settled = time.time_ns() - _CODE_SETTLED_NS
    digests, keep = [], {}
    for rel, path in _package_files():
        st = os.stat(path)
        key = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
        entry = kept.get(rel)
        digest = entry[1] if isinstance(entry, tuple) and entry[0] == key else _file_digest(path)
        digests.append(rel.encode() + b"\0" + digest)
        if key[0] < settled and key[1] < settled:
            keep[rel] = (key, digest)
    h.update(b"\0".join(digests))
    if keep != kept and folder.is_dir():  # a build that fails before it writes the cache makes no folder
        write_pickle(kept_at, keep)
    return h.hexdigest()[:24]


def _library_versions() -> list[str]:
    """The dist-info (or egg-info) folders of the libraries the output depends on, found on
    sys.path: their names hold the versions, and listing a folder costs far less than
    importlib.metadata. Every copy found counts, not only the one imported."""
    found = []
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:  # a zip file, or a folder that is gone
            continue
        found += [name for name in names if name.endswith((".dist-info", ".egg-info"))
                  and re.sub(r"[-_.]+", "-", name.split("-", 1)[0]).lower() in _LIBRARIES]
    return sorted(set(found))  # a folder may be on the path twice


def _package_files() -> list[tuple[str, str]]:
    """Every module and catalogue of the package, as (path relative to it, path), in name order."""
    found = []
    for top, subfolders, names in os.walk(_PACKAGE):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]  # Python writes there
        rel = os.path.relpath(top, _PACKAGE).replace(os.sep, "/")
        found += [(name if rel == "." else f"{rel}/{name}", os.path.join(top, name))
                  for name in names if name.endswith((".py", ".mo"))]
    return sorted(found)


def _file_digest(path: str) -> bytes:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).digest()
