"""Words for the search tests, picked from the model so no test can be hard-coded to pass.

Independent of ladderdocs/search.py on purpose: a word qualifies by plain substring checks
over everything the handbook shows, so neither stemming nor prefix matching could make
another item match it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ladderdocs.model import Handbook

WORD = re.compile(r"[a-z]{7,}")


@dataclass(frozen=True)
class ExpectationWord:
    word: str
    level_id: str
    anchor: str  # id of the expectation's <li> on the level page


def shown_texts(handbook: Handbook) -> dict[str, str]:
    """Everything a reader can see, lower-cased, keyed by where it is shown."""
    texts = {}
    for track in handbook.tracks:
        texts[f"track {track.id}"] = " ".join([track.title, track.summary]
                                              + [r.description for r in track.off_ramps])
        for level in track.levels:
            texts[f"level {level.id}"] = " ".join([level.title, level.summary, level.scope, *level.examples])
            for competency_id, items in level.expectations.items():
                for n, item in enumerate(items, 1):
                    texts[f"expectation {level.id} e-{competency_id}-{n}"] = item.text
    for competency in handbook.competencies:
        texts[f"competency {competency.id}"] = f"{competency.title} {competency.description}"
    for group in handbook.groups:
        texts[f"group {group.id}"] = f"{group.title} {group.description}"
    for page in handbook.pages:
        texts[f"page {page.rel}"] = f"{page.title} {page.description} {page.body}"
    if handbook.mobility:
        texts["mobility"] = " ".join([handbook.mobility.notes, *(m.description for m in handbook.mobility.moves)])
    return {where: text.lower() for where, text in texts.items()}


def _key(word: str) -> str:
    """What any match of `word` must contain: it without its last three letters."""
    return word[:-3]


def unique_expectation_word(handbook: Handbook) -> ExpectationWord:
    """A word of one expectation whose stem shows up nowhere else in the handbook."""
    texts = shown_texts(handbook)
    candidates = sorted({(word, where) for where, text in texts.items() if where.startswith("expectation ")
                         for word in WORD.findall(text) if not word.endswith("ies")})
    for word, where in candidates:
        if [w for w, text in texts.items() if _key(word) in text] == [where]:
            _, level_id, anchor = where.split(" ")
            return ExpectationWord(word, level_id, anchor)
    raise AssertionError("no word of the handbook occurs in exactly one expectation")


def internal_only_word(public: Handbook, internal: Handbook) -> str:
    """A word of internal content whose stem appears nowhere in the public handbook."""
    public_texts = shown_texts(public)
    public_text = " ".join(public_texts.values())
    internal_texts = [text for where, text in shown_texts(internal).items() if public_texts.get(where) != text]
    words = sorted({w for text in internal_texts for w in WORD.findall(text) if not w.endswith("ies")},
                   key=lambda w: (-len(w), w))
    for word in words:
        if _key(word) not in public_text:
            return word
    raise AssertionError("internal content has no word of its own")
