"""`ladderdocs serve`: a live preview that is never stale, never stuck and shows errors in the page.

A loop around the one pipeline (site.py). Three threads share one `Preview`: the watcher
reports changed files, the rebuild loop runs the pipeline again (which reuses what the edit did
not change) and writes what differs, and the HTTP server (http.py) hands the files out and
tells every open page when to reload or which problems to show. The search index is made
in a forked process (indexer.py) that the next edit cancels.

Why not livereload (2.7.1): it injects an inline <script> (breaks a strict CSP), accepts any
Host header and a WebSocket from any Origin (DNS rebinding), polls every 800 ms and ignores a
change that comes within 3 s of the last reload (a second quick save never reaches the page).
"""

from __future__ import annotations

import gc
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
import webbrowser
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterable

from ladderdocs.errors import ContentError, Problem
from ladderdocs.outputs.search_index import INDEX_FILES
from ladderdocs.outputs.write import update_site, write_site
from ladderdocs.progress import Silent
from ladderdocs.render.themes import theme_layers
from ladderdocs.serve.ahead import level_pages
from ladderdocs.serve.http import Channel, PreviewServer, Status, url_host
from ladderdocs.serve.indexer import IndexJob, can_fork
from ladderdocs.serve.watch import Watcher
from ladderdocs.site import Options, Pipeline, Site, check_output_folder


INDEX_QUIET_S = 0.25  # after a rebuild, how long no edit comes before the search index is made
AHEAD_HEAD_START_S = 0.15  # after pages are written ahead, how long their reload has the cores to itself
MAX_CANCELS = 3  # full rebuilds dropped in a row for a newer edit: a stream of edits still gets whole builds


class _Superseded(Exception):
    """A newer edit came while the full rebuild ran: it starts again with both."""


class _UntilNextEdit(Silent):
    """Progress that stops a full rebuild at its next stage or page once another edit is waiting:
    that edit's page is written ahead at once instead of after the rebuild (a second save 300 ms
    after the first waited a whole rebuild), and the next rebuild covers both edits."""

    def __init__(self, preview: Preview):
        self.preview = preview

    def stage(self, name: str, total: int = 0, unit: str = "") -> None:
        self.advance()

    def advance(self, count: int = 1) -> None:
        if self.preview.superseded():
            raise _Superseded


class Preview:
    """The served site: rebuilt on every burst of changes, and the status that goes with it."""

    def __init__(self, content: Path, out_dir: Path, options: Options):
        self.content = content.resolve()  # the watcher reports resolved paths; caches key on them
        self.out_dir = out_dir.resolve()
        self.pipeline = Pipeline(self.content, options)
        self.site: Site | None = None
        self._built: Site | None = None  # the last full run's site (self.site may hold pages written ahead)
        self.on_disk: dict[str, bytes] = {}  # every file written, the search index included
        self.indexed = False  # whether the search index on disk is the current site's
        self.channel = Channel(Status("", (), "/"))
        self._session = secrets.token_hex(4)  # a restarted server's pages reload too
        self._builds = 0
        self._pending: set[Path] = set()
        self._dirty = False
        self._stopping = False
        self._wake = threading.Condition()
        self._warnings: list[Problem] = []
        self._disk = threading.RLock()  # the site on disk and what we know of it: rebuilds and the index writer
        self._indexing: IndexJob | None = None  # the search index being made of self.site, if any
        self._cancels = 0  # full rebuilds dropped in a row for a newer edit
        self.on_rebuilt: Callable[[], None] = lambda: None  # serve() follows a new theme folder here

    # -- the rebuild loop ------------------------------------------------------------------
    def changed(self, paths: set[Path]) -> None:
        """Called by the watcher: rebuild soon; a change during a rebuild brings another."""
        with self._wake:
            self._pending |= paths
            self._dirty = True
            self._wake.notify()

    def run(self) -> None:
        """The rebuild loop. The cycle collector is off from each edit until the loop is idle
        again: a rebuild makes few cycles, and each full collection it would set off walks every
        object of the site (70 ms at 2,000 pages, about once a rebuild) while the edit, then the
        page's reload, wait. The loop collects once nothing waits, before the index is forked."""
        try:
            self._collect()
            self.index()  # of the first build, which was written without it
            while True:
                with self._wake:
                    self._wake.wait_for(lambda: self._dirty or self._stopping)
                    if self._stopping:
                        return
                    paths, self._pending, self._dirty = self._pending, set(), False
                gc.disable()
                self.rebuild(paths)
                self.on_rebuilt()
                with self._wake:  # the open pages fetch the rebuilt ones before a process competes for the cores
                    self._wake.wait_for(lambda: self._dirty or self._stopping, INDEX_QUIET_S)
                if not self._dirty:  # an edit that came meanwhile goes first: its page before any index
                    self._collect()
                    self.index()
        finally:
            gc.enable()

    @staticmethod
    def _collect() -> None:
        gc.collect()
        gc.enable()

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        with self._disk:
            self._cancel_index()
        self.channel.close()

    def rebuild(self, paths: Iterable[Path] = ()) -> None:
        """Run the pipeline again and publish the outcome; never raises, whatever the content holds.
        A search index still being made is of the last site: it is dropped."""
        with self._disk:
            self._cancel_index()
            if not self._stopping:  # stop() may have come while this waited for the disk
                self._rebuild(paths)

    def _rebuild(self, paths: Iterable[Path]) -> None:
        started = time.perf_counter()
        paths = set(paths)
        read = {path for path in paths if not unread(self.content, self.site, path)}
        if paths and not read:  # an editor's temporary file came (and went): nothing the site is made of
            return
        # The watcher reports every change: the files it names are all that need reading again.
        # An empty report (a watch (re)started, or a rebuild asked for) checks every file, and so
        # does one that names a folder or a file gone: a folder renamed over the handbook's, or
        # moved inside it, changes files the report does not name.
        trusted = self.site is not None and all(path.is_file() for path in paths)
        self.pipeline.parsed.forget(paths, only_these=trusted)
        _, before = self.channel.current()
        quick_ms = None
        try:
            if not before.problems and self._write_ahead(read):
                quick_ms = (time.perf_counter() - started) * 1000
                _, before = self.channel.current()  # the full rebuild reloads again only if more changed
                with self._wake:  # the open pages fetch what was written ahead before the full rebuild takes the cores
                    self._wake.wait_for(lambda: self._dirty or self._stopping, AHEAD_HEAD_START_S)
            site = self.pipeline.in_memory(self._run_retrying())  # the pages kept from the cache read once
            self._cancels = 0
            last_index = {name: self.on_disk[name] for name in INDEX_FILES if name in self.on_disk}
            files = {**site.files, **last_index}  # it stays until index() makes the new one
            if self.site is None:
                write_site(files, self.out_dir)
                touched = len(files)
            else:
                written = update_site(files, self.out_dir, self.on_disk)
                touched = len(written) + len(self.on_disk.keys() - files.keys())
        except _Superseded:  # the loop comes back at once with these paths and the newer ones
            self._cancels += 1
            with self._wake:
                self._pending |= paths
            return
        except ContentError as err:
            self._fail([str(p) for p in err.problems])
            return
        except Exception as err:  # our bug, or the disk: report it in the page and keep serving
            traceback.print_exc()
            self._fail([f"ladderdocs could not rebuild the site: {type(err).__name__}: {err} "
                        "(the traceback is in the terminal)"])
            return
        first = self.site is None
        self.site, self.on_disk, self.indexed, self._built = site, files, False, site
        self._print_warnings(site.warnings)
        build = before.build
        if touched or before.problems or not build:  # leaving an error reloads too
            self._builds += 1
            build = f"{self._session}-{self._builds}"
        self.channel.publish(Status(build, (), site.handbook.settings.base_path))
        if touched or before.problems or quick_ms is not None:
            ahead = f" (the edited page was on disk after {quick_ms:.0f} ms)" if quick_ms is not None else ""
            rendered, files = len(site.rendered), f"{touched} file{'s' if touched != 1 else ''}"
            print(f"{'built' if first else 'rebuilt'}: {rendered} page{'s' if rendered != 1 else ''} rendered, "
                  f"{files} written in {(time.perf_counter() - started) * 1000:.0f} ms{ahead}", flush=True)

    def save_cache(self) -> None:
        """Keep the last full build in the build cache (with its search index when that is
        written), so that the next serve or build starts from it."""
        with self._disk:
            site = self._built
            if site is None:
                return
            index = ({name: self.on_disk[name] for name in INDEX_FILES}
                     if self.indexed and self.site is site else None)
            self.pipeline.remember(site, index)

    def _write_ahead(self, paths: Iterable[Path]) -> bool:
        """Write the pages of a body-only prose edit (Pipeline.quick_pages) or of the levels whose
        words alone changed (ahead.py) and reload the open pages, before the full rebuild;
        whether anything was written."""
        if self.site is None:
            return False
        paths = list(paths)
        quick = self.pipeline.quick_pages(self.site, paths) or level_pages(self.pipeline, self.site, paths)
        if not quick or not update_site(quick, self.out_dir, {rel: self.on_disk[rel] for rel in quick
                                                              if rel in self.on_disk}):  # writes these, deletes none
            return False
        self.site = replace(self.site, files={**self.site.files, **quick})
        self.on_disk = {**self.on_disk, **quick}
        self._builds += 1
        _, status = self.channel.current()
        self.channel.publish(replace(status, build=f"{self._session}-{self._builds}"))
        return True

    def index(self) -> None:
        """Make the search index of the last good site and write it after its pages: it changes
        no page, so no reload waits for it. Where it can, in a forked process (indexer.py), so
        the next edit does not wait either; the next rebuild cancels it."""
        with self._disk:
            site = self.site
            if self._stopping or site is None or self.indexed or (
                    self._indexing is not None and self._indexing.site is site):
                return  # once stopping, no index may start: it would write into a removed folder
            self._cancel_index()
            if can_fork():
                self._indexing = IndexJob(self.pipeline, site, self._indexed)
            else:
                self._write_index(site, None, time.perf_counter())

    def wait_for_index(self, timeout: float | None = None) -> None:
        """Until the search index being made is written (or dropped)."""
        job = self._indexing
        if job is not None:
            job.join(timeout)

    def _indexed(self, job: IndexJob, files: dict[str, bytes] | None) -> None:
        """From the job's thread: write its index if its site is still the one on disk."""
        with self._disk:
            if job is self._indexing and job.site is self.site and not self._stopping:
                self._write_index(job.site, files, job.started)

    def _cancel_index(self) -> None:
        if self._indexing is not None:
            self._indexing.cancel()
            self._indexing = None

    def _write_index(self, site: Site, index: dict[str, bytes] | None, started: float) -> None:
        """Write `index` (made here when None: the child failed, and the error is told here)."""
        try:
            files = {**site.files, **(self.pipeline.cached_search_index(site) if index is None else index)}
            written = update_site(files, self.out_dir, self.on_disk)
        except Exception as err:  # our bug, or the disk
            traceback.print_exc()
            self._fail([f"ladderdocs could not write the search index: {type(err).__name__}: {err} "
                        "(the traceback is in the terminal)"])
            return
        self.on_disk, self.indexed = files, True
        if written:
            print(f"search index updated in {(time.perf_counter() - started) * 1000:.0f} ms", flush=True)

    def superseded(self) -> bool:
        """Whether the running full rebuild should give way to an edit waiting behind it."""
        return self._dirty and self._cancels < MAX_CANCELS and self.site is not None and not self._stopping

    def _run_retrying(self) -> Site:
        """A file may vanish for a moment while an editor saves it: try again before complaining."""
        for attempt in range(3):
            try:
                return self.pipeline.run(self.site, _UntilNextEdit(self))
            except FileNotFoundError:
                if attempt == 2:
                    raise
                time.sleep(0.05)
        raise AssertionError("unreachable")

    def _fail(self, problems: list[str]) -> None:
        _, before = self.channel.current()
        self.channel.publish(replace(before, problems=tuple(problems)))
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}; "
              f"{'still serving the last good build' if self.site else 'nothing to serve yet'}:",
              file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        sys.stderr.flush()

    def _print_warnings(self, warnings: list[Problem]) -> None:
        if warnings != self._warnings:
            for warning in warnings:
                print(warning, file=sys.stderr)
        self._warnings = warnings

    def watched_folders(self) -> list[Path]:
        """The handbook and every theme layer (the handbook's own theme can change)."""
        theme = self.site.handbook.settings.theme if self.site else None
        return [self.content, *(layer.resolve() for layer in theme_layers(theme))]

    def ignored(self, path: Path) -> bool:
        """Our own output, when it sits inside the handbook folder, is not an edit."""
        out = self.out_dir
        if not path.is_relative_to(out.parent) or path == out.parent:
            return False
        top = path.relative_to(out.parent).parts[0]  # the site, or write_site's .site.new-* / .site.old-*
        return top == out.name or top.startswith(f".{out.name}.")


def unread(content: Path, last: Site | None, path: Path) -> bool:
    """Whether the pipeline never reads `path`: in pages/, a hidden file or folder, or a file
    that is no Markdown page, such as the temporary file an editor saves to before renaming
    it over the page (`faq.md.tmp123`, vim's `4913`). Such a path in a burst of changes must
    not keep the page's edit from the fast path; alone, it needs no rebuild at all."""
    pages = content / "pages"
    if last is None or not path.is_relative_to(pages) or path == pages:
        return False
    rel = path.relative_to(pages)
    if any(part.startswith(".") for part in rel.parts):
        return True  # markdown_files() skips these
    if path.suffix == ".md" or path.is_dir():
        return False
    prefix = rel.as_posix() + "/"
    return not any(page.rel.startswith(prefix) for page in last.handbook.pages)  # not a folder that went


def serve(content: Path, out: Path | None, options: Options, host: str, port: int, open_browser: bool) -> int:
    """Build, serve and watch until interrupted; returns the exit code."""
    content = content.resolve()
    scratch = Path(tempfile.mkdtemp(prefix="ladderdocs-serve-")) if out is None else None
    out_dir = (scratch / "site") if scratch else out.resolve()  # type: ignore[union-attr]
    try:
        check_output_folder(out_dir, content, None, options.force)
    except ContentError as err:
        print("\n".join(str(p) for p in err.problems), file=sys.stderr)
        return 1
    preview = Preview(content, out_dir, options)
    print(f"building {content} ...", flush=True)
    preview.rebuild()
    try:
        server = PreviewServer((host.strip("[]"), port), preview.channel, preview.out_dir, host)
    except OSError as err:
        print(f"ladderdocs: cannot listen on {url_host(host)}:{port} ({err.strerror}); "
              f"expected a free port, try --port", file=sys.stderr)
        return 1
    watcher = Watcher(preview.changed, preview.ignored)
    rebuilds = threading.Thread(target=preview.run, name="ladderdocs-rebuild", daemon=True)
    previous_term = signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        preview.on_rebuilt = lambda: watcher.watch(preview.watched_folders())
        rebuilds.start()
        watcher.start(preview.watched_folders())
        url = f"http://{url_host(host)}:{server.server_address[1]}{preview.channel.current()[1].base_path}"
        print(f"serving {url} (Ctrl+C to stop)", flush=True)
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        server.serve_forever(poll_interval=0.2)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        preview.stop()
        watcher.stop()
        preview.save_cache()
        server.server_close()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


def _exit_on_signal(signum: int, frame: Any) -> None:
    raise SystemExit(0)
