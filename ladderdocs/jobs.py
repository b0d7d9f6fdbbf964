"""A page to render: the unit render.py, the feature views and serve's rebuilds share.

`deps` says what a page shows beyond the handbook's skeleton, so `serve` re-renders only
the pages an edit can change. The skeleton is every id, title, grade, order and setting:
navigation, links and every page's frame are made of it, and a change there re-renders
everything. A key names one entity's own content:

    ("level", id)       summary, scope, expectations, examples and the level's bands
    ("track", id)       summary and off-ramps
    ("competency", id)  description
    ("page", rel)       a prose page's front matter and body
    ("mobility",)       the switching rules
    ("bands",)          any band of any level
    ("all",)            anything at all: the default, for pages that declare nothing

A page that shows something its keys do not cover would be served stale, so when in doubt
leave `deps` at its default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Dep = tuple[str, ...]
ALL: Dep = ("all",)
MOBILITY: Dep = ("mobility",)
BANDS: Dep = ("bands",)


def level_dep(level_id: str) -> Dep:
    return ("level", level_id)


def track_dep(track_id: str) -> Dep:
    return ("track", track_id)


def competency_dep(competency_id: str) -> Dep:
    return ("competency", competency_id)


def page_dep(rel: str) -> Dep:
    return ("page", rel)


@dataclass(frozen=True)
class PageJob:
    """One output page: where it goes, which template, what it shows and what it depends on."""

    path: str
    template: str
    context: dict[str, Any]
    deps: frozenset[Dep] = field(default=frozenset({ALL}))

    @property
    def dir(self) -> str:
        return self.path.rsplit("/", 1)[0] + "/" if "/" in self.path else ""
