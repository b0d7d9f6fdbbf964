"""Stage 6: put the rendered files on disk, never leaving a file half written.

The site is updated in place: only files whose bytes changed are written, each into a
temporary file beside it that is then renamed over it (atomic on every system we run on),
and files the new site lacks are removed last. A build killed at any moment leaves every
file either its old bytes or its new ones; the next build removes the temporary files it
left and finishes the job. A build that fails on the content writes nothing.

A folder is written only when ladderdocs wrote it (it holds MARKER) or it is empty: `--out
docs` must never delete someone's notes. MARKER is written first, so a folder a killed first
build left half filled is still recognised as ours.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from contextlib import suppress
from pathlib import Path
from typing import Iterable, Mapping

MARKER = ".ladderdocs-site"  # in every site folder ladderdocs writes: the folder is its to replace
MARKER_TEXT = b"This folder is written by ladderdocs; each build replaces all of it.\n"
LEGACY = (".nojekyll", "robots.txt", "search-index.js")  # what every site written before MARKER holds
PAGE_STORE = "pages"  # `.<site>.pages-<pid>-*`: a build's temporary page store beside the site (see leftovers)
TEMP = ".ladderdocs-tmp-"  # in the name of a file being written: `.<name>.ladderdocs-tmp-<pid>`
StatKey = tuple[int, int, int, int]
FileState = tuple[StatKey, bytes]  # a file as last written: its stat, the sha256 of its bytes
Manifest = dict[str, FileState]  # what an update left on disk, by path in the site
Scan = tuple[dict[str, StatKey], set[str], list[str]]  # files by stat, folders, anything else (see scan_site)


class OutputRefused(Exception):
    """The output folder may not be written (what, and what was expected)."""


def check_output(out_dir: Path, content: Path, read_from: list[Path], force: bool = False) -> None:
    """Refuse an output folder that would destroy what is not a site of ours: one holding the
    handbook, one inside what the handbook is read from, a file, or a folder of other files."""
    out, root = out_dir.resolve(), content.resolve()
    if root.is_relative_to(out):
        raise OutputRefused("the output folder holds the handbook and would replace it; "
                            "expected a separate folder such as site/")
    for folder in read_from:
        if out.is_relative_to(folder.resolve()):
            raise OutputRefused(f"the output folder lies inside {folder}, which the handbook is read from; "
                                "expected a folder outside it, such as site/")
    if out.exists() or out.is_symlink():
        if not out.is_dir() or out.is_symlink():
            raise OutputRefused("is not a folder; expected a folder for the site (or a name that does not exist yet)")
        if not force and not is_ours(out):
            raise OutputRefused(f"holds files ladderdocs did not write (no {MARKER}); expected a new or empty "
                                "folder, or one an earlier build wrote: delete it, or pass --force to replace it")


def is_ours(folder: Path) -> bool:
    """An empty folder, or a site an earlier build wrote."""
    names = {entry.name for entry in os.scandir(folder)}
    return not names or MARKER in names or set(LEGACY) <= names


def write_site(files: Mapping[str, bytes], out_dir: Path, known: Manifest | None = None) -> Manifest:
    """`out_dir` made to hold exactly `files`: see SiteUpdate."""
    update = SiteUpdate(out_dir, known)
    update.write(files)
    return update.finish()


class SiteUpdate:
    """The site in `out_dir` brought up to date in place, in batches (the search index comes
    last): a file is written only when its bytes differ, each through a temporary file and a
    rename, and what the new site lacks is removed by `finish`. A build killed at any moment
    leaves every file old or new; this one removes what a killed one left.

    `known` is what an earlier update found on disk (its manifest): a file whose size, times
    and inode are as recorded is compared by digest instead of being read. `scanned`: the
    folder as scan_site found it since the last write to it (a build scans on another core)."""

    def __init__(self, out_dir: Path, known: Manifest | None = None, scanned: Scan | None = None):
        self.out = out_dir.absolute()
        self.known = known or {}
        self.manifest: Manifest = {}
        self.written: list[str] = []
        recover(self.out)  # what a build of an earlier version, killed mid-swap, left beside the folder
        self.out.mkdir(parents=True, exist_ok=True)
        self.on_disk, self.folders = _scan(self.out, scanned)
        if MARKER not in self.on_disk:  # first: a folder cut short is still recognised as ours
            _replace(self.out / MARKER, MARKER_TEXT)
        self.on_disk.pop(MARKER, None)
        self.wanted: set[str] = set()

    def write(self, files: Mapping[str, bytes], digests: Mapping[str, bytes] | None = None) -> None:
        """`digests` are the sha256 of some of `files` when known (a warm build keeps them with
        the cached site): a file whose digest and stat are as the manifest says is neither
        hashed nor read, nor asked of `files` (which may have to read it from the build cache)."""
        digests = digests or {}
        ordered = sorted(files)
        for rel in ordered:
            _check_rel(rel)
        needed = folders_of(ordered)
        for folder in sorted(needed & self.on_disk.keys()):  # a file where a folder must go now
            del self.on_disk[folder]
            (self.out / folder).unlink()
        for rel in sorted(self.folders.intersection(ordered)):  # a folder where a file must go now
            shutil.rmtree(safe_join(self.out, rel))
            self.folders = {f for f in self.folders if not (f == rel or f.startswith(rel + "/"))}
            self.on_disk = {r: s for r, s in self.on_disk.items() if not r.startswith(rel + "/")}
        for folder in sorted(needed - self.folders):
            safe_join(self.out, folder).mkdir(parents=True, exist_ok=True)  # once per new folder, not per file
        for rel in ordered:
            stat, known, digest = self.on_disk.get(rel), self.known.get(rel), digests.get(rel)
            if stat is not None and known is not None and known == (stat, digest):
                self.manifest[rel] = known
                continue
            data = files[rel]
            digest = digest or hashlib.sha256(data).digest()
            if stat is None or not self._same(self.out, rel, stat, data, digest, known):
                stat = _replace(safe_join(self.out, rel), data)
                self.written.append(rel)
            self.manifest[rel] = (stat, digest)
        self.wanted.update(files)

    def finish(self) -> Manifest:
        """Remove what the new site does not hold; the manifest of what is on disk now."""
        for rel in sorted(set(self.on_disk) - self.wanted):
            (self.out / rel).unlink(missing_ok=True)
        for folder in sorted(self.folders - folders_of(self.wanted), reverse=True):  # deepest first
            try:
                (self.out / folder).rmdir()
            except OSError:  # not empty: something appeared meanwhile; the next build tries again
                pass
        return self.manifest

    @staticmethod
    def _same(out: Path, rel: str, stat: StatKey, data: bytes, digest: bytes, known: FileState | None) -> bool:
        if stat[0] != len(data):
            return False
        if known is not None and known[0] == stat:
            return known[1] == digest
        return safe_join(out, rel).read_bytes() == data


def folders_of(paths: Iterable[str]) -> set[str]:
    """Every folder that `paths` lie in, with the folders those lie in: 'a/b/c.html' needs 'a/b' and 'a'."""
    needed: set[str] = set()
    for path in paths:
        folder = path.rpartition("/")[0]
        while folder and folder not in needed:  # a folder already seen brought its own along
            needed.add(folder)
            folder = folder.rpartition("/")[0]
    return needed


def _scan(out: Path, scanned: Scan | None) -> tuple[dict[str, StatKey], set[str]]:
    """Regular files (rel -> stat) and folders under `out` (`scanned`, else scanned now). Anything
    else found is removed on the way: a link (writing through it could land outside the site), a
    temporary file that a killed build left, a socket or a pipe."""
    files, folders, strays = scanned or scan_site(out)
    for stray in strays:
        with suppress(FileNotFoundError):
            os.unlink(stray)
    return files, folders


def scan_site(out: Path) -> Scan:
    """Regular files (rel -> stat) and folders under `out`, and the paths of anything else: a
    link, a temporary file, a socket or a pipe."""
    files: dict[str, StatKey] = {}
    folders: set[str] = set()
    strays: list[str] = []
    pending = [("", str(out))]  # plain strings: a site has a folder per page, thousands of them
    while pending:
        prefix, folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.add(rel)
                    pending.append((rel + "/", entry.path))
                elif entry.is_file(follow_symlinks=False) and TEMP not in entry.name:
                    files[rel] = _stat_key(entry.stat(follow_symlinks=False))
                else:
                    strays.append(entry.path)
    return files, folders, strays


def _replace(target: Path, data: bytes) -> StatKey:
    """Write `target` whole or not at all: a temporary file beside it, renamed over it."""
    tmp = target.with_name(f".{target.name}{TEMP}{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)  # the umask decides, as for any file
        with open(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return _stat_key(os.stat(target))


def _stat_key(stat: os.stat_result) -> StatKey:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def recover(out_dir: Path) -> None:
    """Repair what a killed build left: the site put back if it was moved aside and not
    replaced, then every leftover folder of a build that is no longer running removed."""
    found = leftovers(out_dir)
    if not out_dir.exists() and not out_dir.is_symlink():
        olds = sorted((p for p in found if p.name.startswith(f".{out_dir.name}.old-")),
                      key=lambda p: p.stat().st_mtime)
        if olds:
            olds[-1].rename(out_dir)  # the last good site, moved aside by a build killed mid-swap
            found.remove(olds[-1])
    for path in found:
        shutil.rmtree(path, ignore_errors=True)


def leftovers(out_dir: Path) -> list[Path]:
    """What killed builds left beside the output folder: a build of an earlier version, killed
    mid-swap, its folders `new` and `old`; a build without a cache its temporary page store
    (`pages`, site.py), which stays while the process named in it runs, this one included."""
    found = []
    for kind in ("new", "old", PAGE_STORE):
        prefix = f".{out_dir.name}.{kind}-"
        for path in out_dir.parent.glob(prefix + "*"):
            pid = path.name.removeprefix(prefix).split("-")[0]
            ours = pid.isdigit() and int(pid) == os.getpid()
            if not (pid.isdigit() and (kind == PAGE_STORE or not ours) and (ours or _running(int(pid)))):
                found.append(path)
    return found


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def safe_join(root: Path, rel: str) -> Path:
    """`root/rel`, refusing any path that would land outside `root`. Judged on the text, which
    costs no system call per file; `update_site` also resolves links, as its folder is old."""
    _check_rel(rel)
    return root.joinpath(*rel.split("/"))


def _check_rel(rel: str) -> None:
    framed = f"/{rel}/"  # a part that is '', '.' or '..' lies between two slashes here
    if "\\" in rel or "\x00" in rel or "//" in framed or "/./" in framed or "/../" in framed:
        raise ValueError(f"refusing to write outside the site: {rel!r}")


def update_site(files: dict[str, bytes], out_dir: Path, previous: dict[str, bytes]) -> list[str]:
    """Write only what changed since `previous` (used by serve); returns the changed paths."""
    changed = sorted(rel for rel, data in files.items() if previous.get(rel) != data)
    for rel in changed:
        target = safe_join(out_dir, rel)
        if not target.resolve().is_relative_to(out_dir.resolve()):  # a link someone left in site/
            raise ValueError(f"refusing to write outside the site: {rel!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace(target, files[rel])
    for rel in sorted(set(previous) - set(files)):
        target = safe_join(out_dir, rel)
        target.unlink(missing_ok=True)
    return changed
