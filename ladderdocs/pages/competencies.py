"""Competency pages: `competencies/` (what levels are assessed on, by group) and
`competencies/<id>/` (how one competency grows, level by level, on each track)."""

from __future__ import annotations

from typing import Iterator

from ladderdocs.model.deps import competency_dep, expectations_dep
from ladderdocs.model.diff import CUMULATIVE, LevelExpectations, expectations_model
from ladderdocs.model.entities import Competency, Handbook, Level, Track
from ladderdocs.pages.base import NavEntry, PageJob, PageType, SearchDoc, SearchEntry, SearchGroup, SearchSources
from ladderdocs.pages.facts import Facts
from ladderdocs.text.i18n import N_

URL = "competencies/"

COMPETENCIES = SearchGroup(N_("Competencies"))


def growth(facts: Facts, competency: Competency
           ) -> list[tuple[Track, bool, list[tuple[Level, LevelExpectations]]]]:
    """Per track the competency applies to: whether the track is cumulative, and each level,
    highest grade first as every list of grades, with what it states and what still applies
    from below."""
    nothing = LevelExpectations([], [])
    return [(track, expectations_model(facts.handbook, track) == CUMULATIVE,
             [(level, facts.marked(level).get(competency.id, nothing)) for level in reversed(track.levels)])
            for track in facts.handbook.tracks if track.id in competency.track_ids]


def jobs(facts: Facts) -> Iterator[PageJob]:
    hb = facts.handbook
    groups = [(group, [(c, [hb.track_by_id[t] for t in c.track_ids]) for c in hb.competencies if c.group == group.id])
              for group in hb.groups]
    yield PageJob(f"{URL}index.html", "competencies.html", {"groups": groups},
                  frozenset(competency_dep(c.id) for c in hb.competencies))
    group_by_id = {g.id: g for g in hb.groups}
    for competency in hb.competencies:
        rows = growth(facts, competency)
        # what each level states, marked against the levels below: no level's summary
        shows = {competency_dep(competency.id), *(expectations_dep(lv) for lv in hb.level_by_id)}
        yield PageJob(f"{competency.url}index.html", "competency.html", {
            "competency": competency, "group": group_by_id[competency.group], "growth": rows}, frozenset(shows))


def nav(handbook: Handbook) -> list[NavEntry]:
    return [NavEntry(URL, N_("Competencies"))]


def search(facts: Facts, sources: SearchSources) -> Iterator[SearchEntry]:
    groups = {g.id: g.title for g in facts.handbook.groups}
    for competency in facts.handbook.competencies:
        yield SearchEntry(COMPETENCIES, competency.url, competency.title, groups.get(competency.group, ""),
                          [SearchDoc("", "", sources.plain(competency.description.text))])


PAGE = PageType("competencies", ("competencies",), ("competencies.html", "competency.html"), jobs, nav, search, index=URL)
