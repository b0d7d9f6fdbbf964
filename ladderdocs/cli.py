"""The `ladderdocs` command: build, check, serve, clean, init, import, audit, schema.

Each verb is one `Verb` in `VERBS`: its help line, the paragraph its `--help` starts with,
an example, its arguments and the function that runs it. Exit codes: 0 ok, 1 content
problems (or a folder ladderdocs refuses to write into), 2 usage errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import textwrap
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

from ladderdocs import __version__
from ladderdocs.errors import ContentError, Problem
from ladderdocs.options import INTERNAL, PUBLIC, Options
from ladderdocs.progress import StageReport
from ladderdocs.render.cache import CACHE_DIR, cache_folder, remove_cache
from ladderdocs.source.schema import SCHEMAS
from ladderdocs.uptodate import Said, unchanged

# The verbs import what they run when they run: a build that finds nothing changed
# (uptodate.py) never loads the pipeline, Jinja or Markdown.

DEFAULT_CONTENT = Path("content")
EXIT_CODES = """Exit codes:
  0  ok
  1  content problems, each printed as file:line:col (or a folder ladderdocs
     will not write into); nothing was written
  2  usage errors: an unknown option, a bad value, no handbook where the
     command line points"""


class UsageError(Exception):
    """The command line cannot be carried out as written: exit code 2, like argparse's own errors."""


@dataclass
class Console:
    """Where a verb's words go: summaries to stdout unless --quiet; problems to stderr (warnings
    too unless --quiet, errors always); stage timings to stderr with --verbose."""

    quiet: bool = False
    verbose: bool = False

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text)

    def warnings(self, problems: list[Problem]) -> None:
        for problem in problems:
            if problem.severity == "error" or not self.quiet:
                print(problem, file=sys.stderr)

    def notes(self, notes: Iterable[str]) -> None:
        """What the author should know that is no problem (why there is no changes/ page), each once."""
        if not self.quiet:
            for note in dict.fromkeys(notes):
                print(f"info: {note}", file=sys.stderr)

    def progress(self) -> StageReport:
        """The build's progress: a line on a terminal (never when quiet), timings for --verbose."""
        return StageReport(sys.stderr, live=not self.quiet and sys.stderr.isatty())

    def timings(self, report: StageReport, what: str) -> None:
        if self.verbose:
            print(f"{what}:", *report.timings(), sep="\n", file=sys.stderr)


def _content_folder(args: argparse.Namespace) -> Path:
    """The handbook to work on: --content, else --example, else ./content. Never the bundled
    example by default: a CI job whose handbook folder was renamed must fail, not publish it."""
    if args.content:
        if not Path(args.content).is_dir():
            raise UsageError(f"--content {args.content}: no such folder; expected a handbook folder with handbook.yml")
        return Path(args.content)
    if args.example:
        from ladderdocs.init import example_handbook
        return example_handbook()
    if DEFAULT_CONTENT.is_dir():
        return DEFAULT_CONTENT
    raise UsageError(f"no handbook here; expected a ./{DEFAULT_CONTENT} folder, --content DIR, "
                     "or --example for the bundled example")


def _cache(args: argparse.Namespace, content: Path) -> Path | None:
    """The build cache beside the handbook; none for the bundled example, which may live
    in a folder nobody should write to (an installed package)."""
    return None if args.no_cache or (args.example and not args.content) else cache_folder(content)


def _count(number: int, one: str, many: str = "") -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


# -- the verbs ---------------------------------------------------------------------------------
def cmd_build(args: argparse.Namespace, console: Console) -> int:
    started = time.perf_counter()
    content, out = _content_folder(args), Path(args.out)
    options = Options(args.audience or PUBLIC, args.strict, args.file_mode, args.base_url, force=args.force,
                      drafts=args.drafts, cache=_cache(args, content),
                      promotions=Path(args.promotions) if args.promotions else None)
    said = (unchanged(options.cache, content, out, options.output_key(), options.promotions, options.strict)
            if options.cache else None)
    report = None
    if said is None:
        from ladderdocs.site import build, said_of
        report = console.progress()
        try:
            said = said_of(build(content, out, options, report))
        finally:
            report.finish()  # the progress line goes before any problem is printed
    _tell(console, args, said, report is None)
    if report is not None:
        console.timings(report, "stages")
    console.say(f"built {_count(said.pages, 'page')} ({options.audience}) into {args.out}/ in "
                f"{time.perf_counter() - started:.2f}s "
                + ("(0 rendered: nothing changed since the last build)" if report is None
                   else f"({said.rendered} rendered)"))
    if said.parity:
        console.say(f"pay parity: {said.parity} (`ladderdocs check` lists them)")
    return 0


def _tell(console: Console, args: argparse.Namespace, said: Said, again: bool) -> None:
    """A build's warnings and notes: the same whether it ran or found nothing changed."""
    console.warnings(list(said.warnings))
    if args.promotions and not said.promotions_read:
        console.notes([f"{args.promotions} was not read: the promotions page is in internal builds only, unless "
                       "handbook.yml sets audit.public: true"])
    console.notes(said.notes)


def cmd_check(args: argparse.Namespace, console: Console) -> int:
    """Every audience unless --audience names one: a broken link in an internal page would
    otherwise pass here and fail only the internal build."""
    from ladderdocs.checks.parity import summarise
    from ladderdocs.site import check

    content = _content_folder(args)
    sites, problems = [], []
    for audience in [args.audience] if args.audience else [PUBLIC, INTERNAL]:
        report = console.progress()
        try:
            sites.append(check(content, Options(audience, args.strict, drafts=args.drafts), report))
        except ContentError as err:
            problems += err.problems
        finally:
            report.finish()
        console.timings(report, f"stages ({audience})")
    if problems:
        raise ContentError(problems)
    console.warnings(sorted({p for site in sites for p in site.warnings + [f.problem() for f in site.findings]}))
    console.notes(note for site in sites for note in site.notes)
    for site in sites:
        hb = site.handbook
        console.say(f"ok ({hb.audience}): {_count(len(hb.tracks), 'track')}, {_count(len(hb.level_by_id), 'level')}, "
                    f"{_count(len(hb.competencies), 'competency', 'competencies')}, {_count(len(hb.pages), 'page')}; "
                    f"pay parity: {summarise(site.findings).text}")
    if any(summarise(site.findings).errors for site in sites):  # only reached when not strict
        console.say("parity errors do not fail the check; run with --strict or set parity.strict: true to fail on them")
    return 0


def cmd_serve(args: argparse.Namespace, console: Console) -> int:
    from ladderdocs.serve.preview import serve  # the server and the watcher load only when asked for

    content = _content_folder(args)
    return serve(content, Path(args.out) if args.out else None,
                 Options(args.audience or PUBLIC, args.strict, drafts=args.drafts, cache=_cache(args, content)),
                 args.host, args.port, args.open)


def cmd_clean(args: argparse.Namespace, console: Console) -> int:
    folder = cache_folder(_content_folder(args))
    try:
        removed = remove_cache(folder)
    except ValueError as err:
        raise ContentError([Problem(str(folder), 1, 1, str(err))]) from None
    if removed is None:
        console.say(f"no build cache at {folder}/; nothing removed")
    else:
        files, size = removed
        console.say(f"removed the build cache {folder}/ ({_count(files, 'file')}, {size / 1e6:.1f} MB)")
    return 0


def cmd_init(args: argparse.Namespace, console: Console) -> int:
    target = Path(args.dir)
    from ladderdocs.init import init_handbook
    written = init_handbook(target)
    console.say(f"created a handbook in {target}/ ({len(written)} files). Next:\n"
                f"  cd {target} && ladderdocs build --strict   # then open site/index.html\n"
                f"  read {target}/README.md for publishing it with GitHub Pages")
    return 0


def cmd_import(args: argparse.Namespace, console: Console) -> int:
    from ladderdocs.spreadsheet import import_sheet, read_csv, read_xlsx

    path, out = Path(args.file), Path(args.out)
    sheet = read_xlsx(path, args.sheet) if args.format == "xlsx" else read_csv(path)
    written = import_sheet(sheet, out, args.layout, args.title, args.track)
    console.say(f"imported {path} into {out}/ ({len(written)} files). Next:\n"
                f"  ladderdocs check -c {out}   # then write the summaries the sheet had no room for")
    return 0


def cmd_audit(args: argparse.Namespace, console: Console) -> int:
    """Exact counts and the window's dates, for the people team that holds the file; the
    promotions page (build --promotions) is the one that hides small counts."""
    from ladderdocs.checks.audit import audit, report, window
    from ladderdocs.site import Pipeline, promotion_rows

    handbook, _ = Pipeline(_content_folder(args), Options(INTERNAL)).model()  # every level, internal ones too
    rows = promotion_rows(Path(args.file), handbook)
    span = window(rows, args.since, args.until)
    if span.start > span.end:
        raise ContentError([Problem(args.file, 1, 1, f"the window starts ({span.start}) after it ends ({span.end}); "
                                                     "expected --since before --until and the newest row")])
    result = audit(handbook, rows, span)
    console.say("\n".join(report(handbook, result, span, len(rows))))
    return 1 if args.strict and result.errors else 0


def cmd_schema(args: argparse.Namespace, console: Console) -> int:
    from ladderdocs.source.schema import as_json, file_schema, published_schema, schema_files

    if args.all:
        folder = Path(args.all)
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"--all {folder}: is a file; expected a folder to write the schemas into")
        folder.mkdir(parents=True, exist_ok=True)
        files = schema_files()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        console.say(f"wrote {_count(len(files), 'schema')} into {folder}/: {', '.join(files)}")
        return 0
    print(as_json(file_schema(args.kind) if args.kind else published_schema()), end="")
    return 0


# -- their arguments ---------------------------------------------------------------------------
def _base_url(value: str) -> str:
    if not re.fullmatch(r"https?://\S+", value):
        raise argparse.ArgumentTypeError(f"'{value}' is not an http(s) address; expected e.g. "
                                         "https://org.github.io/handbook/")
    return value


def _content_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--content", "-c", help="handbook folder (default: ./content)")
    p.add_argument("--example", action="store_true", help="use the example handbook that comes with ladderdocs")
    p.add_argument("--audience", choices=[PUBLIC, INTERNAL],
                   help="public leaves out everything marked internal (default: public; check: both)")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--drafts", action="store_true", help="include the pages marked draft: true")


def _no_cache_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-cache", action="store_true",
                   help=f"render every page and neither read nor write the build cache ({CACHE_DIR}/)")


def _build_arguments(p: argparse.ArgumentParser) -> None:
    _content_options(p)
    p.add_argument("--out", "-o", default="site", help="output folder (default: ./site)")
    p.add_argument("--force", action="store_true",
                   help="replace the output folder even if ladderdocs did not write it (its files are deleted)")
    p.add_argument("--file-mode", action="store_true",
                   help="links end in index.html, for opening the site from the file system")
    p.add_argument("--base-url", type=_base_url, metavar="URL",
                   help="address the site is served at, e.g. https://org.github.io/handbook/ "
                        "(replaces base_url of handbook.yml)")
    _no_cache_option(p)
    p.add_argument("--promotions", metavar="FILE",
                   help="a promotions CSV (see `ladderdocs audit`): adds the promotions page to an internal build, "
                        "or to a public one when handbook.yml sets audit.public: true")


def _serve_arguments(p: argparse.ArgumentParser) -> None:
    _content_options(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", "-p", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    p.add_argument("--open", action="store_true", help="open the preview in the web browser")
    p.add_argument("--out", "-o", help="write the site here (default: a temporary folder, removed on exit)")
    _no_cache_option(p)


def _clean_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--content", "-c", help="handbook folder (default: ./content)")
    p.set_defaults(example=False)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date; expected YYYY-MM-DD") from None


def _audit_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="PROMOTIONS.csv", help="one row per promotion or track move")
    p.add_argument("--content", "-c", help="handbook folder (default: ./content)")
    p.add_argument("--example", action="store_true", help="use the example handbook that comes with ladderdocs")
    p.add_argument("--since", type=_date, metavar="DATE", help="start of the window (default: 24 months before its end)")
    p.add_argument("--until", type=_date, metavar="DATE", help="end of the window (default: the newest row's date)")
    p.add_argument("--strict", action="store_true", help="exit 1 when a finding is an error (a performative ladder)")


def _init_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", metavar="DIR", help="a new or empty folder")


def _import_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("format", choices=["csv", "xlsx"], help="the spreadsheet's format (xlsx needs ladderdocs[xlsx])")
    p.add_argument("file", metavar="FILE", help="the spreadsheet")
    p.add_argument("--out", "-o", required=True, help="a new or empty folder for the handbook")
    p.add_argument("--layout", choices=["long", "matrix"],
                   help="long: a row per expectation; matrix: a row per competency, a column per level "
                        "(default: found from the header row)")
    p.add_argument("--title", help="the handbook's title (default: from the file name)")
    p.add_argument("--track", help="matrix layout without a track column: the track's title")
    p.add_argument("--sheet", help="xlsx: the sheet to read (default: the first)")


def _schema_arguments(p: argparse.ArgumentParser) -> None:
    which = p.add_mutually_exclusive_group()
    which.add_argument("--for", dest="kind", choices=list(SCHEMAS), metavar="KIND",
                       help="print the schema of one kind of file: " + ", ".join(SCHEMAS))
    which.add_argument("--all", metavar="DIR", help="write one KIND.schema.json per kind into DIR")


@dataclass(frozen=True)
class Verb:
    name: str
    help: str         # its line in `ladderdocs --help`
    description: str  # the paragraph its own --help starts with
    example: str      # one or more command lines, shown under "Example:"
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Console], int]
    loudness: bool = True  # takes -q and -v (serve keeps its own log of rebuilds)


VERBS = [
    Verb("build", "render the handbook into a static site",
         "Validate the handbook and render it into a static site. The output folder is updated in place, "
         "only once the whole build succeeded; on a content problem nothing is written.",
         "ladderdocs build --content content --out site --strict", _build_arguments, cmd_build),
    Verb("init", "start a new handbook in DIR, with a GitHub Pages workflow",
         "Write a starter handbook that builds clean at once, a GitHub Pages workflow, and the JSON Schemas "
         "and editor settings that give completion and errors in YAML editors. DIR must be new or empty.",
         "ladderdocs init career-framework", _init_arguments, cmd_init),
    Verb("check", "validate content, references and links; write nothing",
         "Run everything build does but writing, for every audience (public and internal) unless --audience "
         "names one, and list every problem and pay-parity finding.",
         "ladderdocs check --strict", _content_options, cmd_check),
    Verb("serve", "preview the handbook; pages reload as you edit and show problems",
         "Build the handbook, serve it on a local address and rebuild on every edit; the browser reloads, "
         "and a content problem shows on the page with its file and line.",
         "ladderdocs serve --open", _serve_arguments, cmd_serve, loudness=False),
    Verb("clean", f"remove the build cache ({CACHE_DIR}/ beside the handbook folder)",
         f"Delete the build cache ({CACHE_DIR}/ beside the handbook folder). It is safe to delete at any time: "
         "the next build renders every page.",
         "ladderdocs clean --content content", _clean_arguments, cmd_clean),
    Verb("import", "turn a spreadsheet of the framework into a handbook folder",
         "Turn a framework kept in a spreadsheet (a row per expectation, or a competency x level matrix) "
         "into a handbook folder.",
         "ladderdocs import csv ladder.csv --out content", _import_arguments, cmd_import),
    Verb("audit", "where promotions landed, by track and grade: is the IC ladder used?",
         "Read a promotions CSV (columns date, person, from_level, to_level; an empty from_level is a hire) and "
         "report the promotions per track and grade over a window, track moves, time on time-boxed tracks, and "
         "findings such as a performative IC ladder. The counts printed are exact: this report is for the people "
         "team that holds the file. The promotions page (build --promotions) shows small counts as 'fewer than N' "
         "and no person or date.",
         "ladderdocs audit promotions.csv --strict", _audit_arguments, cmd_audit),
    Verb("schema", "print the JSON Schema of the content files",
         "Print the JSON Schema of one kind of content file (--for), the schema the build validates it with, "
         "or write one file per kind (--all) for an editor's YAML language server. Without an option, all "
         "kinds in one document.",
         "ladderdocs schema --for track\n  ladderdocs schema --all content/.schemas", _schema_arguments, cmd_schema),
]


def parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    top = argparse.ArgumentParser(prog="ladderdocs", description=__doc__.split("\n\n")[0], formatter_class=formatter,
                                  epilog=f"Example:\n  ladderdocs build --strict\n\n{EXIT_CODES}\n"
                                         "`ladderdocs VERB --help` tells more about each verb.")
    top.add_argument("-V", "--version", action="version", version=f"ladderdocs {__version__}")
    _manners(top, False)
    # -q and -v are accepted after the verb too; there they must not reset what came before it
    manners = argparse.ArgumentParser(add_help=False)
    _manners(manners, argparse.SUPPRESS)
    verbs = top.add_subparsers(dest="verb", required=True, metavar="VERB")
    for verb in VERBS:
        p = verbs.add_parser(verb.name, help=verb.help, description=textwrap.fill(verb.description, 78),
                             parents=[manners] if verb.loudness else [],
                             formatter_class=formatter, epilog=f"Example:\n  {verb.example}\n\n{EXIT_CODES}")
        verb.arguments(p)
        p.set_defaults(run=verb.run, usage_error=p.error)
    return top


def _manners(p: argparse.ArgumentParser, default: object) -> None:
    loudness = p.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", default=default,
                          help="print only errors: no summary, no warnings, no progress")
    loudness.add_argument("-v", "--verbose", action="store_true", default=default,
                          help="also print how long each stage took and what it went through")


def run() -> None:
    """The `ladderdocs` command: `main`, then out of the process without tearing the site down
    object by object (30-40 ms after a 2,000-page build, once every file is written and closed).
    A process with threads left (none should be) exits the usual way."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that left, a stream closed: as at a usual exit
            pass
    if threading.active_count() == 1:
        os._exit(code)
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.quiet and args.verbose:
        args.usage_error("argument -q/--quiet: not allowed with argument -v/--verbose")
    console = Console(args.quiet, args.verbose)
    try:
        return int(args.run(args, console))
    except UsageError as err:
        args.usage_error(str(err))  # prints the verb's usage and the message; exits 2
        return 2
    except ContentError as err:  # every problem, warnings too: under --strict they are why it failed
        for problem in err.problems:
            print(problem, file=sys.stderr)
        count = len(err.problems)
        print(f"ladderdocs: {count} problem{'s' if count != 1 else ''}; nothing was written", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `ladderdocs schema | head`: the reader left; the work itself is done
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 1
