"""Prose pages: every Markdown file under pages/ but the home page, at the address its path gives.

`pages/guides/promotion.md` becomes `guides/promotion/`. The navigation lists at most
NAV_PAGE_LIMIT of those marked `nav: true`, by `order`; the others are one click away on
"All pages" (listings.py). Each section of a page (split at its headings) is found by search.
"""

from __future__ import annotations

from functools import partial
from itertools import repeat
from operator import add
from typing import Iterator

from ladderdocs.addresses import edit_url
from ladderdocs.model.deps import page_dep
from ladderdocs.model.entities import Handbook, Page
from ladderdocs.model.queries import folder_of
from ladderdocs.pages.base import NavEntry, PageJob, PageType, SearchDoc, SearchEntry, SearchGroup, SearchSources
from ladderdocs.pages.facts import Facts
from ladderdocs.pages.listings import trail
from ladderdocs.text.i18n import N_
from ladderdocs.text.plain import Section

NAV_PAGE_LIMIT = 3  # prose pages in the top navigation; the rest are on the "All pages" index
PAGES = SearchGroup(N_("Pages"), excerpts_later=True)


def page_job(facts: Facts, page: Page) -> PageJob:
    settings = facts.handbook.settings
    return PageJob(f"{page.url}index.html", "page.html", {
        "page": page, "trail": trail(facts.folders, folder_of(page)), "description": page.description,
        "edit_url": edit_url(settings.repo_url, settings.edit_uri, page.rel) if settings.repo_url else None},
        frozenset({page_dep(page.rel)}), prose=page)


def alias_jobs(page: Page) -> Iterator[PageJob]:
    """A page at each old address of `page`, sending the reader on (without a script)."""
    for alias in page.aliases:
        yield PageJob(f"{alias}index.html", "redirect.html", {"target": page}, frozenset({page_dep(page.rel)}))


def jobs(facts: Facts) -> Iterator[PageJob]:
    for page in facts.handbook.pages:
        yield from _jobs_of(facts, page)


def reached_jobs(facts: Facts, changed: set[tuple[str, ...]]) -> Iterator[PageJob]:
    """The jobs of the pages an edit changed, alone: a page's jobs show that page only, so
    while the skeleton (every page's address) stays, the other pages' jobs stay as listed.
    An edit build of one page so builds one context, not 2,000 (site.Pipeline._jobs)."""
    rels = {dep[1] for dep in changed if dep[0] == "page"}
    for page in facts.handbook.pages:  # in the order `jobs` lists them
        if page.rel in rels:
            yield from _jobs_of(facts, page)


def _jobs_of(facts: Facts, page: Page) -> Iterator[PageJob]:
    if page.rel != "index.md":  # the home page has a type of its own
        yield page_job(facts, page)
    yield from alias_jobs(page)


def nav(handbook: Handbook) -> list[NavEntry]:
    listed = [p for p in handbook.pages if p.nav][:NAV_PAGE_LIMIT]
    return [NavEntry(p.url, p.title, ui=False) for p in listed]


def page_entry(page: Page, path: str, sources: SearchSources, url: str | None = None) -> SearchEntry:
    """A prose page in the search index (at `url`, the page's own unless given), a doc per
    section; with no words before its first heading, its description stands in."""
    return sources.entry(path, partial(_page_entry, page, sources, page.url if url is None else url))


def _page_entry(page: Page, sources: SearchSources, url: str, found: list[Section]) -> SearchEntry:
    sections = list(found)
    if not sections[0][2]:
        sections[0] = ("", "", sources.plain(page.description))
    if page.tags:  # a tag is found as a word of the page
        sections[0] = (sections[0][0], sections[0][1], " ".join([sections[0][2], *page.tags]).strip())
    return SearchEntry(PAGES, url, page.title, "", _docs(sections))


def _docs(sections: list[Section]) -> list[SearchDoc]:
    """A doc per section, with no context: each tuple made in C (SearchDoc(*section) calls
    Python), as the pages have many (14,000 at 2,000 pages, in every index)."""
    return list(map(tuple.__new__, repeat(SearchDoc), map(add, sections, repeat(("",)))))


def search(facts: Facts, sources: SearchSources) -> Iterator[SearchEntry]:
    for page in facts.handbook.pages:
        if page.rel != "index.md":
            url = page.url
            yield page_entry(page, f"{url}index.html", sources, url)


PAGE = PageType("prose", None, ("page.html", "redirect.html"), jobs, nav, search, reached=reached_jobs)
