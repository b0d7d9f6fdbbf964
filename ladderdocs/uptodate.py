"""A build that would change nothing is not run: over an unchanged handbook and an untouched
output folder, `ladderdocs build` says again what the last build said and writes nothing.

This is make's rule, made safe where make's is not:
- inputs are compared by their whole stat (size, modification and change times in
  nanoseconds, inode), so a file renamed over another or a checkout that keeps times differs;
- the inputs are every file and folder the pipeline reads (handbook.yml, ladder/, pages/,
  assets/, each theme layer, the promotions file), git's HEAD and tags (pages are dated by
  commits, earlier versions read from tags), the day (staleness is judged against it), and
  the code: ladderdocs' own files, Python, and the libraries that render;
- the output folder must hold exactly the files the last build left there, stat for stat: a
  file deleted, touched or added sends the build the long way, which repairs it;
- a record is kept only when every input had been still for SETTLED_S when the build began:
  a file system's clock ticks coarsely, and a file written twice in one tick keeps its times.
  An edit made during a build, or just before it, is never missed.

This module is imported before anything that parses or renders: checking costs a few
thousand stat calls, where the pipeline would first import Jinja, Markdown and YAML. The
record lives in the build cache, so `--no-cache` never reads it and `ladderdocs clean` drops it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ladderdocs import __version__
from ladderdocs.errors import Problem
from ladderdocs.outputs.write import MARKER, StatKey, folders_of, leftovers, scan_site
from ladderdocs.render.cache import read_pickle, write_pickle
from ladderdocs.render.themes import default_theme
from ladderdocs.source.history import git_output

SETTLED_S = 2  # coarser than any file system's timestamps (FAT's are 2 s), as source/cache.py
LIBRARIES = ("jinja2", "markupsafe", "markdown_it_py", "mdit_py_plugins", "babel", "pyyaml")
_PACKAGE = Path(__file__).resolve().parent
Stat = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
Inputs = tuple[tuple[str, Stat | None, Stat | None], ...]  # path, its own stat, where a link leads
UNSETTLED: Stat = (-1, -1, -1, -1)  # no file's stat (see as_settled)


@dataclass(frozen=True)
class Said:
    """What a build told the author, to be told again when it is not run."""

    pages: int               # HTML pages in the site
    rendered: int            # of them rendered by that build
    warnings: tuple[Problem, ...]
    notes: tuple[str, ...]
    parity: str | None       # the pay-parity summary line, when there were findings
    promotions_read: bool    # whether a promotions file it was given went into the site
    strict_clean: bool       # no warning and no parity error: `--strict` would have passed too


@dataclass(frozen=True)
class Record:
    """One build, as the next one compares itself with it."""

    code: tuple[Any, ...]
    inputs: Inputs
    git: tuple[str | None, str | None]
    theme: str | None            # the handbook's own theme folder, read from handbook.yml
    outputs: dict[str, StatKey]  # every file in the output folder, the marker too
    said: Said


@dataclass(frozen=True)
class Build:
    """The build about to run: where its record goes and what it read when it began."""

    path: Path
    started_ns: int
    git: tuple[str | None, str | None]

    @classmethod
    def begin(cls, cache: Path, content: Path, out: Path, key: tuple[Any, ...]) -> Build:
        return cls(record_path(cache, content, out, key), time.time_ns(), git_state(content))


def record_path(cache: Path, content: Path, out: Path, key: tuple[Any, ...]) -> Path:
    """One record per handbook, output folder, set of options, working folder (problems name
    files relative to it) and day (staleness is judged against today unless a date is set)."""
    day = (os.environ.get("SOURCE_DATE_EPOCH"), dt.date.today().isoformat())
    what = repr((os.getcwd(), str(content.resolve()), str(out.resolve()), key, day))
    return cache / f"uptodate-{hashlib.sha256(what.encode('utf-8', 'surrogateescape')).hexdigest()[:24]}"


def unchanged(cache: Path, content: Path, out: Path, key: tuple[Any, ...], promotions: Path | None,
              strict: bool) -> Said | None:
    """What the last build said, when running this one would write the same site again; else None."""
    record = _read(record_path(cache, content, out, key))
    if record is None or (strict and not record.said.strict_clean) or record.code != code_signature():
        return None
    if record.inputs != inputs(content, record.theme, promotions):
        return None
    if record.outputs != _outputs(out) or leftovers(out.absolute()):
        return None
    return record.said if record.git == git_state(content) else None


def keep_record(build: Build, content: Path, theme: Path | None, promotions: Path | None,
             manifest: Mapping[str, tuple[StatKey, bytes]], out: Path, said: Said,
             content_found: Inputs | None = None) -> None:
    """Keep the record of a good build, if every input had settled when it began; otherwise
    drop the last one (it no longer describes the output folder). `content_found`: the
    content's files as the build found them before it read them (a file changed since has
    another stat next time, so the next build runs)."""
    found = inputs(content, str(theme) if theme else None, promotions, content_found)
    settled = build.started_ns - SETTLED_S * 1_000_000_000
    if any(stat is not None and (stat[1] >= settled or stat[2] >= settled)
           for _, own, led in found for stat in (own, led)):
        build.path.unlink(missing_ok=True)
        return
    outputs = {rel: state[0] for rel, state in manifest.items()}
    outputs[MARKER] = _key(os.stat(out / MARKER))
    write_pickle(build.path, Record(code_signature(), found, build.git, str(theme) if theme else None, outputs, said))


def inputs(content: Path, theme: str | None, promotions: Path | None, content_found: Inputs | None = None) -> Inputs:
    """Every file and folder a build reads, with its stat, in a stable order (`content_found`:
    those of the content, walked already)."""
    found = walk(content_files(content)) if content_found is None else content_found
    return found + walk([*([Path(theme)] if theme else []), default_theme(), *([promotions] if promotions else [])])


def content_files(content: Path) -> list[Path]:
    """What the model is read from (the theme is read apart, on every run)."""
    return [content / "handbook.yml", content / "ladder", content / "pages", content / "assets"]


def walk(paths: list[Path]) -> Inputs:
    """Each of `paths` and everything under it, with its stat, in a stable order."""
    found: list[tuple[str, Stat | None, Stat | None]] = []
    for path in paths:
        _walk(str(path), found)
    return tuple(found)


def as_settled(found: Inputs, started_ns: int) -> Inputs:
    """`found` with every stat taken within SETTLED_S of `started_ns` replaced by UNSETTLED: a file
    written again within one tick of its clock keeps its stat, so such a stat never matches."""
    settled = started_ns - SETTLED_S * 1_000_000_000
    return tuple((path, *(UNSETTLED if stat is not None and (stat[1] >= settled or stat[2] >= settled) else stat
                          for stat in (own, led))) for path, own, led in found)


def git_state(content: Path) -> tuple[str | None, str | None]:
    """The checked-out commit (and whether the clone is shallow), and every tag."""
    return (git_output(content, "rev-parse", "--is-shallow-repository", "HEAD"),
            git_output(content, "for-each-ref", "--format=%(objectname) %(refname)", "refs/tags"))


def code_signature() -> tuple[Any, ...]:
    """ladderdocs' own files by stat, its version, Python's, and the installed libraries' versions
    (read from the names of their dist-info folders, which costs a directory listing)."""
    files = []
    for folder, subfolders, names in os.walk(_PACKAGE):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")  # Python writes there
        files += [(name, _key(os.stat(os.path.join(folder, name)))) for name in sorted(names)
                  if name.endswith((".py", ".mo"))]
    wanted = {name.lower() for name in LIBRARIES}
    versions = sorted(name for folder in sys.path if os.path.isdir(folder) for name in os.listdir(folder)
                      if name.endswith(".dist-info") and name.split("-")[0].lower() in wanted)
    return __version__, sys.version, tuple(versions), tuple(files)


def _walk(path: str, found: list[tuple[str, Stat | None, Stat | None]]) -> None:
    """`path` and, for a folder, everything under it (links are not followed into folders, as
    the loader does not enter them), depth first in name order."""
    try:
        own = os.stat(path, follow_symlinks=False)
    except OSError:
        found.append((path, None, None))
        return
    led = _led(path) if os.path.islink(path) else None
    found.append((path, _key(own), led))
    if led is None and os.path.isdir(path):
        _walk_folder(path, found)


def _walk_folder(folder: str, found: list[tuple[str, Stat | None, Stat | None]]) -> None:
    """What `_walk` finds under a folder, from one directory read: an entry tells whether it is
    a link or a folder without a system call, so each file costs one stat, not three."""
    try:
        with os.scandir(folder) as listed:
            entries = sorted(listed, key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        try:
            own = entry.stat(follow_symlinks=False)
        except OSError:
            found.append((entry.path, None, None))
            continue
        found.append((entry.path, _key(own), _led(entry.path) if entry.is_symlink() else None))
        if entry.is_dir(follow_symlinks=False):
            _walk_folder(entry.path, found)


def _led(link: str) -> Stat | None:
    """The stat of where a link leads, None when it leads nowhere."""
    try:
        return _key(os.stat(link))
    except OSError:
        return None


def _key(stat: os.stat_result) -> Stat:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def _outputs(out: Path) -> dict[str, StatKey] | None:
    """Every file in the output folder by stat; None when it holds anything a build would
    change: a link, a temporary file, a folder no file needs."""
    try:
        files, folders, strays = scan_site(out.absolute())
    except OSError:  # no folder, or not one
        return None
    if strays or folders != folders_of(files):
        return None
    return files


def _read(path: Path) -> Record | None:
    found = read_pickle(path)
    return found if isinstance(found, Record) else None

