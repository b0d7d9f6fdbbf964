"""The "All pages" index: one listing per folder of pages/, split into parts when long.

A single list of every page grows with the handbook (2,000 pages made a 300 KB page);
listing each folder on its own page, at most LISTING_LIMIT pages to a part, keeps every
listing small while each page stays two clicks from the top.
"""

from __future__ import annotations

from dataclasses import dataclass
from posixpath import dirname
from typing import Iterator

from ladderdocs.jobs import PageJob
from ladderdocs.model import Handbook, Page
from ladderdocs.views import per_build

LISTING_LIMIT = 150  # pages on one part of a listing
INDEX_URL = "pages/"


@dataclass(frozen=True)
class Folder:
    path: str   # under pages/, posix, '' for pages/ itself
    title: str
    url: str    # its listing
    count: int  # pages in it and below


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


def folder_of(page: Page) -> str:
    return dirname(page.rel)


def listing_url(folder: str) -> str:
    return INDEX_URL + (f"{folder}/" if folder else "")


def _ancestors(folder: str) -> list[str]:
    """'a/b' -> ['', 'a', 'a/b']."""
    parts = folder.split("/") if folder else []
    return [""] + ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


@per_build  # the navigation of every page and the listings ask
def folders(handbook: Handbook) -> dict[str, Folder]:
    """Every folder holding pages, directly or below, with the title readers know it by:
    the title of its index.md when it has one, else its name."""
    counts: dict[str, int] = {}
    for page in handbook.pages:
        for folder in _ancestors(folder_of(page)):
            counts[folder] = counts.get(folder, 0) + 1
    counts.setdefault("", 0)
    titles = {folder_of(p): p.title for p in handbook.pages if p.rel.endswith("/index.md")}
    return {path: Folder(path, "All pages" if not path else titles.get(path, path.rsplit("/", 1)[-1]),
                         listing_url(path), count)
            for path, count in sorted(counts.items())}


def trail(handbook_folders: dict[str, Folder], folder: str) -> list[tuple[str, str]]:
    """Breadcrumbs from "All pages" down to `folder`, inclusive."""
    return [(handbook_folders[f].url, handbook_folders[f].title) for f in _ancestors(folder)]


def listings(handbook: Handbook) -> Iterator[Listing]:
    by_path = folders(handbook)
    pages_in: dict[str, list[Page]] = {}
    for page in handbook.pages:
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


def index_jobs(handbook: Handbook) -> Iterator[PageJob]:
    for listing in listings(handbook):
        yield PageJob(f"{listing.url}index.html", "pages.html", {"listing": listing}, frozenset())
