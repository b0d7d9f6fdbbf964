"""A level page in a real browser (issue 14): the band a reader came for is on the first screen,
every zone's maximum is readable on a phone without scrolling sideways, and the reader's zone,
chosen once, follows them to the next level page (with no script, the handbook's first zone)."""

from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page

from . import gate

LEVEL = "levels/staff-engineer/index.html"
OTHER = "levels/engineer-1/index.html"

# The box of a text node (not its element), so a number cut off by a cell or the screen is seen.
TEXT_BOX = """(el) => { const r = document.createRange(); r.selectNodeContents(el);
  const b = r.getBoundingClientRect(); return {left: b.left, right: b.right, top: b.top, bottom: b.bottom}; }"""


@pytest.fixture
def fresh(page: Page) -> Iterator[Page]:
    """The shared tab, with no zone remembered before or after."""
    yield page
    page.evaluate("() => localStorage.clear()")


def shown_zone(page: Page) -> str:
    return page.locator(".glance [data-zone]:visible").get_attribute("data-zone") or ""


def test_every_zones_maximum_fits_a_phone_and_the_band_is_on_the_first_screen(
        fresh: Page, base_url: str, origin: str) -> None:
    page = fresh
    page.set_viewport_size(gate.PHONE)
    gate.visit(page, gate.page_url(base_url, LEVEL), origin)
    assert gate.page_overflow(page) <= 0, "the page scrolls sideways"
    maxima = page.locator("table.bands td.band-max")
    assert maxima.count() >= 4
    for i in range(maxima.count()):
        box = maxima.nth(i).evaluate(TEXT_BOX)
        assert 0 <= box["left"] and box["right"] <= gate.PHONE["width"], maxima.nth(i).inner_text()
    band = page.locator(".glance [data-zone]:visible .band-max").evaluate(TEXT_BOX)
    assert band["right"] <= gate.PHONE["width"] and band["bottom"] <= gate.PHONE["height"]


def test_on_a_desk_the_band_is_on_the_first_screen(fresh: Page, base_url: str, origin: str) -> None:
    gate.visit(fresh, gate.page_url(base_url, LEVEL), origin)
    band = fresh.locator(".glance [data-zone]:visible .band-range").evaluate(TEXT_BOX)
    assert band["bottom"] <= gate.DESKTOP["height"]


def test_the_zone_chosen_once_follows_the_reader(fresh: Page, base_url: str, origin: str) -> None:
    page = fresh
    gate.visit(page, gate.page_url(base_url, LEVEL), origin)
    assert shown_zone(page) == "us"
    page.get_by_label("Your zone").select_option("au")
    assert shown_zone(page) == "au"
    seen = gate.visit(page, gate.page_url(base_url, OTHER), origin)
    assert shown_zone(page) == "au"
    assert page.get_by_label("Your zone").input_value() == "au"
    assert "A$" in page.locator(".glance [data-zone]:visible").inner_text()
    assert page.locator("table.bands tbody.reader-zone").get_attribute("id") == "band-au"  # marked below too
    assert seen.problems == []


def test_without_scripts_the_first_zone_shows(browser: Browser, base_url: str, origin: str) -> None:
    context = browser.new_context(viewport=gate.PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(gate.page_url(base_url, LEVEL))
        assert shown_zone(page) == "us"
        assert page.locator(".glance [data-zone]:visible").count() == 1
        assert not page.locator("[data-zone-pick]").is_visible()  # a control that would do nothing
        assert page.locator(".glance a[href='#pay']").is_visible()
    finally:
        context.close()
