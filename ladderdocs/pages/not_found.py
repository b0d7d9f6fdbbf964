"""The 404 page. GitHub Pages serves it for every missing address, at any depth, so its links
start from the site's path (`url_root`) instead of being relative."""

from __future__ import annotations

from typing import Iterator

from ladderdocs.pages.base import PageJob, PageType
from ladderdocs.pages.facts import Facts

PATH = "404.html"


def jobs(facts: Facts) -> Iterator[PageJob]:
    yield PageJob(PATH, "404.html", {"url_root": facts.handbook.settings.base_path}, frozenset())


PAGE = PageType("not-found", (PATH,), ("404.html",), jobs, crawled=False)
