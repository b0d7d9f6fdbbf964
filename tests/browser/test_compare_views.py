"""Issue 14, what only a browser can tell on the compare views: every track's level in sight
on a phone, no clipped matrix on a desk, and a matrix whose columns stay readable on paper."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page


from . import gate
from .conftest import CONTENT


def _handbook():  # type: ignore[no-untyped-def]
    import sys
    sys.path.insert(0, str(gate.REPO / "tests"))
    from conftest import load_model  # the unit tests' loader: the same model the build uses
    return load_model(CONTENT)[0]


def test_compare_on_a_phone_shows_every_track_of_a_grade_in_the_viewport(page: Page, base_url: str,
                                                                          origin: str) -> None:
    handbook = _handbook()
    crowded = [g for g in handbook.grades if sum(bool(handbook.levels_at(t, g)) for t in handbook.tracks) > 1]
    assert crowded, "the example needs a grade on several tracks"
    page.set_viewport_size(gate.PHONE)
    gate.visit(page, gate.page_url(base_url, "compare/index.html"), origin)
    assert gate.page_overflow(page) <= 0, "the compare page scrolls sideways on a phone"
    for grade in crowded:
        titles = [lv.title for t in handbook.tracks for lv in handbook.levels_at(t, grade)]
        boxes = page.evaluate("""(grade) => [...document.getElementById('grade-' + grade)
            .closest('.grade-card').querySelectorAll('.compare-title a')]
            .map(a => { const r = a.getBoundingClientRect(); return [a.textContent.trim(), r.left, r.right]; })""", grade)
        assert [title for title, _, _ in boxes] == titles
        width = gate.PHONE["width"]
        outside = [title for title, left, right in boxes if left < 0 or right > width]
        assert outside == [], f"grade {grade}: level titles outside the {width} px viewport"


def _unfit_tables(page: Page) -> list[str]:
    """Tables whose scroll box (or the table itself) holds more than it shows."""
    return page.evaluate("""() => [...document.querySelectorAll('table')].map(table => {
        const box = table.closest('.table-scroll') || table;
        const name = table.caption ? table.caption.textContent.trim() : table.className;
        return box.scrollWidth > box.clientWidth + 1 ? name + ': ' + box.scrollWidth + 'px in ' + box.clientWidth + 'px' : '';
      }).filter(Boolean)""")


def test_no_track_page_clips_a_table_at_1280(page: Page, base_url: str, origin: str, site: Path) -> None:
    tracks = sorted(p.relative_to(site).as_posix() for p in (site / "tracks").glob("*/index.html"))
    assert len(tracks) == len(_handbook().tracks)
    for track in tracks:
        gate.visit(page, gate.page_url(base_url, track), origin)
        assert gate.page_overflow(page) <= 0, track
        assert _unfit_tables(page) == [], track
        jump = page.locator("nav.matrix-jump a")
        assert jump.count() == page.locator("table.matrix").count() > 0, track  # a link to each competency


def test_the_matrix_switches_competency_without_a_script(page: Page, base_url: str, origin: str, site: Path) -> None:
    page.set_viewport_size(gate.PHONE)
    gate.visit(page, gate.page_url(base_url, "tracks/ic/index.html"), origin)
    link = page.locator("nav.matrix-jump a").nth(3)
    target = link.get_attribute("href")
    link.click()
    assert page.evaluate("location.hash") == target
    top = page.evaluate("(id) => document.getElementById(id).getBoundingClientRect().top", target[1:])
    assert 0 <= top < gate.PHONE["height"] / 2, "the jump link does not bring its competency into view"
    assert gate.page_overflow(page) <= 0 and _unfit_tables(page) == []


def test_the_printed_matrix_keeps_words_whole(page: Page, base_url: str, origin: str, site: Path) -> None:
    """On A4 no column of the matrix is so narrow that words break letter by letter."""
    page.set_viewport_size({"width": gate.PRINT_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    for track in sorted(p.relative_to(site).as_posix() for p in (site / "tracks").glob("*/index.html")):
        gate.visit(page, gate.page_url(base_url, track), origin)
        narrowest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('.matrix th, .matrix td')]
            .map(cell => cell.getBoundingClientRect().width))""")
        assert narrowest >= 100, f"{track}: a matrix column {narrowest:.0f} px wide on paper"
        broken = page.evaluate("""() => [...document.querySelectorAll('.matrix th a')].filter(a => {
            const words = a.textContent.trim().split(/\\s+/).length;
            return a.getClientRects().length > words;  // a line per word at most
          }).map(a => a.textContent.trim())""")
        assert broken == [], f"{track}: level names broken inside a word"


def test_a_grid_wider_than_a_phone_shows_it_scrolls_and_keeps_its_grades(page: Page, base_url: str,
                                                                         origin: str) -> None:
    """The tracks' grade grid may not fit 375 px: its box then casts an edge shadow (a scroll
    cue) and the grade column stays in view while the tracks scroll under it."""
    page.set_viewport_size(gate.PHONE)
    gate.visit(page, gate.page_url(base_url, "tracks/index.html"), origin)
    assert gate.page_overflow(page) <= 0
    state = page.evaluate("""() => {
        const box = document.querySelector('.table-scroll');
        const wide = box.scrollWidth > box.clientWidth + 1;
        box.scrollLeft = box.scrollWidth;
        const grade = box.querySelector('tbody th').getBoundingClientRect();
        return {wide, cue: getComputedStyle(box).backgroundImage.includes('radial-gradient'),
                gradeLeft: grade.left - box.getBoundingClientRect().left};
      }""")
    if state["wide"]:
        assert state["cue"], "a table that scrolls sideways shows no cue"
        assert abs(state["gradeLeft"]) <= 1, "the grade column scrolls away with the tracks"
