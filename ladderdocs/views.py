"""Derived facts the templates show: ready answers, so templates never search the model."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from ladderdocs.diff import CompetencyDiff, LevelDiff, diff_levels, pair_url, same_grade_url  # noqa: F401
from ladderdocs.model import Band, Competency, Handbook, Level, Move, Track, Zone

if TYPE_CHECKING:
    from ladderdocs.parity import Summary

CURRENCY_SYMBOLS = {"USD": "US$", "AUD": "A$", "EUR": "€", "GBP": "£", "PHP": "₱",
                    "INR": "₹", "JPY": "¥", "CAD": "C$", "NZD": "NZ$", "SGD": "S$"}


Answer = TypeVar("Answer")


def per_build(view: Callable[..., Answer]) -> Callable[..., Answer]:
    """Compute a view once per handbook: templates ask the same question on many pages
    (every competency page asks for every level's marked expectations)."""
    @functools.wraps(view)
    def remembered(handbook: Handbook, *items: Any) -> Answer:
        key = (view.__name__, *(getattr(item, "id", item) for item in items))
        if key not in handbook.memo:
            handbook.memo[key] = view(handbook, *items)
        return handbook.memo[key]  # type: ignore[no-any-return]
    return remembered


def format_money(amount: float, currency: str) -> str:
    """Whole units with thousands separators and the currency's usual symbol."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    return f"{symbol}{amount:,.0f}"


def level_below(handbook: Handbook, level: Level) -> Level | None:
    levels = handbook.track_of(level).levels
    index = levels.index(level)
    return levels[index - 1] if index > 0 else None


def level_above(handbook: Handbook, level: Level) -> Level | None:
    levels = handbook.track_of(level).levels
    index = levels.index(level)
    return levels[index + 1] if index + 1 < len(levels) else None


def growth(handbook: Handbook, level: Level) -> LevelDiff | None:
    """What is new at `level` against the level below it on its track."""
    below = level_below(handbook, level)
    return diff_levels(handbook, below, level) if below else None


@dataclass(frozen=True)
class MarkedExpectation:
    text: str
    change: str  # "new", "grown" or "" (same as the level below, or the first level)
    internal: bool
    line: int
    file: str


@per_build
def marked_expectations(handbook: Handbook, level: Level) -> dict[str, list[MarkedExpectation]]:
    """The level's expectations per competency, each marked new or grown against the level below."""
    diff = growth(handbook, level)
    by_competency: dict[str, CompetencyDiff] = {c.competency_id: c for c in diff.competencies} if diff else {}
    result = {}
    for comp_id, items in level.expectations.items():
        comp_diff = by_competency.get(comp_id)
        new = {id(e) for e in comp_diff.added} if comp_diff else set()
        grown = {id(after) for _, after in comp_diff.changed} if comp_diff else set()
        result[comp_id] = [
            MarkedExpectation(e.text, "new" if id(e) in new else "grown" if id(e) in grown else "",
                              e.internal, e.source.line, e.source.file)
            for e in items]
    return result


@dataclass(frozen=True)
class MatrixCell:
    """One level's expectations for one competency, as the track page's matrix shows them."""

    level: Level
    shown: list[MarkedExpectation]  # in full: everything at the first level, then what is new or grown
    carried: int                    # unchanged from the level below: a count linking to the level page


def track_matrix(handbook: Handbook, track: Track) -> list[tuple[Competency, list[MatrixCell]]]:
    """Per competency of the track, a cell per level. Carried-over expectations are counted,
    not repeated: in a cumulative ladder they would make the page grow with every level."""
    rows = []
    for competency in handbook.competencies_for(track):
        cells = []
        for index, level in enumerate(track.levels):
            items = marked_expectations(handbook, level).get(competency.id, [])
            shown = items if index == 0 else [e for e in items if e.change]
            cells.append(MatrixCell(level, shown, len(items) - len(shown)))
        rows.append((competency, cells))
    return rows


def equivalents(handbook: Handbook, level: Level) -> list[tuple[Track, list[Level]]]:
    """Each other track with its levels at the same grade (empty list: no counterpart)."""
    return [(track, handbook.levels_at(track, level.grade))
            for track in handbook.tracks if track.id != level.track_id]


@dataclass(frozen=True)
class SwitchOption:
    move: Move
    track: Track
    targets: list[Level]  # levels at the same grade on the target track
    open: bool            # the grade allows this move


def switch_options(handbook: Handbook, level: Level) -> list[SwitchOption]:
    if handbook.mobility is None:
        return []
    options = []
    for move in handbook.mobility.moves:
        if move.from_track != level.track_id:
            continue
        target = handbook.track_by_id[move.to_track]
        floor = max(move.min_grade or 0, target.opens_at_grade or 0)
        options.append(SwitchOption(move, target, handbook.levels_at(target, level.grade), level.grade >= floor))
    return options


def bands_of(handbook: Handbook, level: Level) -> list[tuple[Zone, Band | None]]:
    return [(zone, handbook.band_for(level, zone)) for zone in handbook.zones]


def competency_growth(handbook: Handbook, competency: Competency) -> list[tuple[Track, list[tuple[Level, list[MarkedExpectation]]]]]:
    """Per track the competency applies to: each level with its marked expectations."""
    result = []
    for track in handbook.tracks:
        if track.id not in competency.track_ids:
            continue
        rows = [(level, marked_expectations(handbook, level).get(competency.id, [])) for level in track.levels]
        result.append((track, rows))
    return result


def parity_summary(handbook: Handbook) -> Summary:
    """Counts of parity findings by severity, for the home page."""
    from ladderdocs import parity  # imported here: parity formats its amounts with this module

    return parity.summarise(parity.findings(handbook))
