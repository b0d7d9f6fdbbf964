"""Widgets for intranet pages: small documents under embed/ meant to live in an iframe.

Each widget has no header, navigation or footer, opens its links in the top window, and
reports its height to the embedding page (static/embed.js -> static/embed-parent.js), so
the iframe fits its content. embed/index.html lists them with the snippet to paste.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ladderdocs.chart import band_chart, number
from ladderdocs.jobs import BANDS, PageJob, level_dep, track_dep
from ladderdocs.model import Band, Handbook, Level, Track, Zone
from ladderdocs.publish import absolute_base


@dataclass(frozen=True)
class Widget:
    path: str   # site path of the widget's folder, e.g. 'embed/levels/staff-engineer/'
    title: str  # also the iframe's title in the snippet
    group: str  # heading it is listed under on embed/


@dataclass(frozen=True)
class GradeRow:
    grade: int
    cells: list[tuple[Track, list[tuple[Level, Band | None]]]]  # per track: its levels at this grade


def widgets(handbook: Handbook) -> list[Widget]:
    found = [Widget("embed/compare/", "Levels by grade and track", "Comparison")]
    found += [Widget(f"embed/parity/{zone.id}/", f"Pay bands by grade: {zone.title}", "Pay bands per zone")
              for zone in handbook.zones]
    found += [Widget(f"embed/levels/{level.id}/", f"{level.title} ({track.title})", f"Level cards: {track.title}")
              for track in handbook.tracks for level in track.levels]
    return found


def widget_pages(handbook: Handbook) -> Iterator[PageJob]:
    listed = widgets(handbook)
    groups = [(name, [w for w in listed if w.group == name]) for name in dict.fromkeys(w.group for w in listed)]
    every_level = frozenset(level_dep(lv) for lv in handbook.level_by_id)
    yield PageJob("embed/index.html", "embed/index.html", {"widget_groups": groups, "site_base": absolute_base(handbook)},
                  frozenset())
    yield PageJob("embed/compare/index.html", "embed/compare.html", {"rows": grade_rows(handbook, None)}, every_level)
    for zone in handbook.zones:
        yield PageJob(f"embed/parity/{zone.id}/index.html", "embed/bands.html",
                      {"zone": zone, "rows": grade_rows(handbook, zone), "chart": band_chart(handbook, zone), "number": number},
                      every_level | {BANDS})
    for track in handbook.tracks:
        for below, level in zip([None, *track.levels], track.levels):  # "new" is marked against the level below
            shows = {level_dep(level.id), track_dep(track.id)} | ({level_dep(below.id)} if below else set())
            yield PageJob(f"embed/levels/{level.id}/index.html", "embed/level.html",
                          {"level": level, "track": track}, frozenset(shows))


def grade_rows(handbook: Handbook, zone: Zone | None) -> list[GradeRow]:
    """Highest grade first; each track's levels at that grade, with their band in `zone` if given."""
    return [GradeRow(grade, [(track, [(level, handbook.band_for(level, zone) if zone else None)
                                      for level in handbook.levels_at(track, grade)])
                             for track in handbook.tracks])
            for grade in reversed(handbook.grades)]
