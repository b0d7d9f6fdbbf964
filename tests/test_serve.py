"""`ladderdocs serve` as an author uses it: a real server process, real edits, a real browser."""

from __future__ import annotations

import http.client
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pytest

from conftest import EXAMPLE, MINI, REPO, render, run_cli, tree_bytes
from ladderdocs.outputs.search_index import INDEX_FILE, INDEX_FILES
from ladderdocs.serve.preview import Preview
from ladderdocs.render.cache import CACHE_DIR
from ladderdocs.site import Options, Pipeline, Site

WAIT = 20.0  # seconds any single expectation may take on a busy machine


def wait_for(condition: Callable[[], object], timeout: float = WAIT, what: str = "condition") -> object:
    """Poll until `condition` returns something true; fail saying what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:.0f} s waiting for: {what}")
        time.sleep(0.02)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


@dataclass
class Served:
    """A running `ladderdocs serve` and the handbook it watches."""

    proc: subprocess.Popen[str]
    content: Path
    out: Path
    url: str = ""
    output: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(re.search(r":(\d+)/", self.url).group(1))  # type: ignore[union-attr]

    @property
    def base(self) -> str:
        return "/" + self.url.split("/", 3)[3]

    def request(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """Send `path` exactly as written (no normalising of '..'), like a hostile client would."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        try:
            conn.putrequest("GET", path, skip_host=True)
            for name, value in {"Host": f"127.0.0.1:{self.port}", **(headers or {})}.items():
                conn.putheader(name, value)
            conn.endheaders()
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def html(self, rel: str) -> str:
        status, _, body = self.request(self.base + rel)
        return body.decode("utf-8") if status == 200 else ""


def start_serve(content: Path, out: Path | None, env: dict[str, str] | None = None) -> Served:
    """Start serve and wait until it says where it serves (at most a minute)."""
    options = ["--out", str(out)] if out else []
    proc = subprocess.Popen(
        [sys.executable, "-m", "ladderdocs", "serve", "--content", str(content), "--port", "0", *options],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})
    served = Served(proc, content, out or Path())
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            served.output.append(line)
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + 60
    while not served.url:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            stop(proc)
            pytest.fail("serve did not start within 60 s:\n" + "".join(served.output))
        match = re.search(r"serving (http://\S+)", line)
        served.url = match.group(1) if match else ""
    return served


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[Served]:
    """serve on a copy of the mini handbook, stopped whatever the test does."""
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    running = start_serve(content, tmp_path / "site")
    try:
        yield running
    finally:
        stop(running.proc)


@pytest.fixture()
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    page.console_errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    yield page
    context.close()


def mark_document(page) -> None:  # type: ignore[no-untyped-def]
    """Tag the current document: a reload gives a new one without the tag."""
    page.evaluate("window.ladderdocsTestMark = true")


def reloaded(page) -> bool:  # type: ignore[no-untyped-def]
    return not page.evaluate("window.ladderdocsTestMark === true")


# -- what an author sees ---------------------------------------------------------------------
def test_an_edit_to_a_prose_page_shows_in_the_served_html(served: Served) -> None:
    assert "Someone who designs services." in served.html("faq/")
    edit(served.content / "pages" / "faq.md", "Someone who designs services.", "Someone who runs services.")
    wait_for(lambda: "Someone who runs services." in served.html("faq/"), what="the edit in faq/")


def test_the_example_is_served_at_its_base_url_path(tmp_path: Path) -> None:
    content = tmp_path / "handbook"
    shutil.copytree(EXAMPLE, content)
    running = start_serve(content, tmp_path / "site")
    try:
        assert running.base == "/career-framework/"
        status, headers, _ = running.request("/")
        assert status == 302 and headers["location"] == "/career-framework/"
        status, _, body = running.request("/career-framework/levels/staff-engineer/")
        assert status == 200 and b"<h1>Staff Engineer" in body
        status, headers, _ = running.request("/career-framework/tracks")
        assert status == 301 or status == 302
        assert headers["location"] == "/career-framework/tracks/"
    finally:
        stop(running.proc)


def test_a_page_in_the_browser_reloads_by_itself(served: Served, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(served.url + "faq/")
    mark_document(page)
    edit(served.content / "pages" / "faq.md", "Someone who designs services.", "Someone who reloads pages.")
    page.get_by_text("Someone who reloads pages.").wait_for(timeout=WAIT * 1000)
    assert reloaded(page)
    assert page.console_errors == [], "\n".join(page.console_errors)  # the reload script works under the strict CSP it is served with


def test_bad_yaml_shows_the_problem_over_the_last_good_page_and_a_fix_reloads(
        served: Served, page) -> None:  # type: ignore[no-untyped-def]
    track = served.content / "ladder" / "tracks" / "ic.yml"
    good = track.read_text()
    page.goto(served.url + "levels/dev/")
    mark_document(page)
    track.write_text(good.replace("    grade: 1\n", "    grade: [1\n"))
    panel = page.locator(".ladderdocs-problems")
    panel.wait_for(state="visible", timeout=WAIT * 1000)
    assert re.search(r"ladder/tracks/ic\.yml:\d+:\d+", panel.inner_text()), panel.inner_text()
    assert "invalid YAML" in panel.inner_text()
    assert page.get_by_role("alert").count() == 1
    assert not reloaded(page), "the page was replaced although there is no new good build"
    assert "Builds features." in served.html("levels/dev/")  # the last good build is still served
    track.write_text(good.replace("Builds features.", "Builds fixed features."))
    page.get_by_text("Builds fixed features.").wait_for(timeout=WAIT * 1000)
    assert reloaded(page)
    assert page.locator(".ladderdocs-problems").count() == 0


def test_an_unknown_id_shows_its_file_and_line_and_the_fix_removes_it(
        served: Served, page) -> None:  # type: ignore[no-untyped-def]
    faq = served.content / "pages" / "faq.md"
    page.goto(served.url + "faq/")
    edit(faq, "[[level:senior-dev]]", "[[level:nobody]]")
    panel = page.locator(".ladderdocs-problems")
    panel.wait_for(state="visible", timeout=WAIT * 1000)
    assert re.search(r"pages/faq\.md:5:\d+", panel.inner_text()), panel.inner_text()
    assert "[[level:nobody]]" in panel.inner_text()  # shown as text, not turned into markup
    edit(faq, "[[level:nobody]]", "[[level:dev]]")
    page.get_by_role("heading", name="Who is a Developer?").wait_for(timeout=WAIT * 1000)
    assert page.locator(".ladderdocs-problems").count() == 0


def test_problem_text_never_becomes_markup(served: Served, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(served.url + "faq/")
    edit(served.content / "pages" / "faq.md", "[[level:senior-dev]]", "[[level:<img/src=x>]]")
    panel = page.locator(".ladderdocs-problems")
    panel.wait_for(state="visible", timeout=WAIT * 1000)
    assert "<img/src=x>" in panel.inner_text()
    assert panel.locator("img").count() == 0


@pytest.mark.parametrize("gap", [1.0, 0.1])
def test_two_quick_edits_both_reach_the_browser(served: Served, page, gap: float) -> None:  # type: ignore[no-untyped-def]
    page.goto(served.url)  # the home page shows pages/index.md and the track summaries
    mark_document(page)
    edit(served.content / "pages" / "index.md", "Start with", "First edit: start with")
    time.sleep(gap)  # the scenario: a second save, to another file, soon after the first
    edit(served.content / "ladder" / "tracks" / "ic.yml", "Grow by building.", "Second edit.")
    page.get_by_text("Second edit.").wait_for(timeout=WAIT * 1000)
    page.get_by_text("First edit: start with").wait_for(timeout=WAIT * 1000)
    assert reloaded(page)


def test_the_second_of_two_edits_to_one_page_reaches_an_open_page(
        served: Served, page) -> None:  # type: ignore[no-untyped-def]
    faq = served.content / "pages" / "faq.md"
    page.goto(served.url + "faq/")
    edit(faq, "Someone who designs services.", "Edit one.")
    page.get_by_text("Edit one.").wait_for(timeout=WAIT * 1000)
    mark_document(page)
    edit(faq, "Edit one.", "Edit two.")  # well inside livereload's 3 s throttle window
    page.get_by_text("Edit two.").wait_for(timeout=WAIT * 1000)
    assert reloaded(page)


# -- what it refuses -------------------------------------------------------------------------
def test_a_foreign_host_or_origin_is_refused(served: Served) -> None:
    assert served.request("/faq/")[0] == 200
    assert served.request("/faq/", {"Host": f"localhost:{served.port}"})[0] == 200
    for headers in ({"Host": "evil.example"}, {"Host": f"evil.example:{served.port}"},
                    {"Origin": "http://evil.example"}, {"Origin": "null"}):
        for path in ("/faq/", "/__ladderdocs__/events", "/__ladderdocs__/reload.js"):
            status, _, body = served.request(path, headers)
            assert status == 403, (headers, path, status)
            assert b"designs services" not in body


def test_paths_outside_the_site_are_refused(served: Served, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not serve me")
    (served.out / "leak").symlink_to(tmp_path)
    for path in ("/../secret.txt", "/faq/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/%2e%2e/secret.txt",
                 "/faq/..%2f..%2fsecret.txt", "/leak/secret.txt", "/..\\secret.txt"):
        status, _, body = served.request(path)
        assert status in (403, 404), (path, status)
        assert b"do not serve me" not in body, path


def test_serve_starts_on_broken_content_and_serves_once_it_is_fixed(tmp_path: Path) -> None:
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    track = content / "ladder" / "tracks" / "ic.yml"
    good = track.read_text()
    track.write_text(good.replace("    grade: 1\n", "    grade: [1\n"))
    running = start_serve(content, tmp_path / "site")
    try:
        status, _, body = running.request("/faq/")
        assert status == 503 and b"/__ladderdocs__/reload.js" in body
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=WAIT)
        conn.request("GET", "/__ladderdocs__/events")
        events = conn.getresponse()
        assert events.status == 200 and events.getheader("Content-Type") == "text/event-stream"
        first = b"".join(iter(events.readline, b"\n")) + b"".join(iter(events.readline, b"\n"))
        conn.close()
        assert b"event: status" in first and b"ic.yml:" in first and b"invalid YAML" in first
        track.write_text(good)
        wait_for(lambda: running.request("/faq/")[0] == 200, what="the fixed handbook being served")
    finally:
        stop(running.proc)


def test_a_built_site_carries_no_reload_script(tmp_path: Path) -> None:
    result = run_cli("build", "--content", str(MINI), "--out", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    pages = list((tmp_path / "site").rglob("*.html"))
    assert pages
    assert not [p for p in pages if "__ladderdocs__" in p.read_text() or "reload.js" in p.read_text()]
    assert not list((tmp_path / "site").rglob("reload.js"))


def test_serve_stops_cleanly_and_removes_its_temporary_site(tmp_path: Path) -> None:
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    running = start_serve(content, None, {"TMPDIR": str(tmp_path)})
    try:
        assert list(tmp_path.glob("ladderdocs-serve-*"))
    finally:
        stop(running.proc)
    assert running.proc.returncode == 0
    assert not list(tmp_path.glob("ladderdocs-serve-*"))


def test_once_stopped_the_preview_writes_nothing_more(tmp_path: Path) -> None:
    """The rebuild thread may ask for an index, or a rebuild, after stop() (the race that left
    serve's temporary folder behind): neither may write into the folder serve then removes."""
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    site = tmp_path / "site"
    preview = Preview(content.resolve(), site, Options())
    preview.rebuild()
    preview.stop()
    shutil.rmtree(site)  # what serve does once stopped
    preview.index()
    preview.wait_for_index(WAIT)
    preview.rebuild()
    assert not site.exists()


def test_serve_leaves_its_last_build_in_the_cache_and_the_next_run_starts_from_it(tmp_path: Path) -> None:
    """Stopped, serve saves what it built (the edit made while it ran included): the next
    serve or build renders nothing for an unchanged handbook, and its site is a cold one's."""
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    running = start_serve(content, tmp_path / "site")
    try:
        edit(content / "pages" / "faq.md", "Someone who designs services.", "Someone who runs services.")
        wait_for(lambda: "Someone who runs services." in running.html("faq/"), what="the edit in faq/")
    finally:
        stop(running.proc)
    assert running.proc.returncode == 0
    warm = Pipeline(content, Options(cache=tmp_path / CACHE_DIR, workers=1)).run()
    assert warm.rendered == []
    assert warm.files == Pipeline(content, Options(workers=1)).run().files


# -- the rebuild loop, in process ------------------------------------------------------------
def test_output_inside_the_handbook_is_not_taken_for_an_edit(tmp_path: Path) -> None:
    content = tmp_path / "handbook"
    preview = Preview(content, content / "site", Options())
    root = content.resolve()
    assert preview.ignored(root / "site" / "faq" / "index.html")
    assert preview.ignored(root / ".site.new-x1y2" / "index.html")  # write_site's staging folder
    assert not preview.ignored(root / "pages" / "faq.md")
    assert not preview.ignored(root / "sitemap.md")


def test_a_save_during_a_rebuild_brings_another_rebuild(tmp_path: Path) -> None:
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    preview = Preview(content.resolve(), tmp_path / "site", Options())
    preview.rebuild()
    build, calls, started, gate = preview.pipeline.run, [], threading.Event(), threading.Event()

    def slow_build(last: Site | None, *progress: object) -> Site:
        result = build(last, *progress)  # the files are read; the edit below comes after
        calls.append(result)
        if len(calls) == 1:
            started.set()
            assert gate.wait(WAIT)
        return result

    preview.pipeline.run = slow_build  # type: ignore[method-assign]
    loop = threading.Thread(target=preview.run, daemon=True)
    loop.start()
    try:
        preview.changed(set())
        assert started.wait(WAIT)
        faq = content / "pages" / "faq.md"
        edit(faq, "Someone who designs services.", "Saved mid-rebuild.")
        preview.changed({faq.resolve()})
        gate.set()
        out = tmp_path / "site" / "faq" / "index.html"
        wait_for(lambda: "Saved mid-rebuild." in out.read_text(), what="the save made during a rebuild")
        # the page may reach disk by the prose fast path first; the full rebuild must follow it
        wait_for(lambda: len(calls) == 2, what="a second rebuild after the save")
    finally:
        gate.set()
        preview.stop()
        loop.join(WAIT)


def test_the_search_index_follows_an_edit_and_is_builds_index(tmp_path: Path) -> None:
    """serve writes the pages first and the index when no other edit waits; it ends as build's."""
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    preview = Preview(content.resolve(), tmp_path / "site", Options())
    preview.rebuild()
    assert not (tmp_path / "site" / INDEX_FILE).exists()
    preview.index()
    preview.wait_for_index(WAIT)
    faq = content / "pages" / "faq.md"
    edit(faq, "Someone who designs services.", "Someone who designs zeppelins.")
    preview.rebuild({faq.resolve()})
    assert "zeppelin" in (tmp_path / "site" / "faq" / "index.html").read_text(encoding="utf-8")
    assert "zeppelin" not in (tmp_path / "site" / INDEX_FILE).read_text(encoding="utf-8")  # the page first
    preview.index()
    preview.wait_for_index(WAIT)
    built = render(content.resolve()).files
    for name in INDEX_FILES:
        assert (tmp_path / "site" / name).read_bytes() == built[name], name
    assert "zeppelin" in (tmp_path / "site" / INDEX_FILE).read_text(encoding="utf-8")


def indexed_preview(tmp_path: Path) -> tuple[Path, Path, Preview]:
    """A copy of the mini handbook served into tmp_path/site, built and with its search index."""
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    site = tmp_path / "site"
    preview = Preview(content.resolve(), site, Options())
    preview.rebuild()
    preview.index()
    preview.wait_for_index(WAIT)
    return content, site, preview


def disk_as_the_full_rebuild_starts(preview: Preview, site: Path) -> dict[str, bytes]:
    """The files in `site` at the moment the preview's next full rebuild starts (filled then)."""
    seen: dict[str, bytes] = {}
    full = preview.pipeline.run

    def spy(last: Site | None, *progress: object) -> Site:
        seen.update(tree_bytes(site))
        return full(last, *progress)

    preview.pipeline.run = spy  # type: ignore[method-assign]
    return seen


def test_a_page_edit_is_on_disk_before_the_full_rebuild_and_nothing_else_moves(tmp_path: Path) -> None:
    """The edited page is written ahead of the full rebuild; no other file changes or goes meanwhile,
    and the full rebuild then has nothing left to write (no second reload)."""
    content, site, preview = indexed_preview(tmp_path)
    before = tree_bytes(site)
    faq = content / "pages" / "faq.md"
    edit(faq, "Someone who designs services.", "Someone who writes ahead.")
    seen = disk_as_the_full_rebuild_starts(preview, site)
    build_before = preview.channel.current()[1].build
    preview.rebuild({faq.resolve()})
    changed = {rel for rel in before.keys() | seen.keys() if before.get(rel) != seen.get(rel)}
    assert changed == {"faq/index.html"}
    assert b"Someone who writes ahead." in seen["faq/index.html"]
    assert tree_bytes(site) == seen
    assert preview.channel.current()[1].build != build_before


def test_a_level_summary_edit_is_on_disk_before_the_full_rebuild_which_then_equals_a_build(tmp_path: Path) -> None:
    """The edited level's own page is written ahead of the full rebuild (nothing else moves
    meanwhile); the full rebuild then writes what else shows the summary, as a build would."""
    content, site, preview = indexed_preview(tmp_path)
    before = tree_bytes(site)
    track = content / "ladder" / "tracks" / "ic.yml"
    edit(track, "Builds features.", "Builds features ahead.")
    seen = disk_as_the_full_rebuild_starts(preview, site)
    preview.rebuild({track.resolve()})
    changed = {rel for rel in before.keys() | seen.keys() if before.get(rel) != seen.get(rel)}
    assert changed == {"levels/dev/index.html"}
    assert b"Builds features ahead." in seen["levels/dev/index.html"]
    built = render(content.resolve()).files
    on_disk = tree_bytes(site)
    assert {rel: on_disk[rel] for rel in built if rel not in INDEX_FILES} == {
        rel: data for rel, data in built.items() if rel not in INDEX_FILES}


def test_the_search_index_is_made_in_another_process_and_the_next_edit_does_not_wait_for_it(
        tmp_path: Path) -> None:
    """The index of one edit is still being made (here it waits on a gate) while a second edit
    reaches disk; the first index is dropped and never written, and the last edit's index, once
    made, is the very index `build` writes."""
    content, site, preview = indexed_preview(tmp_path)
    made, gate = tmp_path / "index-made-by", tmp_path / "gate"
    real = preview.pipeline.search_index

    def gated(of: Site) -> dict[str, bytes]:
        made.write_text(str(os.getpid()))
        deadline = time.monotonic() + WAIT
        while not gate.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return real(of)

    preview.pipeline.search_index = gated  # type: ignore[method-assign]
    faq = content / "pages" / "faq.md"
    edit(faq, "Someone who designs services.", "First quokka.")
    preview.rebuild({faq.resolve()})
    preview.index()
    wait_for(made.exists, what="the first edit's index to start")
    assert made.read_text() != str(os.getpid()), "the search index was made in serve's own process"
    edit(faq, "First quokka.", "Second wombat.")
    preview.rebuild({faq.resolve()})  # the first index has not passed its gate
    assert "Second wombat." in (site / "faq" / "index.html").read_text(encoding="utf-8")
    assert "quokka" not in (site / INDEX_FILE).read_text(encoding="utf-8")  # never half a new site
    gate.touch()
    preview.index()
    preview.wait_for_index(WAIT)
    built = render(content.resolve()).files
    assert "wombat" in (site / INDEX_FILE).read_text(encoding="utf-8")
    assert {rel: data for rel, data in tree_bytes(site).items() if rel != ".ladderdocs-site"} == built


def save_by_rename(page: Path, old: str, new: str, style: str) -> set[Path]:
    """Save `page` as an editor that never writes the page in place; the paths watchfiles may report."""
    text = page.read_text().replace(old, new, 1)
    if style == "atomic":  # write a temporary file beside the page, rename it over the page
        temporary = page.with_name(page.name + ".tmp8123")
        temporary.write_text(text)
        temporary.replace(page)
        return {temporary, page}
    probe = page.with_name("4913")  # vim: may I write here? then keep the old file aside, write anew
    probe.write_text("")
    probe.unlink()
    backup = page.with_name(page.name + "~")
    page.replace(backup)
    page.write_text(text)
    backup.unlink()
    return {probe, page, backup}


@pytest.mark.parametrize("style", ["atomic", "vim"])
def test_a_save_by_rename_takes_the_fast_path(tmp_path: Path, style: str) -> None:
    """The page is on disk before the full rebuild starts, as for a save in place."""
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    site = tmp_path / "site"
    preview = Preview(content.resolve(), site, Options())
    preview.rebuild()
    faq = content.resolve() / "pages" / "faq.md"
    seen: dict[str, bytes] = {}
    full = preview.pipeline.run

    def spy(last: Site | None, *progress: object) -> Site:
        seen.update(tree_bytes(site))
        return full(last, *progress)

    preview.pipeline.run = spy  # type: ignore[method-assign]
    preview.rebuild(save_by_rename(faq, "Someone who designs services.", "Someone who renames.", style))
    assert b"Someone who renames." in seen["faq/index.html"]
    built = render(content.resolve()).files
    assert {rel: data for rel, data in tree_bytes(site).items() if rel != ".ladderdocs-site"} == {
        rel: data for rel, data in built.items() if rel not in INDEX_FILES}


def test_a_burst_of_temporary_files_alone_rebuilds_nothing(tmp_path: Path) -> None:
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    preview = Preview(content.resolve(), tmp_path / "site", Options())
    preview.rebuild()
    runs: list[Site | None] = []
    full = preview.pipeline.run
    preview.pipeline.run = lambda last, *progress: runs.append(last) or full(last, *progress)  # type: ignore[method-assign]
    pages = content.resolve() / "pages"
    preview.rebuild({pages / "4913", pages / "faq.md.tmp8123", pages / ".faq.md.swp"})
    assert runs == []
    preview.rebuild({pages / "faq.md", pages / "faq.md.tmp8123"})  # a page is read again
    assert len(runs) == 1


@pytest.mark.parametrize("style", ["atomic", "vim"])
def test_serve_writes_a_page_saved_by_rename_ahead_of_the_full_rebuild(tmp_path: Path, style: str) -> None:
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    running = start_serve(content, tmp_path / "site")
    try:
        wait_for(lambda: any("search index updated" in line for line in running.output), what="the first index")
        save_by_rename(content / "pages" / "faq.md", "Someone who designs services.", "Saved by rename.", style)
        wait_for(lambda: "Saved by rename." in running.html("faq/"), what="the renamed save in faq/")
        line = wait_for(lambda: next((l for l in running.output if l.startswith("rebuilt")), None),
                        what="the rebuild after the save")
        assert "the edited page was on disk after" in line, line  # type: ignore[operator]
    finally:
        stop(running.proc)


def test_a_full_rebuild_gives_way_to_an_edit_waiting_behind_it(tmp_path: Path) -> None:
    """A second save while the first one's full rebuild runs: that rebuild stops at its next
    stage, so the rebuild that follows writes the newer text ahead at once (before, the page
    waited a whole rebuild); what is on disk in the end is the newer text, and a stream of
    edits still gets whole rebuilds."""
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    faq = (content / "pages" / "faq.md").resolve()
    out = tmp_path / "site"
    preview = Preview(content.resolve(), out, Options(workers=1))
    preview.rebuild()
    model = preview.pipeline.model
    saves = iter(range(100))

    def edited_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        faq.write_text(faq.read_text(encoding="utf-8").replace("services", f"services{next(saves)}", 1))
        preview.changed({faq})
        return model(*args, **kwargs)

    def rebuild_as_the_loop_does() -> None:
        paths, preview._pending, preview._dirty = preview._pending, set(), False
        preview.rebuild(paths)

    built = preview.channel.current()[1].build
    preview.pipeline.model = edited_meanwhile  # type: ignore[method-assign]
    preview.changed({faq})
    rebuild_as_the_loop_does()
    assert preview.site is not None and preview._built is preview.site  # no full build was published...
    assert preview.channel.current()[1].build == built
    assert preview._dirty and faq in preview._pending  # ...the loop comes back at once with both edits
    preview.pipeline.model = model  # type: ignore[method-assign]
    rebuild_as_the_loop_does()
    assert "services0." in (out / "faq" / "index.html").read_text(encoding="utf-8")
    assert not preview._dirty and preview.channel.current()[1].build != built
    built = preview.channel.current()[1].build
    preview.pipeline.model = edited_meanwhile  # type: ignore[method-assign]
    preview.changed({faq})
    for _ in range(5):  # an edit during every rebuild: after a few gave way, one runs to its end
        rebuild_as_the_loop_does()
    assert preview.channel.current()[1].build != built
    preview.stop()
