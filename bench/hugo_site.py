"""A minimal Hugo site over a generated handbook's pages, for build_bench.py.

    python bench/hugo_site.py HANDBOOK OUT [--page-list]

Hugo reads the same Markdown that ladderdocs builds: the front matter is already YAML that
Hugo accepts; `order` becomes Hugo's `weight` and the home page `index.md` becomes
`_index.md`. `[[level:…]]` references stay text (Hugo has no ladder) and `.md` links stay as
written. The layout is the least that renders every page: baseof + single + list, no
highlighting (ladderdocs does none), no RSS. With `page_list`, every page's navigation lists
every page, as MkDocs' default navigation and many documentation themes do.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

CONFIG = """\
baseURL = "https://bench.example/handbook/"
title = "Synthetic Benchmark Handbook"
languageCode = "en"
disableKinds = ["taxonomy", "term", "RSS"]
[markup.highlight]
codeFences = false
[markup.goldmark.extensions]
typographer = false
linkify = false
[markup.tableOfContents]
startLevel = 2
endLevel = 3
"""

BASEOF = """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title>
<meta name="description" content="{{ .Description }}"></head>
<body>
<header><a href="{{ "" | relURL }}">{{ .Site.Title }}</a></header>
{{ partial "nav.html" . }}
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"""

SINGLE = """\
{{ define "main" }}
<nav class="crumbs"><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></nav>
<h1>{{ .Title }}</h1>
<aside>{{ .TableOfContents }}</aside>
{{ .Content }}
{{ end }}
"""

LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Description }}</li>{{ end }}</ul>
{{ end }}
"""

NAV_SECTIONS = """\
<nav><ul>{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav>
"""

NAV_ALL_PAGES = """\
<nav><ul>{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
<ul>{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav>
"""


def hugo_front_matter(text: str) -> str:
    """The generator's front matter with `order` renamed to Hugo's `weight`."""
    _, front, body = text.split("---\n", 2)
    lines = ["weight: " + line.split(":", 1)[1].strip() if line.startswith("order:") else line
             for line in front.splitlines()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def hugo_content(handbook: Path, out: Path) -> Path:
    """Copy the handbook's pages into a Hugo content folder (replacing `out`)."""
    shutil.rmtree(out, ignore_errors=True)
    for page in sorted((handbook / "pages").rglob("*.md")):
        rel = page.relative_to(handbook / "pages").as_posix()
        target = out / ("_index.md" if rel == "index.md" else rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(hugo_front_matter(page.read_text(encoding="utf-8")), encoding="utf-8")
    return out


def hugo_site(out: Path, page_list: bool) -> Path:
    """Write config and layouts into `out` (its content folder is passed to hugo with -c)."""
    shutil.rmtree(out, ignore_errors=True)
    layouts = out / "layouts"
    (layouts / "_default").mkdir(parents=True)
    (layouts / "partials").mkdir()
    (out / "config.toml").write_text(CONFIG, encoding="utf-8")
    (layouts / "_default" / "baseof.html").write_text(BASEOF, encoding="utf-8")
    (layouts / "_default" / "single.html").write_text(SINGLE, encoding="utf-8")
    (layouts / "_default" / "list.html").write_text(LIST, encoding="utf-8")
    (layouts / "partials" / "nav.html").write_text(NAV_ALL_PAGES if page_list else NAV_SECTIONS,
                                                  encoding="utf-8")
    return out


def hugo_command(site: Path, content: Path, dest: Path, hugo: str = "hugo") -> list[str]:
    return [hugo, "--quiet", "--source", str(site), "--contentDir", str(content), "--destination", str(dest)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("handbook", type=Path)
    parser.add_argument("out", type=Path, help="folder for the Hugo site (replaced); content goes in OUT/content")
    parser.add_argument("--page-list", action="store_true", help="list every page in every page's navigation")
    args = parser.parse_args(argv)
    hugo_site(args.out, args.page_list)
    hugo_content(args.handbook, args.out / "content")
    print(" ".join(hugo_command(args.out, args.out / "content", args.out / "public")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
