"""What a page depends on, and what differs between two models of one handbook.

A page type declares, for each page it makes, the keys of what that page shows beyond the
handbook's skeleton, so a rebuild renders again only the pages an edit can change. The
skeleton is every id, title, grade, order and setting: navigation, links and every page's
frame are made of it, and a change there renders everything again. A key names one
entity's own content:

    ("level", id)       summary, scope, expectations, examples and the level's bands
    ("expectations", id) the level's expectations alone: what the levels above compare with
    ("lines", id)       where the level is written (file and line): what a parity finding cites
    ("track", id)       summary and off-ramps
    ("competency", id)  description
    ("page", rel)       a prose page's front matter and body
    ("mobility",)       the switching rules
    ("bands",)          any band of any level
    ("versions",)       the framework's earlier versions (git tags): what changed in the ladder since
    ("all",)            anything at all: for a page that shows everything

tests/test_deps.py renders every page again from a model in which everything its keys do
not cover is changed, and fails when the page changes too.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Hashable

from ladderdocs.model.entities import Band, Handbook, Level

Dep = tuple[str, ...]
ALL: Dep = ("all",)
MOBILITY: Dep = ("mobility",)
BANDS: Dep = ("bands",)
VERSIONS: Dep = ("versions",)


def level_dep(level_id: str) -> Dep:
    return ("level", level_id)


def expectations_dep(level_id: str) -> Dep:
    return ("expectations", level_id)


def lines_dep(level_id: str) -> Dep:
    return ("lines", level_id)


def track_dep(track_id: str) -> Dep:
    return ("track", track_id)


def competency_dep(competency_id: str) -> Dep:
    return ("competency", competency_id)


def page_dep(rel: str) -> Dep:
    return ("page", rel)


def up_to(hb: Handbook, level: Level) -> frozenset[Dep]:
    """A level, and the expectations of every level below it on its track: on a cumulative track
    all of them say what applies at it, and marks everywhere compare with the level below. A
    summary edit at the bottom of a track so renders no page about the levels above it."""
    levels = hb.track_of(level).levels
    return frozenset({level_dep(level.id), *(expectations_dep(lv.id) for lv in levels[:levels.index(level) + 1])})


def expectations_up_to(hb: Handbook, level: Level) -> frozenset[Dep]:
    """The expectations of a level and of every level below it on its track, not its summary:
    for a page that works with what a level expects (a promotion case, a switch planner)."""
    return up_to(hb, level) - {level_dep(level.id)}


def skeleton(hb: Handbook) -> Hashable:
    """What navigation, links and every page's frame are made of: ids, titles, grades, order, settings
    (and the check-in's questions, which only the check-in page shows)."""
    return (
        hb.settings, hb.audience, hb.root, tuple(hb.assets), hb.mobility is None, hb.promotions is None,
        hb.check_in,  # the check-in's questions: rarely edited, and a few words on one page
        bool(hb.earlier),  # whether there is a changes/ page, which every page's footer links to
        tuple((g.id, g.title, g.description) for g in hb.groups),
        tuple((z.id, z.title, z.currency, z.internal) for z in hb.zones),
        tuple((t.id, t.title, t.kind, t.order, t.expectations, t.opens_at_grade, t.time_box_months, t.internal,
               tuple((lv.id, lv.title, lv.grade, lv.internal) for lv in t.levels)) for t in hb.tracks),
        tuple((c.id, c.title, c.group, c.track_ids, c.internal) for c in hb.competencies),
        len(hb.pages),  # and each page's PAGE_SKELETON, which changed_deps compares page by page
    )


PAGE_SKELETON = ("rel", "title", "order", "nav", "internal", "description")  # of each page, in the skeleton


def changed_deps(old: Handbook, new: Handbook) -> set[Dep]:
    """The keys whose content differs between two models of a handbook ({ALL}: the skeleton)."""
    if skeleton(old) != skeleton(new):
        return {ALL}
    changed: set[Dep] = set()
    for page, was in zip(new.pages, old.pages):  # as many (the skeleton says); each compared once
        if page != was:  # an equal page has an equal skeleton; another page in its place has not
            if any(getattr(page, name) != getattr(was, name) for name in PAGE_SKELETON):
                return {ALL}
            changed.add(page_dep(page.rel))
    for level_id, level in new.level_by_id.items():
        before = old.level_by_id[level_id]
        if level != before:
            changed.add(level_dep(level_id))
            if level.expectations != before.expectations:
                changed.add(expectations_dep(level_id))
            if level.source != before.source:
                changed.add(lines_dep(level_id))
    old_bands, new_bands = _bands_by_level(old), _bands_by_level(new)
    for level_id in old_bands.keys() | new_bands.keys():
        if old_bands.get(level_id) != new_bands.get(level_id):
            changed |= {level_dep(level_id), BANDS}
    for track in new.tracks:
        before = old.track_by_id[track.id]
        if (track.summary, track.off_ramps, track.source) != (before.summary, before.off_ramps, before.source):
            changed.add(track_dep(track.id))
    for competency in new.competencies:
        if competency != old.competency_by_id[competency.id]:
            changed.add(competency_dep(competency.id))
    if new.mobility != old.mobility:
        changed.add(MOBILITY)
    if new.earlier != old.earlier:
        changed.add(VERSIONS)
    return changed


def _bands_by_level(hb: Handbook) -> dict[str, list[Band]]:
    bands: dict[str, list[Band]] = defaultdict(list)
    for band in hb.bands:
        bands[band.level_id].append(band)
    return bands
