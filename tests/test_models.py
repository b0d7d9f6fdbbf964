"""Ladders as they are written: cumulative (a level states what it adds) or restated (every
level says it all again, reworded). Each reads right on its level pages, diffs and exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import EXAMPLE, FIXTURES, built

CUMULATIVE = FIXTURES / "cumulative"


@pytest.fixture(scope="module")
def cumulative_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(CUMULATIVE, tmp_path_factory.mktemp("cumulative") / "site")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def words(node: object) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True)).replace(" .", ".").replace(" ,", ",").replace(" )", ")")  # type: ignore[attr-defined]


def test_a_cumulative_level_lists_what_it_adds_and_every_inherited_expectation_once(cumulative_site: Path) -> None:
    page = soup(cumulative_site / "levels" / "three" / "index.html")
    coding = page.find(id="c-coding").find_parent("section")
    stated = [words(li) for li in coding.select("ul.expectations > li")]
    assert stated == ["Grown Writes tested code for small tasks in the team's service, and sets the testing standard "
                      "the team follows.", "Chooses the libraries the team builds on."]  # no New badge: all is new
    inherited = {words(li): li.a["href"] for li in page.select("ul.inherited-list > li")}
    assert inherited == {
        "Designs a feature before building it. (from Engineer Two)": "../../levels/two/",
        "Reviews changes across the team and explains each comment. (from Engineer Two)": "../../levels/two/",
        "Writes clear commit messages. (from Engineer One)": "../../levels/one/",
    }  # each once; the grown ones' narrower forms (One's review, One's tested code) are gone
    communication = page.find(id="c-communication").find_parent("section")
    assert "Nothing new at this level." in words(communication)
    assert communication.select_one("details.inherited summary").get_text() == "1 still expected from earlier levels"


def test_no_comparison_of_a_cumulative_track_says_anything_was_dropped(cumulative_site: Path) -> None:
    pages = sorted((cumulative_site / "diff").glob("*--*/index.html"))
    assert [p.parent.name for p in pages] == ["one--two", "two--three"]
    for path in pages:
        text = words(soup(path).main).lower()
        assert "dropped" not in text and "not restated" not in text and "not stated" not in text, path
    two_three = soup(cumulative_site / "diff" / "two--three" / "index.html")
    assert [words(li) for li in two_three.select(".diff-counts li")] == ["1 added", "1 grown", "3 still apply"]
    grown = two_three.select_one("li.diff-grown")
    assert [words(i) for i in grown.select("ins")] == ["service, and sets the testing standard the team follows."]


def test_the_picker_data_and_the_export_say_how_the_ladder_is_written(cumulative_site: Path) -> None:
    ladder = json.loads((cumulative_site / "ladder.json").read_text(encoding="utf-8"))
    track = ladder["tracks"][0]
    assert track["expectations_model"] == "cumulative"
    three = track["levels"][2]
    assert [(e["text"][:22], e["from_level"]) for e in three["applying"]["coding"]] == [
        ("Writes tested code for", "three"), ("Reviews changes across", "two"), ("Designs a feature befo", "two"),
        ("Chooses the libraries ", "three")]
    assert [e["from_level"] for e in three["applying"]["communication"]] == ["one"]
    assert [len(lv["expectations"].get("coding", [])) for lv in track["levels"]] == [2, 2, 2]  # as written


def test_the_example_reads_as_the_cumulative_ladder_its_prose_describes(example_site: Path) -> None:
    assert "cumulative" in (EXAMPLE / "pages" / "index.md").read_text(encoding="utf-8")
    for path in (example_site / "diff").glob("*--*/index.html"):
        page = soup(path)
        lower, upper = path.parent.name.split("--")
        same_track = page.select_one(".kicker").get_text().count("(Individual contributor") == 2
        if same_track:
            assert not page.select(".diff-not-restated, .diff-maybe, .diff-reworded"), path
    senior = soup(example_site / "diff" / "engineer-2--senior-engineer" / "index.html")
    counts = [words(li) for li in senior.select(".diff-counts li")]
    assert counts[-1].endswith("still apply") and not any("dropped" in c or "not restated" in c for c in counts)
