"""Addresses a reader types or shares: every folder of the site has a page (`levels/`), every
pay zone has its own address, the default zone's included, and a section's address that shows
the first zone again names that zone's page as canonical and stays out of the sitemap."""

from __future__ import annotations

from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from conftest import EXAMPLE

WIDGETS = "embed"  # iframes for intranet pages, not addresses a reader types


def _soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def test_every_folder_a_reader_might_type_has_a_page(example_site: Path) -> None:
    missing = set()
    for page in example_site.rglob("index.html"):
        folder = page.parent.parent
        while folder != example_site.parent and folder.is_relative_to(example_site):
            if not (folder / "index.html").is_file() and folder.relative_to(example_site).parts[:1] != (WIDGETS,):
                missing.add(str(folder.relative_to(example_site)))
            folder = folder.parent
    assert not missing, f"folders without a page: {sorted(missing)}"


def test_all_levels_lists_every_level_once_highest_grade_first(example_site: Path) -> None:
    expected = {}
    for track_file in sorted((EXAMPLE / "ladder" / "tracks").glob("*.yml")):
        track = yaml.safe_load(track_file.read_text(encoding="utf-8"))
        for level in track["levels"]:
            if level.get("audience", "public") == "public":
                expected[level["id"]] = level["grade"]
    page = _soup(example_site, "levels/index.html")
    links = [a["href"].rstrip("/").rsplit("/", 1)[-1] for a in page.select("main .level-list > li > a")]
    assert sorted(links) == sorted(expected)
    grades = [int(h.get_text().split()[-1]) for h in page.select("main h2")]
    assert grades == sorted(set(expected.values()), reverse=True)
    assert _soup(example_site, "tracks/index.html").select_one('main a[href="../levels/"]') is not None


def test_every_zone_has_its_own_address_and_the_section_copy_points_at_it(example_site: Path) -> None:
    zones = [z["id"] for z in yaml.safe_load((EXAMPLE / "ladder" / "comp.yml").read_text(encoding="utf-8"))["zones"]
             if z.get("audience", "public") == "public"]
    sitemap = (example_site / "sitemap.xml").read_text(encoding="utf-8")
    for section in ("compare", "parity"):
        for zone in zones:
            assert (example_site / section / zone / "index.html").is_file(), f"{section}/{zone}/"
            assert f"/{section}/{zone}/</loc>" in sitemap
        canonical = _soup(example_site, f"{section}/index.html").select_one('link[rel="canonical"]')["href"]
        assert canonical.endswith(f"/{section}/{zones[0]}/")
        assert f"/{section}/</loc>" not in sitemap, "the copy at the section's address is listed beside the original"
        tabs = [a["href"] for a in _soup(example_site, f"{section}/index.html").select(".zone-tabs a")]
        assert tabs[0].endswith(f"{zones[0]}/")
