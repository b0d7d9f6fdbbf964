"""What the page types derive from one handbook, each computed at most once per build.

Many pages ask the same question (every competency page asks for every level's marked
expectations; every parity page for the findings), so the answers are kept here: a cache
that lives as long as one build, never state on the model.
"""

from __future__ import annotations

from functools import cached_property

from ladderdocs.checks.parity import Finding, Summary, findings, summarise
from ladderdocs.model.changes import VersionChanges, changelog
from ladderdocs.model.deps import ALL, Dep, up_to
from ladderdocs.model.diff import Applying, LevelDiff, LevelExpectations, applying, diff_levels, level_expectations
from ladderdocs.model.entities import Handbook, Level, Track
from ladderdocs.model.queries import Folder, GridRow, folders, grade_grid, level_below
from ladderdocs.text.i18n import N_, Messages


# Keys whose content pay parity never reads (checks/parity.py reads the skeleton, bands and where
# levels and tracks are written): an edit of prose, or of what a level says where no line
# moves, keeps the findings. A band edit also changes its level's key, but with BANDS.
WORDS = frozenset({"page", "level", "expectations"})


class Facts:
    def __init__(self, handbook: Handbook):
        self.handbook = handbook
        self._marked: dict[str, dict[str, LevelExpectations]] = {}
        self._diffs: dict[tuple[str, str], LevelDiff] = {}
        self._applying: dict[str, dict[str, Applying]] = {}

    def __getstate__(self) -> dict[str, object]:
        """What the build cache keeps of the facts (render/cache.py): what `carry` takes and costs
        more to work out than to read back. The rest is worked out again when asked for: the
        grade grid and what applies on each track read back slower than they are made."""
        return {name: value for name, value in self.__dict__.items()
                if name in ("handbook", "_marked", "_diffs", "findings")} | {"_applying": {}}

    def carry(self, last: Facts, changed: set[Dep]) -> None:
        """Keep the marks and diffs of `last` (the same handbook before an edit) that the edit
        cannot reach: each is made of the skeleton and of the levels up to the ones it is
        about (model/deps.py), so serve's level edit works out its own track's alone."""
        if ALL in changed or any(dep[0] == "competency" for dep in changed):
            return
        if changed and all(dep[0] in WORDS for dep in changed) and "findings" in last.__dict__:
            self.__dict__["findings"] = last.findings  # what pay parity reads is unchanged (WORDS)
        hb = self.handbook
        clean = {level_id for level_id, level in hb.level_by_id.items() if not up_to(hb, level) & changed}
        self._marked = {key: marks for key, marks in last._marked.items() if key in clean}
        self._diffs = {key: diff for key, diff in last._diffs.items() if key[0] in clean and key[1] in clean}

    @cached_property
    def messages(self) -> Messages:
        """The theme's words in the handbook's language, for what pages make in Python."""
        return Messages(self.handbook.settings.language, self.handbook.settings.strings)

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
    def changelog(self) -> list[VersionChanges]:
        """What each framework version changed in the ladder, newest first (none without git tags)."""
        return changelog(self.handbook)

    @cached_property
    def folders(self) -> dict[str, Folder]:
        return folders(self.handbook, self.messages.text(N_("All pages")))

    def applying(self, track: Track) -> dict[str, Applying]:
        """What applies at each level of a track (on a cumulative one, with what comes from below)."""
        if track.id not in self._applying:
            self._applying[track.id] = applying(self.handbook, track)
        return self._applying[track.id]

    def marked(self, level: Level) -> dict[str, LevelExpectations]:
        """Per competency: what the level states, marked new or grown against the levels below,
        and on a cumulative track what still applies from them."""
        if level.id not in self._marked:
            track = self.handbook.track_of(level)
            self._marked[level.id] = level_expectations(self.handbook, level, level_below(self.handbook, level),
                                                        self.applying(track))
        return self._marked[level.id]

    def diff(self, lower: Level, upper: Level) -> LevelDiff:
        key = (lower.id, upper.id)
        if key not in self._diffs:
            self._diffs[key] = diff_levels(self.handbook, lower, upper, self._applying)
        return self._diffs[key]
