"""What a page type is: its addresses, its navigation entry, its jobs and its search entries.

A job is one output file: a page rendered through a theme template with a context built in
Python, or a file made by a function (ladder.json). Each job names the keys of what it shows
(model/deps.py), so serve renders it again only when one of them changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Protocol, Union

from ladderdocs.model.deps import ALL, Dep
from ladderdocs.model.entities import Handbook, Page
from ladderdocs.pages.facts import Facts
from ladderdocs.text.plain import Section


@dataclass(frozen=True)
class PageJob:
    """A page: where it goes, which template, what the template shows and what that depends on.

    `prose`, when given, is the prose page whose Markdown body this page shows: the renderer
    hands the template its HTML (`body`) and headings (`headings`), and keeps its sections
    for the search index.
    """

    path: str
    template: str
    context: Mapping[str, Any]
    deps: frozenset[Dep] = frozenset({ALL})
    prose: Page | None = None

    @property
    def dir(self) -> str:
        return self.path.rsplit("/", 1)[0] + "/" if "/" in self.path else ""


@dataclass(frozen=True)
class FileJob:
    """A file made by a function, not a template (ladder.json, bands.csv)."""

    path: str
    make: Callable[[], bytes]
    deps: frozenset[Dep] = frozenset({ALL})


Job = Union[PageJob, FileJob]


@dataclass(frozen=True)
class NavEntry:
    url: str
    label: str       # the theme's English (translated by `navigation`), or a page's own title
    ui: bool = True  # False: a page's title, shown as written
    also: tuple[str, ...] = ()  # further sections the entry stands for ("Compare": compare/ and diff/)

    @property
    def sections(self) -> tuple[str, ...]:
        """First segments of the addresses the entry is current anywhere below."""
        return (self.url.split("/")[0], *self.also)


@dataclass(frozen=True)
class SearchGroup:
    """What results are listed under, and how much a word in their text counts."""

    label: str
    text_weight: int = 3
    excerpts_later: bool = False  # long prose: its excerpts come in a second file, after the first results


class SearchDoc(NamedTuple):
    """One searchable part of a page: a hit links to its anchor. A named tuple, not a frozen
    dataclass: an index makes one per section of every page (14,000 at 2,000 pages), in half the time."""

    anchor: str
    heading: str
    text: str
    context: str = ""  # the address of another entry this part also speaks for (an expectation's competency)


@dataclass(frozen=True)
class SearchEntry:
    """A page as the search results show it; its first doc holds what its title stands for."""

    group: SearchGroup
    url: str
    title: str
    subtitle: str
    docs: list[SearchDoc]


class SearchSources(Protocol):
    """What a page type's search entries are made from, beside the model."""

    def plain(self, text: str, inline: bool = False) -> str:
        """A Markdown string as the words a reader sees (text/plain.py)."""

    def sections(self, path: str) -> list[Section]:
        """The sections of the Markdown body rendered into the page at `path`."""

    def entry(self, path: str, make: Callable[[list[Section]], SearchEntry]) -> SearchEntry:
        """`make(sections(path))`, or a stand-in for it when that page is still being rendered
        (an index begun beside the render, site.py): it is then made after every other entry,
        so the index waits for the rendered pages alone."""


def _no_nav(handbook: Handbook) -> list[NavEntry]:
    return []


def _no_search(facts: Facts, sources: SearchSources) -> Iterable[SearchEntry]:
    return ()


@dataclass(frozen=True)
class PageType:
    """One kind of page. `addresses` are the first segments of its jobs' paths (a folder such
    as 'levels', or a file at the root such as 'ladder.json'); None for prose pages, which
    take whatever the others leave free."""

    name: str
    addresses: tuple[str, ...] | None
    templates: tuple[str, ...]
    jobs: Callable[[Facts], Iterable[Job]]
    nav: Callable[[Handbook], list[NavEntry]] = field(default=_no_nav)
    search: Callable[[Facts, SearchSources], Iterable[SearchEntry]] = field(default=_no_search)
    index: str | None = None  # the address of its own index page ('tracks/'): templates link `url(index.tracks)`
    crawled: bool = True  # its HTML pages are listed in sitemap.xml
    # The jobs an edit reaches (their keys meet `changed`), listed without the others, for a
    # type whose every other job stays as it was listed while the skeleton stays (prose pages).
    reached: Callable[[Facts, set[Dep]], Iterable[Job]] | None = None
