"""On a phone the pages readers come to for numbers and rules hold no table that scrolls
sideways: the band, the comparison, the parity table and the moves between tracks fit 375 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from . import gate

FIT = ("levels/staff-engineer/index.html", "compare/index.html", "parity/index.html", "mobility/index.html",
       "diff/staff-engineer--engineering-manager/index.html", "tracks/ic/index.html")


@pytest.mark.parametrize("path", FIT)
def test_no_table_scrolls_sideways_on_a_phone(page: Page, base_url: str, origin: str, path: str) -> None:
    page.set_viewport_size(gate.PHONE)
    gate.visit(page, gate.page_url(base_url, path), origin)
    assert gate.scrolling_tables(page) == []
    assert gate.page_overflow(page) <= 0


def test_every_move_reads_whole_on_a_phone(page: Page, base_url: str, origin: str) -> None:
    page.set_viewport_size(gate.PHONE)
    gate.visit(page, gate.page_url(base_url, "mobility/index.html"), origin)
    for row in page.locator("table.moves tbody tr").all():
        box = row.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= gate.PHONE["width"]
        assert row.locator(".move-how").is_visible()
