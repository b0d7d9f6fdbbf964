"""serve's rebuilds: the build pipeline again, re-reading and re-rendering only what an edit touched.

Correctness comes first. Every rebuild reads the whole handbook from disk (reusing a parsed
file while its stat is unchanged), validates it, builds a fresh model and compares it with
the model of the last good site. A page is rendered again when what it depends on changed
(its `PageJob.deps`, see jobs.py); a change to the skeleton (ids, titles, grades, order,
settings) or to a template renders every page. The result is the same files `build` writes.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable, TypeVar

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from ladderdocs.errors import ContentError, Problem
from ladderdocs.jobs import ALL, BANDS, MOBILITY, Dep, PageJob, competency_dep, level_dep, page_dep, track_dep
from ladderdocs.load import Document, RawHandbook, load_handbook, read_page
from ladderdocs.model import Handbook, Page, build_model, page_of
from ladderdocs.render import Renderer, render_site
from ladderdocs.schema import check_schema
from ladderdocs.search import INDEX_FILES, Section, index_files
from ladderdocs.theme import theme_layers
from ladderdocs.validate import validate

T = TypeVar("T")
StatKey = tuple[int, int, int, int]


class ParseMemo:
    """Parsed files and their schema problems, kept while the file on disk stays the same."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[StatKey, Any, list[Problem]]] = {}  # str keys: Path hashing is slow
        self._schema: dict[tuple[int, str], tuple[Document, list[Problem]]] = {}

    def read(self, path: Path, parse: Callable[[Path, list[Problem]], T], problems: list[Problem]) -> T:
        name, key = str(path), _stat_key(path)
        entry = self._files.get(name)
        if entry is None or entry[0] != key:
            found: list[Problem] = []
            entry = (key, parse(path, found), found)
            self._files[name] = entry
        problems.extend(entry[2])
        return entry[1]  # type: ignore[no-any-return]

    def check_schema(self, doc: Document, kind: str) -> list[Problem]:
        entry = self._schema.get((id(doc), kind))
        if entry is None or entry[0] is not doc:  # the document is kept alive, so its id is not reused
            entry = (doc, check_schema(doc, kind))
            self._schema[(id(doc), kind)] = entry
        return list(entry[1])

    def forget(self, paths: Iterable[Path]) -> None:
        """Drop what the watcher saw change: a file system with coarse timestamps may hide an edit."""
        for path in paths:
            self._files.pop(str(path), None)

    def retain(self, raw: RawHandbook) -> None:
        """Keep schema answers only for the documents of the latest read."""
        docs = [raw.handbook, raw.competencies, raw.comp, raw.mobility, *raw.tracks,
                *(page.meta for page in raw.pages)]
        alive = {id(doc) for doc in docs if doc is not None}
        self._schema = {key: entry for key, entry in self._schema.items() if key[0] in alive}


def _stat_key(path: Path) -> StatKey:
    st = os.stat(path)
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept between rebuilds; Jinja checks each against its source."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


@dataclass(frozen=True)
class Site:
    """A good build: the files on disk and what they were made from."""

    handbook: Handbook
    files: dict[str, bytes]
    templates: dict[str, bytes]  # every template of every theme layer: any change renders all pages
    warnings: list[Problem]
    sections: dict[str, list[Section]]  # of every prose page, for the search index (see render_site)
    indexed: bool = True  # False: the search index files are an older site's (see SiteBuilder.pages)


@dataclass(frozen=True)
class Rebuilt:
    site: Site
    rendered: list[str]  # pages rendered this time; the others were kept from the last good site


class SiteBuilder:
    """Builds the site of one handbook again and again, reusing whatever is still valid."""

    def __init__(self, content: Path, audience: str, strict: bool):
        self.content = content
        self.audience = audience
        self.strict = strict
        self.memo = ParseMemo()
        self.bytecode = MemoryBytecodeCache()

    def build(self, last: Site | None) -> Rebuilt:
        """The whole site, rendering only the pages an edit since `last` can change; or ContentError."""
        rebuilt = self.pages(last)
        return replace(rebuilt, site=self.indexed(rebuilt.site))

    def indexed(self, site: Site) -> Site:
        """`site` with the search index of its own content."""
        return replace(site, files={**site.files, **index_files(site.handbook, site.sections)}, indexed=True)

    def pages(self, last: Site | None) -> Rebuilt:
        """Every file but the search index, which stays `last`'s until indexed() makes it again:
        serve writes the pages first, as indexing a large handbook takes much longer."""
        raw = load_handbook(self.content, self.memo.read)
        problems = validate(raw, self.memo.check_schema)
        self.memo.retain(raw)
        self._raise_if_failing(problems)
        handbook = build_model(raw, self.audience)
        warnings = [p for p in problems if p.severity == "warning"]

        templates = template_sources(theme_layers(handbook.settings.theme))
        if last is None or templates != last.templates:
            changed: set[Dep] = {ALL}
        else:
            changed = changed_deps(last.handbook, handbook)
        rendered: list[str] = []

        def reuse(job: PageJob) -> bytes | None:
            if last is not None and job.path in last.files and not (
                    ALL in changed or ALL in job.deps or job.deps & changed):
                return last.files[job.path]
            rendered.append(job.path)
            return None

        site = render_site(handbook, False, reuse, self.bytecode, kept_sections=last.sections if last else {})
        self._raise_if_failing(site.problems + warnings)
        last_index = {name: last.files[name] for name in INDEX_FILES if last and name in last.files}
        return Rebuilt(Site(handbook, {**site.files, **last_index}, templates, warnings, site.sections,
                            indexed=False), rendered)

    def quick_pages(self, last: Site, paths: Iterable[Path]) -> dict[str, bytes]:
        """The pages of prose files whose body alone changed, rendered against `last`'s model
        with the new bodies: serve writes them before the full rebuild, which renders them
        again and has the last word. Empty whenever anything else may have changed or
        anything is in doubt: a path that is no page of `last`, the home page (it shows
        more), a change of front matter, a problem reading or rendering."""
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
            if replace(page, body=old.body, body_line=old.body_line) != old:
                return {}
            fresh[page.rel] = page
        if not fresh:
            return {}
        handbook = replace(last.handbook, pages=[fresh.get(p.rel, p) for p in last.handbook.pages])
        renderer = Renderer(handbook, False, self.bytecode)
        pages = {job.path: renderer.render_job(job) for job in map(renderer.page_job, fresh.values())}
        return {} if renderer.problems else pages

    def _raise_if_failing(self, problems: list[Problem]) -> None:
        failing = [p for p in problems if p.severity == "error" or self.strict]
        if failing:
            raise ContentError(problems if self.strict else failing)


def template_sources(layers: list[Path]) -> dict[str, bytes]:
    return {str(path): path.read_bytes()
            for layer in layers for path in sorted((layer / "templates").rglob("*")) if path.is_file()}


def skeleton(hb: Handbook) -> Hashable:
    """What navigation, links and every page's frame are made of: ids, titles, grades, order, settings."""
    return (
        hb.settings, hb.audience, hb.root, tuple(hb.groups), tuple(hb.zones), tuple(hb.assets),
        hb.mobility is None,
        tuple((t.id, t.title, t.kind, t.order, t.opens_at_grade, t.time_box_months, t.internal,
               tuple((lv.id, lv.title, lv.grade, lv.internal) for lv in t.levels)) for t in hb.tracks),
        tuple((c.id, c.title, c.group, c.track_ids, c.internal) for c in hb.competencies),
        tuple((p.rel, p.title, p.order, p.nav, p.internal, p.description) for p in hb.pages),
    )


def changed_deps(old: Handbook, new: Handbook) -> set[Dep]:
    """The dependency keys (see jobs.py) whose content differs between two models of a handbook."""
    if skeleton(old) != skeleton(new):
        return {ALL}
    changed: set[Dep] = set()
    for level_id, level in new.level_by_id.items():
        if level != old.level_by_id[level_id]:
            changed.add(level_dep(level_id))
    old_bands, new_bands = _bands_by_level(old), _bands_by_level(new)
    for level_id in old_bands.keys() | new_bands.keys():
        if old_bands.get(level_id) != new_bands.get(level_id):
            changed |= {level_dep(level_id), BANDS}
    for track in new.tracks:
        if _own_content(track, "levels") != _own_content(old.track_by_id[track.id], "levels"):
            changed.add(track_dep(track.id))
    for competency in new.competencies:
        if competency != old.competency_by_id[competency.id]:
            changed.add(competency_dep(competency.id))
    for page in new.pages:
        if page != old.page_by_rel[page.rel]:
            changed.add(page_dep(page.rel))
    if new.mobility != old.mobility:
        changed.add(MOBILITY)
    return changed


def _bands_by_level(hb: Handbook) -> dict[str, list[Any]]:
    bands: dict[str, list[Any]] = defaultdict(list)
    for band in hb.bands:
        bands[band.level_id].append(band)
    return bands


def _own_content(item: Any, *leave_out: str) -> tuple[Any, ...]:
    return tuple(getattr(item, f.name) for f in fields(item) if f.name not in leave_out)
