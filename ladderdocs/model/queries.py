"""Questions asked of the model by more than one page: neighbours, equivalents, moves, the grid.

Pure functions of the Handbook; they format nothing (text/ does) and know no page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ladderdocs.addresses import listing_url
from ladderdocs.model.entities import Band, Handbook, Level, Move, Page, Track, Zone


def level_below(handbook: Handbook, level: Level) -> Level | None:
    levels = handbook.track_of(level).levels
    index = levels.index(level)
    return levels[index - 1] if index > 0 else None


def level_above(handbook: Handbook, level: Level) -> Level | None:
    levels = handbook.track_of(level).levels
    index = levels.index(level)
    return levels[index + 1] if index + 1 < len(levels) else None


def span(track: Track) -> tuple[int, int]:
    """The grades a track covers: from where it opens (or its first level) to its top level."""
    low = track.opens_at_grade if track.opens_at_grade is not None else track.levels[0].grade
    return low, track.levels[-1].grade


@dataclass(frozen=True)
class Absence:
    """Why a track has no level at a grade: it opens, starts or ends beyond it, or skips it."""

    reason: str  # "opens" | "starts" | "ends" | "gap" | "empty" (no level this audience sees)
    grade: int   # the grade with no level
    bound: int   # where the track opens, starts or ends


@dataclass(frozen=True)
class GridCell:
    track: Track
    levels: list[Level]        # this track's levels at the row's grade
    absent: Absence | None     # why there is none, when there is none


@dataclass(frozen=True)
class GridRow:
    grade: int
    cells: list[GridCell]      # one per track, in track order


def grade_grid(handbook: Handbook) -> list[GridRow]:
    """The ladder as one grid: a row per grade, highest first (as ladders read), a cell per track.
    Every side-by-side view (tracks, compare, parity, chart, widgets) is drawn from it."""
    return [GridRow(grade, [GridCell(track, levels, None if levels else _absence(track, grade))
                            for track in handbook.tracks
                            for levels in [handbook.levels_at(track, grade)]])
            for grade in reversed(handbook.grades)]


def _absence(track: Track, grade: int) -> Absence:
    if not track.levels:
        return Absence("empty", grade, grade)
    low, high = span(track)
    if grade < low:
        return Absence("opens" if track.opens_at_grade is not None else "starts", grade, low)
    if grade > high:
        return Absence("ends", grade, high)
    return Absence("gap", grade, grade)


def equivalents(handbook: Handbook, level: Level) -> list[tuple[Track, list[Level]]]:
    """Each other track with its levels at the same grade (empty list: no counterpart)."""
    return [(track, handbook.levels_at(track, level.grade))
            for track in handbook.tracks if track.id != level.track_id]


@dataclass(frozen=True)
class SwitchOption:
    move: Move
    track: Track
    targets: list[Level]  # levels at the same grade on the target track
    floor: int            # the lowest grade the move is open from (0: any)
    open: bool            # the level's grade allows this move


def move_floor(handbook: Handbook, move: Move) -> int:
    """The lowest grade a move is open from: its own minimum or where the target track opens."""
    return max(move.min_grade or 0, handbook.track_by_id[move.to_track].opens_at_grade or 0)


def switch_options(handbook: Handbook, level: Level) -> list[SwitchOption]:
    """The moves of the mobility rules that start on `level`'s track."""
    if handbook.mobility is None:
        return []
    return [SwitchOption(move, handbook.track_by_id[move.to_track],
                         handbook.levels_at(handbook.track_by_id[move.to_track], level.grade),
                         move_floor(handbook, move), level.grade >= move_floor(handbook, move))
            for move in handbook.mobility.moves if move.from_track == level.track_id]


def bands_of(handbook: Handbook, level: Level) -> list[tuple[Zone, Band | None]]:
    return [(zone, handbook.band_for(level, zone)) for zone in handbook.zones]


def ref_target(handbook: Handbook, kind: str, ident: str) -> tuple[str, str] | None:
    """(address, title) of what a `[[kind:id]]` reference or a link names, or None."""
    if kind == "level" and ident in handbook.level_by_id:
        return handbook.level_by_id[ident].url, handbook.level_by_id[ident].title
    if kind == "track" and ident in handbook.track_by_id:
        return handbook.track_by_id[ident].url, handbook.track_by_id[ident].title
    if kind == "competency" and ident in handbook.competency_by_id:
        return handbook.competency_by_id[ident].url, handbook.competency_by_id[ident].title
    if kind == "page":
        page = handbook.page_by_rel.get(ident) or handbook.page_by_rel.get(ident + ".md")
        if page:
            return page.url, page.title
    if kind == "asset" and ident in handbook.assets:
        return f"assets/{ident}", ident
    return None


@dataclass(frozen=True)
class Folder:
    path: str   # under pages/, posix, '' for pages/ itself
    title: str
    url: str    # its listing
    count: int  # pages in it and below


def folder_of(page: Page) -> str:
    return page.rel.rpartition("/")[0]  # posixpath.dirname's, for a path that never has "//" in it


def ancestors(folder: str) -> list[str]:
    """'a/b' -> ['', 'a', 'a/b']."""
    parts = folder.split("/") if folder else []
    return [""] + ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def folders(handbook: Handbook, root_title: str = "All pages") -> dict[str, Folder]:
    """Every folder of pages/ holding pages, directly or below, with the title readers know it
    by: the title of its index.md when it has one, else its name."""
    counts: dict[str, int] = {"": 0}
    for own, held in Counter(map(folder_of, handbook.pages)).items():  # a few folders, thousands of pages
        for folder in ancestors(own):
            counts[folder] = counts.get(folder, 0) + held
    titles = {folder_of(p): p.title for p in handbook.pages if p.rel.endswith("/index.md")}
    return {path: Folder(path, root_title if not path else titles.get(path, path.rsplit("/", 1)[-1]),
                         listing_url(path), count)
            for path, count in sorted(counts.items())}
