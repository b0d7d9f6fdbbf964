"""The search index begun beside the render (site.py `_begin_index`): every entry but the
rendered pages' is made before their sections are awaited, and the index begun with the
awaited page as the last index had it (outputs/search_index.py index_ahead) gives, once the
page comes, the bytes of an index made from scratch."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import EXAMPLE, tree_bytes
from test_cache import cold, edit

from ladderdocs import site as site_module
from ladderdocs.outputs import search_index as search
from ladderdocs.pages import prose
from ladderdocs.pages.base import SearchEntry
from ladderdocs.render import parallel
from ladderdocs.render.cache import CACHE_DIR
from ladderdocs.site import Options, Pipeline, build


def _edited(entries: list[SearchEntry], at: int, doc_at: int, **change: str) -> list[SearchEntry]:
    docs = list(entries[at].docs)
    docs[doc_at] = docs[doc_at]._replace(**change)
    return [*entries[:at], replace(entries[at], docs=docs), *entries[at + 1:]]


def test_an_index_begun_before_a_page_came_equals_one_made_from_scratch() -> None:
    """For each kind of edit of the awaited page (and with other pages changed since the last
    index too), the index made from the one begun without it writes the bytes of an index made
    from scratch, and its terms, kept, are those of an index made from scratch."""
    pipeline = Pipeline(EXAMPLE)
    entries = pipeline.search_entries(pipeline.run())
    at = next(i for i, e in enumerate(entries) if e.group.excerpts_later and len(e.docs) > 2
              and len(e.docs[1].text) > 2 * search.EXCERPT_CHARS and e.docs[1].heading)
    other = next(i for i, e in enumerate(entries) if i > at + 1 and e.group.excerpts_later)
    doc = entries[at].docs[1]
    words = doc.text.split(" ")
    edits = {
        "nothing": entries,
        "only the excerpt": _edited(entries, at, 1, text=" ".join([words[1], words[0], *words[2:]])),
        "only words past the excerpt": _edited(entries, at, 1, text=doc.text + " quokka"),
        "only the anchor": _edited(entries, at, 1, anchor=doc.anchor + "-2"),
        "a heading no longer its anchor's slug": _edited(entries, at, 1, heading=doc.heading + " (draft)"),
        "the first doc's text": _edited(entries, at, 0, text="Quokkas lead " + entries[at].docs[0].text),
        "the title": [*entries[:at], replace(entries[at], title="Quokkas and élan"), *entries[at + 1:]],
        "a section added": [*entries[:at], replace(entries[at], docs=[*entries[at].docs, doc]), *entries[at + 1:]],
        "a section removed": [*entries[:at], replace(entries[at], docs=entries[at].docs[:-1]), *entries[at + 1:]],
        "every word replaced": [*entries[:at], replace(entries[at], docs=[
            d._replace(text=f"quokka{n} wombat", heading=d.heading and f"Wombat {n}")
            for n, d in enumerate(entries[at].docs)]), *entries[at + 1:]],
    }
    _, first = search.index_files(entries, "en")
    since = _edited(entries, other, 0, text="Numbats too. " + entries[other].docs[0].text)  # kept, changed since
    for base_name, base in (("as last indexed", entries), ("another page changed since", since)):
        for what, changed in edits.items():
            changed = [*changed[:other], base[other], *changed[other + 1:]]
            cold, cold_terms = search.index_files(changed, "en")
            waiting = [*changed[:at], SearchEntry(prose.PAGES, "awaited", "", "", []), *changed[at + 1:]]
            ahead = search.index_ahead(waiting, [at], True, first)
            assert ahead is not None and ahead.waiting[0][::2] == (at, len(entries[at].docs))
            warm, terms = search.index_files(changed, "en", last=first, ahead=ahead)
            assert warm == cold, (base_name, what)
            assert replace(terms.whole(), redone=0) == cold_terms, (base_name, what)  # what the next build starts from
            both = [*waiting[:other], SearchEntry(prose.PAGES, "also", "", "", []), *waiting[other + 1:]]
            changed_too = [*changed[:other], since[other] if base is entries else entries[other], *changed[other + 1:]]
            warm, terms = search.index_files(changed_too, "en", last=first,
                                             ahead=search.index_ahead(both, [at, other], True, first))
            assert warm == search.index_files(changed_too, "en")[0], (base_name, what, "two awaited")
            assert search.index_files(entries, "en", last=terms.whole())[0] == search.index_files(entries, "en")[0], \
                (base_name, what)


def test_no_index_is_begun_ahead_where_the_awaited_page_has_no_known_place() -> None:
    """A page count unlike the last index's (a page added or removed), or another language:
    the index is made by difference as ever, never from a guessed place."""
    pipeline = Pipeline(EXAMPLE)
    entries = pipeline.search_entries(pipeline.run())
    _, first = search.index_files(entries, "en")
    at = next(i for i, e in enumerate(entries) if e.group.excerpts_later)
    stand_in = SearchEntry(prose.PAGES, "awaited", "", "", [])
    assert search.index_ahead([*entries[:at], stand_in, stand_in, *entries[at + 2:]], [at, at + 1], True, first)
    assert search.index_ahead([*entries[:at], stand_in, *entries[at:]], [at], True, first) is None  # one added
    assert search.index_ahead([*entries[:at], stand_in, *entries[at + 2:]], [at], True, first) is None  # one removed
    assert search.index_ahead([*entries[:at], stand_in, *entries[at + 1:]], [at], False, first) is None
    assert search.index_ahead([*entries[:at], stand_in, *entries[at + 1:]], [at], True, None) is None


def _copy(tmp_path: Path) -> Path:
    content = tmp_path / "handbook" / "content"
    shutil.copytree(EXAMPLE, content)
    return content


def test_the_index_begun_beside_the_render_awaits_the_rendered_page_only_after_every_other_entry(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index's process makes every other page's entry while the page is rendered: it asks
    for the rendered page's sections only when nothing else is left, so the build waits for it
    the least. Its index is still a cold build's."""
    content, site = _copy(tmp_path), tmp_path / "site"
    options = Options(cache=content.parent / CACHE_DIR, workers=1)
    build(content, site, options)
    made: list[str] = []  # prose entries, in the order they are made
    real_entry = prose.SearchEntry
    monkeypatch.setattr(prose, "SearchEntry",
                        lambda group, url, *rest: made.append(url) or real_entry(group, url, *rest))
    asked: list[list[str]] = []
    real_get = parallel.Handover.get
    monkeypatch.setattr(parallel.Handover, "get", lambda self: asked.append(list(made)) or real_get(self))
    monkeypatch.setattr(site_module, "in_background", lambda function, *args, **_: lambda: function(*args))
    for name in ("faq", "why-two-ladders"):  # a page in the middle of the list, then the first one too
        edit(content / "pages" / f"{name}.md", "\n\n", "\n\nQuokkas, edited.\n\n")
        made.clear(), asked.clear()
        rendered = {path.removesuffix("index.html") for path in build(content, site, options).rendered}
        assert f"{name}/" in rendered and len(rendered) == (1 if name == "faq" else 2)  # faq's again: not kept
        assert len(asked) == 1 and asked[0] == made[:-len(rendered)] and set(made[-len(rendered):]) == rendered, \
            (name, asked, made)
        assert tree_bytes(site) == cold(content, tmp_path / "cold"), name
