"""Earlier versions of the framework, read from the git tags that hold them.

Each tag is read as git stores it (`git archive` of its handbook.yml and ladder/), never from
the working tree, and dated by the tag itself (the tagger's date, else its commit's): two
builds of one repository read the same versions, in any clone, on any day. Outside a git
repository, or with no matching tag, there are no earlier versions, and one git call told so.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ladderdocs.errors import Problem
from ladderdocs.source.history import GIT_TIMEOUT_S, git_output
from ladderdocs.source.load import RawHandbook, load_handbook

DEFAULT_TAGS = "framework-v*"
PRESENTATION = ("theme", "logo", "strings")  # an earlier version is read for its ladder; these name files it lacks


@dataclass(frozen=True)
class Tag:
    name: str
    object_id: str  # the tag object's id (a lightweight tag's commit): what a version is cached by
    tagged: dt.date


@dataclass(frozen=True)
class Repository:
    top: Path    # the working tree's top folder
    prefix: str  # the handbook folder under it, posix, '' or ending in '/'


def repository(root: Path) -> Repository | None:
    """Where the handbook sits in its git repository; None outside one (or without git)."""
    found = git_output(root, "rev-parse", "--show-toplevel", "--show-prefix") if root.is_dir() else None
    if found is None:
        return None
    top, _, prefix = found.partition("\n")
    return Repository(Path(top), prefix.strip())


def tags(repo: Repository, pattern: str | None) -> list[Tag]:
    """The tags matching `pattern` (a glob), oldest version first (git's version order of names)."""
    listed = git_output(repo.top, "for-each-ref", "--sort=version:refname",
                        "--format=%(refname:short) %(objectname) %(creatordate:short)",
                        f"refs/tags/{pattern or DEFAULT_TAGS}")
    found = []
    for line in (listed or "").splitlines():
        name, object_id, date = line.rsplit(" ", 2)  # a ref name holds no space
        found.append(Tag(name, object_id, dt.date.fromisoformat(date)))
    return found


def read_tag(repo: Repository, tag: Tag) -> RawHandbook | str:
    """The handbook's ladder as `tag` holds it, its files named `TAG:path` as `git show` takes
    them; or why it cannot be read (no handbook at this path in that tag)."""
    wanted = [f"{repo.prefix}handbook.yml", f"{repo.prefix}ladder"]
    import tarfile  # here: only a handbook with earlier versions in tags reads one
    archive = _git_bytes(repo.top, "archive", "--format=tar", tag.object_id, "--", *wanted)
    if archive is None:
        return f"tag {tag.name} holds no {repo.prefix}handbook.yml and {repo.prefix}ladder/"
    with tempfile.TemporaryDirectory(prefix="ladderdocs-version-") as folder:
        try:
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(folder, filter="data")  # refuses a link leading out of the folder
        except (tarfile.TarError, OSError) as err:
            return f"tag {tag.name} cannot be read ({err})"
        root = Path(folder) / repo.prefix
        raw = load_handbook(root, dates=lambda _: {})
        raw.pages, raw.assets = [], []
        if raw.handbook is not None and isinstance(raw.handbook.data, dict):
            for key in PRESENTATION:
                raw.handbook.data.pop(key, None)
        for doc, _ in raw.documents():
            doc.name = _tagged_name(doc.name, root, tag, repo.prefix)
        raw.problems = [Problem(_tagged_name(p.file, root, tag, repo.prefix), p.line, p.col, p.message, p.severity)
                        for p in raw.problems]
        raw.root = repo.top / repo.prefix
        return raw


def _tagged_name(name: str, root: Path, tag: Tag, prefix: str) -> str:
    """A file of the extracted tag as `git show` names it: framework-v1:content/ladder/comp.yml."""
    path = Path(name).absolute()
    inside = path.relative_to(root.absolute()).as_posix() if path.is_relative_to(root.absolute()) else path.name
    return f"{tag.name}:{prefix}{inside}"


def _git_bytes(folder: Path, *args: str) -> bytes | None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, timeout=GIT_TIMEOUT_S, env=env)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None
