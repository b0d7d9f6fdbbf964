"""The build cache and the site updated in place (issue 15): a warm build writes exactly what a
cold build of the same input writes, after every kind of edit; a cache that is garbage is as
good as none; a build killed at any moment leaves every file old or new, and the next one
repairs the rest."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest

from conftest import EXAMPLE, REPO, load_model, run_cli, tree_bytes
from ladderdocs.model.deps import ALL, changed_deps
from ladderdocs.pages.facts import Facts
from ladderdocs.pages.registry import PAGE_TYPES
from ladderdocs.errors import ContentError
from ladderdocs.outputs.write import MARKER, TEMP
from ladderdocs.render import cache as render_cache
from ladderdocs.render.cache import CACHE_DIR, TAG, BuildCache
from ladderdocs.render.parallel import available_cpus, can_fork
from ladderdocs.source import cache as parse_cache
from ladderdocs import site as site_module
from ladderdocs import uptodate
from ladderdocs.site import Options, Pipeline, build


def copy(tmp_path: Path) -> Path:
    content = tmp_path / "handbook" / "content"
    shutil.copytree(EXAMPLE, content)
    return content


def cached(content: Path) -> Options:
    return Options(cache=content.parent / CACHE_DIR, workers=1)


def cold(content: Path, out: Path) -> dict[str, bytes]:
    shutil.rmtree(out, ignore_errors=True)
    build(content, out, Options(workers=1))
    return tree_bytes(out)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _theme(content: Path) -> None:
    templates = content / "theme" / "templates"
    if not templates.is_dir():
        templates.mkdir(parents=True)
        (templates / "base.html").write_text('{% extends "default/base.html" %}')
        edit(content / "handbook.yml", "language: en\n", "language: en\ntheme: theme\n")
    (templates / "base.html").write_text('{% extends "default/base.html" %}{% block footer %}'
                                         '<p class="custom">Our footer</p>{% endblock %}')


EDITS: dict[str, Callable[[Path], None]] = {
    "nothing": lambda c: None,
    "prose page": lambda c: edit(c / "pages" / "faq.md", "These are the questions", "These are the few questions"),
    "level yaml": lambda c: edit(c / "ladder" / "tracks" / "ic.yml", "A technical leader for a group of teams.",
                                 "A technical leader for several teams."),
    "level title a page refers to": lambda c: edit(c / "ladder" / "tracks" / "ic.yml", "title: Staff Engineer\n",
                                                   "title: Staff Software Engineer\n"),
    "comp bands": lambda c: edit(c / "ladder" / "comp.yml", "staff-engineer: {min: 195000,", "staff-engineer: {min: 197000,"),
    "handbook setting": lambda c: edit(c / "handbook.yml", "tolerance_percent: 5", "tolerance_percent: 2"),
    "theme template": _theme,
    "added page": lambda c: (c / "pages" / "new-page.md").write_text(
        "---\ntitle: A new page\n---\nIt says what [[level:staff-engineer]] means.\n\n## Why\n\nBecause.\n"),
    "deleted page": lambda c: (c / "pages" / "new-page.md").unlink(),
}


def test_a_warm_build_after_each_kind_of_edit_is_byte_identical_to_a_cold_one(tmp_path: Path) -> None:
    """One handbook edited in turn, each warm build into the same folder from the cache the
    last one left, each compared with a cold build of the same input into a new folder."""
    content, site = copy(tmp_path), tmp_path / "site"
    first = build(content, site, cached(content))
    assert (content.parent / CACHE_DIR / TAG).is_file() and len(first.rendered) > 80
    for name, make_edit in EDITS.items():
        make_edit(content)
        warm = build(content, site, cached(content))
        assert tree_bytes(site) == cold(content, tmp_path / "cold"), name
        if name in ("nothing", "prose page"):  # what the cache is for: pages that show no edit are not rendered
            assert len(warm.rendered) <= 2, (name, warm.rendered)


MODEL_EDITS: dict[str, Callable[[Path], None]] = {
    **EDITS,
    "added again": EDITS["added page"],
    "renamed page": lambda c: (c / "pages" / "new-page.md").rename(c / "pages" / "renamed-page.md"),
    "front matter": lambda c: edit(c / "pages" / "faq.md", "title: ", "title: The "),
    "competency yaml": lambda c: edit(c / "ladder" / "competencies.yml", "description: ", "description: Now, "),
    "renamed page's body": lambda c: edit(c / "pages" / "renamed-page.md", "Because.", "Because it is."),
    "prose page again": lambda c: edit(c / "pages" / "faq.md", "These are the few questions", "These questions"),
}


def test_warm_builds_from_kept_parses_are_byte_identical_to_cold_ones(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache keeps each file's parse (source/cache.py) only once the file has not changed
    for a while; here at once, so that every build after an edit starts from kept parses, and
    every build after page body edits alone from the cached model (Pipeline._edited_bodies)."""
    monkeypatch.setattr(parse_cache, "SETTLED_S", 0)
    monkeypatch.setattr(uptodate, "SETTLED_S", 0)
    content, site = copy(tmp_path), tmp_path / "site"
    build(content, site, cached(content))
    for name, make_edit in MODEL_EDITS.items():
        make_edit(content)
        time.sleep(0.01)  # past the file system's clock tick: an edit made in the tick a build began is never kept
        pipeline = Pipeline(content, cached(content))
        pipeline.model()
        assert not pipeline.parsed.fresh or name != "nothing", "an unchanged handbook was parsed again"
        build(content, site, cached(content))
        assert tree_bytes(site) == cold(content, tmp_path / "cold"), name


def test_kept_parses_of_another_ladderdocs_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_cache, "SETTLED_S", 0)
    content = copy(tmp_path)
    build(content, tmp_path / "site", cached(content))
    time.sleep(0.01)
    kept = Pipeline(content, cached(content))
    kept.model()
    assert not kept.parsed.fresh
    monkeypatch.setattr(render_cache, "__version__", "0.0.0-another")
    other = Pipeline(content, cached(content))
    other.model()
    assert other.parsed.fresh


def test_the_stamp_follows_every_module_catalogue_and_library_version_and_hashes_only_what_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache's stamp changes with any byte of ladderdocs' modules and catalogues and with
    the version of any library the output depends on, so a cache of other code is never read;
    the modules' digests are kept by stat, and a build hashes only the files whose stat changed."""
    package, folder, libraries = tmp_path / "package", tmp_path / "cache", tmp_path / "libraries"
    (package / "text").mkdir(parents=True)
    folder.mkdir()
    (libraries / "jinja2-3.1.6.dist-info").mkdir(parents=True)
    (package / "a.py").write_text("A = 1\n", encoding="utf-8")
    (package / "text" / "b.py").write_text("B = 1\n", encoding="utf-8")
    monkeypatch.setattr(render_cache, "_PACKAGE", package)
    monkeypatch.setattr(sys, "path", [str(libraries)])
    hashed: list[str] = []
    digest = render_cache._file_digest
    monkeypatch.setattr(render_cache, "_file_digest", lambda path: hashed.append(path) or digest(path))

    def stamp() -> str:
        return render_cache._stamp(("handbook", "public"), folder)

    first = stamp()
    assert stamp() == first and len(hashed) == 4  # files changed just now are hashed every time
    assert not list(folder.glob("code-*"))
    monkeypatch.setattr(render_cache, "_CODE_SETTLED_NS", 0)  # as if they had been still for long
    assert stamp() == first and len(hashed) == 6 and list(folder.glob("code-*"))
    assert stamp() == first and len(hashed) == 6  # kept digests: no module read
    (libraries / "requests-2.0.dist-info").mkdir()
    assert stamp() == first  # a library the output does not depend on
    b = package / "text" / "b.py"
    before = b.stat()
    b.write_text("B = 2\n", encoding="utf-8")  # the same size and, set back, the same time
    os.utime(b, ns=(before.st_atime_ns, before.st_mtime_ns))
    stamps = [first, stamp()]
    assert len(hashed) == 7
    (package / "locale").mkdir()
    (package / "locale" / "de.mo").write_bytes(b"\x00")
    stamps.append(stamp())
    (libraries / "jinja2-3.1.6.dist-info").rename(libraries / "jinja2-3.1.7.dist-info")
    stamps.append(stamp())
    (libraries / "MarkupSafe-3.0.4.egg-info").mkdir()
    stamps.append(stamp())
    (package / "a.py").unlink()
    stamps.append(stamp())
    assert len(set(stamps)) == len(stamps), stamps
    for kept in folder.glob("code-*"):
        kept.unlink()
    assert stamp() == stamps[-1]  # hashing every file again gives the same stamp


# The command line in a fresh process, every parse kept at once; prints the modules it loaded of those
# an edit build needs only for something else (checking a new front matter, render workers, --promotions,
# a catalogue other than English).
EDIT_BUILD = """
import sys
from ladderdocs import cli
from ladderdocs.source import cache
cache.SETTLED_S = 0
sys.argv = ["ladderdocs", *sys.argv[1:]]
try:
    cli.main()
except SystemExit as end:
    assert not end.code, end.code
print(" ".join(sorted(set(sys.modules) & {"jsonschema", "importlib.metadata", "concurrent.futures",
                                          "multiprocessing", "ladderdocs.checks.audit", "babel.messages"})))
"""


def test_a_build_after_a_prose_edit_loads_no_schema_checker_process_pool_or_audit(tmp_path: Path) -> None:
    """What makes an edit build start slowly stays unloaded when the edit does not need it;
    the site is still a cold build's."""
    content, site = copy(tmp_path), tmp_path / "site"
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def build_with_cache() -> str:
        result = subprocess.run([sys.executable, "-c", EDIT_BUILD, "build", "-c", str(content), "-o", str(site), "-q"],
                                capture_output=True, text=True, timeout=300, env=env)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert "jsonschema" in build_with_cache()  # a cold build checks every file
    time.sleep(0.01)
    EDITS["prose page"](content)
    assert build_with_cache() == ""
    assert tree_bytes(site) == cold(content, tmp_path / "cold")


def test_an_unchanged_build_writes_no_file_and_an_edit_writes_only_what_changed(tmp_path: Path) -> None:
    content, site = copy(tmp_path), tmp_path / "site"
    build(content, site, cached(content))
    before = {rel: os.stat(site / rel) for rel in tree_bytes(site)}
    build(content, site, cached(content))
    EDITS["prose page"](content)
    old_bytes = tree_bytes(site)
    build(content, site, cached(content))
    after = tree_bytes(site)
    rewritten = {rel for rel in after if os.stat(site / rel).st_mtime_ns != before[rel].st_mtime_ns
                 or os.stat(site / rel).st_ino != before[rel].st_ino}
    assert rewritten == {rel for rel in after if after[rel] != old_bytes[rel]}
    assert "faq/index.html" in rewritten and "index.html" not in rewritten


@pytest.mark.parametrize("damage", ["garbage", "truncated", "emptied"])
def test_a_damaged_cache_gives_the_same_site_and_no_traceback(tmp_path: Path, damage: str) -> None:
    content, site = copy(tmp_path), tmp_path / "site"
    assert run_cli("build", "-c", str(content), "-o", str(site)).returncode == 0
    EDITS["prose page"](content)
    cache_files = [p for p in (content.parent / CACHE_DIR).iterdir()
                   if p.name.startswith(("site-", "bodies-", "output-", "jinja-", "pages-", "code-", "sections-"))]
    assert len(cache_files) > 3 and any(p.name.startswith("jinja-") for p in cache_files)  # compiled templates
    for path in cache_files:
        data = path.read_bytes()
        path.write_bytes({"garbage": data[:40] + os.urandom(64) + data[104:], "truncated": data[:len(data) // 2],
                          "emptied": b""}[damage])
    result = run_cli("build", "-c", str(content), "-o", str(site))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert tree_bytes(site) == cold(content, tmp_path / "cold")


def test_no_cache_neither_reads_nor_writes_it_and_clean_removes_it(tmp_path: Path) -> None:
    content, site = copy(tmp_path), tmp_path / "site"
    folder = content.parent / CACHE_DIR
    assert run_cli("build", "-c", str(content), "-o", str(site), "--no-cache").returncode == 0
    assert not folder.exists()
    assert run_cli("build", "-c", str(content), "-o", str(site)).returncode == 0
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"  # git ignores it in any repository
    result = run_cli("clean", "-c", str(content))
    assert result.returncode == 0 and "removed the build cache" in result.stdout and str(folder) in result.stdout
    assert not folder.exists() and (site / "index.html").is_file()  # the site stays
    assert "nothing removed" in run_cli("clean", "-c", str(content)).stdout


def test_clean_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    content = copy(tmp_path)
    folder = content.parent / CACHE_DIR
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = run_cli("clean", "-c", str(content))
    assert result.returncode == 1 and f"{folder}:1:1" in result.stderr and TAG in result.stderr
    assert (folder / "notes.txt").read_text() == "mine"


def test_stray_files_links_and_temporary_files_are_removed_and_the_marker_kept(tmp_path: Path) -> None:
    content, site = copy(tmp_path), tmp_path / "site"
    build(content, site, cached(content))
    (site / "faq" / f".index.html{TEMP}4000000").write_text("half")
    (site / "gone" / "deep").mkdir(parents=True)
    (site / "gone" / "deep" / "page.html").write_text("old")
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    (site / "faq" / "index.html").unlink()
    (site / "faq" / "index.html").symlink_to(outside)
    build(content, site, cached(content))
    assert tree_bytes(site) == cold(content, tmp_path / "cold")
    assert not (site / "faq" / "index.html").is_symlink() and outside.read_text() == "keep me"
    assert (site / MARKER).is_file() and not (site / "gone").exists()


# A build that SIGKILLs itself at the nth rename of a file into the site (`os.replace`, which
# write.py uses for every file it writes), or after writing the nth temporary file, or once
# every file is written and before what vanished is removed.
KILLER = """
import os, signal, sys
from pathlib import Path
from ladderdocs import site as pipeline
from ladderdocs.outputs import write
from ladderdocs import site as site_module
from ladderdocs.site import Options, Pipeline, build
pipeline.in_background = lambda function, *args, **_: lambda: function(*args)  # no process left orphaned
content, site, cache, at, when = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
real_replace, calls = os.replace, [0]
def replace(src, dst):
    if Path(dst).parent.resolve().is_relative_to(site.resolve()):
        calls[0] += 1
        if calls[0] == at:
            if when == "before":  # the temporary file is written, not yet renamed
                os.kill(os.getpid(), signal.SIGKILL)
            real_replace(src, dst)
            os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst)
write.os.replace = replace
if when == "finish":  # every file written, none of the vanished ones removed yet
    write.SiteUpdate.finish = lambda self: os.kill(os.getpid(), signal.SIGKILL)
build(content, site, Options(cache=cache, workers=1))
print("finished")
"""


@pytest.mark.parametrize("at,when", [(1, "after"), (3, "before"), (40, "after"), (0, "finish")])
def test_a_killed_build_leaves_each_file_old_or_new_and_the_next_build_repairs_it(
        tmp_path: Path, at: int, when: str) -> None:
    content, site = copy(tmp_path), tmp_path / "site"
    cache = content.parent / CACHE_DIR
    EDITS["added page"](content)
    build(content, site, Options(cache=cache, workers=1))
    old = tree_bytes(site)
    for name in ("level title a page refers to", "deleted page"):  # every page changes, one goes
        EDITS[name](content)
    new = cold(content, tmp_path / "cold")
    result = subprocess.run([sys.executable, "-c", KILLER, str(content), str(site), str(cache), str(at), when],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == -signal.SIGKILL, result.stderr
    left = tree_bytes(site)
    half = [rel for rel in left if TEMP in rel]
    assert len(half) <= 1
    assert all(left[rel] in (old.get(rel), new.get(rel)) for rel in left if rel not in half)
    assert any(left[rel] != old.get(rel) for rel in left if rel not in half)
    if when == "finish":
        assert "new-page/index.html" in left and all(left[rel] == new[rel] for rel in new)
    assert run_cli("build", "-c", str(content), "-o", str(site)).returncode == 0
    assert tree_bytes(site) == new


def test_a_pipeline_with_the_cache_starts_warm_as_serve_does(tmp_path: Path) -> None:
    """serve keeps one Pipeline; given the cache, its first run renders only what an edit made
    since the last build changed, and its site is the one a cold run makes."""
    content = copy(tmp_path)
    build(content, tmp_path / "site", cached(content))
    EDITS["prose page"](content)
    first = Pipeline(content, cached(content)).run()
    assert first.rendered == ["faq/index.html"]
    assert first.files == Pipeline(content, Options(workers=1)).run().files


def test_serve_s_site_in_memory_holds_the_search_sections_and_without_their_file_is_a_cold_run_s(
        tmp_path: Path) -> None:
    """serve holds its site in memory (Pipeline.in_memory), the search sections kept in the cache
    too, read once; when their file is gone it runs again without the cached site."""
    content = copy(tmp_path)
    build(content, tmp_path / "site", cached(content))
    EDITS["prose page"](content)
    pipeline = Pipeline(content, cached(content))
    held = pipeline.in_memory(pipeline.run())
    assert held.rendered == ["faq/index.html"] and isinstance(held.sections, dict)
    assert held.sections == Pipeline(content, Options(workers=1)).run().sections
    next((content.parent / CACHE_DIR).glob("sections-*")).unlink()
    edit(content / "pages" / "faq.md", "These are the few questions", "These are some questions")
    pipeline = Pipeline(content, cached(content))
    again = pipeline.in_memory(pipeline.run())
    assert len(again.rendered) > 80 and again.sections == Pipeline(content, Options(workers=1)).run().sections


def test_a_warm_build_reports_the_warnings_of_the_pages_it_keeps(tmp_path: Path) -> None:
    """A page kept from the cache still has its Markdown warning: `--strict` fails warm as cold,
    and the warning is printed again, not only on the build that rendered the page."""
    content = copy(tmp_path)
    faq = content / "pages" / "faq.md"
    faq.write_text(faq.read_text(encoding="utf-8") + "\n:::note\nKeep this.\n:::\n", encoding="utf-8")
    first = run_cli("build", "-c", str(content), "-o", str(tmp_path / "site"))
    again = run_cli("build", "-c", str(content), "-o", str(tmp_path / "site"))
    strict = run_cli("build", "-c", str(content), "-o", str(tmp_path / "site"), "--strict")
    assert first.returncode == 0 and "faq.md" in first.stderr and "looks like a container" in first.stderr
    assert "(0 rendered)" in again.stdout, again.stdout  # every page kept, and yet
    assert "faq.md" in again.stderr and "looks like a container" in again.stderr
    assert strict.returncode == 1 and "faq.md" in strict.stderr, strict.stdout


@pytest.mark.parametrize("name", ["example", "example-internal", "mini", "every-finding"])
def test_which_pages_a_site_has_follows_from_its_skeleton(name: str) -> None:
    """An edit build asks a page type for its jobs only when the edit reaches one of them, and
    keeps the last list of the others (site.Pipeline._jobs). That holds while a page type's jobs,
    their addresses and keys, stay the same through any edit that reaches none of them: here
    everything none of its jobs declares is changed at once (the skeleton stays), and no page of
    it may appear, go or change its keys."""
    from test_deps import HANDBOOKS, poisoned

    content, audience = HANDBOOKS[name]
    handbook, _ = load_model(content, audience)
    for page_type in PAGE_TYPES:
        before = [(job.path, job.deps) for job in page_type.jobs(Facts(handbook))]
        declared = frozenset(dep for _, deps in before for dep in deps)
        edited = poisoned(handbook, declared)
        assert ALL not in changed_deps(handbook, edited)
        assert [(job.path, job.deps) for job in page_type.jobs(Facts(edited))] == before, page_type.name


def test_a_template_edited_after_its_compiled_code_was_kept_shows_the_edit(tmp_path: Path) -> None:
    """Compiled templates are kept in the cache between builds; an edit of a theme template is
    rendered, never the code compiled from the template before."""
    content, site = copy(tmp_path), tmp_path / "site"
    _theme(content)
    build(content, site, cached(content))
    assert any(p.name.startswith("jinja-") for p in (content.parent / CACHE_DIR).iterdir())
    edit(content / "theme" / "templates" / "base.html", "Our footer", "Their footer")
    build(content, site, cached(content))
    assert tree_bytes(site) == cold(content, tmp_path / "cold")
    assert "Their footer" in (site / "faq" / "index.html").read_text(encoding="utf-8")


def test_a_build_killed_before_its_search_index_was_kept_leaves_no_stale_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """build keeps the site first and its search index after, in a file of its own; a build killed
    between the two leaves the index of an earlier site beside the new one: never used for it."""
    content, site = copy(tmp_path), tmp_path / "site"
    build(content, site, cached(content))
    edit(content / "pages" / "faq.md", "These are the questions", "These are the zymurgy questions")
    monkeypatch.setattr(site_module, "RESAVE_SHARE", 1000)  # one page edited is enough to keep the site again
    monkeypatch.setattr(render_cache.BuildCache, "save_index", lambda self, index: None)  # killed before it
    build(content, site, cached(content))
    monkeypatch.undo()
    shutil.rmtree(site)  # the next build writes every file from what the cache holds
    unchanged = build(content, site, cached(content))
    assert not unchanged.rendered
    assert tree_bytes(site) == cold(content, tmp_path / "cold")
    assert "zymurgy" in "".join(data.decode() for rel, data in tree_bytes(site).items() if rel.startswith("search"))


def test_a_page_edited_just_before_a_build_keeps_its_front_matter_s_schema_answers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page being edited has always just changed, so its stat is never trusted and it is
    parsed again; when its front matter is what it was, checking it again would import
    jsonschema and build a validator (a third of an edit build) for the same answer."""
    content = copy(tmp_path)
    build(content, tmp_path / "site", cached(content))
    EDITS["prose page"](content)
    checked: list[str] = []
    real = parse_cache.check_schema
    monkeypatch.setattr(parse_cache, "check_schema", lambda doc, kind: checked.append(doc.name) or real(doc, kind))
    site = Pipeline(content, cached(content)).run()
    assert "These are the few questions" in site.files["faq/index.html"].decode()
    assert checked == []
    edit(content / "pages" / "faq.md", "order: 50", "order: fifty")
    with pytest.raises(ContentError):
        Pipeline(content, cached(content)).run()
    assert [name for name in checked if name.endswith("faq.md")]


# -- the page store: the last site's pages, kept apart from its snapshot ----------------------
def segments(content: Path) -> list[Path]:
    return sorted((content.parent / CACHE_DIR).glob("pages-*"))


STORE_DAMAGE: dict[str, Callable[[Path], None]] = {
    "deleted": lambda segment: segment.unlink(),
    "cut short": lambda segment: segment.write_bytes(segment.read_bytes()[:segment.stat().st_size // 2]),
    "garbled": lambda segment: segment.write_bytes(bytes(b ^ 0x20 for b in segment.read_bytes())),
}


@pytest.mark.parametrize("damage", STORE_DAMAGE)
def test_a_damaged_page_store_gives_a_cold_build_s_site_and_is_written_anew(tmp_path: Path, damage: str) -> None:
    """The cache's pages are in segment files beside its snapshot; one another process deleted,
    or that was cut short or garbled between builds, never changes the site: a build that
    needs a page it cannot read back renders every page, as a cold build, and keeps a sound
    store for the next one."""
    content = copy(tmp_path)
    build(content, tmp_path / "site", cached(content))
    assert segments(content)
    for segment in segments(content):
        STORE_DAMAGE[damage](segment)
    EDITS["prose page"](content)
    site = tmp_path / "new-site"  # an empty folder: every page kept from the cache must be read back
    rebuilt = build(content, site, cached(content))
    assert tree_bytes(site) == cold(content, tmp_path / "cold")
    assert len(rebuilt.rendered) > 80
    edit(content / "pages" / "faq.md", "These are the few questions", "These are the questions")
    shutil.rmtree(site)
    warm = build(content, site, cached(content))
    assert warm.rendered == ["faq/index.html"] and tree_bytes(site) == cold(content, tmp_path / "cold")


@pytest.mark.parametrize("damage", ["deleted", "another site's"])
def test_the_kept_search_sections_are_read_by_the_index_process_alone_and_a_lost_file_renders_all(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    """The cached site's search sections are a file of their own: an edit build's process never
    reads them (its search index's process does, into memory of its own), and when that file is
    gone or is another site's, the build renders every page, as a cold build, and is exact."""
    content, site = copy(tmp_path), tmp_path / "site"
    build(content, site, cached(content))
    read_by: list[int] = []
    real = render_cache.KeptSections._read
    monkeypatch.setattr(render_cache.KeptSections, "_read", lambda self: read_by.append(os.getpid()) or real(self))
    EDITS["prose page"](content)
    assert build(content, site, cached(content)).rendered == ["faq/index.html"]
    assert (os.getpid() in read_by) == (available_cpus() < 2 or not can_fork())  # here only where nothing forks
    assert tree_bytes(site) == cold(content, tmp_path / "cold")
    sections = next((content.parent / CACHE_DIR).glob("sections-*"))
    if damage == "deleted":
        sections.unlink()
    else:
        render_cache.write_pickle(sections, ("another site", render_cache.read_pickle(sections)[1]))
    edit(content / "pages" / "faq.md", "These are the few questions", "These are some questions")
    rebuilt = build(content, site, cached(content))
    assert len(rebuilt.rendered) > 80 and tree_bytes(site) == cold(content, tmp_path / "cold")


def test_a_warm_build_reads_no_kept_page_and_its_snapshot_holds_none(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit build over a folder that holds the last site reads no page it kept from the cache
    (the output's manifest vouches for them), and the cache's snapshot of the site is small: the
    pages are in the store, written once."""
    content, site = copy(tmp_path), tmp_path / "site"
    build(content, site, cached(content))
    EDITS["prose page"](content)
    read: list[object] = []
    real = render_cache._read_page
    monkeypatch.setattr(render_cache, "_read_page", lambda folder, where: read.append(where) or real(folder, where))
    warm = build(content, site, cached(content))
    assert warm.rendered == ["faq/index.html"] and read == []
    assert tree_bytes(site) == cold(content, tmp_path / "cold")
    page = (site / "competencies" / "index.html").read_bytes()
    snapshot = next((content.parent / CACHE_DIR).glob("site-*")).read_bytes()
    assert page not in snapshot and any(page in segment.read_bytes() for segment in segments(content))


def test_the_page_store_stays_small_over_many_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each edit build adds a segment with its new pages; segments no site uses are removed and
    the live pages of small or mostly dead ones are moved, so the store holds a bounded number
    of segments and not much more than one site's pages, and every page still reads back."""
    monkeypatch.setattr(render_cache, "_MAX_SEGMENTS", 3)
    content, site = copy(tmp_path), tmp_path / "site"
    build(content, site, cached(content))
    pages = sorted((content / "pages").glob("*.md"))[:6]
    for n, page in enumerate(pages * 2):
        page.write_text(page.read_text(encoding="utf-8") + f"\nEdit {n}.\n", encoding="utf-8")
        build(content, site, cached(content))
        assert len(segments(content)) <= 4
    live = sum(len(data) for data in tree_bytes(site).values())
    assert sum(segment.stat().st_size for segment in segments(content)) < 2 * live
    shutil.rmtree(site)
    assert not build(content, site, cached(content)).rendered  # every page from the store
    assert tree_bytes(site) == cold(content, tmp_path / "cold")



def test_segments_of_a_build_that_ended_are_removed_and_a_running_one_s_kept(tmp_path: Path) -> None:
    """Segments are named by the process that writes the site: one that no saved site uses is
    removed when its process is gone (a build killed, or one that failed after rendering), never
    while it runs (another build of the same handbook may be writing it)."""
    content, site = copy(tmp_path), tmp_path / "site"
    build(content, site, cached(content))
    stamp = segments(content)[0].name.split("-")[1]
    gone, running = (content.parent / CACHE_DIR / f"pages-{stamp}-{pid}-0a0b0c" for pid in (2 ** 31 - 1, os.getppid()))
    gone.write_bytes(b"a page")
    running.write_bytes(b"a page")
    EDITS["prose page"](content)
    build(content, site, cached(content))
    assert not gone.exists() and running.exists()
    assert tree_bytes(site) == cold(content, tmp_path / "cold")


# A fresh process (the test process may run threads, and then renders serially), with render
# workers for any number of pages: the example is smaller than PARALLEL_MIN_JOBS.
WORKERS_BUILD = """
import sys
from pathlib import Path
from ladderdocs.render import parallel
from ladderdocs.site import Options, build
assert parallel.can_fork()
parallel.PARALLEL_MIN_JOBS = 1
content, out, cache = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
site = build(content, out, Options(cache=Path(cache) if cache else None, workers=2))
pages = [path for path in site.files if path.endswith(".html")]
print(len(site.rendered), sum(isinstance(site.files.entries[path], bytes) for path in pages))
"""


@pytest.mark.parametrize("with_cache", [True, False])
def test_render_workers_put_their_pages_in_the_store_and_the_site_is_a_serial_build_s(
        tmp_path: Path, with_cache: bool) -> None:
    """Render workers write each page into a segment of their own and send back where it is, so
    the process that writes the site never holds every page's bytes; without a cache the store
    is a temporary folder beside the site, removed once the site is written. The site is a serial build's."""
    content, site, temp = copy(tmp_path), tmp_path / "site", tmp_path / "temp"
    temp.mkdir()
    cache = str(content.parent / CACHE_DIR) if with_cache else ""
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temp)}
    result = subprocess.run([sys.executable, "-c", WORKERS_BUILD, str(content), str(site), cache],
                            capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    rendered, held = map(int, result.stdout.split())
    assert rendered > 80 and held == 0  # every page rendered, none of their bytes in this process
    assert tree_bytes(site) == cold(content, tmp_path / "cold")
    assert list(temp.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")) == []  # nor its store
    assert len(segments(content)) == (3 if with_cache else 0)  # each worker's, and the static files'
    if with_cache:
        EDITS["prose page"](content)
        result = subprocess.run([sys.executable, "-c", WORKERS_BUILD, str(content), str(tmp_path / "new"), cache],
                                capture_output=True, text=True, timeout=300, env=env)
        assert result.returncode == 0 and result.stdout.split()[0] == "1", result.stderr
        assert tree_bytes(tmp_path / "new") == cold(content, tmp_path / "cold")


KILLED_WITH_ITS_STORE = """
import os, sys
from pathlib import Path
from ladderdocs.site import Options, Pipeline, _page_store
pipeline = Pipeline(Path(sys.argv[1]), Options())
with _page_store(pipeline, Path(sys.argv[2])):
    pipeline.sink.put(b"<html>a page")
    pipeline.sink.flush()
    print(pipeline.sink.folder, flush=True)
    os._exit(9)  # killed before its end: nothing removes the store
"""


def test_a_killed_build_s_temporary_page_store_is_removed_by_the_next_build(tmp_path: Path) -> None:
    """Without a cache, render workers put pages in a temporary store beside the site (on its
    disk, not in the system's temporary folder); a build killed before its end leaves it there,
    and the next build removes it."""
    content, site = copy(tmp_path), tmp_path / "site"
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(tmp_path / "temp")}
    (tmp_path / "temp").mkdir()
    result = subprocess.run([sys.executable, "-c", KILLED_WITH_ITS_STORE, str(content), str(site)],
                            capture_output=True, text=True, timeout=120, env=env)
    store = Path(result.stdout.strip())
    assert result.returncode == 9 and store.parent == tmp_path and any(store.iterdir()), result.stderr
    build(content, site, Options(workers=1))
    assert not store.exists()
    assert tree_bytes(site) == cold(content, tmp_path / "cold")


def test_a_build_that_renders_few_pages_leaves_the_cached_site_and_each_next_build_is_exact(tmp_path: Path) -> None:
    """Writing the site snapshot back costs more than rendering again, next time, the few pages an
    edit reached: a build that rendered fewer than one page in RESAVE_SHARE leaves the cached site
    as it was (and no segment of its own behind), the next build renders the pages edited since
    it again, and every build is a cold build's site."""
    content, site = copy(tmp_path), tmp_path / "site"
    first = build(content, site, cached(content))
    assert site_module.RESAVE_SHARE < len(first.pages) <= 2 * site_module.RESAVE_SHARE  # one page is below the share, two not
    snapshot = next((content.parent / CACHE_DIR).glob("site-*"))
    kept, store = snapshot.read_bytes(), sorted(segments(content))
    EDITS["prose page"](content)
    assert build(content, site, cached(content)).rendered == ["faq/index.html"]
    assert snapshot.read_bytes() == kept and sorted(segments(content)) == store
    assert tree_bytes(site) == cold(content, tmp_path / "cold")
    edit(content / "pages" / "contributing.md", "## ", "## Edited ")
    again = build(content, site, cached(content))  # faq's edit is not in the cached site: rendered again
    assert sorted(again.rendered) == ["contributing/index.html", "faq/index.html"]
    assert snapshot.read_bytes() != kept  # two pages: the site is kept again
    assert tree_bytes(site) == cold(content, tmp_path / "cold")
    edit(content / "pages" / "faq.md", "These are the few questions", "These are the questions")
    assert build(content, site, cached(content)).rendered == ["faq/index.html"]
    assert tree_bytes(site) == cold(content, tmp_path / "cold")


def test_an_edit_build_reads_the_one_prose_body_it_renders_not_every_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache keeps every prose page's rendered Markdown (25 MB at 2,000 pages); a build that
    renders one prose page reads the index of that file and one body, never the whole file, and a
    body that reads back damaged is rendered again."""
    content, site = copy(tmp_path), tmp_path / "site"
    build(content, site, cached(content))
    EDITS["prose page"](content)
    whole: list[str] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: whole.append(self.name) or real(self))
    assert build(content, site, cached(content)).rendered == ["faq/index.html"]
    assert whole and not [name for name in whole if name.startswith("bodies-")]
    monkeypatch.undo()
    bodies = next((content.parent / CACHE_DIR).glob("bodies-*"))
    data = bytearray(bodies.read_bytes())
    start = data.index(b"excellent\nmanagers")  # in why-two-ladders' body (html, then search sections)
    data[start:start + 18] = b"gibberish\ngibberi"
    bodies.write_bytes(bytes(data))
    _theme(content)  # every page rendered again, each prose page from its cached body but the damaged one
    build(content, site, cached(content))
    assert b"gibberish" not in b"".join(tree_bytes(site).values())
    assert tree_bytes(site) == cold(content, tmp_path / "cold")


def test_an_edit_build_makes_the_context_of_the_edited_pages_only_and_a_cold_build_s_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-page edit asks for that page's jobs alone (a 2,000-page handbook need not build
    2,000 contexts to render one); a page that gains an old address, edited together with
    another, and an edit of the home page's text give the same site as a cold build."""
    from ladderdocs.pages import prose

    content, site = copy(tmp_path), tmp_path / "site"
    build(content, site, cached(content))
    made: list[str] = []
    real = prose.page_job
    monkeypatch.setattr(prose, "page_job", lambda facts, page: made.append(page.rel) or real(facts, page))
    EDITS["prose page"](content)
    build(content, site, cached(content))
    assert made == ["faq.md"]
    assert tree_bytes(site) == cold(content, tmp_path / "cold")
    edit(content / "pages" / "faq.md", "order: 50\n", "order: 50\naliases: [questions/]\n")
    edit(content / "pages" / "contributing.md", "This handbook is built", "This handbook is made")
    build(content, site, cached(content))
    assert "faq/" in (site / "questions" / "index.html").read_text(encoding="utf-8")
    assert tree_bytes(site) == cold(content, tmp_path / "cold")
    edit(content / "pages" / "index.md", "This handbook describes", "This handbook says")
    made.clear()
    build(content, site, cached(content))
    assert made == [] and "This handbook says" in (site / "index.html").read_text(encoding="utf-8")
    assert tree_bytes(site) == cold(content, tmp_path / "cold")


def test_a_page_kept_with_its_parse_shows_a_new_commit_date_though_its_file_is_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file's parse is kept while the file stays the same; the date of the commit that last
    changed it is no part of the file: a commit amended with another date, the file untouched,
    shows the new date in a warm build, as in a cold one."""
    content, site = copy(tmp_path), tmp_path / "site"

    def git(*args: str, date: str) -> None:
        env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@x",
               "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@x", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
        subprocess.run(["git", "-C", str(content), *args], check=True, capture_output=True, env=env)

    git("init", "-q", date="2026-03-04T10:00:00")
    git("add", ".", date="2026-03-04T10:00:00")
    git("commit", "-qm", "first", date="2026-03-04T10:00:00")
    monkeypatch.setattr(parse_cache, "SETTLED_S", 0)  # the parses are kept at once
    monkeypatch.setattr(uptodate, "SETTLED_S", 0)  # and the files' stats trusted: the model, but for the commit
    time.sleep(0.01)
    build(content, site, cached(content))
    assert 'datetime="2026-03-04"' in (site / "faq" / "index.html").read_text(encoding="utf-8")
    git("commit", "-q", "--amend", "--no-edit", "--reset-author", date="2026-05-06T10:00:00")
    build(content, site, cached(content))
    assert 'datetime="2026-05-06"' in (site / "faq" / "index.html").read_text(encoding="utf-8")
    assert tree_bytes(site) == cold(content, tmp_path / "cold")


def test_a_build_after_page_body_edits_models_nothing_and_its_site_is_a_cold_builds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When every edit since the cached site was to page bodies, a build takes the cached model
    with the new bodies: it reads no other file, no kept parse, no YAML (Pipeline._edited_bodies).
    Its site and its warnings are a cold build's, edit after edit (the cached site is not written
    again for one page, so the second build finds two pages edited since)."""
    content, site = copy(tmp_path), tmp_path / "site"
    edit(content / "ladder" / "tracks" / "tlm.yml", "time_box_months: 24\n", "")  # a warning, told on every build
    monkeypatch.setattr(uptodate, "SETTLED_S", 0)  # the files just copied count as settled (see the next test)
    first = build(content, site, cached(content))
    assert any("time_box_months" in p.message for p in first.warnings)
    read: list[str] = []
    real_read, real_load = render_cache.read_pickle, site_module.load_handbook
    monkeypatch.setattr(render_cache, "read_pickle", lambda path: read.append(path.name) or real_read(path))
    monkeypatch.setattr(site_module, "load_handbook", lambda *a, **k: pytest.fail("the handbook was read again"))
    for page, old, new in [("faq.md", "These are the questions", "These are the few questions"),
                           ("why-two-ladders.md", "excellent\nmanagers", "excellent\nleaders"),
                           ("contributing.md", "pull request", "merge request")]:
        time.sleep(0.01)
        path = content / "pages" / page
        if page == "contributing.md":  # saved as many editors save: a new file renamed over the old
            text = path.read_text(encoding="utf-8")
            assert old in text
            (path.parent / f".{page}.swp").write_text(text.replace(old, new, 1), encoding="utf-8")
            os.replace(path.parent / f".{page}.swp", path)
        else:
            edit(path, old, new)
        warm = build(content, site, cached(content))
        assert not [name for name in read if name.startswith("parses-")]
        monkeypatch.setattr(site_module, "load_handbook", real_load)
        again = cold(content, tmp_path / "cold")
        assert tree_bytes(site) == again
        assert warm.warnings == build(content, tmp_path / "cold", Options(workers=1)).warnings == first.warnings
        monkeypatch.setattr(site_module, "load_handbook", lambda *a, **k: pytest.fail("the handbook was read again"))
    assert b"excellent\nleaders" in (site / "why-two-ladders" / "index.html").read_bytes() or \
        b"excellent leaders" in (site / "why-two-ladders" / "index.html").read_bytes()


def test_a_build_after_a_site_kept_before_its_files_settled_takes_its_model_with_the_new_bodies(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written within two seconds of a build (a checkout, then a build) may change again
    without their stat showing it, so the next build reads the handbook anew. When its model is
    the cached site's but for page bodies, it says so, and the build after it needs no model."""
    content, site = copy(tmp_path), tmp_path / "site"
    build(content, site, cached(content))  # every file just copied: none has settled
    loads: list[int] = []
    real_load = site_module.load_handbook
    monkeypatch.setattr(site_module, "load_handbook", lambda *a, **k: loads.append(1) or real_load(*a, **k))
    monkeypatch.setattr(uptodate, "SETTLED_S", 0)  # from here on, as two seconds later
    EDITS["prose page"](content)
    build(content, site, cached(content))
    assert loads == [1]
    time.sleep(0.01)
    edit(content / "pages" / "why-two-ladders.md", "excellent\nmanagers", "excellent\nleaders")
    build(content, site, cached(content))
    assert loads == [1]
    monkeypatch.undo()
    assert tree_bytes(site) == cold(content, tmp_path / "cold")


def test_a_build_with_a_promotions_file_audits_it_again_after_a_body_edit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The promotions file is read apart from the content: a build given one makes its model
    anew, so the audit follows the file even when the handbook's edits were to page bodies."""
    from test_audit import IC_ABOVE_4, PERFORMATIVE
    monkeypatch.setattr(uptodate, "SETTLED_S", 0)
    content, site = copy(tmp_path), tmp_path / "site"
    promotions = tmp_path / "promotions.csv"
    promotions.write_bytes(PERFORMATIVE.read_bytes())
    options = replace(cached(content), audience="internal", promotions=promotions)
    build(content, site, options)
    time.sleep(0.01)
    promotions.write_bytes(IC_ABOVE_4.read_bytes())
    EDITS["prose page"](content)
    build(content, site, options)
    monkeypatch.undo()
    cold_site = tmp_path / "cold"
    build(content, cold_site, replace(options, cache=None))
    assert tree_bytes(site) == tree_bytes(cold_site)


@pytest.mark.parametrize("change", ["front matter", "new page", "yaml", "asset", "linked page"])
def test_a_build_after_any_other_edit_reads_the_handbook_again(tmp_path: Path, change: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Anything but a page body changed since the cached site (with a body edit beside it) makes
    the build read, check and model the handbook as ever: the site is a cold build's."""
    monkeypatch.setattr(uptodate, "SETTLED_S", 0)  # every file trusted at once: only the edits count
    content, site = copy(tmp_path), tmp_path / "site"
    build(content, site, cached(content))
    time.sleep(0.01)
    edit(content / "pages" / "faq.md", "These are the questions", "These are the few questions")
    if change == "front matter":
        edit(content / "pages" / "faq.md", "order: 50\n", "order: 5\n")
    elif change == "new page":
        (content / "pages" / "new.md").write_text("---\ntitle: A new page\n---\nIts body.\n", encoding="utf-8")
    elif change == "yaml":
        edit(content / "ladder" / "tracks" / "tlm.yml", "time_box_months: 24\n", "time_box_months: 18\n")
    elif change == "asset":
        asset = next(p for p in (content / "assets").rglob("*") if p.is_file())
        asset.write_bytes(asset.read_bytes() + b"\n")
    else:  # a page that becomes a link to another file with the same text and more
        target = tmp_path / "elsewhere.md"
        target.write_text((content / "pages" / "contributing.md").read_text(encoding="utf-8") + "\nMore.\n",
                          encoding="utf-8")
        (content / "pages" / "contributing.md").unlink()
        (content / "pages" / "contributing.md").symlink_to(target)
    read: list[str] = []
    real_load = site_module.load_handbook
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(site_module, "load_handbook", lambda *a, **k: read.append("handbook") or real_load(*a, **k))
        try:
            build(content, site, cached(content))
        except ContentError:
            assert change == "linked page"  # a link leading out of the handbook is refused, as cold
            return
    assert read == ["handbook"]
    assert tree_bytes(site) == cold(content, tmp_path / "cold")


def test_an_edit_build_begins_its_search_index_before_it_renders_and_its_site_is_a_cold_builds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit build that renders a few pages starts the search index on another core first (its
    process reads the last terms and every other page's entries while this one renders), then
    sends it the rendered pages' sections; the index is the one a cold build makes."""
    content, site = copy(tmp_path), tmp_path / "site"
    build(content, site, cached(content))
    order: list[str] = []
    real_background, real_render = site_module.in_background, site_module.render_pages
    monkeypatch.setattr(site_module, "in_background",
                        lambda *a, **k: order.append("index" if "handover" in k else "scan") or real_background(*a, **k))
    monkeypatch.setattr(site_module, "render_pages", lambda *a, **k: order.append("render") or real_render(*a, **k))
    monkeypatch.setattr(BuildCache, "site", lambda self, real=BuildCache.site: order.append("site") or real(self))
    EDITS["prose page"](content)
    assert build(content, site, cached(content)).rendered == ["faq/index.html"]
    assert order == ["scan", "site", "index", "render"]  # the output folder is scanned while the site is read
    assert tree_bytes(site) == cold(content, tmp_path / "cold")
    assert b"These are the few questions" in (site / "search-excerpts.js").read_bytes()


def test_an_edit_build_that_fails_after_beginning_its_index_says_why_and_leaves_no_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A problem found once the pages are rendered (an alias on an address of ladderdocs' own
    pages) fails the build as ever, after the index begun beside it has ended: no process is
    left behind, and the site on disk is the last good one."""
    content, site = copy(tmp_path), tmp_path / "site"
    build(content, site, cached(content))
    before = tree_bytes(site)
    begun: list[bool] = []
    forked: list[int] = []  # this process may have children of its own (a browser): the build's alone count
    real_background, real_fork = site_module.in_background, os.fork
    monkeypatch.setattr(site_module, "in_background",
                        lambda *a, **k: begun.append("handover" in k) or real_background(*a, **k))
    monkeypatch.setattr(os, "fork", lambda: forked.append(pid := real_fork()) or pid)
    edit(content / "pages" / "faq.md", "order: 50\n", "order: 50\naliases: [compare/faq]\n")
    with pytest.raises(ContentError, match="alias '/compare/faq/' is taken"):
        build(content, site, cached(content))
    monkeypatch.undo()
    assert begun.count(True) == 1 and len(forked) == (len(begun) if available_cpus() > 1 and can_fork() else 0)
    for pid in forked:
        with pytest.raises(ChildProcessError):  # ended, and reaped by the build
            os.waitpid(pid, os.WNOHANG)
    assert tree_bytes(site) == before


def test_an_edit_build_reads_no_kept_search_index_and_an_unchanged_one_reuses_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last site's search index (megabytes, kept beside its snapshot) serves only a build of
    the same handbook: an edit build, which makes its own, never reads it."""
    content, site = copy(tmp_path), tmp_path / "site"
    build(content, site, cached(content))
    read: list[str] = []
    real = render_cache.read_pickle
    monkeypatch.setattr(render_cache, "read_pickle", lambda path: read.append(path.name) or real(path))
    EDITS["prose page"](content)
    build(content, site, cached(content))
    assert read and not [name for name in read if name.startswith("index-")]
    read.clear()
    edit(content / "pages" / "faq.md", "These are the few questions", "These are the questions")  # as cached
    shutil.rmtree(site)  # not the "nothing changed" path: the site is written again, its index from the cache
    again = build(content, site, cached(content))
    assert not again.rendered and [name for name in read if name.startswith("index-")]
    assert tree_bytes(site) == cold(content, tmp_path / "cold")
