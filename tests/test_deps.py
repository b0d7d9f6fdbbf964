"""Each page depends only on what its page type declares (model/deps.py).

serve renders a page again only when a key it declares changed, so a page that shows more
than it declares would be served stale. Here every page of a build is rendered again from a
"poisoned" model, in which the content of everything its keys do not cover is changed (the
skeleton of ids, titles and grades stays), and must come out byte-identical.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator

import pytest

from conftest import EXAMPLE, FIXTURES, MINI, load_model
from ladderdocs.model.deps import (ALL, BANDS, MOBILITY, Dep, changed_deps, competency_dep, expectations_dep,
                                   level_dep, lines_dep, page_dep, track_dep)
from ladderdocs.model.entities import Band, Handbook, Level, Source, Text
from ladderdocs.pages import levels
from ladderdocs.pages.base import Job, PageType
from ladderdocs.pages.facts import Facts
from ladderdocs.pages.registry import PAGE_TYPES, index_pages, navigation
from ladderdocs.render.engine import Engine

MARK = "☠"


def _text(text: Text) -> Text:
    return Text(f"{text.text} {MARK}".strip(), Source(text.source.file, text.source.line + 100))


def _level(level: Level, keep_expectations: bool = False, keep_source: bool = False) -> Level:
    return replace(level, summary=_text(level.summary), scope=_text(level.scope),
                   examples=[_text(x) for x in level.examples] + [_text(Text("", level.source))],
                   expectations=level.expectations if keep_expectations else {
                       cid: [replace(e, text=f"{e.text} {MARK}", source=Source(e.source.file, e.source.line + 100))
                             for e in items] for cid, items in level.expectations.items()},
                   source=level.source if keep_source else Source(level.source.file, level.source.line + 100))


def _band(band: Band) -> Band:
    return replace(band, min=band.min - 1, max=band.max + 1, mid=None if band.mid else band.min,
                   provenance=band.provenance + MARK, source=Source(band.source.file, band.source.line + 100))


def poisoned(hb: Handbook, keep: frozenset[Dep]) -> Handbook:
    """`hb` with the content of everything `keep` does not cover changed; its skeleton kept."""
    if ALL in keep:
        return hb
    tracks = [replace(t, summary=t.summary if track_dep(t.id) in keep else _text(t.summary),
                      off_ramps=t.off_ramps if track_dep(t.id) in keep else
                      [replace(r, description=_text(r.description)) for r in t.off_ramps],
                      levels=[lv if level_dep(lv.id) in keep else _level(lv, expectations_dep(lv.id) in keep,
                                                                          lines_dep(lv.id) in keep)
                              for lv in t.levels])
              for t in hb.tracks]
    bands = [b if BANDS in keep or level_dep(b.level_id) in keep else _band(b) for b in hb.bands]
    competencies = [c if competency_dep(c.id) in keep else replace(c, description=_text(c.description))
                    for c in hb.competencies]
    pages = [p if page_dep(p.rel) in keep else replace(p, body=_text(p.body)) for p in hb.pages]
    mobility = hb.mobility
    if mobility is not None and MOBILITY not in keep:
        mobility = replace(mobility, keep_grade=not mobility.keep_grade, notes=_text(mobility.notes),
                           min_months_between_switches=(mobility.min_months_between_switches or 0) + 7,
                           moves=[replace(m, description=_text(m.description), min_grade=(m.min_grade or 0) + 1)
                                  for m in mobility.moves])
    return replace(hb, tracks=tracks, bands=bands, competencies=competencies, pages=pages, mobility=mobility)


def render_all(hb: Handbook, page_types: list[PageType] = PAGE_TYPES,
               paths: list[str] | None = None) -> dict[str, tuple[Job, bytes]]:
    """The jobs of every page type (or those at `paths`) rendered from `hb`."""
    engine = Engine(hb, navigation(hb, page_types), index_pages(page_types))
    facts = Facts(hb)
    return {job.path: (job, engine.render(job)) for t in page_types for job in t.jobs(facts)
            if paths is None or job.path in paths}


def undeclared(hb: Handbook, page_types: list[PageType] = PAGE_TYPES, only: set[str] | None = None) -> list[str]:
    """The pages whose bytes change when what they do not declare is poisoned."""
    original = render_all(hb, page_types)
    type_of = {job.path: t for t in page_types for job in t.jobs(Facts(hb))}
    by_deps: dict[tuple[frozenset[Dep], str], list[str]] = {}
    for path, (job, _) in original.items():
        if only is None or path in only:
            by_deps.setdefault((job.deps, type_of[path].name), []).append(path)
    stale = []
    for (deps, name), paths in by_deps.items():
        types = [t if t.name == name else replace(t, jobs=lambda facts: ()) for t in page_types]  # the nav stays
        changed = render_all(poisoned(hb, deps), types, paths)
        stale += [path for path in paths if changed[path][1] != original[path][1]]
    return sorted(stale)


HANDBOOKS = {"example": (EXAMPLE, "public"), "example-internal": (EXAMPLE, "internal"), "mini": (MINI, "public"),
             "every-finding": (FIXTURES / "parity" / "every-finding", "public")}


@pytest.mark.parametrize("name", sorted(HANDBOOKS))
def test_every_page_shows_only_what_it_declares(name: str) -> None:
    content, audience = HANDBOOKS[name]
    handbook, _ = load_model(content, audience)
    assert undeclared(handbook) == []


def test_the_poison_reaches_every_kind_of_content() -> None:
    """Poisoning everything changes each kind of page, and serve would see each change."""
    handbook, _ = load_model(EXAMPLE)
    original = render_all(handbook)
    everything = poisoned(handbook, frozenset())
    changed = render_all(everything)
    differ = {path for path in original if changed[path][1] != original[path][1]}
    for page in ("index.html", "tracks/index.html", "tracks/ic/index.html", "levels/staff-engineer/index.html",
                 "competencies/index.html", "competencies/delivery/index.html", "compare/index.html",
                 "parity/index.html", "mobility/index.html", "faq/index.html", "diff/levels.js", "ladder.json",
                 "bands.csv", "embed/levels/staff-engineer/index.html"):
        assert page in differ, page
    assert ALL not in changed_deps(handbook, everything)  # the skeleton is untouched


def test_a_page_that_shows_more_than_it_declares_is_caught() -> None:
    """A level page that forgot it shows the switching rules would be served stale: caught."""
    def forgetful(facts: Facts) -> Iterator[Job]:
        for job in levels.jobs(facts):
            yield replace(job, deps=job.deps - {MOBILITY})

    page_types = [replace(t, jobs=forgetful) if t is levels.PAGE else t for t in PAGE_TYPES]
    handbook, _ = load_model(EXAMPLE)
    stale = undeclared(handbook, page_types, only={"levels/staff-engineer/index.html", "levels/engineer/index.html"})
    assert "levels/staff-engineer/index.html" in stale
