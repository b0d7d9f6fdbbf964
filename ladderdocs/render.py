"""Stage 5: the model rendered through the theme into pages in memory (path -> bytes).

Nothing here reads content or writes the site; serve and build share it. Markdown inside
ladder data is rendered per use, because a relative link depends on the page holding it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import chain
from typing import Any, Callable, Iterator

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined, pass_context
from jinja2.runtime import Context as JinjaContext
from markupsafe import Markup

from ladderdocs import views
from ladderdocs.errors import Problem
from ladderdocs.jobs import PageJob
from ladderdocs.markdown import Context, make_markdown, page_dir_of, render_block, render_inline
from ladderdocs.model import Handbook, Source
from ladderdocs.pageindex import folder_of, folders, index_jobs, trail
from ladderdocs.parallel import render_pages
from ladderdocs.theme import static_files, theme_layers
from ladderdocs.urls import relative_url

NAV_PAGE_LIMIT = 6  # prose pages in the top navigation; the rest are on the "All pages" index
RESERVED = {"tracks", "levels", "competencies", "compare", "parity", "mobility", "diff", "search",
            "embed", "static", "assets", "pages"}


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    section: str  # first path segment this item stands for, to mark the current section


class Renderer:
    def __init__(self, handbook: Handbook, file_mode: bool = False):
        self.handbook = handbook
        self.file_mode = file_mode
        self.md = make_markdown(handbook.settings.allow_html)
        self.problems: list[Problem] = []
        self.layers = theme_layers(handbook.settings.theme)
        self.env = Environment(
            loader=ChoiceLoader([  # the handbook's templates win; "default/x.html" is always the default's
                FileSystemLoader([str(layer / "templates") for layer in self.layers]),
                PrefixLoader({"default": FileSystemLoader(str(self.layers[-1] / "templates"))})]),
            autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.filters.update(md=self._md_filter, md_inline=self._md_inline_filter,
                                money=views.format_money)
        self.env.globals.update(url=self._url, hb=handbook, settings=handbook.settings, views=views,
                                nav=self.nav_items(), internal_build=handbook.internal)
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
        return None

    @pass_context
    def _url(self, ctx: JinjaContext, target: str) -> str:
        return relative_url(ctx["page_dir"], target, self.file_mode)

    def _markdown(self, text: str, page_dir: str, source: Source, inline: bool,
                  source_page_dir: str = "") -> str:
        key = (text, page_dir.count("/"), inline)
        if key not in self._markdown_cache:
            ctx = Context(self.resolve, page_dir, source.file, source.line, source_page_dir,
                          self.file_mode, self.problems)
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
        if hb.mobility:
            items.append(NavItem("mobility/", "Mobility rules", "mobility"))
        listed = [p for p in hb.pages if p.nav][:NAV_PAGE_LIMIT]
        items += [NavItem(p.url, p.title, p.url.split("/")[0]) for p in listed]
        if len(hb.pages) > 1:
            items.append(NavItem("pages/", "All pages", "pages"))
        return items

    # -- pages -----------------------------------------------------------------------------
    def jobs(self) -> Iterator[PageJob]:
        hb = self.handbook
        yield PageJob("index.html", "home.html", {"page": hb.home})
        yield PageJob("tracks/index.html", "tracks.html", {})
        for track in hb.tracks:
            yield PageJob(f"{track.url}index.html", "track.html", {"track": track})
            for level in track.levels:
                yield PageJob(f"{level.url}index.html", "level.html", {"level": level, "track": track})
        yield PageJob("competencies/index.html", "competencies.html", {})
        for competency in hb.competencies:
            yield PageJob(f"{competency.url}index.html", "competency.html", {"competency": competency})
        if hb.mobility:
            yield PageJob("mobility/index.html", "mobility.html", {"mobility": hb.mobility})
        yield from index_jobs(hb)
        page_folders = folders(hb)
        for page in hb.pages:
            if page.rel != "index.md":
                yield PageJob(f"{page.url}index.html", "page.html",
                              {"page": page, "trail": trail(page_folders, folder_of(page))})

    def render_job(self, job: PageJob) -> bytes:
        context: dict[str, Any] = {"page_dir": job.dir, "section": job.path.split("/")[0], **job.context}
        page = job.context.get("page")
        if page is not None:
            body = render_block(self.md, page.body, Context(
                self.resolve, job.dir, page.source_file, page.body_line, page_dir_of(page.rel),
                self.file_mode, self.problems))
            context.update(body=Markup(body.html), headings=body.headings)
        return self.env.get_template(job.template).render(context).encode("utf-8")


# Views beyond the core pages: each is a function of the model yielding its PageJobs.
FEATURE_PAGES: list[Callable[[Handbook], Iterator[PageJob]]] = []


def reserved_page_problems(handbook: Handbook) -> list[Problem]:
    """Prose pages may not take an address the generated views use."""
    return [Problem(p.source_file, 1, 1, f"page address '/{p.url}' is taken by ladderdocs' own "
                                         f"'{p.url.split('/')[0]}/' pages; expected another file name")
            for p in handbook.pages if p.url.split("/")[0] in RESERVED]


def render_site(handbook: Handbook, file_mode: bool = False,
                workers: int | None = None) -> tuple[dict[str, bytes], list[Problem]]:
    """Every output file of the site, and the problems found while rendering (broken refs).

    `workers` processes render the pages (default: one per core; 1 renders serially)."""
    renderer = Renderer(handbook, file_mode)
    jobs = list(chain(renderer.jobs(), *(feature(handbook) for feature in FEATURE_PAGES)))
    for template in sorted({job.template for job in jobs}):
        renderer.env.get_template(template)  # compiled once, before any worker is forked
    files, problems = render_pages(renderer, jobs, workers)
    for out, path in static_files(renderer.layers).items():
        files[out] = path.read_bytes()
    for asset in handbook.assets:
        files[f"assets/{asset}"] = (handbook.root / "assets" / asset).read_bytes()
    files[".nojekyll"] = b""
    clashes = address_problems(handbook, [job.path for job in jobs] + [p for p in files if not p.endswith(".html")])
    return files, reserved_page_problems(handbook) + clashes + problems


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
