"""Self-assessment and promotion case, `case/<level-id>/`: every expectation of the level one
aims for, grouped by competency, each with a state and evidence from the engineer and from
their manager; and `case/`, where one picks the level.

The page is the form, built here (readable and printable without a script); static/case.js
keeps it in the browser, and exports a Markdown document that cites every expectation by its
anchor on the level pages, and JSON to import again, on this device or the other person's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ladderdocs.addresses import expectation_anchors
from ladderdocs.model.deps import expectations_up_to
from ladderdocs.model.entities import Competency, CompetencyGroup, Expectation, Handbook, Level, Track
from ladderdocs.pages.base import PageJob, PageType, SearchDoc, SearchEntry, SearchSources
from ladderdocs.pages.checkin import store_key
from ladderdocs.pages.facts import Facts
from ladderdocs.pages.levels import expectations_by_group
from ladderdocs.pages.prose import PAGES
from ladderdocs.text.i18n import N_

URL = "case/"
TITLE = N_("Promotion case")
STATES = (("not-yet", N_("Not yet")), ("sometimes", N_("Sometimes")), ("consistently", N_("Consistently")))


@dataclass(frozen=True)
class CaseItem:
    """One expectation to assess, and the address that cites it on its level page."""

    n: int           # its place on the case page, from 1: the form fields' ids
    expectation: Expectation
    url: str         # the level page and the expectation's anchor: levels/<id>/#e-...
    cite: str | None  # the same as an absolute URL, when the handbook says where it is published
    origin: Level | None  # on a cumulative track, the level below that states it (None: the target level)

    @property
    def internal(self) -> bool:
        return self.expectation.internal

    @property
    def key(self) -> str:
        """What names its answers in storage and in every export: stable while the anchor is."""
        return self.url.removeprefix("levels/").replace("/#", "#")


def case_url(level: Level) -> str:
    return f"{URL}{level.id}/"


@dataclass(frozen=True)
class CaseCompetency:
    competency: Competency
    stated: list[CaseItem]     # what the level itself states
    inherited: list[CaseItem]  # on a cumulative track, what still applies from the levels below


def case_items(facts: Facts, level: Level) -> list[tuple[CompetencyGroup, list[CaseCompetency]]]:
    """The level's expectations as its page lists them (on a cumulative track with everything
    still expected from below), each with its citation."""
    site = facts.handbook.settings.site_address
    counter = iter(range(1, 100_000))

    def item(expectation: Expectation, url: str, origin: Level | None) -> CaseItem:
        return CaseItem(next(counter), expectation, url, site + url if site else None, origin)

    def anchor_below(comp_id: str, stated_level: Level, expectation: Expectation) -> str:
        items = stated_level.expectations[comp_id]
        index = next(i for i, e in enumerate(items) if e is expectation)
        return expectation_anchors(comp_id, [e.key for e in items])[index]

    groups = []
    for group, members in expectations_by_group(facts, level):
        competencies = []
        for competency, marked in members:
            stated = [item(e.expectation, f"{level.url}#{e.anchor}", None) for e in marked.stated]
            inherited = [item(s.expectation, f"{s.level.url}#{anchor_below(competency.id, s.level, s.expectation)}",
                              s.level) for s in marked.inherited]
            competencies.append(CaseCompetency(competency, stated, inherited))
        groups.append((group, competencies))
    return groups


def _levels_highest_first(track: Track) -> list[Level]:
    return sorted(track.levels, key=lambda lv: -lv.grade)


def jobs(facts: Facts) -> Iterator[PageJob]:
    hb = facts.handbook
    if not hb.settings.tools.case:
        return
    store = store_key(hb)
    site = hb.settings.site_address  # cite absolute links where the handbook says it is published
    yield PageJob(f"{URL}index.html", "cases.html", {
        "tracks": [(t, [(lv, case_url(lv)) for lv in _levels_highest_first(t)]) for t in hb.tracks]},
        frozenset())
    for track in hb.tracks:
        for level in track.levels:
            yield PageJob(f"{case_url(level)}index.html", "case.html", {
                "level": level, "track": track, "groups": case_items(facts, level), "states": STATES,
                "store": store, "level_cite": site + level.url if site else None}, expectations_up_to(hb, level))


def search(facts: Facts, sources: SearchSources) -> Iterator[SearchEntry]:
    if not facts.handbook.settings.tools.case:
        return
    say = facts.messages.text
    words = say(N_("Self-assessment against the written criteria of the level you aim for, with your manager's "
                   "view beside yours, exported as a document that cites every expectation."))
    yield SearchEntry(PAGES, URL, say(TITLE), "", [SearchDoc("", "", words)])


# No entry in the main navigation (with the check-in it wrapped to a second row at 1280 px): a
# reader builds a case for one level, so every level page links to its own, as does the check-in.
PAGE = PageType("case", ("case",), ("cases.html", "case.html"), jobs, search=search, index=URL)
