"""What a web host needs beside the pages: 404.html, sitemap.xml, robots.txt, CNAME, .nojekyll.

GitHub Pages serves 404.html for every missing path, at any depth, so that one page links
from the site root (settings.base_path) instead of relatively. Everything here is a pure
function of the model and the rendered files, so two builds stay byte-identical.
"""

from __future__ import annotations

import re
from typing import Iterator
from xml.sax.saxutils import escape

from ladderdocs.errors import Problem
from ladderdocs.export import export_files
from ladderdocs.jobs import PageJob
from ladderdocs.model import Handbook

NOT_FOUND = "404.html"
DOMAIN = re.compile(r"[a-z0-9.-]+")  # as the content schema has it for `cname:`
ASSET_CNAME = "assets/CNAME"


def not_found_page(handbook: Handbook) -> Iterator[PageJob]:
    """The 404 page; `url_root` makes its links absolute from the sub-path the site is served at."""
    yield PageJob(NOT_FOUND, "404.html", {"url_root": handbook.settings.base_path}, frozenset())


def finish_site(handbook: Handbook, files: dict[str, bytes],
                file_mode: bool = False) -> tuple[dict[str, bytes], list[Problem]]:
    """The rendered files plus the host's files and the data exports; problems with the CNAME."""
    site = dict(files)
    site[".nojekyll"] = b""  # GitHub Pages would otherwise run Jekyll and drop folders starting with '_'
    cname, problems = _cname(handbook, site.pop(ASSET_CNAME, None))
    if cname:
        site["CNAME"] = cname.encode("ascii") + b"\n"
    site.update(export_files(handbook))
    sitemap = None if file_mode else sitemap_xml(handbook, site)
    if sitemap is not None:
        site["sitemap.xml"] = sitemap
    site["robots.txt"] = robots_txt(handbook, has_sitemap=sitemap is not None)
    return site, problems


def absolute_base(handbook: Handbook) -> str | None:
    """'https://org.github.io/handbook/', or None when the handbook does not say where it lives."""
    base = handbook.settings.base_url
    return base.rstrip("/") + "/" if base.startswith(("http://", "https://")) else None


def indexed_pages(files: dict[str, bytes]) -> list[str]:
    """Site paths of the pages a search engine should know: not the 404 page, not the widgets."""
    pages = []
    for path in sorted(files):
        if not path.endswith(".html") or path == NOT_FOUND or path.startswith("embed/"):
            continue
        pages.append(path.removesuffix("index.html"))
    return sorted(pages)  # by address: the home page first


def sitemap_xml(handbook: Handbook, files: dict[str, bytes]) -> bytes | None:
    """Absolute URLs of every page of a public build; none for an internal one (it is not crawled)."""
    base = absolute_base(handbook)
    if base is None or handbook.internal:
        return None
    urls = "".join(f"  <url><loc>{escape(base + path)}</loc></url>\n" for path in indexed_pages(files))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n").encode("utf-8")


def robots_txt(handbook: Handbook, has_sitemap: bool) -> bytes:
    """An internal build asks every crawler to stay out; a public one points at its sitemap."""
    if handbook.internal:
        return b"# Internal build of the handbook: not for search engines.\nUser-agent: *\nDisallow: /\n"
    lines = ["User-agent: *", "Allow: /"]
    if has_sitemap:
        lines.append(f"Sitemap: {absolute_base(handbook)}sitemap.xml")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _cname(handbook: Handbook, asset: bytes | None) -> tuple[str | None, list[Problem]]:
    """The custom domain from handbook.yml or assets/CNAME; they must agree when both are given."""
    from_asset = asset.decode("utf-8", "replace").strip() if asset is not None else None
    setting = handbook.settings.cname
    if setting and from_asset and setting != from_asset:
        where = str(handbook.root / "assets" / "CNAME")
        return setting, [Problem(where, 1, 1, f"assets/CNAME says '{from_asset}' but handbook.yml has cname: "
                                              f"'{setting}'; expected one custom domain (keep only one of them)")]
    if from_asset is not None and not DOMAIN.fullmatch(from_asset):
        return setting, [Problem(str(handbook.root / "assets" / "CNAME"), 1, 1,
                                 f"assets/CNAME holds '{from_asset[:60]}'; expected one custom domain on one "
                                 "line, e.g. handbook.example.org")]
    return setting or from_asset, []
