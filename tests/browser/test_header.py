"""The site header: the whole navigation on a desk, one Menu button on a phone that works with
the keyboard and without JavaScript, and a header that leaves the phone's screen to the page."""

from __future__ import annotations

from playwright.sync_api import Browser, Page

from . import gate

PAGES = ("index.html", "levels/staff-engineer/index.html", "parity/index.html")


def _visible_nav_links(page: Page) -> int:
    return len(page.locator(".site-nav a").all()) - len(gate.unreachable_nav_links(page))


def test_a_desk_shows_every_link_without_a_menu(page: Page, base_url: str, origin: str) -> None:
    for path in PAGES:
        gate.visit(page, gate.page_url(base_url, path), origin)
        assert gate.unreachable_nav_links(page) == [], path
        assert not page.locator(".site-menu > summary").is_visible(), "a Menu button on a wide screen"


def test_a_phone_folds_the_navigation_and_opens_it_by_keyboard(page: Page, base_url: str, origin: str) -> None:
    page.set_viewport_size(gate.PHONE)
    gate.visit(page, gate.page_url(base_url, "index.html"), origin)
    links = page.locator(".site-nav a").count()
    assert links >= 5
    assert _visible_nav_links(page) == 0, "the navigation shows before the Menu is opened"
    assert page.locator(".site-header").bounding_box()["height"] <= 0.25 * gate.PHONE["height"]
    summary = page.locator(".site-menu > summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert _visible_nav_links(page) == links
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.site-nav') !== null"), "Tab after Menu leaves the menu"
    # the open menu lies over the page, inside the screen
    box = page.locator(".site-nav").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= gate.PHONE["width"] + 1
    summary.focus()
    page.keyboard.press("Enter")
    assert _visible_nav_links(page) == 0, "Enter on Menu does not close it again"


def test_the_menu_needs_no_script(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport=gate.PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(gate.page_url(base_url, "levels/staff-engineer/index.html"))
        assert _visible_nav_links(page) == 0
        page.locator(".site-menu > summary").click()
        assert _visible_nav_links(page) == page.locator(".site-nav a").count() > 0
    finally:
        context.close()
