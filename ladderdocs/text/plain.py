"""The words a reader sees in rendered Markdown, for the search index.

Taken from the tokens markdown-it makes, never from the Markdown source by pattern: what the
page shows as `<div>` in code is found as `<div>`, a `[[level:x]]` reference by its title.
A prose page's HTML and its sections come from one walk over the tokens (`render_page`); a
ladder string (a summary, an expectation) is parsed here with the same parser and rules.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

from ladderdocs.text.markdown import HEADING_LEVELS, Context, Heading, Resolver

Section = tuple[str, str, str]  # (anchor, heading, text) of a part of a prose page

# A string without any character an inline rule could start at, and no block marker at its
# start, parses to one paragraph of itself (tests/test_search.py checks it against the parser).
_NO_MARKUP = re.compile(r"[^\\`*_\[\]!<>&~|#\n\t]*")
_BLOCK_START = re.compile(r" {0,3}(?:[-+]|\d{1,9}[.)])(?: |$)| {4}| {0,3}(?:-[ \t]*){3,}$")  # lists, code, rules


def collapse(text: str) -> str:
    """Runs of whitespace as one space, none at the ends: split() splits at just what `\\s` matches,
    and is several times faster than the pattern on this hot path."""
    return " ".join(text.split())


_WORDS = frozenset(("text", "code_inline", "image"))  # an image shows its alt text
_SPACES = frozenset(("softbreak", "hardbreak", "html_inline"))  # raw HTML shows no words of its own


def inline_text(inline: Token) -> str:
    """The words of an inline token as the page shows them."""
    parts = []
    for child in inline.children or []:
        kind = child.type
        if kind in _WORDS:
            parts.append(child.content)
        elif kind in _SPACES:
            parts.append(" ")
        elif kind == "ladder_ref":
            parts.append(child.meta.get("label") or child.meta.get("title") or child.meta["id"])
    return collapse("".join(parts))


def block_text(tokens: Sequence[Token]) -> str:
    texts = []
    for token in tokens:
        if token.type == "inline":
            texts.append(inline_text(token))
        elif token.type in ("fence", "code_block"):
            texts.append(collapse(token.content))
    return " ".join(t for t in texts if t)


def render_page(md: MarkdownIt, text: str, ctx: Context) -> tuple[str, list[Heading], list[Section]]:
    """A prose page's HTML, its headings and its sections, in one walk over the tokens (and
    one over each inline token's children): the renderer's loop, which also gathers the words.
    The first section is the text before any heading; a section's anchor is the id its
    rendered heading carries, so a search result lands on it."""
    env = {"ctx": ctx}
    tokens = md.parse(text, env)
    renderer, options = md.renderer, md.options
    rules = renderer.rules
    html: list[str] = []
    headings: list[Heading] = []
    sections: list[tuple[str, str, list[str]]] = [("", "", [])]
    heading: Token | None = None  # the open heading whose inline token comes next
    for i, token in enumerate(tokens):
        kind = token.type
        if kind == "inline":
            children = token.children or []
            words = []
            for j, child in enumerate(children):  # inline_text's rules, inlined: this loop is hot
                child_kind = child.type
                rule = rules.get(child_kind)
                html.append(rule(children, j, options, env) if rule else renderer.renderToken(children, j, options, env))
                if child_kind in _WORDS:
                    words.append(child.content)
                elif child_kind in _SPACES:
                    words.append(" ")
                elif child_kind == "ladder_ref":
                    words.append(child.meta.get("label") or child.meta.get("title") or child.meta["id"])
            if heading is None:
                sections[-1][2].append(collapse("".join(words)))
                continue
            anchor = str(heading.attrGet("id") or "")
            if anchor:
                headings.append(Heading(int(heading.tag[1]), anchor, "".join(
                    c.content for c in children if c.type in ("text", "code_inline"))))
            if int(heading.tag[1]) in HEADING_LEVELS:
                sections.append((anchor, collapse("".join(words)), []))
            else:
                sections[-1][2].append(collapse("".join(words)))
            heading = None
            continue
        rule = rules.get(kind)
        html.append(rule(tokens, i, options, env) if rule else renderer.renderToken(tokens, i, options, env))
        if kind == "heading_open":
            heading = token
        elif kind in ("fence", "code_block"):
            sections[-1][2].append(collapse(token.content))
    return "".join(html), headings, [(anchor, title, " ".join(t for t in texts if t))
                                     for anchor, title, texts in sections]


class PlainText:
    """Ladder strings as the words a reader sees, each parsed once per build."""

    def __init__(self, md: MarkdownIt, resolve: Resolver):
        self.md = md
        self.resolve = resolve
        self._seen: dict[tuple[str, bool], str] = {}

    def __call__(self, text: str, inline: bool = False) -> str:
        """`text` rendered as a block (a summary) or, with `inline`, as one line (an expectation)."""
        if _NO_MARKUP.fullmatch(text) and (inline or not _BLOCK_START.match(text)):
            return collapse(text)
        key = (text, inline)
        if key not in self._seen:
            env = {"ctx": Context(self.resolve, "", "", 1)}  # problems are the render's to report
            tokens = self.md.parseInline(text, env) if inline else self.md.parse(text, env)
            self._seen[key] = block_text(tokens)
        return self._seen[key]
