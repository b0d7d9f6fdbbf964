"""Stage 5: the model rendered through the theme into pages in memory (path -> bytes).

Nothing here reads content or writes the site; serve and build share it. Markdown inside
ladder data is rendered per use, because a relative link depends on the page holding it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import chain
from posixpath import normpath
from typing import Any, Callable, Iterator, Mapping

from jinja2 import BytecodeCache, ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined, pass_context
from jinja2.runtime import Context as JinjaContext
from markupsafe import Markup

from ladderdocs import embed, publish, views
from ladderdocs.compare import compare_pages
from ladderdocs.diff import diff_pages
from ladderdocs.errors import Problem
from ladderdocs.export import EXPORTS
from ladderdocs.jobs import BANDS, MOBILITY, PageJob, competency_dep, level_dep, page_dep, track_dep
from ladderdocs.markdown import Context, make_markdown, page_dir_of, render_block, render_inline
from ladderdocs.model import Handbook, Page, Source
from ladderdocs.parity import parity_pages
from ladderdocs.search import INDEX_FILES, Section, page_sections, search_pages, titles
from ladderdocs.pageindex import folder_of, folders, index_jobs, trail
from ladderdocs.parallel import render_pages
from ladderdocs.theme import static_files, theme_layers
from ladderdocs.urls import relative_url

NAV_PAGE_LIMIT = 3  # prose pages in the top navigation; the rest are on the "All pages" index
RESERVED = {"tracks", "levels", "competencies", "compare", "parity", "mobility", "diff", "search",
            "embed", "static", "assets", "pages"}


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    section: str  # first path segment this item stands for, to mark the current section


class Renderer:
    def __init__(self, handbook: Handbook, file_mode: bool = False, bytecode_cache: BytecodeCache | None = None):
        self.handbook = handbook
        self.file_mode = file_mode
        self.md = make_markdown(handbook.settings.allow_html)
        self.problems: list[Problem] = []
        self.page_sections: dict[str, list[Section]] = {}  # rel -> search sections of each page rendered
        self._titles = titles(handbook)
        self.layers = theme_layers(handbook.settings.theme)
        self.env = Environment(
            loader=ChoiceLoader([  # the handbook's templates win; "default/x.html" is always the default's
                FileSystemLoader([str(layer / "templates") for layer in self.layers]),
                PrefixLoader({"default": FileSystemLoader(str(self.layers[-1] / "templates"))})]),
            autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            bytecode_cache=bytecode_cache, auto_reload=False)  # one Environment per build: no stat per include
        self.env.filters.update(md=self._md_filter, md_inline=self._md_inline_filter,
                                money=views.format_money)
        self.env.globals.update(url=self._url, hb=handbook, settings=handbook.settings, views=views,
                                nav=self.nav_items(), internal_build=handbook.internal, exports=EXPORTS)
        self._markdown_cache: dict[tuple[str, int, bool], str] = {}

    # -- links -----------------------------------------------------------------------------
    def resolve(self, kind: str, ident: str) -> tuple[str, str] | None:
        hb = self.handbook
        if kind == "level" and ident in hb.level_by_id:
            return hb.level_by_id[ident].url, hb.level_by_id[ident].title
        if kind == "track" and ident in hb.track_by_id:
            return hb.track_by_id[ident].url, hb.track_by_id[ident].title
        if kind == "competency" and ident in hb.competency_by_id:
            return hb.competency_by_id[ident].url, hb.competency_by_id[ident].title
        if kind == "page":
            page = hb.page_by_rel.get(ident) or hb.page_by_rel.get(ident + ".md")
            if page:
                return page.url, page.title
        if kind == "asset" and ident in hb.assets:
            return f"assets/{ident}", ident
        return None

    @pass_context
    def _url(self, ctx: JinjaContext, target: str) -> str:
        root = ctx.get("url_root")
        if root is not None and not self.file_mode:  # a page served at any depth (404.html) links from the root
            return root + target
        return relative_url(ctx["page_dir"], target, self.file_mode)

    def _markdown(self, text: str, page_dir: str, source: Source, inline: bool,
                  source_page_dir: str = "") -> str:
        key = (text, page_dir.count("/"), inline)
        if key not in self._markdown_cache:
            ctx = Context(self.resolve, page_dir, source.file, source.line, source_page_dir,
                          self.file_mode, self.problems, self.handbook.withheld, asset_base="")
            self._markdown_cache[key] = (render_inline(self.md, text, ctx) if inline
                                         else render_block(self.md, text, ctx).html)
        return self._markdown_cache[key]

    @pass_context
    def _md_filter(self, ctx: JinjaContext, text: str, source: Source) -> Markup:
        return Markup(self._markdown(text, ctx["page_dir"], source, inline=False))

    @pass_context
    def _md_inline_filter(self, ctx: JinjaContext, text: str, source: Source) -> Markup:
        return Markup(self._markdown(text, ctx["page_dir"], source, inline=True))

    # -- navigation ------------------------------------------------------------------------
    def nav_items(self) -> list[NavItem]:
        hb = self.handbook
        items = [NavItem("tracks/", "Tracks", "tracks"), NavItem("competencies/", "Competencies", "competencies")]
        items.append(NavItem("compare/", "Compare tracks", "compare"))
        if hb.zones:
            items.append(NavItem("parity/", "Pay parity", "parity"))
        if hb.mobility:
            items.append(NavItem("mobility/", "Mobility rules", "mobility"))
        listed = [p for p in hb.pages if p.nav][:NAV_PAGE_LIMIT]
        items += [NavItem(p.url, p.title, p.url.split("/")[0]) for p in listed]
        if len(hb.pages) > 1:
            items.append(NavItem("pages/", "All pages", "pages"))
        return items

    # -- pages -----------------------------------------------------------------------------
    def jobs(self) -> Iterator[PageJob]:
        """The core pages, each with what it shows beyond the skeleton (see jobs.py)."""
        hb = self.handbook
        track_summaries = frozenset(track_dep(t.id) for t in hb.tracks)
        yield PageJob("index.html", "home.html", {"page": hb.home},  # its parity summary reads every band
                      track_summaries | {page_dep("index.md"), BANDS})
        yield PageJob("tracks/index.html", "tracks.html", {}, track_summaries)
        for track in hb.tracks:
            levels = frozenset(level_dep(lv.id) for lv in track.levels)
            yield PageJob(f"{track.url}index.html", "track.html", {"track": track}, levels | {track_dep(track.id)})
            below = None
            for level in track.levels:  # marked expectations compare a level with the one below
                deps = {level_dep(level.id), MOBILITY} | ({level_dep(below.id)} if below else set())
                yield PageJob(f"{level.url}index.html", "level.html", {"level": level, "track": track},
                              frozenset(deps))
                below = level
        yield PageJob("competencies/index.html", "competencies.html", {},
                      frozenset(competency_dep(c.id) for c in hb.competencies))
        for competency in hb.competencies:
            grown_on = frozenset(level_dep(lv.id) for t in hb.tracks if t.id in competency.track_ids
                                 for lv in t.levels)
            yield PageJob(f"{competency.url}index.html", "competency.html", {"competency": competency},
                          grown_on | {competency_dep(competency.id)})
        if hb.mobility:
            yield PageJob("mobility/index.html", "mobility.html", {"mobility": hb.mobility},
                          track_summaries | {MOBILITY})
        yield from index_jobs(hb)
        for page in hb.pages:
            if page.rel != "index.md":
                yield self.page_job(page)

    def page_job(self, page: Page) -> PageJob:
        """The page of a prose file (but the home page's, index.html, which shows more)."""
        trail_to = trail(folders(self.handbook), folder_of(page))
        return PageJob(f"{page.url}index.html", "page.html", {"page": page, "trail": trail_to},
                       frozenset({page_dep(page.rel)}))

    def render_job(self, job: PageJob) -> bytes:
        context: dict[str, Any] = {"page_dir": job.dir, "section": job.path.split("/")[0], **job.context}
        page = job.context.get("page")
        if page is not None:
            body = render_block(self.md, page.body, Context(
                self.resolve, job.dir, page.source_file, page.body_line, page_dir_of(page.rel),
                self.file_mode, self.problems, self.handbook.withheld,
                asset_base=normpath(f"pages/{page_dir_of(page.rel)}")))
            context.update(body=Markup(body.html), headings=body.headings)
            self.page_sections[page.rel] = page_sections(body.tokens, self._titles)
        return self.env.get_template(job.template).render(context).encode("utf-8")


# Views beyond the core pages: each is a function of the model yielding its PageJobs.
FEATURE_PAGES: list[Callable[[Handbook], Iterator[PageJob]]] = [
    compare_pages, diff_pages, parity_pages, search_pages, publish.not_found_page, embed.widget_pages]


def reserved_page_problems(handbook: Handbook) -> list[Problem]:
    """Prose pages may not take an address the generated views use."""
    return [Problem(p.source_file, 1, 1, f"page address '/{p.url}' is taken by ladderdocs' own "
                                         f"'{p.url.split('/')[0]}/' pages; expected another file name")
            for p in handbook.pages if p.url.split("/")[0] in RESERVED]


@dataclass
class RenderedSite:
    files: dict[str, bytes]
    problems: list[Problem]  # found while rendering: broken refs, clashing addresses
    sections: dict[str, list[Section]]  # search sections of every prose page, by rel: for index_files


def render_site(handbook: Handbook, file_mode: bool = False,
                reuse: Callable[[PageJob], bytes | None] = lambda job: None,
                bytecode_cache: BytecodeCache | None = None, workers: int | None = None,
                kept_sections: Mapping[str, list[Section]] = {}) -> RenderedSite:
    """Every output file of the site but the search index (search.index_files makes it from
    the sections this returns).

    `reuse` lets serve keep a page it rendered before instead of rendering it again, and
    `kept_sections` has the sections of the prose pages it keeps;
    `workers` processes render the pages (default: one per core; 1 renders serially).
    """
    renderer = Renderer(handbook, file_mode, bytecode_cache)
    jobs = list(chain(renderer.jobs(), *(feature(handbook) for feature in FEATURE_PAGES)))
    kept = {job.path: data for job in jobs if (data := reuse(job)) is not None}
    fresh = [job for job in jobs if job.path not in kept]
    for template in sorted({job.template for job in fresh}):
        renderer.env.get_template(template)  # compiled once, before any worker is forked
    files, problems, sections = render_pages(renderer, fresh, workers)
    files.update(kept)
    sections = {page.rel: sections[page.rel] if page.rel in sections else kept_sections[page.rel]
                for page in handbook.pages}
    for out, path in static_files(renderer.layers).items():
        files[out] = path.read_bytes()
    for asset in handbook.assets:
        files[f"assets/{asset}"] = (handbook.root / "assets" / asset).read_bytes()
    files, published = publish.finish_site(handbook, files, file_mode)
    job_paths = [job.path for job in jobs]
    clashes = address_problems(handbook, job_paths + sorted(set(files) - set(job_paths)) + list(INDEX_FILES))
    return RenderedSite(files, reserved_page_problems(handbook) + clashes + problems + published, sections)


def address_problems(handbook: Handbook, paths: list[str]) -> list[Problem]:
    """Two outputs on one address, or a file where another needs a folder (a page named
    'index.html.md' wants 'index.html/'): the site could not be written."""
    needed_as_folder = {path[:i] for path in paths for i, char in enumerate(path) if char == "/"}
    counts = Counter(paths)
    problems = []
    for path in sorted(p for p in counts if counts[p] > 1 or p in needed_as_folder):
        culprits = [p.source_file for p in handbook.pages if (f"{p.url}index.html".startswith(path + "/")
                    if path in needed_as_folder else f"{p.url}index.html" == path)]
        problems += [Problem(source, 1, 1, f"this page needs the address '{path}', which the site already "
                                           "uses; expected another file name") for source in culprits]
        if not culprits:
            problems.append(Problem(str(handbook.root), 1, 1, f"two outputs need the address '{path}'; "
                                                              "expected one (rename one of them)"))
    return problems
