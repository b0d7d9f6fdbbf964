"""Stage 6: put the rendered files on disk without ever leaving a half-written site.

The new site is written next to the old one (`.site.new-<pid>-*`) and swapped in; a failure
before the swap leaves the previous site exactly as it was. On Linux the swap is one atomic
exchange of the two folders; elsewhere two renames, and a build that was killed between them
is repaired by the next, which puts the old site back before anything else. Leftovers of
killed builds are removed by the next build.

A folder is replaced only when ladderdocs wrote it (it holds MARKER) or it is empty: `--out
docs` must never delete someone's notes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Mapping

Writer = Callable[[Mapping[str, bytes]], None]
MARKER = ".ladderdocs-site"  # in every site folder ladderdocs writes: the folder is its to replace
MARKER_TEXT = b"This folder is written by ladderdocs; each build replaces all of it.\n"
LEGACY = (".nojekyll", "robots.txt", "search-index.js")  # what every site written before MARKER holds


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


def write_site(files: Mapping[str, bytes], out_dir: Path) -> None:
    with staged_site(out_dir) as write:
        write(files)


@contextmanager
def staged_site(out_dir: Path) -> Iterator[Writer]:
    """A function writing files into a new site beside `out_dir`, which replaces it when the
    block ends without an error (files can come in several batches, as they are ready)."""
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    recover(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-{os.getpid()}-", dir=out_dir.parent))

    def write(files: Mapping[str, bytes]) -> None:
        targets = {rel: safe_join(staging, rel) for rel in sorted(files)}
        for folder in sorted({target.parent for target in targets.values()}):
            folder.mkdir(parents=True, exist_ok=True)  # once per folder, not once per file
        for rel, target in targets.items():
            target.write_bytes(files[rel])

    try:
        yield write
        (staging / MARKER).write_bytes(MARKER_TEXT)
        os.chmod(staging, 0o755)
        swap_in(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def recover(out_dir: Path) -> None:
    """Repair what a killed build left: the site put back if it was moved aside and not
    replaced, then every leftover folder of a build that is no longer running removed."""
    leftovers = _leftovers(out_dir)
    if not out_dir.exists() and not out_dir.is_symlink():
        olds = sorted((p for p in leftovers if p.name.startswith(f".{out_dir.name}.old-")),
                      key=lambda p: p.stat().st_mtime)
        if olds:
            olds[-1].rename(out_dir)  # the last good site, moved aside by a build killed mid-swap
            leftovers.remove(olds[-1])
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)


def _leftovers(out_dir: Path) -> list[Path]:
    found = []
    for kind in ("new", "old"):
        prefix = f".{out_dir.name}.{kind}-"
        for path in out_dir.parent.glob(prefix + "*"):
            pid = path.name.removeprefix(prefix).split("-")[0]
            if not (pid.isdigit() and int(pid) != os.getpid() and _running(int(pid))):
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


def swap_in(staging: Path, out_dir: Path) -> None:
    """Put `staging` where `out_dir` is. At no moment is there no site at `out_dir`: the two
    folders are exchanged in one step where the system can (Linux), else renamed in turn."""
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    if _exchange(staging, out_dir):
        old = staging  # it now holds the previous site
    else:
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-{os.getpid()}-", dir=out_dir.parent))
        old.rmdir()
        out_dir.rename(old)
        staging.rename(out_dir)
    try:
        shutil.rmtree(old)
    except OSError as err:
        raise OSError(err.errno, f"the new site is in place, but the previous one could not be removed from "
                                 f"{old} ({err.strerror}); the next build tries again") from err


def _exchange(a: Path, b: Path) -> bool:
    """Exchange two folders atomically with renameat2(RENAME_EXCHANGE); False where there is none."""
    if not sys.platform.startswith("linux"):
        return False
    libc_name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(libc_name, use_errno=True) if libc_name else None
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system or kernel cannot
        return False
    raise OSError(errno, os.strerror(errno), str(b))


def safe_join(root: Path, rel: str) -> Path:
    """`root/rel`, refusing any path that would land outside `root`. Judged on the text, which
    costs no system call per file; `update_site` also resolves links, as its folder is old."""
    parts = rel.split("/")
    if rel.startswith("/") or "\\" in rel or "\x00" in rel or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"refusing to write outside the site: {rel!r}")
    return root.joinpath(*parts)


def update_site(files: dict[str, bytes], out_dir: Path, previous: dict[str, bytes]) -> list[str]:
    """Write only what changed since `previous` (used by serve); returns the changed paths."""
    changed = sorted(rel for rel, data in files.items() if previous.get(rel) != data)
    for rel in changed:
        target = safe_join(out_dir, rel)
        if not target.resolve().is_relative_to(out_dir.resolve()):  # a link someone left in site/
            raise ValueError(f"refusing to write outside the site: {rel!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(files[rel])
        tmp.replace(target)
    for rel in sorted(set(previous) - set(files)):
        target = safe_join(out_dir, rel)
        target.unlink(missing_ok=True)
    return changed
