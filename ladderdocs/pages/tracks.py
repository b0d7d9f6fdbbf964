"""Track pages: `tracks/` (every level of every track by grade) and `tracks/<id>/` (one track's
ladder, its off-ramps and its competency matrix)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ladderdocs.addresses import competency_anchor
from ladderdocs.model.deps import level_dep, track_dep
from ladderdocs.model.diff import MarkedExpectation
from ladderdocs.model.entities import Competency, Handbook, Level, OffRamp, Track
from ladderdocs.pages.base import NavEntry, PageJob, PageType, SearchDoc, SearchEntry, SearchGroup, SearchSources
from ladderdocs.pages.facts import Facts
from ladderdocs.text.i18n import N_

URL = "tracks/"

TRACKS = SearchGroup(N_("Tracks"))


@dataclass(frozen=True)
class MatrixCell:
    """One level's expectations for one competency, as the track page's matrix shows them."""

    level: Level
    shown: list[MarkedExpectation]  # in full: everything at the first level, then what is new or grown
    carried: int                    # as on the level below, or still applying from it: counted, linked
    carried_url: str                # where the level page lists them


def matrix(facts: Facts, track: Track) -> list[tuple[Competency, list[MatrixCell]]]:
    """Per competency of the track, a cell per level, highest level first (as the ladder reads).
    Carried-over expectations are counted, not repeated: in a cumulative ladder they would make
    the page grow with every level."""
    rows = []
    for competency in facts.handbook.competencies_for(track):
        cells = []
        for index, level in enumerate(track.levels):
            marked = facts.marked(level).get(competency.id)
            stated = marked.stated if marked else []
            shown = stated if index == 0 else [e for e in stated if e.change]
            carried = len(stated) - len(shown) + (len(marked.inherited) if marked else 0)
            cells.append(MatrixCell(level, shown, carried, f"{level.url}#{competency_anchor(competency.id)}"))
        rows.append((competency, cells[::-1]))
    return rows


def jobs(facts: Facts) -> Iterator[PageJob]:
    hb = facts.handbook
    yield PageJob(f"{URL}index.html", "tracks.html", {"tracks": hb.tracks, "rows": facts.grid},
                  frozenset(track_dep(t.id) for t in hb.tracks))
    for track in hb.tracks:
        ramps: list[tuple[OffRamp, Track]] = [(r, hb.track_by_id[r.to]) for r in track.off_ramps]
        yield PageJob(f"{track.url}index.html", "track.html", {
            "track": track, "off_ramps": ramps, "matrix": matrix(facts, track)},
            frozenset({track_dep(track.id), *(level_dep(lv.id) for lv in track.levels)}))


def nav(handbook: Handbook) -> list[NavEntry]:
    return [NavEntry(URL, N_("Tracks"), also=("levels",))]  # a level page is part of its track


def search(facts: Facts, sources: SearchSources) -> Iterator[SearchEntry]:
    for track in facts.handbook.tracks:
        words = [sources.plain(track.summary.text), *(sources.plain(r.description.text, inline=True) for r in track.off_ramps)]
        yield SearchEntry(TRACKS, track.url, track.title, facts.messages.text(N_("Track")), [SearchDoc("", "", " ".join(filter(None, words)))])


PAGE = PageType("tracks", ("tracks",), ("tracks.html", "track.html"), jobs, nav, search, index=URL)
