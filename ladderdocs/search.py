"""The search index: every level, track, competency and prose page of one build, as a script.

Built from the model, which already holds only what this build's audience may see, so an
internal word cannot reach a public index. The index is a JavaScript file assigning one
global (loaded with <script src>), because browsers refuse fetch() of local files and a
strict CSP allows scripts from the site itself; the excerpts of prose sections come in a
second such file, so the first results need not wait for them.

Searchable units ("docs") are small so a hit links to the exact spot: each expectation
(anchored `e-<competency>-<n>` on its level page), a level's summary, scope and examples,
and each section of a prose page under its heading. Words are folded (lower case, no
diacritics), English stop words dropped and plurals and -ing/-ed endings trimmed; the
browser script (themes/default/static/search.js) applies the very same rules to a query.
Long sections keep only an excerpt for display, while every word is in the term lists.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, Sequence

from markdown_it.token import Token
from mdit_py_plugins.anchors.index import slugify

from ladderdocs.jobs import PageJob
from ladderdocs.markdown import REF
from ladderdocs.model import Handbook

INDEX_FILE = "search-index.js"
EXCERPTS_FILE = "search-excerpts.js"
INDEX_FILES = (INDEX_FILE, EXCERPTS_FILE)
GLOBAL = "LADDERDOCS_SEARCH_INDEX"
EXCERPTS_GLOBAL = "LADDERDOCS_SEARCH_EXCERPTS"
FORMAT_VERSION = 2
EXCERPT_CHARS = 120  # prose sections longer than this keep only their opening words for display
EXPECTATION_CHARS = 400  # expectations are shown whole unless absurdly long
HEADING_LEVELS = (2, 3, 4)  # the levels markdown.py gives an anchor

LEVEL, TRACK, COMPETENCY, PAGE = 0, 1, 2, 3  # entry kinds, the groups results are shown in

STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most
my myself no nor not now of off on once only or other our ours ourselves out over own same she should
so some such than that the their theirs them themselves then there these they this those through to
too under until up very was we were what when where which while who whom why will with would you
your yours yourself yourselves
""".split())

# Inline Markdown to plain text, cheaply: the index needs words and a readable excerpt, not HTML.
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_MARKERS = re.compile(r"(?<!\\)(?:`+|~~|(?<!\w)[*_]+|[*_]+(?!\w))")  # not when escaped
_SPACE = re.compile(r"\s+")
_MARKUP = re.compile(r"[\[\]<>\\`*_~&]")
_WORD_SPLIT = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Entry:
    """A page of the site a result belongs to: what the result is titled and grouped by."""

    kind: int
    url: str
    title: str
    subtitle: str


@dataclass(frozen=True)
class Doc:
    """One searchable unit; `context` is the competency entry of an expectation, else -1."""

    entry: int
    anchor: str
    heading: str
    text: str
    context: int = -1


# -- words --------------------------------------------------------------------------------
def fold(text: str) -> str:
    """Lower case without diacritics: 'Équipe' and 'equipe' are one word."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M")).lower()


def stem(word: str) -> str:
    """Trim the commonest English endings, so 'mentors', 'mentoring' and 'mentor' meet."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class Terms:
    """Index terms of a text: words of two or more characters, stop words dropped, stemmed.

    One instance per index build remembers each word's term: prose repeats its words.
    """

    def __init__(self, english: bool):
        self.english = english
        self._term_of: dict[str, str] = {}

    def __call__(self, text: str) -> set[str]:
        words = set(_WORD_SPLIT.split(fold(text)))  # split as the browser splits: on anything but letters and digits
        for word in words - self._term_of.keys():
            self._term_of[word] = self._term(word)
        found = set(map(self._term_of.__getitem__, words))
        found.discard("")
        return found

    def _term(self, word: str) -> str:
        if len(word) < 2 or (self.english and word in STOP_WORDS):
            return ""
        return stem(word) if self.english else word


def plain(markdown: str, title_of: dict[tuple[str, str], str]) -> str:
    """One line of Markdown as the words a reader sees (references shown by their titles)."""
    if not _MARKUP.search(markdown):
        return _SPACE.sub(" ", markdown).strip()
    text = REF.sub(lambda m: m.group(3) or title_of.get((m.group(1), m.group(2)), m.group(2)), markdown)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _MARKERS.sub("", text)
    text = _ESCAPE.sub(r"\1", text)
    return _SPACE.sub(" ", html.unescape(text)).strip()


def excerpt(text: str, limit: int) -> str:
    """The opening words of `text`, cut at a word boundary."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


# -- docs ---------------------------------------------------------------------------------
Section = tuple[str, str, str]  # (anchor, heading, text) of a part of a prose page


def titles(handbook: Handbook) -> dict[tuple[str, str], str]:
    """What a `[[kind:id]]` reference reads as, for plain()."""
    title_of = {("level", lv.id): lv.title for lv in handbook.level_by_id.values()}
    title_of |= {("track", t.id): t.title for t in handbook.tracks}
    title_of |= {("competency", c.id): c.title for c in handbook.competencies}
    title_of |= {("page", p.rel): p.title for p in handbook.pages}
    title_of |= {("page", p.rel.removesuffix(".md")): p.title for p in handbook.pages}
    return title_of


def page_sections(tokens: Sequence[Token], title_of: dict[tuple[str, str], str]) -> list[Section]:
    """Each section of a page from the tokens its rendering parsed; the first is the text
    before any heading. The anchor is the id the rendered heading carries, so a result
    lands on it, and the page's Markdown is parsed once for the page and its index entry.
    """
    sections: list[tuple[str, str, list[str]]] = [("", "", [])]
    heading_inline = -1
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and int(token.tag[1]) in HEADING_LEVELS:
            heading_inline = i + 1
            sections.append((str(token.attrGet("id") or ""), plain(tokens[i + 1].content, title_of), []))
        elif token.type == "inline" and i != heading_inline:
            sections[-1][2].append(plain(token.content, title_of))
        elif token.type in ("fence", "code_block"):
            sections[-1][2].append(_SPACE.sub(" ", token.content).strip())
    return [(anchor, heading, " ".join(t for t in texts if t)) for anchor, heading, texts in sections]


def collect(handbook: Handbook, sections: Mapping[str, list[Section]]) -> tuple[list[Entry], list[Doc]]:
    """Every entry and doc of the build, in site order (levels, tracks, competencies, pages).

    `sections` holds page_sections() of every prose page, by its rel path. The first doc of
    each entry is its main doc: the one its title belongs to.
    """
    title_of = titles(handbook)
    entries: list[Entry] = []
    docs: list[Doc] = []
    competency_entry = {}

    def add(entry: Entry, parts: Iterable[tuple[str, str, str, int]]) -> None:
        entries.append(entry)
        for anchor, heading, text, context in parts:
            docs.append(Doc(len(entries) - 1, anchor, heading, text, context))

    # Competency entries are numbered first, so expectations can name theirs as context.
    first_competency = sum(len(t.levels) for t in handbook.tracks) + len(handbook.tracks)
    for i, competency in enumerate(handbook.competencies):
        competency_entry[competency.id] = first_competency + i
    groups = {g.id: g.title for g in handbook.groups}

    for track in handbook.tracks:
        for level in track.levels:
            parts = [("", "", plain(level.summary, title_of), -1)]
            if level.scope:
                parts.append(("scope", "Scope", plain(level.scope, title_of), -1))
            for competency_id, items in level.expectations.items():
                parts += [(expectation_anchor(competency_id, n), "", plain(e.text, title_of),
                           competency_entry[competency_id]) for n, e in enumerate(items, 1)]
            if level.examples:
                parts.append(("examples", "Examples", " ".join(plain(x, title_of) for x in level.examples), -1))
            add(Entry(LEVEL, level.url, level.title, f"{track.title} · grade {level.grade}"), parts)
    for track in handbook.tracks:
        ramps = " ".join(plain(r.description, title_of) for r in track.off_ramps)
        add(Entry(TRACK, track.url, track.title, "Track"),
            [("", "", " ".join(filter(None, [plain(track.summary, title_of), ramps])), -1)])
    assert len(entries) == first_competency
    for competency in handbook.competencies:
        add(Entry(COMPETENCY, competency.url, competency.title, groups.get(competency.group, "")),
            [("", "", plain(competency.description, title_of), -1)])
    if handbook.mobility:
        moves = [plain(m.description, title_of) for m in handbook.mobility.moves]
        add(Entry(PAGE, "mobility/", "Mobility rules", ""),
            [("", "", " ".join(filter(None, [plain(handbook.mobility.notes, title_of), *moves])), -1)])
    for page in handbook.pages:
        parts = list(sections[page.rel])
        if not parts[0][2]:  # no words before the first heading: the description stands in
            parts[0] = ("", "", plain(page.description, title_of))
        add(Entry(PAGE, page.url, page.title, ""),
            [(anchor, heading, text, -1) for anchor, heading, text in parts])
    return entries, docs


def expectation_anchor(competency_id: str, n: int) -> str:
    """The id of the n-th (from 1) expectation of a competency on a level page (see macros.html)."""
    return f"e-{competency_id}-{n}"


# -- encoding -----------------------------------------------------------------------------
# Numbers are written five bits a character: the last character of a number comes from the
# first half of the alphabet, the others from the second half. Id lists are written as the
# gaps between ascending ids, or as a bitmap when that is shorter. Per-doc columns are single strings joined by newlines: a
# browser parses a few long strings much faster than thousands of small arrays.
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"


def encode_numbers(values: Iterable[int]) -> str:
    out = []
    for value in values:
        if value < 32:  # most numbers are small gaps: one character
            out.append(ALPHABET[value])
            continue
        digits = [ALPHABET[value & 31]]
        value >>= 5
        while value:
            digits.append(ALPHABET[32 + (value & 31)])
            value >>= 5
        out.extend(reversed(digits))
    return "".join(out)


def decode_numbers(encoded: str) -> list[int]:
    """The inverse of encode_numbers (search.js does the same)."""
    numbers, value = [], 0
    for char in encoded:
        digit = ALPHABET.index(char)
        value = value * 32 + (digit & 31)
        if digit < 32:
            numbers.append(value)
            value = 0
    return numbers


def encode_ids(ids: Iterable[int]) -> str:
    """Gaps, or for a word in many docs a bitmap ('~', then six ids a character), if shorter."""
    ordered = sorted(ids)
    gaps = encode_numbers(b - a - 1 for a, b in zip([-1] + ordered, ordered))
    if not ordered or len(gaps) <= ordered[-1] // 6 + 2:
        return gaps
    bits = bytearray(ordered[-1] // 6 + 1)
    for i in ordered:
        bits[i // 6] |= 1 << (i % 6)
    return "~" + "".join(ALPHABET[b] for b in bits)


def decode_ids(encoded: str) -> list[int]:
    """The inverse of encode_ids (search.js does the same)."""
    if encoded.startswith("~"):
        return [6 * at + bit for at, char in enumerate(encoded[1:])
                for bit in range(6) if ALPHABET.index(char) >> bit & 1]
    ids: list[int] = []
    for gap in decode_numbers(encoded):
        ids.append((ids[-1] if ids else -1) + gap + 1)
    return ids


def stored_anchor(anchor: str, heading: str) -> str:
    """'^' where the browser can rebuild the anchor from the heading (plain ASCII slug), else it."""
    return "^" if anchor and heading.isascii() and slugify(heading) == anchor else anchor


def _column(values: Iterable[str]) -> str:
    return "\n".join(value.replace("\n", " ") for value in values)


def index_data(handbook: Handbook, sections: Mapping[str, list[Section]]) -> tuple[dict[str, object], str]:
    """The index as plain data, and the excerpts of prose sections as one column.

    Entries own consecutive docs (`docCounts` per entry); the columns `anchors` (see
    stored_anchor), `headings`, `contexts` (competency entry + 1 of an expectation, else 0)
    and `texts` hold one line or number per doc. `postings[i]` is three id lists for `terms[i]`,
    separated by '.': the docs whose text holds it, the docs whose own heading holds it,
    the entries whose title holds it. Prose sections' excerpts travel in a second file,
    so the first results need not wait for them.
    """
    english = handbook.settings.language.lower().startswith("en")
    terms = Terms(english)
    entries, docs = collect(handbook, sections)
    in_text: dict[str, list[int]] = {}
    in_heading: dict[str, list[int]] = {}
    in_title: dict[str, list[int]] = {}
    for i, doc in enumerate(docs):
        for term in terms(doc.text):
            in_text.setdefault(term, []).append(i)
        if doc.heading:
            for term in terms(doc.heading):
                in_heading.setdefault(term, []).append(i)
    for i, entry in enumerate(entries):
        for term in terms(entry.title):
            in_title.setdefault(term, []).append(i)
    # in the order JavaScript compares strings (UTF-16 code units), for its binary search
    vocabulary = sorted(set(in_text) | set(in_heading) | set(in_title), key=lambda t: t.encode("utf-16-be"))
    postings = [".".join((encode_ids(in_text.get(t, [])), encode_ids(in_heading.get(t, [])),
                          encode_ids(in_title.get(t, [])))).rstrip(".") for t in vocabulary]
    shown = [excerpt(d.text, EXPECTATION_CHARS if d.context >= 0 else EXCERPT_CHARS) for d in docs]
    prose = [entries[d.entry].kind == PAGE for d in docs]
    docs_per_entry = Counter(d.entry for d in docs)
    core = {
        "version": FORMAT_VERSION,
        "english": english,
        "stopWords": " ".join(sorted(STOP_WORDS)) if english else "",
        "entries": [[e.kind, e.url, e.title, e.subtitle] for e in entries],
        "docCounts": encode_numbers(docs_per_entry[i] for i in range(len(entries))),
        "anchors": _column(stored_anchor(d.anchor, d.heading) for d in docs),
        "headings": _column(d.heading for d in docs),
        "contexts": encode_numbers(d.context + 1 for d in docs),
        "texts": _column("" if is_prose else text for text, is_prose in zip(shown, prose)),
        "terms": " ".join(vocabulary),
        "postings": postings,
    }
    return core, _column(text if is_prose else "" for text, is_prose in zip(shown, prose))


def index_files(handbook: Handbook, sections: Mapping[str, list[Section]]) -> dict[str, bytes]:
    """The two index scripts, each one statement assigning its data to one global."""
    core, excerpts = index_data(handbook, sections)
    return {
        INDEX_FILE: _assignment(GLOBAL, core),
        EXCERPTS_FILE: _assignment(EXCERPTS_GLOBAL, excerpts),
    }


def _assignment(name: str, value: object) -> bytes:
    return f"window.{name}={json.dumps(value, ensure_ascii=False, separators=(',', ':'))};\n".encode()


def search_pages(handbook: Handbook) -> Iterator[PageJob]:
    """The results page the search form submits to (it works without the header box too)."""
    yield PageJob("search/index.html", "search.html", {}, frozenset())
