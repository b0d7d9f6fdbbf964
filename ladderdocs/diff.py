"""What changes between two levels, competency by competency.

Expectations are matched by their optional `key` first, then by identical text, then by
similar wording; what is left is added (only in the upper level) or dropped (only in the
lower one). The level page marks "new at this level" with the same function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ladderdocs.model import Expectation, Handbook, Level

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
