"""The search index: what every page type contributes (pages/base.SearchEntry), as two scripts.

Built from the model, which already holds only what this build's audience may see, so an
internal word cannot reach a public index. Each file is a JavaScript file assigning one
global (loaded with <script src>), because browsers refuse fetch() of local files and a
strict CSP allows scripts from the site itself; the excerpts of prose sections come in the
second, so the first results need not wait for them.

Searchable units ("docs") are small so a hit links to the exact spot: each expectation on
its level page, a level's summary, scope and examples, each section of a prose page under
its heading. Words are folded (lower case, no diacritics), English stop words dropped and
plurals and -ing/-ed endings trimmed; the browser script (themes/default/static/search.js)
applies the very same rules to a query. Long sections keep only an excerpt for display,
while every word is in the term lists.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from array import array
from dataclasses import dataclass
from itertools import accumulate, product
from typing import Callable, Iterable, Sequence

from ladderdocs.pages.base import SearchEntry

INDEX_FILE = "search-index.js"
EXCERPTS_FILE = "search-excerpts.js"
INDEX_FILES = (INDEX_FILE, EXCERPTS_FILE)
GLOBAL = "LADDERDOCS_SEARCH_INDEX"
EXCERPTS_GLOBAL = "LADDERDOCS_SEARCH_EXCERPTS"
FORMAT_VERSION = 3
EXCERPT_CHARS = 120  # prose sections longer than this keep only their opening words for display
EXPECTATION_CHARS = 400  # expectations (docs with a context) are shown whole unless absurdly long

STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most
my myself no nor not now of off on once only or other our ours ourselves out over own same she should
so some such than that the their theirs them themselves then there these they this those through to
too under until up very was we were what when where which while who whom why will with would you
your yours yourself yourselves
""".split())

_WORD_SPLIT = re.compile(r"[\W_]+")


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
        term_of = self._term_of
        for word in words:  # not `words - term_of.keys()`: that copies every word seen so far, each call
            if word not in term_of:
                term_of[word] = self._term(word)
        found = set(map(self._term_of.__getitem__, words))
        found.discard("")
        return found

    def _term(self, word: str) -> str:
        if len(word) < 2 or (self.english and word in STOP_WORDS):
            return ""
        return stem(word) if self.english else word


def excerpt(text: str, limit: int) -> str:
    """The opening words of `text`, cut at a word boundary."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


# -- encoding -----------------------------------------------------------------------------
# Numbers are written five bits a character: the last character of a number comes from the
# first half of the alphabet, the others from the second half. Id lists are written as the
# gaps between ascending ids, or as a bitmap when that is shorter. Per-doc columns are single strings joined by newlines: a
# browser parses a few long strings much faster than thousands of small arrays.
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"


def _encode_number(value: int) -> str:
    digits = [ALPHABET[value & 31]]
    value >>= 5
    while value:
        digits.append(ALPHABET[32 + (value & 31)])
        value >>= 5
    return "".join(reversed(digits))


_TABLE_SIZE = 1 << 15  # every number of up to three characters, spelt once: most gaps and counts
_TABLE: list[str] = []


def _table() -> list[str]:
    if not _TABLE:  # every number of one, two and three characters, in order (_encode_number's digits)
        last, more = ALPHABET[:32], ALPHABET[32:]
        _TABLE.extend(last)
        _TABLE.extend(map("".join, product(more[1:], last)))
        _TABLE.extend(map("".join, product(more[1:], more, last)))
    return _TABLE


def encode_numbers(values: Iterable[int]) -> str:
    values = list(values)
    if values and max(values) < _TABLE_SIZE:  # a table look-up each, in C: the index's postings are most of its time
        return "".join(map(_table().__getitem__, values))
    return "".join(map(_encode_number, values))


def _gap(after: int, before: int) -> int:
    return after - before - 1


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
    gaps = encode_numbers(map(_gap, ordered, [-1, *ordered]))
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


_SLUG_DROPPED = re.compile(r"[^\w\u4e00-\u9fff\- ]")  # mdit_py_plugins.anchors' slugify
# The ASCII characters it drops, for bytes.translate: half the time of the pattern, per heading
_SLUG_DROPPED_ASCII = bytes(c for c in range(128) if _SLUG_DROPPED.match(chr(c)))


def stored_anchor(anchor: str, heading: str) -> str:
    """'^' where the browser can rebuild the anchor from the heading (plain ASCII slug), else it."""
    if not (anchor and anchor.isascii() and heading.isascii()):  # no ASCII heading slugs to another anchor
        return anchor
    return "^" if heading.lower().replace(" ", "-").encode().translate(None, _SLUG_DROPPED_ASCII) == anchor.encode() \
        else anchor


def _column(values: Iterable[str]) -> str:
    values = list(values)
    joined = "\n".join(values)  # in C: a value seldom holds a line break of its own
    if joined.count("\n") <= len(values) - 1:
        return joined
    return "\n".join(value.replace("\n", " ") for value in values)


@dataclass(frozen=True)
class IndexTerms:
    """The words of an index's docs and titles, and its id lists by term: a build after an edit
    redoes only the docs whose text changed (the build cache keeps it). Made from any earlier
    index, the result is the one made from scratch: each list is updated by the difference
    between the old and the new terms of each doc whose text or heading differs (the old terms
    are found again from the old text: keeping every doc's terms would cost more to read).
    Stored as few large objects (one string of every text, arrays of ids), which a warm build
    reads in milliseconds where a list of Python ints per term took 0.15 s at 2,000 pages."""

    english: bool
    joined: str         # every doc's text then heading, end to end
    bounds: array       # where each of them ends in `joined` (2 per doc)
    titles: list[str]   # of every entry
    in_text: dict[str, array]     # the docs whose text holds each term, ascending
    in_heading: dict[str, array]  # the docs whose own heading holds it
    in_title: dict[str, array]    # the entries whose title holds it
    postings: dict[str, str]      # each term's three lists, encoded
    redone: int = 0  # docs and titles tokenised again from the index this one was made from (0: from scratch)

    @property
    def count(self) -> int:
        return len(self.bounds) // 2

    def docs(self) -> list[tuple[str, str]]:
        """(text, heading) of every doc."""
        joined, bounds = self.joined, self.bounds
        cuts = [joined[start:end] for start, end in zip((0, *bounds), bounds)]
        return list(zip(cuts[::2], cuts[1::2]))


def _joined(docs: list[tuple[str, str]]) -> tuple[str, array]:
    parts = [part for doc in docs for part in doc]
    return "".join(parts), array("Q", accumulate(map(len, parts)))


# More changed docs than this share of them, and the index is made from scratch: cheaper than
# moving every id (a page added early shifts all the docs after it).
REDO_SHARE = 4


def index_terms(entries: list[SearchEntry], english: bool, last: IndexTerms | None = None) -> IndexTerms:
    """The terms of `entries` and their id lists; from `last` by difference where that is cheaper."""
    docs = [(doc.text, doc.heading) for entry in entries for doc in entry.docs]
    titles = [entry.title for entry in entries]
    terms = Terms(english)
    if last is None or last.english != english or last.count != len(docs) or len(last.titles) != len(titles):
        return _terms_from_scratch(docs, titles, terms, english)
    old_docs = last.docs()
    changed_docs = [d for d, (doc, old) in enumerate(zip(docs, old_docs)) if doc != old]
    changed_titles = [i for i, (title, old) in enumerate(zip(titles, last.titles)) if title != old]
    if (len(changed_docs) + len(changed_titles)) * REDO_SHARE > len(docs) + len(titles):
        return _terms_from_scratch(docs, titles, terms, english)
    if not changed_docs and not changed_titles:
        return last
    in_text, in_heading, in_title = dict(last.in_text), dict(last.in_heading), dict(last.in_title)
    touched: set[str] = set()
    for d in changed_docs:
        (text, heading), (old_text, old_heading) = docs[d], old_docs[d]
        _move(in_text, d, terms(old_text), terms(text), touched)
        _move(in_heading, d, terms(old_heading) if old_heading else set(), terms(heading) if heading else set(),
              touched)
    for i in changed_titles:
        _move(in_title, i, terms(last.titles[i]), terms(titles[i]), touched)
    postings = dict(last.postings)
    for term in touched:
        if term in in_text or term in in_heading or term in in_title:
            postings[term] = _posting(term, in_text, in_heading, in_title)
        else:
            postings.pop(term, None)
    return IndexTerms(english, *_joined(docs), titles, in_text, in_heading, in_title, postings,
                      len(changed_docs) + len(changed_titles))


def _terms_from_scratch(docs: list[tuple[str, str]], titles: list[str], terms: Terms, english: bool) -> IndexTerms:
    in_text: dict[str, list[int]] = {}
    in_heading: dict[str, list[int]] = {}
    in_title: dict[str, list[int]] = {}
    for d, (text, heading) in enumerate(docs):
        for term in terms(text):
            in_text.setdefault(term, []).append(d)
        if heading:
            for term in terms(heading):
                in_heading.setdefault(term, []).append(d)
    for i, title in enumerate(titles):
        for term in terms(title):
            in_title.setdefault(term, []).append(i)
    postings = {term: _posting(term, in_text, in_heading, in_title)
                for term in set(in_text) | set(in_heading) | set(in_title)}
    return IndexTerms(english, *_joined(docs), titles, _arrays(in_text), _arrays(in_heading), _arrays(in_title),
                      postings)


def _arrays(lists: dict[str, list[int]]) -> dict[str, array]:
    return {term: array("I", ids) for term, ids in lists.items()}


def _move(lists: dict[str, array], ident: int, old: set[str], new: set[str], touched: set[str]) -> None:
    """`ident` taken out of the lists of the terms it lost and put into those it gained, in
    order; the lists are copied, never changed in place (the last index's stay as they were)."""
    for term in old - new:
        remaining = array("I", (i for i in lists[term] if i != ident))
        if remaining:
            lists[term] = remaining
        else:
            del lists[term]
        touched.add(term)
    for term in new - old:
        ids = array("I", lists.get(term, ()))
        bisect.insort(ids, ident)
        lists[term] = ids
        touched.add(term)


def _posting(term: str, in_text: dict[str, Sequence[int]], in_heading: dict[str, Sequence[int]],
             in_title: dict[str, Sequence[int]]) -> str:
    return ".".join((encode_ids(in_text.get(term, ())), encode_ids(in_heading.get(term, ())),
                     encode_ids(in_title.get(term, ())))).rstrip(".")


def index_data(entries: list[SearchEntry], english: bool, translate: Callable[[str], str] = str,
               last: IndexTerms | None = None) -> tuple[dict[str, object], str, IndexTerms]:
    """The index as plain data, and the excerpts of prose sections as one column.

    `groups` are [label, text weight] of what results are listed under; each entry is [group,
    url, title, subtitle] and owns consecutive docs (`docCounts` per entry); the columns
    `anchors` (see stored_anchor), `headings`, `contexts` (the entry a doc also speaks for,
    + 1, else 0) and `texts` hold one line or number per doc. `postings[i]` is three id lists
    for `terms[i]`, separated by '.': the docs whose text holds it, the docs whose own heading
    holds it, the entries whose title holds it. The docs of a group whose excerpts come
    later (prose) keep them in the second file.
    """
    found = index_terms(entries, english, last)
    groups = list(dict.fromkeys(entry.group for entry in entries))
    entry_of_url = {entry.url: i for i, entry in enumerate(entries)}
    docs = [(i, doc) for i, entry in enumerate(entries) for doc in entry.docs]
    contexts = [entry_of_url[doc.context] if doc.context else -1 for _, doc in docs]
    # in the order JavaScript compares strings (UTF-16 code units), for its binary search
    vocabulary = sorted(found.postings, key=lambda t: t.encode("utf-16-be"))
    shown = [doc.text if len(doc.text) <= EXCERPT_CHARS else excerpt(doc.text, EXPECTATION_CHARS if context >= 0
                                                                       else EXCERPT_CHARS)
             for (_, doc), context in zip(docs, contexts)]
    anchor_keys = [(doc.anchor, doc.heading) for _, doc in docs]
    anchor_of = {key: stored_anchor(*key) for key in set(anchor_keys)}  # headings repeat: each slug made once
    prose = [entries[i].group.excerpts_later for i, _ in docs]
    core = {
        "version": FORMAT_VERSION,
        "english": english,
        "stopWords": " ".join(sorted(STOP_WORDS)) if english else "",
        "groups": [[translate(group.label), group.text_weight] for group in groups],
        "entries": [[groups.index(e.group), e.url, e.title, e.subtitle] for e in entries],
        "docCounts": encode_numbers(len(e.docs) for e in entries),
        "anchors": _column(map(anchor_of.__getitem__, anchor_keys)),
        "headings": _column(doc.heading for _, doc in docs),
        "contexts": encode_numbers(context + 1 for context in contexts),
        "texts": _column("" if is_prose else text for text, is_prose in zip(shown, prose)),
        "terms": " ".join(vocabulary),
        "postings": list(map(found.postings.__getitem__, vocabulary)),
    }
    return core, _column(text if is_prose else "" for text, is_prose in zip(shown, prose)), found


def index_files(entries: list[SearchEntry], language: str, translate: Callable[[str], str] = str,
                last: IndexTerms | None = None) -> tuple[dict[str, bytes], IndexTerms]:
    """The two index scripts, each one statement assigning its data to one global, and the terms
    they were made of (for the next index); `translate` gives the group labels in the
    handbook's language."""
    core, excerpts, terms = index_data(entries, language.lower().startswith("en"), translate, last)
    return {
        INDEX_FILE: _assignment(GLOBAL, core),
        EXCERPTS_FILE: _assignment(EXCERPTS_GLOBAL, excerpts),
    }, terms


def _assignment(name: str, value: object) -> bytes:
    return f"window.{name}={json.dumps(value, ensure_ascii=False, separators=(',', ':'))};\n".encode()
