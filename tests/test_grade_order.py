"""One order of grades everywhere a reader meets a list of them: the highest grade first, on
the tracks grid, a track's ladder, All levels, compare, parity (chart and table) and a
competency's growth on each track."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

GRADE = re.compile(r"(\d+)")

LISTS = [  # page, one selector per list of grades (each list is checked on its own), the grade's element in it
    ("tracks/index.html", "main table.grid", "tbody th[scope=row]"),
    ("tracks/ic/index.html", "main", ".grade"),
    ("levels/index.html", "main", "h2"),
    ("compare/index.html", "main", ".compare-grade"),
    ("parity/index.html", "main .parity-figure", ".chart-grade"),
    ("parity/index.html", "main .parity-table", ".grade-row th"),
    ("competencies/delivery/index.html", "main section", "h3 .muted"),
]


@pytest.mark.parametrize(("path", "lists", "item"), LISTS, ids=[f"{p}:{i}" for p, _, i in LISTS])
def test_highest_grade_first(example_site: Path, path: str, lists: str, item: str) -> None:
    page = BeautifulSoup((example_site / path).read_text(encoding="utf-8"), "html.parser")
    found = page.select(lists)
    assert found, f"no {lists} on {path}"
    for listing in found:
        grades = [int(GRADE.search(el.get_text()).group(1)) for el in listing.select(item)]  # type: ignore[union-attr]
        assert len(grades) >= 2, f"{path}: fewer than two grades under {lists} {item}"
        assert grades == sorted(grades, reverse=True), f"{path}: grades in the order {grades}"
