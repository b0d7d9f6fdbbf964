"""Fixtures of the reader quality gate: one build, one server, one browser for the session.

The example handbook is built while tests are collected, so every page of the build becomes
its own test case and a failure names the page.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from ladderdocs.pages.registry import PAGE_TYPES, reserved_addresses

RESERVED = reserved_addresses(PAGE_TYPES)
from . import gate

# The handbook the gate reads: the repository's example, unless a run points elsewhere.
CONTENT = Path(os.environ.get("LADDERDOCS_GATE_CONTENT", gate.REPO / "content"))
SCREENSHOTS = gate.REPO / "test-artifacts" / "screenshots"
_SITE = pytest.StashKey[Path]()


def built_site(config: pytest.Config) -> Path:
    """Build the handbook once per session (at collection, so pages can be parametrised)."""
    if _SITE not in config.stash:
        out = Path(tempfile.mkdtemp(prefix="ladderdocs-gate-"))
        config.add_cleanup(lambda: shutil.rmtree(out, ignore_errors=True))
        config.stash[_SITE] = gate.build_site(CONTENT, out / "site")
    return config.stash[_SITE]


def template_examples(pages: list[str]) -> dict[str, str]:
    """One page per template, named by what a reader calls it, to screenshot and tab through."""
    def first(prefix: str) -> str | None:
        return next((p for p in pages if p.startswith(prefix) and p.count("/") == 2), None)

    prose = next((p for p in pages if p.count("/") == 1 and p.split("/")[0] not in RESERVED), None)
    candidates = {"home": "index.html", "tracks": "tracks/index.html", "track": first("tracks/"),
                  "level": first("levels/"), "competencies": "competencies/index.html",
                  "competency": first("competencies/"), "mobility": "mobility/index.html",
                  "pages": "pages/index.html", "prose": prose, "levels": "levels/index.html",
                  "compare": "compare/index.html", "parity": "parity/index.html", "diffs": "diff/index.html",
                  "diff": "diff/engineer-1--engineer-2/index.html",
                  "diff-tracks": "diff/staff-engineer--engineering-manager/index.html",
                  "changes": "changes/index.html",  # built when git tags hold earlier versions
                  "check-in": "check-in/index.html", "cases": "case/index.html",
                  "case": "case/staff-engineer/index.html",

                  "switch-index": "switch/index.html", "switch": "switch/tech-lead-manager/index.html"}
    return {name: page for name, page in candidates.items() if page in pages}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "page_path" in metafunc.fixturenames:
        metafunc.parametrize("page_path", gate.html_pages(built_site(metafunc.config)))
    if "template_page" in metafunc.fixturenames:
        examples = template_examples(gate.html_pages(built_site(metafunc.config)))
        metafunc.parametrize("template_page", [pytest.param(gate.Example(name, page), id=name)
                                               for name, page in examples.items()])


@pytest.fixture(scope="session")
def site(request: pytest.FixtureRequest) -> Path:
    return built_site(request.config)


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    with gate.serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def origin(base_url: str) -> str:
    return gate.origin_of(base_url)


@pytest.fixture(scope="session")
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=gate.DESKTOP, reduced_motion="reduce")
    yield context
    context.close()


@pytest.fixture(scope="session")
def tab(context: BrowserContext) -> Iterator[Page]:
    """One tab for the whole run: opening a tab per test costs more than the checks themselves."""
    tab = context.new_page()
    yield tab
    tab.close()


@pytest.fixture
def page(tab: Page) -> Page:
    """The shared tab, reset to a desktop screen in light mode, so no test inherits another's setup."""
    tab.set_viewport_size(gate.DESKTOP)
    tab.emulate_media(media="screen", color_scheme="light")
    return tab


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
