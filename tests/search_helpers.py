"""Helpers of the search tests: reading a built index, and words picked from the model.

Words are picked so no test can be hard-coded to pass, and independently of
ladderdocs/outputs/search_index.py: a word qualifies by plain substring checks over everything the
handbook shows, so neither stemming nor prefix matching could make another item match it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ladderdocs.model.entities import Handbook
from ladderdocs.addresses import expectation_anchors
from ladderdocs.outputs import search_index as search

WORD = re.compile(r"[a-z]{7,}")


def read_script(site: Path, name: str, variable: str) -> object:
    text = (site / name).read_text(encoding="utf-8")
    prefix = f"window.{variable}="
    assert text.startswith(prefix) and text.endswith(";\n"), "each index file must assign one global"
    return json.loads(text[len(prefix):-2])


def read_index(site: Path) -> dict:
    return read_script(site, search.INDEX_FILE, search.GLOBAL)


def doc_entries(index: dict) -> list[list]:
    """The entry of every doc, from the per-entry doc counts."""
    counts = search.decode_numbers(index["docCounts"])
    return [entry for entry, count in zip(index["entries"], counts) for _ in range(count)]


def doc_links(index: dict) -> list[str]:
    """Where each result links ('^': the slug of its plain-ASCII heading, as search.js makes it)."""
    anchors = index["anchors"].split("\n")
    headings = index["headings"].split("\n")
    anchors = [re.sub(r"[^\w\- ]", "", h.lower().replace(" ", "-"), flags=re.ASCII) if a == "^" else a
               for a, h in zip(anchors, headings)]
    return [entry[1] + (f"#{anchor}" if anchor else "") for entry, anchor in zip(doc_entries(index), anchors)]


@dataclass(frozen=True)
class ExpectationWord:
    word: str
    level_id: str
    anchor: str  # id of the expectation's <li> on the level page


def shown_texts(handbook: Handbook) -> dict[str, str]:
    """Everything a reader can see, lower-cased, keyed by where it is shown."""
    texts = {}
    for track in handbook.tracks:
        texts[f"track {track.id}"] = " ".join([track.title, track.summary.text]
                                              + [r.description.text for r in track.off_ramps])
        for level in track.levels:
            texts[f"level {level.id}"] = " ".join([level.title, level.summary.text, level.scope.text,
                                                         *(x.text for x in level.examples)])
            for competency_id, items in level.expectations.items():
                for item, anchor in zip(items, expectation_anchors(competency_id, [e.key for e in items])):
                    texts[f"expectation {level.id} {anchor}"] = item.text
    for competency in handbook.competencies:
        texts[f"competency {competency.id}"] = f"{competency.title} {competency.description.text}"
    for group in handbook.groups:
        texts[f"group {group.id}"] = f"{group.title} {group.description}"
    for page in handbook.pages:
        texts[f"page {page.rel}"] = f"{page.title} {page.description} {page.body.text}"
    if handbook.mobility:
        texts["mobility"] = " ".join([handbook.mobility.notes.text,
                                      *(m.description.text for m in handbook.mobility.moves)])
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


def expectation_and_prose_word(handbook: Handbook) -> tuple[str, str]:
    """A word of one level's expectations that prose pages also use (never in a title or
    heading): (word, level id). Ranking must put the level before the pages."""
    texts = shown_texts(handbook)
    prose = {where: "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
             for where, text in texts.items() if where.startswith("page ")}
    titles = " ".join([p.title for p in handbook.pages] + [c.title for c in handbook.competencies]
                      + [lv.title for lv in handbook.level_by_id.values()] + [t.title for t in handbook.tracks]).lower()
    headings = " ".join(line for text in texts.values() for line in text.splitlines()
                        if line.lstrip().startswith("#"))
    by_level: dict[str, str] = {}
    for where, text in texts.items():
        if where.startswith("expectation "):
            level_id = where.split(" ")[1]
            by_level[level_id] = by_level.get(level_id, "") + " " + text
    for level_id, text in sorted(by_level.items()):
        for word in sorted(set(WORD.findall(text))):
            key = _key(word)
            if word.endswith("ies") or key in titles or key in headings:
                continue
            others = [w for w, t in texts.items() if key in t and not w.startswith("page ")
                      and not w.startswith(f"expectation {level_id} ")]
            if not others and any(word in t for t in prose.values()):
                return word, level_id
    raise AssertionError("no word is shared by one level's expectations and the prose alone")
