"""Stage 6: put the rendered files on disk without ever leaving a half-written site.

The new site is written next to the old one and swapped in by two renames; a failure
before the swap leaves the previous site exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Mapping

Writer = Callable[[Mapping[str, bytes]], None]


def write_site(files: Mapping[str, bytes], out_dir: Path) -> None:
    with staged_site(out_dir) as write:
        write(files)


@contextmanager
def staged_site(out_dir: Path) -> Iterator[Writer]:
    """A function writing files into a new site beside `out_dir`, which replaces it when the
    block ends without an error (files can come in several batches, as they are ready)."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))

    def write(files: Mapping[str, bytes]) -> None:
        targets = {rel: safe_join(staging, rel) for rel in sorted(files)}
        for folder in sorted({target.parent for target in targets.values()}):
            folder.mkdir(parents=True, exist_ok=True)  # once per folder, not once per file
        for rel, target in targets.items():
            target.write_bytes(files[rel])

    try:
        yield write
        os.chmod(staging, 0o755)
        swap_in(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def safe_join(root: Path, rel: str) -> Path:
    """`root/rel`, refusing any path that would land outside `root`. Judged on the text, which
    costs no system call per file; `update_site` also resolves links, as its folder is old."""
    parts = rel.split("/")
    if rel.startswith("/") or "\\" in rel or "\x00" in rel or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"refusing to write outside the site: {rel!r}")
    return root.joinpath(*parts)


def swap_in(staging: Path, out_dir: Path) -> None:
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        old.rmdir()
        out_dir.rename(old)
    staging.rename(out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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
