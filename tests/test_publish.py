"""GitHub Pages as a reader meets it: a site at a sub-path, crawled over real HTTP; the 404
page at any depth; sitemap, robots.txt, CNAME and .nojekyll."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser

from conftest import EXAMPLE, run_cli
from sitehttp import free_port, serve

PREFIX = "/handbook/"
RESOURCE_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src"}


def fetch(url: str) -> tuple[int, str, bytes]:
    """(status, content type, body) the way a browser or crawler would get them."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read()


def links_of(url: str, html: bytes) -> list[str]:
    page = BeautifulSoup(html, "html.parser")
    found = []
    for tag, attr in RESOURCE_ATTRS.items():
        for element in page.find_all(tag):
            if element.get(attr) and not element[attr].startswith("#"):  # same-page anchors: not a request
                found.append(urldefrag(urljoin(url, element[attr]))[0])
    return found


@pytest.fixture(scope="module")
def subpath_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The example built for http://127.0.0.1:PORT/handbook/, the way the Pages workflow builds it."""
    port = free_port()
    out = tmp_path_factory.mktemp("subpath") / "site"
    result = run_cli("build", "-c", str(EXAMPLE), "-o", str(out), "--base-url", f"http://127.0.0.1:{port}{PREFIX}")
    assert result.returncode == 0, result.stderr
    return out, port


def test_every_link_works_when_served_under_a_sub_path(subpath_site: tuple[Path, int]) -> None:
    site, port = subpath_site
    with serve(site, PREFIX, port) as base:
        sitemap = fetch(base + "sitemap.xml")[2].decode()
        queue = deque([base, base + "404.html", *re.findall(r"<loc>([^<]+)</loc>", sitemap)])
        seen: set[str] = set()
        broken, outside = [], []
        while queue:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            if urlsplit(url).netloc != urlsplit(base).netloc:
                continue  # a link to another site: not ours to check
            if not urlsplit(url).path.startswith(PREFIX):
                outside.append(url)
                continue
            status, kind, body = fetch(url)
            if status != 200:
                broken.append(f"{status} {url}")
            elif kind.startswith("text/html"):
                queue.extend(links_of(url, body))
    assert not outside, outside[:5]
    assert not broken, broken[:10]
    assert sum(1 for url in seen if url.endswith("/")) > 50  # the crawl really walked the site


def test_404_page_at_a_deep_missing_address_has_working_stylesheet_and_links(subpath_site: tuple[Path, int]) -> None:
    site, port = subpath_site
    with serve(site, PREFIX, port) as base:
        missing = base + "a/b/c/missing/"
        status, _, body = fetch(missing)
        assert status == 404
        page = BeautifulSoup(body, "html.parser")
        assert page.h1.get_text() == "Page not found"
        stylesheet = urljoin(missing, page.find("link", rel="stylesheet")["href"])
        status, kind, css = fetch(stylesheet)
        assert (status, kind) == (200, "text/css") and b"--accent" in css
        for url in links_of(missing, body):
            assert fetch(url)[0] == 200, url


def test_404_page_looks_styled_in_chromium_at_any_depth(subpath_site: tuple[Path, int], browser: Browser) -> None:
    site, port = subpath_site
    with serve(site, PREFIX, port) as base:
        page = browser.new_page()
        for missing in ("nothing-here", "a/b/c/missing/", "levels/no-such-level/deeper/"):
            response = page.goto(base + missing)
            assert response is not None and response.status == 404
            header = page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor")
            assert header == "rgb(15, 42, 68)", missing  # the theme's --header-bg: the stylesheet applied
            logo_loaded = page.eval_on_selector(".brand img", "img => img.complete && img.naturalWidth > 0")
            assert logo_loaded, missing
            page.click("text=Tracks and their levels")
            assert page.url == base + "tracks/" and page.locator("h1").inner_text() == "Tracks"
        page.close()


def test_404_page_works_at_the_root_of_a_custom_domain(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run_cli("build", "-c", str(EXAMPLE), "-o", str(out), "--base-url", "https://handbook.example.org").returncode == 0
    with serve(out, "/") as base:
        status, _, body = fetch(base + "x/y/")
        assert status == 404
        href = BeautifulSoup(body, "html.parser").find("link", rel="stylesheet")["href"]
        assert href == "/static/style.css" and fetch(urljoin(base + "x/y/", href))[0] == 200


def _canonical(page: Path) -> str | None:
    link = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one('link[rel="canonical"]')
    return str(link["href"]) if link else None


def test_sitemap_lists_every_public_page_with_absolute_urls(example_site: Path) -> None:
    base = "https://juniper-freight.github.io/career-framework/"
    tree = ET.parse(example_site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in tree.getroot().findall("s:url/s:loc", ns)]
    pages = sorted(p.parent.relative_to(example_site).as_posix() for p in example_site.rglob("index.html")
                   if not p.relative_to(example_site).as_posix().startswith("embed/"))
    own = [base + ("" if p == "." else p + "/") for p in pages]
    # a page that is a copy of another (compare/ shows compare/us/) names the original and is not listed
    canonical = {address: _canonical(example_site / address.removeprefix(base) / "index.html") for address in own}
    assert locs == sorted(a for a in own if canonical[a] in (None, a))
    assert {canonical[base + "compare/"], canonical[base + "parity/"]} <= set(locs)
    assert locs[0] == base and all(loc and loc.startswith(base) for loc in locs)
    assert "404" not in "".join(locs)
    robots = (example_site / "robots.txt").read_text()
    assert f"Sitemap: {base}sitemap.xml" in robots.splitlines()
    assert "Disallow: /" not in robots
    assert (example_site / ".nojekyll").is_file()


def test_no_sitemap_without_an_address(mini_copy: Path, tmp_path: Path) -> None:
    settings = mini_copy / "handbook.yml"
    settings.write_text(settings.read_text().replace("base_url: https://mini.example/\n", ""))
    assert run_cli("build", "-c", str(mini_copy), "-o", str(tmp_path / "site")).returncode == 0
    assert not (tmp_path / "site" / "sitemap.xml").exists()
    assert "Sitemap" not in (tmp_path / "site" / "robots.txt").read_text()


def test_cname_from_settings_or_from_assets(mini_copy: Path, tmp_path: Path) -> None:
    settings = mini_copy / "handbook.yml"
    settings.write_text(settings.read_text() + "cname: handbook.mini.example\n")
    assert run_cli("build", "-c", str(mini_copy), "-o", str(tmp_path / "a")).returncode == 0
    assert (tmp_path / "a" / "CNAME").read_text() == "handbook.mini.example\n"

    settings.write_text(settings.read_text().replace("cname: handbook.mini.example\n", ""))
    (mini_copy / "assets").mkdir()
    (mini_copy / "assets" / "CNAME").write_text("docs.mini.example\n")
    assert run_cli("build", "-c", str(mini_copy), "-o", str(tmp_path / "b")).returncode == 0
    assert (tmp_path / "b" / "CNAME").read_text() == "docs.mini.example\n"
    assert not (tmp_path / "b" / "assets" / "CNAME").exists()


def test_two_different_custom_domains_are_a_clear_error(mini_copy: Path, tmp_path: Path) -> None:
    settings = mini_copy / "handbook.yml"
    settings.write_text(settings.read_text() + "cname: handbook.mini.example\n")
    (mini_copy / "assets").mkdir()
    (mini_copy / "assets" / "CNAME").write_text("docs.mini.example\n")
    result = run_cli("build", "-c", str(mini_copy), "-o", str(tmp_path / "site"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{mini_copy / 'assets' / 'CNAME'}:1:1: error:" in result.stderr
    assert "docs.mini.example" in result.stderr and "handbook.mini.example" in result.stderr


def test_base_url_option_must_be_an_address(tmp_path: Path) -> None:
    result = run_cli("build", "-c", str(EXAMPLE), "-o", str(tmp_path / "site"), "--base-url", "org.github.io/x")
    assert result.returncode == 2 and "expected e.g. https://" in result.stderr
    assert not (tmp_path / "site").exists()


def test_exports_and_widgets_are_linked_from_all_pages(example_site: Path) -> None:
    page = BeautifulSoup((example_site / "pages" / "index.html").read_text(), "html.parser")
    section = page.find(id="exports").find_parent("section")
    hrefs = {a["href"] for a in section.find_all("a")}
    assert {"../ladder.json", "../ladder.schema.json", "../bands.csv", "../schema.json", "../embed/"} <= hrefs
    for href in hrefs:
        target = (example_site / "pages" / href).resolve()
        assert target.is_file() or (target / "index.html").is_file(), href

