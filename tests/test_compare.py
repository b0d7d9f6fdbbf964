"""The compare page: tracks side by side per grade, a static page per zone, bands with provenance."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from conftest import EXAMPLE, MINI, load_model, run_cli
from ladderdocs.text.money import format_money


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text(node) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True))


def test_every_zone_is_a_link_away_without_javascript(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    first = soup(example_site / "compare" / "index.html")
    tabs = first.select("nav.zone-tabs a")
    assert [text(a).split(" ")[0] for a in tabs] == [z.title.split(" ")[0] for z in handbook.zones]
    assert [a.get("aria-current") for a in tabs] == ["page"] + [None] * (len(handbook.zones) - 1)
    for zone, tab in zip(handbook.zones, tabs):
        page = example_site / "compare" / tab["href"] / "index.html"
        assert page.is_file(), tab["href"]
        caption = soup(page).select_one(".compare-caption").get_text()
        assert zone.title in caption and zone.currency in caption
    # every zone has its own address, the first one too (which also keeps the section's own)
    assert [p.parent.name for p in sorted((example_site / "compare").glob("*/index.html"))] == \
        sorted(z.id for z in handbook.zones)
    assert not first.main.find("script")  # the comparison itself needs no script (search is site-wide)


def test_one_card_per_grade_highest_first_with_every_track(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    page = soup(example_site / "compare" / "index.html")
    cards = page.select("section.grade-card")
    assert [text(card.h3) for card in cards] == [f"Grade {g}" for g in sorted(handbook.grades, reverse=True)]
    us = handbook.zones[0]
    for card in cards:
        grade = int(text(card.h3).split()[-1])
        cells = card.select("li.grade-track")
        assert [text(li.select_one(".compare-track")) for li in cells] == [t.title for t in handbook.tracks]
        for track, td in zip(handbook.tracks, cells):
            levels = handbook.levels_at(track, grade)
            if not levels:
                assert f"No level at grade {grade}" in text(td)
                continue
            for level in levels:
                cell = text(td)
                assert level.title in cell and level.summary.text.split(".")[0][:40] in cell
                assert "Scope:" in cell
                band = handbook.band_for(level, us)
                assert f"{format_money(band.min, us.currency, us.locale)} – {format_money(band.max, us.currency, us.locale)}" in cell


def test_as_of_and_source_are_said_once_per_zone(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    page = soup(example_site / "compare" / "index.html")
    provenance = page.select(".provenance")
    band = handbook.band_for(handbook.tracks[0].levels[0], handbook.zones[0])
    assert len(provenance) == 1
    assert f"As of {band.as_of:%B} {band.as_of.day}, {band.as_of.year}" in text(provenance[0])
    assert band.provenance in text(provenance[0])
    assert not page.select(".grade-card .provenance")


def test_absent_levels_say_why(example_site: Path) -> None:
    page = soup(example_site / "compare" / "index.html")
    absent = [text(p) for p in page.select(".compare-absent > p.muted")]
    assert "No level at grade 1: this track opens at grade 4." in absent  # management
    assert "No level at grade 7: this track ends at grade 4." in absent   # tech lead manager


def test_stale_bands_are_marked_where_they_appear(stale_example_site: Path) -> None:
    example_site = stale_example_site / "site"
    comp = yaml.safe_load((stale_example_site / "content" / "ladder" / "comp.yml").read_text(encoding="utf-8"))
    nepal = soup(example_site / "compare" / "np" / "index.html")
    provenance = nepal.select(".provenance")
    assert len(next(s for s in comp["band_sets"] if s["zone"] == "np")["bands"]) > 1
    assert len(provenance) == 1  # one band set: said once for the zone
    assert all("Stale" in text(p) and "September 1, 2025" in text(p) and p.time["datetime"] == "2025-09-01"
               for p in provenance)
    assert not any("Stale" in text(p) for p in soup(example_site / "compare" / "index.html").select(".provenance"))


def test_compare_is_in_the_navigation(example_site: Path) -> None:
    for page in ("index.html", "levels/staff-engineer/index.html", "compare/au/index.html"):
        nav = soup(example_site / page).select_one("nav.site-nav")
        labels = [text(a) for a in nav.select("a")]
        assert "Compare" in labels and "Pay parity" in labels
    for page in ("compare/au/index.html", "diff/index.html", "diff/staff-engineer--engineering-manager/index.html"):
        current = soup(example_site / page).select_one("nav.site-nav a[aria-current]")
        assert text(current) == "Compare", page  # one entry for tracks side by side and two levels
    for page, shown in (("compare/index.html", "Tracks side by side"), ("diff/index.html", "Two levels")):
        views = soup(example_site / page).select(".compare-views a")
        assert [text(a) for a in views] == ["Tracks side by side", "Two levels"]
        assert [text(a) for a in views if a.get("aria-current")] == [shown]


def test_without_bands_the_comparison_still_stands(tmp_path: Path) -> None:
    handbook = tmp_path / "handbook"
    shutil.copytree(MINI, handbook)
    (handbook / "ladder" / "comp.yml").unlink()
    assert run_cli("build", "-c", str(handbook), "-o", str(tmp_path / "site")).returncode == 0
    page = soup(tmp_path / "site" / "compare" / "index.html")
    assert page.select_one("nav.zone-tabs") is None and page.select_one(".compare-band") is None
    assert "Senior Developer" in text(page.select_one("section.compare")) and "Manager" in text(page)


def test_new_pages_keep_to_a_strict_content_security_policy(example_site: Path) -> None:
    pages = [p for section in ("compare", "parity", "diff") for p in (example_site / section).rglob("*.html")]
    assert len(pages) > 20
    for path in pages:
        page = soup(path)
        assert not [s for s in page.find_all("script") if not s.get("src")], path
        assert not page.find_all(style=True) and not page.find_all("style"), path
        assert not [t for t in page.find_all(True) if any(a.startswith("on") for a in t.attrs)], path
        assert not [t for t in page.find_all(["a", "link", "script", "img"])  # a canonical address is not loaded
                    if re.match(r"^(https?:)?//", t.get("href") or t.get("src") or "") and "canonical" not in t.get("rel", [])], path


def test_bands_from_two_sources_each_say_their_own(tmp_path: Path) -> None:
    """Said once per zone only when it is true of every band shown; otherwise beside each band."""
    content = tmp_path / "handbook"
    shutil.copytree(EXAMPLE, content)
    comp_file = content / "ladder" / "comp.yml"
    comp = yaml.safe_load(comp_file.read_text(encoding="utf-8"))
    us = next(s for s in comp["band_sets"] if s["zone"] == "us")
    moved = {"vp-engineering": us["bands"].pop("vp-engineering")}
    comp["band_sets"].append({"zone": "us", "as_of": us["as_of"].replace(month=1), "source": "Earlier survey",
                              "audience": "public", "bands": moved})
    comp_file.write_text(yaml.safe_dump(comp, sort_keys=False), encoding="utf-8")
    assert run_cli("build", "-c", str(content), "-o", str(tmp_path / "site")).returncode == 0
    page = soup(tmp_path / "site" / "compare" / "index.html")
    assert not page.select(".compare > .provenance")
    bands = page.select(".compare-band")
    assert all(b.select_one(".provenance") for b in bands)
    assert sum("Earlier survey" in text(b) for b in bands) == 1
