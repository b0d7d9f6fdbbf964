"""The gate is known to bite: a deliberately bad page fails the very checks the real pages pass.

A checker that silently stops working (a renamed option, a tag that matches no rule, a jar
that reports nothing) would otherwise leave the whole gate green.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Page

from . import gate

BAD_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Broken on purpose</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  .dark-only { color: #000000; background: #ffffff; }
  @media (prefers-color-scheme: dark) { .dark-only { color: #333333; background: #000000; } }
  .no-ring:focus { outline: none; }
</style></head>
<body>
<nav class="site-nav" aria-label="Main"><a href="#top">Home</a></nav>
<main>
<h1>Broken on purpose</h1>
<p style="color: #bbbbbb; background: #ffffff">Pale grey text on white: too little contrast.</p>
<p class="dark-only">Readable in light, dark grey on black in the dark scheme.</p>
<img src="dot.svg" width="10" height="10">
<img src="https://cdn.example.invalid/tracker.gif" alt="">
<div style="width: 900px">A box wider than a phone.</div>
<div class="table-scroll"><table style="min-width: 1200px"><caption>Too wide</caption>
<tr><th scope="col">A</th><th scope="col">B</th></tr><tr><td>1</td><td>2</td></tr></table></div>
<p><a href="#top" class="no-ring">No focus ring</a> <a href="#top" tabindex="-1">Skipped by Tab</a></p>
<script>console.error("broken on purpose")</script>
</main>
</body>
</html>
"""
INVALID_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Invalid</title></head>
<body><p>Unclosed <span>and stray</div></p></body></html>
"""
DOT = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


@pytest.fixture(scope="module")
def bad_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("bad-site")
    (root / "index.html").write_text(BAD_PAGE, encoding="utf-8")
    (root / "invalid.html").write_text(INVALID_HTML, encoding="utf-8")
    (root / "dot.svg").write_text(DOT, encoding="utf-8")
    with gate.serve(root) as url:
        yield url


def _contrast_targets(violations: list[dict[str, Any]]) -> set[str]:
    return {str(node["target"][0]) for v in violations if v["id"] == "color-contrast" for node in v["nodes"]}


def test_axe_catches_low_contrast_and_missing_alt(page: Page, bad_site: str) -> None:
    gate.visit(page, bad_site, gate.origin_of(bad_site))
    light = gate.axe_violations(page)
    assert {"color-contrast", "image-alt"} <= {violation["id"] for violation in light}
    assert ".dark-only" not in _contrast_targets(light)


def test_axe_sees_the_dark_scheme(page: Page, bad_site: str) -> None:
    """The second, in-place run after switching scheme must judge the dark colours, not the light ones."""
    gate.visit(page, bad_site, gate.origin_of(bad_site))
    gate.axe_violations(page)
    page.emulate_media(color_scheme="dark")
    assert ".dark-only" in _contrast_targets(gate.axe_violations_again(page))


def test_visit_catches_console_errors_and_foreign_requests(page: Page, bad_site: str) -> None:
    seen = gate.visit(page, bad_site, gate.origin_of(bad_site))
    assert any("broken on purpose" in message for message in seen.console_errors)
    assert seen.foreign_requests == ["https://cdn.example.invalid/tracker.gif"]


def test_visit_catches_missing_files(page: Page, bad_site: str) -> None:
    seen = gate.visit(page, bad_site + "no-such-page/", gate.origin_of(bad_site))
    assert any(failure.startswith("404 ") for failure in seen.failed_requests)


def test_phone_check_catches_sideways_scrolling(page: Page, bad_site: str) -> None:
    page.set_viewport_size(gate.PHONE)
    gate.visit(page, bad_site, gate.origin_of(bad_site))
    assert gate.page_overflow(page) > 0


def test_print_check_catches_navigation_and_cut_tables(page: Page, bad_site: str) -> None:
    page.set_viewport_size({"width": gate.PRINT_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    gate.visit(page, bad_site, gate.origin_of(bad_site))
    assert gate.shown(page, ".site-nav") == ["nav.site-nav"]
    assert len(gate.scrolling_tables(page)) == 1


def test_keyboard_check_catches_skipped_links_and_missing_focus_rings(page: Page, bad_site: str) -> None:
    gate.visit(page, bad_site, gate.origin_of(bad_site))
    missed, without_focus_ring = gate.keyboard_problems(page)
    assert missed == ['a "Skipped by Tab"']
    assert len(without_focus_ring) == 1 and "No focus ring" in without_focus_ring[0]


def test_vnu_catches_invalid_html(tmp_path: Path) -> None:
    invalid = tmp_path / "invalid.html"
    invalid.write_text(INVALID_HTML, encoding="utf-8")
    errors = gate.vnu_errors([invalid])
    assert errors[invalid.resolve()], "vnu found nothing wrong with invalid HTML"
    assert any("div" in error for error in errors[invalid.resolve()])
