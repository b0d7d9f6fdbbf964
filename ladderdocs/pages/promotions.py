"""The promotions page, `promotions/`: where the promotions of `build --promotions FILE` landed,
by track and grade, as a chart and a table, with the audit's findings (checks/audit.py).

Privacy first: the page exists only when the build's handbook carries an audit (an internal
build, or `audit.public: true`); every count of people from 1 to `audit.min_group` - 1 reads
"fewer than N", and a total that would let a reader subtract one of them back is given as
"at least". It is in no search index.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterator

from ladderdocs.model.entities import Handbook, Track
from ladderdocs.pages.base import NavEntry, PageJob, PageType
from ladderdocs.pages.facts import Facts
from ladderdocs.text.i18n import N_, Messages, Phrase

if TYPE_CHECKING:  # the audit is imported by a build that has one (`--promotions`)
    from ladderdocs.checks.audit import Audit, Finding

URL = "promotions/"
FEWER = N_("fewer than %(num)s")
EXACT, FEW, AT_LEAST = "exact", "few", "at-least"
SCALE = 1000  # the chart's axis, in the viewBox units of a bar


@dataclass(frozen=True)
class Shown:
    """A count of people as the page may show it: exactly, "fewer than N", or "at least N"."""

    kind: str
    value: int  # the count (exact), the minimum group (few), the lower bound (at least)


@dataclass(frozen=True)
class Column:
    """One track in the table: its cell at each grade (None: no level there) and its total."""

    track: Track
    cells: list[Shown | None]
    total: Shown
    bar: float  # the total's bar, in thousandths of the longest (0: none drawn)


def shown(count: int, min_group: int) -> Shown:
    """Zero is shown: it names no one, and the findings say "no one" anyway."""
    return Shown(FEW, min_group) if 0 < count < min_group else Shown(EXACT, count)


def total(counts: list[int], min_group: int) -> Shown:
    """A sum of cells shown exactly only when no cell is hidden: else it would give a hidden
    cell back by subtraction, and the page says only what is certain."""
    hidden = [n for n in counts if 0 < n < min_group]
    whole = sum(counts)
    if not hidden:
        return Shown(EXACT, whole)
    if whole < min_group:
        return Shown(FEW, min_group)
    return Shown(AT_LEAST, max(min_group, whole - sum(hidden) + len(hidden)))


def private(finding: Finding, min_group: int, say: Messages) -> Phrase:
    """The finding's sentence with every small count of people replaced by "fewer than N"."""
    text = finding.text
    few = say.gettext(FEWER, num=min_group)
    params = tuple((name, few if name in finding.people and isinstance(value, int) and 0 < value < min_group
                    else value) for name, value in text.params)
    if "num" in finding.people and text.count is not None and 0 < text.count < min_group:
        return replace(text, params=params + (("num", few),), count=min_group)  # the plural of "fewer than 5"
    return replace(text, params=params)


def columns(facts: Facts, result: Audit, min_group: int) -> list[Column]:
    grid = facts.grid  # highest grade first, as every grid of grades
    made = []
    for i, track in enumerate(facts.handbook.tracks):
        counts = [result.landed.get((track.id, row.grade), 0) for row in grid]
        cells = [shown(n, min_group) if row.cells[i].levels else None for n, row in zip(counts, grid)]
        made.append((track, cells, total(counts, min_group)))
    longest = max([t.value for _, _, t in made if t.kind != FEW] + [1])
    return [Column(track, cells, t, 0.0 if t.kind == FEW else round(t.value / longest * SCALE, 1))
            for track, cells, t in made]


def jobs(facts: Facts) -> Iterator[PageJob]:
    hb = facts.handbook
    result = hb.promotions
    if result is None:
        return
    from ladderdocs.checks.audit import LAST, Audit
    if not isinstance(result, Audit):
        return
    min_group = hb.settings.audit.min_group
    track = hb.track_by_id
    allowed = [(m.from_track, m.to_track) for m in hb.mobility.moves] if hb.mobility else []
    pairs = list(dict.fromkeys(allowed + list(result.moves)))
    yield PageJob(f"{URL}index.html", "promotions.html", {
        "audit": result, "min_group": min_group, "last": LAST, "grades": [row.grade for row in facts.grid],
        "columns": columns(facts, result, min_group),
        "findings": [(f, private(f, min_group, facts.messages)) for f in result.findings],
        "moves": [(track[a], track[b], shown(result.moves.get((a, b), 0), min_group)) for a, b in pairs],
        "hybrid": [(h.track, [(N_("Left within the time box"), shown(h.ended_within, min_group)),
                              (N_("Left after the time box"), shown(h.ended_over, min_group)),
                              (N_("Still on the track, within the time box"), shown(h.open_within, min_group)),
                              (N_("Still on the track, past the time box"), shown(h.open_over, min_group))])
                   for h in result.hybrid]})


def nav(handbook: Handbook) -> list[NavEntry]:
    return [NavEntry(URL, N_("Promotions"))] if handbook.promotions is not None else []


PAGE = PageType("promotions", ("promotions",), ("promotions.html",), jobs, nav, index=URL)
