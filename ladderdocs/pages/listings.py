"""The "All pages" index: one listing per folder of pages/, split into parts when long.

A single list of every page grows with the handbook (2,000 pages made a 300 KB page);
listing each folder on its own page, at most LISTING_LIMIT pages to a part, keeps every
listing small while each page stays two clicks from the top.
"""

from __future__ import annotations

from dataclasses import dataclass
from posixpath import dirname
from typing import Iterator

from ladderdocs.addresses import listing_url
from ladderdocs.model.entities import Handbook, Page
from ladderdocs.model.queries import Folder, ancestors, folder_of
from ladderdocs.pages.base import NavEntry, PageJob, PageType
from ladderdocs.pages.exports import EXPORTS
from ladderdocs.pages.facts import Facts
from ladderdocs.text.i18n import N_

LISTING_LIMIT = 150  # pages on one part of a listing


@dataclass(frozen=True)
class Listing:
    """One part of one folder's listing: what pages.html shows."""

    folder: Folder
    trail: list[tuple[str, str]]  # (url, label) of the folders above, from "All pages" down
    folders: list[Folder]         # subfolders, on the first part only
    pages: list[Page]
    part: int                     # 1-based
    parts: int

    @property
    def url(self) -> str:
        return self.part_url(self.part)

    def part_url(self, part: int) -> str:
        return self.folder.url if part == 1 else f"{self.folder.url}{part}/"


def trail(folders: dict[str, Folder], folder: str) -> list[tuple[str, str]]:
    """Breadcrumbs from "All pages" down to `folder`, inclusive."""
    return [(folders[f].url, folders[f].title) for f in ancestors(folder)]


def listings(facts: Facts) -> Iterator[Listing]:
    by_path = facts.folders
    pages_in: dict[str, list[Page]] = {}
    for page in facts.handbook.pages:
        pages_in.setdefault(folder_of(page), []).append(page)
    children_of: dict[str, list[Folder]] = {}
    for folder in by_path.values():
        if folder.path:
            children_of.setdefault(dirname(folder.path), []).append(folder)
    for path, folder in by_path.items():
        children = children_of.get(path, [])
        pages = pages_in.get(path, [])
        parts = max(1, -(-len(pages) // LISTING_LIMIT))
        for part in range(1, parts + 1):
            chunk = pages[(part - 1) * LISTING_LIMIT: part * LISTING_LIMIT]
            yield Listing(folder, trail(by_path, path)[:-1], children if part == 1 else [], chunk, part, parts)


def jobs(facts: Facts) -> Iterator[PageJob]:
    for listing in listings(facts):
        exports = EXPORTS if listing.url == listing_url("") else {}  # the data files, on the top listing
        yield PageJob(f"{listing.url}index.html", "pages.html", {"listing": listing, "exports": exports},
                      frozenset())


def nav(handbook: Handbook) -> list[NavEntry]:
    return [NavEntry(listing_url(""), N_("All pages"))] if len(handbook.pages) > 1 else []


PAGE = PageType("listings", ("pages",), ("pages.html",), jobs, nav, index=listing_url(""))
