"""The `ladderdocs` command: build, check, serve, clean, init, import, schema."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Iterable

from ladderdocs import __version__
from ladderdocs.checks.parity import summarise
from ladderdocs.errors import ContentError, Problem
from ladderdocs.init import example_handbook, init_handbook
from ladderdocs.model.entities import INTERNAL, PUBLIC
from ladderdocs.render.cache import CACHE_DIR, cache_folder, remove_cache
from ladderdocs.site import Options, build, check
from ladderdocs.source.schema import published_schema

DEFAULT_CONTENT = Path("content")


def _content_folder(args: argparse.Namespace) -> Path:
    """The handbook to work on: --content, else --example, else ./content. Never the bundled
    example by default: a CI job whose handbook folder was renamed must fail, not publish it."""
    if args.content:
        return Path(args.content)
    if args.example:
        return example_handbook()
    if DEFAULT_CONTENT.is_dir():
        return DEFAULT_CONTENT
    raise ContentError([Problem(str(DEFAULT_CONTENT), 1, 1, "no handbook here; expected a ./content folder, "
                                                            "--content DIR, or --example for the bundled example")])


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _print_notes(notes: Iterable[str]) -> None:
    """What the author should know that is no problem (why there is no changes/ page), each once."""
    for note in dict.fromkeys(notes):
        print(f"info: {note}", file=sys.stderr)


def _cache(args: argparse.Namespace, content: Path) -> Path | None:
    """The build cache beside the handbook; none for the bundled example, which may live
    in a folder nobody should write to (an installed package)."""
    return None if args.no_cache or (args.example and not args.content) else cache_folder(content)


def cmd_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    content = _content_folder(args)
    site = build(content, Path(args.out),
                 Options(args.audience or PUBLIC, args.strict, args.file_mode, args.base_url, force=args.force,
                         drafts=args.drafts, cache=_cache(args, content),
                         promotions=Path(args.promotions) if args.promotions else None))
    _print_problems(site.warnings)
    if args.promotions and site.handbook.promotions is None:
        print(f"{args.promotions} was not read: the promotions page is in internal builds only, unless "
              "handbook.yml sets audit.public: true")
    _print_notes(site.notes)
    pages = sum(1 for path in site.files if path.endswith(".html"))
    print(f"built {_count(pages, 'page')} ({args.audience or PUBLIC}) into {args.out}/ in "
          f"{time.perf_counter() - started:.2f}s ({len(site.rendered)} rendered)")
    if site.findings:
        print(f"pay parity: {summarise(site.findings).text} (`ladderdocs check` lists them)")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Every audience unless --audience names one: a broken link in an internal page would
    otherwise pass here and fail only the internal build."""
    content = _content_folder(args)
    sites, problems = [], []
    for audience in [args.audience] if args.audience else [PUBLIC, INTERNAL]:
        try:
            sites.append(check(content, Options(audience, args.strict, drafts=args.drafts)))
        except ContentError as err:
            problems += err.problems
    if problems:
        raise ContentError(problems)
    _print_problems(sorted({p for site in sites for p in site.warnings + [f.problem() for f in site.findings]}))
    _print_notes(note for site in sites for note in site.notes)
    for site in sites:
        hb = site.handbook
        print(f"ok ({hb.audience}): {_count(len(hb.tracks), 'track')}, {_count(len(hb.level_by_id), 'level')}, "
              f"{_count(len(hb.competencies), 'competency', 'competencies')}, {_count(len(hb.pages), 'page')}; "
              f"pay parity: {summarise(site.findings).text}")
    if any(summarise(site.findings).errors for site in sites):  # only reached when not strict
        print("parity errors do not fail the check; run with --strict or set parity.strict: true to fail on them")
    return 0


def _count(number: int, one: str, many: str = "") -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def cmd_serve(args: argparse.Namespace) -> int:
    from ladderdocs.serve.preview import serve  # the server and the watcher load only when asked for

    content = _content_folder(args)
    return serve(content, Path(args.out) if args.out else None,
                 Options(args.audience or PUBLIC, args.strict, drafts=args.drafts, cache=_cache(args, content)),
                 args.host, args.port, args.open)


def cmd_clean(args: argparse.Namespace) -> int:
    folder = cache_folder(_content_folder(args))
    try:
        removed = remove_cache(folder)
    except ValueError as err:
        raise ContentError([Problem(str(folder), 1, 1, str(err))]) from None
    if removed is None:
        print(f"no build cache at {folder}/; nothing removed")
    else:
        files, size = removed
        print(f"removed the build cache {folder}/ ({_count(files, 'file')}, {size / 1e6:.1f} MB)")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    target = Path(args.dir)
    written = init_handbook(target)
    print(f"created a handbook in {target}/ ({len(written)} files). Next:\n"
          f"  cd {target} && ladderdocs build --strict   # then open site/index.html\n"
          f"  read {target}/README.md for publishing it with GitHub Pages")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ladderdocs.spreadsheet import import_sheet, read_csv, read_xlsx

    path, out = Path(args.file), Path(args.out)
    sheet = read_xlsx(path, args.sheet) if args.format == "xlsx" else read_csv(path)
    written = import_sheet(sheet, out, args.layout, args.title, args.track)
    print(f"imported {path} into {out}/ ({len(written)} files). Next:\n"
          f"  ladderdocs check -c {out}   # then write the summaries the sheet had no room for")
    return 0


def _base_url(value: str) -> str:
    if not re.fullmatch(r"https?://\S+", value):
        raise argparse.ArgumentTypeError(f"'{value}' is not an http(s) address; expected e.g. "
                                         "https://org.github.io/handbook/")
    return value


# -- the promotion audit (issue 17) ---------------------------------------------------------
def cmd_audit(args: argparse.Namespace) -> int:
    from ladderdocs.checks.audit import audit, report, window
    from ladderdocs.site import Pipeline, promotion_rows

    handbook, _ = Pipeline(_content_folder(args), Options(INTERNAL)).model()  # every level, internal ones too
    rows = promotion_rows(Path(args.file), handbook)
    span = window(rows, args.since, args.until)
    if span.start > span.end:
        raise ContentError([Problem(args.file, 1, 1, f"the window starts ({span.start}) after it ends ({span.end}); "
                                                     "expected --since before --until and the newest row")])
    result = audit(handbook, rows, span)
    print("\n".join(report(handbook, result, span, len(rows))))
    return 1 if args.strict and result.errors else 0


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date; expected YYYY-MM-DD") from None


def audit_parser(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = verbs.add_parser(
        "audit", help="where promotions landed, by track and grade: is the IC ladder used?",
        description="Read a promotions CSV (columns date, person, from_level, to_level; an empty from_level is a "
                    "hire) and report the promotions per track and grade over a window, track moves, time on "
                    "time-boxed tracks, and findings such as a performative IC ladder. The counts printed are "
                    "exact: this report is for the people team that holds the file. The promotions page "
                    "(build --promotions) shows small counts as 'fewer than N' and no person or date. "
                    "Example: ladderdocs audit promotions.csv --strict")
    p.add_argument("file", metavar="PROMOTIONS.csv", help="one row per promotion or track move")
    p.add_argument("--content", "-c", help="handbook folder (default: ./content)")
    p.add_argument("--example", action="store_true", help="use the example handbook that comes with ladderdocs")
    p.add_argument("--since", type=_date, metavar="DATE", help="start of the window (default: 24 months before its end)")
    p.add_argument("--until", type=_date, metavar="DATE", help="end of the window (default: the newest row's date)")
    p.add_argument("--strict", action="store_true", help="exit 1 when a finding is an error (a performative ladder)")
    p.set_defaults(run=cmd_audit)


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(published_schema(), indent=2, sort_keys=True))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="ladderdocs", description=__doc__)
    top.add_argument("--version", action="version", version=f"ladderdocs {__version__}")
    verbs = top.add_subparsers(dest="verb", required=True)

    def content_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--content", "-c", help="handbook folder (default: ./content)")
        p.add_argument("--example", action="store_true", help="use the example handbook that comes with ladderdocs")
        p.add_argument("--audience", choices=[PUBLIC, INTERNAL],
                       help="public leaves out everything marked internal (default: public; check: both)")
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")
        p.add_argument("--drafts", action="store_true", help="include the pages marked draft: true")

    def no_cache_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--no-cache", action="store_true",
                       help=f"render every page and neither read nor write the build cache ({CACHE_DIR}/)")

    p = verbs.add_parser("build", help="render the handbook into a static site")
    content_options(p)
    p.add_argument("--out", "-o", default="site", help="output folder (default: ./site)")
    p.add_argument("--force", action="store_true",
                   help="replace the output folder even if ladderdocs did not write it (its files are deleted)")
    p.add_argument("--file-mode", action="store_true",
                   help="links end in index.html, for opening the site from the file system")
    p.add_argument("--base-url", type=_base_url, metavar="URL",
                   help="address the site is served at, e.g. https://org.github.io/handbook/ "
                        "(replaces base_url of handbook.yml)")
    no_cache_option(p)
    p.add_argument("--promotions", metavar="FILE",
                   help="a promotions CSV (see `ladderdocs audit`): adds the promotions page to an internal build, "
                        "or to a public one when handbook.yml sets audit.public: true")
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
    no_cache_option(p)
    p.set_defaults(run=cmd_serve)

    p = verbs.add_parser("clean", help=f"remove the build cache ({CACHE_DIR}/ beside the handbook folder)")
    p.add_argument("--content", "-c", help="handbook folder (default: ./content)")
    p.set_defaults(run=cmd_clean, example=False)

    p = verbs.add_parser("import", help="turn a spreadsheet of the framework into a handbook folder")
    p.add_argument("format", choices=["csv", "xlsx"], help="the spreadsheet's format (xlsx needs ladderdocs[xlsx])")
    p.add_argument("file", metavar="FILE", help="the spreadsheet")
    p.add_argument("--out", "-o", required=True, help="a new or empty folder for the handbook")
    p.add_argument("--layout", choices=["long", "matrix"],
                   help="long: a row per expectation; matrix: a row per competency, a column per level "
                        "(default: found from the header row)")
    p.add_argument("--title", help="the handbook's title (default: from the file name)")
    p.add_argument("--track", help="matrix layout without a track column: the track's title")
    p.add_argument("--sheet", help="xlsx: the sheet to read (default: the first)")
    p.set_defaults(run=cmd_import)

    audit_parser(verbs)

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
