"""What a level asks, and what changes between two levels, competency by competency.

Frameworks are written two ways, and a track says which (`expectations:` in handbook.yml or
the track file):

- **restated**: every level states its whole set again, reworded as it grows. Two levels are
  compared by matching each expectation of one with at most one of the other: by `key`, by
  identical text, then by wording, pairing the whole competency at once for the best total
  likeness (not greedily). A pair is *grown* when the later one says what the earlier did
  and more, *reworded* when it is the same expectation in other words, and *reworded?* when
  it is only close; the rest are *added* or *not restated* (nothing says they were removed).
- **cumulative**: a level states what it adds, and everything below still applies. An
  expectation with the `key` of one below (or that says all of a longer one below, and more)
  grows it: it takes its place. Each expectation carries a lineage, the same on every level
  it applies to, so two levels of one cumulative track are compared by lineage: added or
  grown, never dropped.

Levels of different tracks are compared on everything that applies at each, as restated.
static/diff-picker.js does the same steps in the browser, for any two levels.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from ladderdocs.addresses import expectation_anchors
from ladderdocs.model.entities import Expectation, Handbook, Level, Source, Track

CUMULATIVE, RESTATED = "cumulative", "restated"
SIMILAR = 0.6   # word likeness from which two expectations are one, reworded
NEAR = 0.4      # from here up to SIMILAR: shown side by side as "reworded?"
CONTAINS = 0.8  # the share of an earlier expectation's words a later one repeats to have grown it
ADDS = 3        # ... while adding at least this many words (and a quarter of its length)
LONG = 5        # words an expectation needs for its containment to count (short ones need a key)
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@lru_cache(maxsize=8192)  # an expectation is compared with many: its words are found once
def words(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(text.lower()))


@dataclass(frozen=True)
class Likeness:
    """How alike an earlier and a later expectation read."""

    ratio: float      # difflib's ratio of their words
    contained: float  # the share of the earlier's words the later repeats, in order
    long: bool        # the earlier has words enough for containment to tell anything
    adds: bool        # the later adds words enough to say more (ADDS, and a quarter of the earlier)

    @property
    def score(self) -> float:
        return max(self.ratio, self.contained * 0.95) if self.long else self.ratio

    @property
    def grows(self) -> bool:
        return self.long and self.adds and self.contained >= CONTAINS


@lru_cache(maxsize=8192)
def _bag(text: str) -> Counter[str]:
    return Counter(words(text))


def could_be_near(before: str, after: str) -> bool:
    """False when the two cannot score NEAR: the words they share, in order, are at most the
    words they have in common, counted as a multiset. Far cheaper than `likeness`, and most
    pairs of a competency's expectations are far apart."""
    a, b = _bag(before), _bag(after)
    total, length = a.total() + b.total(), a.total()
    if not total:
        return True
    common = sum((a & b).values())
    ratio = 2.0 * common / total
    bound = max(ratio, common / length * 0.95) if length >= LONG else ratio
    return bound >= NEAR


@lru_cache(maxsize=65536)  # a quarter of a build's comparisons are of texts compared before
def likeness(before: str, after: str) -> Likeness:
    a, b = words(before), words(after)
    shared = sum(block.size for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    total = len(a) + len(b)
    added = len(b) - shared
    return Likeness(2.0 * shared / total if total else 1.0, shared / len(a) if a else 0.0,
                    len(a) >= LONG, added >= ADDS and added * 4 >= len(a))


@dataclass
class CompetencyDiff:
    competency_id: str
    added: list[Expectation] = field(default_factory=list)
    grown: list[tuple[Expectation, Expectation]] = field(default_factory=list)      # (before, after)
    reworded: list[tuple[Expectation, Expectation]] = field(default_factory=list)   # the same, in other words
    maybe: list[tuple[Expectation, Expectation]] = field(default_factory=list)      # close: "reworded?"
    not_restated: list[Expectation] = field(default_factory=list)  # stated below, not at the later level
    kept: list[Expectation] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.grown or self.reworded or self.maybe or self.not_restated)


KINDS = ("added", "grown", "reworded", "maybe", "not_restated", "kept")


@dataclass
class LevelDiff:
    lower: Level
    upper: Level
    cumulative: bool  # two levels of one cumulative track: nothing is ever not restated
    competencies: list[CompetencyDiff]

    @property
    def counts(self) -> dict[str, int]:
        return {kind: sum(len(getattr(c, kind)) for c in self.competencies) for kind in KINDS}


def diff_expectations(competency_id: str, before: list[Expectation], after: list[Expectation]) -> CompetencyDiff:
    """Restated comparison: key, identical text, then the best assignment by likeness."""
    result = CompetencyDiff(competency_id)
    left, right = list(before), list(after)
    pairs: list[tuple[Expectation, Expectation, Likeness]] = []
    for new in list(right):  # same key: the same expectation, perhaps reworded
        old = next((o for o in left if new.key and o.key == new.key), None)
        if old is not None:
            pairs.append((old, new, likeness(old.text, new.text)))
            left.remove(old)
            right.remove(new)
    for new in list(right):  # same words
        old = next((o for o in left if o.text == new.text), None)
        if old is not None:
            pairs.append((old, new, likeness(old.text, new.text)))
            left.remove(old)
            right.remove(new)
    table = [[likeness(o.text, n.text) if could_be_near(o.text, n.text) else None for n in right] for o in left]
    chosen = best_assignment([[cell.score if cell is not None and cell.score >= NEAR else 0.0 for cell in row]
                              for row in table])
    pairs += [(left[i], right[j], likeness(left[i].text, right[j].text)) for i, j in chosen]
    matched_left = {id(o) for o, _, _ in pairs}
    matched_right = {id(n) for _, n, _ in pairs}
    for old, new, like in sorted(pairs, key=lambda p: after.index(p[1])):
        if old.text == new.text:
            result.kept.append(new)
        elif like.grows:
            result.grown.append((old, new))
        elif like.score >= SIMILAR or (old.key and old.key == new.key):
            result.reworded.append((old, new))
        else:
            result.maybe.append((old, new))
    result.added = [n for n in after if id(n) not in matched_right]
    result.not_restated = [o for o in before if id(o) not in matched_left]
    return result


def best_assignment(scores: list[list[float]]) -> list[tuple[int, int]]:
    """The pairs (row, column), each row and column used once, with the greatest total score;
    pairs of score 0 are left out. The Hungarian method, O(n³): a competency has a few dozen
    expectations at most. diff-picker.js runs the very same steps."""
    rows = len(scores)
    cols = len(scores[0]) if rows else 0
    if not rows or not cols:
        return []
    transposed = rows > cols
    if transposed:
        scores = [list(column) for column in zip(*scores)]
        rows, cols = cols, rows
    big = max(max(row) for row in scores)
    cost = [[big - s for s in row] for row in scores]  # minimise what is given up
    u, v = [0.0] * (rows + 1), [0.0] * (cols + 1)
    owner, way = [0] * (cols + 1), [0] * (cols + 1)
    for i in range(1, rows + 1):
        owner[0], j0 = i, 0
        least, used = [float("inf")] * (cols + 1), [False] * (cols + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = owner[j0], float("inf"), 0
            for j in range(1, cols + 1):
                if not used[j]:
                    reduced = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if reduced < least[j]:
                        least[j], way[j] = reduced, j0
                    if least[j] < delta:
                        delta, j1 = least[j], j
            for j in range(cols + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    least[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    pairs = [(owner[j] - 1, j - 1) for j in range(1, cols + 1) if owner[j] and scores[owner[j] - 1][j - 1] > 0]
    return sorted((c, r) if transposed else (r, c) for r, c in pairs)


# -- what applies at a level ----------------------------------------------------------------
@dataclass(frozen=True)
class Stated:
    """An expectation as it applies at a level: where it was stated, and its lineage."""

    expectation: Expectation
    level: Level  # where it was stated
    lineage: str  # the same on every level it applies to, and on the one it grew from

    @property
    def text(self) -> str:
        return self.expectation.text

    @property
    def source(self) -> Source:
        return self.expectation.source

    @property
    def internal(self) -> bool:
        return self.expectation.internal


Applying = dict[str, list[Stated]]  # competency id -> what applies, in order


def expectations_model(handbook: Handbook, track: Track) -> str:
    return track.expectations or handbook.settings.expectations


def applying(handbook: Handbook, track: Track) -> dict[str, Applying]:
    """For each level of the track (by id), what applies at it. On a restated track, what it
    states; on a cumulative one, also what the levels below stated and no level since grew."""
    cumulative = expectations_model(handbook, track) == CUMULATIVE
    running: Applying = {}
    result: dict[str, Applying] = {}
    for index, level in enumerate(track.levels):
        if not cumulative:
            running = {}
        for comp_id, items in level.expectations.items():
            current = running.setdefault(comp_id, [])
            for n, expectation in enumerate(items, 1):
                grown = _grown_from(current, expectation, level) if cumulative else None
                if grown is None:
                    current.append(Stated(expectation, level, f"{level.id}/{comp_id}/{n}"))
                else:
                    current[grown] = Stated(expectation, level, current[grown].lineage)
        result[level.id] = {c: list(items) for c, items in running.items() if items}
    return result


def _grown_from(current: list[Stated], expectation: Expectation, level: Level) -> int | None:
    """Which expectation from below this one grows: the same key, else the one whose words it
    repeats and adds to (the likeliest); None when it is new."""
    below = [(i, s) for i, s in enumerate(current) if s.level is not level]
    if expectation.key:
        keyed = [i for i, s in below if s.expectation.key == expectation.key]
        if keyed:
            return keyed[0]
    grows = [(likeness(s.text, expectation.text), i) for i, s in below if not s.expectation.key]
    grows = [(like.contained, like.ratio, -i, i) for like, i in grows if like.grows]
    return max(grows)[3] if grows else None


def stated_at(level: Level, competency_id: str, here: Applying) -> list[Stated]:
    """What `level` itself states for a competency, in the order it is written, with lineages."""
    by_expectation = {id(s.expectation): s for s in here.get(competency_id, []) if s.level is level}
    return [by_expectation[id(e)] for e in level.expectations.get(competency_id, [])]


@dataclass(frozen=True)
class MarkedExpectation:
    """An expectation a level states, as its page lists it: marked against the levels below."""

    expectation: Expectation
    change: str  # "new", "grown", or "" (as on the level below; on a restated track, reworded)
    anchor: str  # its id on the level page
    grew: Stated | None = None  # on a cumulative track, the expectation from below it takes the place of

    @property
    def text(self) -> str:
        return self.expectation.text

    @property
    def source(self) -> Source:
        return self.expectation.source

    @property
    def internal(self) -> bool:
        return self.expectation.internal


@dataclass(frozen=True)
class LevelExpectations:
    """One competency at one level: what the level states, and what still applies from below."""

    stated: list[MarkedExpectation]
    inherited: list[Stated]  # cumulative tracks only: from the levels below, not grown here


def level_expectations(handbook: Handbook, level: Level, below: Level | None,
                       track_applying: dict[str, Applying]) -> dict[str, LevelExpectations]:
    """Per competency (in competency order) of the level's own statements and inheritance."""
    track = handbook.track_of(level)
    here = track_applying[level.id]
    result: dict[str, LevelExpectations] = {}
    if expectations_model(handbook, track) == CUMULATIVE:
        before = track_applying[below.id] if below else {}
        for comp in handbook.competencies:
            earlier = {s.lineage: s for s in before.get(comp.id, [])}
            stated = stated_at(level, comp.id, here)
            anchors = expectation_anchors(comp.id, [s.expectation.key for s in stated])
            marked = [MarkedExpectation(s.expectation, "grown" if s.lineage in earlier else "new",
                                        anchor, earlier.get(s.lineage)) for s, anchor in zip(stated, anchors)]
            regrown = {s.lineage for s in stated}
            inherited = [s for s in here.get(comp.id, []) if s.level is not level and s.lineage not in regrown]
            if marked or inherited:
                result[comp.id] = LevelExpectations(marked, inherited)
        return result
    comparison = ({c.competency_id: c for c in diff_levels(handbook, below, level, {track.id: track_applying}).competencies}
                  if below else {})
    for comp_id, items in level.expectations.items():
        diff = comparison.get(comp_id)
        new = {id(e) for e in diff.added} | {id(n) for _, n in diff.maybe} if diff else set()
        grown = {id(n) for _, n in diff.grown} if diff else set()
        anchors = expectation_anchors(comp_id, [e.key for e in items])
        result[comp_id] = LevelExpectations(
            [MarkedExpectation(e, "new" if id(e) in new else "grown" if id(e) in grown else "", anchor)
             for e, anchor in zip(items, anchors)], [])
    return result


def diff_levels(handbook: Handbook, lower: Level, upper: Level,
                applying_by_track: dict[str, dict[str, Applying]]) -> LevelDiff:
    """Competency by competency, in the handbook's competency order. `applying_by_track` holds
    what applies at each level of the tracks already worked out (filled as needed)."""
    def applies(level: Level) -> Applying:
        track = handbook.track_of(level)
        if track.id not in applying_by_track:
            applying_by_track[track.id] = applying(handbook, track)
        return applying_by_track[track.id][level.id]

    low, high = applies(lower), applies(upper)
    track = handbook.track_of(lower)
    same_cumulative = lower.track_id == upper.track_id and expectations_model(handbook, track) == CUMULATIVE
    ids = [c.id for c in handbook.competencies if c.id in low or c.id in high]
    if same_cumulative and track.levels.index(lower) < track.levels.index(upper):
        return LevelDiff(lower, upper, True, [_by_lineage(cid, low.get(cid, []), high.get(cid, [])) for cid in ids])
    return LevelDiff(lower, upper, False, [
        diff_expectations(cid, [s.expectation for s in low.get(cid, [])], [s.expectation for s in high.get(cid, [])])
        for cid in ids])


def _by_lineage(competency_id: str, before: list[Stated], after: list[Stated]) -> CompetencyDiff:
    """Two levels of one cumulative track: what the higher adds or grows; the rest still applies."""
    earlier = {s.lineage: s for s in before}
    result = CompetencyDiff(competency_id)
    for stated in after:
        old = earlier.get(stated.lineage)
        if old is None:
            result.added.append(stated.expectation)
        elif old.expectation is stated.expectation:
            result.kept.append(stated.expectation)
        else:
            result.grown.append((old.expectation, stated.expectation))
    return result


# -- which pairs get a page ------------------------------------------------------------------
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
