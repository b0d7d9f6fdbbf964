"""The tracks side by side, one row per grade, with each level's band in one zone.

Every zone gets its own static page (see zones.py), so the reader picks a zone with a
plain link: no script needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ladderdocs.jobs import BANDS, PageJob, level_dep, track_dep
from ladderdocs.model import Band, Handbook, Level, Track, Zone
from ladderdocs.parity import is_stale, span
from ladderdocs.zones import zone_pages, zone_tabs, zone_url


@dataclass(frozen=True)
class LevelCell:
    level: Level
    band: Band | None
    stale: bool


@dataclass(frozen=True)
class TrackCell:
    track: Track
    levels: list[LevelCell]
    absent: str  # why there is no level here, in plain words ("" when there is one)


@dataclass(frozen=True)
class GradeRow:
    grade: int
    cells: list[TrackCell]


def comparison(handbook: Handbook, zone: Zone | None) -> list[GradeRow]:
    """One row per grade, highest first (as the ladders read), one cell per track."""
    rows = []
    for grade in reversed(handbook.grades):
        cells = []
        for track in handbook.tracks:
            levels = [LevelCell(lv, band, band is not None and is_stale(band, handbook.settings))
                      for lv in handbook.levels_at(track, grade)
                      for band in [handbook.band_for(lv, zone) if zone else None]]
            cells.append(TrackCell(track, levels, "" if levels else _absent(track, grade)))
        rows.append(GradeRow(grade, cells))
    return rows


def _absent(track: Track, grade: int) -> str:
    low, high = span(track)
    if grade < low:
        verb = "opens" if track.opens_at_grade is not None else "starts"
        return f"No level at grade {grade}: this track {verb} at grade {low}."
    if grade > high:
        return f"No level at grade {grade}: this track ends at grade {high}."
    return f"No level at grade {grade} on this track."


def compare_pages(handbook: Handbook) -> Iterator[PageJob]:
    shows = frozenset({BANDS, *(level_dep(lv) for lv in handbook.level_by_id), *(track_dep(t.id) for t in handbook.tracks)})
    for path, zone in zone_pages(handbook, "compare"):
        yield PageJob(path, "compare.html", {
            "zone": zone, "tabs": zone_tabs(handbook, "compare", zone), "rows": comparison(handbook, zone),
            "parity_url": zone_url(handbook, "parity", zone)}, shows)
