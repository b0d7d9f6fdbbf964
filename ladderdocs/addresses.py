"""Every address of the site and every anchor in a page, named once, and the relative links
between them that let one build work at '/', at a sub-path or from file://.

Ids become addresses (`levels/<id>/`) and prose files too (`faq.md` -> `faq/`); templates,
the search index and the links between pages all take them from here.
"""

from __future__ import annotations

from posixpath import normpath
from urllib.parse import quote


def level_url(level_id: str) -> str:
    return f"levels/{level_id}/"


def track_url(track_id: str) -> str:
    return f"tracks/{track_id}/"


def competency_url(competency_id: str) -> str:
    return f"competencies/{competency_id}/"


def pair_url(lower_id: str, upper_id: str) -> str:
    """The page of what changes from one level to another."""
    return f"diff/{lower_id}--{upper_id}/"


def page_url(rel: str) -> str:
    """'index.md' -> '', 'faq.md' -> 'faq/', 'guides/index.md' -> 'guides/'.

    String operations, not PurePosixPath: every rebuild asks this a few times per page.
    """
    folder, _, name = rel.rpartition("/")
    dot = name.rfind(".")
    if 0 < dot < len(name) - 1:  # the suffix, as pathlib defines it
        name = name[:dot]
    path = folder if name in ("index", ".") else f"{folder}/{name}" if folder else name
    return f"{path}/" if path else ""


def listing_url(folder: str) -> str:
    """The "All pages" listing of a folder of pages/ ('' for pages/ itself)."""
    return f"pages/{folder}/" if folder else "pages/"


def edit_url(repo_url: str, edit_uri: str, rel: str) -> str:
    """Where a page's file is edited in its repository: repo_url/edit_uri/pages/<rel>."""
    parts = [repo_url.rstrip("/"), edit_uri.strip("/"), "pages", quote(rel)]
    return "/".join(part for part in parts if part)


def expectation_anchor(competency_id: str, n: int, key: str | None = None) -> str:
    """The id of the n-th (from 1) expectation of a competency on a level page. With a `key` the
    id comes from it, so a promotion case citing it keeps working when the wording changes;
    '--' cannot occur in an id, so a keyed anchor never meets a numbered one."""
    return f"e-{competency_id}--{key}" if key else f"e-{competency_id}-{n}"


def expectation_anchors(competency_id: str, keys: list[str | None]) -> list[str]:
    """The anchors of a competency's expectations on one level, in order; a key repeated on the
    level names only its first expectation, the others keep their number."""
    seen: set[str] = set()
    anchors = []
    for n, key in enumerate(keys, 1):
        anchors.append(expectation_anchor(competency_id, n, None if key in seen else key))
        if key:
            seen.add(key)
    return anchors


def competency_anchor(competency_id: str) -> str:
    """The id of a competency's section on a level or diff page."""
    return f"c-{competency_id}"


def relative_url(from_dir: str, target: str, file_mode: bool = False) -> str:
    """Link from the page at `from_dir` ('levels/x/') to `target` ('tracks/ic/#levels').

    Directory targets end in '/'; in file mode they get 'index.html' so a browser
    opening the site from disk finds the file.
    """
    path, hash_, fragment = target.partition("#")
    if file_mode and (path == "" or path.endswith("/")):
        path += "index.html"
    up = "../" * from_dir.count("/")
    # A page named 'über uns.md' links as '%C3%BCber%20uns/'; a colon is encoded too, so no
    # relative link can ever read as a scheme ('javascript:').
    url = up + quote(path, safe="/~!$&'()*+,;=@")
    if url == "":
        url = "./"
    return url + (hash_ + fragment if hash_ else "")


def join_page_path(page_dir: str, link: str) -> str:
    """Resolve a link written in a page under pages/ ('../faq.md') to a pages/ path."""
    return normpath(f"{page_dir}/{link}" if page_dir else link).lstrip("/")
