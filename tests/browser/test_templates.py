"""One page per template: keyboard use, the dark scheme, and screenshots for a human to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from . import gate


def test_every_control_is_reachable_by_tab_with_a_visible_focus(page: Page, base_url: str, origin: str,
                                                                  template_page: gate.Example) -> None:
    gate.visit(page, gate.page_url(base_url, template_page.page), origin)
    missed, without_focus_ring = gate.keyboard_problems(page)
    assert missed == [], "not reachable with Tab"
    assert without_focus_ring == [], "focused without a visible focus indicator"


def _luminance(css_colour: str) -> float:
    red, green, blue = (int(v) / 255 for v in re.findall(r"\d+(?:\.\d+)?", css_colour)[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def test_dark_scheme_follows_the_system(page: Page, base_url: str, origin: str, template_page: gate.Example) -> None:
    """prefers-color-scheme: dark gives a dark page with light text; light the opposite."""
    url = gate.page_url(base_url, template_page.page)
    page.emulate_media(color_scheme="light")
    gate.visit(page, url, origin)
    light_bg, light_fg = gate.body_colours(page)
    page.emulate_media(color_scheme="dark")
    dark_bg, dark_fg = gate.body_colours(page)
    assert light_bg != dark_bg
    assert _luminance(light_bg) > _luminance(light_fg)
    assert _luminance(dark_bg) < _luminance(dark_fg)


@pytest.mark.parametrize("look", ["light", "dark", "phone", "print"])
def test_screenshot(page: Page, base_url: str, origin: str, screenshots: Path, template_page: gate.Example,
                    look: str) -> None:
    """Artefacts for a human eye: what the gate cannot judge (ugly, confusing) someone must see."""
    page.emulate_media(color_scheme="dark" if look == "dark" else "light",
                       media="print" if look == "print" else "screen")
    page.set_viewport_size(gate.PHONE if look == "phone" else
                           {"width": gate.PRINT_WIDTH, "height": 1000} if look == "print" else gate.DESKTOP)
    gate.visit(page, gate.page_url(base_url, template_page.page), origin)
    target = screenshots / f"{template_page.name}-{look}.png"
    page.screenshot(path=str(target), full_page=True, animations="disabled")
    assert target.stat().st_size > 0
