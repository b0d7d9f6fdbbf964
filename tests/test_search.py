"""The search index a build writes: complete for its audience, nothing more, every link exact."""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from conftest import EXAMPLE, run_cli
from hypothesis import example, given
from hypothesis import strategies as st
from search_helpers import doc_entries, doc_links, internal_only_word, read_index, read_script, unique_expectation_word

from conftest import load_model
from ladderdocs.addresses import expectation_anchors
from ladderdocs.outputs import search_index as search
from ladderdocs.text.markdown import make_markdown
from ladderdocs.text.plain import PlainText, block_text


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_index_holds_every_level_track_competency_and_page(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    index = read_index(example_site)
    titles = {(url, title) for _, url, title, _ in index["entries"]}
    expected = ([(lv.url, lv.title) for lv in handbook.level_by_id.values()]
                + [(t.url, t.title) for t in handbook.tracks]
                + [(c.url, c.title) for c in handbook.competencies]
                + [(p.url, p.title) for p in handbook.pages])
    assert not [item for item in expected if item not in titles]
    links = doc_links(index)
    for level in handbook.level_by_id.values():  # every expectation is its own result
        count = sum(len(items) for items in level.expectations.values())
        assert sum(1 for link in links if link.startswith(f"{level.url}#e-")) == count, level.id


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_every_result_lands_on_an_existing_page_and_anchor(audience: str, example_site: Path,
                                                           internal_site: Path) -> None:
    site = example_site if audience == "public" else internal_site
    ids: dict[Path, set[str]] = {}
    broken = []
    for link in doc_links(read_index(site)):
        path, _, anchor = link.partition("#")
        target = site / path / "index.html"
        if target not in ids and target.is_file():
            ids[target] = {tag["id"] for tag in soup(target).find_all(id=True)}
        if not target.is_file() or (anchor and anchor not in ids[target]):
            broken.append(link)
    assert not broken, broken[:10]


def test_every_heading_of_a_page_is_a_result(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    links = set(doc_links(read_index(example_site)))
    for page in handbook.pages:
        if page.rel == "index.md":
            continue
        article = soup(example_site / page.url / "index.html").find("article")
        for heading in article.find_all(["h2", "h3", "h4"], id=True):
            assert f"{page.url}#{heading['id']}" in links, (page.rel, heading["id"])


def test_expectation_anchors_are_unique_and_follow_the_competency(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    for level in handbook.level_by_id.values():
        page = soup(example_site / level.url / "index.html")
        every_id = Counter(tag["id"] for tag in page.find_all(id=True))
        assert not [i for i, n in every_id.items() if n > 1], level.id
        for competency_id, items in level.expectations.items():
            block = page.find(id=f"c-{competency_id}").find_parent("section")
            assert [li.get("id") for li in block.select("ul.expectations > li")] == expectation_anchors(
                competency_id, [e.key for e in items])


def test_public_index_holds_nothing_internal(example_site: Path, internal_site: Path) -> None:
    public, _ = load_model(EXAMPLE)
    internal, _ = load_model(EXAMPLE, "internal")
    word = internal_only_word(public, internal)
    public_file = (example_site / search.INDEX_FILE).read_text(encoding="utf-8").lower()
    assert word[:-3] not in public_file
    assert search.stem(word) in read_index(internal_site)["terms"].split(" ")
    internal_pages = {p.url for p in internal.pages if p.internal}
    assert internal_pages, "the example should have an internal page"
    public_urls = {entry[1] for entry in read_index(example_site)["entries"]}
    internal_urls = {entry[1] for entry in read_index(internal_site)["entries"]}
    assert not internal_pages & public_urls and internal_pages <= internal_urls


def test_unique_word_is_found_once_in_the_index(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    pick = unique_expectation_word(handbook)
    index = read_index(example_site)
    terms = index["terms"].split(" ")
    postings = index["postings"][terms.index(search.stem(pick.word))].split(".")
    links = doc_links(index)
    assert [links[i] for i in search.decode_ids(postings[0])] == [f"levels/{pick.level_id}/#{pick.anchor}"]


def test_every_doc_has_its_line_in_every_column(example_site: Path) -> None:
    index = read_index(example_site)
    docs = len(search.decode_numbers(index["contexts"]))
    assert docs == len(doc_entries(index)) > 100
    excerpts = read_script(example_site, search.EXCERPTS_FILE, search.EXCERPTS_GLOBAL).split("\n")
    for column in (index["anchors"].split("\n"), index["headings"].split("\n"), index["texts"].split("\n"),
                   excerpts):
        assert len(column) == docs
    pages = [index["groups"][entry[0]][0] == "Pages" for entry in doc_entries(index)]
    texts = index["texts"].split("\n")
    assert all(not texts[i] for i, prose in enumerate(pages) if prose)
    assert all(not excerpts[i] for i, prose in enumerate(pages) if not prose)
    assert sum(1 for i, prose in enumerate(pages) if prose and excerpts[i]) > 20


def test_search_form_works_without_javascript(example_site: Path) -> None:
    """Every page's header form submits `q` to the search page, whatever its depth."""
    pages = [example_site / "index.html", example_site / "levels" / "staff-engineer" / "index.html",
             example_site / "competencies" / "index.html"]
    for page in pages:
        form = soup(page).select_one("header form[role=search]")
        action = urljoin(page.as_uri(), form["action"])
        assert action == (example_site / "search").as_uri() + "/"
        field = form.find("input", attrs={"name": "q"})
        assert field is not None and soup(page).find("label", attrs={"for": field["id"]})
    search_page = soup(example_site / "search" / "index.html")
    assert search_page.find("noscript") and search_page.select_one("main form input[name=q]")


def test_file_mode_form_points_at_a_file(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run_cli("build", "-c", str(EXAMPLE), "-o", str(out), "--file-mode").returncode == 0
    form = soup(out / "levels" / "staff-engineer" / "index.html").select_one("header form[role=search]")
    assert form["action"] == "../../search/index.html"
    script = soup(out / "levels" / "staff-engineer" / "index.html").find("script", attrs={"data-root": True})
    assert script["data-root"] == "../../index.html" and script["data-index"] == "../../search-index.js"
    assert script["data-excerpts"] == "../../search-excerpts.js"


def test_example_index_stays_small(example_site: Path) -> None:
    data = (example_site / search.INDEX_FILE).read_bytes() + (example_site / search.EXCERPTS_FILE).read_bytes()
    assert len(gzip.compress(data)) < 40_000, "the example's index should download in a blink"


TITLES = {("level", "staff-engineer"): ("levels/staff-engineer/", "Staff Engineer"),
          ("track", "ic"): ("tracks/ic/", "Individual contributor"), ("page", "faq.md"): ("faq/", "FAQ")}


def plain_text(allow_html: bool = False) -> PlainText:
    return PlainText(make_markdown(allow_html), lambda kind, ident: TITLES.get((kind, ident)))


@pytest.mark.parametrize("markdown, text, allow_html", [
    ("Leads **design** reviews for [[level:staff-engineer]].", "Leads design reviews for Staff Engineer.", False),
    ("See [the FAQ](faq.md) and [[track:ic|our IC track]].", "See the FAQ and our IC track.", False),
    # raw HTML is shown as it is written unless the handbook allows it; then its tags show no words
    ("Uses `snake_case` names, not \\*stars\\* &amp; <b>tags</b>.", "Uses snake_case names, not *stars* & <b>tags</b>.",
     False),
    ("Uses &amp; <b>tags</b>.", "Uses & tags .", True),
    ("Reviews `<div>` soup", "Reviews <div> soup", False),  # code shows its text, tags and all
    ("1. First\n2. Second\n\n> quoted", "First Second quoted", False),
])
def test_markdown_becomes_the_words_a_reader_sees(markdown: str, text: str, allow_html: bool) -> None:
    assert plain_text(allow_html)(markdown) == text


@given(st.text(alphabet=" abcXYZ019.,;:-+()'\"?/%$@=\u00e9\u4e2d", max_size=40))
@example("---")  # a rule: markup made of no character the shortcut looks for
@example(" -- - ")
@example("--- a")
def test_plain_strings_skip_the_parser_and_lose_nothing(text: str) -> None:
    """The shortcut for strings with no Markdown gives what the parser gives."""
    plain = plain_text()
    assert plain(text) == block_text(plain.md.parse(text, {}))
    assert plain(text, inline=True) == block_text(plain.md.parseInline(text, {}))


def test_words_fold_case_and_diacritics_and_meet_at_their_stem() -> None:
    terms = search.Terms(english=True)
    assert terms("Zürich ÉQUIPE naïve") == {"zurich", "equipe", "naive"}
    assert terms("mentors mentoring mentored mentor") == {"mentor"}
    assert terms("the policies of a team") == {"policy", "team"}


@given(st.sets(st.integers(min_value=0, max_value=2_000)) | st.sets(st.integers(min_value=0, max_value=2_000_000)))
@example(set(range(0, 3_000, 2)))  # dense: written as a bitmap
def test_posting_lists_decode_to_what_was_encoded(ids: set[int]) -> None:
    encoded = search.encode_ids(ids)
    assert search.decode_ids(encoded) == sorted(ids)
    assert set(encoded) <= set(search.ALPHABET) | {"~"} and "." not in encoded
    assert search.decode_numbers(search.encode_numbers(sorted(ids))) == sorted(ids)


def test_tricky_headings_get_the_anchors_the_page_has(mini_copy: Path, tmp_path: Path) -> None:
    (mini_copy / "pages" / "tricky.md").write_text("""---
title: Tricky
---
Intro with *emphasis* and `code`.

## Who is a [[level:senior-dev]]?

## Setup

Text.

## Setup

Again, the same heading.

## `ci/cd` & **deploys**

```
## not a heading
```

Setext heading
--------------

### Deeper, with an ![image](x.png) and a [link](faq.md)

- list item one
- list item two
""", encoding="utf-8")
    out = tmp_path / "site"
    assert run_cli("build", "-c", str(mini_copy), "-o", str(out)).returncode == 0
    rendered = [h["id"] for h in soup(out / "tricky" / "index.html").find("article").find_all(["h2", "h3"])]
    index = read_index(out)
    anchors = [link.partition("#")[2] for link in doc_links(index) if link.startswith("tricky/")]
    assert anchors == [""] + rendered
    assert len(set(rendered)) == len(rendered) == 6
    headings = [h for h, link in zip(index["headings"].split("\n"), doc_links(index)) if link.startswith("tricky/")]
    assert headings[1] == "Who is a Senior Developer?" and headings[4] == "ci/cd & deploys"


def test_a_word_in_many_docs_is_written_as_a_bitmap() -> None:
    dense, sparse = search.encode_ids(range(0, 3_000, 2)), search.encode_ids(range(0, 3_000, 200))
    assert dense.startswith("~") and len(dense) == 1 + 3_000 // 6
    assert not sparse.startswith("~") and search.decode_ids(sparse) == list(range(0, 3_000, 200))


def test_an_index_made_from_the_last_ones_terms_equals_one_made_from_scratch() -> None:
    """A warm build makes the index by difference from the cached terms (IndexTerms): after
    each kind of edit the two scripts must be the bytes a cold build writes."""
    from dataclasses import replace

    from ladderdocs.site import Pipeline

    pipeline = Pipeline(EXAMPLE)
    entries = pipeline.search_entries(pipeline.run())
    prose = next(i for i, e in enumerate(entries) if len(e.docs) > 2 and e.group.excerpts_later)
    other = next(i for i, e in enumerate(entries) if i != prose and len(e.docs) > 1)

    def edited_doc(entry_at: int, doc_at: int, **change: str) -> list:
        entry = entries[entry_at]
        docs = list(entry.docs)
        docs[doc_at] = docs[doc_at]._replace(**change)
        return [*entries[:entry_at], replace(entry, docs=docs), *entries[entry_at + 1:]]

    first = entries[prose].docs[1]
    moved = [*entries]  # a doc leaves one page and another page gains one: every id between shifts
    moved[prose] = replace(entries[prose], docs=entries[prose].docs[:-1])
    moved[other] = replace(entries[other], docs=[*entries[other].docs, entries[prose].docs[-1]])
    edits = {
        "a new word": edited_doc(prose, 1, text=first.text + " Zyxwvut quokkas mentoring."),
        "every word gone": edited_doc(prose, 1, text=""),
        "a heading": edited_doc(prose, 1, heading="Quokka wrangling"),
        "a title": [*entries[:prose], replace(entries[prose], title="Quokkas and élan"), *entries[prose + 1:]],
        "a doc moved": moved,
        "a doc added": [*entries[:prose], replace(entries[prose], docs=[*entries[prose].docs, first]),
                        *entries[prose + 1:]],
    }
    _, terms = search.index_files(entries, "en")
    for what, changed in edits.items():
        cold, cold_terms = search.index_files(changed, "en")
        warm, warm_terms = search.index_files(changed, "en", last=terms)
        assert warm == cold, what
        undone, _ = search.index_files(entries, "en", last=warm_terms)  # and back again, from the warm terms
        assert undone == search.index_files(entries, "en")[0], what
    assert b"quokka" in search.index_files(edits["a new word"], "en", last=terms)[0][search.INDEX_FILE]


def test_a_warm_index_finds_the_new_title_a_ladder_string_refers_to(tmp_path: Path) -> None:
    """A warm index keeps the plain text of the ladder strings it read (site.py _IndexSources),
    but never of one that refers to a level: renaming the level renames the words its search
    result is found by, exactly as a cold build's index does."""
    import shutil

    from ladderdocs.render.cache import CACHE_DIR
    from ladderdocs.site import Options, build

    content = tmp_path / "handbook" / "content"
    shutil.copytree(EXAMPLE, content)
    competencies = content / "ladder" / "competencies.yml"
    competencies.write_text(competencies.read_text(encoding="utf-8").replace(
        "The quality of the code, tests", "Ask a *[[level:staff-engineer]]*. The quality of the code, tests", 1),
        encoding="utf-8")
    warm = Options(cache=content.parent / CACHE_DIR, workers=1)
    build(content, tmp_path / "site", warm)
    track = content / "ladder" / "tracks" / "ic.yml"
    track.write_text(track.read_text(encoding="utf-8").replace("title: Staff Engineer\n", "title: Staff Quokka\n", 1),
                     encoding="utf-8")
    build(content, tmp_path / "site", warm)
    build(content, tmp_path / "cold", Options(workers=1))
    index = read_index(tmp_path / "site")
    assert "Ask a Staff Quokka. The quality" in index["texts"]
    for name in search.INDEX_FILES:
        assert (tmp_path / "site" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes(), name


def test_a_line_break_in_a_doc_never_shifts_the_columns() -> None:
    """Each column is one line per doc, joined in one go (outputs/search_index.py _column):
    a heading or text that holds a line break must still take exactly one line."""
    from ladderdocs.pages.base import SearchDoc, SearchEntry, SearchGroup

    group = SearchGroup("Levels")
    entries = [SearchEntry(group, "a/", "A", "", [SearchDoc("one", "Two\nlines", "first\nsecond"),
                                                  SearchDoc("", "", "plain")]),
               SearchEntry(group, "b/", "B", "", [SearchDoc("x", "Plain", "third")])]
    core, excerpts, _ = search.index_data(entries, True)
    assert core["headings"].split("\n") == ["Two lines", "", "Plain"]
    assert core["texts"].split("\n") == ["first second", "plain", "third"]
    assert excerpts.split("\n") == ["", "", ""]


@given(st.text(st.characters(max_codepoint=127), max_size=40), st.text(max_size=12))
@example("Section 1: plan & ship", "section-1-plan--ship")
@example("a.b", "a.b")
def test_an_anchor_is_left_to_the_browser_only_when_its_slug_rebuilds_it(heading: str, other: str) -> None:
    """'^' tells search.js to make the anchor from the heading as the page's slugify made it;
    any other anchor is written out, so a hit never lands on a missing id."""
    from mdit_py_plugins.anchors.index import slugify

    heading = heading.strip()  # as a page's headings come
    slug = slugify(heading)
    for anchor in (slug, other):
        assert search.stored_anchor(anchor, heading) == ("^" if anchor and anchor == slug else anchor)


def _scripts_after_each_edit(entries: list, edits: dict[str, list]) -> None:
    """Each edit indexed by difference, from the index before it and from the one before all
    of them, writes the bytes an index made from scratch writes (and back again)."""
    _, first = search.index_files(entries, "en")
    last = first
    for what, changed in edits.items():
        cold, _ = search.index_files(changed, "en")
        warm, warm_terms = search.index_files(changed, "en", last=first)
        assert warm == cold, what
        chained, last = search.index_files(changed, "en", last=last)  # from the edit before, as builds go
        assert chained == cold, what
        undone, _ = search.index_files(entries, "en", last=warm_terms)
        assert undone == search.index_files(entries, "en")[0], what


def test_what_an_index_keeps_of_each_doc_is_redone_whenever_the_doc_changes() -> None:
    """IndexTerms keeps what the index shows of every doc (its excerpt, its anchor as stored)
    and reuses it for each doc found unchanged: an edit that changes only an excerpt, only an
    anchor, only where a heading ends and the text starts, or moves docs around must still
    give the bytes of an index made from scratch."""
    from dataclasses import replace

    from ladderdocs.pages.levels import LEVELS
    from ladderdocs.site import Pipeline

    pipeline = Pipeline(EXAMPLE)
    entries = pipeline.search_entries(pipeline.run())
    at = next(i for i, e in enumerate(entries) if e.group.excerpts_later and len(e.docs) > 2
              and len(e.docs[1].text) > 2 * search.EXCERPT_CHARS and e.docs[1].heading)
    expectation = next((i, d) for i, e in enumerate(entries) for d, doc in enumerate(e.docs)
                       if doc.context and len(doc.text) > search.EXCERPT_CHARS // 2)
    doc = entries[at].docs[1]

    def edited(entry_at: int, doc_at: int, **change: str) -> list:
        entry = entries[entry_at]
        docs = list(entry.docs)
        docs[doc_at] = docs[doc_at]._replace(**change)
        return [*entries[:entry_at], replace(entry, docs=docs), *entries[entry_at + 1:]]

    swapped = [*entries]
    swapped[at], swapped[at + 1] = swapped[at + 1], swapped[at]
    words = doc.text.split(" ")
    edits = {
        "only the excerpt": edited(at, 1, text=" ".join([words[1], words[0], *words[2:]])),
        "only words past the excerpt": edited(at, 1, text=doc.text + " quokka"),
        "one letter, same length": edited(at, 1, text=doc.text[:-1] + ("x" if doc.text[-1] != "x" else "y")),
        "only the anchor": edited(at, 1, anchor=doc.anchor + "-2"),
        "a heading no longer its anchor's slug": edited(at, 1, heading=doc.heading + " (draft)"),
        "a heading's end becomes the text's start": edited(at, 1, heading=doc.heading[:-1],
                                                           text=doc.heading[-1] + doc.text),
        "an expectation's context gone (its excerpt shortens)": edited(*expectation, context=""),
        "a line break in a text": edited(at, 1, text=doc.text.replace(" ", "\n", 1)),
        "quotes and backslashes": edited(at, 1, text='"Quoted" \\ back\\slash ' + doc.text),
        "the first doc and the last": [*edited(0, 0, text="Quokka first")[:-1],
                                       *edited(len(entries) - 1, len(entries[-1].docs) - 1, text="Quokka last")[-1:]],
        "two pages swapped": swapped,
        "a page's group changed (its excerpts move file)": [*entries[:at], replace(entries[at], group=LEVELS),
                                                            *entries[at + 1:]],
        "a page added": [*entries, replace(entries[at], url="quokka/", title="Quokka")],
        "a page removed": [*entries[:at], *entries[at + 1:]],
    }
    _scripts_after_each_edit(entries, edits)
