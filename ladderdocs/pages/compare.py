"""Compare tracks: the tracks side by side, a row per grade, each level with its summary, scope
and band in one zone. Every zone has its own static page (zones.py), so the reader picks a
zone with a plain link: no script needed."""

from __future__ import annotations

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


def comparison(facts: Facts, zone: Zone | None) -> list[GradeRow]:
    """The grade grid with each level's band in `zone`."""
    hb = facts.handbook

    def cell(level: Level) -> LevelCell:
        band = hb.band_for(level, zone) if zone else None
        return LevelCell(level, band, band is not None and is_stale(band, hb.settings))

    return [GradeRow(row.grade, [TrackCell(c.track, [cell(lv) for lv in c.levels], c.absent) for c in row.cells])
            for row in facts.grid]


def jobs(facts: Facts) -> Iterator[PageJob]:
    hb = facts.handbook
    shows = frozenset({BANDS, *(level_dep(lv) for lv in hb.level_by_id)})
    for path, zone in zone_pages(hb, "compare"):
        yield PageJob(path, "compare.html", {
            "zone": zone, "tabs": zone_tabs(hb, "compare", zone), "tracks": hb.tracks,
            "rows": comparison(facts, zone), "parity_url": zone_url(hb, "parity", zone)}, shows)


def nav(handbook: Handbook) -> list[NavEntry]:
    return [NavEntry(URL, N_("Compare"), also=("diff",))]  # tracks side by side, and two levels


PAGE = PageType("compare", ("compare",), ("compare.html",), jobs, nav, index=URL)
