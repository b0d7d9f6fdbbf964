"""`ladderdocs init DIR`: a new handbook that builds and checks clean at once.

The starter lives in ladderdocs/starter/ and ships in the wheel. Names beginning with `dot-`
there become dotfiles (`dot-github/` -> `.github/`), because wheels built by setuptools leave
hidden files out. `@LADDERDOCS_VERSION@` pins the workflow to the ladderdocs that made it, and
`@TODAY@` dates the example bands, so they do not start out stale.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ladderdocs import __version__
from ladderdocs.errors import ContentError, Problem
from ladderdocs.outputs.write import safe_join
from ladderdocs.render.themes import bundled
from ladderdocs.source.schema import FILES, schema_files

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
    files = {**starter_files(today or dt.date.today()), **editor_files()}
    target.mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        path = safe_join(target, rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return sorted(files)


# -- editors -----------------------------------------------------------------------------------
# The starter's YAML files begin with a `# yaml-language-server: $schema=...` modeline pointing
# into this folder (relative to each file), so any editor running the YAML language server
# completes and checks them. The loader reads only the files the content format names, so the
# folder is never taken for content; `ladderdocs schema --all content/.schemas` refreshes it.
SCHEMA_FOLDER = "content/.schemas"


def editor_files() -> dict[str, bytes]:
    """The schema of each kind of file, and VS Code's settings mapping the handbook's YAML files
    to them (which also covers files added later, such as a new track) and recommending the
    YAML extension that reads them."""
    files = {f"{SCHEMA_FOLDER}/{name}": data for name, data in schema_files().items()}
    mapping: dict[str, str | list[str]] = {f"./{SCHEMA_FOLDER}/{kind}.schema.json": f"/content/{glob}"
                                           for kind, glob in FILES.items() if glob.endswith(".yml")}
    mapping[f"./{SCHEMA_FOLDER}/track.schema.json"] = ["/content/ladder/tracks/*.yml", "/content/ladder/tracks/*.yaml"]
    files[".vscode/settings.json"] = _json({"yaml.schemas": mapping})
    files[".vscode/extensions.json"] = _json({"recommendations": ["redhat.vscode-yaml"]})
    return files


def _json(data: object) -> bytes:
    return (json.dumps(data, indent=2) + "\n").encode("utf-8")
