"""What a web host needs beside the pages: sitemap.xml, robots.txt, CNAME, .nojekyll.

Everything here is a pure function of the model and the rendered files, so two builds stay
byte-identical. (The 404 page GitHub Pages serves is a page type: pages/not_found.py.)
"""

from __future__ import annotations

import re
from html import escape  # as xml.sax.saxutils' does (& < >), without importing urllib.request

from ladderdocs.errors import Problem
from ladderdocs.model.entities import Handbook

HOST_FILES = (".nojekyll", "CNAME", "sitemap.xml", "robots.txt")
DOMAIN = re.compile(r"[a-z0-9.-]+")  # as the content schema has it for `cname:`
ASSET_CNAME = "assets/CNAME"


def host_files(handbook: Handbook, crawled: list[str], cname_asset: bytes | None,
               file_mode: bool = False) -> tuple[dict[str, bytes], list[Problem]]:
    """The host's files, for a site whose pages for search engines are `crawled`; problems
    with the CNAME (from handbook.yml, or `cname_asset`, the bytes of assets/CNAME)."""
    site = {".nojekyll": b""}  # GitHub Pages would otherwise run Jekyll and drop folders starting with '_'
    cname, problems = _cname(handbook, cname_asset)
    if cname:
        site["CNAME"] = cname.encode("ascii") + b"\n"
    sitemap = None if file_mode else sitemap_xml(handbook, crawled)
    if sitemap is not None:
        site["sitemap.xml"] = sitemap
    site["robots.txt"] = robots_txt(handbook, has_sitemap=sitemap is not None)
    return site, problems


def sitemap_xml(handbook: Handbook, crawled: list[str]) -> bytes | None:
    """Absolute URLs of every page of a public build (sorted, the home page first); none for
    an internal one (it is not crawled)."""
    base = handbook.settings.site_address
    if base is None or handbook.internal:
        return None
    addresses = sorted(path.removesuffix("index.html") for path in crawled)
    urls = "".join(f"  <url><loc>{escape(base + path, quote=False)}</loc></url>\n" for path in addresses)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n").encode("utf-8")


def robots_txt(handbook: Handbook, has_sitemap: bool) -> bytes:
    """An internal build asks every crawler to stay out; a public one points at its sitemap."""
    if handbook.internal:
        return b"# Internal build of the handbook: not for search engines.\nUser-agent: *\nDisallow: /\n"
    lines = ["User-agent: *", "Allow: /"]
    if has_sitemap:
        lines.append(f"Sitemap: {handbook.settings.site_address}sitemap.xml")
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
