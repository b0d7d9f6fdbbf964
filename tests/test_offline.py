"""`--file-mode`: a site opened straight from the file system (a zip, a file share) works:
every link names a file, and a reader can click from the home page to a level and back."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser

from conftest import EXAMPLE, run_cli


@pytest.fixture(scope="module")
def file_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("offline") / "site"
    result = run_cli("build", "--file-mode", "--audience", "internal", "-c", str(EXAMPLE), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_every_link_names_a_file(file_site: Path) -> None:
    checked, broken = 0, []
    for page in sorted(file_site.rglob("*.html")):
        html = BeautifulSoup(page.read_text(), "html.parser")
        for tag in html.find_all(["a", "link", "script", "img", "iframe"]):
            ref = tag.get("href") or tag.get("src")
            if not ref or ref.startswith("#") or urlsplit(ref).scheme:
                continue
            checked += 1
            target = page.parent / unquote(urlsplit(ref).path)
            if not target.is_file():  # a folder would show a directory listing, or nothing
                broken.append(f"{page.relative_to(file_site)} -> {ref}")
    assert checked > 1000
    assert not broken, broken[:10]


def test_prose_links_refs_and_assets_name_files(mini_copy: Path, tmp_path: Path) -> None:
    (mini_copy / "assets").mkdir()
    (mini_copy / "assets" / "chart.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (mini_copy / "pages" / "guides").mkdir()
    (mini_copy / "pages" / "guides" / "index.md").write_text(
        "---\ntitle: Guides\n---\n![Chart](../../assets/chart.svg) [FAQ](../faq.md#who) [[level:dev]]\n")
    index = mini_copy / "pages" / "index.md"
    index.write_text(index.read_text() + "\n![Chart](../assets/chart.svg) [Guides](guides/index.md)\n")
    ic = mini_copy / "ladder" / "tracks" / "ic.yml"
    ic.write_text(ic.read_text().replace("summary: Grow by building.", "summary: Grow by building ![](assets/chart.svg)."))
    for mode in ("file", "web"):
        args = ["--file-mode"] if mode == "file" else []
        result = run_cli("build", *args, "-c", str(mini_copy), "-o", str(tmp_path / mode))
        assert result.returncode == 0, result.stderr
    guides = BeautifulSoup((tmp_path / "file" / "guides" / "index.html").read_text(), "html.parser")
    article = guides.select_one("article")
    assert article.img["src"] == "../assets/chart.svg"
    assert [a["href"] for a in article.find_all("a")] == ["../faq/index.html#who", "../levels/dev/index.html"]
    home = BeautifulSoup((tmp_path / "web" / "index.html").read_text(), "html.parser").select_one("article")
    assert home.img["src"] == "assets/chart.svg" and home.find("a", string="Guides")["href"] == "guides/"
    track = BeautifulSoup((tmp_path / "file" / "tracks" / "ic" / "index.html").read_text(), "html.parser")
    assert track.select_one("main img")["src"] == "../../assets/chart.svg"


def test_a_missing_asset_is_reported_with_its_line(mini_copy: Path, tmp_path: Path) -> None:
    faq = mini_copy / "pages" / "faq.md"
    faq.write_text(faq.read_text() + "\n![Chart](../assets/nope.png)\n")
    line = len(faq.read_text().splitlines())
    result = run_cli("build", "-c", str(mini_copy), "-o", str(tmp_path / "site"))
    assert result.returncode == 1
    assert f"{faq}:{line}:1: error: link to '../assets/nope.png' finds no file; expected a file under assets/" in result.stderr


def test_host_files_make_sense_offline(file_site: Path) -> None:
    assert not (file_site / "sitemap.xml").exists()  # a sitemap needs an address; a file share has none
    not_found = BeautifulSoup((file_site / "404.html").read_text(), "html.parser")
    assert not_found.find("link", rel="stylesheet")["href"] == "static/style.css"
    assert not_found.find("a", string="Competencies")["href"] == "competencies/index.html"


def test_reader_clicks_from_home_to_a_level_and_back(file_site: Path, browser: Browser) -> None:
    page = browser.new_page()
    page.goto((file_site / "index.html").as_uri())
    assert page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor") == "rgb(15, 42, 68)"
    page.click(".site-nav >> text=Tracks")
    assert page.url == (file_site / "tracks" / "index.html").as_uri()
    page.locator("main table").get_by_role("link", name="Staff Engineer", exact=True).click()
    assert page.url == (file_site / "levels" / "staff-engineer" / "index.html").as_uri()
    assert page.locator("h1").inner_text().startswith("Staff Engineer")
    page.click(".breadcrumbs >> text=Individual contributor")
    assert page.url == (file_site / "tracks" / "ic" / "index.html").as_uri()
    page.click(".brand")
    assert page.url == (file_site / "index.html").as_uri()
    page.go_back()
    assert page.url == (file_site / "tracks" / "ic" / "index.html").as_uri()
    page.close()
