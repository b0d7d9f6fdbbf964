"""The search page, `search/`: the results of the header box in full, or, without JavaScript,
where to find every page instead. The index it searches is made by outputs/search_index.py
from what every page type contributes."""

from __future__ import annotations

from typing import Iterator

from ladderdocs.pages.base import PageJob, PageType
from ladderdocs.pages.facts import Facts

URL = "search/"


def jobs(facts: Facts) -> Iterator[PageJob]:
    yield PageJob(f"{URL}index.html", "search.html", {}, frozenset())


PAGE = PageType("search", ("search",), ("search.html", "search-box.html"), jobs, index=URL)
