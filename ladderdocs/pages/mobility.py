"""The mobility page, `mobility/`: the switching rules, the moves between tracks and where each
opens, the time-boxed tracks and their off-ramps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ladderdocs.model.deps import MOBILITY, track_dep
from ladderdocs.model.entities import Handbook, Level, Move, Track
from ladderdocs.model.queries import move_floor
from ladderdocs.pages import switch
from ladderdocs.pages.base import NavEntry, PageJob, PageType, SearchDoc, SearchEntry, SearchSources
from ladderdocs.pages.facts import Facts
from ladderdocs.pages.prose import PAGES
from ladderdocs.text.i18n import N_

URL = "mobility/"
TITLE = N_("Switching tracks")


def jobs(facts: Facts) -> Iterator[PageJob]:
    hb = facts.handbook
    if hb.mobility is None:
        return
    track = hb.track_by_id
    yield PageJob(f"{URL}index.html", "mobility.html", {
        "mobility": hb.mobility,
        "moves": [(m, track[m.from_track], track[m.to_track], move_floor(hb, m)) for m in hb.mobility.moves],
        "time_boxed": [t for t in hb.tracks if t.time_box_months],
        "off_ramps": [(t, [(r, track[r.to]) for r in t.off_ramps]) for t in hb.tracks if t.off_ramps],
        "map": move_map(hb), "planner": switch.URL if switch.enabled(hb) else None},
        frozenset({MOBILITY, *(track_dep(t.id) for t in hb.tracks)}))


def nav(handbook: Handbook) -> list[NavEntry]:
    planner = ("switch",) if switch.enabled(handbook) else ()  # the planner's pages are under this entry
    return [NavEntry(URL, TITLE, also=planner)] if handbook.mobility else []


def search(facts: Facts, sources: SearchSources) -> Iterator[SearchEntry]:
    mobility = facts.handbook.mobility
    if mobility is None:
        return
    words = [sources.plain(mobility.notes.text), *(sources.plain(m.description.text, inline=True) for m in mobility.moves)]
    yield SearchEntry(PAGES, URL, facts.messages.text(TITLE), "", [SearchDoc("", "", " ".join(filter(None, words)))])


PAGE = PageType("mobility", ("mobility",), ("mobility.html",), jobs, nav, search, index=URL)


# -- the map of the moves ---------------------------------------------------------------------
# Drawn at build time: tracks as columns, grades as rows (highest first), an arrow at every
# grade a move is open from to a level at the same grade. Coordinates are whole SVG units, so
# the output is byte-identical from build to build; colours come from CSS classes.
GUTTER, PITCH, BOX_W = 70, 200, 136   # grade labels; one column; a level's box
HEADER, ROW_H, BOX_H = 56, 76, 52     # column titles; one row; a level's box
LINE_CHARS = 17                       # about one line of a 13 px level title in a box
TITLE_CHARS = 20                      # ... and of a 15 px track title over its column


@dataclass(frozen=True)
class MapBox:
    levels: list[Level]  # a track's levels at one grade (nearly always one)
    x: int
    y: int
    lines: list[str]


@dataclass(frozen=True)
class MapArrow:
    move: Move
    source: Level
    target: Level
    path: str            # the SVG path, from box edge to box edge
    floor_label: str     # "4+" on the lowest arrow of a move open from a given grade, else ""
    label_x: int
    label_y: int


@dataclass(frozen=True)
class MapRoute:
    """One move of the rules on the map: its arrows, one per grade it joins two levels at."""

    move: Move
    source: Track
    target: Track
    floor: int  # the lowest grade it is open from (0: any)
    arrows: list[MapArrow]


@dataclass(frozen=True)
class MoveMap:
    width: int
    height: int
    columns: list[tuple[Track, int, list[str]]]  # (track, x of its column's centre, its title in lines)
    rows: list[tuple[int, int]]                # (grade, y of its row's centre), highest first
    boxes: list[MapBox]
    routes: list[MapRoute]
    time_boxes: list[tuple[Track, int, int, int, int]]  # (track, x, y, width, height)


def _lines(title: str, width: int = LINE_CHARS) -> list[str]:
    """A title in lines short enough for its box or column (at most three)."""
    lines: list[str] = []
    for word in title.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines[:3]


def map_columns(hb: Handbook) -> list[Track]:
    """The tracks left to right: a hybrid track between the others, where its moves go both ways."""
    rank = {"ic": 0, "hybrid": 1, "management": 2}
    return sorted((t for t in hb.tracks if t.levels), key=lambda t: rank.get(t.kind, 3))


def move_map(hb: Handbook) -> MoveMap | None:
    if hb.mobility is None or not hb.grades:
        return None
    columns = map_columns(hb)
    x_of = {t.id: GUTTER + PITCH * i + PITCH // 2 for i, t in enumerate(columns)}
    rows = [(grade, HEADER + ROW_H * i + ROW_H // 2) for i, grade in enumerate(reversed(hb.grades))]
    y_of = dict(rows)
    boxes = [MapBox(levels, x_of[t.id] - BOX_W // 2, y_of[grade] - BOX_H // 2,
                    _lines(" / ".join(lv.title for lv in levels)))
             for t in columns for grade in sorted({lv.grade for lv in t.levels}) for levels in [hb.levels_at(t, grade)]]
    occupied = {(lv.track_id, lv.grade) for t in columns for lv in t.levels}
    routes = []
    for move in hb.mobility.moves:
        if move.from_track not in x_of or move.to_track not in x_of:
            continue
        floor = move_floor(hb, move)
        source, target = hb.track_by_id[move.from_track], hb.track_by_id[move.to_track]
        pairs = [(a, b) for grade in hb.grades if grade >= floor
                 for a in hb.levels_at(source, grade)[:1] for b in hb.levels_at(target, grade)[:1]]
        routes.append(MapRoute(move, source, target, floor, [
            _arrow(move, a, b, x_of, y_of[a.grade], occupied, columns, f"{floor}+" if n == 0 and floor else "")
            for n, (a, b) in enumerate(pairs)]))
    time_boxes = [(t, x_of[t.id] - BOX_W // 2 - 10, min(y_of[lv.grade] for lv in t.levels) - BOX_H // 2 - 10,
                   BOX_W + 20, ROW_H * (len({lv.grade for lv in t.levels}) - 1) + BOX_H + 36)
                  for t in columns if t.time_box_months]
    return MoveMap(GUTTER + PITCH * len(columns), HEADER + ROW_H * len(rows) + 16,
                   [(t, x_of[t.id], _lines(t.title, TITLE_CHARS)) for t in columns], rows, boxes, routes, time_boxes)


def _arrow(move: Move, a: Level, b: Level, x_of: dict[str, int], y: int, occupied: set[tuple[str, int]],
           columns: list[Track], floor_label: str) -> MapArrow:
    """One arrow at a row: rightwards above the middle, leftwards below it, so the two ways
    between two tracks never meet; over (or under) any level standing between the two."""
    x1, x2 = x_of[a.track_id], x_of[b.track_id]
    right = x2 > x1
    start, end = (x1 + BOX_W // 2, x2 - BOX_W // 2) if right else (x1 - BOX_W // 2, x2 + BOX_W // 2)
    lane = y - 9 if right else y + 9
    between = [t for t in columns if min(x1, x2) < x_of[t.id] < max(x1, x2) and (t.id, a.grade) in occupied]
    if between:  # around the boxes in the way, through the gap between rows
        bend = y - ROW_H // 2 if right else y + ROW_H // 2
        path = f"M{start},{lane} C{start + 40 * (1 if right else -1)},{bend} {end - 40 * (1 if right else -1)},{bend} {end},{lane}"
        label_y = bend + (-4 if right else 14)
    else:
        path = f"M{start},{lane} L{end},{lane}"
        label_y = lane - 5 if right else lane + 16
    return MapArrow(move, a, b, path, floor_label, (start + end) // 2, label_y)
