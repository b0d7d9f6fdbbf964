"""How a build is asked to run: what the command line sets, read before anything heavy is imported."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PUBLIC, INTERNAL = "public", "internal"  # the audiences (model/entities.py names them too)


@dataclass(frozen=True)
class Options:
    audience: str = PUBLIC
    strict: bool = False     # warnings fail, and so do parity errors
    file_mode: bool = False  # links end in index.html, for a site opened from disk
    base_url: str | None = None  # replaces handbook.yml's, for a CI job that learns it only when it runs
    workers: int | None = None   # processes rendering pages (default: one per core; 1: serially)
    force: bool = False          # replace an output folder ladderdocs did not write
    drafts: bool = False         # include pages marked `draft: true`
    cache: Path | None = None    # the build cache's folder (render/cache.py); None: a build renders everything
    promotions: Path | None = None  # a promotions CSV: the promotions page (checks/audit.py), where allowed

    def output_key(self) -> tuple[object, ...]:
        """The options the bytes of a site depend on."""
        return (self.audience, self.file_mode, self.base_url, self.drafts)
