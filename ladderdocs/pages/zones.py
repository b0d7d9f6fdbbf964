"""Sections with one static page per pay zone (compare, parity): addresses and zone tabs.

Every zone has its own page (`compare/us/`, `compare/au/`); the section's own address
(`compare/`) shows the first zone again, with a canonical link to that zone's page. The reader
switches zone with a plain link, no script needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ladderdocs.model.entities import Handbook, Zone


@dataclass(frozen=True)
class ZoneTab:
    zone: Zone
    url: str      # site path of this zone's page, e.g. 'compare/au/'
    current: bool


@dataclass(frozen=True)
class ZonePage:
    path: str             # output file, e.g. 'compare/index.html'
    zone: Zone | None     # None: a handbook without pay zones
    canonical: str        # the address search engines should keep: the zone's own


def zone_url(section: str, zone: Zone | None) -> str:
    """A zone's own page in a section; the section's address when there are no zones."""
    return f"{section}/" if zone is None else f"{section}/{zone.id}/"


def zone_tabs(handbook: Handbook, section: str, current: Zone | None) -> list[ZoneTab]:
    return [ZoneTab(z, zone_url(section, z), z is current) for z in handbook.zones]


def zone_pages(handbook: Handbook, section: str) -> Iterator[ZonePage]:
    """Every zone's page, and the section's address showing the first zone."""
    if not handbook.zones:
        yield ZonePage(f"{section}/index.html", None, f"{section}/")
        return
    first = handbook.zones[0]
    yield ZonePage(f"{section}/index.html", first, zone_url(section, first))
    for zone in handbook.zones:
        yield ZonePage(zone_url(section, zone) + "index.html", zone, zone_url(section, zone))
