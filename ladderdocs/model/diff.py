"""What changes between two levels, competency by competency.

Expectations are matched by their optional `key` first, then by identical text, then by
similar wording; what is left is added (only in the upper level) or dropped (only in the
lower one). A level page marks what is new against the level below with the same matching,
and the diff pages show it in full.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ladderdocs.addresses import expectation_anchor
from ladderdocs.model.entities import Expectation, Handbook, Level, Source, Track

SIMILAR = 0.6  # word-level similarity above which two expectations count as one, reworded


@dataclass
class CompetencyDiff:
    competency_id: str
    added: list[Expectation] = field(default_factory=list)
    changed: list[tuple[Expectation, Expectation]] = field(default_factory=list)  # (before, after)
    dropped: list[Expectation] = field(default_factory=list)
    kept: list[Expectation] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.dropped)


@dataclass
class LevelDiff:
    lower: Level
    upper: Level
    competencies: list[CompetencyDiff]

    @property
    def counts(self) -> dict[str, int]:
        return {kind: sum(len(getattr(c, kind)) for c in self.competencies)
                for kind in ("added", "changed", "dropped", "kept")}


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a.lower().split(), b.lower().split(), autojunk=False).ratio()


def diff_expectations(competency_id: str, before: list[Expectation], after: list[Expectation]) -> CompetencyDiff:
    result = CompetencyDiff(competency_id)
    left, right = list(before), list(after)
    for new in list(right):  # same key: the same expectation, perhaps reworded
        old = next((o for o in left if new.key and o.key == new.key), None)
        if old is not None:
            (result.kept.append(new) if old.text == new.text else result.changed.append((old, new)))
            left.remove(old)
            right.remove(new)
    for new in list(right):  # same words
        old = next((o for o in left if o.text == new.text), None)
        if old is not None:
            result.kept.append(new)
            left.remove(old)
            right.remove(new)
    scored = sorted(((_similarity(o.text, n.text), i, j) for i, o in enumerate(left) for j, n in enumerate(right)),
                    key=lambda t: (-t[0], t[1], t[2]))
    matched: dict[int, int] = {}  # index in left -> index in right, best-scoring pairs first
    for score, i, j in scored:
        if score >= SIMILAR and i not in matched and j not in matched.values():
            matched[i] = j
    result.changed += [(left[i], right[j]) for i, j in matched.items()]
    result.added += [n for j, n in enumerate(right) if j not in matched.values()]
    result.dropped += [o for i, o in enumerate(left) if i not in matched]
    result.changed.sort(key=lambda pair: after.index(pair[1]))
    return result


def diff_levels(handbook: Handbook, lower: Level, upper: Level) -> LevelDiff:
    """Competency by competency, in the handbook's competency order."""
    ids = [c.id for c in handbook.competencies
           if c.id in lower.expectations or c.id in upper.expectations]
    return LevelDiff(lower, upper, [
        diff_expectations(cid, lower.expectations.get(cid, []), upper.expectations.get(cid, []))
        for cid in ids])


@dataclass(frozen=True)
class MarkedExpectation:
    """An expectation as a level page lists it: marked against the level below, with its anchor."""

    expectation: Expectation
    change: str  # "new", "grown" or "" (as on the level below, or the first level)
    anchor: str  # its id on the level page

    @property
    def text(self) -> str:
        return self.expectation.text

    @property
    def source(self) -> Source:
        return self.expectation.source

    @property
    def internal(self) -> bool:
        return self.expectation.internal


def marked_expectations(handbook: Handbook, level: Level, below: Level | None) -> dict[str, list[MarkedExpectation]]:
    """The level's expectations per competency, each marked new or grown against `below`."""
    by_competency = {c.competency_id: c for c in diff_levels(handbook, below, level).competencies} if below else {}
    result = {}
    for comp_id, items in level.expectations.items():
        comp_diff = by_competency.get(comp_id)
        new = {id(e) for e in comp_diff.added} if comp_diff else set()
        grown = {id(after) for _, after in comp_diff.changed} if comp_diff else set()
        result[comp_id] = [
            MarkedExpectation(e, "new" if id(e) in new else "grown" if id(e) in grown else "",
                              expectation_anchor(comp_id, n))
            for n, e in enumerate(items, 1)]
    return result


def adjacent_pairs(handbook: Handbook) -> list[tuple[Track, list[tuple[Level, Level]]]]:
    """Per track, each level and the next: "what changes at the next level"."""
    return [(track, list(zip(track.levels, track.levels[1:]))) for track in handbook.tracks if len(track.levels) > 1]


def same_grade_pairs(handbook: Handbook) -> list[tuple[int, list[tuple[Level, Level]]]]:
    """Per grade, each two levels of different tracks, in track order."""
    result = []
    for grade in handbook.grades:
        at_grade = [lv for track in handbook.tracks for lv in handbook.levels_at(track, grade)]
        pairs = [(a, b) for i, a in enumerate(at_grade) for b in at_grade[i + 1:] if a.track_id != b.track_id]
        if pairs:
            result.append((grade, pairs))
    return result


def static_pairs(handbook: Handbook) -> list[tuple[Level, Level]]:
    """The pairs that get a page of their own; the picker computes any other in the browser."""
    return ([pair for _, pairs in adjacent_pairs(handbook) for pair in pairs]
            + [pair for _, pairs in same_grade_pairs(handbook) for pair in pairs])


def same_grade_pair(handbook: Handbook, level: Level, other: Level) -> tuple[Level, Level]:
    """Two same-grade levels in the order their page compares them, whichever one starts."""
    order = {t.id: i for i, t in enumerate(handbook.tracks)}
    first, second = sorted((level, other), key=lambda lv: order[lv.track_id])
    return first, second
