"""Pay parity pages, one per zone (`parity/` for the first zone, and `parity/<zone>/` for every
zone, the first included): what was measured (the signed gaps between the compared tracks at
each grade), the findings of checks/parity.py (the same ones `ladderdocs check` prints), and the
bands per grade and track as a chart of HTML bars and as a table."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterator

from ladderdocs.checks.parity import Finding, Gap, Tally, is_stale, tallies
from ladderdocs.model.deps import BANDS, lines_dep
from ladderdocs.model.entities import Band, Handbook, Level, Track, Zone
from ladderdocs.pages.base import NavEntry, PageJob, PageType
from ladderdocs.pages.chart import band_chart
from ladderdocs.pages.facts import Facts
from ladderdocs.pages.zones import zone_pages, zone_tabs, zone_url
from ladderdocs.text.i18n import N_, Nn_, Phrase

URL = "parity/"

LARGEST = {-1: N_("Largest gap: the %(track)s midpoint is %(gap)s%% below %(other)s at grade %(grade)s in %(zone)s."),
           1: N_("Largest gap: the %(track)s midpoint is %(gap)s%% above %(other)s at grade %(grade)s in %(zone)s.")}
COUNTS = {False: Nn_("Compared at %(num)s grade: the %(track)s midpoint is below %(other)s at %(below)s, above at "
                     "%(above)s and equal at %(equal)s.",
                     "Compared at %(num)s grades: the %(track)s midpoint is below %(other)s at %(below)s, above at "
                     "%(above)s and equal at %(equal)s."),
          True: Nn_("Compared at %(num)s grade across the zones: the %(track)s midpoint is below %(other)s at "
                    "%(below)s, above at %(above)s and equal at %(equal)s.",
                    "Compared at %(num)s grades across the zones: the %(track)s midpoint is below %(other)s at "
                    "%(below)s, above at %(above)s and equal at %(equal)s.")}
MATCH_BANDS = Nn_("The %(track)s and %(other)s bands match at the %(num)s grade compared.",
                  "The %(track)s and %(other)s bands match at all %(num)s grades compared.")
MATCH_MIDPOINTS = Nn_("The %(track)s and %(other)s midpoints match at the %(num)s grade compared.",
                      "The %(track)s and %(other)s midpoints match at all %(num)s grades compared.")
WITHIN = N_("No %(track)s minimum or maximum is more than %(tolerance)s%% below %(other)s.")
BEYOND = Nn_("At %(num)s grade, a %(track)s minimum or maximum is more than %(tolerance)s%% below %(other)s.",
             "At %(num)s grades, a %(track)s minimum or maximum is more than %(tolerance)s%% below %(other)s.")


def measured(tally: Tally, tolerance: float, across_zones: bool) -> list[Phrase]:
    """What parity measured for one pair of tracks, in plain sentences: never "they match"
    unless they do, and the direction and size of any gap when they do not."""
    names = {"track": tally.track.title, "other": tally.other.title}
    count = len(tally.gaps)
    largest = tally.largest
    if largest is None:
        same = all(g.same_band for g in tally.gaps)
        said = [Phrase.of(MATCH_BANDS if same else MATCH_MIDPOINTS, count=count, **names)]
    else:
        said = [Phrase.of(LARGEST[largest.side], gap=abs(largest.mid), grade=largest.grade,
                          zone=largest.zone.title, **names),
                Phrase.of(COUNTS[across_zones], count=count, below=tally.below, above=tally.above,
                          equal=tally.equal, **names)]
    limit = Decimal(f"{tolerance:g}")  # as written: 5 stays 5, 2.5 stays 2.5
    if tally.within_tolerance:
        said.append(Phrase.of(WITHIN, tolerance=limit, **names))
    else:
        said.append(Phrase.of(BEYOND, count=len(tally.beyond), tolerance=limit, **names))
    return said


@dataclass(frozen=True)
class BandRow:
    """One row of the parity table: a level's band in a zone, with what is flagged about it."""

    grade: int
    track: Track
    level: Level
    band: Band | None
    stale: bool
    flags: tuple[Finding, ...]


SIGNED = {-1: N_("−%(percent)s%%"), 0: N_("%(percent)s%%"), 1: N_("+%(percent)s%%")}


def signed(value: Decimal) -> Phrase:
    """A gap as a reader writes it: −2.4%, 0.0%, +1.2% (−2,4 % in German)."""
    sign = -1 if value.is_signed() else (1 if value else 0)  # −0.0%: below, by less than 0.05%
    return Phrase.of(SIGNED[sign], percent=abs(value))


@dataclass(frozen=True)
class GapRow:
    """A row of signed gaps (minimum, midpoint, maximum) under the bands it compares."""

    gap: Gap
    cells: tuple[tuple[str, Decimal, Phrase], ...]  # (end, value, as written)


@dataclass(frozen=True)
class GradeGroup:
    """One grade of the parity table: its levels' bands, then the signed gaps between them."""

    grade: int
    rows: list[BandRow]
    gaps: list[GapRow]


def band_rows(facts: Facts, zone: Zone) -> list[BandRow]:
    """Highest grade first, then in track order: the order of the chart."""
    hb = facts.handbook
    rows = []
    for row in facts.grid:
        for cell in row.cells:
            for level in cell.levels:
                band = hb.band_for(level, zone)
                flags = tuple(f for f in facts.findings if f.zone_id in (None, zone.id) and level.id in f.level_ids)
                rows.append(BandRow(row.grade, cell.track, level, band,
                                    band is not None and is_stale(band, hb.settings), flags))
    return rows


def gap_row(gap: Gap) -> GapRow:
    return GapRow(gap, tuple((end, getattr(gap, end), signed(getattr(gap, end))) for end in ("min", "mid", "max")))


def grade_groups(facts: Facts, zone: Zone, zone_tallies: list[Tally]) -> list[GradeGroup]:
    """Highest grade first, as every grid of grades; a grade with no level in this zone is left out."""
    rows = band_rows(facts, zone)
    return [GradeGroup(row.grade, [r for r in rows if r.grade == row.grade],
                       [gap_row(g) for t in zone_tallies for g in t.gaps if g.grade == row.grade])
            for row in facts.grid if any(r.grade == row.grade for r in rows)]


def jobs(facts: Facts) -> Iterator[PageJob]:
    """One page per zone at its own address, and the first zone's again at `parity/`."""
    hb = facts.handbook
    if not hb.zones:
        return
    found = facts.findings
    by_zone = [(None, [f for f in found if f.zone_id is None])] + [
        (zone, [f for f in found if f.zone_id == zone.id]) for zone in hb.zones]
    shows = frozenset({BANDS, *(lines_dep(lv) for lv in hb.level_by_id)})  # findings cite level lines
    anchors = {f: f"finding-{i}" for i, f in enumerate(found, 1)}
    where = {f: f.where(hb.root) for f in found}
    tolerance = hb.settings.parity.tolerance_percent
    for page in zone_pages(hb, "parity"):
        zone = page.zone
        assert zone is not None  # a handbook with zones
        zone_tallies = tallies(hb, [zone])
        elsewhere = [(z, len(group)) for z, group in by_zone if group and z is not None and z.id != zone.id]
        yield PageJob(page.path, "parity.html", {
            "zone": zone, "tabs": zone_tabs(hb, "parity", zone), "canonical": page.canonical,
            "chart": band_chart(hb, facts.grid, zone),
            "measured": [(t, measured(t, tolerance, False)) for t in zone_tallies],
            "groups": grade_groups(facts, zone, zone_tallies), "summary": facts.parity_summary,
            "findings": [(z, group) for z, group in by_zone if group and (z is None or z.id == zone.id)],
            "elsewhere": [(z, count, zone_url("parity", z)) for z, count in elsewhere],
            "zone_counts": {z.id: len(group) for z, group in by_zone if z}, "anchors": anchors, "where": where,
            "compare_url": zone_url("compare", zone)}, shows)


def nav(handbook: Handbook) -> list[NavEntry]:
    return [NavEntry(URL, N_("Pay parity"))] if handbook.zones else []


PAGE = PageType("parity", ("parity",), ("parity.html", "parity-chart.html"), jobs, nav, index=URL)
