"""Level diffs: `diff/<from>--<to>/` for each level and the next on its track and for each pair
of same-grade levels on different tracks; `diff/` lists them and has pickers that compare any
two levels in the browser, from the data in `diff/levels.js`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ladderdocs.addresses import pair_url
from ladderdocs.model.deps import level_dep
from ladderdocs.model.diff import adjacent_pairs, same_grade_pairs, static_pairs
from ladderdocs.model.entities import Handbook, Level, Track
from ladderdocs.pages.base import PageJob, PageType
from ladderdocs.pages.facts import Facts

URL = "diff/"


@dataclass(frozen=True)
class Pair:
    """Two levels compared on a page of their own."""

    lower: Level
    upper: Level
    lower_track: Track
    upper_track: Track

    @property
    def url(self) -> str:
        return pair_url(self.lower.id, self.upper.id)


def _linked(hb: Handbook, pairs: list[tuple[Level, Level]]) -> list[Pair]:
    return [Pair(a, b, hb.track_of(a), hb.track_of(b)) for a, b in pairs]


def jobs(facts: Facts) -> Iterator[PageJob]:
    hb = facts.handbook
    yield PageJob(f"{URL}index.html", "diffs.html", {
        "tracks": hb.tracks,
        "adjacent": [(track, _linked(hb, pairs)) for track, pairs in adjacent_pairs(hb)],
        "same_grade": [(grade, _linked(hb, pairs)) for grade, pairs in same_grade_pairs(hb)]}, frozenset())
    every_level = frozenset(level_dep(lv) for lv in hb.level_by_id)
    pairs = static_pairs(hb)
    yield PageJob("diff/levels.js", "diff-data.js", {
        "competencies": hb.competencies, "levels": [(lv, hb.track_of(lv)) for lv in hb.level_by_id.values()],
        "pairs": _linked(hb, pairs)}, every_level)
    for lower, upper in pairs:
        diff = facts.diff(lower, upper)
        yield PageJob(pair_url(lower.id, upper.id) + "index.html", "diff.html", {
            "lower": lower, "upper": upper, "lower_track": hb.track_of(lower), "upper_track": hb.track_of(upper),
            "counts": diff.counts,
            "competencies": [(hb.competency_by_id[cd.competency_id], cd) for cd in diff.competencies]},
            frozenset({level_dep(lower.id), level_dep(upper.id)}))


PAGE = PageType("diffs", ("diff",), ("diffs.html", "diff-data.js", "diff.html"), jobs, index=URL)
