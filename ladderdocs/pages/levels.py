"""Level pages, `levels/<id>/`: what a level asks (marked against the level below), its pay band
in each zone, the same grade on the other tracks and where one may switch to from it; and
`levels/`, every level by grade, for the reader who types the folder's address."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ladderdocs.addresses import expectation_anchors, pair_url
from ladderdocs.model.changes import last_change
from ladderdocs.model.deps import MOBILITY, VERSIONS, expectations_up_to, level_dep, track_dep, up_to
from ladderdocs.model.diff import CUMULATIVE, LevelDiff, LevelExpectations, expectations_model, same_grade_pair
from ladderdocs.model.entities import Competency, CompetencyGroup, Level
from ladderdocs.model.queries import bands_of, equivalents, level_above, level_below, switch_options
from ladderdocs.pages.base import PageJob, PageType, SearchDoc, SearchEntry, SearchGroup, SearchSources
from ladderdocs.pages import switch
from ladderdocs.pages.facts import Facts
from ladderdocs.text.i18n import N_

LEVELS = SearchGroup(N_("Levels"), text_weight=4)
SECTION_IDS = {"scope": "scope", "examples": "examples"}  # headings of a level page that search links to


def expectations_by_group(facts: Facts, level: Level
                          ) -> list[tuple[CompetencyGroup, list[tuple[Competency, LevelExpectations]]]]:
    """The level's expectations under their competency groups, in the handbook's order."""
    marked = facts.marked(level)
    groups = []
    for group in facts.handbook.groups:
        members = [(c, marked[c.id]) for c in facts.handbook.competencies if c.group == group.id and c.id in marked]
        if members:
            groups.append((group, members))
    return groups


@dataclass(frozen=True)
class NextLevel:
    """The summary's answer to "what changes at the next level": how much, and where to read it."""

    level: Level
    url: str
    counts: list[tuple[str, int]]  # (kind, how many), the kinds that occur, in the diff page's order


def next_level(diff: LevelDiff) -> NextLevel:
    counts = diff.counts
    kinds = ("added", "grown") if diff.cumulative else ("added", "grown", "reworded", "maybe", "not_restated")
    return NextLevel(diff.upper, pair_url(diff.lower.id, diff.upper.id),
                     [(kind, counts[kind]) for kind in kinds if counts[kind]])


URL = "levels/"


def jobs(facts: Facts) -> Iterator[PageJob]:
    hb = facts.handbook
    yield PageJob(f"{URL}index.html", "levels.html", {"rows": facts.grid, "tracks": hb.tracks},
                  frozenset({*(track_dep(t.id) for t in hb.tracks), *(level_dep(lv) for lv in hb.level_by_id)}))
    for track in hb.tracks:
        for level in track.levels:
            yield level_job(facts, level)


def level_job(facts: Facts, level: Level) -> PageJob:
    """A level's own page (serve writes it ahead when a level's words change: serve/ahead.py)."""
    hb = facts.handbook
    track = hb.track_of(level)
    below, above = level_below(hb, level), level_above(hb, level)
    same_grade = [(other, [(eq, pair_url(*(lv.id for lv in same_grade_pair(hb, level, eq)))) for eq in levels])
                  for other, levels in equivalents(hb, level)]
    # the summary counts what the next level's expectations change (not what the next level says)
    shows = up_to(hb, level) | (expectations_up_to(hb, above) if above else frozenset()) | {MOBILITY, VERSIONS}
    return PageJob(f"{level.url}index.html", "level.html", {
        "level": level, "track": track, "below": below, "above": above,
        "next": next_level(facts.diff(level, above)) if above else None,
        "groups": expectations_by_group(facts, level),
        "bands": bands_of(hb, level), "equivalents": same_grade,
        "options": switch_options(hb, level), "keep_grade": hb.mobility.keep_grade if hb.mobility else False,
        "cumulative": expectations_model(hb, track) == CUMULATIVE,
        "ids": SECTION_IDS, "changed_in": last_change(facts.changelog, level.id),
        "planner": switch.switch_url(level.id) if switch.enabled(hb) else None}, frozenset(shows))


def search(facts: Facts, sources: SearchSources) -> Iterator[SearchEntry]:
    competency_url = {c.id: c.url for c in facts.handbook.competencies}
    say = facts.messages.gettext
    for track in facts.handbook.tracks:
        for level in track.levels:
            docs = [SearchDoc("", "", sources.plain(level.summary.text))]
            if level.scope:
                docs.append(SearchDoc(SECTION_IDS["scope"], say(N_("Scope")), sources.plain(level.scope.text)))
            docs += [SearchDoc(anchor, "", sources.plain(e.text, inline=True), competency_url[comp_id])
                     for comp_id, items in level.expectations.items()
                     for e, anchor in zip(items, expectation_anchors(comp_id, [e.key for e in items]))]
            if level.examples:
                docs.append(SearchDoc(SECTION_IDS["examples"], say(N_("Examples")),
                                      " ".join(sources.plain(x.text, inline=True) for x in level.examples)))
            yield SearchEntry(LEVELS, level.url, level.title, say(N_("%(track)s · grade %(grade)s"), track=track.title, grade=level.grade), docs)


PAGE = PageType("levels", ("levels",), ("levels.html", "level.html"), jobs, search=search, index=URL)
