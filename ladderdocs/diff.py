"""What changes between two levels, competency by competency.

Expectations are matched by their optional `key` first, then by identical text, then by
similar wording; what is left is added (only in the upper level) or dropped (only in the
lower one). The level page marks "new at this level" with the same function, and the
diff pages (`diff/<from>--<to>/`) show it in full, with the changed words highlighted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Iterator

from markupsafe import Markup

from ladderdocs.jobs import PageJob, level_dep
from ladderdocs.model import Expectation, Handbook, Level, Track

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


# -- word-level highlighting ---------------------------------------------------------------
# Works on the rendered HTML of both sides, so links and code in an expectation survive:
# tags are tokens that are never wrapped, and only runs of words get <del> or <ins>.
# static/diff-picker.js implements the same steps for the pairs it computes in the browser.
TOKEN = re.compile(r"<[^>]*>|[^\s<]+\s*|\s+")


def _tokens(html: str) -> list[str]:
    return TOKEN.findall(html)


def _wrap(tokens: list[str], tag: str) -> str:
    """Wrap each run of words (never a tag) in <tag>, leaving the spaces around it outside."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        text = "".join(run)
        core = text.strip()
        lead = text[:len(text) - len(text.lstrip())]
        out.append(f"{lead}<{tag}>{core}</{tag}>{text[len(lead) + len(core):]}" if core else text)
        run.clear()

    for token in tokens:
        if token.startswith("<"):
            flush()
            out.append(token)
        else:
            run.append(token)
    flush()
    return "".join(out)


def word_diff(before_html: str, after_html: str) -> tuple[Markup, Markup]:
    """Both sides of a changed expectation with removed words in <del> and new ones in <ins>."""
    a, b = _tokens(str(before_html)), _tokens(str(after_html))
    matcher = SequenceMatcher(None, [t.strip() for t in a], [t.strip() for t in b], autojunk=False)
    before: list[str] = []
    after: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            before.append("".join(a[i1:i2]))
            after.append("".join(b[j1:j2]))
        else:
            before.append(_wrap(a[i1:i2], "del"))
            after.append(_wrap(b[j1:j2], "ins"))
    return Markup("".join(before)), Markup("".join(after))


# -- pages -----------------------------------------------------------------------------------
def pair_url(lower: Level, upper: Level) -> str:
    return f"diff/{lower.id}--{upper.id}/"


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


def same_grade_url(handbook: Handbook, level: Level, other: Level) -> str:
    """The page comparing two same-grade levels, whichever of them the reader starts from."""
    order = {t.id: i for i, t in enumerate(handbook.tracks)}
    first, second = sorted((level, other), key=lambda lv: order[lv.track_id])
    return pair_url(first, second)


def diff_pages(handbook: Handbook) -> Iterator[PageJob]:
    yield PageJob("diff/index.html", "diffs.html", {
        "adjacent": adjacent_pairs(handbook), "same_grade": same_grade_pairs(handbook)}, frozenset())
    yield PageJob("diff/levels.js", "diff-data.js", {"pairs": static_pairs(handbook)},
                  frozenset(level_dep(lv) for lv in handbook.level_by_id))
    for lower, upper in static_pairs(handbook):
        yield PageJob(pair_url(lower, upper) + "index.html", "diff.html",  # the template diffs: serve may keep the page
                      {"lower": lower, "upper": upper, "diff_levels": diff_levels, "word_diff": word_diff},
                      frozenset({level_dep(lower.id), level_dep(upper.id)}))
