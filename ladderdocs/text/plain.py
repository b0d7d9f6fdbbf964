"""The words a reader sees in rendered Markdown, for the search index.

Taken from the tokens markdown-it makes, never from the Markdown source by pattern: what the
page shows as `<div>` in code is found as `<div>`, a `[[level:x]]` reference by its title.
A prose page's sections come from the tokens its rendering already parsed; a ladder string
(a summary, an expectation) is parsed here with the same parser and rules.
"""

from __future__ import annotations

import re
from typing import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ladderdocs.text.markdown import HEADING_LEVELS, Context, Resolver

Section = tuple[str, str, str]  # (anchor, heading, text) of a part of a prose page

_SPACE = re.compile(r"\s+")
# A string without any character an inline rule could start at, and no block marker at its
# start, parses to one paragraph of itself (tests/test_search.py checks it against the parser).
_NO_MARKUP = re.compile(r"[^\\`*_\[\]!<>&~|#\n\t]*")
_BLOCK_START = re.compile(r" {0,3}(?:[-+]|\d{1,9}[.)])(?: |$)| {4}| {0,3}(?:-[ \t]*){3,}$")  # lists, code, rules


def collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def inline_text(inline: Token) -> str:
    """The words of an inline token as the page shows them."""
    parts = []
    for child in inline.children or []:
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak", "html_inline"):  # raw HTML shows no words of its own
            parts.append(" ")
        elif kind == "image":
            parts.append(child.content)  # its alt text
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


def page_sections(tokens: Sequence[Token]) -> list[Section]:
    """Each section of a rendered page, the first being the text before any heading. The anchor
    is the id the rendered heading carries, so a result lands on it."""
    sections: list[tuple[str, str, list[str]]] = [("", "", [])]
    heading_inline = -1
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and int(token.tag[1]) in HEADING_LEVELS:
            heading_inline = i + 1
            sections.append((str(token.attrGet("id") or ""), inline_text(tokens[i + 1]), []))
        elif token.type == "inline" and i != heading_inline:
            sections[-1][2].append(inline_text(token))
        elif token.type in ("fence", "code_block"):
            sections[-1][2].append(collapse(token.content))
    return [(anchor, heading, " ".join(t for t in texts if t)) for anchor, heading, texts in sections]


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
