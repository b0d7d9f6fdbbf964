"""A level page answers the common questions at its top, and every expectation can be cited by a
link that survives rewording (issue 14). Read as a reader would: the built HTML."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import EXAMPLE, FIXTURES, built, load_model

CUMULATIVE = FIXTURES / "cumulative"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def words(node: object) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True))  # type: ignore[attr-defined]


def level_pages(site: Path) -> list[Path]:
    return sorted((site / "levels").glob("*/index.html"))


def test_every_expectation_links_to_itself_with_a_name(example_site: Path) -> None:
    checked = 0
    for path in level_pages(example_site):
        for item in soup(path).select("ul.expectations > li[id]"):
            link = item.select_one("a.permalink")
            assert link is not None, (path, item["id"])
            assert link["href"] == f"#{item['id']}"
            assert link.get("aria-label") == "Link to this expectation"
            checked += 1
    assert checked > 100


def test_a_keyed_expectation_is_anchored_by_its_key(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    keyed = [(level, comp_id, e) for level in handbook.level_by_id.values()
             for comp_id, items in level.expectations.items() for e in items if e.key]
    assert keyed
    for level, comp_id, expectation in keyed:
        page = soup(example_site / level.url / "index.html")
        item = page.find(id=f"e-{comp_id}--{expectation.key}")
        assert item is not None and item.name == "li", (level.id, expectation.key)
        assert expectation.text.split()[0] in item.get_text()


def test_rewording_a_keyed_expectation_keeps_its_address(tmp_path: Path) -> None:
    before = built(CUMULATIVE, tmp_path / "before")
    content = tmp_path / "handbook"
    shutil.copytree(CUMULATIVE, content)
    track = content / "ladder" / "tracks" / "ic.yml"
    text = track.read_text(encoding="utf-8")
    keyed = re.search(r"- key: (\S+)\n\s+text: (.+)\n", text)
    assert keyed is not None
    key, wording = keyed.groups()
    track.write_text(text.replace(wording, "Reviews every change with care and says why.", 1), encoding="utf-8")
    after = built(content, tmp_path / "after")
    for path in level_pages(before):
        old = {li["id"]: words(li) for li in soup(path).select("ul.expectations > li[id]")}
        new = {li["id"]: words(li) for li in soup(after / path.relative_to(before)).select("ul.expectations > li[id]")}
        assert old.keys() == new.keys(), path  # no citation breaks
    anchors = [li for path in level_pages(after) for li in soup(path).select(f"li[id$='--{key}']")]
    assert any("Reviews every change with care" in li.get_text() for li in anchors)


def test_the_summary_shows_the_first_zone_and_holds_the_others(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    level = handbook.level_by_id["staff-engineer"]
    page = soup(example_site / level.url / "index.html")
    glance = page.select_one("section.glance")
    lines = glance.select("[data-zone]")
    assert [line["data-zone"] for line in lines] == [z.id for z in handbook.zones]
    shown = [line for line in lines if not line.has_attr("hidden")]
    assert [line["data-zone"] for line in shown] == [handbook.zones[0].id]
    band = handbook.band_for(level, handbook.zones[0])
    assert words(shown[0].select_one(".band-range")) == "$195,000 – $225,000 – $255,000"
    assert band and (band.min, band.mid, band.max) == (195000, 225000, 255000)
    assert glance.select_one("[data-zone-pick]").has_attr("hidden")  # the picker needs the script
    assert glance.find("a", href="#pay") is not None and page.find(id="pay") is not None


def test_the_summary_counts_what_the_next_level_changes(example_site: Path) -> None:
    page = soup(example_site / "levels" / "staff-engineer" / "index.html")
    row = next(div for div in page.select(".glance-row") if div.dt.get_text() == "Next level")
    link = row.find("a", string="What changes at the next level")
    diff = soup((example_site / "levels" / "staff-engineer" / link["href"]).resolve() / "index.html")
    counts = [words(li) for li in diff.select("ul.diff-counts > li")]
    said = words(row.dd)
    for kind in ("added", "grown"):
        number = next(c.split()[0] for c in counts if c.endswith(kind))
        assert f"{number} {kind}" in said if number != "0" else f" {kind}" not in said
    top = soup(example_site / "levels" / "distinguished-engineer" / "index.html")
    assert "the highest level of Individual contributor" in words(top.select_one(".glance"))


def test_the_summary_names_the_same_grade_and_the_switches(example_site: Path) -> None:
    page = soup(example_site / "levels" / "engineer-1" / "index.html")
    rows = {words(div.dt): div.dd for div in page.select(".glance-row")}
    assert "Engineering Manager" not in words(rows["Same grade"])
    assert rows["Same grade"].select(".no-level")  # one way to say it
    switching = words(rows["Switching"])
    assert "from grade 4" in switching and "from grade 3" in switching  # closed below those grades
    assert rows["Switching"].find("a", href="#switching") is not None
    staff = soup(example_site / "levels" / "staff-engineer" / "index.html")
    same = {a.get_text() for a in staff.select(".glance-row dd a")}
    assert {"Engineering Manager", "Senior Tech Lead Manager"} <= same


def test_competencies_are_listed_as_jump_links(example_site: Path) -> None:
    page = soup(example_site / "levels" / "staff-engineer" / "index.html")
    jumps = [a["href"] for a in page.select("nav.on-this-page a")]
    sections = [f"#{h['id']}" for h in page.select("section.competency-block > h4[id]")]
    assert jumps == sections and len(jumps) >= 8


def test_the_band_table_has_a_row_group_per_zone_with_three_numbers(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    page = soup(example_site / "levels" / "staff-engineer" / "index.html")
    table = page.select_one("table.bands")
    assert [th.get_text() for th in table.select("thead th")] == ["Minimum", "Midpoint", "Maximum"]
    groups = table.select("tbody")
    assert len(groups) == len(handbook.zones)
    for group, zone in zip(groups, handbook.zones):
        assert group.th["scope"] == "rowgroup" and zone.title in group.th.get_text()
        assert len(group.select("td.num")) == 3
        assert "As of" in words(group.select_one(".band-note"))


@pytest.mark.parametrize("language", ["de"])
def test_the_summary_speaks_the_handbooks_language(tmp_path: Path, language: str) -> None:
    content = tmp_path / "handbook"
    shutil.copytree(EXAMPLE, content)
    settings = content / "handbook.yml"
    settings.write_text(re.sub(r"(?m)^language: en", f"language: {language}", settings.read_text(encoding="utf-8")),
                        encoding="utf-8")
    site = built(content, tmp_path / "site")
    glance = words(soup(site / "levels" / "staff-engineer" / "index.html").select_one(".glance"))
    assert "Gehaltsband" in glance and "Nächste Stufe" in glance and "Minimum – Mittelpunkt – Maximum" in glance
