"""Changed words marked in both versions of a reworded expectation.

Works on the rendered HTML of both sides, so links and code in an expectation survive:
tags are tokens that are never wrapped, and only runs of words get <del> or <ins>.
static/diff-picker.js implements the same steps for the pairs it computes in the browser.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from markupsafe import Markup

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


@lru_cache(maxsize=4096)  # a pair of levels' reworded expectations recurs on several pages
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
