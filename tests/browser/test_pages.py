"""Every page of the example handbook, as a reader meets it: in a real browser, on a desk, on a
phone, on paper, in light and dark. One test case per page, so a failure names the page.
"""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from playwright.sync_api import Page

from . import gate

# Parts of the page that only make sense on screen; a printout keeps the content.
SCREEN_ONLY = ".site-header, .site-nav, .breadcrumbs, .site-footer, .skip-link, .pager, .toc"


def test_the_build_has_every_kind_of_page(site: Path) -> None:
    """Guards the parametrisation: an empty or partial build must not pass by testing nothing."""
    pages = gate.html_pages(site)
    for expected in ("index.html", "tracks/index.html", "competencies/index.html", "pages/index.html"):
        assert expected in pages
    assert any(p.startswith("levels/") for p in pages)


def test_loads_cleanly(page: Page, base_url: str, origin: str, page_path: str) -> None:
    """No console error, no failed request, and no request leaving the site."""
    seen = gate.visit(page, gate.page_url(base_url, page_path), origin, settle=True)
    assert seen.problems == []


def test_no_accessibility_violations(page: Page, base_url: str, origin: str, page_path: str) -> None:
    """WCAG 2.1 A and AA by axe-core, colour contrast included, in the light and the dark scheme.

    One load serves both schemes: switching the emulated scheme restyles the page in place.
    """
    gate.visit(page, gate.page_url(base_url, page_path), origin)
    found = {"light": gate.axe_violations(page)}
    page.emulate_media(color_scheme="dark")
    found["dark"] = gate.axe_violations_again(page)
    report = "".join(f"\n{scheme} scheme:\n{gate.describe_violations(v)}" for scheme, v in found.items() if v)
    assert not report, report


def test_tables_have_captions_and_headers(site: Path, page_path: str) -> None:
    """A screen reader announces a table by its caption (or its region's label) and reads cells by headers."""
    soup = BeautifulSoup((site / page_path).read_text(encoding="utf-8"), "html.parser")
    for table in soup.find_all("table"):
        region = table.find_parent(attrs={"role": "region", "aria-label": True})
        caption = table.find("caption")
        name = (caption.get_text(strip=True) if caption else "") or (region["aria-label"] if region else "")
        assert name, f"table without caption or labelled region: {str(table)[:120]}"
        assert table.find("th"), f"table '{name}' has no header cells"
        # A header cell in the body is a row header only if it says so; in <thead> the column is implied.
        body_headers = [th for th in table.find_all("th") if th.find_parent("thead") is None]
        assert all(th.get("scope") in ("row", "rowgroup") for th in body_headers), \
            f"table '{name}' has a body header cell without scope"


def test_fits_a_phone(page: Page, base_url: str, origin: str, page_path: str) -> None:
    """At 375 px the page never scrolls sideways; wide tables scroll in their own box; nav is at hand."""
    page.set_viewport_size(gate.PHONE)
    gate.visit(page, gate.page_url(base_url, page_path), origin)
    assert gate.page_overflow(page) <= 0, "the whole page scrolls sideways"
    assert gate.clipped_tables(page) == []
    if page.locator(".site-header").count():  # a widget for intranet pages has none
        header = page.locator(".site-header").bounding_box()
        assert header and header["height"] <= 0.25 * gate.PHONE["height"], "the header takes over a quarter of the screen"
        page.locator(".site-menu > summary").click()  # the navigation is one tap away
        assert gate.unreachable_nav_links(page) == []


def test_prints_cleanly(page: Page, base_url: str, origin: str, page_path: str) -> None:
    """On paper: no navigation, and tables whole (nothing hidden in a scroll box) and readable."""
    page.set_viewport_size({"width": gate.PRINT_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    gate.visit(page, gate.page_url(base_url, page_path), origin)
    assert gate.shown(page, SCREEN_ONLY) == []
    assert gate.page_overflow(page) <= 0, "the printed page is wider than the paper"
    assert gate.scrolling_tables(page) == []
    assert gate.clipped_tables(page) == []
    assert gate.smallest_table_font_px(page) >= 10, "table text too small to read on paper"
