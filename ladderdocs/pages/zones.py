"""Sections with one static page per pay zone (compare, parity): addresses and zone tabs.

The first zone's page is the section's own address (`compare/`), the others sit under it
(`compare/au/`): the reader switches zone with a plain link, no script needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ladderdocs.model.entities import Handbook, Zone


@dataclass(frozen=True)
class ZoneTab:
    zone: Zone
    url: str      # site path of this zone's page, e.g. 'compare/' or 'compare/au/'
    current: bool


def zone_url(handbook: Handbook, section: str, zone: Zone | None) -> str:
    """The first zone's page is the section's own address; the others sit under it."""
    if zone is None or not handbook.zones or zone is handbook.zones[0]:
        return f"{section}/"
    return f"{section}/{zone.id}/"


def zone_tabs(handbook: Handbook, section: str, current: Zone | None) -> list[ZoneTab]:
    return [ZoneTab(z, zone_url(handbook, section, z), z is current) for z in handbook.zones]


def zone_pages(handbook: Handbook, section: str) -> Iterator[tuple[str, Zone | None]]:
    """(output path, zone) for every zone of a per-zone section; one page when there are no zones."""
    zones: list[Zone | None] = [*handbook.zones] or [None]
    for zone in zones:
        yield zone_url(handbook, section, zone) + "index.html", zone
