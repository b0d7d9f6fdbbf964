"""The one pipeline: load -> validate -> model -> check -> render -> index -> write.

`ladderdocs build` runs it once and writes the site; `check` runs it and writes nothing;
`serve` keeps one `Pipeline` and runs it again after every edit, and the pipeline reuses
what the edit did not change (parsed files, compiled templates, rendered pages). All three
judge the content by the same rule (`_raise_if_failing`), so they report the same problems.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import os
import shutil
import tempfile
import time
from collections import Counter
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping

from ladderdocs.checks.parity import ERROR, Finding, summarise
from ladderdocs.errors import ContentError, Problem, display_path
from ladderdocs.model.build import build_model, page_of
from ladderdocs.model.changes import version_warnings
from ladderdocs.model.deps import ALL, Dep, changed_deps
from ladderdocs.model.entities import Handbook, Page
from ladderdocs.options import Options
from ladderdocs.model.queries import ref_target
from ladderdocs.model.versions import VersionReader
from ladderdocs.outputs.host import ASSET_CNAME, HOST_FILES, host_files
from ladderdocs.outputs.search_index import INDEX_FILES, Ahead, IndexTerms, english_language, index_ahead, index_files
from ladderdocs.outputs.write import (PAGE_STORE, Manifest, OutputRefused, Scan, SiteUpdate, check_output, folders_of,
                                      recover, scan_site)
from ladderdocs.pages import prose
from ladderdocs.pages.base import Job, PageJob, PageType, SearchEntry
from ladderdocs.pages.facts import Facts
from ladderdocs.pages.registry import PAGE_TYPES, index_pages, navigation, reserved_addresses, views
from ladderdocs.progress import Progress, Silent
from ladderdocs.render.cache import Body, BuildCache, PageSink, SiteFiles, Snapshot, StoreDamaged, Where, entry_of
from ladderdocs.render.parallel import Handover, in_background, render_pages
from ladderdocs.render.themes import static_files, template_sources, theme_layers
from ladderdocs.source.cache import ParseCache
from ladderdocs.source.history import PageDates
from ladderdocs.source.load import load_handbook, read_page, read_text, split_page
from ladderdocs.source.schema import check_schema
from ladderdocs.source.validate import validate
from ladderdocs.text.i18n import SCRIPT_MESSAGES, messages_script
from ladderdocs.text.markdown import Resolver, make_markdown
from ladderdocs.text.plain import PlainText, Section
from ladderdocs.uptodate import (UNSETTLED, Build, Inputs, Said, as_settled, content_files, git_state, keep_record,
                                 walk)

if TYPE_CHECKING:  # imported when a page is rendered: a warm build that renders none never loads Jinja
    from ladderdocs.checks.audit import Row  # and the audit only with --promotions
    from ladderdocs.render.engine import Engine, MemoryBytecodeCache

# Parses, prose bodies and the site are written to the cache again only when at least one in
# this many is new: redoing a few next time (a millisecond each) is cheaper than writing 2,000
# (tens of MB). A site not written leaves the cached one to compare with, its pages and model
# as they were, so the next build renders the pages edited since then again: a few, as here.
RESAVE_SHARE = 100
# The content's files as a run found them before reading any, when (ns), and what else its model depends on.
Began = tuple[tuple[Inputs, int], tuple[object, ...]]
# Each page type's jobs by its name, as (path, deps, whether sitemap.xml lists it), in registry order.
Listing = dict[str, list[tuple[str, frozenset[Dep], bool]]]
# Above this many files the search index is made in this process once the site is written,
# not in a forked one beside the writing: a forked process copies every page of memory it
# reads (the model and the prose sections) or allocates into, about 500 MB at 20,000 pages,
# and the writing it runs beside takes a few seconds.
INDEX_BESIDE_MAX_FILES = 5000
# An edit build that renders at most one page in this many begins the search index before it
# renders them: the forked process reads the last index's terms and works out every other page's
# entries meanwhile (most of its work), and the rendered pages' search sections are sent after it.
INDEX_EARLY_SHARE = 10
SITE_ADDRESSES = ("static", "assets", *INDEX_FILES, *HOST_FILES)  # what the pipeline writes besides the pages


@dataclass(frozen=True)
class Site:
    """A good run of the pipeline: every file but the search index, and what they came from."""

    handbook: Handbook
    facts: Facts
    files: Mapping[str, bytes]  # the pages kept from the cache's site are read from its page store when asked for
    warnings: list[Problem]
    findings: list[Finding]
    sections: Mapping[str, list[Section]]  # of every page made from Markdown, by its path: for the search index
    templates: dict[str, bytes]         # every template of every theme layer: any change renders every page
    rendered: list[str]                 # the jobs rendered this run; the others were kept from the last site
    pages: list[tuple[str, bool]]       # every job's path, and whether sitemap.xml lists it
    index: dict[str, bytes] | None = None  # the search index, when the last one still holds (same handbook)
    notes: tuple[str, ...] = ()  # what the author should know that is no problem (why there is no changes/ page)
    page_warnings: dict[str, list[Problem]] = field(default_factory=dict)  # found rendering each page: a kept
    # page's warnings are reported again, so a warm `--strict` build fails where a cold one does
    digests: dict[str, bytes] = field(default_factory=dict)  # sha256 of the files kept from the last site or put
    # in the page store, where known: comparing the output folder with its manifest then hashes none of them
    listing: Listing = field(default_factory=dict)  # each page type's jobs: an edit lists only the types it reaches


@dataclass(frozen=True)
class Sources:
    """What a run's model was made from, kept with the cache's site: the next build compares its
    files with these, and when the edits since were to page bodies alone it takes this model
    with the new bodies (Pipeline._edited_bodies), and reads, checks and models nothing."""

    inputs: Inputs               # each file and folder of the content and its stat, taken before it was read
    context: tuple[object, ...]  # what else the model depends on: the working folder, the git state, the day
    fronts: dict[str, str]       # each page's front matter as written, by its path under pages/
    problems: list[Problem]      # what modelling found (warnings, as it succeeded): told again
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Indexed:
    """What the search index reads of a site (a Site has it all): see Pipeline._begin_index."""

    handbook: Handbook
    facts: Facts
    sections: Mapping[str, list[Section]]
    index: None = None


class Pipeline:
    """One handbook through every stage. Run again, it reuses what has not changed."""

    def __init__(self, content: Path, options: Options = Options(), page_types: list[PageType] = PAGE_TYPES,
                 git: tuple[str | None, str | None] | None = None):
        """`git`: the git state as `build` found it when it began (uptodate.Build), asked once."""
        self.content = content
        self._git = git
        self.options = options
        self.page_types = page_types
        self.parsed = ParseCache()
        self.dates = PageDates()
        self.versions = VersionReader(options.audience)  # earlier versions from git tags, read once each
        self.notes: list[str] = []
        self.bytecode: MemoryBytecodeCache | None = None  # compiled templates, kept between runs (serve)
        self.cache = BuildCache(options.cache, content, options.output_key()) if options.cache else None
        self._parses_read = self.cache is None  # the cache's parses are read when a run reads files
        self._sources: Sources | None = None  # what the last run's model was made from, when known
        self._snapshot: Snapshot | None = None  # the cache's site the last run compared with, when it modelled anew
        self.walked: Inputs | None = None  # the content's files as the last run found them before reading any
        self.sink: PageSink | None = None  # where render workers put their pages (build's: see _page_store)
        self._bodies: dict[str, Body] = {}  # the prose bodies the last run rendered, for the cache
        self._kept_bodies: list[str] = []  # the pages whose cached bodies stay good
        self._new_bodies = 0  # how many of them the last run rendered
        self._index_due = False  # the site was kept in the cache without its search index
        self._cached_site = True  # whether a run without `last` starts from the cache's site
        self._from_snapshot = False  # whether the last run started from the cache's site
        self._index_begun: tuple[Handover, Callable[[], dict[str, bytes]]] | None = None  # see _begin_index

    def model(self, progress: Progress = Silent(), began: Began | None = None) -> tuple[Handbook, list[Problem]]:
        """Load, validate and model the handbook; ContentError when the content fails. `began`:
        the content's files and context as the run found them before reading (see Sources)."""
        if not self.content.is_dir():
            raise ContentError([Problem(str(self.content), 1, 1, "no such folder; expected a handbook folder "
                                                                 "with handbook.yml")])
        if not self._parses_read and self.cache is not None:
            self.parsed.restore(self.cache.parses())
            self._parses_read = True
        progress.stage("reading", unit="files")
        raw = load_handbook(self.content, self.parsed.read, self.dates)
        progress.advance(len(raw.documents()))
        progress.stage("validating")
        problems = validate(raw, self.parsed.check_schema)
        self.parsed.retain(raw)
        _raise_if_failing(problems, [], self.options.strict, False)
        progress.stage("modelling")
        handbook = build_model(raw, self.options.audience, self.options.drafts)
        if self.options.base_url:
            handbook = replace(handbook, settings=replace(handbook.settings, base_url=self.options.base_url))
        if self.options.promotions is not None and (handbook.internal or handbook.settings.audit.public):
            from ladderdocs.checks.audit import audit, window
            rows = promotion_rows(self.options.promotions, handbook)
            handbook = replace(handbook, promotions=audit(handbook, rows, window(rows)))
        earlier, self.notes = self.versions(handbook)
        if earlier:
            handbook = replace(handbook, earlier=earlier)
        problems += version_warnings(handbook)
        self._sources = None if began is None else Sources(
            as_settled(*began[0]), began[1], {page.rel: page.front for page in raw.pages}, problems, tuple(self.notes))
        return handbook, problems

    def _began(self) -> Began:
        """The content's files as this run finds them before it reads any (and when it began), and
        the context the model depends on besides (see Sources)."""
        started = time.time_ns()
        day = (os.environ.get("SOURCE_DATE_EPOCH"), dt.date.today().isoformat())  # settings.as_of
        git = self._git if self._git is not None else git_state(self.content)
        context = (os.getcwd(), git, day, self.options.promotions)
        return (walk(content_files(self.content)), started), context

    def _edited_bodies(self, last: Snapshot, began: Began) -> tuple[Handbook, list[Problem]] | None:
        """The model when every edit since `last` was to the body of a page: `last`'s, with the new
        bodies (what load, validate and build_model make of them, as a page's body is read for
        nothing else). None when anything else may have changed: a file added, removed, linked
        or of another folder, a front matter, the commit, the day."""
        assert self.cache is not None  # `began` is walked only for a build with a cache
        sources, ((found, started), context) = self.cache.sources(last), began
        if not isinstance(sources, Sources) or sources.context != context or len(sources.inputs) != len(found) \
                or self.options.promotions is not None:  # a promotions file is no content: its audit is made anew
            return None
        pages_dir = os.path.join(str(self.content / "pages"), "")
        edited: dict[str, Page] = {}
        for before, (path, own, led) in zip(sources.inputs, found):
            if before == (path, own, led):
                continue
            if before[0] != path or led is not None or not (path + os.sep).startswith(pages_dir):
                return None
            rel = path[len(pages_dir):].replace(os.sep, "/")
            page = last.handbook.page_by_rel.get(rel)
            if page is None and os.path.isdir(path):
                continue  # a folder: what it holds is walked too (saving a file by rename changes its stat)
            read: list[Problem] = []
            text = read_text(Path(path), read) if page is not None else None
            parts = split_page(text) if text is not None and not read else None
            if parts is None or parts[0] != sources.fronts.get(rel):  # the same front matter: the same page
                return None
            edited[rel] = replace(page, body=replace(page.body, text=parts[1]))
        handbook = replace(last.handbook, pages=[edited.get(page.rel, page) for page in last.handbook.pages])
        self.notes = list(sources.notes)
        self._sources = Sources(as_settled(found, started), context, sources.fronts, sources.problems, sources.notes)
        return handbook, list(sources.problems)

    def _anchored(self, last: Snapshot, handbook: Handbook) -> Sources | None:
        """This run's Sources as those of `last`'s model, when the two models differ in page bodies
        alone: each page of another body is marked changed, so that the next build reads it again.
        A build that made its model anew (a file had not settled when `last` was kept, say) lets
        the next one take `last`'s with the new bodies, though `last` is not written again."""
        sources, before = self._sources, last.handbook.pages
        if sources is None or len(before) != len(handbook.pages) or \
                replace(last.handbook, pages=handbook.pages) != handbook:
            return None
        pages_dir = self.content / "pages"
        edited = set()
        for old, new in zip(before, handbook.pages):
            if old != new:
                if replace(old, body=new.body) != new:
                    return None
                edited.add(str(pages_dir / new.rel))
        return replace(sources, inputs=tuple((path, UNSETTLED if path in edited else own, led)
                                             for path, own, led in sources.inputs))

    def run(self, last: Site | Snapshot | None = None, progress: Progress = Silent(), index_beside: bool = False
            ) -> Site:
        """Every file of the site but the search index, or ContentError. Given the last good
        site (else the cache's), pages that show nothing changed since are kept instead of rendered.
        `index_beside`: an edit build may begin the search index on another core before it renders
        (`_begin_index`); `begun_index` is then its result."""
        if last is None and self.cache is not None and self._cached_site:
            last = self.cache.site()
        began = self._began() if self.cache is not None and not isinstance(last, Site) else None
        self.walked = began[0][0] if began is not None else None  # for uptodate.keep_record
        edited = self._edited_bodies(last, began) if isinstance(last, Snapshot) and began is not None else None
        handbook, warnings = edited if edited is not None else self.model(progress, began)
        self._snapshot = last if isinstance(last, Snapshot) and edited is None else None
        progress.stage("preparing")  # theme, derived facts, the list of pages and what changed
        self._from_snapshot = isinstance(last, Snapshot)
        layers = theme_layers(handbook.settings.theme)
        templates = template_sources(layers)
        changed = {ALL} if last is None or templates != last.templates else changed_deps(last.handbook, handbook)
        same_handbook = last is not None and last.handbook == handbook
        if same_handbook and not changed:  # the same input: the same jobs, facts and pages as last time
            assert last is not None
            facts, pages, jobs, listing = last.facts, last.pages, [], last.listing
            kept = {path: entry_of(last.files, path) for path, _ in pages}
        else:
            facts = Facts(handbook)
            if last is not None:  # a level edit works out its own track's diffs alone
                facts.carry(last.facts, changed)
            jobs, listing, kept = self._jobs(facts, changed, last)
            pages = [(path, crawled) for listed in listing.values() for path, _, crawled in listed]
        fresh = [job for job in jobs if job.path not in kept]

        cached = self._cached_bodies(fresh)
        self._index_begun = None
        if index_beside and last is not None and not same_handbook:
            self._begin_index(handbook, facts, last, kept, len(fresh), len(pages))
        rendered, page_problems, bodies = {}, {}, {}
        progress.stage("rendering", len(fresh), "pages")
        if fresh:
            engine = self._engine(handbook, cached)
            engine.prepare(fresh)
            rendered, page_problems, bodies = render_pages(engine, fresh, self.options.workers, progress.advance,
                                                           None if self.cache else _for_search, self.sink)
        if last is not None:
            page_problems.update({path: last.page_warnings[path] for path in kept if path in last.page_warnings})
        problems = list(dict.fromkeys(p for path, _ in pages for p in page_problems.get(path, ())))
        sections = {path: body.sections for path, body in bodies.items()}
        if self._index_begun is not None:
            self._index_begun[0].send(sections)
        files: dict[str, bytes | Where] = {**rendered, **kept}
        # the kept pages' sections are read where they are asked for (serve's in_memory copies them)
        all_sections = sections if last is None else _Sections(sections, kept, last.sections)
        self._bodies = bodies  # with the cached ones of the pages still there (unpickled only when read)
        self._kept_bodies = [path for path, _ in pages if path in cached and path not in bodies] if bodies else []
        self._new_bodies = sum(cached.get(path) != body for path, body in bodies.items())
        static = {out: path.read_bytes() for out, path in static_files(layers).items()}
        files.update(static)
        files[SCRIPT_MESSAGES] = messages_script([data.decode() for out, data in static.items() if out.endswith(".js")],
                                                 facts.messages)
        assets = {f"assets/{name}": (handbook.root / "assets" / name).read_bytes() for name in handbook.assets}
        cname = assets.pop(ASSET_CNAME, None)
        files.update(assets)
        host, host_problems = host_files(handbook, [path for path, crawled in pages if crawled], cname,
                                         self.options.file_mode)
        files.update(host)
        problems += host_problems + self._address_problems(handbook, [path for path, _ in pages], list(files))
        strict = self.options.strict
        _raise_if_failing(warnings + problems, facts.findings, strict, strict or handbook.settings.parity.strict)
        index = None  # the last site's search index serves the same handbook alone
        if last is not None and same_handbook:
            index = self.cache.site_index(last) if isinstance(last, Snapshot) and self.cache else last.index
        digests = {path: last.digests[path] for path in kept if path in last.digests} if last is not None else {}
        digests.update({path: entry[3] for path, entry in rendered.items() if not isinstance(entry, bytes)})
        store = self.cache.folder if self.cache else self.sink.folder if self.sink else None
        return Site(handbook, facts, SiteFiles(files, store),
                    [p for p in warnings + problems if p.severity == "warning"],
                    facts.findings, all_sections, templates, [job.path for job in fresh], pages, index, tuple(self.notes),
                    page_problems, digests, listing)

    def _jobs(self, facts: Facts, changed: set[Dep], last: Site | Snapshot | None,
              relist: bool = False) -> tuple[list[Job], Listing, dict[str, bytes | Where]]:
        """The jobs to look at, every page type's listing, and the pages kept from `last` (their
        bytes, or where the cache's page store keeps them).
        A page type none of whose last jobs the edit reaches keeps its last listing and is not asked
        for its jobs: their contexts are most of an edit build's work, and a page type's jobs stay
        the same through any edit that reaches none of them (tests/test_cache.py checks each one).
        A type that can list the jobs an edit reached alone (PageType.reached: prose pages) lists
        those, in their places among its last listing. A type that had no job is always asked (it
        costs nothing); one whose pages moved anyway broke that rule, and then every type is listed again."""
        saved = last.listing if last is not None and ALL not in changed and not relist else {}
        jobs: list[Job] = []
        listing: Listing = {}
        kept: dict[str, bytes | Where] = {}
        for page_type in self.page_types:
            before = saved.get(page_type.name)
            if before and last is not None and all(
                    path in last.files and not (ALL in deps or deps & changed) for path, deps, _ in before):
                listing[page_type.name] = before
                kept.update({path: entry_of(last.files, path) for path, _, _ in before})
                continue
            listed = _reached(page_type, facts, changed, before, last) if before and last is not None else None
            if listed is not None:  # the jobs the edit reached, in their places among the others
                typed, listing[page_type.name] = listed
                kept.update({path: entry_of(last.files, path) for path, deps, _ in listing[page_type.name]
                             if not deps & changed})
            else:
                typed = list(page_type.jobs(facts))
                listing[page_type.name] = [_listed(page_type, job) for job in typed]
            if before is not None and [p for p, _, _ in before] != [p for p, _, _ in listing[page_type.name]]:
                return self._jobs(facts, changed, last, relist=True)  # a page type broke the rule: list all
            jobs += typed
            kept.update({job.path: entry_of(last.files, job.path) for job in typed
                         if last is not None and _unchanged(job, changed, last)})
        return jobs, listing, kept

    def _begin_index(self, handbook: Handbook, facts: Facts, last: Site | Snapshot, kept: Mapping[str, object],
                     fresh: int, pages: int) -> None:
        """The search index begun on another core before the pages are rendered, when this edit
        build renders few of them (INDEX_EARLY_SHARE): the index's process then waits for the
        sections of those alone, and this one renders, lists and writes meanwhile."""
        if self.cache is None or pages > INDEX_BESIDE_MAX_FILES or fresh * INDEX_EARLY_SHARE > pages:
            return
        handover = Handover()
        sections = _Arriving(_Sections({}, kept, last.sections), handover)  # the kept ones read by the index's process
        self._index_begun = handover, in_background(self.cached_search_index, Indexed(handbook, facts, sections),
                                                    handover=handover)

    def begun_index(self) -> Callable[[], dict[str, bytes]] | None:
        """The search index begun during the last run, or None: see _begin_index."""
        return self._index_begun[1] if self._index_begun is not None else None

    def drop_index(self) -> None:
        """The index begun during a run that failed, ended before the failure is told: its
        process is sent nothing, and is waited for."""
        if self._index_begun is not None:
            handover, result = self._index_begun
            self._index_begun = None
            handover.close()
            with suppress(Exception):
                result()

    def search_index(self, site: Site | Indexed, last: IndexTerms | None = None) -> dict[str, bytes]:
        """The search index of a site: what every page type contributes, as two scripts. With
        `last` (an earlier index's terms), only the docs whose text changed are read again."""
        return site.index if site.index is not None else self._index(site, last, {})[0]

    def cached_search_index(self, site: Site | Indexed) -> dict[str, bytes]:
        """`search_index`, made by difference from the cached index's terms, with the plain text
        of the ladder strings it read last time, and both saved for the next build when they
        changed (from whatever process runs this: it is safe to run apart, and serve does)."""
        if site.index is not None or self.cache is None:
            return self.search_index(site)
        with _no_collection():
            return self._cached_search_index(site, self.cache)

    def _cached_search_index(self, site: Site | Indexed, cache: BuildCache) -> dict[str, bytes]:
        kept = cache.index_terms()
        allow_html = site.handbook.settings.allow_html
        last, known = (kept[0], kept[2]) if isinstance(kept, tuple) and len(kept) == 3 and \
            isinstance(kept[0], IndexTerms) and kept[1] == allow_html else (None, {})
        files, terms, plain = self._index(site, last, known)
        if last is None or terms.redone * RESAVE_SHARE >= terms.count or plain != known:
            cache.save_index_terms((terms.whole(), allow_html, plain))  # else the next index starts from `last` again:
        return files  # a few docs more to tokenise, where writing the terms (13 MB) would cost more

    def search_entries(self, site: Site | Indexed, known: Mapping[tuple[str, bool], str] | None = None
                       ) -> list[SearchEntry]:
        """What every page type contributes to the search index (`known`: the plain text of
        ladder strings that refer to nothing, from the last index; see _IndexSources)."""
        return self._search_entries(site, _IndexSources(site.handbook, self.page_types, site.sections, known or {}))[0]

    def _search_entries(self, site: Site | Indexed, sources: _IndexSources, last: IndexTerms | None = None
                        ) -> tuple[list[SearchEntry], Ahead | None]:
        """The entries, and with entries of pages still being rendered (_IndexSources.entry), the
        index begun with those as `last` had them, made while they are awaited."""
        entries = [entry for page_type in self.page_types for entry in page_type.search(site.facts, sources)]
        if not sources.later:
            return entries, None
        stand_ins = {id(stand_in) for stand_in, _, _ in sources.later}
        waiting = [i for i, entry in enumerate(entries) if id(entry) in stand_ins]
        ahead = index_ahead(entries, waiting, english_language(site.handbook.settings.language), last)
        made = {id(stand_in): make(sources.sections(path)) for stand_in, path, make in sources.later}
        return [made.get(id(entry), entry) for entry in entries], ahead

    def _index(self, site: Site | Indexed, last: IndexTerms | None, known: Mapping[tuple[str, bool], str]
               ) -> tuple[dict[str, bytes], IndexTerms, dict[tuple[str, bool], str]]:
        sources = _IndexSources(site.handbook, self.page_types, site.sections, known)
        entries, ahead = self._search_entries(site, sources, last)
        files, terms = index_files(entries, site.handbook.settings.language, site.facts.messages.text, last, ahead)
        return files, terms, sources.found

    def quick_pages(self, last: Site, paths: Iterable[Path]) -> dict[str, bytes]:
        """The pages of prose files whose body alone changed, rendered against `last`'s model
        with the new bodies: serve writes them before the full run, which renders them again
        and has the last word. Empty whenever anything else may have changed or anything is
        in doubt: a path that is no page of `last`, the home page (it shows more), a change
        of front matter, a problem reading or rendering."""
        pages_dir = self.content / "pages"
        fresh: dict[str, Page] = {}
        for path in paths:
            if path.suffix != ".md" or not path.is_relative_to(pages_dir):
                return {}
            old = last.handbook.page_by_rel.get(path.relative_to(pages_dir).as_posix())
            if old is None or old.rel == "index.md":
                return {}
            found: list[Problem] = []
            source = read_page(path, pages_dir, found)
            if source is None or found or check_schema(source.meta, "page"):
                return {}
            page = page_of(source)
            if replace(page, body=replace(page.body, text=old.body.text, source=old.body.source)) != old:
                return {}
            fresh[page.rel] = page
        if not fresh:
            return {}
        handbook = replace(last.handbook, pages=[fresh.get(p.rel, p) for p in last.handbook.pages])
        facts = Facts(handbook)
        engine = self._engine(handbook)
        pages = {job.path: engine.render(job) for job in (prose.page_job(facts, page) for page in fresh.values())}
        return {} if engine.problems else pages

    def _engine(self, handbook: Handbook, bodies: Mapping[str, Body] | None = None) -> Engine:
        from ladderdocs.render.engine import Engine, MemoryBytecodeCache
        if self.bytecode is None:
            self.bytecode = MemoryBytecodeCache(self.cache)
        return Engine(handbook, navigation(handbook, self.page_types), index_pages(self.page_types),
                      self.options.file_mode, self.bytecode, views(handbook, self.page_types), bodies)

    # -- the build cache (render/cache.py) ---------------------------------------------------
    def _cached_bodies(self, jobs: list[Job]) -> Mapping[str, Body]:
        """The last build's prose bodies, read only when a prose page is to be rendered."""
        if self.cache is None or not any(isinstance(job, PageJob) and job.prose for job in jobs):
            return {}
        return self.cache.bodies()

    def remember(self, site: Site, index: dict[str, bytes] | None) -> None:
        """Keep a good site in the cache for the next build (its search index when known);
        nothing is written when it is the cached one again."""
        if self.cache is None:
            return
        if self.bytecode is not None:  # the templates it compiled, kept only now that the build is good
            self.bytecode.save()
        if self.parsed.fresh and self.parsed.fresh * RESAVE_SHARE >= len(self.parsed):
            self.cache.save_parses(self.parsed.export())
        if not site.rendered and site.index is not None:
            return
        if self._from_snapshot and len(site.rendered) * RESAVE_SHARE < len(site.pages):
            self.cache.discard()  # the cached site stays the one to compare with: see RESAVE_SHARE
            self._index_due = False
            anchored = self._anchored(self._snapshot, site.handbook) if self._snapshot is not None else None
            if anchored is not None:
                self.cache.save_sources(self._snapshot.token, anchored)
            return
        if self._new_bodies and self._new_bodies * RESAVE_SHARE >= len(self._bodies) + len(self._kept_bodies):
            self.cache.save_bodies(self._bodies, self._kept_bodies)
        self.cache.save_site(Snapshot(site.handbook, site.templates, site.files, site.sections, index, site.facts,
                                      site.pages, site.page_warnings, site.digests, site.listing))
        if self._sources is not None:
            self.cache.save_sources(None, self._sources)
        self._index_due = index is None

    def forget_cached_site(self) -> None:
        """Run from here on without the cache's site: one of its pages could not be read back
        (nor is any page of it kept again: the store is written anew)."""
        self._cached_site = False
        if self.cache is not None:
            self.cache.forget_site()

    def in_memory(self, site: Site) -> Site:
        """`site` with every file and search section in memory, read from the cache where they
        are kept there (serve holds its files and compares each rebuild's with them). A page or
        the sections the cache could not give back make the run again without the cache's site."""
        try:
            return replace(site, files=dict(site.files), sections=dict(site.sections))
        except StoreDamaged:
            self.forget_cached_site()
            return self.in_memory(self.run())

    def remember_index(self, index: dict[str, bytes]) -> None:
        """Keep the search index of the site `remember` kept without it (build keeps the site
        while another core makes the index, then this: a small file beside it)."""
        if self.cache is not None and self._index_due:
            self.cache.save_index(index)
            self._index_due = False

    def _address_problems(self, handbook: Handbook, job_paths: list[str], paths: list[str]) -> list[Problem]:
        """A prose page on an address the site uses for its own pages; two outputs on one
        address, or a file where another needs a folder (a page named 'index.html.md' wants
        'index.html/'): the site could not be written."""
        reserved = reserved_addresses(self.page_types) | set(SITE_ADDRESSES)
        problems = [Problem(p.source.file, 1, 1, f"page address '/{p.url}' is taken by ladderdocs' own "
                                                 f"'{p.url.split('/')[0]}/' pages; expected another file name")
                    for p in handbook.pages if p.url.split("/")[0] in reserved]
        problems += [Problem(p.source.file, 1, 1, f"alias '/{alias}' is taken by ladderdocs' own "
                                                  f"'{alias.split('/')[0]}/' pages; expected another address")
                     for p in handbook.pages for alias in p.aliases if alias.split("/")[0] in reserved]
        every = job_paths + sorted(set(paths) - set(job_paths)) + list(INDEX_FILES)
        needed_as_folder = folders_of(every)
        counts = Counter(every)
        for path in sorted(p for p in counts if counts[p] > 1 or p in needed_as_folder):
            culprits = [p.source.file for p in handbook.pages for address in (p.url, *p.aliases)
                        if (f"{address}index.html".startswith(path + "/") if path in needed_as_folder
                            else f"{address}index.html" == path)]
            problems += [Problem(source, 1, 1, f"this page needs the address '{path}', which the site already "
                                               "uses; expected another file name") for source in culprits]
            if not culprits:
                problems.append(Problem(str(handbook.root), 1, 1, f"two outputs need the address '{path}'; "
                                                                  "expected one (rename one of them)"))
        return problems


class _IndexSources:
    """The search entries' sources. Parsing ladder strings with markdown-it is most of what the
    entries cost, so the plain text of each string that refers to nothing (no resolved reference:
    its words depend on its text alone) is kept for the next index; a string with a reference
    is parsed again, as its target's title may have changed. markdown-it is loaded only when a
    string is new."""

    def __init__(self, handbook: Handbook, page_types: list[PageType], sections: Mapping[str, list[Section]],
                 known: Mapping[tuple[str, bool], str]):
        self.handbook = handbook
        self.page_types = page_types
        self.by_path = sections
        self.known = known
        self.found: dict[tuple[str, bool], str] = {}  # what `known` is next time
        self._plain_text: PlainText | None = None
        self._refers: set[tuple[str, bool]] = set()
        self._resolved = False
        self.later: list[tuple[SearchEntry, str, Callable[[list[Section]], SearchEntry]]] = []  # see `entry`
        self._arriving = sections if isinstance(sections, _Arriving) else None

    def plain(self, text: str, inline: bool = False) -> str:
        key = (text, inline)
        words = self.known.get(key)
        if words is None:
            self._resolved = False
            words = self._plain()(text, inline)
            if self._resolved:  # only the parse that resolves a reference hears of it: remember the text
                self._refers.add(key)
            if key in self._refers:
                return words
        self.found[key] = words
        return words

    def sections(self, path: str) -> list[Section]:
        return self.by_path[path]

    def entry(self, path: str, make: Callable[[list[Section]], SearchEntry]) -> SearchEntry:
        if self._arriving is None or self._arriving.here(path):
            return make(self.by_path[path])
        stand_in = SearchEntry(prose.PAGES, path, "", "", [])  # _search_entries puts the entry in its place
        self.later.append((stand_in, path, make))
        return stand_in

    def _plain(self) -> PlainText:
        if self._plain_text is None:
            hb, named = self.handbook, views(self.handbook, self.page_types)
            self._plain_text = PlainText(make_markdown(hb.settings.allow_html), self._resolve(hb, named))
        return self._plain_text

    def _resolve(self, hb: Handbook, named: Mapping[str, tuple[str, str]]) -> Resolver:
        def resolve(kind: str, ident: str) -> tuple[str, str] | None:
            self._resolved = True
            return named.get(ident) if kind == "view" else ref_target(hb, kind, ident)
        return resolve


class _Sections(Mapping[str, list[Section]]):
    """A site's search sections: those of the pages it rendered, and of the pages it kept those
    of `last`, the site they were kept from. The cached site's are read from their file only
    when one is asked for (render/cache.py KeptSections): by the search index's process."""

    def __init__(self, rendered: dict[str, list[Section]], kept: Iterable[str], last: Mapping[str, list[Section]]):
        self._rendered, self._kept, self._last = rendered, list(kept), last
        self._keeps = set(self._kept)

    def __contains__(self, path: object) -> bool:
        return path in self._rendered or (path in self._keeps and path in self._last)

    def __getitem__(self, path: str) -> list[Section]:
        if path in self._rendered:
            return self._rendered[path]
        if path in self._keeps:
            return self._last[path]
        raise KeyError(path)

    def __iter__(self) -> Iterator[str]:
        yield from self._rendered
        yield from (path for path in self._kept if path in self._last and path not in self._rendered)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _Arriving(Mapping[str, list[Section]]):
    """The search sections of a site whose index was begun before its pages were rendered: those
    of the pages kept, now, and those of the rendered ones once `handover` brings them."""

    def __init__(self, kept: Mapping[str, list[Section]], handover: Handover):
        self._kept = kept
        self._handover = handover
        self._sent: dict[str, list[Section]] | None = None

    def _arrived(self) -> dict[str, list[Section]]:
        if self._sent is None:
            self._sent = self._handover.get()
        return self._sent

    def here(self, path: str) -> bool:
        """Whether the sections of `path` are at hand without waiting."""
        return path in self._kept

    def __getitem__(self, path: str) -> list[Section]:
        return self._kept[path] if path in self._kept else self._arrived()[path]

    def __iter__(self) -> Iterator[str]:
        return iter({**dict.fromkeys(self._kept), **self._arrived()})

    def __len__(self) -> int:
        return sum(1 for _ in self)


@contextmanager
def _no_collection() -> Iterator[None]:
    """The cycle collector off while the search index is made by difference: it makes no cycles,
    and each full collection it would set off walks every object of the site (0.1 s at 2,000
    pages, several times per index)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _for_search(body: Body) -> Body:
    """A body as a build without a cache needs it: its search sections (the page holds its HTML)."""
    return replace(body, key=b"", lookups=(), html="", headings=[])


def _listed(page_type: PageType, job: Job) -> tuple[str, frozenset[Dep], bool]:
    """A job as a listing keeps it: its path, its keys, whether sitemap.xml lists it (a copy,
    such as compare/ of compare/us/, is not listed)."""
    crawled = page_type.crawled and job.path.endswith(".html")
    return job.path, job.deps, crawled and job.context.get("canonical", job.dir) == job.dir  # type: ignore[union-attr]


def _reached(page_type: PageType, facts: Facts, changed: set[Dep], before: list[tuple[str, frozenset[Dep], bool]],
             last: Site | Snapshot) -> tuple[list[Job], list[tuple[str, frozenset[Dep], bool]]] | None:
    """The jobs an edit reached of a page type that can list them alone (PageType.reached), and
    its listing: the last one with each reached job put in place of those of the same keys. None
    when the type cannot, or the edit added a job of keys none had (the whole list is asked for)."""
    if page_type.reached is None or not all(path in last.files and ALL not in deps for path, deps, _ in before):
        return None
    typed = list(page_type.reached(facts, changed))
    new: dict[frozenset[Dep], list[tuple[str, frozenset[Dep], bool]]] = {}
    for job in typed:
        new.setdefault(job.deps, []).append(_listed(page_type, job))
    listing = []
    for entry in before:
        if entry[1] & changed:
            listing += new.pop(entry[1], [])
        else:
            listing.append(entry)
    return (typed, listing) if not new else None


def _unchanged(job: Job, changed: set[Dep], last: Site | Snapshot) -> bool:
    return job.path in last.files and not (ALL in changed or ALL in job.deps or job.deps & changed)


def _raise_if_failing(problems: list[Problem], findings: list[Finding], strict: bool, strict_parity: bool) -> None:
    """The one rule: errors fail; with --strict warnings fail too; parity errors fail when
    --strict or `parity.strict` asks. Everything found is reported at once."""
    parity = [f.problem() for f in findings if f.severity == ERROR] if strict_parity else []
    failing = [p for p in problems if p.severity == "error" or strict] + parity
    if failing:
        raise ContentError((problems if strict else failing) + parity)


def promotion_rows(path: Path, handbook: Handbook) -> list[Row]:
    """The rows of a promotions CSV (checks/audit.py), or ContentError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ContentError([Problem(display_path(path), 1, 1, f"cannot read the promotions file "
                                                              f"({getattr(err, 'strerror', None) or err}); "
                                                              "expected a UTF-8 CSV file")]) from None
    from ladderdocs.checks.audit import parse_promotions
    return parse_promotions(text, display_path(path), handbook)


def check(content: Path, options: Options = Options(), progress: Progress = Silent()) -> Site:
    """Everything `build` does but writing: the site in memory, or ContentError."""
    return Pipeline(content, options).run(progress=progress)


def check_output_folder(out_dir: Path, content: Path, handbook: Handbook | None, force: bool) -> None:
    """ContentError when `out_dir` may not be replaced by a site (outputs/write.py says why)."""
    read_from = [content / "pages", content / "ladder", content / "assets"]
    if handbook is not None and handbook.settings.theme is not None:
        read_from.append(handbook.settings.theme)
    try:
        check_output(out_dir, content, read_from, force)
    except OutputRefused as err:
        raise ContentError([Problem(display_path(out_dir), 1, 1, str(err))]) from None


def build(content: Path, out_dir: Path, options: Options = Options(), progress: Progress = Silent()) -> Site:
    """The site written to `out_dir`, which is updated in place (outputs/write.py); on a content
    problem nothing is written. `progress` hears of each stage (progress.py). Without a cache,
    the pages render workers put in the temporary store are not readable from the returned
    site's `files` (they are in `out_dir`)."""
    begun = Build.begin(options.cache, content, out_dir, options.output_key()) if options.cache else None
    recover(out_dir.absolute())  # a build of an earlier version killed mid-swap left the site aside: put it back
    check_output_folder(out_dir, content, None, options.force)
    pipeline = Pipeline(content, options, git=begun.git if begun is not None else None)
    scanning = _scan_beside(out_dir) if options.cache else None
    try:
        with _page_store(pipeline, out_dir):
            try:
                site, manifest, index_files = _run_and_write(pipeline, out_dir, options, progress, scanning)
            except StoreDamaged:  # a kept page the cache could not give back: every page rendered, as a cold build
                pipeline.forget_cached_site()
                site, manifest, index_files = _run_and_write(pipeline, out_dir, options, progress)
    finally:
        if scanning is not None:
            with suppress(Exception):
                scanning()  # the process that scanned has ended before the build does
    if pipeline.cache is not None:
        pipeline.cache.save_output(out_dir, manifest)
        pipeline.remember_index(index_files)
    if begun is not None:  # the next build over the same input need not run (uptodate.py)
        keep_record(begun, content, site.handbook.settings.theme, options.promotions, manifest, out_dir, said_of(site),
                    pipeline.walked)
    return site


@contextmanager
def _page_store(pipeline: Pipeline, out_dir: Path) -> Iterator[None]:
    """Where the render workers put their pages, so that this process need not hold them all:
    the cache's page store, or without a cache a temporary one, removed once the site is written.
    That one lies beside the output folder, on its disk (the system's temporary folder may be
    memory), named so that `recover` removes it after a build killed before its end."""
    if pipeline.cache is not None:
        pipeline.sink = pipeline.cache.sink()
        yield
        return
    beside = out_dir.absolute().parent
    folder = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.{PAGE_STORE}-{os.getpid()}-", dir=beside)
                  if beside.is_dir() else tempfile.mkdtemp(prefix="ladderdocs-pages-"))
    pipeline.sink = PageSink(folder, "pages")
    try:
        yield
    finally:
        pipeline.sink = None
        shutil.rmtree(folder, ignore_errors=True)


def _scan_beside(out_dir: Path) -> Callable[[], Scan | None] | None:
    """The output folder scanned on another core while this one reads the cached site (a warm
    build's scan visits a folder per page: 20 ms at 2,000 pages); None when there is none yet."""
    if not out_dir.is_dir():
        return None
    return in_background(_scan_or_none, out_dir.absolute(), freeze=False)  # forked while the heap is small


def _scan_or_none(out: Path) -> Scan | None:
    """scan_site, or None when the folder cannot be scanned (the writer then says why)."""
    try:
        return scan_site(out)
    except OSError:
        return None


def _run_and_write(pipeline: Pipeline, out_dir: Path, options: Options, progress: Progress,
                   scanning: Callable[[], Scan | None] | None = None) -> tuple[Site, Manifest, dict[str, bytes]]:
    """The site made and written, with its search index: the site, the output's manifest, the
    index. `scanning`: the output folder's scan, begun before the site was made."""
    try:
        site = pipeline.run(progress=progress, index_beside=True)
        check_output_folder(out_dir, pipeline.content, site.handbook, options.force)  # its theme folder is known now
    except BaseException:
        pipeline.drop_index()
        raise
    index = pipeline.begun_index()  # begun before an edit build rendered its few pages
    if index is None and len(site.files) <= INDEX_BESIDE_MAX_FILES:
        index = in_background(pipeline.cached_search_index, site)  # another core indexes while this one writes
    elif index is None:  # here, once the site is written
        index = functools.partial(pipeline.cached_search_index, site)
    try:
        update = SiteUpdate(out_dir, pipeline.cache.output(out_dir) if pipeline.cache else None,
                            scanning() if scanning is not None else None)
        progress.stage("writing", unit="files")
        try:
            update.write(site.files, site.digests)
        except StoreDamaged:
            index()  # the forked process that makes it ends before the build runs again
            raise
        progress.advance(len(site.files))
        if pipeline.cache is not None:  # kept while the index is made on another core; the index joins it after
            pipeline.remember(replace(site, digests={path: update.manifest[path][1] for path in site.files}), None)
        progress.stage("indexing")  # what is left of it once the writing is done
        index_files = index()
        update.write(index_files)
        return site, update.finish(), index_files
    except OSError as err:  # a full disk or a read-only folder: the author's to fix
        with suppress(Exception):
            index()  # the forked process that makes it ends before the build does
        raise ContentError([Problem(display_path(out_dir), 1, 1, f"cannot write the site ({err.strerror or err}); "
                                                                 "expected a folder ladderdocs may write to (each "
                                                                 "file is old or new; the next build completes it)")]
                           ) from err


def said_of(site: Site) -> Said:
    """What `ladderdocs build` tells the author of a site; kept, to be told again when nothing changed."""
    return Said(sum(1 for path in site.files if path.endswith(".html")), len(site.rendered), tuple(site.warnings),
                site.notes, summarise(site.findings).text if site.findings else None,
                site.handbook.promotions is not None,
                not site.warnings and not any(f.severity == ERROR for f in site.findings))
