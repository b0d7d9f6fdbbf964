"""`ladderdocs init DIR`: a new handbook that builds and checks clean at once.

The starter lives in ladderdocs/starter/ and ships in the wheel. Names beginning with `dot-`
there become dotfiles (`dot-github/` -> `.github/`), because wheels built by setuptools leave
hidden files out. `@LADDERDOCS_VERSION@` pins the workflow to the ladderdocs that made it, and
`@TODAY@` dates the example bands, so they do not start out stale.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ladderdocs import __version__
from ladderdocs.errors import ContentError, Problem
from ladderdocs.outputs.write import safe_join
from ladderdocs.render.themes import bundled

STARTER = Path(__file__).resolve().parent / "starter"


def example_handbook() -> Path:
    """The example handbook shipped in the wheel (the repository's content/)."""
    return bundled("example", "content")


def starter_files(today: dt.date) -> dict[str, bytes]:
    """Path in the new handbook -> content, placeholders filled in."""
    files = {}
    for path in sorted(STARTER.rglob("*")):
        if not path.is_file():
            continue
        rel = "/".join("." + part.removeprefix("dot-") if part.startswith("dot-") else part
                       for part in path.relative_to(STARTER).parts)
        text = path.read_text(encoding="utf-8")
        text = text.replace("@LADDERDOCS_VERSION@", __version__).replace("@TODAY@", today.isoformat())
        files[rel] = text.encode("utf-8")
    return files


def init_handbook(target: Path, today: dt.date | None = None) -> list[str]:
    """Write the starter into `target`, which must be new or empty: init never overwrites."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        what = "is a file" if not target.is_dir() else "is a folder that is not empty"
        raise ContentError([Problem(str(target), 1, 1, f"{what}; expected a new or empty folder, "
                                                       "so that nothing is overwritten")])
    files = starter_files(today or dt.date.today())
    target.mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        path = safe_join(target, rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return sorted(files)
