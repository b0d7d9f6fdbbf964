"""The track-switch planner and the map of the moves: every move lands where the YAML says, with
the pay difference the YAML's bands give, a forbidden move says which rule forbids it, the
map's words list every arrow, dates follow the month a reader enters, and a handbook that
turns the planner off has no trace of it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from playwright.sync_api import Browser

from browser import gate
from conftest import EXAMPLE, FIXTURES, MINI, built, render

SWITCH = FIXTURES / "switch"  # one-way moves, a hybrid track, keep_grade false, a management gap


# -- what the YAML says, read without ladderdocs ----------------------------------------------
def ladder(content: Path) -> dict:
    """Tracks, moves and public bands straight from the files, as a reader of the YAML sees them."""
    def read(path: Path) -> dict:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}

    tracks = [read(p) for p in sorted((content / "ladder" / "tracks").glob("*.yml"))]
    comp = read(content / "ladder" / "comp.yml")
    public_zones = [z["id"] for z in comp.get("zones", []) if z.get("audience") != "internal"]
    bands = {(level, s["zone"]): band for s in comp.get("band_sets", []) if s.get("audience") != "internal"
             for level, band in s["bands"].items()}
    return {"tracks": {t["id"]: t for t in tracks}, "moves": read(content / "ladder" / "mobility.yml")["moves"],
            "zones": public_zones, "bands": bands}


def expected_moves(data: dict) -> list[tuple[dict, str, str, list[str], int]]:
    """(level, target track, status, target level ids, landing grade) for every level and move."""
    result = []
    for track in data["tracks"].values():
        for level in track["levels"]:
            for move in (m for m in data["moves"] if m["from"] == track["id"]):
                target = data["tracks"][move["to"]]
                floor = max(move.get("min_grade") or 0, target.get("opens_at_grade") or 0)
                if level["grade"] >= floor:
                    ids = [lv["id"] for lv in target["levels"] if lv["grade"] == level["grade"]]
                    result.append((level, move["to"], "open" if ids else "no-level", ids, level["grade"]))
                else:
                    grade = min(lv["grade"] for lv in target["levels"] if lv["grade"] >= floor)
                    result.append((level, move["to"], "later",
                                   [lv["id"] for lv in target["levels"] if lv["grade"] == grade], grade))
    return result


def page(files: dict[str, bytes], path: str) -> BeautifulSoup:
    return BeautifulSoup(files[path].decode("utf-8"), "html.parser")


@pytest.fixture(scope="module", params=[EXAMPLE, SWITCH], ids=["example", "switch-fixture"])
def handbook(request: pytest.FixtureRequest) -> tuple[Path, dict[str, bytes]]:
    return request.param, render(request.param).files


def test_every_move_lands_where_the_yaml_says_with_the_pay_difference_of_its_bands(handbook) -> None:
    content, files = handbook
    data = ladder(content)
    checked = 0
    for level, to, status, targets, grade in expected_moves(data):
        soup = page(files, f"switch/{level['id']}/index.html")
        card = soup.select_one(f'article[data-move="{_track_of(data, level)}-{to}"]')
        assert card is not None, (level["id"], to)
        assert card["data-status"] == status, (level["id"], to)
        landed = [div["data-target"] for div in card.select(".switch-landing")]
        assert landed == targets, (level["id"], to)
        for target in targets:
            block = card.select_one(f'.switch-landing[data-target="{target}"]')
            assert block.find("a", href=f"../../levels/{target}/") is not None
            zones = {li["data-zone"]: li for li in block.select(".switch-pay li")}
            assert list(zones) == data["zones"]
            for zone, li in zones.items():
                before, after = data["bands"].get((level["id"], zone)), data["bands"].get((target, zone))
                if before is None or after is None:
                    assert li.select_one(".switch-delta") is None and "a band is missing" in li.get_text()
                    continue
                shown = li.select_one(".switch-delta").get_text()
                deltas = (after["min"] - before["min"], after["max"] - before["max"])
                if deltas == (0, 0):
                    assert "No change" in shown
                    continue
                parts = shown.split(", ")  # "+$5,000 at the bottom, $0 at the top", in the zone's own money
                assert len(parts) == 2, shown
                for delta, part in zip(deltas, parts):
                    assert part[0] == ("+" if delta > 0 else "−" if delta < 0 else part[0].strip("+−")), shown
                    assert int(re.sub(r"\D", "", part)) == abs(delta), (level["id"], target, zone, shown)
            checked += 1
        if status == "later":
            assert f"Not from grade {level['grade']}:" in card.get_text()
            assert f"promotion to grade {grade}" in card.get_text() or f"needs grade {grade}" in card.get_text()
    assert checked >= 5  # the handbooks have open moves to check, not only closed ones
    for track in data["tracks"].values():  # every other track the rules name no move to: listed, as forbidden
        named = {m["to"] for m in data["moves"] if m["from"] == track["id"]}
        for level in track["levels"]:
            soup = page(files, f"switch/{level['id']}/index.html")
            for other in set(data["tracks"]) - named - {track["id"]}:
                assert soup.select_one(f'article[data-move="{track["id"]}-{other}"]')["data-status"] == "none"


def _track_of(data: dict, level: dict) -> str:
    return next(t["id"] for t in data["tracks"].values() if level in t["levels"])


def test_a_forbidden_move_shows_the_rule_that_forbids_it() -> None:
    files = render(EXAMPLE).files
    card = page(files, "switch/engineer-2/index.html").select_one('article[data-move="ic-tlm"]')
    assert card["data-status"] == "later"
    words = " ".join(card.get_text(" ", strip=True).split())
    assert ("Not from grade 2: the rule for this move starts at grade 3, and Tech Lead Manager opens at grade 3."
            in words)
    card = page(files, "switch/director-of-engineering/index.html").select_one('article[data-move="management-tlm"]')
    assert card["data-status"] == "none"
    assert "The switching rules name no move from Engineering management to Tech Lead Manager" in \
        " ".join(card.get_text(" ", strip=True).split())
    # one-way rules: the fixture's managers have no way back, its top engineers no level to land on
    fixture = render(SWITCH).files
    card = page(fixture, "switch/director/index.html").select_one('article[data-move="mgmt-ic"]')
    assert card["data-status"] == "none"
    card = page(fixture, "switch/principal-dev/index.html").select_one('article[data-move="ic-mgmt"]')
    assert card["data-status"] == "no-level" and "has no level at that grade" in card.get_text()


def test_the_waiting_rules_are_said_in_words_without_javascript() -> None:
    soup = page(render(EXAMPLE).files, "switch/staff-engineer/index.html")
    assert soup.select_one("[data-start]").has_attr("hidden")  # the month field needs the script
    for hidden in soup.select("[hidden]"):  # what a reader without JavaScript sees
        hidden.decompose()
    card = soup.select_one('article[data-move="ic-management"]')
    rules = " ".join(card.select_one(".switch-rules").get_text().split())
    assert "A trial of 6 months, until 6 months after the start." in rules  # mobility.yml: trial_months: 6
    assert "Your next switch: not before 12 months after the start." in rules
    tlm = " ".join(soup.select_one('article[data-move="ic-tlm"]').get_text().split())
    assert "Starts the 24-month time box of Tech Lead Manager: choose an off-ramp by 24 months after the start." in tlm


def test_every_level_page_links_to_its_planner_and_the_index_lists_every_level_highest_grade_first() -> None:
    files = render(EXAMPLE).files
    data = ladder(EXAMPLE)
    for track in data["tracks"].values():
        for level in track["levels"]:
            soup = page(files, f"levels/{level['id']}/index.html")
            assert soup.find("a", href=f"../../switch/{level['id']}/") is not None, level["id"]
    index = page(files, "switch/index.html")
    for track in data["tracks"].values():
        links = [a["href"] for a in index.select(f'section[aria-labelledby="track-{track["id"]}"] a')]
        by_grade = sorted(track["levels"], key=lambda lv: -lv["grade"])
        assert links == [f"../switch/{lv['id']}/" for lv in by_grade]


def test_the_map_draws_every_allowed_move_and_says_each_in_words() -> None:
    files = render(EXAMPLE).files
    data = ladder(EXAMPLE)
    soup = page(files, "mobility/index.html")
    svg = soup.select_one(".move-map svg")
    assert svg["role"] == "img" and svg.find("title").get_text() and svg.find("desc").get_text()
    expected = set()
    for move in data["moves"]:
        source, target = data["tracks"][move["from"]], data["tracks"][move["to"]]
        floor = max(move.get("min_grade") or 0, target.get("opens_at_grade") or 0)
        for a in source["levels"]:
            b = [lv for lv in target["levels"] if lv["grade"] == a["grade"]]
            if a["grade"] >= floor and b:
                expected.add((a["id"], b[0]["id"]))
    listed = {(s["data-from"], s["data-to"]) for s in soup.select(".move-map-text .move-pair")}
    assert listed == expected
    assert len(svg.select("path.map-arrow")) == len(expected)
    assert "(from grade 4)" in soup.select_one('.move-map-text li[data-move="ic-management"]').get_text()
    assert len(svg.select("rect.map-timebox")) == 1  # the TLM track's 24 months
    assert soup.find("a", href="../switch/") is not None


def test_a_handbook_can_turn_the_planner_off(tmp_path: Path) -> None:
    content = tmp_path / "handbook"
    shutil.copytree(SWITCH, content)
    on = render(content)
    assert "switch/index.html" in on.files and b"switch/" in on.files["sitemap.xml"]
    assert b"switch/" in on.files["search-index.js"] and b"switch/" in on.files["levels/dev/index.html"]
    with (content / "handbook.yml").open("a", encoding="utf-8") as f:
        f.write("tools:\n  switch: false\n")
    off = render(content)
    assert not [path for path in off.files if path.startswith("switch/")]
    for path, body in off.files.items():  # no link, no search entry, no sitemap line (the theme's files stay)
        if not path.startswith("static/"):
            assert b"switch/" not in body, path
    assert page(off.files, "mobility/index.html").select_one(".move-map") is not None  # the map stays


def test_the_planner_is_found_by_search() -> None:
    files = render(MINI).files
    index = files["search-index.js"]
    assert b"switch/" in index and b"Plan a track switch" in index


# -- in a browser ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(EXAMPLE, tmp_path_factory.mktemp("switch") / "site")


def test_the_off_ramp_dates_follow_the_month_entered(browser: Browser, site: Path) -> None:
    tab = browser.new_page(viewport=gate.PHONE)
    try:
        tab.goto((site / "switch" / "tech-lead-manager" / "index.html").as_uri())
        ramps = tab.locator(".switch-ramps li")
        assert ramps.count() == 2
        assert "24 months after the start" in ramps.first.inner_text()
        tab.fill("#clock-start", "2026-03")
        for i in range(2):
            assert "March 2028" in ramps.nth(i).inner_text()
            assert ramps.nth(i).locator("[data-due]").get_attribute("data-date") == "2028-03"
        tab.fill("#clock-start", "2027-11")
        assert "November 2029" in ramps.first.inner_text()
        tab.fill("#move-start", "2027-01")
        assert "January 2028" in tab.locator('article[data-move="tlm-ic"] .switch-rules').inner_text()
        tab.fill("#clock-start", "")
        assert "24 months after the start" in ramps.first.inner_text()
    finally:
        tab.close()


@pytest.mark.parametrize("path", ["switch/", "switch/tech-lead-manager/", "switch/staff-engineer/", "mobility/"])
def test_no_sideways_scroll_on_a_phone(browser: Browser, site: Path, path: str) -> None:
    tab = browser.new_page(viewport=gate.PHONE)
    try:
        tab.goto((site / path / "index.html").as_uri())
        for details in tab.locator("details").all():  # opened, as a reader would
            details.evaluate("d => d.open = true")
        assert tab.evaluate("document.documentElement.scrollWidth") <= gate.PHONE["width"]
        assert tab.locator("svg").first.bounding_box()["width"] <= gate.PHONE["width"] if path == "mobility/" else True
    finally:
        tab.close()
