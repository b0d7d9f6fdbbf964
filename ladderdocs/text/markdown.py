"""Markdown for pages and for every prose string of the ladder data.

markdown-it-py with tables, heading anchors and two additions of ours: `[[kind:id]]`
points at a ladder entity by id, and links to other `.md` files become links to their
pages. Both are resolved against the model; what does not resolve is a Problem with the
line it was written on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from posixpath import dirname, normpath
from typing import TYPE_CHECKING, Callable, Sequence
from urllib.parse import unquote

if TYPE_CHECKING:  # imported where used: a warm build that renders nothing never loads markdown-it
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict

from ladderdocs.addresses import join_page_path, page_url, relative_url
from ladderdocs.errors import Problem

# Bounded, so that a page of unclosed `[[level:` costs linear time, not quadratic: ids are at
# most 80 characters (schema.py) and page paths a few hundred.
REF = re.compile(r"\[\[(level|track|competency|page|view):([^\]|\s\[]{1,300})(?:\|([^\]]{1,500}))?\]\]")

# (kind, id) -> (site url, title) or None when it does not exist in this build
Resolver = Callable[[str, str], "tuple[str, str] | None"]


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass
class Context:
    """What one rendering needs to resolve links: where it is and where it came from."""

    resolve: Resolver
    page_dir: str          # output directory of the page holding the text, e.g. 'levels/x/'
    source_file: str
    source_line: int       # line of the text's first line in its file
    source_page_dir: str = ""  # folder under pages/ of a prose page, for .md links
    file_mode: bool = False
    problems: list[Problem] = field(default_factory=list)
    withheld: frozenset[tuple[str, str]] = frozenset()  # (kind, id) this audience may not see
    asset_base: str | None = None  # folder of the text under the handbook root, for links into assets/


def _ref_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    match = REF.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("ladder_ref", "", 0)
        token.meta = {"kind": match.group(1), "id": match.group(2), "label": match.group(3)}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _slug(title: str) -> str:
    """The plugin's slug, but never empty: a heading of emoji alone got id="", invalid HTML."""
    from mdit_py_plugins.anchors.index import slugify
    return slugify(title) or "section"


def make_markdown(allow_html: bool) -> MarkdownIt:
    """CommonMark with what authors bring from GitHub: tables, strikethrough, alerts (`> [!NOTE]`),
    task lists, footnotes, and definition lists; and our `[[kind:id]]` references."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": False, "alerts": True, "tasklists": True})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin, inline=False).use(deflist_plugin)
    md.inline.ruler.before("link", "ladder_ref", _ref_rule)
    md.core.ruler.push("heading_ids", _heading_ids)
    md.core.ruler.push("ladder_links", _resolve_links)
    md.core.ruler.push("align_classes", _align_classes)
    md.core.ruler.push("asides", _alerts_as_asides)
    md.core.ruler.push("foreign_syntax", _warn_foreign_syntax)
    md.add_render_rule("ladder_ref", _render_ref)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", _render_table_close)
    md.add_render_rule("list_item_open", _render_list_item_open)
    return md


ALERTS = {"NOTE": "Note", "TIP": "Tip", "IMPORTANT": "Important", "WARNING": "Warning", "CAUTION": "Caution"}


def _alerts_as_asides(state) -> None:  # type: ignore[no-untyped-def]
    """GitHub's alerts (`> [!NOTE]`) become <aside role="note"> with their title, which a
    screen reader announces as a note; the theme styles them by kind."""
    for token in state.tokens:
        if token.type in ("alert_open", "alert_close"):
            token.tag = "aside"
        if token.type == "alert_open":
            kind = str(token.meta.get("kind", "NOTE")).lower()
            token.attrs = {"class": f"alert alert-{kind}", "role": "note"}
        elif token.type == "alert_title_open":
            token.attrs = {"class": "alert-title"}


# What other tools write for a callout: shown as plain text here, so the author is told.
FOREIGN = [(re.compile(r"(!!!|\?\?\?\+?) ?\w"), "an admonition as MkDocs writes it"),
           (re.compile(r":::+ ?\w"), "a container as Docusaurus or pandoc writes it")]
_FOREIGN_STARTS = ("!", "?", ":", "{")  # the first characters of FOREIGN's patterns, and of a MyST fence


def _warn_foreign_syntax(state) -> None:  # type: ignore[no-untyped-def]
    ctx: Context | None = state.env.get("ctx")
    if ctx is None:
        return
    for i, token in enumerate(state.tokens):
        if token.type == "paragraph_open":
            text = state.tokens[i + 1].content
        elif token.type == "fence":
            text = token.info
        else:
            continue
        if text[:1] not in _FOREIGN_STARTS:  # most paragraphs: no pattern to try
            continue
        if token.type == "fence" and text.startswith("{"):
            what = "a directive as MyST writes it"
        else:
            what = next((name for pattern, name in FOREIGN if pattern.match(text)), "")
        if what:
            line = ctx.source_line + (token.map[0] if token.map else 0)
            ctx.problems.append(Problem(ctx.source_file, line, 1, f"'{text.splitlines()[0][:40]}' looks like {what}, "
                                                                  "which shows here as plain text; expected a GitHub "
                                                                  "alert such as '> [!NOTE]'", "warning"))


def _render_list_item_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                           env: EnvType) -> str:
    """A task list item shows its state as a sign and says it in words to a screen reader: a
    disabled checkbox would be a form control with no label."""
    token = tokens[idx]
    if not (token.meta and "checked" in token.meta):
        return self.renderToken(tokens, idx, options, env)
    done = token.meta["checked"]
    sign, words = ("☑", "Done:") if done else ("☐", "To do:")
    return (f'<li class="task-list-item task-{"done" if done else "open"}"><span class="task-sign" '
            f'aria-hidden="true">{sign}</span> <span class="visually-hidden">{words}</span> ')


HEADING_LEVELS = (2, 3, 4)  # the headings that get an id: a page's h1 is its title


def _heading_ids(state) -> None:  # type: ignore[no-untyped-def]
    """An id for each heading from its text, as GitHub makes them ('setup', then 'setup-1').
    It does what mdit_py_plugins' anchors plugin does, with a counter per slug: the plugin
    tries every suffix from 1 again for each heading, quadratic in equal headings."""
    taken: set[str] = set()
    next_suffix: dict[str, int] = {}
    for idx, token in enumerate(state.tokens):
        if token.type != "heading_open" or int(token.tag[1]) not in HEADING_LEVELS:
            continue
        inline = state.tokens[idx + 1]
        base = _slug("".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline")))
        slug, suffix = base, next_suffix.get(base, 1)
        while slug in taken:
            slug = f"{base}-{suffix}"
            suffix += 1
        next_suffix[base] = suffix
        taken.add(slug)
        token.attrSet("id", slug)


def _line_of(block: Token, children_before: Sequence[Token], ctx: Context) -> int:
    start = block.map[0] if block.map else 0
    newlines = sum(1 for t in children_before if t.type in ("softbreak", "hardbreak"))
    return ctx.source_line + start + newlines


def _resolve_links(state) -> None:  # type: ignore[no-untyped-def]
    ctx: Context | None = state.env.get("ctx")
    if ctx is None:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        if "[" not in block.content and "<" not in block.content:  # no reference, link, image or autolink
            continue
        for i, token in enumerate(block.children):
            if token.type == "ladder_ref":
                target = ctx.resolve(token.meta["kind"], token.meta["id"])
                if target is None:
                    kind, ident = token.meta["kind"], token.meta["id"]
                    ctx.problems.append(Problem(
                        ctx.source_file, _line_of(block, block.children[:i], ctx), 1,
                        f"{token.content} points at {_withheld_or_missing(ctx, kind, ident)}"))
                    token.meta["href"], token.meta["title"] = None, token.meta["id"]
                else:
                    url, title = target
                    token.meta["href"] = relative_url(ctx.page_dir, url, ctx.file_mode)
                    token.meta["title"] = title
            elif token.type in ("link_open", "image"):
                attr = "href" if token.type == "link_open" else "src"
                _rewrite_md_link(token, attr, block, block.children[:i], ctx)
                _rewrite_asset_link(token, attr, block, block.children[:i], ctx)


def _withheld_or_missing(ctx: Context, kind: str, ident: str) -> str:
    """Why a reference fails: a typo, or an internal item linked from what a public build shows."""
    if kind == "page" and {("draft", ident), ("draft", ident + ".md")} & ctx.withheld:
        return "a draft, which a build leaves out unless --drafts; expected a published page"
    if (kind, ident) in ctx.withheld or (kind == "page" and (kind, ident + ".md") in ctx.withheld):
        return (f"a {kind} marked internal, which a public build leaves out; expected a public {kind}, "
                f"or 'audience: internal' on the text that links to it")
    if kind == "view":
        return ("no page of the site by that name; expected the name of one in the navigation: "
                "tracks, competencies, compare, parity, mobility or pages")
    return f"no {kind} of this build; expected the id of an existing {kind}"


SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _rewrite_md_link(token: Token, attr: str, block: Token, before: Sequence[Token], ctx: Context) -> None:
    """A link to another page's Markdown file (`faq.md`, `../faq.MD#who`, `faq.md?x`) becomes a
    link to that page; one that reaches a page this audience may not see, however it is written
    (`faq.md/`, `../faq/`, an image), is a problem, never a dead link naming the page."""
    href = str(token.attrGet(attr) or "")
    if not href or href.startswith(("/", "#")) or SCHEME.match(href):
        return
    path, hash_, fragment = href.partition("#")
    path = unquote(path.partition("?")[0])  # markdown-it percent-encodes: [x](<our team.md>) is our%20team.md
    name = path.rstrip("/")
    if not name.lower().endswith(".md"):
        withheld = _withheld_address(ctx, path)
        if withheld:
            ctx.problems.append(Problem(ctx.source_file, _line_of(block, before, ctx), 1,
                                        f"link to '{href}' points at {_withheld_or_missing(ctx, 'page', withheld)}"))
        return
    rel = join_page_path(ctx.source_page_dir, name[:-3] + ".md")
    target = ctx.resolve("page", rel)
    if target is None:
        found = (f"points at {_withheld_or_missing(ctx, 'page', rel)}" if ("page", rel) in ctx.withheld
                 else f"finds no page; expected a file under pages/ (looked for pages/{rel})")
        ctx.problems.append(Problem(ctx.source_file, _line_of(block, before, ctx), 1, f"link to '{href}' {found}"))
        return
    url = target[0] + (hash_ + fragment if hash_ else "")
    token.attrSet(attr, relative_url(ctx.page_dir, url, ctx.file_mode))


def _withheld_address(ctx: Context, path: str) -> str | None:
    """The withheld page (its path under pages/) that a link by address names: read from where
    the page is served (`../secret/` from `faq/`) or from its file's folder (`secret/`)."""
    withheld = {page_url(rel): rel for kind, rel in ctx.withheld if kind == "page"}
    if not withheld:
        return None
    for base in (ctx.page_dir, ctx.source_page_dir + "/" if ctx.source_page_dir else ""):
        site_path = normpath(base + path).lstrip("/")
        found = withheld.get("" if site_path == "." else site_path.rstrip("/") + "/")
        if found:
            return found
    return None


def _rewrite_asset_link(token: Token, attr: str, block: Token, before: Sequence[Token], ctx: Context) -> None:
    """A relative link or image into assets/ points at the copied file from wherever the text lands."""
    ref = str(token.attrGet(attr) or "")
    path, hash_, fragment = ref.partition("#")
    if ctx.asset_base is None or not path or ":" in path or path.startswith("/"):
        return
    rel = normpath(f"{ctx.asset_base}/{path}" if ctx.asset_base else path)
    if not rel.startswith("assets/"):
        return
    asset = rel.removeprefix("assets/")
    if ctx.resolve("asset", asset) is None:
        ctx.problems.append(Problem(ctx.source_file, _line_of(block, before, ctx), 1,
                                    f"link to '{path}' finds no file; expected a file under assets/ "
                                    f"(looked for {rel})"))
        return
    token.attrSet(attr, relative_url(ctx.page_dir, rel, ctx.file_mode) + (hash_ + fragment if hash_ else ""))


def _align_classes(state) -> None:  # type: ignore[no-untyped-def]
    """Aligned table columns get a class, not style="text-align:…", so pages run under a strict CSP."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            style = str(token.attrGet("style") or "")
            if style.startswith("text-align:"):
                token.attrs.pop("style")
                token.attrSet("class", "align-" + style.removeprefix("text-align:").strip())


def _render_ref(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                env: EnvType) -> str:
    meta = tokens[idx].meta
    text = escape(meta.get("label") or meta.get("title") or meta["id"])
    href = meta.get("href")
    if not href:
        return f"<span class=\"ref ref-missing\">{text}</span>"
    return f"<a class=\"ref ref-{meta['kind']}\" href=\"{escape(href)}\">{text}</a>"


def _render_table_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                       env: EnvType) -> str:
    return '<div class="table-scroll" tabindex="0" role="region" aria-label="Table">\n<table>\n'


def _render_table_close(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                        env: EnvType) -> str:
    return "</table>\n</div>\n"


def render_block(md: MarkdownIt, text: str, ctx: Context) -> str:
    """A multi-paragraph string of the ladder (a summary) as HTML; a prose page's body is
    rendered by text/plain.py's `render_page`, which gathers its search sections on the way."""
    return md.render(text, {"ctx": ctx})


def render_inline(md: MarkdownIt, text: str, ctx: Context) -> str:
    """One line of Markdown without a wrapping paragraph (an expectation, a title)."""
    return md.renderInline(text, {"ctx": ctx})


def page_dir_of(rel: str) -> str:
    """Folder of a page under pages/, for resolving its relative .md links."""
    return dirname(rel)
