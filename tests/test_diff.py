"""Level diffs: the static pages, the links to them, and the picker that computes any pair.

fixtures/diff/two-levels has two levels whose differences fixtures/diff/expected.yml spells
out; the picker's script is checked against diff.py in Chromium on every pair of the example.
"""

from __future__ import annotations

import json
import random
import shutil
import re
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import EXAMPLE, FIXTURES, REPO, built, load_model
from ladderdocs.model.diff import best_assignment, static_pairs
from ladderdocs.pages.facts import Facts
from ladderdocs.text.highlight import word_diff

TWO_LEVELS = FIXTURES / "diff" / "two-levels"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text(node: Any) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True)).replace(" .", ".")


def without_badges(li: Any) -> str:
    for badge in li.select(".badge"):
        badge.decompose()
    return text(li)


def listed(section: Any) -> dict[str, list[Any]]:
    """What one competency section of a diff page lists, as a reader reads it."""
    def pairs(kind: str) -> list[list[str]]:
        return [[text(li.select_one(".diff-before")).removeprefix("Before: "),
                 text(li.select_one(".diff-after")).removeprefix("After: ")] for li in section.select(f"li.diff-{kind}")]

    return {"added": [without_badges(li) for li in section.select("li.diff-added")], "grown": pairs("grown"),
            "reworded": pairs("reworded"), "maybe": pairs("maybe"),
            "not_restated": [without_badges(li) for li in section.select("li.diff-not-restated")],
            "kept": [text(li) for li in section.select(".diff-kept li")]}


@pytest.fixture(scope="module")
def two_levels_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(TWO_LEVELS, tmp_path_factory.mktemp("two-levels") / "site")


def test_diff_lists_exactly_what_was_added_grown_reworded_and_not_restated(two_levels_site: Path) -> None:
    expected = yaml.safe_load((FIXTURES / "diff" / "expected.yml").read_text(encoding="utf-8"))
    page = soup(two_levels_site / "diff" / "junior--senior" / "index.html")
    sections = {text(s.h2): listed(s) for s in page.select("section.diff-competency")}
    assert sections == {cid.capitalize(): lists for cid, lists in expected.items()}
    counts = [text(li) for li in page.select("ul.diff-counts li")]
    assert counts == ["3 added", "1 grown", "2 reworded", "1 reworded?", "3 not restated", "1 unchanged"]
    tally = text(page.select("section.diff-competency")[0].select_one(".diff-tally"))
    assert tally == "1 added · 1 grown · 2 reworded · 1 reworded? · 1 not restated · 1 unchanged"
    assert not page.select(".badge-dropped, .diff-dropped")  # nothing reads as removed


def test_changed_words_are_highlighted(two_levels_site: Path) -> None:
    page = soup(two_levels_site / "diff" / "junior--senior" / "index.html")
    review, fixes = page.select("li.diff-reworded")
    assert [d.get_text() for d in review.select(".diff-before del")] == ["small", "from teammates."]
    assert [i.get_text() for i in review.select(".diff-after ins")] == ["large", "across teams."]
    assert not review.select(".diff-before ins") and not review.select(".diff-after del")
    assert [d.get_text() for d in fixes.select("del")] == ["small", "in", "app."]
    assert [i.get_text() for i in fixes.select("ins")] == ["across", "and mobile apps."]


def test_word_diff_keeps_links_and_markup_whole() -> None:
    before, after = word_diff('Reviews <a href="../x/">small</a> changes.', "Reviews <code>large</code> changes.")
    assert before == 'Reviews <a href="../x/"><del>small</del></a> changes.'
    assert after == "Reviews <code><ins>large</ins></code> changes."
    assert BeautifulSoup(after, "html.parser").decode() == after  # still well-formed


def test_every_adjacent_and_same_grade_pair_has_a_page(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    adjacent = {f"{a.id}--{b.id}" for t in handbook.tracks for a, b in zip(t.levels, t.levels[1:])}
    same_grade = {f"{a.id}--{b.id}" for g in handbook.grades
                  for i, a in enumerate(lv for t in handbook.tracks for lv in handbook.levels_at(t, g))
                  for b in [lv for t in handbook.tracks for lv in handbook.levels_at(t, g)][i + 1:]
                  if a.track_id != b.track_id}
    pages = {p.name for p in (example_site / "diff").iterdir() if p.is_dir()}
    assert pages == adjacent | same_grade
    assert "staff-engineer--engineering-manager" in pages and "engineer-1--engineer-2" in pages


def test_level_page_links_to_the_next_level_and_same_grade_diffs(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    for track in handbook.tracks:
        for index, level in enumerate(track.levels):
            page = soup(example_site / level.url / "index.html")
            nxt = page.find("a", string="What changes at the next level")
            if index + 1 < len(track.levels):
                target = (example_site / level.url / nxt["href"]).resolve()
                assert target == (example_site / "diff" / f"{level.id}--{track.levels[index + 1].id}").resolve()
            else:
                assert nxt is None
            for link in page.select("#equivalents ~ ul a"):
                if link.get_text() == "how the expectations differ":
                    assert (example_site / level.url / link["href"] / "index.html").is_file()
    staff = soup(example_site / "levels" / "staff-engineer" / "index.html")
    assert len(staff.find_all("a", string="how the expectations differ")) == 2  # management and TLM


def test_picker_page_works_without_a_server_and_lists_every_page_without_script(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    page = soup(example_site / "diff" / "index.html")
    for select_id, label in (("diff-from", "From level"), ("diff-to", "To level")):
        select = page.find("select", id=select_id)
        assert page.find("label", attrs={"for": select_id}).get_text() == label
        assert [o["value"] for o in select.find_all("option")] == list(handbook.level_by_id)
        assert [g["label"] for g in select.find_all("optgroup")] == [t.title for t in handbook.tracks]
    assert page.find("form", id="diff-picker").has_attr("hidden")  # shown by the script only
    site_wide = {"../static/search.js", "../static/messages.js"}  # search and the scripts' words
    own = [s["src"] for s in page.find_all("script") if s["src"] not in site_wide]
    assert own == ["../diff/levels.js", "../static/diff-picker.js"]
    linked = {a["href"].removeprefix("../diff/").strip("/") for a in page.select("ul.pair-list a")}
    assert linked == {f"{a.id}--{b.id}" for a, b in static_pairs(handbook)}


def diff_data(site: Path) -> dict[str, Any]:
    source = (site / "diff" / "levels.js").read_text(encoding="utf-8")
    match = re.search(r"window\.ladderdocsDiffData = (\{.*\});\s*$", source, re.S)
    assert match, "levels.js does not assign the data"
    return json.loads(match.group(1))


def test_picker_data_holds_every_level_and_page(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    data = diff_data(example_site)
    assert [lv["id"] for lv in data["levels"]] == list(handbook.level_by_id)
    for level in data["levels"]:
        model = handbook.level_by_id[level["id"]]
        assert {c: [e["text"] for e in items] for c, items in level["expectations"].items()} == \
            {c: [e.text for e in items] for c, items in model.expectations.items()}
        assert (example_site / "diff" / level["url"] / "index.html").is_file()
    assert all((example_site / "diff" / url / "index.html").is_file() for url in data["pages"].values())


@pytest.fixture(scope="module")
def picker_in_browser(example_site: Path, browser: Any) -> Any:
    """A blank Chromium page holding the picker's functions (`api`) and the example's data."""
    script = (REPO / "themes" / "default" / "static" / "diff-picker.js").read_text(encoding="utf-8")
    page = browser.new_page()
    page.evaluate("""([src, data]) => {
        const module = {exports: {}};
        new Function("module", src)(module);
        window.api = module.exports;
        window.data = data;
    }""", [script, diff_data(example_site)])
    yield page
    page.close()


KINDS = ("added", "grown", "reworded", "maybe", "not_restated", "kept")
JS_KINDS = {"not_restated": "notRestated"}


def test_picker_computes_the_same_diff_as_the_static_pages(example_site: Path, picker_in_browser: Any,
                                                           tmp_path: Path) -> None:
    """On every pair of levels of the example (cumulative) and of the example written as a
    restated ladder, the picker finds what the pages find, words marked alike."""
    restated = tmp_path / "restated"
    shutil.copytree(EXAMPLE, restated)
    settings = restated / "handbook.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("expectations: cumulative", "expectations: restated"))
    checked = {"grown": 0, "reworded": 0, "maybe": 0, "not_restated": 0}
    for content, site in ((EXAMPLE, example_site), (restated, built(restated, tmp_path / "site"))):
        handbook, _ = load_model(content)
        facts = Facts(handbook)
        data = diff_data(site)
        html = {(lv["id"], e["text"]): e["html"] for lv in data["levels"]
                for items in lv["expectations"].values() for e in items}
        ids = list(handbook.level_by_id)
        pairs = [(a, b) for a in ids for b in ids if a != b]
        from_js = picker_in_browser.evaluate("""([data, pairs]) => {
            const byId = Object.fromEntries(data.levels.map(l => [l.id, l]));
            const texts = list => list.map(e => e.text);
            const both = list => list.map(([o, n]) => [o.text, n.text].concat(api.wordDiff(o.html, n.html)));
            return pairs.map(([a, b]) => api.diffLevels(data, byId[a], byId[b]).map(d => ({
                competency: d.competency, added: texts(d.added), not_restated: texts(d.notRestated),
                kept: texts(d.kept), grown: both(d.grown), reworded: both(d.reworded), maybe: both(d.maybe)})));
        }""", [data, pairs])
        assert len(from_js) == len(pairs) == 156
        for (a, b), js in zip(pairs, from_js):
            expected = []
            for d in facts.diff(handbook.level_by_id[a], handbook.level_by_id[b]).competencies:
                entry: dict[str, Any] = {"competency": d.competency_id}
                for kind in KINDS:
                    items = getattr(d, kind)
                    if kind in ("grown", "reworded", "maybe"):
                        entry[kind] = [[o.text, n.text] + [str(x) for x in word_diff(html[(origin(facts, o), o.text)],
                                                                                     html[(origin(facts, n), n.text)])]
                                       for o, n in items]
                    else:
                        entry[kind] = [e.text for e in items]
                    if kind in checked:
                        checked[kind] += len(items)
                expected.append(entry)
            assert js == expected, f"{content.name}: {a} -> {b}"
    assert all(count > 10 for count in checked.values()), checked  # every way of matching was exercised


def origin(facts: Facts, expectation: Any) -> str:
    """The level that states `expectation`."""
    return next(lv.id for lv in facts.handbook.level_by_id.values()
                if any(e is expectation for items in lv.expectations.values() for e in items))


def test_picker_sequence_matching_equals_difflib(picker_in_browser: Any) -> None:
    rng = random.Random(20261101)
    vocab = ["owns", "the", "team", "service", "reviews", "code", "a", "and", "delivers", "on-call"]
    cases = [([rng.choice(vocab) for _ in range(rng.randint(0, 12))],
              [rng.choice(vocab) for _ in range(rng.randint(0, 12))]) for _ in range(400)]
    js = picker_in_browser.evaluate("cases => cases.map(([a, b]) => [api.ratio(a, b), api.opcodes(a, b)])", cases)
    for (a, b), (ratio, opcodes) in zip(cases, js):
        matcher = SequenceMatcher(None, a, b, autojunk=False)
        assert ratio == matcher.ratio(), (a, b)
        assert [tuple(op) for op in opcodes] == matcher.get_opcodes(), (a, b)


def test_picker_assignment_equals_the_python_one(picker_in_browser: Any) -> None:
    """The Hungarian method in diff-picker.js pairs exactly as best_assignment does, ties included."""
    rng = random.Random(20261129)
    cases = [[[rng.choice([0.0, 0.0, 0.45, 0.5, 0.61, 0.75, 0.9, round(rng.random(), 3)]) for _ in range(cols)]
              for _ in range(rows)] for rows, cols in [(rng.randint(0, 7), rng.randint(1, 7)) for _ in range(300)]]
    js = picker_in_browser.evaluate("cases => cases.map(c => api.bestAssignment(c))", cases)
    for scores, pairs in zip(cases, js):
        assert [tuple(p) for p in pairs] == best_assignment(scores), scores


def test_best_assignment_beats_greedy_pairing() -> None:
    """Greedy pairing takes the single best pair first (0.9) and leaves 0.1; the best overall takes 0.8 + 0.8."""
    assert best_assignment([[0.9, 0.8], [0.8, 0.0]]) == [(0, 1), (1, 0)]
    assert best_assignment([[0.0, 0.0]]) == [] and best_assignment([]) == []
    assert best_assignment([[0.5], [0.7], [0.6]]) == [(1, 0)]
