"""bench/'s Hugo site: the same pages as ladderdocs builds, in a form Hugo reads and renders
(timings live in bench/, not here)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402
from hugo_site import hugo_command, hugo_content, hugo_site  # noqa: E402


def test_hugo_reads_every_page_with_its_title_and_order(tmp_path: Path) -> None:
    handbook = generate(tmp_path / "handbook", 30)
    content = hugo_content(handbook, tmp_path / "content")
    pages = sorted(p.relative_to(content).as_posix() for p in content.rglob("*.md"))
    assert len(pages) == 30 and "_index.md" in pages and "index.md" not in pages
    front = yaml.safe_load((content / "area-07" / "page-00007.md").read_text().split("---\n")[1])
    assert front["title"] == "Handbook page 7" and front["weight"] == 7 and "order" not in front
    source = (handbook / "pages" / "area-07" / "page-00007.md").read_text()
    assert (content / "area-07" / "page-00007.md").read_text().split("---\n", 2)[2] == source.split("---\n", 2)[2]


@pytest.mark.skipif(shutil.which("hugo") is None, reason="hugo is not installed (sh bench/setup_tools.sh)")
@pytest.mark.parametrize("page_list", [False, True])
def test_hugo_renders_each_page_and_lists_all_only_when_asked(tmp_path: Path, page_list: bool) -> None:
    handbook = generate(tmp_path / "handbook", 30)
    content = hugo_content(handbook, tmp_path / "content")
    site = hugo_site(tmp_path / "hugo", page_list)
    subprocess.run(hugo_command(site, content, tmp_path / "public"), check=True, capture_output=True, timeout=120)
    page = BeautifulSoup((tmp_path / "public" / "area-07" / "page-00007" / "index.html").read_text(), "html.parser")
    assert page.h1.get_text() == "Handbook page 7"
    assert page.select("main table") and page.select("main pre code")
    listed = {a["href"] for a in page.select("nav a")}
    assert ("/handbook/area-11/page-00011/" in listed) is page_list
    built = {p.parent.relative_to(tmp_path / "public").as_posix() for p in (tmp_path / "public").rglob("index.html")}
    assert all(f"area-{n % 20:02d}/page-{n:05d}" in built for n in range(6, 30))
