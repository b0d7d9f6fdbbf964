"""The mobility page, `mobility/`: the switching rules, the moves between tracks and where each
opens, the time-boxed tracks and their off-ramps."""

from __future__ import annotations

from typing import Iterator

from ladderdocs.model.deps import MOBILITY, track_dep
from ladderdocs.model.entities import Handbook
from ladderdocs.model.queries import move_floor
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
        "off_ramps": [(t, [(r, track[r.to]) for r in t.off_ramps]) for t in hb.tracks if t.off_ramps]},
        frozenset({MOBILITY, *(track_dep(t.id) for t in hb.tracks)}))


def nav(handbook: Handbook) -> list[NavEntry]:
    return [NavEntry(URL, TITLE)] if handbook.mobility else []


def search(facts: Facts, sources: SearchSources) -> Iterator[SearchEntry]:
    mobility = facts.handbook.mobility
    if mobility is None:
        return
    words = [sources.plain(mobility.notes.text), *(sources.plain(m.description.text, inline=True) for m in mobility.moves)]
    yield SearchEntry(PAGES, URL, facts.messages.text(TITLE), "", [SearchDoc("", "", " ".join(filter(None, words)))])


PAGE = PageType("mobility", ("mobility",), ("mobility.html",), jobs, nav, search, index=URL)
