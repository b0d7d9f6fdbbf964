"""A page to render: the unit render.py, the feature views and serve's rebuilds share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PageJob:
    """One output page: where it goes, which template, what it shows."""

    path: str
    template: str
    context: dict[str, Any]

    @property
    def dir(self) -> str:
        return self.path.rsplit("/", 1)[0] + "/" if "/" in self.path else ""
