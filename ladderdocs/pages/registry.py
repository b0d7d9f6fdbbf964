"""The page registry: every kind of page the site has, one module each (see base.PageType).

The order is the order of the navigation and of the search index's entries. Adding a page
type is a module, a template and a line here (the README's "Adding a page type").
"""

from __future__ import annotations

from dataclasses import replace

from ladderdocs.model.entities import Handbook
from ladderdocs.pages import (
    changes,
    case,
    checkin,
    compare,
    competencies,
    diffs,
    embed,
    exports,
    home,
    levels,
    listings,
    mobility,
    not_found,
    parity,
    promotions,
    prose,
    search,
    switch,
    tracks,
)
from ladderdocs.pages.base import NavEntry, PageType
from ladderdocs.text.i18n import Messages

PAGE_TYPES: list[PageType] = [
    home.PAGE,
    tracks.PAGE,
    levels.PAGE,
    competencies.PAGE,
    compare.PAGE,
    parity.PAGE,
    mobility.PAGE,
    switch.PAGE,
    promotions.PAGE,
    changes.PAGE,
    checkin.PAGE,
    case.PAGE,
    prose.PAGE,
    listings.PAGE,
    diffs.PAGE,
    search.PAGE,
    embed.PAGE,
    exports.PAGE,
    not_found.PAGE,
]


def navigation(handbook: Handbook, page_types: list[PageType]) -> list[NavEntry]:
    """The main navigation: each page type's entries, in registry order, in the handbook's language."""
    say = Messages(handbook.settings.language, handbook.settings.strings)
    return [replace(entry, label=say.text(entry.label)) if entry.ui else entry
            for page_type in page_types for entry in page_type.nav(handbook)]


def views(handbook: Handbook, page_types: list[PageType]) -> dict[str, tuple[str, str]]:
    """What `[[view:name]]` in prose links to: each page type whose index is in this build's
    navigation, by its name, with the navigation's label (`[[view:mobility]]`)."""
    labels = {entry.url: entry.label for entry in navigation(handbook, page_types)}
    return {page_type.name: (page_type.index, labels[page_type.index])
            for page_type in page_types if page_type.index is not None and page_type.index in labels}


def index_pages(page_types: list[PageType]) -> dict[str, str]:
    """Page type name -> the address of its index page, for templates (`url(index.tracks)`)."""
    return {page_type.name: page_type.index for page_type in page_types if page_type.index is not None}


def reserved_addresses(page_types: list[PageType]) -> set[str]:
    """The first path segments the page types own: no prose page may take one."""
    return {address for page_type in page_types for address in page_type.addresses or ()}
