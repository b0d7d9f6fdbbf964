"""Level diffs: `diff/<from>--<to>/` for each level and the next on its track and for each pair
of same-grade levels on different tracks; `diff/` lists them and has pickers that compare any
two levels in the browser, from the data in `diff/levels.js`.

Two levels of different tracks are a decision ("what would I be on the other track?"), so their
page sets the two side by side, competency by competency, with the pay in each zone and the
switching rules between the tracks; two levels of one track read as what changes going up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ladderdocs.addresses import pair_url
from ladderdocs.checks.parity import is_stale
from ladderdocs.model.deps import BANDS, MOBILITY, expectations_dep, expectations_up_to
from ladderdocs.model.diff import (
    CUMULATIVE, CompetencyDiff, Stated, adjacent_pairs, expectations_model, same_grade_pairs, stated_at, static_pairs)
from ladderdocs.model.entities import Band, Competency, Expectation, Handbook, Level, Track, Zone
from ladderdocs.model.queries import SwitchOption, switch_options
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


@dataclass(frozen=True)
class Delta:
    """A signed difference of pay, the sign apart so the amount is written as money."""

    sign: str     # "+", "−" or "" (no difference)
    amount: float  # never negative


def delta(before: float, after: float) -> Delta:
    diff = after - before
    return Delta("+" if diff > 0 else "−" if diff < 0 else "", abs(diff))


@dataclass(frozen=True)
class ZonePay:
    """One zone's bands of two levels and what the second pays against the first."""

    zone: Zone
    lower: Band | None
    upper: Band | None
    min_delta: Delta | None  # None when a band is missing: no difference can be told
    max_delta: Delta | None
    sources: list[tuple[Band, bool]]  # (band, stale): as-of and source, once when both bands share them


def pay_by_zone(hb: Handbook, lower: Level, upper: Level) -> list[ZonePay]:
    rows = []
    for zone in hb.zones:
        a, b = hb.band_for(lower, zone), hb.band_for(upper, zone)
        both = a is not None and b is not None
        bands = [band for band in (a, b) if band is not None]
        sources = [band for i, band in enumerate(bands)
                   if all((band.as_of, band.provenance) != (o.as_of, o.provenance) for o in bands[:i])]
        rows.append(ZonePay(zone, a, b, delta(a.min, b.min) if both else None,  # type: ignore[union-attr]
                            delta(a.max, b.max) if both else None,  # type: ignore[union-attr]
                            [(band, is_stale(band, hb.settings)) for band in sources]))
    return rows


@dataclass(frozen=True)
class Side:
    """One competency as two levels of different tracks state it, aligned: the expectations that
    read alike first, in the same order on both sides; then what only one side asks."""

    competency: Competency
    alike: list[tuple[str, Expectation, Expectation]]  # (kind, lower's, upper's): grown, reworded, maybe
    only_lower: list[Expectation]
    only_upper: list[Expectation]
    both: list[Expectation]  # the very same words on both
    in_lower: bool  # whether the competency applies to each level at all
    in_upper: bool


def sides(hb: Handbook, diff: list[CompetencyDiff], lower_ids: set[str], upper_ids: set[str]) -> list[Side]:
    return [Side(hb.competency_by_id[cd.competency_id],
                 [("grown", o, n) for o, n in cd.grown] + [("reworded", o, n) for o, n in cd.reworded]
                 + [("maybe", o, n) for o, n in cd.maybe],
                 cd.not_restated, cd.added, cd.kept, cd.competency_id in lower_ids, cd.competency_id in upper_ids)
            for cd in diff]


def switching(hb: Handbook, level: Level, to: Track) -> list[SwitchOption]:
    """The mobility rules' moves from `level`'s track to `to`, as they apply at its grade."""
    return [option for option in switch_options(hb, level) if option.track.id == to.id]


def stated(facts: Facts, level: Level) -> dict[str, list[Stated]]:
    """What the level itself states, per competency, each with its lineage (model/diff.py)."""
    here = facts.applying(facts.handbook.track_of(level))[level.id]
    return {cid: stated_at(level, cid, here) for cid in level.expectations}


def jobs(facts: Facts) -> Iterator[PageJob]:
    hb = facts.handbook
    yield PageJob(f"{URL}index.html", "diffs.html", {
        "tracks": hb.tracks,
        # highest grade first, as every list of grades reads
        "adjacent": [(track, _linked(hb, pairs[::-1])) for track, pairs in adjacent_pairs(hb)],
        "same_grade": [(grade, _linked(hb, pairs)) for grade, pairs in same_grade_pairs(hb)[::-1]]}, frozenset())
    every_level = frozenset(expectations_dep(lv) for lv in hb.level_by_id)  # it shows no summary, scope or band
    pairs = static_pairs(hb)
    yield PageJob("diff/levels.js", "diff-data.js", {
        "competencies": hb.competencies,
        "tracks": [(track, expectations_model(hb, track) == CUMULATIVE) for track in hb.tracks],
        "levels": [(lv, hb.track_of(lv), stated(facts, lv)) for lv in hb.level_by_id.values()],
        "pairs": _linked(hb, pairs)}, every_level)
    for lower, upper in pairs:
        if lower.track_id != upper.track_id:
            yield versus(facts, lower, upper)
            continue
        diff = facts.diff(lower, upper)
        yield PageJob(pair_url(lower.id, upper.id) + "index.html", "diff.html", {
            "lower": lower, "upper": upper, "lower_track": hb.track_of(lower), "upper_track": hb.track_of(upper),
            "counts": diff.counts, "cumulative": diff.cumulative, "same_track": lower.track_id == upper.track_id,
            "competencies": [(hb.competency_by_id[cd.competency_id], cd) for cd in diff.competencies]},
            expectations_up_to(hb, lower) | expectations_up_to(hb, upper))  # titles and expectations: no summary


def versus(facts: Facts, lower: Level, upper: Level) -> PageJob:
    """Two same-grade levels of different tracks side by side: pay, switching rules, expectations."""
    hb = facts.handbook
    lower_track, upper_track = hb.track_of(lower), hb.track_of(upper)
    applies = facts.applying(lower_track)[lower.id], facts.applying(upper_track)[upper.id]
    mobility = hb.mobility
    return PageJob(pair_url(lower.id, upper.id) + "index.html", "diff-tracks.html", {
        "lower": lower, "upper": upper, "lower_track": lower_track, "upper_track": upper_track,
        "pay": pay_by_zone(hb, lower, upper),
        "moves": [(lower, lower_track, upper_track, switching(hb, lower, upper_track)),  # (level, from, to, options)
                  (upper, upper_track, lower_track, switching(hb, upper, lower_track))] if mobility else [],
        "keep_grade": mobility.keep_grade if mobility else False,
        "months_between": mobility.min_months_between_switches if mobility else None,
        "time_boxed": [t for t in (lower_track, upper_track) if t.time_box_months],
        "sides": sides(hb, facts.diff(lower, upper).competencies, set(applies[0]), set(applies[1]))},
        expectations_up_to(hb, lower) | expectations_up_to(hb, upper) | {BANDS, MOBILITY})  # no summary either


PAGE = PageType("diffs", ("diff",), ("diffs.html", "diff-data.js", "diff.html", "diff-tracks.html"), jobs, index=URL)
