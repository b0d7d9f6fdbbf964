"""The check-in and the promotion case in Chromium (issue 16): what a reader fills in stays
after a reload, exports as files whose content is right, comes back from its JSON export after
storage is cleared, and never causes a request beyond the site's own files, served or opened
from file:// (a --file-mode build)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from . import gate
from .conftest import CONTENT

CHECK_IN = {"#q-current-level": "staff-engineer", "#q-next-track": "management",
            "#q-try": "Run the incident review\nfor a quarter", "#q-help": "A mentor on the management track"}
HOW_SOON = "In 6 to 12 months"


@pytest.fixture(scope="module")
def file_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("file-mode") / "site"
    result = subprocess.run([sys.executable, "-m", "ladderdocs", "build", "--content", str(CONTENT), "--out", str(out),
                             "--file-mode"], cwd=gate.REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def device(browser: Browser) -> Iterator[Callable[[], BrowserContext]]:
    """A fresh browser profile per call (its own localStorage), as the engineer's or the manager's."""
    made: list[BrowserContext] = []

    def make() -> BrowserContext:
        made.append(browser.new_context(viewport=gate.DESKTOP, accept_downloads=True))
        return made[-1]

    yield make
    for context in made:
        context.close()


def watch_requests(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.on("pageerror", lambda error: seen.append(f"uncaught {error}"))
    return seen


def downloaded(page: Page, action: str, keep: Path) -> tuple[str, str]:
    """Click an export button; the suggested file name and the file's text."""
    with page.expect_download() as info:
        page.click(f"[data-action={action}]")
    download = info.value
    target = keep / download.suggested_filename
    download.save_as(target)
    return download.suggested_filename, target.read_text(encoding="utf-8")


def import_file(page: Page, selector: str, path: Path) -> None:
    page.set_input_files(selector, str(path))
    page.wait_for_function("document.querySelector('[data-status]').textContent.indexOf('Imported') === 0")


# -- the check-in ----------------------------------------------------------------------------
def fill_check_in(page: Page) -> None:
    for selector, value in CHECK_IN.items():
        if selector.startswith(("#q-current", "#q-next")):
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    page.get_by_label(HOW_SOON).check()


def check_in_state(page: Page) -> dict[str, Any]:
    state: dict[str, Any] = {selector: page.input_value(selector) for selector in CHECK_IN}
    state["how-soon"] = page.eval_on_selector_all("input[name=how-soon]:checked", "rs => rs.map(r => r.value)")
    return state


FILLED = {**CHECK_IN, "how-soon": [HOW_SOON]}
EMPTY = {**{selector: "" for selector in CHECK_IN}, "how-soon": []}


def run_check_in(page: Page, url: str, keep: Path) -> None:
    page.goto(url)
    fill_check_in(page)
    page.reload()
    assert check_in_state(page) == FILLED, "the answers are kept across a reload"

    name, markdown = downloaded(page, "markdown", keep)
    assert name.endswith(".md") and name.startswith("check-in-")
    for words in ("Staff Engineer (grade 4)", "Engineering management", HOW_SOON,
                  "Run the incident review\nfor a quarter", "A mentor on the management track",
                  "Separate from performance review"):
        assert words in markdown, words
    name, text = downloaded(page, "json", keep)
    data = json.loads(text)
    assert data["format"] == "ladderdocs-check-in"
    assert data["answers"]["current-level"] == "staff-engineer" and data["answers"]["how-soon"] == HOW_SOON

    page.evaluate("localStorage.clear()")
    page.reload()
    assert check_in_state(page) == EMPTY
    import_file(page, "#check-in-import", keep / name)
    assert check_in_state(page) == FILLED, "the JSON export brings every answer back"
    page.reload()
    assert check_in_state(page) == FILLED, "and the imported answers are kept"


def test_check_in_is_kept_exported_and_imported_with_no_request_elsewhere(
        device: Callable[[], BrowserContext], base_url: str, tmp_path: Path) -> None:
    page = device().new_page()
    requests = watch_requests(page)
    run_check_in(page, base_url + "check-in/", tmp_path)
    assert requests and not [url for url in requests if not url.startswith((base_url, "blob:"))]


def test_check_in_history_saves_views_and_deletes(device: Callable[[], BrowserContext], base_url: str) -> None:
    page = device().new_page()
    page.goto(base_url + "check-in/")
    history = page.locator("[data-history-list] li")
    assert history.count() == 0 and page.locator("[data-history-empty]").is_visible()
    fill_check_in(page)
    page.click("[data-action=save]")
    page.fill("#q-try", "Something else")
    page.click("[data-action=save]")
    page.reload()
    assert history.count() == 2
    history.nth(1).get_by_role("button", name="View").click()  # the older one: the newest is first
    view = page.locator("[data-history-view]")
    assert "Run the incident review" in view.inner_text() and "Staff Engineer (grade 4)" in view.inner_text()
    history.nth(0).get_by_role("button", name="Delete").click()
    assert history.count() == 1
    page.reload()
    assert history.count() == 1


# -- the promotion case ----------------------------------------------------------------------
CASE = "case/staff-engineer/"


def case_state(page: Page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll(
        '#case select[name], #case textarea[name], #case input[name]')).map(f => [f.name, f.value]))""")


def fill_case(page: Page) -> dict[str, str]:
    """Fill the engineer's column of the first expectation and of one still expected from below."""
    page.fill("#case-engineer", "Ada")
    first = page.locator("fieldset.case-item").first
    first.locator("[data-side=self] select").select_option("sometimes")
    first.locator("[data-side=self] textarea").fill("Led the queue redesign\n(see the design doc)")
    page.locator("details.case-inherited summary").first.click()
    inherited = page.locator("details.case-inherited fieldset.case-item").first
    inherited.locator("[data-side=self] select").select_option("consistently")
    inherited.locator("[data-side=self] textarea").fill("Every change reviewed and tested")
    return case_state(page)


def run_case(page: Page, url: str, keep: Path) -> dict[str, str]:
    page.goto(url)
    blank = case_state(page)
    filled = fill_case(page)
    assert filled != blank
    page.reload()
    assert case_state(page) == filled, "the case is kept across a reload"

    name, markdown = downloaded(page, "markdown", keep)
    assert name == f"promotion-case-staff-engineer-{name[-13:-3]}.md"
    cites = page.eval_on_selector_all("fieldset.case-item", "items => items.map(i => i.dataset.cite)")
    assert len(cites) > 50
    missing = [cite for cite in cites if f"(<{cite}>)" not in markdown]
    assert not missing, "every expectation is cited by its link"
    assert "Led the queue redesign\n     (see the design doc)" in markdown and "Engineer: Ada" in markdown
    assert "Engineer: Sometimes" in markdown and "Engineer: Consistently" in markdown
    name, text = downloaded(page, "json", keep)
    data = json.loads(text)
    assert data["format"] == "ladderdocs-case" and data["level"] == "staff-engineer" and data["engineer"] == "Ada"

    page.evaluate("localStorage.clear()")
    page.reload()
    assert case_state(page) == blank
    import_file(page, "#case-import", keep / name)
    assert case_state(page) == filled, "the JSON export brings every answer back"
    return filled


def test_case_is_kept_exported_cited_and_imported_with_no_request_elsewhere(
        device: Callable[[], BrowserContext], base_url: str, site: Path, tmp_path: Path) -> None:
    page = device().new_page()
    requests = watch_requests(page)
    run_case(page, base_url + CASE, tmp_path)
    assert requests and not [url for url in requests if not url.startswith((base_url, "blob:"))]
    # the handbook is published at a known address: the export cites absolute links
    assert page.eval_on_selector("fieldset.case-item", "i => i.dataset.cite").startswith(
        "https://pages.invalid/handbook/levels/staff-engineer/#e-")


def test_the_managers_column_comes_from_their_own_export(device: Callable[[], BrowserContext], base_url: str,
                                                         tmp_path: Path) -> None:
    engineer = device().new_page()
    engineer.goto(base_url + CASE)
    mine = fill_case(engineer)
    manager = device().new_page()  # another browser: nothing of the engineer's is there
    manager.goto(base_url + CASE)
    first = manager.locator("fieldset.case-item").first
    first.locator("[data-side=manager] select").select_option("consistently")
    first.locator("[data-side=manager] textarea").fill("Agreed: the redesign was Ada's")
    manager.fill("#case-manager", "Grace")
    name, _ = downloaded(manager, "json", tmp_path)

    engineer.select_option("#case-import-take", "manager")
    import_file(engineer, "#case-import", tmp_path / name)
    merged = case_state(engineer)
    n = first.locator("[data-side=manager] select").get_attribute("name").rsplit("-", 1)[1]
    assert {name: value for name, value in merged.items() if mine[name] != value} == {
        "manager": "Grace", f"manager-state-{n}": "consistently",
        f"manager-evidence-{n}": "Agreed: the redesign was Ada's"}, "the manager's column only; the engineer's words stay"


def test_the_case_prints_as_a_document(device: Callable[[], BrowserContext], base_url: str) -> None:
    page = device().new_page()
    page.goto(base_url + CASE)
    fill_case(page)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": gate.PRINT_WIDTH, "height": 1000})
    assert gate.shown(page, "#case button, #case select, #case textarea, #case input") == []
    first = page.locator("fieldset.case-item").first
    printed = first.locator(".field-print").all_inner_texts()
    assert printed[:2] == ["Sometimes", "Led the queue redesign\n(see the design doc)"]
    assert page.locator("details.case-inherited fieldset.case-item").first.is_visible()  # folded items print too
    assert gate.page_overflow(page) == 0


# -- opened from disk ------------------------------------------------------------------------
def test_both_tools_work_from_file_urls(device: Callable[[], BrowserContext], file_site: Path, tmp_path: Path) -> None:
    root = file_site.as_uri() + "/"
    page = device().new_page()
    requests = watch_requests(page)
    run_check_in(page, root + "check-in/index.html", tmp_path)
    run_case(page, root + CASE + "index.html", tmp_path)
    assert requests and not [url for url in requests if not url.startswith((root, "blob:"))], requests


def test_two_handbooks_opened_from_disk_keep_their_own_answers(device: Callable[[], BrowserContext], file_site: Path,
                                                               tmp_path: Path) -> None:
    """Every page opened from file:// shares one origin, and so one localStorage."""
    other = tmp_path / "mini"
    result = subprocess.run([sys.executable, "-m", "ladderdocs", "build", "--content",
                             str(gate.REPO / "tests" / "fixtures" / "mini"), "--out", str(other), "--file-mode"],
                            cwd=gate.REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    page = device().new_page()
    page.goto(file_site.as_uri() + "/check-in/index.html")
    fill_check_in(page)
    page.goto(other.as_uri() + "/check-in/index.html")
    assert page.input_value("#q-try") == "" and page.input_value("#q-current-level") == ""
    page.fill("#q-try", "Mini's own answer")
    page.goto(file_site.as_uri() + "/check-in/index.html")
    assert check_in_state(page) == FILLED
