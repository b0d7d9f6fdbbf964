"""Widgets for intranet pages: small documents under embed/ meant to live in an iframe.

Each widget has no header, navigation or footer, opens its links in the top window, and
reports its height to the embedding page (static/embed.js -> static/embed-parent.js), so
the iframe fits its content. embed/index.html lists them with the snippet to paste.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ladderdocs.model.deps import BANDS, lines_dep, track_dep, up_to
from ladderdocs.model.entities import Band, Handbook, Level, Track, Zone
from ladderdocs.model.queries import bands_of, equivalents
from ladderdocs.pages.base import PageJob, PageType
from ladderdocs.pages.chart import band_chart
from ladderdocs.pages.facts import Facts
from ladderdocs.text.i18n import N_, Messages

URL = "embed/"


@dataclass(frozen=True)
class Widget:
    path: str   # site path of the widget's folder, e.g. 'embed/levels/staff-engineer/'
    title: str  # also the iframe's title in the snippet
    group: str  # heading it is listed under on embed/


@dataclass(frozen=True)
class GradeRow:
    grade: int
    cells: list[tuple[Track, list[tuple[Level, Band | None]]]]  # per track: its levels at this grade


def widgets(handbook: Handbook, say: Messages) -> list[Widget]:
    found = [Widget("embed/compare/", say.gettext(N_("Levels by grade and track")), say.gettext(N_("Comparison")))]
    found += [Widget(f"embed/parity/{zone.id}/", say.gettext(N_("Pay bands by grade: %(zone)s"), zone=zone.title),
                     say.gettext(N_("Pay bands per zone"))) for zone in handbook.zones]
    found += [Widget(f"embed/levels/{level.id}/", f"{level.title} ({track.title})",
                     say.gettext(N_("Level cards: %(track)s"), track=track.title))
              for track in handbook.tracks for level in track.levels]
    return found


def grade_rows(facts: Facts, zone: Zone | None) -> list[GradeRow]:
    """The grade grid, each level with its band in `zone` if given."""
    hb = facts.handbook
    return [GradeRow(row.grade, [(cell.track, [(level, hb.band_for(level, zone) if zone else None)
                                               for level in cell.levels]) for cell in row.cells])
            for row in facts.grid]


def jobs(facts: Facts) -> Iterator[PageJob]:
    hb = facts.handbook
    listed = widgets(hb, facts.messages)
    groups = [(name, [w for w in listed if w.group == name]) for name in dict.fromkeys(w.group for w in listed)]
    every_level = frozenset(lines_dep(lv) for lv in hb.level_by_id)
    yield PageJob(f"{URL}index.html", "embed/index.html",
                  {"widget_groups": groups, "site_base": hb.settings.site_address}, frozenset())
    yield PageJob("embed/compare/index.html", "embed/compare.html",
                  {"tracks": hb.tracks, "rows": grade_rows(facts, None)}, every_level)
    for zone in hb.zones:
        yield PageJob(f"embed/parity/{zone.id}/index.html", "embed/bands.html", {
            "zone": zone, "tracks": hb.tracks, "rows": grade_rows(facts, zone),
            "chart": band_chart(hb, facts.grid, zone)}, every_level | {BANDS})
    for track in hb.tracks:
        for level in track.levels:
            marked = facts.marked(level)
            stated = [e for items in marked.values() for e in items.stated]
            shows = up_to(hb, level) | {track_dep(track.id)}  # "new" is marked against the levels below
            yield PageJob(f"embed/levels/{level.id}/index.html", "embed/level.html", {
                "level": level, "track": track,
                "expectation_count": len(stated) + sum(len(items.inherited) for items in marked.values()),
                "competency_count": len(marked), "new_count": sum(e.change == "new" for e in stated),
                "bands": bands_of(hb, level),
                "equivalents": [(other, levels) for other, levels in equivalents(hb, level) if levels]},
                frozenset(shows))


PAGE = PageType("embed", ("embed",), ("embed/index.html", "embed/compare.html", "embed/bands.html",
                                      "embed/level.html", "embed/base.html"), jobs, crawled=False, index=URL)
