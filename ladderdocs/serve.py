"""`ladderdocs serve`: a live preview that is never stale, never stuck and shows errors in the page.

Three threads share one `Preview`: the watcher reports changed files, the rebuild loop turns
them into an updated site on disk (rebuild.py), and the HTTP server hands the files out and
tells every open page, over a Server-Sent-Events channel, when to reload or which problems to
show. The script that listens is an external file injected into served HTML only; `build`
output never contains it.

Why not livereload (2.7.1): it injects an inline <script> (breaks a strict CSP), accepts any
Host header and a WebSocket from any Origin (DNS rebinding), polls every 800 ms and ignores a
change that comes within 3 s of the last reload (a second quick save never reaches the page).
"""

from __future__ import annotations

import html
import json
import mimetypes
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
import webbrowser
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import unquote

from ladderdocs.errors import ContentError, Problem
from ladderdocs.rebuild import Rebuilt, Site, SiteBuilder
from ladderdocs.theme import theme_layers
from ladderdocs.watch import Watcher
from ladderdocs.write import update_site, write_site

PREFIX = "/__ladderdocs__/"
EVENTS = PREFIX + "events"
ASSETS = {"reload.js": "text/javascript; charset=utf-8", "overlay.css": "text/css; charset=utf-8"}
ASSET_DIR = Path(__file__).resolve().parent / "preview"
KEEPALIVE_S = 15.0
TEXTUAL = {"application/javascript", "application/json", "application/xml", "image/svg+xml"}
# The policy the product promises pages work under; serving with it shows a theme's slip at once.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
NO_BUILD_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>ladderdocs preview: no build yet</title>
<link rel="stylesheet" href="/__ladderdocs__/overlay.css"></head>
<body class="ladderdocs-no-build"><main><h1>No build yet</h1>
<p>The handbook has problems, listed below. This page reloads by itself once they are fixed.</p></main></body>
</html>
"""


@dataclass(frozen=True)
class Status:
    """What every open page is told: which build is on disk, and what is wrong with the content."""

    build: str                 # changes whenever the files on disk do; "" while there is no good build
    problems: tuple[str, ...]  # file:line messages; empty when the last rebuild succeeded
    base_path: str             # the sub-path the site is served under, e.g. '/handbook/'

    def message(self) -> bytes:
        data = json.dumps({"build": self.build, "problems": list(self.problems)}, sort_keys=True)
        return f"event: status\ndata: {data}\n\n".encode("utf-8")


class Channel:
    """The latest Status, and a way for each open page's connection to wait for the next one."""

    def __init__(self, status: Status):
        self._changed = threading.Condition()
        self._status = status
        self._version = 0
        self._closed = False

    def publish(self, status: Status) -> None:
        with self._changed:
            if status != self._status:
                self._status, self._version = status, self._version + 1
                self._changed.notify_all()

    def current(self) -> tuple[int, Status]:
        with self._changed:
            return self._version, self._status

    def wait_after(self, version: int, timeout: float) -> tuple[int, Status] | None:
        """The status once it is newer than `version`; None on timeout or when closing."""
        with self._changed:
            self._changed.wait_for(lambda: self._version != version or self._closed, timeout)
            if self._closed or self._version == version:
                return None
            return self._version, self._status

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()


class Preview:
    """The served site: rebuilt on every burst of changes, and the status that goes with it."""

    def __init__(self, content: Path, out_dir: Path, audience: str, strict: bool):
        self.content = content.resolve()  # the watcher reports resolved paths; caches key on them
        self.out_dir = out_dir.resolve()
        self.builder = SiteBuilder(self.content, audience, strict)
        self.site: Site | None = None
        self.channel = Channel(Status("", (), "/"))
        self._session = secrets.token_hex(4)  # a restarted server's pages reload too
        self._builds = 0
        self._pending: set[Path] = set()
        self._dirty = False
        self._stopping = False
        self._wake = threading.Condition()
        self._warnings: list[Problem] = []
        self.on_rebuilt: Callable[[], None] = lambda: None  # serve() follows a new theme folder here

    # -- the rebuild loop ------------------------------------------------------------------
    def changed(self, paths: set[Path]) -> None:
        """Called by the watcher: rebuild soon; a change during a rebuild brings another."""
        with self._wake:
            self._pending |= paths
            self._dirty = True
            self._wake.notify()

    def run(self) -> None:
        self.index()  # of the first build, which was written without it
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._dirty or self._stopping)
                if self._stopping:
                    return
                paths, self._pending, self._dirty = self._pending, set(), False
            self.rebuild(paths)
            self.on_rebuilt()
            if not self._dirty:  # an edit that came meanwhile goes first: its page before any index
                self.index()

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        self.channel.close()

    def rebuild(self, paths: Iterable[Path] = ()) -> None:
        """Build again and publish the outcome; never raises, whatever the content holds."""
        started = time.perf_counter()
        self.builder.memo.forget(paths)
        _, before = self.channel.current()
        quick_ms = None
        try:
            if not before.problems and self._write_ahead(paths):
                quick_ms = (time.perf_counter() - started) * 1000
                _, before = self.channel.current()  # the full rebuild reloads again only if more changed
            rebuilt = self._build_retrying()
            files = rebuilt.site.files
            if self.site is None:
                write_site(files, self.out_dir)
                touched = len(files)
            else:
                written = update_site(files, self.out_dir, self.site.files)
                touched = len(written) + len(self.site.files.keys() - files.keys())
        except ContentError as err:
            self._fail([str(p) for p in err.problems])
            return
        except Exception as err:  # our bug, or the disk: report it in the page and keep serving
            traceback.print_exc()
            self._fail([f"ladderdocs could not rebuild the site: {type(err).__name__}: {err} "
                        "(the traceback is in the terminal)"])
            return
        first, self.site = self.site is None, rebuilt.site
        self._print_warnings(rebuilt.site.warnings)
        build = before.build
        if touched or before.problems or not build:  # leaving an error reloads too
            self._builds += 1
            build = f"{self._session}-{self._builds}"
        self.channel.publish(Status(build, (), rebuilt.site.handbook.settings.base_path))
        if touched or before.problems or quick_ms is not None:
            ahead = f" (the edited page was on disk after {quick_ms:.0f} ms)" if quick_ms is not None else ""
            print(f"{'built' if first else 'rebuilt'}: {len(rebuilt.rendered)} pages rendered, {touched} files "
                  f"written in {(time.perf_counter() - started) * 1000:.0f} ms{ahead}", flush=True)

    def _write_ahead(self, paths: Iterable[Path]) -> bool:
        """Write the pages of a body-only prose edit (SiteBuilder.quick_pages) and reload
        the open pages, before the full rebuild; whether anything was written."""
        if self.site is None:
            return False
        quick = self.builder.quick_pages(self.site, paths)
        previous = {rel: self.site.files[rel] for rel in quick if rel in self.site.files}
        if not quick or not update_site(quick, self.out_dir, previous):  # writes these, deletes none
            return False
        self.site = replace(self.site, files={**self.site.files, **quick})
        self._builds += 1
        _, status = self.channel.current()
        self.channel.publish(replace(status, build=f"{self._session}-{self._builds}"))
        return True

    def index(self) -> None:
        """The search index of the last good site, written after its pages: it changes no page,
        so no reload waits for it, and on a large handbook it takes longer than they do."""
        site = self.site
        if site is None or site.indexed:
            return
        started = time.perf_counter()
        try:
            indexed = self.builder.indexed(site)
            written = update_site(indexed.files, self.out_dir, site.files)
        except Exception as err:  # our bug, or the disk
            traceback.print_exc()
            self._fail([f"ladderdocs could not write the search index: {type(err).__name__}: {err} "
                        "(the traceback is in the terminal)"])
            return
        self.site = indexed
        if written:
            print(f"search index updated in {(time.perf_counter() - started) * 1000:.0f} ms", flush=True)

    def _build_retrying(self) -> Rebuilt:
        """A file may vanish for a moment while an editor saves it: try again before complaining."""
        for attempt in range(3):
            try:
                return self.builder.pages(self.site)
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


# -- HTTP ------------------------------------------------------------------------------------
class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], preview: Preview, host: str):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, PreviewHandler)
        self.preview = preview
        port = self.server_address[1]
        names = {"127.0.0.1", "localhost", "[::1]", url_host(host).lower()}
        self.allowed_hosts = {f"{name}:{port}" for name in names} | (names if port == 80 else set())
        self.allowed_origins = {f"http://{h}" for h in self.allowed_hosts}


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "ladderdocs-serve"
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the terminal is for rebuilds
        pass

    def _respond(self, head: bool) -> None:
        host = (self.headers.get("Host") or "").lower()
        origin = self.headers.get("Origin")
        if host not in self.server.allowed_hosts or (origin is not None and origin.lower() not in self.server.allowed_origins):
            return self._send_text(403, "Forbidden: this preview answers only requests addressed to it "
                                        "(Host and Origin of 127.0.0.1, localhost or --host).", head)
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        rel = unquote(path)
        if not is_safe_path(rel):
            return self._send_text(403, "Forbidden: that path leaves the site.", head)
        if path == EVENTS:
            return self._send(200, "text/event-stream", b"", head=True) if head else self._events()
        if path.startswith(PREFIX) and path[len(PREFIX):] in ASSETS:
            name = path[len(PREFIX):]
            return self._send(200, ASSETS[name], (ASSET_DIR / name).read_bytes(), head)
        status = self.server.preview.channel.current()[1]
        base = status.base_path
        if not rel.startswith(base) or (path == "/favicon.ico" and base == "/"):
            if path == "/":
                return self._redirect(base)
            if path == "/favicon.ico" and not (self.server.preview.out_dir / "favicon.ico").is_file():
                return self._send(204, "image/x-icon", b"", head)  # the browser asks; none is no error
            return self._send_text(404, f"Not found. The handbook is served at {base}", head)
        if not status.build:
            return self._send(503, "text/html; charset=utf-8", inject(NO_BUILD_PAGE.encode(), ""), head)
        self._serve_file(rel[len(base):], path, status.build, head)

    def _serve_file(self, rel: str, path: str, build: str, head: bool) -> None:
        root = self.server.preview.out_dir
        target = site_file(root, rel)
        if target is None:
            return self._send_text(403, "Forbidden: that path leaves the site.", head)
        if target.is_dir():
            if not path.endswith("/"):
                return self._redirect(path + "/")
            target = target / "index.html"
        try:
            data = target.read_bytes()
            code = 200
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            try:
                data, code = (root / "404.html").read_bytes(), 404
                target = root / "404.html"
            except FileNotFoundError:
                return self._send_text(404, "Not found.", head)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = inject(data, build)
        if kind.startswith("text/") or kind in TEXTUAL:
            kind += "; charset=utf-8"
        self._send(code, kind, data, head)

    def _events(self) -> None:
        """The reload channel: the current status at once, then every new one as it comes."""
        channel = self.server.preview.channel
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        version, status = channel.current()
        try:
            self.wfile.write(b"retry: 500\n\n" + status.message())
            self.wfile.flush()
            while not channel.closed:
                news = channel.wait_after(version, KEEPALIVE_S)
                if news is None:
                    self.wfile.write(b": still here\n\n")  # finds closed connections
                else:
                    version, status = news
                    self.wfile.write(status.message())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _send_text(self, code: int, text: str, head: bool) -> None:
        self._send(code, "text/plain; charset=utf-8", (text + "\n").encode("utf-8"), head)

    def _send(self, code: int, kind: str, data: bytes, head: bool) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", CSP)
        self.end_headers()
        if not head:
            self.wfile.write(data)


def is_safe_path(path: str) -> bool:
    """No '..' or '.' segment, backslash or NUL, whether written plainly or percent-encoded."""
    return not ({".", ".."} & set(path.split("/"))) and "\\" not in path and "\x00" not in path


def site_file(root: Path, rel: str) -> Path | None:
    """`root/rel`, or None when it would land outside `root` (also through a symlink)."""
    if rel.startswith("/") or not is_safe_path(rel):
        return None
    base = root.resolve()
    target = (base / rel).resolve()
    return target if target == base or target.is_relative_to(base) else None


def inject(page: bytes, build: str) -> bytes:
    """Add the reload script (an external file, so a strict CSP allows it) before </head>."""
    tag = (f'<script src="{PREFIX}reload.js" data-build="{html.escape(build)}" defer></script>\n').encode()
    at = page.lower().find(b"</head>")
    return page[:at] + tag + page[at:] if at >= 0 else tag + page


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


# -- the command -----------------------------------------------------------------------------
def serve(content: Path, out: Path | None, audience: str, strict: bool, host: str, port: int,
          open_browser: bool) -> int:
    """Build, serve and watch until interrupted; returns the exit code."""
    content = content.resolve()
    scratch = Path(tempfile.mkdtemp(prefix="ladderdocs-serve-")) if out is None else None
    out_dir = (scratch / "site") if scratch else out.resolve()  # type: ignore[union-attr]
    if content.is_relative_to(out_dir):
        print(f"ladderdocs: the output folder {out_dir} holds the content; expected a separate folder",
              file=sys.stderr)
        return 1
    preview = Preview(content, out_dir, audience, strict)
    print(f"building {content} ...", flush=True)
    preview.rebuild()
    try:
        server = PreviewServer((host.strip("[]"), port), preview, host)
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
        server.server_close()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


def _exit_on_signal(signum: int, frame: Any) -> None:
    raise SystemExit(0)
