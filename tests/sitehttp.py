"""A static host like GitHub Pages for tests: a site served under a sub-path on 127.0.0.1,
404.html for every missing address, and optional extra headers (a Content-Security-Policy)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import posixpath
import socket
import threading
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Maps `prefix` to the site folder; anything else, or anything missing, gets 404.html."""

    prefix = "/"
    headers_to_add: dict[str, str] = {}

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def end_headers(self) -> None:
        for name, value in self.headers_to_add.items():
            self.send_header(name, value)
        super().end_headers()

    def translate_path(self, path: str) -> str:
        path = unquote(urlsplit(path).path)
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / ".outside-the-site")
        rel = posixpath.normpath(path[len(self.prefix):] or ".")
        if rel.startswith(".."):
            return str(Path(self.directory) / ".outside-the-site")
        result = Path(self.directory) / rel
        return str(result) + ("/" if path.endswith("/") else "")

    def send_head(self):  # type: ignore[no-untyped-def]
        target = Path(self.translate_path(self.path))
        exists = target.is_file() or (target.is_dir() and (target / "index.html").is_file())
        if not exists:
            page = Path(self.directory) / "404.html"
            body = page.read_bytes() if page.is_file() else b"not found"
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return _Body(body)
        return super().send_head()


class _Body:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *args: object) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path, prefix: str = "/", port: int | None = None,
          headers: dict[str, str] | None = None) -> Iterator[str]:
    """Serve `site` at http://127.0.0.1:port{prefix}; yields that address."""
    handler = type("Handler", (SiteHandler,), {"prefix": prefix, "headers_to_add": headers or {}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port or 0),
                                             functools.partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()

