"""The preview's HTTP side: files of the site, the reload channel, and who may ask.

Every open page listens on a Server-Sent-Events channel (`Channel`) for the status of the
site: a new build to reload to, or the problems to show in the page. The script that listens
is an external file injected into served HTML only; `build` output never contains it.
Requests are answered only when addressed to this preview (Host and Origin), never with a
file outside the site, and always under the strict Content-Security-Policy pages are made for.
"""

from __future__ import annotations

import html
import json
import mimetypes
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

PREFIX = "/__ladderdocs__/"
EVENTS = PREFIX + "events"
ASSETS = {"reload.js": "text/javascript; charset=utf-8", "overlay.css": "text/css; charset=utf-8"}
ASSET_DIR = Path(__file__).resolve().parent / "assets"
KEEPALIVE_S = 15.0
IDLE_S = 10.0          # a connection that sends no request for this long is closed
MAX_CONNECTIONS = 64   # open pages hold one each (the reload channel)
MAX_URL = 4096         # longer request targets are answered 414
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


class PreviewServer(ThreadingHTTPServer):
    """A thread per connection, at most MAX_CONNECTIONS at once: a connection beyond them is
    closed at once, so idle sockets cannot pile up threads."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], channel: Channel, out_dir: Path, host: str):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, PreviewHandler)
        self.channel = channel
        self.out_dir = out_dir
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        port = self.server_address[1]
        names = {"127.0.0.1", "localhost", "[::1]", url_host(host).lower()}
        self.allowed_hosts = {f"{name}:{port}" for name in names} | (names if port == 80 else set())
        self.allowed_origins = {f"http://{h}" for h in self.allowed_hosts}

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    timeout = IDLE_S  # a connection that sends nothing for this long is closed
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
        if len(self.path) > MAX_URL:
            return self._send_text(414, f"URI Too Long: at most {MAX_URL} characters.", head)
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        rel = unquote(path)
        if not is_safe_path(rel):
            return self._send_text(403, "Forbidden: that path leaves the site.", head)
        if path == EVENTS:
            return self._send(200, "text/event-stream", b"", head=True) if head else self._events()
        if path.startswith(PREFIX) and path[len(PREFIX):] in ASSETS:
            name = path[len(PREFIX):]
            return self._send(200, ASSETS[name], (ASSET_DIR / name).read_bytes(), head)
        status = self.server.channel.current()[1]
        base = status.base_path
        if not rel.startswith(base) or (path == "/favicon.ico" and base == "/"):
            if path == "/":
                return self._redirect(base)
            if path == "/favicon.ico" and not (self.server.out_dir / "favicon.ico").is_file():
                return self._send(204, "image/x-icon", b"", head)  # the browser asks; none is no error
            return self._send_text(404, f"Not found. The handbook is served at {base}", head)
        if not status.build:
            return self._send(503, "text/html; charset=utf-8", inject(NO_BUILD_PAGE.encode(), ""), head)
        self._serve_file(rel[len(base):], path, status.build, head)

    def _serve_file(self, rel: str, path: str, build: str, head: bool) -> None:
        root = self.server.out_dir
        target = site_file(root, rel)
        if target is None:
            return self._send_text(403, "Forbidden: that path leaves the site.", head)
        if target.is_dir():
            if not path.endswith("/"):
                return self._redirect(path + "/")
            target = site_file(root, f"{rel.rstrip('/')}/index.html" if rel.strip("/") else "index.html")
            if target is None:  # an index.html that is a link out of the site
                return self._send_text(403, "Forbidden: that path leaves the site.", head)
        try:
            data = target.read_bytes()
            code = 200
        except OSError:  # missing, a folder, or a name no file system takes
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
        channel = self.server.channel
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
    try:
        target = (base / rel).resolve()
    except (OSError, RuntimeError):  # a name too long for the file system, a link loop
        return None
    return target if target == base or target.is_relative_to(base) else None


def inject(page: bytes, build: str) -> bytes:
    """Add the reload script (an external file, so a strict CSP allows it) before </head>."""
    tag = (f'<script src="{PREFIX}reload.js" data-build="{html.escape(build)}" defer></script>\n').encode()
    at = page.lower().find(b"</head>")
    return page[:at] + tag + page[at:] if at >= 0 else tag + page


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


