"""What the page types derive from one handbook, each computed at most once per build.

Many pages ask the same question (every competency page asks for every level's marked
expectations; every parity page for the findings), so the answers are kept here: a cache
that lives as long as one build, never state on the model.
"""

from __future__ import annotations

from functools import cached_property

from ladderdocs.checks.parity import Finding, Summary, findings, summarise
from ladderdocs.model.diff import LevelDiff, MarkedExpectation, diff_levels, marked_expectations
from ladderdocs.model.entities import Handbook, Level
from ladderdocs.model.queries import Folder, GridRow, folders, grade_grid, level_below


class Facts:
    def __init__(self, handbook: Handbook):
        self.handbook = handbook
        self._marked: dict[str, dict[str, list[MarkedExpectation]]] = {}
        self._diffs: dict[tuple[str, str], LevelDiff] = {}

    @cached_property
    def grid(self) -> list[GridRow]:
        return grade_grid(self.handbook)

    @cached_property
    def findings(self) -> list[Finding]:
        return findings(self.handbook)

    @cached_property
    def parity_summary(self) -> Summary:
        return summarise(self.findings)

    @cached_property
    def folders(self) -> dict[str, Folder]:
        return folders(self.handbook)

    def marked(self, level: Level) -> dict[str, list[MarkedExpectation]]:
        """The level's expectations per competency, marked new or grown against the level below."""
        if level.id not in self._marked:
            self._marked[level.id] = marked_expectations(self.handbook, level, level_below(self.handbook, level))
        return self._marked[level.id]

    def diff(self, lower: Level, upper: Level) -> LevelDiff:
        key = (lower.id, upper.id)
        if key not in self._diffs:
            self._diffs[key] = diff_levels(self.handbook, lower, upper)
        return self._diffs[key]
