"""The `ladderdocs` command: build, check, serve, init, schema."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

from ladderdocs import __version__
from ladderdocs.checks.parity import summarise
from ladderdocs.errors import ContentError, Problem
from ladderdocs.init import example_handbook, init_handbook
from ladderdocs.model.entities import INTERNAL, PUBLIC
from ladderdocs.site import Options, build, check
from ladderdocs.source.schema import published_schema

DEFAULT_CONTENT = Path("content")


def _content_folder(arg: str | None) -> Path:
    """The handbook to build: as given, else ./content, else the bundled example."""
    if arg:
        return Path(arg)
    if DEFAULT_CONTENT.is_dir():
        return DEFAULT_CONTENT
    print("ladderdocs: no ./content folder here; using the bundled example handbook", file=sys.stderr)
    return example_handbook()


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    site = build(_content_folder(args.content), Path(args.out),
                 Options(args.audience, args.strict, args.file_mode, args.base_url))
    _print_problems(site.warnings)
    pages = sum(1 for path in site.files if path.endswith(".html"))
    print(f"built {pages} pages ({args.audience}) into {args.out}/ in {time.perf_counter() - started:.2f}s")
    if site.findings:
        print(f"pay parity: {summarise(site.findings).text} (`ladderdocs check` lists them)")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    site = check(_content_folder(args.content), Options(args.audience, args.strict))
    _print_problems(site.warnings + sorted(f.problem() for f in site.findings))
    hb = site.handbook
    print(f"ok: {len(hb.tracks)} tracks, {len(hb.level_by_id)} levels, {len(hb.competencies)} competencies, "
          f"{len(hb.pages)} pages; pay parity: {summarise(site.findings).text}")
    if summarise(site.findings).errors:  # only reached when neither --strict nor parity.strict is set
        print("parity errors do not fail the check; run with --strict or set parity.strict: true to fail on them")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from ladderdocs.serve.preview import serve  # the server and the watcher load only when asked for

    return serve(_content_folder(args.content), Path(args.out) if args.out else None,
                 Options(args.audience, args.strict), args.host, args.port, args.open)


def cmd_init(args: argparse.Namespace) -> int:
    target = Path(args.dir)
    written = init_handbook(target)
    print(f"created a handbook in {target}/ ({len(written)} files). Next:\n"
          f"  cd {target} && ladderdocs build --strict   # then open site/index.html\n"
          f"  read {target}/README.md for publishing it with GitHub Pages")
    return 0


def _base_url(value: str) -> str:
    if not re.fullmatch(r"https?://\S+", value):
        raise argparse.ArgumentTypeError(f"'{value}' is not an http(s) address; expected e.g. "
                                         "https://org.github.io/handbook/")
    return value


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(published_schema(), indent=2, sort_keys=True))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="ladderdocs", description=__doc__)
    top.add_argument("--version", action="version", version=f"ladderdocs {__version__}")
    verbs = top.add_subparsers(dest="verb", required=True)

    def content_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--content", "-c", help="handbook folder (default: ./content)")
        p.add_argument("--audience", choices=[PUBLIC, INTERNAL], default=PUBLIC,
                       help="public leaves out everything marked internal (default: public)")
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")

    p = verbs.add_parser("build", help="render the handbook into a static site")
    content_options(p)
    p.add_argument("--out", "-o", default="site", help="output folder (default: ./site)")
    p.add_argument("--file-mode", action="store_true",
                   help="links end in index.html, for opening the site from the file system")
    p.add_argument("--base-url", type=_base_url, metavar="URL",
                   help="address the site is served at, e.g. https://org.github.io/handbook/ "
                        "(replaces base_url of handbook.yml)")
    p.set_defaults(run=cmd_build)

    p = verbs.add_parser("init", help="start a new handbook in DIR, with a GitHub Pages workflow")
    p.add_argument("dir", metavar="DIR", help="a new or empty folder")
    p.set_defaults(run=cmd_init)

    p = verbs.add_parser("check", help="validate content, references and links; write nothing")
    content_options(p)
    p.set_defaults(run=cmd_check)

    p = verbs.add_parser("serve", help="preview the handbook; pages reload as you edit and show problems")
    content_options(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", "-p", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    p.add_argument("--open", action="store_true", help="open the preview in the web browser")
    p.add_argument("--out", "-o", help="write the site here (default: a temporary folder, removed on exit)")
    p.set_defaults(run=cmd_serve)

    p = verbs.add_parser("schema", help="print the JSON Schema of the content files")
    p.set_defaults(run=cmd_schema)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ContentError as err:
        _print_problems(err.problems)
        count = sum(1 for p in err.problems)
        print(f"ladderdocs: {count} problem{'s' if count != 1 else ''}; nothing was written", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `ladderdocs schema | head`: the reader left; the work itself is done
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 1
