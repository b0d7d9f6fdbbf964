"""Comp-band parity: the promises of a dual ladder, checked on the model.

Pure functions of the Handbook, so `ladderdocs check` and the parity page report the very
same findings. Each finding carries a severity and the file:line of the band (or level)
an author would edit to resolve it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from pathlib import Path

from ladderdocs.errors import Problem
from ladderdocs.model.entities import Band, Handbook, Level, Settings, Source, Track, Zone
from ladderdocs.model.queries import grade_grid, span
from ladderdocs.text.i18n import N_, Nn_, Phrase
from ladderdocs.text.money import format_money, percent


def money(zone: Zone, amount: float) -> str:
    return format_money(amount, zone.currency, zone.locale)

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)  # most serious first
LABELS = {"below-management": N_("Below management"), "ladder-top": N_("Ladder ends low"),
          "no-counterpart": N_("No counterpart"), "overlap": N_("Overlap"), "goes-down": N_("Goes down"),
          "stale": N_("Stale"), "no-band": N_("No band"), "tilt": N_("Tilt")}


@dataclass(frozen=True)
class Finding:
    """One broken promise (or one thing worth knowing) about the pay bands."""

    kind: str            # below-management, ladder-top, no-counterpart, overlap, goes-down, stale, no-band, tilt
    severity: str
    text: Phrase         # written in English for `check`, in the handbook's language on the page
    source: Source
    zone_id: str | None  # None: about the ladder itself, whatever the zone
    level_ids: tuple[str, ...] = ()  # the levels whose rows the finding is about

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @property
    def message(self) -> str:
        return self.text.english

    def problem(self) -> Problem:
        return Problem(self.source.file, self.source.line, 1, self.message, self.severity)

    def where(self, root: Path) -> str:
        """The location relative to the handbook folder: what a published page may show."""
        try:
            rel = Path(os.path.abspath(self.source.file)).relative_to(os.path.abspath(root)).as_posix()
        except ValueError:
            rel = Path(self.source.file).name
        return f"{rel}:{self.source.line}"


@dataclass(frozen=True)
class Summary:
    errors: int
    warnings: int
    infos: int

    @property
    def text(self) -> str:
        parts = [_plural(self.errors, "error"), _plural(self.warnings, "warning")]
        if self.infos:
            parts.append(_plural(self.infos, "note"))
        return ", ".join(parts)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summarise(findings: list[Finding]) -> Summary:
    return Summary(*(sum(1 for f in findings if f.severity == s) for s in SEVERITIES))


def findings(handbook: Handbook) -> list[Finding]:
    """Every parity finding, in a stable order: ladder-wide first, then zone by zone."""
    found = ladder_top(handbook) + no_counterpart(handbook)
    for zone in handbook.zones:
        found += below_management(handbook, zone) + tilt(handbook, zone) + progression(handbook, zone)
    found += stale_bands(handbook)
    zone_order = {z.id: i for i, z in enumerate(handbook.zones)}
    return sorted(found, key=lambda f: (-1 if f.zone_id is None else zone_order[f.zone_id],
                                        SEVERITIES.index(f.severity), f.source.file, f.source.line, f.message))


BELOW_MANAGEMENT_MIN = N_("at grade %(grade)s in %(zone)s, the minimum of %(level)s (%(amount)s) is %(below)s%% "
                          "below %(other)s (%(other_amount)s); expected at most %(tolerance)s%% below "
                          "(parity.tolerance_percent)")
BELOW_MANAGEMENT_MAX = N_("at grade %(grade)s in %(zone)s, the maximum of %(level)s (%(amount)s) is %(below)s%% "
                          "below %(other)s (%(other_amount)s); expected at most %(tolerance)s%% below "
                          "(parity.tolerance_percent)")
GOES_DOWN_MIN = N_("in %(zone)s, the minimum of %(level)s (grade %(grade)s, %(amount)s) is below that of "
                   "%(lower)s (grade %(lower_grade)s, %(lower_amount)s); expected bands to rise with the grade")
GOES_DOWN_MAX = N_("in %(zone)s, the maximum of %(level)s (grade %(grade)s, %(amount)s) is below that of "
                   "%(lower)s (grade %(lower_grade)s, %(lower_amount)s); expected bands to rise with the grade")


def _decimal(setting: float) -> Decimal:
    """A policy setting as written: 5 stays 5, 2.5 stays 2.5."""
    return Decimal(f"{setting:g}")


def _tracks(handbook: Handbook, kind: str) -> list[Track]:
    return [t for t in handbook.tracks if t.kind == kind and t.levels]


def ladder_top(handbook: Handbook) -> list[Finding]:
    """The IC ladder must reach as high as management does."""
    managers = _tracks(handbook, "management")
    if not managers:
        return []
    top = max(managers, key=lambda t: t.levels[-1].grade)
    found = []
    for ic in _tracks(handbook, "ic"):
        last = ic.levels[-1]
        if last.grade < top.levels[-1].grade:
            found.append(Finding(
                "ladder-top", ERROR,
                Phrase.of(N_("the %(track)s ladder ends at grade %(grade)s (%(level)s), below the top of "
                             "%(other)s at grade %(top_grade)s (%(top)s); expected the IC ladder to reach as "
                             "high as management"),
                          track=ic.title, grade=last.grade, level=last.title, other=top.title,
                          top_grade=top.levels[-1].grade, top=top.levels[-1].title),
                last.source, None, (last.id,)))
    return found


def no_counterpart(handbook: Handbook) -> list[Finding]:
    """A grade inside a track's span where that track has no level while another track does."""
    found = []
    for row in grade_grid(handbook):
        alone = [(cell.track, lv) for cell in row.cells for lv in cell.levels]
        for cell in row.cells:
            if cell.absent is None or cell.absent.reason != "gap":
                continue
            track = cell.track
            low, high = span(track)
            below = [lv for lv in track.levels if lv.grade < row.grade]
            names = [f"{lv.title} ({t.title})" for t, lv in alone]
            found.append(Finding(
                "no-counterpart", WARNING,
                Phrase.of(Nn_("%(track)s has no level at grade %(grade)s, inside its span of grades "
                              "%(low)s–%(high)s, so %(levels)s has no counterpart there; expected a level at "
                              "every grade of the span",
                              "%(track)s has no level at grade %(grade)s, inside its span of grades "
                              "%(low)s–%(high)s, so %(levels)s have no counterpart there; expected a level "
                              "at every grade of the span"),
                          count=len(names), track=track.title, grade=row.grade, low=low, high=high,
                          levels=tuple(names)),
                below[-1].source if below else track.source, None, tuple(lv.id for _, lv in alone)))
    return found


def compared_tracks(handbook: Handbook) -> list[tuple[Track, Track]]:
    """The pairs whose bands parity compares: each IC track against each management track."""
    return [(ic, manager) for ic in _tracks(handbook, "ic") for manager in _tracks(handbook, "management")]


def same_grade_levels(handbook: Handbook, pair: tuple[Track, Track]) -> list[tuple[int, Level, Level]]:
    """(grade, IC level, management level) at every grade both tracks of `pair` have, highest first."""
    ic, manager = pair
    return [(grade, a, b) for grade in sorted(handbook.grades, reverse=True)
            for a in handbook.levels_at(ic, grade) for b in handbook.levels_at(manager, grade)]


def below_management(handbook: Handbook, zone: Zone) -> list[Finding]:
    """IC bands below the management band at the same grade by more than the tolerance."""
    tolerance = handbook.settings.parity.tolerance_percent
    found = []
    for pair in compared_tracks(handbook):
        for grade, a, b in sorted(same_grade_levels(handbook, pair), key=lambda c: c[0]):
            found += _compare_pair(handbook, zone, grade, a, b, tolerance)
    return found


def _compare_pair(handbook: Handbook, zone: Zone, grade: int, ic: Level, manager: Level,
                  tolerance: float) -> list[Finding]:
    ic_band, mgmt_band = handbook.band_for(ic, zone), handbook.band_for(manager, zone)
    if ic_band is None and mgmt_band is None:
        return []
    if ic_band is None or mgmt_band is None:
        missing, present = (ic, mgmt_band) if ic_band is None else (manager, ic_band)
        other = manager if ic_band is None else ic
        assert present is not None
        return [Finding("no-band", INFO,
                        Phrase.of(N_("%(level)s has no band in %(zone)s, so its parity with %(other)s at "
                                     "grade %(grade)s cannot be judged; expected a band for every level in the "
                                     "zone"), level=missing.title, zone=zone.title, other=other.title, grade=grade),
                        present.source, zone.id, (missing.id,))]
    found = []
    for end, message in (("min", BELOW_MANAGEMENT_MIN), ("max", BELOW_MANAGEMENT_MAX)):
        ours, theirs = getattr(ic_band, end), getattr(mgmt_band, end)
        if theirs > 0 and ours < theirs * (1 - tolerance / 100):
            found.append(Finding(
                "below-management", ERROR,
                Phrase.of(message, grade=grade, zone=zone.title, level=ic.title, amount=money(zone, ours),
                          below=percent(theirs - ours, theirs), other=manager.title,
                          other_amount=money(zone, theirs), tolerance=_decimal(tolerance)),
                ic_band.source, zone.id, (ic.id,)))
    return found


def progression(handbook: Handbook, zone: Zone) -> list[Finding]:
    """Along each track, bands must rise from grade to grade and not overlap too much."""
    allowed = handbook.settings.parity.max_overlap_percent
    found = []
    for track in handbook.tracks:
        by_grade = [list(group) for _, group in groupby(track.levels, key=lambda lv: lv.grade)]
        for lower_levels, upper_levels in zip(by_grade, by_grade[1:]):
            for lower in lower_levels:
                for upper in upper_levels:
                    low, high = handbook.band_for(lower, zone), handbook.band_for(upper, zone)
                    if low is not None and high is not None:
                        found += _step(zone, lower, upper, low, high, allowed)
    return found


def overlap_percent(lower: Band, upper: Band) -> float:
    """How much of the lower band's range the upper band also covers, in percent."""
    shared = min(lower.max, upper.max) - max(lower.min, upper.min)
    if shared <= 0:
        return 0.0
    width = lower.max - lower.min
    return 100.0 if width <= 0 else shared / width * 100


def _step(zone: Zone, lower: Level, upper: Level, low: Band, high: Band, allowed: float) -> list[Finding]:
    def in_zone(amount: float) -> str:
        return money(zone, amount)
    found = []
    for end, message in (("min", GOES_DOWN_MIN), ("max", GOES_DOWN_MAX)):
        if getattr(high, end) < getattr(low, end):
            found.append(Finding(
                "goes-down", ERROR,
                Phrase.of(message, zone=zone.title, level=upper.title, grade=upper.grade,
                          amount=in_zone(getattr(high, end)), lower=lower.title, lower_grade=lower.grade,
                          lower_amount=in_zone(getattr(low, end))),
                high.source, zone.id, (upper.id,)))
    shared = overlap_percent(low, high)
    if shared > allowed:
        found.append(Finding(
            "overlap", WARNING,
            Phrase.of(N_("in %(zone)s, %(level)s (grade %(grade)s, from %(amount)s) overlaps %(shared)s%% of "
                         "the band of %(lower)s (grade %(lower_grade)s, %(lower_min)s to %(lower_max)s); expected "
                         "at most %(allowed)s%% (parity.max_overlap_percent)"),
                      zone=zone.title, level=upper.title, grade=upper.grade, amount=in_zone(high.min),
                      shared=percent(shared, 100, places=0), lower=lower.title, lower_grade=lower.grade,
                      lower_min=in_zone(low.min), lower_max=in_zone(low.max), allowed=_decimal(allowed)),
            high.source, zone.id, (upper.id,)))
    return found


def age_days(band: Band, settings: Settings) -> int:
    return (settings.as_of - band.as_of).days


def is_stale(band: Band, settings: Settings) -> bool:
    """Judged against the build's date setting, never the clock, so output stays reproducible."""
    return age_days(band, settings) > settings.parity.stale_after_days


def stale_bands(handbook: Handbook) -> list[Finding]:
    """One finding per band set (zone, date, source) older than the allowed age."""
    settings = handbook.settings
    sets: dict[tuple[str, str, str], list[Band]] = {}
    for band in handbook.bands:
        if is_stale(band, settings):
            sets.setdefault((band.zone_id, band.as_of.isoformat(), band.provenance), []).append(band)
    found = []
    for (zone_id, as_of, provenance), bands in sorted(sets.items()):
        first = min(bands, key=lambda b: (b.source.file, b.source.line))
        zone = handbook.zone_by_id[zone_id]
        found.append(Finding(
            "stale", WARNING,
            Phrase.of(Nn_("the band set of %(zone)s from '%(source)s' (%(num)s band) is as of %(date)s, "
                          "%(days)s days before %(as_of)s; expected bands at most %(limit)s days old "
                          "(parity.stale_after_days)",
                          "the band set of %(zone)s from '%(source)s' (%(num)s bands) is as of %(date)s, "
                          "%(days)s days before %(as_of)s; expected bands at most %(limit)s days old "
                          "(parity.stale_after_days)"),
                      count=len(bands), zone=zone.title, source=provenance, date=first.as_of,
                      days=age_days(first, settings), as_of=settings.as_of, limit=settings.parity.stale_after_days),
            first.source, zone_id, tuple(sorted(b.level_id for b in bands))))
    return found


# -- gaps: what parity measures, beyond what it flags ----------------------------------------

@dataclass(frozen=True)
class Gap:
    """At one grade in one zone, the IC band relative to the management band, in signed percent
    (negative: the IC side is paid less), rounded to one place as a reader rounds."""

    zone: Zone
    grade: int
    level: Level   # the IC side of the pair
    other: Level   # the management side
    min: Decimal
    mid: Decimal
    max: Decimal
    mid_estimated: bool  # a side publishes no midpoint: the middle of its range stands in
    side: int            # -1, 0 or 1: the IC midpoint below, equal to or above, on the exact amounts
    same_band: bool      # minimum, midpoint and maximum all equal


def midpoint(band: Band) -> float:
    """The published midpoint, else the middle of the range: what a reader would take."""
    return band.mid if band.mid is not None else (band.min + band.max) / 2


def signed_percent(ours: float, theirs: float) -> Decimal:
    """ours relative to theirs, rounded half away from zero so -2.35 reads as 2.4 below."""
    size = percent(abs(ours - theirs), theirs) if theirs > 0 else Decimal("0.0")
    return -size if ours < theirs else size


def gaps(handbook: Handbook, zone: Zone, pair: tuple[Track, Track]) -> list[Gap]:
    """Every same-grade gap of `pair` in `zone` where both levels have a band, highest grade first."""
    found = []
    for grade, ic, manager in same_grade_levels(handbook, pair):
        ours, theirs = handbook.band_for(ic, zone), handbook.band_for(manager, zone)
        if ours is None or theirs is None:
            continue
        mid, other_mid = midpoint(ours), midpoint(theirs)
        found.append(Gap(zone, grade, ic, manager, signed_percent(ours.min, theirs.min),
                         signed_percent(mid, other_mid), signed_percent(ours.max, theirs.max),
                         ours.mid is None or theirs.mid is None, (mid > other_mid) - (mid < other_mid),
                         (ours.min, mid, ours.max) == (theirs.min, other_mid, theirs.max)))
    return found


@dataclass(frozen=True)
class Tally:
    """How the midpoints of a pair of tracks compare over some zones: the measured truth that
    "0 errors" alone does not tell."""

    track: Track
    other: Track
    gaps: tuple[Gap, ...]
    beyond: tuple[Gap, ...]  # those with a minimum or maximum more than parity.tolerance_percent below

    @property
    def within_tolerance(self) -> bool:
        return not self.beyond

    @property
    def below(self) -> int:
        return sum(1 for g in self.gaps if g.side < 0)

    @property
    def above(self) -> int:
        return sum(1 for g in self.gaps if g.side > 0)

    @property
    def equal(self) -> int:
        return len(self.gaps) - self.below - self.above

    @property
    def largest(self) -> Gap | None:
        """The gap of the largest size between midpoints; None when they all match."""
        return max((g for g in self.gaps if g.side), key=lambda g: abs(g.mid), default=None)

    @property
    def tilted(self) -> bool:
        """One side below the other at most (more than half) of at least two grades."""
        return len(self.gaps) >= 2 and max(self.below, self.above) * 2 > len(self.gaps)


def tallies(handbook: Handbook, zones: list[Zone]) -> list[Tally]:
    """One tally per compared pair of tracks with any gap measured in `zones`."""
    found = []
    for pair in compared_tracks(handbook):
        measured = tuple(g for zone in zones for g in gaps(handbook, zone, pair))
        if measured:
            found.append(Tally(*pair, measured, tuple(g for g in measured if not _within(handbook, g))))
    return found


def _within(handbook: Handbook, gap: Gap) -> bool:
    """Judged on the exact bands, as below_management judges them: a rounded percent could hide
    a breach by a hair."""
    ours, theirs = handbook.band_for(gap.level, gap.zone), handbook.band_for(gap.other, gap.zone)
    assert ours is not None and theirs is not None
    tolerance = handbook.settings.parity.tolerance_percent
    return all(getattr(ours, end) >= getattr(theirs, end) * (1 - tolerance / 100) for end in ("min", "max"))


TILT = N_("in %(zone)s, the %(track)s midpoint is below the %(other)s midpoint at %(below)s of %(num)s grades "
          "compared, by up to %(largest)s%% (grade %(grade)s); expected neither track below the other at most "
          "grades (parity.tilt_severity)")


def tilt(handbook: Handbook, zone: Zone) -> list[Finding]:
    """A systematic tilt: one side's midpoint below the other's at most grades of the zone, even
    when every single gap is within the tolerance."""
    found = []
    for tally in tallies(handbook, [zone]):
        if not tally.tilted:
            continue
        ic_lower = tally.below > tally.above
        lower, higher = (tally.track, tally.other) if ic_lower else (tally.other, tally.track)
        tilted = [g for g in tally.gaps if g.side == (-1 if ic_lower else 1)]
        worst = max(tilted, key=lambda g: abs(g.mid))
        band = handbook.band_for(worst.level if ic_lower else worst.other, zone)
        assert band is not None
        found.append(Finding(
            "tilt", handbook.settings.parity.tilt_severity,
            Phrase.of(TILT, zone=zone.title, track=lower.title, other=higher.title, below=len(tilted),
                      num=len(tally.gaps), largest=abs(worst.mid), grade=worst.grade),
            band.source, zone.id, tuple(sorted({(g.level if ic_lower else g.other).id for g in tilted}))))
    return found
