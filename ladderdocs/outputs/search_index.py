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
from dataclasses import dataclass, replace
from json.encoder import encode_basestring  # json.dumps' own, in C: a string's JSON text
from itertools import accumulate, chain, compress, count, groupby, product, repeat
from operator import attrgetter, gt, ne
from typing import Callable, Iterable, Sequence

from ladderdocs.pages.base import SearchDoc, SearchEntry

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
_SHORT = 32  # numbers in a list this short are spelt one by one: cheaper than making the table


def _table(top: int) -> list[str]:
    """Every number of one, two and three characters in order (_encode_number's digits), made
    as far as `top` needs: an index by difference seldom needs the 32,768 (3 ms)."""
    last, more = ALPHABET[:32], ALPHABET[32:]
    if not _TABLE:
        _TABLE.extend(last)
    if top >= 32 and len(_TABLE) == 32:
        _TABLE.extend(map("".join, product(more[1:], last)))
    if top >= 32 * 32 and len(_TABLE) == 32 * 32:
        _TABLE.extend(map("".join, product(more[1:], more, last)))
    return _TABLE


def encode_numbers(values: Iterable[int]) -> str:
    values = list(values)
    top = max(values, default=0)
    if len(values) > _SHORT and top < _TABLE_SIZE:  # a look-up each, in C: postings are most of an index's time
        return "".join(map(_table(top).__getitem__, values))
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


FIELDS = len(SearchDoc._fields)  # of each doc in IndexTerms.joined: anchor, heading, text, context


@dataclass(frozen=True)
class IndexTerms:
    """What an index is made of, kept so that a build after an edit redoes only the docs that
    changed (the build cache keeps it): their words, what is shown of them, the id lists by
    term. Made from any earlier index, the result is the one made from scratch: each list is
    updated by the difference between the old and the new terms of each doc that differs (the
    old terms are found again from the old text: keeping every doc's terms would cost more to
    read), and every other doc keeps what was shown of it.
    Stored as few large objects (one string of every doc, arrays of ids), which a warm build
    reads in milliseconds where a list of Python ints per term took 0.15 s at 2,000 pages (and
    a tuple per doc, 20 ms)."""

    english: bool
    pieces: tuple[str, ...]  # joined, every doc's fields (FIELDS of them) end to end: see `joined`
    lengths: array      # of each of them
    titles: list[str]   # of every entry
    counts: array       # how many docs each entry has
    in_text: dict[str, array]     # the docs whose text holds each term, ascending
    in_heading: dict[str, array]  # the docs whose own heading holds it
    in_title: dict[str, array]    # the entries whose title holds it
    postings: dict[str, str]      # each term's three lists, encoded
    vocabulary: list[str]  # the terms in the order the browser's binary search needs (_js_order)
    shown: bytes  # what the index shows of each doc's text (_shown), a line each: one object unpickles 5x faster
    widths: array  # of each of those lines, so that a few of them are found without splitting them all
    anchors: list[str]     # each doc's anchor as the index stores it (stored_anchor)
    redone: int = 0  # docs and titles tokenised again from the index this one was made from (0: from scratch)

    @property
    def joined(self) -> str:
        """Every doc's fields, end to end. An index after an edit (_terms_after) keeps the text
        before and after the edited docs apart, so that an edit build that does not keep its
        terms never copies the whole text (see `whole`)."""
        return self.pieces[0] if len(self.pieces) == 1 else "".join(self.pieces)

    def whole(self) -> IndexTerms:
        """These terms, their text in one piece: as they are kept."""
        return self if len(self.pieces) == 1 else replace(self, pieces=(self.joined,))

    @property
    def count(self) -> int:
        return len(self.lengths) // FIELDS

    def lines(self) -> list[bytes]:
        """What is shown of each doc, a line each (escaped for JSON, none holds a line break)."""
        return self.shown.split(b"\n") if self.count else []

    def offset(self, doc: int) -> int:
        """Where the line shown of `doc` begins in `shown`."""
        return sum(self.widths[:doc]) + doc


def _js_order(term: str) -> bytes:
    """The order JavaScript compares strings in (UTF-16 code units), for its binary search."""
    return term.encode("utf-16-be")


def _shown(doc: SearchDoc) -> bytes:
    """A doc's text as results show it (whole when short, an expectation, a doc with a context,
    up to EXPECTATION_CHARS, any other up to EXCERPT_CHARS), as one line of a column, already
    escaped for JSON (escaping is char by char, so a column's JSON is its lines' joined) and
    encoded, so the index files are joined from bytes, never encoded whole."""
    text = doc.text
    if len(text) > EXCERPT_CHARS:
        text = excerpt(text, EXPECTATION_CHARS if doc.context else EXCERPT_CHARS)
    return encode_basestring(text.replace("\n", " "))[1:-1].encode()


# More changed docs than this share of them, and the index is made from scratch: cheaper than
# moving every id (a page added early shifts all the docs after it).
REDO_SHARE = 4


@dataclass(frozen=True)
class Ahead:
    """An index begun before some entries were known (pages still being rendered, site.py): made
    with those entries as the last index had them, so the index after compares those alone."""

    terms: IndexTerms  # of the entries with the old ones in place
    waiting: list[tuple[int, int, int]]  # each awaited entry, its first doc in `terms`, how many docs it had
    redone: int        # docs and titles `terms` tokenised again from the last index's


def index_ahead(entries: list[SearchEntry], waiting: list[int], english: bool, last: IndexTerms | None
                ) -> Ahead | None:
    """The index of `entries` with those at `waiting` (stand-ins without docs) as the entries at
    their places in `last`; None unless `last` has as many entries (the places are then known)."""
    if not waiting or last is None or last.english != english or len(last.titles) != len(entries):
        return None
    sizes = list(map(len, map(_DOCS, entries)))
    guess = list(entries)
    for k in waiting:
        sizes[k] = last.counts[k]
        first = sum(last.counts[:k])
        guess[k] = SearchEntry(entries[k].group, entries[k].url, last.titles[k], entries[k].subtitle,
                               _docs_at(last, first, sizes[k], sum(last.lengths[:first * FIELDS])))
    terms = index_terms(guess, english, last)
    starts = [0, *accumulate(sizes)]
    return Ahead(terms, [(k, starts[k], sizes[k]) for k in sorted(waiting)], 0 if terms is last else terms.redone)


def _docs_at(terms: IndexTerms, first: int, n: int, at: int) -> list[SearchDoc]:
    """`n` docs of `terms` from its doc `first`, whose text begins at `at` of `terms.joined`."""
    docs, lengths, joined = [], terms.lengths[first * FIELDS:(first + n) * FIELDS], terms.joined
    for d in range(n):
        fields = []
        for length in lengths[d * FIELDS:(d + 1) * FIELDS]:
            fields.append(joined[at:at + length])
            at += length
        docs.append(SearchDoc(*fields))
    return docs


def index_terms(entries: list[SearchEntry], english: bool, last: IndexTerms | None = None,
                ahead: Ahead | None = None) -> IndexTerms:
    """The terms of `entries`, their id lists and what is shown of each doc; from `last` by
    difference where that is cheaper, or from `ahead` when that was made for them."""
    counts = array("I", map(len, map(_DOCS, entries)))
    if ahead is not None:
        after = _terms_after(entries, counts, english, ahead)
        if after is not None:
            return after
    docs = list(chain.from_iterable(entry.docs for entry in entries))
    titles = list(map(attrgetter("title"), entries))
    parts = list(chain.from_iterable(docs))
    joined, lengths = "".join(parts), array("I", map(len, parts))
    terms = Terms(english)
    if last is None or last.english != english or last.count != len(docs) or len(last.titles) != len(titles):
        return _terms_from_scratch(docs, joined, lengths, titles, counts, terms, english)
    changed_docs = _changed_docs(docs, joined, lengths, last)
    changed_titles = list(compress(count(), map(ne, titles, last.titles)))
    if (len(changed_docs) + len(changed_titles)) * REDO_SHARE > len(docs) + len(titles):
        return _terms_from_scratch(docs, joined, lengths, titles, counts, terms, english)
    return _by_difference(last, docs, changed_docs, changed_titles, (joined,), lengths, titles, counts, terms,
                          english, len(changed_docs) + len(changed_titles))


def _terms_after(entries: list[SearchEntry], counts: array, english: bool, ahead: Ahead) -> IndexTerms | None:
    """index_terms by difference from `ahead`, whose entries are these but the ones it waited
    for: only their docs and titles are compared, and the text of all is spliced, not joined
    again. None when one of them has another number of docs, or they changed too much."""
    last, titles = ahead.terms, list(ahead.terms.titles)
    docs, changed, changed_titles = {}, {}, []
    pieces, lengths, whole, at, lo = [], [], last.joined, 0, 0  # the text and lengths up to the last awaited
    for k, first, n in ahead.waiting:
        new = entries[k].docs
        if len(new) != n:
            return None
        start, end = first * FIELDS, (first + n) * FIELDS
        begins = at + sum(last.lengths[lo:start])
        ends = begins + sum(last.lengths[start:end])
        old = _docs_at(last, first, n, begins)
        docs.update(zip(range(first, first + n), new))
        changed.update((first + i, before) for i, (doc, before) in enumerate(zip(new, old)) if doc != before)
        titles[k] = entries[k].title
        if titles[k] != last.titles[k]:
            changed_titles.append(k)
        parts = list(chain.from_iterable(new))
        pieces += [whole[at:begins], "".join(parts)]
        lengths += [last.lengths[lo:start], array("I", map(len, parts))]
        at, lo = ends, end
    if (len(changed) + len(changed_titles)) * REDO_SHARE > last.count + len(titles):
        return None
    pieces.append(whole[at:])
    lengths.append(last.lengths[lo:])
    return _by_difference(last, docs, changed, changed_titles, tuple(pieces), sum(lengths, array("I")), titles, counts,
                          Terms(english), english, ahead.redone + len(changed) + len(changed_titles))


def _by_difference(last: IndexTerms, docs: Sequence[SearchDoc] | dict[int, SearchDoc],
                   changed_docs: dict[int, SearchDoc], changed_titles: list[int], pieces: tuple[str, ...],
                   lengths: array, titles: list[str], counts: array, terms: Terms, english: bool, redone: int
                   ) -> IndexTerms:
    """`last` with the docs (new in `docs`, old in `changed_docs`) and titles that changed redone."""
    if not changed_docs and not changed_titles:
        return last if counts == last.counts else replace(last, counts=counts)
    in_text, in_heading, in_title = dict(last.in_text), dict(last.in_heading), dict(last.in_title)
    anchors = list(last.anchors)
    touched: set[str] = set()
    low, high = (min(changed_docs), max(changed_docs) + 1) if changed_docs else (0, 0)
    at = last.offset(low)  # the lines of the docs from the first changed to the last, alone split and joined
    end = at + sum(last.widths[low:high]) + high - low - 1
    shown = last.shown[at:end].split(b"\n") if changed_docs else []
    for d, old in changed_docs.items():
        doc = docs[d]
        if doc.text != old.text:
            _move(in_text, d, terms(old.text), terms(doc.text), touched)
        if doc.heading != old.heading:
            _move(in_heading, d, terms(old.heading) if old.heading else set(),
                  terms(doc.heading) if doc.heading else set(), touched)
        shown[d - low], anchors[d] = _shown(doc), stored_anchor(doc.anchor, doc.heading)
    for i in changed_titles:
        _move(in_title, i, terms(last.titles[i]), terms(titles[i]), touched)
    postings, vocabulary = dict(last.postings), list(last.vocabulary)
    for term in touched:
        if term in in_text or term in in_heading or term in in_title:
            if term not in postings:
                bisect.insort(vocabulary, term, key=_js_order)
            postings[term] = _posting(term, in_text, in_heading, in_title)
        elif term in postings:
            del postings[term]
            vocabulary.remove(term)
    widths = last.widths[:low] + array("I", map(len, shown)) + last.widths[high:]
    shown_all = b"".join((last.shown[:at], b"\n".join(shown), last.shown[end:])) if changed_docs else last.shown
    return IndexTerms(english, pieces, lengths, titles, counts, in_text, in_heading, in_title, postings, vocabulary,
                      shown_all, widths, anchors, redone)


def _changed_docs(docs: list[SearchDoc], joined: str, lengths: array, last: IndexTerms) -> dict[int, SearchDoc]:
    """The docs that differ from `last`'s at the same place, each with its old version. The
    fields (which make `joined`, each `lengths` long) the two have alike at either end are
    found by comparing long stretches (in C), so only the docs between are compared one by
    one: an edit of one page costs a pass over the text, not a call per field."""
    old_joined, old_lengths = last.joined, last.lengths
    if lengths == old_lengths and joined == old_joined:
        return {}
    n, alike_from_start, alike_at_end = len(lengths), _same_prefix(joined, old_joined), _same_suffix(joined, old_joined)
    # the fields that end within the text alike from the start (in both: their lengths are alike), likewise from the end
    head = min(_same_prefix(lengths, old_lengths), _count_within(accumulate(lengths), alike_from_start, n))
    tail = min(_same_suffix(lengths, old_lengths), _count_within(accumulate(reversed(lengths)), alike_at_end, n))
    first, end = head // FIELDS, max(-(-(n - tail) // FIELDS), head // FIELDS)
    at = sum(old_lengths[:first * FIELDS])
    changed = {}
    for d in range(first, end):
        fields = []
        for length in old_lengths[d * FIELDS:(d + 1) * FIELDS]:
            fields.append(old_joined[at:at + length])
            at += length
        if docs[d] != tuple(fields):
            changed[d] = SearchDoc(*fields)
    return changed


def _count_within(ends: Iterable[int], limit: int, n: int) -> int:
    """How many of ascending `ends` (of n) are at most `limit`: those before the first beyond it."""
    return next(compress(count(), map(gt, ends, repeat(limit))), n)


def _same_prefix(new: Sequence, old: Sequence) -> int:
    """How many items `new` and `old` (strings or arrays) have alike from their start: compared
    in ever smaller stretches, each in C."""
    n, at, size = min(len(new), len(old)), 0, 1 << 16
    while size:
        end = min(at + size, n)
        if end > at and new[at:end] == old[at:end]:
            at = end
        else:
            size >>= 1
    return at


def _same_suffix(new: Sequence, old: Sequence) -> int:
    """How many items `new` and `old` have alike at their end."""
    n, at, size, a, b = min(len(new), len(old)), 0, 1 << 16, len(new), len(old)
    while size:
        end = min(at + size, n)
        if end > at and new[a - end:a - at] == old[b - end:b - at]:
            at = end
        else:
            size >>= 1
    return at


def _terms_from_scratch(docs: list[SearchDoc], joined: str, lengths: array, titles: list[str], counts: array,
                        terms: Terms, english: bool) -> IndexTerms:
    in_text: dict[str, list[int]] = {}
    in_heading: dict[str, list[int]] = {}
    in_title: dict[str, list[int]] = {}
    for d, doc in enumerate(docs):
        for term in terms(doc.text):
            in_text.setdefault(term, []).append(d)
        if doc.heading:
            for term in terms(doc.heading):
                in_heading.setdefault(term, []).append(d)
    for i, title in enumerate(titles):
        for term in terms(title):
            in_title.setdefault(term, []).append(i)
    postings = {term: _posting(term, in_text, in_heading, in_title)
                for term in set(in_text) | set(in_heading) | set(in_title)}
    shown = list(map(_shown, docs))
    anchor_keys = [(doc.anchor, doc.heading) for doc in docs]
    anchor_of = {key: stored_anchor(*key) for key in set(anchor_keys)}  # headings repeat: each slug made once
    return IndexTerms(english, (joined,), lengths, titles, counts, _arrays(in_text), _arrays(in_heading),
                      _arrays(in_title), postings, sorted(postings, key=_js_order), b"\n".join(shown),
                      array("I", map(len, shown)), list(map(anchor_of.__getitem__, anchor_keys)))


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
    """The index as plain data, and the excerpts of prose sections as one column: what the
    browser reads from index_files'.

    `groups` are [label, text weight] of what results are listed under; each entry is [group,
    url, title, subtitle] and owns consecutive docs (`docCounts` per entry); the columns
    `anchors` (see stored_anchor), `headings`, `contexts` (the entry a doc also speaks for,
    + 1, else 0) and `texts` hold one line or number per doc. `postings[i]` is three id lists
    for `terms[i]`, separated by '.': the docs whose text holds it, the docs whose own heading
    holds it, the entries whose title holds it. The docs of a group whose excerpts come
    later (prose) keep them in the second file.
    """
    core, excerpts, found = _index_json(entries, english, translate, last, None)
    return {key: json.loads(value) for key, value in core.items()}, json.loads(excerpts), found


def _index_json(entries: list[SearchEntry], english: bool, translate: Callable[[str], str],
                last: IndexTerms | None, ahead: Ahead | None) -> tuple[dict[str, bytes], bytes, IndexTerms]:
    """index_data's, each member as JSON text: the texts and excerpts joined from the lines
    IndexTerms keeps escaped, so an edit encodes only the docs it changed."""
    found = index_terms(entries, english, last, ahead)
    distinct = {id(entry.group): entry.group for entry in entries}  # by identity first: a group hashes in Python
    groups = list(dict.fromkeys(distinct.values()))
    group_at = {ident: groups.index(group) for ident, group in distinct.items()}
    entry_of_url = {entry.url: i for i, entry in enumerate(entries)}
    docs = list(chain.from_iterable(entry.docs for entry in entries))
    contexts = [entry_of_url[context] + 1 if context else 0 for context in map(attrgetter("context"), docs)]
    texts, excerpts = _split_shown(entries, found)
    core = {
        "version": _json(FORMAT_VERSION),
        "english": _json(english),
        "stopWords": _json(" ".join(sorted(STOP_WORDS)) if english else ""),
        "groups": _json([[translate(group.label), group.text_weight] for group in groups]),
        "entries": _json([[group_at[id(e.group)], e.url, e.title, e.subtitle] for e in entries]),
        "docCounts": _json(encode_numbers(map(len, map(_DOCS, entries)))),
        "anchors": _json(_column(found.anchors)),
        "headings": _json(_column(map(attrgetter("heading"), docs))),
        "contexts": _json(encode_numbers(contexts)),
        "texts": b'"' + texts + b'"',
        "terms": _json(" ".join(found.vocabulary)),
        "postings": _json(list(map(found.postings.__getitem__, found.vocabulary))),
    }
    return core, b'"' + excerpts + b'"', found


def _split_shown(entries: list[SearchEntry], terms: IndexTerms) -> tuple[bytes, bytes]:
    """The `texts` column and the excerpts (JSON string bodies, lines joined by an escaped line
    break): what is shown of each doc goes to the one its entry's group puts it in, the other
    has an empty line. Cut from `terms.shown` a run of entries of one kind at a time."""
    texts, excerpts, doc, at = [], [], 0, 0
    for later, run in groupby(entries, key=_excerpts_later):
        n = sum(map(len, map(_DOCS, run)))
        if not n:
            continue
        end = at + sum(terms.widths[doc:doc + n]) + n - 1
        lines, blank = terms.shown[at:end].replace(b"\n", b"\\n"), b"\\n" * (n - 1)
        texts.append(blank if later else lines)
        excerpts.append(lines if later else blank)
        doc, at = doc + n, end + 1
    return b"\\n".join(texts), b"\\n".join(excerpts)


_DOCS = attrgetter("docs")


def _excerpts_later(entry: SearchEntry) -> bool:
    return entry.group.excerpts_later


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def index_files(entries: list[SearchEntry], language: str, translate: Callable[[str], str] = str,
                last: IndexTerms | None = None, ahead: Ahead | None = None) -> tuple[dict[str, bytes], IndexTerms]:
    """The two index scripts, each one statement assigning its data to one global, and the terms
    they were made of (for the next index); `translate` gives the group labels in the
    handbook's language; `ahead` (index_ahead), what was begun of them before an entry came."""
    core, excerpts, terms = _index_json(entries, english_language(language), translate, last, ahead)
    members = b",".join(_json(key) + b":" + value for key, value in core.items())
    return {
        INDEX_FILE: _assignment(GLOBAL, b"{" + members + b"}"),
        EXCERPTS_FILE: _assignment(EXCERPTS_GLOBAL, excerpts),
    }, terms


def english_language(language: str) -> bool:
    """Whether an index in `language` folds English words (stop words, endings)."""
    return language.lower().startswith("en")


def _assignment(name: str, value: bytes) -> bytes:
    return b"".join((f"window.{name}=".encode(), value, b";\n"))
