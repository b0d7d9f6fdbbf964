"""serve's incremental rebuilds: never a stale page, and no more rendering than an edit needs."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Callable, Iterator

import pytest

from conftest import FIXTURES, MINI, REPO
from ladderdocs.addresses import page_url
from ladderdocs.errors import ContentError
from ladderdocs.model.deps import level_dep
from ladderdocs.pages.registry import PAGE_TYPES
from ladderdocs.pages.base import PageJob, PageType
from ladderdocs.pages.facts import Facts
from ladderdocs.site import Options, Pipeline, Site, check

THEME_PAGE = """{% extends "default/page.html" %}
{% block footer %}<p>Theme footer one</p>{% endblock %}
"""


@pytest.fixture()
def handbook(tmp_path: Path) -> Path:
    """A copy of the mini handbook with a theme of its own, so theme edits can be tried too."""
    root = tmp_path / "handbook"
    shutil.copytree(MINI, root)
    (root / "theme" / "templates").mkdir(parents=True)
    (root / "theme" / "templates" / "page.html").write_text(THEME_PAGE)
    (root / "theme" / "static").mkdir()
    (root / "theme" / "static" / "extra.css").write_text("p { color: green; }\n")
    settings = root / "handbook.yml"
    settings.write_text(settings.read_text() + "theme: theme\n")
    return root.resolve()


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1))


def first_build(root: Path, page_types: list[PageType] = PAGE_TYPES) -> tuple[Pipeline, Site]:
    builder = Pipeline(root, Options(workers=1), page_types)
    return builder, builder.run()


def render(root: Path) -> Site:
    return check(root, Options(workers=1))


EDITS: dict[str, Callable[[Path], None]] = {
    "prose body": lambda r: edit(r, "pages/faq.md", "Someone who designs services.", "Someone who leads."),
    "page title": lambda r: edit(r, "pages/faq.md", "title: FAQ", "title: Questions"),
    "home body": lambda r: edit(r, "pages/index.md", "Start with", "Begin with"),
    "level summary": lambda r: edit(r, "ladder/tracks/ic.yml", "Builds features.", "Ships features."),
    "level expectation": lambda r: edit(r, "ladder/tracks/ic.yml", "Reviews small changes.", "Reviews changes."),
    "upper level summary": lambda r: edit(r, "ladder/tracks/ic.yml", "Builds systems.", "Designs systems."),
    "level summary a line longer": lambda r: edit(r, "ladder/tracks/ic.yml", "summary: Builds features.",
                                                  "summary: >-\n      Builds features."),
    "expectation replaced below": lambda r: edit(  # 'senior-dev' then marks "Writes tested code." new
        r, "ladder/tracks/ic.yml", "Writes tested code.", "Pairs with others."),
    "level title": lambda r: edit(r, "ladder/tracks/ic.yml", "title: Developer", "title: Engineer"),
    "track summary": lambda r: edit(r, "ladder/tracks/ic.yml", "Grow by building.", "Grow by shipping."),
    "competency description": lambda r: edit(r, "ladder/competencies.yml", "Writing code", "Writing programs"),
    "band": lambda r: edit(r, "ladder/comp.yml", "max: ", "max: 1"),
    "mobility": lambda r: edit(r, "ladder/mobility.yml", "Talk to your manager.", "Ask your manager."),
    "settings": lambda r: edit(r, "handbook.yml", "title: Mini Framework", "title: Tiny Framework"),
    "theme template": lambda r: edit(r, "theme/templates/page.html", "footer one", "footer two"),
    "theme static file": lambda r: edit(r, "theme/static/extra.css", "green", "blue"),
    "new page": lambda r: (r / "pages" / "new.md").write_text("---\ntitle: New\n---\nFresh.\n"),
    "deleted page": lambda r: (r / "pages" / "faq.md").unlink() or edit(r, "pages/index.md", "[FAQ](faq.md)", "FAQ"),
    "new asset": lambda r: (r / "assets").mkdir(exist_ok=True) or (r / "assets" / "note.txt").write_text("hi\n"),
}


@pytest.mark.parametrize("change", sorted(EDITS))
def test_rebuild_after_an_edit_equals_a_full_build(handbook: Path, change: str) -> None:
    builder, site = first_build(handbook)
    EDITS[change](handbook)
    rebuilt = builder.run(site)
    full = render(handbook).files
    assert sorted(rebuilt.files) == sorted(full)
    stale = [path for path in full if rebuilt.files[path] != full[path]]
    assert not stale, f"stale after {change}: {stale}"


def test_a_prose_edit_renders_that_page_alone(handbook: Path) -> None:
    builder, site = first_build(handbook)
    EDITS["prose body"](handbook)
    assert builder.run(site).rendered == ["faq/index.html"]


ABOUT_DEV = {"levels/index.html",  # lists every level with its summary
             "levels/dev/index.html", "tracks/ic/index.html", "compare/index.html", "compare/us/index.html",
             "embed/levels/dev/index.html", "ladder.json"}  # not the diff with senior-dev: it shows no summary
COMPARING_DEV = {"diff/dev--senior-dev/index.html"}  # what the two levels expect, side by side
CITING_LINES = {"parity/index.html", "parity/us/index.html",  # findings cite where levels are written
                "embed/compare/index.html", "embed/parity/us/index.html"}
ABOVE_DEV = {"levels/senior-dev/index.html", "embed/levels/senior-dev/index.html",
             "diff/senior-dev--manager/index.html",  # senior-dev's marks and comparisons look below it
             "competencies/coding/index.html", "competencies/leading/index.html"}  # they show expectations alone
TOOLS_ON_DEV = {"case/dev/index.html", "case/senior-dev/index.html",  # a case lists what applies at its level
                "switch/dev/index.html", "switch/senior-dev/index.html",  # a switch compares expectations where
                "switch/manager/index.html"}                              # it starts and lands (senior-dev)


ABOUT_SENIOR_DEV = {"levels/index.html", "levels/senior-dev/index.html", "tracks/ic/index.html", "compare/index.html",
                    "compare/us/index.html", "embed/levels/senior-dev/index.html", "ladder.json"}  # not dev's page
# (it counts what senior-dev's expectations change, not what senior-dev says), nor the diff with manager


@pytest.mark.parametrize("change, rendered", [
    ("level summary", ABOUT_DEV),
    ("upper level summary", ABOUT_SENIOR_DEV),
    ("level expectation", ABOUT_DEV | COMPARING_DEV | {"diff/levels.js"} | ABOVE_DEV | TOOLS_ON_DEV)])
def test_a_level_edit_renders_its_level_track_and_what_compares_with_it(handbook: Path, change: str,
                                                                         rendered: set[str]) -> None:
    """The 'dev' level, below 'senior-dev' on the ic track: what the level above and the
    competency pages show of it is its expectations, so a summary edit leaves them alone."""
    builder, site = first_build(handbook)
    EDITS[change](handbook)
    assert set(builder.run(site).rendered) == rendered


def test_a_level_edit_that_moves_the_lines_below_renders_what_cites_them(handbook: Path) -> None:
    """Parity findings cite the line a level is written on: an edit that moves the levels below
    it renders the pages of findings again, one that keeps every line leaves them alone."""
    builder, site = first_build(handbook)
    EDITS["level summary a line longer"](handbook)
    assert CITING_LINES <= set(builder.run(site).rendered)


@pytest.mark.parametrize("change, again", [("level summary", False), ("level expectation", False),
                                            ("level summary a line longer", True), ("band", True)])
def test_pay_parity_is_checked_again_only_when_what_it_reads_changed(handbook: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                                                     change: str, again: bool) -> None:
    """Parity reads bands and where levels are written, not what they say: an edit of a level's
    words keeps the findings (the pages citing them are byte-identical to a cold build's, as
    test_rebuild_after_an_edit_equals_a_full_build checks for each of these edits)."""
    import ladderdocs.pages.facts as facts_module

    checked: list[str] = []
    real = facts_module.findings
    monkeypatch.setattr(facts_module, "findings", lambda hb: checked.append(hb.settings.title) or real(hb))
    builder, site = first_build(handbook)
    assert checked
    checked.clear()
    EDITS[change](handbook)
    rebuilt = builder.run(site)
    assert bool(checked) == again
    assert rebuilt.findings == render(handbook).findings


def test_a_title_change_renders_every_page(handbook: Path) -> None:
    builder, site = first_build(handbook)
    EDITS["level title"](handbook)
    rebuilt = builder.run(site)
    every_job = {job.path for page_type in PAGE_TYPES for job in page_type.jobs(Facts(rebuilt.handbook))}
    assert set(rebuilt.rendered) == every_job


def test_pages_rerender_by_what_they_declare(handbook: Path) -> None:
    def jobs(facts: Facts) -> Iterator[PageJob]:
        yield PageJob("feature/any/index.html", "search.html", {})  # declares nothing: rendered every time
        yield PageJob("feature/dev/index.html", "search.html", {}, frozenset({level_dep("dev")}))

    builder, site = first_build(handbook, [*PAGE_TYPES, PageType("feature", ("feature",), ("search.html",), jobs)])
    EDITS["prose body"](handbook)
    rebuilt = builder.run(site)
    assert "feature/any/index.html" in rebuilt.rendered and "feature/dev/index.html" not in rebuilt.rendered
    EDITS["level summary"](handbook)
    assert {"feature/any/index.html", "feature/dev/index.html"} <= set(builder.run(rebuilt).rendered)


def test_a_broken_reference_fails_the_rebuild_and_the_fix_recovers(handbook: Path) -> None:
    builder, site = first_build(handbook)
    edit(handbook, "pages/faq.md", "Someone who designs services.", "See [[level:nobody]].")
    with pytest.raises(ContentError) as failed:
        builder.run(site)
    assert any(p.file.endswith("faq.md") and p.line == 7 and "nobody" in p.message for p in failed.value.problems)
    edit(handbook, "pages/faq.md", "See [[level:nobody]].", "See [[level:dev]].")
    assert builder.run(site).files == render(handbook).files  # diffed against the last good site


@pytest.mark.parametrize("rel, url", [
    ("index.md", ""), ("faq.md", "faq/"), ("guides/index.md", "guides/"),
    ("guides/promotion.md", "guides/promotion/"), ("notes/v1.2.md", "notes/v1.2/"), ("a/b/c.md", "a/b/c/"),
])
def test_page_addresses(rel: str, url: str) -> None:
    assert page_url(rel) == url


def test_a_body_edit_is_rendered_ahead_exactly_as_the_full_rebuild_renders_it(handbook: Path) -> None:
    """serve writes such a page before the full rebuild: the two must agree to the byte."""
    builder, site = first_build(handbook)
    edit(handbook, "pages/faq.md", "Someone who designs services.", "Someone who grows into [[level:dev]].")
    quick = builder.quick_pages(site, [handbook / "pages" / "faq.md"])
    assert list(quick) == ["faq/index.html"]
    assert "grows into" in quick["faq/index.html"].decode()
    assert quick["faq/index.html"] == builder.run(site).files["faq/index.html"]


@pytest.mark.parametrize("make, old, new", [
    (lambda tmp: shutil.copytree(MINI, tmp).resolve(), "Builds features.", "Builds [[level:senior-dev]] features."),
    (lambda tmp: shutil.copytree(FIXTURES / "cumulative", tmp).resolve(), "summary: Delivers.", "summary: Ships."),
    (lambda tmp: generated(tmp), "    summary: ", "    summary: Now "),  # bench-shaped: the first level of ic
])
def test_a_level_words_edit_is_rendered_ahead_exactly_as_the_full_rebuild_renders_it(tmp_path: Path, make, old: str,  # type: ignore[no-untyped-def]
                                                                                     new: str) -> None:
    """serve writes the edited level's page before the full rebuild: the two must agree to the byte."""
    from ladderdocs.serve.ahead import level_pages

    root = make(tmp_path / "handbook")
    builder, site = first_build(root)
    track = root / "ladder" / "tracks" / "ic.yml"
    edit(root, "ladder/tracks/ic.yml", old, new)
    ahead = level_pages(builder, site, [track])
    assert len(ahead) == 1 and list(ahead)[0].startswith("levels/")
    builder.parsed.forget([track], only_these=True)
    full = builder.run(site).files
    assert all(full[path] == page for path, page in ahead.items())
    assert ahead != {path: site.files[path] for path in ahead}


def test_a_level_words_edit_saved_by_rename_is_rendered_ahead_too(handbook: Path) -> None:
    """An editor's temporary file, renamed over the track, comes in the same burst: it is never read."""
    from ladderdocs.serve.ahead import level_pages

    builder, site = first_build(handbook)
    track = handbook / "ladder" / "tracks" / "ic.yml"
    temporary = track.with_name("ic.yml.tmp123")
    temporary.write_text(track.read_text().replace("Builds features.", "Builds by rename."))
    temporary.replace(track)
    ahead = level_pages(builder, site, [temporary, track])
    assert list(ahead) == ["levels/dev/index.html"] and b"Builds by rename." in ahead["levels/dev/index.html"]


@pytest.mark.parametrize("rel, old, new", [
    ("ladder/tracks/ic.yml", "title: Developer", "title: Engineer"),  # in every page's navigation
    ("ladder/tracks/ic.yml", "Reviews small changes.", "Reviews changes."),  # the levels above compare with it
    ("ladder/tracks/ic.yml", "summary: Builds features.", "summary: >-\n      Builds features."),  # lines move
    ("ladder/tracks/ic.yml", "Grow by building.", "Grow by shipping."),  # the track's own words
    ("ladder/tracks/ic.yml", "Builds features.", "Builds [[level:nobody]]."),  # a problem: the rebuild's
    ("ladder/tracks/ic.yml", "summary: Builds features.", "summary: 12"),  # not in the schema
    ("ladder/tracks/ic.yml", "summary: Builds features.", "summary: Builds features.\n    colour: red"),
    ("ladder/comp.yml", "max: ", "max: 1"),  # a band: not a track file
    ("pages/faq.md", "Someone who designs services.", "Someone who leads."),
])
def test_anything_but_a_level_words_edit_waits_for_the_full_rebuild(handbook: Path, rel: str, old: str,
                                                                    new: str) -> None:
    from ladderdocs.serve.ahead import level_pages

    builder, site = first_build(handbook)
    edit(handbook, rel, old, new)
    assert level_pages(builder, site, [handbook / rel]) == {}


@pytest.mark.parametrize("rel, old, new", [
    ("pages/faq.md", "title: FAQ", "title: Questions"),  # the title is in the navigation of every page
    ("pages/faq.md", "order: 2", "order: 2\nnav: false"),
    ("pages/faq.md", "order: 2", "order: 2\ncolour: red"),  # not in the schema: the rebuild reports it
    ("pages/faq.md", "Someone who designs services.", "See [[level:nobody]]."),  # a problem: the rebuild's
    ("pages/index.md", "", ""),  # the home page shows more than its body
    ("ladder/tracks/ic.yml", "", ""),
])
def test_anything_but_a_clean_body_edit_waits_for_the_full_rebuild(handbook: Path, rel: str, old: str,
                                                                  new: str) -> None:
    builder, site = first_build(handbook)
    if old:
        edit(handbook, rel, old, new)
    assert builder.quick_pages(site, [handbook / rel]) == {}


def test_a_new_page_waits_for_the_full_rebuild(handbook: Path) -> None:
    builder, site = first_build(handbook)
    (handbook / "pages" / "new.md").write_text("---\ntitle: New\n---\nHello.\n", encoding="utf-8")
    assert builder.quick_pages(site, [handbook / "pages" / "new.md"]) == {}


# -- level edits on handbooks of real shape: incremental, and still byte-identical ----------
def generated(root: Path) -> Path:
    """bench/generate.py's handbook (4 tracks of 10 levels, 20 competencies), with 30 pages."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    generate(root, 30)
    return root.resolve()


def nth_expectation(text: str, n: int) -> str:
    """The n-th expectation written as a plain string (not a `key:`/`text:` mapping)."""
    return [line for line in text.splitlines() if line.startswith("        - ") and ": " not in line][n]


LEVEL_EDITS: dict[str, tuple[str, Callable[[Path], Path], list[tuple[str, str]]]] = {
    # handbook, how to make it, then edits in turn (old, new) to its ladder/tracks/ic.yml
    "cumulative, bottom then middle": ("cumulative", lambda tmp: shutil.copytree(FIXTURES / "cumulative", tmp).resolve(), [
        ("Writes clear commit messages.", "Writes clear commit messages and notes."),  # every level above inherits it
        ("Designs a feature before building it.", "Designs a service before building it."),
        ("summary: Delivers.", "summary: Delivers often.")]),
    "restated, bench-shaped": ("generated", generated, [("", ""), ("", "")]),
}


@pytest.mark.parametrize("case", sorted(LEVEL_EDITS))
def test_level_edits_in_turn_rebuild_to_a_cold_build(tmp_path: Path, case: str) -> None:
    """serve's rebuild (only the track file re-read, the marks and diffs the edit cannot reach
    kept) writes what a cold build of the same files writes, edit after edit."""
    _, make, edits = LEVEL_EDITS[case]
    root = make(tmp_path / "handbook")
    track = root / "ladder" / "tracks" / "ic.yml"
    builder, site = first_build(root)
    for number, (old, new) in enumerate(edits):
        text = track.read_text()
        if not old:  # a middle level's expectation, then another
            old = nth_expectation(text, 40 + number * 25)
            new = old + " And teaches it."
        assert old in text
        track.write_text(text.replace(old, new, 1))
        builder.parsed.forget([track], only_these=True)
        site = builder.run(site)
        full = render(root).files
        assert sorted(site.files) == sorted(full)
        stale = [path for path in full if site.files[path] != full[path]]
        assert not stale, f"stale after edit {number + 1}: {stale}"


def test_a_level_edit_works_out_again_only_what_compares_its_track(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A diff of two levels of other tracks cannot change: it is not worked out again."""
    import ladderdocs.pages.facts as facts_module

    root = generated(tmp_path / "handbook")
    worked_out: list[tuple[str, str]] = []
    real = facts_module.diff_levels

    def spy(hb, lower, upper, applying):  # type: ignore[no-untyped-def]
        worked_out.append((lower.track_id, upper.track_id))
        return real(hb, lower, upper, applying)

    monkeypatch.setattr(facts_module, "diff_levels", spy)
    builder, site = first_build(root)
    assert ("management", "management") in worked_out
    worked_out.clear()
    edit(root, "ladder/tracks/ic.yml", nth_expectation((root / "ladder/tracks/ic.yml").read_text(), 60),
         "        - Teaches what the team builds.")
    builder.run(site)
    assert worked_out and all("ic" in pair for pair in worked_out), sorted(set(worked_out))


def test_a_level_edit_reported_by_the_watcher_stats_no_page(handbook: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """serve trusts the watcher's report: a level edit does not ask the file system about every page."""
    import ladderdocs.source.cache as cache_module

    builder, site = first_build(handbook)
    asked: list[Path] = []
    real = cache_module._stat_key
    monkeypatch.setattr(cache_module, "_stat_key", lambda path: asked.append(path) or real(path))
    EDITS["level summary"](handbook)
    builder.parsed.forget([handbook / "ladder" / "tracks" / "ic.yml"], only_these=True)
    rebuilt = builder.run(site)
    assert "Ships features." in rebuilt.files["levels/dev/index.html"].decode()
    assert not [path for path in asked if "pages" in Path(path).parts], asked  # a page's path is text
    builder.parsed.forget([])  # a report of nothing in particular: every file is looked at again
    asked.clear()
    builder.run(rebuilt)
    assert str(handbook / "pages" / "faq.md") in map(str, asked)


def test_a_body_edit_keeps_the_schema_answers_of_its_front_matter(handbook: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Checking a page's front matter again imports jsonschema and builds a validator (a third of
    an edit build); a body edit leaves the front matter as it was, so its answers are kept. A
    front matter edit is checked again, and its problem is reported."""
    import ladderdocs.source.cache as cache_module

    builder, site = first_build(handbook)
    checked: list[str] = []
    real = cache_module.check_schema
    monkeypatch.setattr(cache_module, "check_schema", lambda doc, kind: checked.append(doc.name) or real(doc, kind))
    edit(handbook, "pages/faq.md", "Someone who designs services.", "Someone who designs systems.")
    rebuilt = builder.run(site)
    assert "Someone who designs systems." in rebuilt.files["faq/index.html"].decode()
    assert checked == []
    edit(handbook, "pages/faq.md", "order: 2", "order: second")
    with pytest.raises(ContentError) as failed:
        builder.run(rebuilt)
    assert [name for name in checked if name.endswith("faq.md")]
    assert any(p.file.endswith("faq.md") and p.line == 3 for p in failed.value.problems), failed.value.problems
