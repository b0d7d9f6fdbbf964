"""Level diffs: `diff/<from>--<to>/` for each level and the next on its track and for each pair
of same-grade levels on different tracks; `diff/` lists them and has pickers that compare any
two levels in the browser, from the data in `diff/levels.js`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ladderdocs.addresses import pair_url
from ladderdocs.model.deps import level_dep, up_to
from ladderdocs.model.diff import (
    CUMULATIVE, Stated, adjacent_pairs, expectations_model, same_grade_pairs, stated_at, static_pairs)
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


def stated(facts: Facts, level: Level) -> dict[str, list[Stated]]:
    """What the level itself states, per competency, each with its lineage (model/diff.py)."""
    here = facts.applying(facts.handbook.track_of(level))[level.id]
    return {cid: stated_at(level, cid, here) for cid in level.expectations}


def jobs(facts: Facts) -> Iterator[PageJob]:
    hb = facts.handbook
    yield PageJob(f"{URL}index.html", "diffs.html", {
        "tracks": hb.tracks,
        "adjacent": [(track, _linked(hb, pairs)) for track, pairs in adjacent_pairs(hb)],
        "same_grade": [(grade, _linked(hb, pairs)) for grade, pairs in same_grade_pairs(hb)]}, frozenset())
    every_level = frozenset(level_dep(lv) for lv in hb.level_by_id)
    pairs = static_pairs(hb)
    yield PageJob("diff/levels.js", "diff-data.js", {
        "competencies": hb.competencies,
        "tracks": [(track, expectations_model(hb, track) == CUMULATIVE) for track in hb.tracks],
        "levels": [(lv, hb.track_of(lv), stated(facts, lv)) for lv in hb.level_by_id.values()],
        "pairs": _linked(hb, pairs)}, every_level)
    for lower, upper in pairs:
        diff = facts.diff(lower, upper)
        yield PageJob(pair_url(lower.id, upper.id) + "index.html", "diff.html", {
            "lower": lower, "upper": upper, "lower_track": hb.track_of(lower), "upper_track": hb.track_of(upper),
            "counts": diff.counts, "cumulative": diff.cumulative, "same_track": lower.track_id == upper.track_id,
            "competencies": [(hb.competency_by_id[cd.competency_id], cd) for cd in diff.competencies]},
            up_to(hb, lower) | up_to(hb, upper))


PAGE = PageType("diffs", ("diff",), ("diffs.html", "diff-data.js", "diff.html"), jobs, index=URL)
