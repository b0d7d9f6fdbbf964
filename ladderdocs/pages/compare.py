"""Compare tracks: the tracks side by side, a card per grade (highest first), each level with its
band in one zone, then its summary and scope. Every zone has its own static page, the first one
at the section's address and at `compare/<zone>/` too, so the reader picks a zone with a plain
link: no script needed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterator

from ladderdocs.checks.parity import is_stale
from ladderdocs.model.deps import BANDS, level_dep
from ladderdocs.model.entities import Band, Handbook, Level, Track, Zone
from ladderdocs.model.queries import Absence
from ladderdocs.pages.base import NavEntry, PageJob, PageType
from ladderdocs.pages.facts import Facts
from ladderdocs.pages.zones import zone_pages, zone_tabs, zone_url
from ladderdocs.text.i18n import N_

URL = "compare/"


@dataclass(frozen=True)
class LevelCell:
    level: Level
    band: Band | None
    stale: bool


@dataclass(frozen=True)
class TrackCell:
    track: Track
    levels: list[LevelCell]
    absent: Absence | None


@dataclass(frozen=True)
class GradeRow:
    grade: int
    cells: list[TrackCell]


@dataclass(frozen=True)
class Provenance:
    """Where a zone's bands come from: said once for the zone, not in every cell."""

    as_of: dt.date
    provenance: str
    stale: bool


def comparison(facts: Facts, zone: Zone | None) -> list[GradeRow]:
    """The grade grid, highest grade first, with each level's band in `zone`."""
    hb = facts.handbook

    def cell(level: Level) -> LevelCell:
        band = hb.band_for(level, zone) if zone else None
        return LevelCell(level, band, band is not None and is_stale(band, hb.settings))

    return [GradeRow(row.grade, [TrackCell(c.track, [cell(lv) for lv in c.levels], c.absent) for c in row.cells])
            for row in facts.grid]


def provenances(rows: list[GradeRow]) -> list[Provenance]:
    """The distinct as-of dates and sources of the bands shown, newest first."""
    found = {Provenance(item.band.as_of, item.band.provenance, item.stale)
             for row in rows for cell in row.cells for item in cell.levels if item.band}
    return sorted(found, key=lambda p: (-p.as_of.toordinal(), p.provenance))


def jobs(facts: Facts) -> Iterator[PageJob]:
    hb = facts.handbook
    shows = frozenset({BANDS, *(level_dep(lv) for lv in hb.level_by_id)})
    for page in zone_pages(hb, "compare"):
        zone = page.zone
        rows = comparison(facts, zone)
        sources = provenances(rows)
        yield PageJob(page.path, "compare.html", {
            "zone": zone, "tabs": zone_tabs(hb, "compare", zone), "tracks": hb.tracks, "rows": rows,
            "sources": sources, "source_per_band": len(sources) > 1, "canonical": page.canonical,
            "parity_url": zone_url("parity", zone)}, shows)


def nav(handbook: Handbook) -> list[NavEntry]:
    return [NavEntry(URL, N_("Compare"), also=("diff",))]  # tracks side by side, and two levels


PAGE = PageType("compare", ("compare",), ("compare.html",), jobs, nav, index=URL)
