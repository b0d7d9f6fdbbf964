"""The parity page on a 375 px phone: the chart's words at a readable size, every gap on screen.

A label's size is what reaches the eye: its computed font size, times the scale of any SVG it
is drawn in (a chart squeezed into a phone shrinks its text with it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page

from . import gate
from .conftest import CONTENT

DEFAULT_ZONE = yaml.safe_load((CONTENT / "ladder" / "comp.yml").read_text(encoding="utf-8"))["zones"][0]["id"]

# Every element that holds text of its own, with the size it is seen at on screen.
TEXT_SIZES = """(root) => [...document.querySelectorAll(root + ' *')]
  .filter(el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
                && el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .map(el => {
    const size = parseFloat(getComputedStyle(el).fontSize);
    const matrix = el instanceof SVGElement && el.getScreenCTM ? el.getScreenCTM() : null;
    const scale = matrix ? Math.hypot(matrix.a, matrix.b) : 1;
    return [el.textContent.trim().slice(0, 40), Math.round(size * scale * 10) / 10];
  })"""

OUTSIDE = """(selector) => { const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll(selector)].map(el => [el.textContent.trim(), el.getBoundingClientRect()])
    .filter(([, r]) => r.width < 1 || r.left < 0 || r.right > width + 0.5).map(([text]) => text); }"""


@pytest.mark.parametrize("path", ["parity/index.html", f"parity/{DEFAULT_ZONE}/index.html"])
def test_parity_reads_on_a_phone(page: Page, base_url: str, origin: str, site: Path, path: str) -> None:
    assert (site / path).is_file(), f"{path}: every zone, the default one too, has its own address"
    page.set_viewport_size(gate.PHONE)
    gate.visit(page, gate.page_url(base_url, path), origin)
    assert gate.page_overflow(page) <= 0, "the page scrolls sideways"

    sizes = page.evaluate(TEXT_SIZES, ".parity-figure")
    assert sizes, "the chart has no text labels"
    small = [(text, px) for text, px in sizes if px < 12]
    assert small == [], f"chart labels below 12 px: {small[:5]}"

    gaps = page.locator("table.parity-table td.gap")
    assert gaps.count() >= 3, "no gap values on the page"
    assert page.evaluate(OUTSIDE, "table.parity-table td.gap") == [], "a gap value is off screen"
    assert page.evaluate(OUTSIDE, "table.parity-table td.num") == [], "a band amount is off screen"
    assert page.evaluate(OUTSIDE, ".parity-figure .chart-value") == [], "a bar's value is off screen"
    # the axis is labelled up to the end of the bars, on a phone too
    last_tick = page.locator(".chart-axis .chart-tick-end")
    assert last_tick.is_visible() and page.evaluate(OUTSIDE, ".chart-axis .chart-tick-end") == []
