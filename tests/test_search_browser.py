"""Search in a real browser: served at a sub-path under a strict CSP, and from file://.

The words searched for are picked from the model (tests/search_words.py), never typed in here.
"""

from __future__ import annotations

import functools
import re
import http.server
import shutil
import threading
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from conftest import EXAMPLE, MINI, run_cli
from search_helpers import expectation_and_prose_word, internal_only_word, read_index, unique_expectation_word

from conftest import load_model
from ladderdocs.outputs import search_index as search

sync_api = pytest.importorskip("playwright.sync_api")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class StrictHandler(http.server.SimpleHTTPRequestHandler):
    """A static host that sends the strictest CSP the handbook promises to work under."""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, *args: object) -> None:
        pass


def wait_under_csp(tab: object, expression: str, timeout_s: float = 10.0) -> None:
    """Poll from outside the page: wait_for_function evals inside it, which this CSP forbids."""
    deadline = time.monotonic() + timeout_s
    while not tab.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout_s} s: {expression}"
        tab.wait_for_timeout(50)


def build(content: Path, out: Path, *options: str) -> Path:
    result = run_cli("build", "-c", str(content), "-o", str(out), *options)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example built public and internal under one web root, and public in file mode."""
    root = tmp_path_factory.mktemp("web")
    (root / "favicon.ico").write_bytes(b"")  # the mini handbook has no icon; the browser asks the host
    diacritics = tmp_path_factory.mktemp("mini") / "handbook"
    shutil.copytree(MINI, diacritics)
    (diacritics / "pages" / "travel.md").write_text(
        "---\ntitle: Travel\n---\n## Offices\n\nOur Zürich office hosts the naïve façade review.\n", encoding="utf-8")
    german = tmp_path_factory.mktemp("de") / "handbook"
    shutil.copytree(EXAMPLE, german)
    settings = german / "handbook.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("language: en", "language: de"), encoding="utf-8")
    return {
        "web": root,
        "public": build(EXAMPLE, root / "handbook"),
        "german": build(german, root / "handbuch"),
        "internal": build(EXAMPLE, root / "internal", "--audience", "internal"),
        "mini": build(diacritics, root / "mini"),
        "files": build(EXAMPLE, tmp_path_factory.mktemp("files") / "site", "--file-mode"),
    }


@pytest.fixture(scope="module")
def server(sites: dict[str, Path]) -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(StrictHandler, directory=str(sites["web"])))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()
    thread.join()


@pytest.fixture()
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert not errors, errors  # CSP violations and script errors land here


def search_box(page: object, query: str) -> None:
    page.keyboard.press("/")
    page.keyboard.type(query)


def options(page: object) -> object:
    return page.locator("#site-search-q-results [role=option]")


def test_word_of_one_level_finds_that_level_first_and_lands_on_it(server: str, page: object) -> None:
    handbook, _ = load_model(EXAMPLE)
    pick = unique_expectation_word(handbook)
    page.goto(server + "handbook/competencies/")
    search_box(page, pick.word)
    first = options(page).first
    sync_api.expect(first).to_be_visible()
    assert page.locator("#site-search-q-results .search-group-label").first.inner_text().lower() == "levels"
    assert first.get_attribute("data-href").endswith(f"levels/{pick.level_id}/#{pick.anchor}")
    assert pick.word in [m.lower() for m in first.locator("mark").all_inner_texts()]
    sync_api.expect(page.locator("[role=status]").first).to_have_text("1 result")
    first.click()
    page.wait_for_url(f"**/handbook/levels/{pick.level_id}/#{pick.anchor}")
    target = page.locator(f"#{pick.anchor}")
    sync_api.expect(target).to_be_in_viewport()
    assert pick.word in target.inner_text().lower()


def test_a_word_in_a_levels_expectations_ranks_above_the_same_word_in_prose(server: str, page: object) -> None:
    handbook, _ = load_model(EXAMPLE)
    word, level_id = expectation_and_prose_word(handbook)
    page.goto(server + f"handbook/search/?q={word}")
    groups = page.locator(".search-page-group h2")
    sync_api.expect(groups.first).to_have_text("Levels")
    assert "Pages" in groups.all_inner_texts()
    first = page.locator(".search-page-list a").first
    assert f"levels/{level_id}/#e-" in first.get_attribute("href")


def test_internal_word_is_found_only_in_the_internal_build(server: str, page: object) -> None:
    public, _ = load_model(EXAMPLE)
    internal, _ = load_model(EXAMPLE, "internal")
    word = internal_only_word(public, internal)
    page.goto(server + "handbook/")
    search_box(page, word)
    sync_api.expect(page.locator(".search-popup-note")).to_have_text(f"No results for “{word}”.")
    assert options(page).count() == 0
    page.goto(server + "internal/")
    search_box(page, word)
    sync_api.expect(options(page).first).to_be_visible()


def test_keyboard_moves_through_results_and_enter_opens(server: str, page: object) -> None:
    page.goto(server + "handbook/tracks/ic/")
    box = page.locator("#site-search-q")
    page.keyboard.press("/")
    sync_api.expect(box).to_be_focused()
    page.keyboard.type("mentor")
    sync_api.expect(box).to_have_attribute("aria-expanded", "true")
    ids = options(page).evaluate_all("els => els.map(e => e.id)")
    assert len(ids) >= 3
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    sync_api.expect(box).to_have_attribute("aria-activedescendant", ids[1])
    sync_api.expect(page.locator(f"#{ids[1]}")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowUp")
    sync_api.expect(box).to_have_attribute("aria-activedescendant", ids[0])
    href = page.locator(f"#{ids[0]}").get_attribute("data-href")
    page.keyboard.press("Escape")
    sync_api.expect(box).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(urljoin(server + "handbook/tracks/ic/", href))


def test_slash_types_a_slash_in_a_field(server: str, page: object) -> None:
    page.goto(server + "handbook/")
    search_box(page, "ci/cd")
    assert page.locator("#site-search-q").input_value() == "ci/cd"


def test_enter_without_a_choice_opens_the_search_page(server: str, sites: dict[str, Path], page: object) -> None:
    page.goto(server + "handbook/levels/staff-engineer/")
    search_box(page, "mentoring")
    sync_api.expect(options(page).first).to_be_visible()
    page.keyboard.press("Enter")
    page.wait_for_url("**/handbook/search/?q=mentoring")
    results = page.locator(".search-page-list a")
    sync_api.expect(results.first).to_be_visible()
    status = page.locator("[data-search-status]").inner_text()
    assert f"{results.count()} results" in status or "first 100" in status
    sync_api.expect(page.locator("#search-page-q")).to_have_value("mentoring")
    links = results.evaluate_all("links => links.map(a => a.href)")
    assert any("#" in link and "/levels/" not in link for link in links), "no result of a page section"
    for link in links:  # anchors the script rebuilt from headings land too
        path, _, anchor = link.removeprefix(server + "handbook/").partition("#")
        target = BeautifulSoup((sites["public"] / path / "index.html").read_text(encoding="utf-8"), "html.parser")
        assert not anchor or target.find(id=anchor), link


def test_the_browser_reads_the_index_as_python_wrote_it(server: str, sites: dict[str, Path], page: object) -> None:
    """A common word's docs are a bitmap in the index: the count shown must be Python's count."""
    index = read_index(sites["public"])
    terms = index["terms"].split(" ")
    term = next(t for t, p in zip(terms, index["postings"]) if p.startswith("~") and len(t) > 3)
    text, heading, titles = (index["postings"][terms.index(term)].split(".") + ["", ""])[:3]
    firsts = [sum(search.decode_numbers(index["docCounts"])[:e]) for e in search.decode_ids(titles)]
    expected = len(set(search.decode_ids(text)) | set(search.decode_ids(heading)) | set(firsts))
    page.goto(server + f"handbook/search/?q={term}+")  # a space after it: the word itself, not a prefix
    sync_api.expect(page.locator("[data-search-status]")).to_have_text(
        f"{expected} results for “{term}”" + ("; the first 100 are shown." if expected > 100 else "."))


def test_folded_words_match_across_python_and_javascript(server: str, page: object) -> None:
    page.goto(server + "mini/")
    search_box(page, "zurich naive FACADES")
    first = options(page).first
    sync_api.expect(first).to_be_visible()
    assert first.get_attribute("data-href") == "travel/#offices"
    assert first.locator("mark").all_inner_texts() == ["Zürich", "naïve", "façade"]


def test_search_works_from_the_file_system(sites: dict[str, Path], page: object) -> None:
    handbook, _ = load_model(EXAMPLE)
    pick = unique_expectation_word(handbook)
    page.goto((sites["files"] / "tracks" / "ic" / "index.html").as_uri())
    search_box(page, pick.word)
    first = options(page).first
    sync_api.expect(first).to_be_visible()
    assert first.get_attribute("data-href") == f"../../levels/{pick.level_id}/index.html#{pick.anchor}"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url((sites["files"] / "levels" / pick.level_id / "index.html").as_uri() + f"#{pick.anchor}")
    page.goto((sites["files"] / "search" / "index.html").as_uri() + f"?q={pick.word}")
    link = page.locator(".search-page-list a").first
    sync_api.expect(link).to_have_attribute("href", f"../levels/{pick.level_id}/index.html#{pick.anchor}")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_results_pass_axe(server: str, browser: object, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    tab = context.new_page()
    try:
        tab.goto(server + "handbook/levels/staff-engineer/")
        search_box(tab, "staff mentoring")
        wait_under_csp(tab, "window.LADDERDOCS_SEARCH_EXCERPTS !== undefined")  # no re-render under axe
        tab.keyboard.press("ArrowDown")
        sync_api.expect(options(tab).first).to_have_attribute("aria-selected", "true")
        violations = Axe().run(tab, options={"runOnly": {"type": "tag", "values": WCAG}}).response["violations"]
        assert not violations, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
        tab.goto(server + "handbook/search/?q=staff+mentoring")
        sync_api.expect(tab.locator(".search-page-list a").first).to_be_visible()
        violations = Axe().run(tab, options={"runOnly": {"type": "tag", "values": WCAG}}).response["violations"]
        assert not violations, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    finally:
        context.close()


def test_the_scripts_speak_the_handbooks_language(server: str, page: object) -> None:
    """German handbook: the search box's messages and groups, and the level picker's words."""
    page.goto(server + "handbuch/levels/staff-engineer/")
    search_box(page, "mentor")
    sync_api.expect(options(page).first).to_be_visible()
    labels = page.locator("#site-search-q-results .search-group-label").all_inner_texts()
    assert labels and {label.lower() for label in labels} <= {"stufen", "laufbahnen", "kompetenzen", "seiten"}
    status = page.locator("#site-search-q + * [role=status], form[role=search] [role=status]").first
    sync_api.expect(status).to_have_text(re.compile(r"^\d+ Treffer"))
    page.goto(server + "handbuch/search/?q=zzqxv")
    sync_api.expect(page.locator("[data-search-status]")).to_have_text("Keine Treffer für „zzqxv“.")
    page.goto(server + "handbuch/diff/#from=engineer-1&to=staff-engineer")  # a pair with no page of its own
    heading = page.locator("#diff-result h2")
    sync_api.expect(heading).to_have_text("Was sich von Engineer I zu Staff Engineer ändert")
    counts = page.locator("#diff-result .diff-counts li").all_inner_texts()
    assert any(text.endswith("hinzugefügt") for text in counts) and any("gelten weiter" in t for t in counts), counts
    assert page.locator("#diff-result .diff-counts li strong").count() == len(counts)
    violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}}).response["violations"]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
