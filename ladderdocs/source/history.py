"""When each prose page last changed, from the handbook's git history.

The date of the last commit that touched a file, never its modification time: two builds of
one commit give the same dates, in any clone. Outside a git repository (or without git) there
are no dates, and pages say nothing about when they changed.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

GIT_TIMEOUT_S = 30
Dates = dict[str, dt.date]  # path under pages/ (posix) -> the date of the last commit that changed it


def page_dates(pages_dir: Path) -> Dates:
    """The committer date of the last commit that changed each file under `pages_dir`; none in a
    shallow clone, whose history would date every page to its one commit."""
    head = git_output(pages_dir, "rev-parse", "HEAD") if pages_dir.is_dir() else None
    return _dates(pages_dir) if head is not None else {}


class PageDates:
    """page_dates, asked again only when the checked-out commit changes (serve asks on every edit)."""

    def __init__(self) -> None:
        self._seen: tuple[str, Dates] | None = None

    def __call__(self, pages_dir: Path) -> Dates:
        head = git_output(pages_dir, "rev-parse", "HEAD") if pages_dir.is_dir() else None
        if head is None:
            return {}
        key = f"{pages_dir}@{head}"
        if self._seen is None or self._seen[0] != key:
            self._seen = (key, _dates(pages_dir))
        return self._seen[1]


def _dates(pages_dir: Path) -> Dates:
    if git_output(pages_dir, "rev-parse", "--is-shallow-repository") != "false":
        return {}
    log = git_output(pages_dir, "log", "--format=@%cs", "--name-only", "--no-renames", "--relative", "--", ".")
    dates: Dates = {}
    current: dt.date | None = None
    for line in (log or "").splitlines():
        if line.startswith("@"):
            current = dt.date.fromisoformat(line[1:])
        elif line and current is not None:
            dates.setdefault(line, current)  # newest first: the first date seen is the last change
    return dates


def git_output(folder: Path, *args: str) -> str | None:
    """git's output, or None outside a repository, without git, or on any failure."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                                timeout=GIT_TIMEOUT_S, env=env)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None
