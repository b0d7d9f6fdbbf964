"""`[[view:name]]`: prose links the site's own pages (the switching rules, pay parity, compare)
by name, with the label the navigation gives them, and a name the build has no page for is an
error at its line, never a dead link."""

from __future__ import annotations

import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import EXAMPLE, MINI, run_cli


def _page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def test_prose_links_the_sites_own_pages(example_site: Path) -> None:
    page = _page(example_site, "faq/index.html")
    parity = [a for a in page.select("main a") if a["href"].endswith("parity/")]
    assert {a.get_text() for a in parity} == {"parity page", "pay parity"}
    assert (example_site / "faq" / parity[0]["href"] / "index.html").resolve().is_file()
    home = _page(example_site, "index.html")
    assert {a.get_text(): a["href"] for a in home.select("article a")}["switching rules"] == "mobility/"


def test_a_view_the_build_lacks_is_an_error_at_its_line(tmp_path: Path) -> None:
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    (content / "ladder" / "mobility.yml").unlink()  # so the site has no switching rules
    (content / "pages" / "moves.md").write_text(
        "---\ntitle: Moves\n---\nSee the [[view:tracks]] page.\n\nAnd [[view:mobility|the rules]].\n", encoding="utf-8")
    result = run_cli("build", "-c", str(content), "-o", str(tmp_path / "site"))
    assert result.returncode == 1
    assert "pages/moves.md:6:1: error: [[view:mobility|the rules]] points at no page of the site by that name" \
        in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_view_takes_the_label_of_the_navigation(tmp_path: Path) -> None:
    content = tmp_path / "handbook"
    shutil.copytree(EXAMPLE, content)
    (content / "pages" / "faq.md").write_text(
        "---\ntitle: FAQ\n---\nSee [[view:compare]] and [[view:mobility]].\n", encoding="utf-8")
    settings = content / "handbook.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "strings:\n  Compare: Side by side\n", encoding="utf-8")
    result = run_cli("build", "-c", str(content), "-o", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    links = [a.get_text() for a in _page(tmp_path / "site", "faq/index.html").select("main p a")]
    assert links == ["Side by side", "Switching tracks"]
