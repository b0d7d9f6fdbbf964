"""Self-assessment and promotion case, `case/<level>/` (issue 16): every expectation of the
target level (on a cumulative track, with what still applies from below), each cited by its
stable link on a level page, with the engineer's and the manager's fields side by side; every
level page links to its case. The browser side is in tests/browser/test_tools.py."""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import EXAMPLE, FIXTURES, render

SITE_ADDRESS = "https://juniper-freight.github.io/career-framework/"


def soup(files: dict[str, bytes], path: str) -> BeautifulSoup:
    return BeautifulSoup(files[path].decode(), "html.parser")


@pytest.fixture(scope="module")
def example_files() -> dict[str, bytes]:
    return render(EXAMPLE).files


def level_ids(files: dict[str, bytes]) -> list[str]:
    return sorted(path.split("/")[1] for path in files if re.fullmatch(r"levels/[^/]+/index\.html", path))


def test_every_level_has_a_case_citing_every_expectation_that_applies(example_files: dict[str, bytes]) -> None:
    checked = 0
    for level_id in level_ids(example_files):
        level_page = soup(example_files, f"levels/{level_id}/index.html")
        stated = len(level_page.select("ul.expectations > li[id]"))
        inherited = len(level_page.select(".inherited-list > li"))
        case = soup(example_files, f"case/{level_id}/index.html")
        items = case.select("fieldset.case-item")
        assert len(items) == stated + inherited, level_id
        for item in items:
            cite = item["data-cite"]
            assert cite.startswith(SITE_ADDRESS), cite  # the handbook says where it is published
            path, _, anchor = cite.removeprefix(SITE_ADDRESS).partition("#")
            assert soup(example_files, path + "index.html").find(id=anchor), cite  # the anchor exists there
            link = item.select_one(".case-cite a")["href"]
            assert posixpath.normpath(posixpath.join(f"case/{level_id}", link.partition("#")[0])) + "/" == path
            for side in ("self", "manager"):
                state = item.select_one(f"[data-side={side}] select")
                assert [o["value"] for o in state.select("option")] == ["", "not-yet", "sometimes", "consistently"]
                assert case.select_one(f"label[for={state['id']}]")
                evidence = item.select_one(f"[data-side={side}] textarea")
                assert case.select_one(f"label[for={evidence['id']}]")
            checked += 1
    assert checked > 500


def test_a_level_page_links_to_its_case(example_files: dict[str, bytes]) -> None:
    for level_id in level_ids(example_files):
        links = soup(example_files, f"levels/{level_id}/index.html").select("p.case-link a")
        assert [a["href"] for a in links] == [f"../../case/{level_id}/"], level_id


def test_the_case_index_lists_every_level_highest_grade_first(example_files: dict[str, bytes]) -> None:
    index = soup(example_files, "case/index.html")
    linked = []
    for section in index.select("main section[aria-labelledby^=track-]"):
        grades = [int(re.search(r"grade (\d+)", a.get_text()).group(1)) for a in section.select("a")]
        assert grades == sorted(grades, reverse=True)
        linked += [posixpath.normpath(posixpath.join("case", a["href"])).split("/")[1] for a in section.select("a")]
    assert sorted(linked) == level_ids(example_files)


@pytest.mark.parametrize("fixture", ["mini", "cumulative"])
def test_without_a_known_address_the_case_cites_relative_links(fixture: str, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / fixture, content)
    handbook = content / "handbook.yml"
    handbook.write_text(re.sub(r"(?m)^base_url:.*\n", "", handbook.read_text()), encoding="utf-8")
    files = render(content).files
    cases = [path for path in files if re.fullmatch(r"case/[^/]+/index\.html", path)]
    assert cases
    for path in cases:
        for item in soup(files, path).select("fieldset.case-item"):
            cite = item["data-cite"]
            assert cite.startswith("../../levels/"), cite
            address, _, anchor = cite.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), address))
            assert soup(files, target + "/index.html").find(id=anchor), cite


HANDBOOKS = sorted(path.parent.relative_to(FIXTURES).as_posix() for path in FIXTURES.glob("**/handbook.yml")
                   if "bad" not in path.parts)


@pytest.mark.parametrize("fixture", HANDBOOKS)
def test_every_handbook_gets_a_case_per_level_and_a_check_in_that_lists_them(fixture: str) -> None:
    """Real-shaped handbooks (one track, restated, parity fixtures): each level's case, every level to pick."""
    files = render(FIXTURES / fixture).files
    levels = level_ids(files)
    assert levels
    assert sorted(path.split("/")[1] for path in files if re.fullmatch(r"case/[^/]+/index\.html", path)) == levels
    check_in = soup(files, "check-in/index.html")
    assert sorted(o["value"] for o in check_in.select("select[name=current-level] optgroup option")) == levels
