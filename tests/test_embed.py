"""Widgets for intranet pages: a page on another origin embeds each one in an iframe, and the
iframe takes the widget's height; links inside open in the top window."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from playwright.sync_api import Browser

from conftest import EXAMPLE, load_model
from sitehttp import serve


def widget_paths(site: Path) -> list[str]:
    return sorted(p.parent.relative_to(site).as_posix() + "/" for p in (site / "embed").rglob("index.html")
                  if p.parent != site / "embed")


def test_a_widget_per_level_and_zone_with_no_page_chrome(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    paths = widget_paths(example_site)
    assert paths == sorted(["embed/compare/"] + [f"embed/parity/{z.id}/" for z in handbook.zones]
                           + [f"embed/levels/{lv}/" for lv in handbook.level_by_id])
    for path in paths:
        page = BeautifulSoup((example_site / path / "index.html").read_text(), "html.parser")
        assert not page.find(["header", "nav", "footer"]), path
        assert page.find("base")["target"] == "_top", path
        assert [s["src"] for s in page.find_all("script")] == ["../" * path.count("/") + "static/embed.js"], path
        assert page.h1 and page.find("main"), path
    card = BeautifulSoup((example_site / "embed/levels/staff-engineer/index.html").read_text(), "html.parser")
    assert "Staff Engineer" in card.h1.get_text() and "$195,000" in card.get_text()
    table = BeautifulSoup((example_site / "embed/compare/index.html").read_text(), "html.parser").table
    assert table.caption and len(table.tbody.find_all("tr")) == len(handbook.grades)
    index = BeautifulSoup((example_site / "embed/index.html").read_text(), "html.parser")
    assert 'data-ladderdocs src="https://juniper-freight.github.io/career-framework/embed/compare/"' in index.get_text()


PARENT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Team wiki</title><link rel="stylesheet" href="wiki.css"></head>
<body><h1>Our career framework</h1>
{frames}
<script src="{site}static/embed-parent.js"></script>
</body></html>"""


def test_iframes_fit_each_widget(example_site: Path, browser: Browser, tmp_path: Path) -> None:
    paths = widget_paths(example_site)
    with serve(example_site, "/handbook/") as site, serve(tmp_path, "/") as wiki:
        frames = "\n".join(f'<iframe data-ladderdocs id="w{i}" class="{"tall" if "levels" in p else "short"}" '
                           f'src="{site}{p}" title="{p}"></iframe>' for i, p in enumerate(paths))
        (tmp_path / "index.html").write_text(PARENT.format(frames=frames, site=site))
        (tmp_path / "wiki.css").write_text("iframe { display: block; width: 40rem; border: 0; margin: 1rem 0; }\n"
                                           ".short { height: 40px; } .tall { height: 3000px; }\n")
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        page.goto(wiki)
        page.wait_for_function(f"[...document.querySelectorAll('iframe')].filter(f => f.style.height).length === {len(paths)}")
        page.wait_for_timeout(200)  # let any second report (after fonts and layout settle) arrive
        for i, path in enumerate(paths):
            frame = page.frame_locator(f"#w{i}")
            iframe_height = page.eval_on_selector(f"#w{i}", "f => f.clientHeight")
            content_height = frame.locator("html").evaluate("html => html.scrollHeight")
            body_height = frame.locator("html").evaluate("html => html.getBoundingClientRect().height")
            assert abs(iframe_height - content_height) <= 1, path
            assert abs(iframe_height - body_height) <= 1, path
            assert 100 < iframe_height < 3000, (path, iframe_height)  # grew from 40px, or shrank from 3000px

        # narrower: the widget reflows, reports again, and the iframe follows
        before = page.eval_on_selector("#w0", "f => f.clientHeight")
        page.eval_on_selector("#w0", "f => { f.style.width = '20rem'; }")
        page.wait_for_function(f"document.querySelector('#w0').clientHeight !== {before}")
        content = page.frame_locator("#w0").locator("html").evaluate("html => html.scrollHeight")
        assert abs(page.eval_on_selector("#w0", "f => f.clientHeight") - content) <= 1

        card = paths.index("embed/levels/staff-engineer/")
        page.frame_locator(f"#w{card}").locator("a.embed-more").click()
        page.wait_for_url(site + "levels/staff-engineer/")
        assert page.locator("h1").inner_text().startswith("Staff Engineer")
        page.close()


def test_embed_page_preview_fits_too(example_site: Path, browser: Browser) -> None:
    with serve(example_site, "/handbook/") as site:
        page = browser.new_page()
        page.goto(site + "embed/")
        page.wait_for_function("document.querySelector('iframe[data-ladderdocs]').style.height !== ''")
        height = page.eval_on_selector("iframe[data-ladderdocs]", "f => f.clientHeight")
        content = page.frame_locator("iframe[data-ladderdocs]").locator("html").evaluate("h => h.scrollHeight")
        assert abs(height - content) <= 1 and height > 200
        page.close()
