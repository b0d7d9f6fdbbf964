"""Relative links between output pages, so one build works at '/', a sub-path or file://."""

from __future__ import annotations

from posixpath import normpath
from urllib.parse import quote


def relative_url(from_dir: str, target: str, file_mode: bool = False) -> str:
    """Link from the page at `from_dir` ('levels/x/') to `target` ('tracks/ic/#levels').

    Directory targets end in '/'; in file mode they get 'index.html' so a browser
    opening the site from disk finds the file.
    """
    path, hash_, fragment = target.partition("#")
    if file_mode and (path == "" or path.endswith("/")):
        path += "index.html"
    up = "../" * from_dir.count("/")
    url = up + quote(path, safe="/~!$&'()*+,;=:@")  # a page named 'über uns.md' links as '%C3%BCber%20uns/'
    if url == "":
        url = "./"
    return url + (hash_ + fragment if hash_ else "")


def join_page_path(page_dir: str, link: str) -> str:
    """Resolve a link written in a page under pages/ ('../faq.md') to a pages/ path."""
    return normpath(f"{page_dir}/{link}" if page_dir else link).lstrip("/")
