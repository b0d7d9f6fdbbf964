"""Pay parity pages, one per zone (`parity/`, `parity/<zone>/`): the bands per grade and track
as a chart drawn at build time and as a table, with the findings of checks/parity.py, the
same ones `ladderdocs check` prints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ladderdocs.checks.parity import Finding, is_stale
from ladderdocs.model.deps import BANDS, level_dep
from ladderdocs.model.entities import Band, Handbook, Level, Track, Zone
from ladderdocs.pages.base import NavEntry, PageJob, PageType
from ladderdocs.pages.chart import band_chart
from ladderdocs.pages.facts import Facts
from ladderdocs.pages.zones import zone_pages, zone_tabs, zone_url
from ladderdocs.text.i18n import N_

URL = "parity/"


@dataclass(frozen=True)
class BandRow:
    """One row of the parity table: a level's band in a zone, with what is flagged about it."""

    grade: int
    track: Track
    level: Level
    band: Band | None
    stale: bool
    flags: tuple[Finding, ...]


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


def jobs(facts: Facts) -> Iterator[PageJob]:
    """One page per zone: chart, table, the zone's findings and those across the ladder."""
    hb = facts.handbook
    if not hb.zones:
        return
    found = facts.findings
    by_zone = [(None, [f for f in found if f.zone_id is None])] + [
        (zone, [f for f in found if f.zone_id == zone.id]) for zone in hb.zones]
    shows = frozenset({BANDS, *(level_dep(lv) for lv in hb.level_by_id)})  # findings cite level lines
    anchors = {f: f"finding-{i}" for i, f in enumerate(found, 1)}
    where = {f: f.where(hb.root) for f in found}
    for path, zone in zone_pages(hb, "parity"):
        assert zone is not None
        elsewhere = [(z, len(group)) for z, group in by_zone if group and z is not None and z.id != zone.id]
        yield PageJob(path, "parity.html", {
            "zone": zone, "tabs": zone_tabs(hb, "parity", zone), "chart": band_chart(hb, facts.grid, zone),
            "rows": band_rows(facts, zone), "summary": facts.parity_summary,
            "findings": [(z, group) for z, group in by_zone if group and (z is None or z.id == zone.id)],
            "elsewhere": [(z, count, zone_url(hb, "parity", z)) for z, count in elsewhere],
            "zone_counts": {z.id: len(group) for z, group in by_zone if z}, "anchors": anchors, "where": where,
            "compare_url": zone_url(hb, "compare", zone)}, shows)


def nav(handbook: Handbook) -> list[NavEntry]:
    return [NavEntry(URL, N_("Pay parity"))] if handbook.zones else []


PAGE = PageType("parity", ("parity",), ("parity.html", "parity-chart.html"), jobs, nav, index=URL)
