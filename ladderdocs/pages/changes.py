"""The changes page, `changes/`: what each version of the framework changed in the ladder
(levels, expectations, bands, mobility rules), newest first, with the date it takes effect.
Built only when git tags hold earlier versions (source/versions.py)."""

from __future__ import annotations

from typing import Iterator

from ladderdocs.model.changes import versions
from ladderdocs.model.deps import ALL
from ladderdocs.pages.base import PageJob, PageType, SearchDoc, SearchEntry, SearchSources
from ladderdocs.pages.facts import Facts
from ladderdocs.pages.prose import PAGES
from ladderdocs.text.i18n import N_
from ladderdocs.text.money import percent

URL = "changes/"
TITLE = N_("Changes to the framework")


def jobs(facts: Facts) -> Iterator[PageJob]:
    listed = versions(facts.handbook)
    if not listed:
        return
    percents = {f"{change.anchor}/{band.zone.id}": percent(abs(band.delta), band.mid_before)
                for entry in facts.changelog for change in entry.levels for band in change.bands
                if band.delta and band.mid_before}  # how far each band's midpoint moved, rounded as a reader rounds
    yield PageJob(f"{URL}index.html", "changes.html", {"entries": facts.changelog, "first": listed[0],
                                                       "percents": percents},
                  frozenset({ALL}))  # every level, band and rule of every version


def search(facts: Facts, sources: SearchSources) -> Iterator[SearchEntry]:
    if not versions(facts.handbook):
        return
    say = facts.messages
    docs = [SearchDoc(entry.version.anchor, entry.version.name or say.text(N_("Not yet released")),
                      " ".join(change.level.title for change in entry.levels))
            for entry in facts.changelog]
    yield SearchEntry(PAGES, URL, say.text(TITLE), "", [SearchDoc("", "", ""), *docs])


PAGE = PageType("changes", ("changes",), ("changes.html",), jobs, search=search, index=URL)
