"""The track-preference check-in, `check-in/` (issue 16): a form a reader can read and print
without a script, its questions from ladder/check-in.yml or the theme's set, a promise that
nothing leaves the page, and a handbook switch that takes it (and the promotion case) away.
The browser side (storage, export, import) is in tests/browser/test_tools.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import EXAMPLE, render, run_cli
from ladderdocs.outputs.search_index import INDEX_FILES

CHECK_IN = "check-in/index.html"


def page(files: dict[str, bytes], path: str) -> BeautifulSoup:
    return BeautifulSoup(files[path].decode(), "html.parser")


def words(node: object) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True))  # type: ignore[attr-defined]


def test_the_default_questions_are_real_form_fields(mini_copy: Path) -> None:
    files = render(mini_copy).files
    form = page(files, CHECK_IN).select_one("form#check-in")
    assert form is not None
    level = form.select_one("select[name=current-level]")
    label = page(files, CHECK_IN).select_one(f"label[for={level['id']}]")
    assert label is not None and words(label) == "Your current level"
    tracks = [words(group) for group in level.select("optgroup")]
    assert len(tracks) == 2
    for group in level.select("optgroup"):  # highest grade first, as every list of grades
        grades = [int(re.search(r"grade (\d+)", o.get_text()).group(1)) for o in group.select("option")]
        assert grades == sorted(grades, reverse=True) and grades
    assert [o["value"] for o in form.select("select[name=next-track] option")][-1] == "undecided"
    assert len(form.select("input[type=radio][name=how-soon]")) == 4
    assert form.select_one("textarea[name=try]") and form.select_one("textarea[name=help]")
    # the buttons need the script: without it they are not shown
    assert form.select_one("[data-tool-only]").has_attr("hidden")


def test_the_page_says_nothing_leaves_it_and_that_it_is_no_performance_review(example_site: Path) -> None:
    text = words(BeautifulSoup((example_site / CHECK_IN).read_text(), "html.parser").select_one("main"))
    assert "Nothing leaves this page." in text
    assert "nothing is sent anywhere" in text
    assert "separate from performance review" in text
    form = BeautifulSoup((example_site / CHECK_IN).read_text(), "html.parser").select_one("form#check-in")
    # nothing can submit it: no action, no submit button (every button is type=button), no lone text field
    assert form.get("action") is None
    assert not form.select("button:not([type=button]), input[type=submit], input[type=image]")
    assert len(form.select("input[type=text], input:not([type])")) != 1


def test_questions_come_from_check_in_yml(mini_copy: Path) -> None:
    (mini_copy / "ladder" / "check-in.yml").write_text(
        "intro: Fill this in before your **quarterly** one-to-one.\n"
        "questions:\n"
        "  - id: level\n    label: Where are you now?\n    kind: level\n"
        "  - id: energy\n    label: What gives you energy?\n    kind: text\n    help: One or two sentences.\n"
        "  - id: pace\n    label: How fast?\n    kind: choice\n    options: [Slowly, Quickly]\n", encoding="utf-8")
    doc = page(render(mini_copy).files, CHECK_IN)
    assert "quarterly" in words(doc.select_one("main strong"))
    fields = [block["data-question"] for block in doc.select("[data-question]")]
    assert fields == ["level", "energy", "pace"]
    assert words(doc.select_one("label[for=q-energy]")) == "What gives you energy?"
    assert doc.select_one("textarea#q-energy")["aria-describedby"] == "help-energy"
    assert [r["value"] for r in doc.select("input[name=pace]")] == ["Slowly", "Quickly"]
    assert not doc.select("[name=how-soon]")  # the theme's set is replaced, not added to


def test_a_mistake_in_check_in_yml_names_file_and_line(mini_copy: Path) -> None:
    (mini_copy / "ladder" / "check-in.yml").write_text(
        "questions:\n"
        "  - id: pace\n    label: How fast?\n    kind: choice\n"
        "  - id: pace\n    label: Again\n    kind: text\n"
        "  - id: mood\n    label: Mood\n    kind: slider\n", encoding="utf-8")
    result = run_cli("check", "--content", str(mini_copy))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    out = result.stdout + result.stderr
    assert re.search(r"check-in\.yml:2:\d+: .*missing required field 'options' in question 1", out), out
    assert re.search(r"check-in\.yml:10:\d+: .*'kind' is 'slider'; expected one of: level, track, choice, text", out), out
    # duplicates are found once the shapes are right
    (mini_copy / "ladder" / "check-in.yml").write_text(
        "questions:\n  - id: pace\n    label: How fast?\n    kind: text\n"
        "  - id: pace\n    label: Again\n    kind: text\n", encoding="utf-8")
    result = run_cli("check", "--content", str(mini_copy))
    assert result.returncode == 1
    assert re.search(r"check-in\.yml:5:\d+: .*duplicate question id 'pace' \(first at .*check-in\.yml:2\)",
                     result.stdout + result.stderr)


def test_a_handbook_can_turn_the_tools_off(mini_copy: Path) -> None:
    on = render(mini_copy).files
    assert CHECK_IN in on and "case/index.html" in on
    handbook = mini_copy / "handbook.yml"
    handbook.write_text(handbook.read_text() + "tools:\n  check_in: false\n  case: false\n", encoding="utf-8")
    off = render(mini_copy).files
    assert not [path for path in off if path.startswith(("check-in/", "case/"))]
    for path, data in off.items():
        if path.endswith(".html"):
            hrefs = [a["href"] for a in BeautifulSoup(data.decode(), "html.parser").select("a[href]")]
            assert not [h for h in hrefs if "check-in/" in h or "case/" in h], path
    assert b"check-in/" not in off["sitemap.xml"] and b"case/" not in off["sitemap.xml"]
    assert b"check-in/" in on["sitemap.xml"] and b"case/" in on["sitemap.xml"]
    index = b"".join(off[path] for path in INDEX_FILES)
    assert b"check-in/" not in index and b"case/" not in index
    assert b"check-in/" in on[INDEX_FILES[0]] and b"case/" in on[INDEX_FILES[0]]


def test_tools_must_be_true_or_false(mini_copy: Path) -> None:
    handbook = mini_copy / "handbook.yml"
    lines = handbook.read_text().count("\n")
    handbook.write_text(handbook.read_text() + "tools:\n  case: nope\n  coffee: true\n", encoding="utf-8")
    result = run_cli("check", "--content", str(mini_copy))
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert f"handbook.yml:{lines + 2}:" in out and "'case' is 'nope'; expected true or false" in out
    assert f"handbook.yml:{lines + 3}:" in out and "unknown field 'coffee'; expected one of: case, check_in, switch" in out


def test_storage_keys_are_the_handbooks_own(tmp_path: Path, mini_copy: Path) -> None:
    """Two handbooks on one origin (or both opened from file://) keep their answers apart."""
    mine = page(render(mini_copy).files, CHECK_IN).select_one("form#check-in")["data-store"]
    example = page(render(EXAMPLE).files, CHECK_IN).select_one("form#check-in")["data-store"]
    assert mine != example
    assert "Mini Framework" in mine and "/career-framework/" in example
    assert json.dumps(mine)  # a plain string


def test_the_preview_shows_edited_questions(mini_copy: Path) -> None:
    """serve runs the pipeline again on its last site: a check-in.yml edit must reach the page
    (it shows no part of the skeleton that would tell, so its job depends on everything)."""
    from ladderdocs.site import Options, Pipeline

    pipeline = Pipeline(mini_copy, Options(workers=1))
    site = pipeline.run()
    (mini_copy / "ladder" / "check-in.yml").write_text(
        "questions:\n  - id: energy\n    label: What gives you energy?\n    kind: text\n", encoding="utf-8")
    again = pipeline.run(site)
    assert CHECK_IN in again.rendered
    assert "What gives you energy?" in words(page(again.files, CHECK_IN).select_one("form#check-in"))
