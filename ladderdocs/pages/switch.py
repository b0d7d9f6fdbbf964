"""The track-switch planner: `switch/` (pick your level) and `switch/<level-id>/`, every move the
mobility rules name from one level, with where it lands, what one gains and leaves behind, the
pay in each zone before and after, and the clocks that start; and the moves they forbid, each
with the rule that forbids it.

Nothing is new here but the arrangement: the moves are model/queries.py's, the comparison of two
levels is model/diff.py's as the side-by-side page shows it, the pay is pages/diffs.py's. The
dates a clock falls due on come from a start month the reader enters (static/switch.js).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ladderdocs.addresses import pair_url
from ladderdocs.model.deps import BANDS, MOBILITY, Dep, expectations_up_to, track_dep
from ladderdocs.model.diff import same_grade_pair
from ladderdocs.model.entities import Handbook, Level, Move, OffRamp, Track
from ladderdocs.model.queries import SwitchOption, switch_options
from ladderdocs.pages.base import PageJob, PageType, SearchDoc, SearchEntry, SearchSources
from ladderdocs.pages.diffs import Side, ZonePay, pay_by_zone, sides
from ladderdocs.pages.facts import Facts
from ladderdocs.pages.prose import PAGES
from ladderdocs.text.i18n import N_

URL = "switch/"
TITLE = N_("Plan a track switch")


def switch_url(level_id: str) -> str:
    return f"{URL}{level_id}/"


def enabled(hb: Handbook) -> bool:
    """The planner exists when the handbook has mobility rules and has not turned it off."""
    return hb.mobility is not None and hb.settings.tools.switch


@dataclass(frozen=True)
class Landing:
    """One level a move lands on, and what changes on landing there."""

    level: Level
    pay: list[ZonePay]        # the band in each zone before and after, with the signed difference
    gained: list[Side]        # competencies with something only the new level asks
    left: list[Side]          # competencies with something only the old level asks
    counts: dict[str, int]    # "gained", "left", "alike", "both": how many expectations
    compare_url: str | None   # the side-by-side page of the two levels, when there is one


@dataclass(frozen=True)
class Plan:
    """A move of the mobility rules as it applies from one level."""

    move: Move
    track: Track               # the track one moves to
    status: str                # "open" | "later" (a promotion first) | "no-level" (open, but nothing at the grade)
    grade: int                 # the grade one lands at
    landings: list[Landing]    # at `grade` on `track`
    promotion: list[Level]     # "later": the levels of one's own track at `grade`, the promotion it takes
    min_grade: int | None      # "later": the rule's own minimum, when it is what forbids the move now
    opens_at: int | None       # "later": where the target track opens, when that is what forbids it now
    trial_months: int | None
    time_box: Track | None     # the target track, when it is time-boxed: the move starts its clock


@dataclass(frozen=True)
class Planner:
    level: Level
    track: Track
    plans: list[Plan]                      # open moves first, in the rules' order, then the later ones
    unnamed: list[Track]                   # tracks the rules name no move to from this track
    months_between: int | None
    keep_grade: bool
    clock: Track | None                    # the level's own track, when it is time-boxed
    off_ramps: list[tuple[OffRamp, Track]]  # its off-ramps, with the tracks they lead to

    @property
    def open(self) -> list[Plan]:
        return [p for p in self.plans if p.status == "open"]

    @property
    def closed(self) -> list[Plan]:
        return [p for p in self.plans if p.status != "open"]

    @property
    def has_clock(self) -> bool:
        """Whether any date on the page follows from a start month."""
        return bool(self.months_between or self.clock or any(p.trial_months or p.time_box for p in self.open))


def landing(facts: Facts, level: Level, target: Level) -> Landing:
    """What landing on `target` from `level` changes: the comparison of the side-by-side page."""
    hb = facts.handbook
    applies = facts.applying(hb.track_of(level))[level.id], facts.applying(hb.track_of(target))[target.id]
    aligned = sides(hb, facts.diff(level, target).competencies, set(applies[0]), set(applies[1]))
    counts = {"gained": sum(len(s.only_upper) for s in aligned), "left": sum(len(s.only_lower) for s in aligned),
              "alike": sum(len(s.alike) for s in aligned), "both": sum(len(s.both) for s in aligned)}
    # every two same-grade levels of different tracks have a side-by-side page (diffs.static_pairs)
    url = pair_url(*(lv.id for lv in same_grade_pair(hb, level, target))) if level.grade == target.grade else None
    return Landing(target, pay_by_zone(hb, level, target), [s for s in aligned if s.only_upper],
                   [s for s in aligned if s.only_lower], counts, url)


def plan(facts: Facts, level: Level, option: SwitchOption) -> Plan:
    hb = facts.handbook
    move, track = option.move, option.track
    time_box = track if track.time_box_months else None
    if option.open:
        status = "open" if option.targets else "no-level"
        return Plan(move, track, status, level.grade, [landing(facts, level, t) for t in option.targets], [],
                    None, None, move.trial_months, time_box)
    # Not from this grade: it opens higher; the landing is the target's first level from there.
    grade = next((lv.grade for lv in track.levels if lv.grade >= option.floor), option.floor)
    own = hb.track_of(level)
    return Plan(move, track, "later", grade, [landing(facts, level, t) for t in hb.levels_at(track, grade)],
                hb.levels_at(own, grade),
                move.min_grade if (move.min_grade or 0) > level.grade else None,
                track.opens_at_grade if (track.opens_at_grade or 0) > level.grade else None,
                move.trial_months, time_box)


def planner(facts: Facts, level: Level) -> Planner:
    hb = facts.handbook
    assert hb.mobility is not None
    track = hb.track_of(level)
    plans = [plan(facts, level, option) for option in switch_options(hb, level)]
    named = {p.track.id for p in plans}
    return Planner(level, track, [p for p in plans if p.status == "open"] + [p for p in plans if p.status != "open"],
                   [t for t in hb.tracks if t.id != track.id and t.id not in named],
                   hb.mobility.min_months_between_switches, hb.mobility.keep_grade,
                   track if track.time_box_months else None,
                   [(ramp, hb.track_by_id[ramp.to]) for ramp in track.off_ramps])


def shows(hb: Handbook, level: Level, planned: Planner) -> frozenset[Dep]:
    """A planner page shows the expectations of the level and of every level it lands on, their
    bands and the rules (not the levels' summaries)."""
    landed = {landing.level.id: landing.level for p in planned.plans for landing in p.landings}
    deps: set[Dep] = set(expectations_up_to(hb, level)) | {MOBILITY, BANDS, track_dep(level.track_id)}
    for target in landed.values():
        deps |= expectations_up_to(hb, target)
    deps |= {track_dep(p.track.id) for p in planned.plans}
    return frozenset(deps)


def jobs(facts: Facts) -> Iterator[PageJob]:
    hb = facts.handbook
    if not enabled(hb):
        return
    planners = {lv.id: planner(facts, lv) for lv in hb.level_by_id.values()}
    yield PageJob(f"{URL}index.html", "switch-index.html", {
        # grouped by track, highest grade first, as every list of grades reads
        "tracks": [(t, [(lv, len(planners[lv.id].open)) for lv in reversed(t.levels)]) for t in hb.tracks if t.levels]},
        frozenset({MOBILITY, *(track_dep(t.id) for t in hb.tracks)}))
    for level_id, planned in planners.items():
        level = hb.level_by_id[level_id]
        yield PageJob(f"{switch_url(level_id)}index.html", "switch.html", {"planner": planned},
                      shows(hb, level, planned))


def search(facts: Facts, sources: SearchSources) -> Iterator[SearchEntry]:
    if not enabled(facts.handbook):
        return
    say = facts.messages.text
    words = " ".join([say(N_("Plan a track switch")), say(N_("Where a move between tracks lands, what you gain and "
                                                            "leave behind, the pay before and after, and when the "
                                                            "waiting rules fall due."))])
    yield SearchEntry(PAGES, URL, say(TITLE), "", [SearchDoc("", "", words)])


PAGE = PageType("switch", ("switch",), ("switch-index.html", "switch.html"), jobs, search=search, index=URL)
