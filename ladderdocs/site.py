"""The one pipeline: load -> validate -> model -> check -> render -> index -> write.

`ladderdocs build` runs it once and writes the site; `check` runs it and writes nothing;
`serve` keeps one `Pipeline` and runs it again after every edit, and the pipeline reuses
what the edit did not change (parsed files, compiled templates, rendered pages). All three
judge the content by the same rule (`_raise_if_failing`), so they report the same problems.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from ladderdocs.checks.audit import Row, audit, parse_promotions, window
from ladderdocs.checks.parity import ERROR, Finding
from ladderdocs.errors import ContentError, Problem, display_path
from ladderdocs.model.build import build_model, page_of
from ladderdocs.model.changes import version_warnings
from ladderdocs.model.deps import ALL, Dep, changed_deps
from ladderdocs.model.entities import PUBLIC, Handbook, Page
from ladderdocs.model.queries import ref_target
from ladderdocs.model.versions import VersionReader
from ladderdocs.outputs.host import ASSET_CNAME, HOST_FILES, host_files
from ladderdocs.outputs.search_index import INDEX_FILES, IndexTerms, index_files
from ladderdocs.outputs.write import OutputRefused, SiteUpdate, check_output, recover
from ladderdocs.pages import prose
from ladderdocs.pages.base import Job, PageJob, PageType, SearchEntry
from ladderdocs.pages.facts import Facts
from ladderdocs.pages.registry import PAGE_TYPES, index_pages, navigation, reserved_addresses, views
from ladderdocs.progress import Progress, Silent
from ladderdocs.render.cache import Body, BuildCache, Snapshot
from ladderdocs.render.parallel import in_background, render_pages
from ladderdocs.render.themes import static_files, template_sources, theme_layers
from ladderdocs.source.cache import ParseCache
from ladderdocs.source.history import PageDates
from ladderdocs.source.load import load_handbook, read_page
from ladderdocs.source.schema import check_schema
from ladderdocs.source.validate import validate
from ladderdocs.text.i18n import SCRIPT_MESSAGES, messages_script
from ladderdocs.text.markdown import make_markdown
from ladderdocs.text.plain import PlainText, Section

if TYPE_CHECKING:  # imported when a page is rendered: a warm build that renders none never loads Jinja
    from ladderdocs.render.engine import Engine, MemoryBytecodeCache

# Parses and prose bodies are written to the cache again only when at least one in this many
# is new: redoing a few next time (a millisecond each) is cheaper than writing 2,000 (tens of MB).
RESAVE_SHARE = 100
# Above this many files the search index is made in this process once the site is written,
# not in a forked one beside the writing: a forked process copies every page of memory it
# reads (the model and the prose sections) or allocates into, about 500 MB at 20,000 pages,
# and the writing it runs beside takes a few seconds.
INDEX_BESIDE_MAX_FILES = 5000
SITE_ADDRESSES = ("static", "assets", *INDEX_FILES, *HOST_FILES)  # what the pipeline writes besides the pages


@dataclass(frozen=True)
class Options:
    audience: str = PUBLIC
    strict: bool = False     # warnings fail, and so do parity errors
    file_mode: bool = False  # links end in index.html, for a site opened from disk
    base_url: str | None = None  # replaces handbook.yml's, for a CI job that learns it only when it runs
    workers: int | None = None   # processes rendering pages (default: one per core; 1: serially)
    force: bool = False          # replace an output folder ladderdocs did not write
    drafts: bool = False         # include pages marked `draft: true`
    cache: Path | None = None    # the build cache's folder (render/cache.py); None: a build renders everything
    promotions: Path | None = None  # a promotions CSV: the promotions page (checks/audit.py), where allowed

    def output_key(self) -> tuple[object, ...]:
        """The options the bytes of a site depend on."""
        return (self.audience, self.file_mode, self.base_url, self.drafts)


@dataclass(frozen=True)
class Site:
    """A good run of the pipeline: every file but the search index, and what they came from."""

    handbook: Handbook
    facts: Facts
    files: dict[str, bytes]
    warnings: list[Problem]
    findings: list[Finding]
    sections: dict[str, list[Section]]  # of every page made from Markdown, by its path: for the search index
    templates: dict[str, bytes]         # every template of every theme layer: any change renders every page
    rendered: list[str]                 # the jobs rendered this run; the others were kept from the last site
    pages: list[tuple[str, bool]]       # every job's path, and whether sitemap.xml lists it
    index: dict[str, bytes] | None = None  # the search index, when the last one still holds (same handbook)
    notes: tuple[str, ...] = ()  # what the author should know that is no problem (why there is no changes/ page)
    page_warnings: dict[str, list[Problem]] = field(default_factory=dict)  # found rendering each page: a kept
    # page's warnings are reported again, so a warm `--strict` build fails where a cold one does
    digests: dict[str, bytes] = field(default_factory=dict)  # sha256 of the files kept from the last site, where
    # known: comparing the output folder with its manifest then hashes none of them


class Pipeline:
    """One handbook through every stage. Run again, it reuses what has not changed."""

    def __init__(self, content: Path, options: Options = Options(), page_types: list[PageType] = PAGE_TYPES):
        self.content = content
        self.options = options
        self.page_types = page_types
        self.parsed = ParseCache()
        self.dates = PageDates()
        self.versions = VersionReader(options.audience)  # earlier versions from git tags, read once each
        self.notes: list[str] = []
        self.bytecode: MemoryBytecodeCache | None = None  # compiled templates, kept between runs (serve)
        self.cache = BuildCache(options.cache, content, options.output_key()) if options.cache else None
        if self.cache is not None:
            self.parsed.restore(self.cache.parses())
        self._bodies: dict[str, Body] = {}  # of the last run's prose pages, for the cache
        self._new_bodies = 0  # how many of them the last run rendered

    def model(self, progress: Progress = Silent()) -> tuple[Handbook, list[Problem]]:
        """Load, validate and model the handbook; ContentError when the content fails."""
        if not self.content.is_dir():
            raise ContentError([Problem(str(self.content), 1, 1, "no such folder; expected a handbook folder "
                                                                 "with handbook.yml")])
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
            rows = promotion_rows(self.options.promotions, handbook)
            handbook = replace(handbook, promotions=audit(handbook, rows, window(rows)))
        earlier, self.notes = self.versions(handbook)
        if earlier:
            handbook = replace(handbook, earlier=earlier)
        return handbook, problems + version_warnings(handbook)

    def run(self, last: Site | Snapshot | None = None, progress: Progress = Silent()) -> Site:
        """Every file of the site but the search index, or ContentError. Given the last good
        site (else the cache's), pages that show nothing changed since are kept instead of rendered."""
        handbook, warnings = self.model(progress)
        progress.stage("preparing")  # theme, derived facts, the list of pages and what changed
        if last is None and self.cache is not None:
            last = self.cache.site()
        layers = theme_layers(handbook.settings.theme)
        templates = template_sources(layers)
        changed = {ALL} if last is None or templates != last.templates else changed_deps(last.handbook, handbook)
        same_handbook = last is not None and last.handbook == handbook
        if same_handbook and not changed:  # the same input: the same jobs, facts and pages as last time
            assert last is not None
            facts, pages, jobs = last.facts, last.pages, []
            kept = {path: last.files[path] for path, _ in pages}
        else:
            facts = Facts(handbook)
            if last is not None:  # a level edit works out its own track's diffs alone
                facts.carry(last.facts, changed)
            typed = [(page_type, job) for page_type in self.page_types for job in page_type.jobs(facts)]
            jobs = [job for _, job in typed]
            pages = [(job.path, page_type.crawled and job.path.endswith(".html")  # a copy (compare/ of
                      and job.context.get("canonical", job.dir) == job.dir)      # compare/us/) is not listed
                     for page_type, job in typed]
            kept = {job.path: last.files[job.path] for job in jobs
                    if last is not None and _unchanged(job, changed, last)}
        fresh = [job for job in jobs if job.path not in kept]

        cached = self._cached_bodies(fresh)
        files, page_problems, bodies = {}, {}, {}
        progress.stage("rendering", len(fresh), "pages")
        if fresh:
            engine = self._engine(handbook, cached)
            engine.prepare(fresh)
            files, page_problems, bodies = render_pages(engine, fresh, self.options.workers, progress.advance,
                                                        None if self.cache else _for_search)
        if last is not None:
            page_problems.update({path: last.page_warnings[path] for path in kept if path in last.page_warnings})
        problems = list(dict.fromkeys(p for path, _ in pages for p in page_problems.get(path, ())))
        sections = {path: body.sections for path, body in bodies.items()}
        files.update(kept)
        sections.update({path: last.sections[path] for path in kept if last is not None and path in last.sections})
        self._bodies = {job.path: bodies.get(job.path) or cached[job.path] for job in jobs
                        if job.path in bodies or job.path in cached} if bodies else {}
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
        index = last.index if last is not None and last.index is not None and same_handbook else None
        digests = {path: last.digests[path] for path in kept if path in last.digests} if last is not None else {}
        return Site(handbook, facts, files, [p for p in warnings + problems if p.severity == "warning"],
                    facts.findings, sections, templates, [job.path for job in fresh], pages, index, tuple(self.notes),
                    page_problems, digests)

    def search_index(self, site: Site, last: IndexTerms | None = None) -> dict[str, bytes]:
        """The search index of a site: what every page type contributes, as two scripts. With
        `last` (an earlier index's terms), only the docs whose text changed are read again."""
        return site.index if site.index is not None else self._index(site, last)[0]

    def cached_search_index(self, site: Site) -> dict[str, bytes]:
        """`search_index`, made by difference from the cached index's terms, and these terms
        saved for the next build (from whatever process runs this: it is safe to run apart)."""
        if site.index is not None or self.cache is None:
            return self.search_index(site)
        last = self.cache.index_terms()
        files, terms = self._index(site, last if isinstance(last, IndexTerms) else None)
        self.cache.save_index_terms(terms)
        return files

    def search_entries(self, site: Site) -> list[SearchEntry]:
        """What every page type contributes to the search index."""
        hb = site.handbook
        named = views(hb, self.page_types)
        sources = _IndexSources(PlainText(make_markdown(hb.settings.allow_html), lambda kind, ident: (
            named.get(ident) if kind == "view" else ref_target(hb, kind, ident))), site.sections)
        return [entry for page_type in self.page_types for entry in page_type.search(site.facts, sources)]

    def _index(self, site: Site, last: IndexTerms | None) -> tuple[dict[str, bytes], IndexTerms]:
        return index_files(self.search_entries(site), site.handbook.settings.language, site.facts.messages.text, last)

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
            self.bytecode = MemoryBytecodeCache()
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
        if self.parsed.fresh and self.parsed.fresh * RESAVE_SHARE >= len(self.parsed):
            self.cache.save_parses(self.parsed.export())
        if not site.rendered and site.index is not None:
            return
        if self._new_bodies and self._new_bodies * RESAVE_SHARE >= len(self._bodies):
            self.cache.save_bodies(self._bodies)
        self.cache.save_site(Snapshot(site.handbook, site.templates, site.files, site.sections, index, site.facts,
                                      site.pages, site.page_warnings, site.digests))

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
        needed_as_folder = {path[:i] for path in every for i, char in enumerate(path) if char == "/"}
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


@dataclass(frozen=True)
class _IndexSources:
    plain_text: PlainText
    by_path: Mapping[str, list[Section]]

    def plain(self, text: str, inline: bool = False) -> str:
        return self.plain_text(text, inline)

    def sections(self, path: str) -> list[Section]:
        return self.by_path[path]


def _for_search(body: Body) -> Body:
    """A body as a build without a cache needs it: its search sections (the page holds its HTML)."""
    return replace(body, key=b"", lookups=(), html="", headings=[])


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
    problem nothing is written. `progress` hears of each stage (progress.py)."""
    recover(out_dir.absolute())  # a build of an earlier version killed mid-swap left the site aside: put it back
    check_output_folder(out_dir, content, None, options.force)
    pipeline = Pipeline(content, options)
    site = pipeline.run(progress=progress)
    check_output_folder(out_dir, content, site.handbook, options.force)  # its theme folder is known now
    if len(site.files) <= INDEX_BESIDE_MAX_FILES:
        index = in_background(pipeline.cached_search_index, site)  # another core indexes while this one writes
    else:  # here, once the site is written
        index = functools.partial(pipeline.cached_search_index, site)
    try:
        update = SiteUpdate(out_dir, pipeline.cache.output(out_dir) if pipeline.cache else None)
        progress.stage("writing", unit="files")
        update.write(site.files, site.digests)
        progress.advance(len(site.files))
        progress.stage("indexing")  # what is left of it once the writing is done
        index_files = index()
        update.write(index_files)
        manifest = update.finish()
    except OSError as err:  # a full disk or a read-only folder: the author's to fix
        raise ContentError([Problem(display_path(out_dir), 1, 1, f"cannot write the site ({err.strerror or err}); "
                                                                 "expected a folder ladderdocs may write to (each "
                                                                 "file is old or new; the next build completes it)")]
                           ) from err
    if pipeline.cache is not None:
        pipeline.cache.save_output(out_dir, manifest)
        pipeline.remember(replace(site, digests={path: manifest[path][1] for path in site.files}), index_files)
    return site
