"""The home page: pages/index.md, then the tracks at a glance and the state of pay parity."""

from __future__ import annotations

from typing import Iterator

from ladderdocs.checks.parity import tallies
from ladderdocs.model.deps import BANDS, page_dep, track_dep
from ladderdocs.pages.base import PageJob, PageType, SearchEntry, SearchSources
from ladderdocs.pages.facts import Facts
from ladderdocs.pages.parity import measured
from ladderdocs.pages.prose import page_entry

PATH = "index.html"


def jobs(facts: Facts) -> Iterator[PageJob]:
    hb = facts.handbook
    shows = {page_dep("index.md"), *(track_dep(t.id) for t in hb.tracks)}
    if hb.zones:  # the parity summary counts findings about the bands
        shows.add(BANDS)
    yield PageJob(PATH, "home.html", {
        "page": hb.home, "tracks": hb.tracks, "zone_count": len(hb.zones),
        "parity": facts.parity_summary if hb.zones else None,
        "parity_measured": [sentence for tally in tallies(hb, hb.zones)  # what the counts alone do not say
                            for sentence in measured(tally, hb.settings.parity.tolerance_percent, True)]},
        frozenset(shows), prose=hb.home)


def search(facts: Facts, sources: SearchSources) -> Iterator[SearchEntry]:
    if facts.handbook.home is not None:
        yield page_entry(facts.handbook.home, PATH, sources)


PAGE = PageType("home", (PATH,), ("home.html",), jobs, search=search)
