"""Stage 5: jobs rendered through the theme into bytes.

A template receives the context its page type built in Python, and a few globals every page's
frame is made of (`settings`, `nav`, `index`, `internal_build`, `has_pay`, `has_changes`, `url()`, the anchor
names), plus filters that format (`md`, `md_inline`, `money`, `number`) and `word_diff()`. It never sees the model, so
what a page shows is what its page type declared. Markdown inside ladder data is rendered
per use, because a relative link depends on the page holding it.
"""

from __future__ import annotations

import hashlib
from functools import cache
from posixpath import dirname, normpath
from typing import Any, Callable, Mapping, Protocol

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    pass_context,
)
from jinja2.bccache import Bucket
from jinja2.runtime import Context as JinjaContext
from markupsafe import Markup, escape

from ladderdocs.addresses import competency_anchor, expectation_anchor, relative_url
from ladderdocs.errors import Problem
from ladderdocs.model.entities import Handbook, Source, Zone
from ladderdocs.model.queries import ref_target
from ladderdocs.pages.base import FileJob, Job, NavEntry, PageJob
from ladderdocs.render.cache import Body
from ladderdocs.render.themes import theme_layers
from ladderdocs.text.highlight import word_diff
from ladderdocs.text.i18n import Messages
from ladderdocs.text.markdown import Context, make_markdown, render_block, render_inline
from ladderdocs.text.money import format_money, number
from ladderdocs.text.plain import render_page


class Markdown(Protocol):
    """What the `md` filters take: a Markdown string and where it was written."""

    text: str
    source: Source


def _money(amount: float, zone: Zone) -> str:
    """`{{ band.min | money(zone) }}`: as the zone's locale writes its currency."""
    return format_money(amount, zone.currency, zone.locale)


def _gettext(html_text: Callable[[str], Markup]) -> Callable[..., str]:
    """`_()` as jinja2.ext.i18n's newstyle gettext gives it (escaped markup, always %-formatted,
    its variables escaped), called directly: it is the most called function of a build. A message
    without variables is formatted once."""
    formatted = cache(lambda message: html_text(message) % {})

    def gettext(message: str, **variables: Any) -> str:
        return html_text(message) % variables if variables else formatted(message)
    return gettext


class CodeStore(Protocol):
    """Where compiled templates outlive the process (render/cache.py's BuildCache)."""

    def template_code(self, key: str) -> bytes | None: ...

    def save_template_code(self, key: str, code: bytes) -> None: ...


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept between rebuilds, and in `store` between builds; Jinja checks
    each against its source (a checksum of it) and against its own version before using it."""

    def __init__(self, store: CodeStore | None = None) -> None:
        self._code: dict[str, bytes] = {}
        self._unsaved: list[str] = []  # compiled since the last save: a build that fails keeps none on disk
        self.store = store

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key not in self._code and self.store is not None:
            found = self.store.template_code(bucket.key)
            if found is not None:
                self._code[bucket.key] = found
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()
        self._unsaved.append(bucket.key)

    def save(self) -> None:
        """Keep what was compiled in `store`, once the build it served succeeded."""
        if self.store is not None:
            for key in dict.fromkeys(self._unsaved):
                self.store.save_template_code(key, self._code[key])
        self._unsaved = []


class Engine:
    """Renders the jobs of one build; collects the problems found in their Markdown and the
    prose bodies it renders (their HTML and search sections), reusing those of `bodies` (the
    last build's, by job path) whose inputs are unchanged."""

    def __init__(self, handbook: Handbook, nav: list[NavEntry], index: dict[str, str], file_mode: bool = False,
                 bytecode_cache: BytecodeCache | None = None, views: dict[str, tuple[str, str]] | None = None,
                 bodies: Mapping[str, Body] | None = None):
        self.handbook = handbook
        self.views = views or {}  # what `[[view:name]]` names: the site's own pages (registry.views)
        self.file_mode = file_mode
        self.md = make_markdown(handbook.settings.allow_html)
        self.problems: list[Problem] = []
        self.cached_bodies = bodies or {}
        self.bodies: dict[str, Body] = {}  # job path -> its body, as rendered or reused by this engine
        # what every body's HTML depends on besides its own text and place
        self._body_inputs = repr((file_mode, handbook.settings.allow_html, sorted(handbook.withheld)))
        self.layers = theme_layers(handbook.settings.theme)
        self.env = Environment(
            loader=ChoiceLoader([  # the handbook's templates win; "default/x.html" is always the default's
                FileSystemLoader([str(layer / "templates") for layer in self.layers]),
                PrefixLoader({"default": FileSystemLoader(str(self.layers[-1] / "templates"))})]),
            autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            bytecode_cache=bytecode_cache, auto_reload=False,  # one Environment per build: no stat per include
            extensions=["jinja2.ext.i18n"])
        self.messages = Messages(handbook.settings.language, handbook.settings.strings)
        # Jinja takes what gettext returns as markup: escaped, a handbook's `strings:` stay text
        html_text = cache(lambda message: escape(self.messages.text(message)))  # a page asks ~17 times
        self.env.install_gettext_callables(  # type: ignore[attr-defined]
            html_text, lambda singular, plural, n: escape(self.messages.plural(singular, plural, n)), newstyle=True)
        self.env.globals["_"] = _gettext(html_text)  # what `_` resolves to, minus two calls through the context
        self.env.filters.update(md=self._md_filter, md_inline=self._md_inline_filter, money=_money, number=number,
                                date=self.messages.date, decimal=self.messages.decimal, phrase=self.messages.phrase)
        self.env.globals.update(url=self._url, settings=handbook.settings, nav=nav, index=index,
                                internal_build=handbook.internal, has_pay=bool(handbook.zones), word_diff=word_diff,
                                has_changes=bool(handbook.earlier),  # the changes/ page: the footer links to it
                                extra=handbook.settings.extra,
                                competency_anchor=competency_anchor, expectation_anchor=expectation_anchor)
        self._markdown_cache: dict[tuple[str, int, bool], str] = {}
        self._urls: dict[tuple[int, str], str] = {}  # (depth of the page, target) -> url()

    def resolve(self, kind: str, ident: str) -> tuple[str, str] | None:
        return self.views.get(ident) if kind == "view" else ref_target(self.handbook, kind, ident)

    @pass_context
    def _url(self, ctx: JinjaContext, target: str) -> str:
        root = ctx.get("url_root")
        if root is not None and not self.file_mode:  # a page served at any depth (404.html) links from the root
            return root + target
        page_dir = ctx["page_dir"]
        key = (page_dir.count("/"), target)  # a relative link depends on the page's depth alone
        if key not in self._urls:
            self._urls[key] = relative_url(page_dir, target, self.file_mode)
        return self._urls[key]

    def _markdown(self, item: Markdown, page_dir: str, inline: bool) -> str:
        key = (item.text, page_dir.count("/"), inline)
        if key not in self._markdown_cache:
            ctx = Context(self.resolve, page_dir, item.source.file, item.source.line, "", self.file_mode,
                          self.problems, self.handbook.withheld, asset_base="")
            self._markdown_cache[key] = (render_inline(self.md, item.text, ctx) if inline
                                         else render_block(self.md, item.text, ctx))
        return self._markdown_cache[key]

    @pass_context
    def _md_filter(self, ctx: JinjaContext, item: Markdown) -> Markup:
        return Markup(self._markdown(item, ctx["page_dir"], inline=False))

    @pass_context
    def _md_inline_filter(self, ctx: JinjaContext, item: Markdown) -> Markup:
        return Markup(self._markdown(item, ctx["page_dir"], inline=True))

    def prepare(self, jobs: list[Job]) -> None:
        """Compile every template the jobs use, once, before any worker is forked."""
        for template in sorted({job.template for job in jobs if isinstance(job, PageJob)}):
            self.env.get_template(template)

    def render(self, job: Job) -> bytes:
        if isinstance(job, FileJob):
            return job.make()
        context: dict[str, Any] = {"page_dir": job.dir, "section": job.path.split("/")[0], **job.context}
        if job.prose is not None:
            context.update(self._body(job))
        return self.env.get_template(job.template).render(context).encode("utf-8")

    def _body(self, job: PageJob) -> dict[str, Any]:
        """A prose page's Markdown: its HTML and headings for the template, its sections for search."""
        assert job.prose is not None
        body, folder = job.prose.body, dirname(job.prose.rel)
        key = hashlib.sha256(repr((self._body_inputs, job.dir, body.source.file, body.source.line, folder,
                                   body.text)).encode("utf-8", "surrogateescape")).digest()
        entry = self.cached_bodies.get(job.path)
        if entry is None or entry.key != key or any(self.resolve(*ref) != target for ref, target in entry.lookups):
            entry = self._render_body(job, key)
        self.problems.extend(entry.problems)
        self.bodies[job.path] = entry
        return {"body": Markup(entry.html), "headings": entry.headings}

    def _render_body(self, job: PageJob, key: bytes) -> Body:
        """The body rendered, with every reference it resolved: a cached copy is good while they resolve the same."""
        assert job.prose is not None
        body, folder = job.prose.body, dirname(job.prose.rel)
        lookups: dict[tuple[str, str], tuple[str, str] | None] = {}

        def resolve(kind: str, ident: str) -> tuple[str, str] | None:
            lookups[(kind, ident)] = found = self.resolve(kind, ident)
            return found

        problems: list[Problem] = []
        html, headings, sections = render_page(self.md, body.text, Context(
            resolve, job.dir, body.source.file, body.source.line, folder, self.file_mode, problems,
            self.handbook.withheld, asset_base=normpath(f"pages/{folder}")))
        return Body(key, tuple(lookups.items()), html, headings, sections, problems)
