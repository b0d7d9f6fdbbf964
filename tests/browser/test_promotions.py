"""The promotions page through the reader gate: an internal build of the example with the
performative fixture, in a real browser on a desk, on a phone, on paper, light and dark."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page

from . import gate
from .conftest import SCREENSHOTS
from .test_pages import SCREEN_ONLY

PROMOTIONS = gate.REPO / "tests" / "fixtures" / "promotions" / "performative.csv"
PAGE = "promotions/index.html"


@pytest.fixture(scope="module")
def promotions_site() -> Iterator[Path]:
    out = Path(tempfile.mkdtemp(prefix="ladderdocs-promotions-"))
    result = subprocess.run([sys.executable, "-m", "ladderdocs", "build", "--content", str(gate.REPO / "content"),
                                  "--out", str(out / "site"), "--audience", "internal", "--promotions", str(PROMOTIONS),
                                  "--base-url", f"https://pages.invalid{gate.SUB_PATH}", "--no-cache"],
                                 cwd=gate.REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    yield out / "site"
    shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="module")
def promotions_url(promotions_site: Path) -> Iterator[str]:
    with gate.serve(promotions_site) as url:
        yield url


def test_loads_cleanly_without_accessibility_violations(page: Page, promotions_url: str) -> None:
    seen = gate.visit(page, gate.page_url(promotions_url, PAGE), gate.origin_of(promotions_url), settle=True)
    assert seen.problems == []
    found = {"light": gate.axe_violations(page)}
    page.emulate_media(color_scheme="dark")
    found["dark"] = gate.axe_violations_again(page)
    report = "".join(f"\n{scheme} scheme:\n{gate.describe_violations(v)}" for scheme, v in found.items() if v)
    assert not report, report


def test_valid_html(promotions_site: Path) -> None:
    assert gate.vnu_errors([promotions_site / PAGE])[(promotions_site / PAGE).resolve()] == []


def test_the_counts_fit_a_phone(page: Page, promotions_url: str) -> None:
    page.set_viewport_size(gate.PHONE)
    gate.visit(page, gate.page_url(promotions_url, PAGE), gate.origin_of(promotions_url))
    assert gate.page_overflow(page) <= 0, "the whole page scrolls sideways"
    assert gate.clipped_tables(page) == []
    assert gate.scrolling_tables(page) == [], "a table of counts scrolls sideways on a phone"
    cell = page.locator('.promotions-table tr[data-grade="3"] td[data-track="ic"]')
    box = cell.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= gate.PHONE["width"]
    assert cell.inner_text().endswith("fewer than 5")


def test_prints_cleanly(page: Page, promotions_url: str) -> None:
    page.set_viewport_size({"width": gate.PRINT_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    gate.visit(page, gate.page_url(promotions_url, PAGE), gate.origin_of(promotions_url))
    assert gate.shown(page, SCREEN_ONLY) == []
    assert gate.page_overflow(page) <= 0
    assert gate.scrolling_tables(page) == []
    assert gate.clipped_tables(page) == []


@pytest.mark.parametrize("look", ["desktop", "phone", "dark", "print"])
def test_screenshot(page: Page, promotions_url: str, look: str) -> None:
    """For a human eye: test-artifacts/screenshots/promotions/."""
    page.emulate_media(color_scheme="dark" if look == "dark" else "light", media="print" if look == "print" else "screen")
    page.set_viewport_size(gate.PHONE if look in ("phone", "dark") else
                           {"width": gate.PRINT_WIDTH, "height": 1000} if look == "print" else gate.DESKTOP)
    gate.visit(page, gate.page_url(promotions_url, PAGE), gate.origin_of(promotions_url))
    target = SCREENSHOTS / "promotions" / f"promotions-{look}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True, animations="disabled")
    assert target.stat().st_size > 0
