"""Command-line manners: -V, -q, -v, a description and an example in every verb's help, a
progress line on a terminal only, and exit codes that tell usage errors (2) from content
problems (1)."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from ladderdocs import __version__
from ladderdocs.cli import VERBS, main
from ladderdocs.progress import StageReport

sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `ladderdocs ARGV`, run in this process."""
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    for flag in ("-V", "--version"):
        assert run([flag], capsys) == (0, f"ladderdocs {__version__}\n", "")


def test_quiet_silences_the_summary_and_verbose_times_each_stage(
        mini_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build = ["build", "-c", str(mini_copy), "-o", str(tmp_path / "site"), "--no-cache"]
    code, out, err = run(build, capsys)
    assert code == 0 and out.startswith("built ") and "pages (public)" in out and err == ""
    for quiet in (["-q", *build], [*build, "-q"], [*build, "--quiet"]):
        assert run(quiet, capsys) == (0, "", "")
    code, out, err = run([*build, "-v"], capsys)
    assert code == 0 and out.startswith("built ")
    stages = {m.group(1): m.group(2) for m in re.finditer(r"^  (\w+) +\d+\.\d\ds(?:  ([\d,]+ \w+))?$", err, re.M)}
    assert list(stages) == ["reading", "validating", "modelling", "preparing", "rendering", "writing", "indexing"]
    assert re.fullmatch(r"\d+ pages", stages["rendering"]) and re.fullmatch(r"\d+ files", stages["reading"])
    code, out, err = run(["check", "-c", str(mini_copy), "-v"], capsys)
    assert code == 0 and "stages (public):" in err and "stages (internal):" in err and out.startswith("ok (public)")
    assert run(["check", "-c", str(mini_copy), "-q"], capsys) == (0, "", "")


def test_every_verb_has_a_description_and_an_example_in_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0 and "Example:" in out and "Exit codes:" in out
    assert all(f"    {verb.name} " in out for verb in VERBS)
    for verb in VERBS:
        code, out, _ = run([verb.name, "--help"], capsys)
        assert code == 0
        assert " ".join(verb.description.split()) in " ".join(out.split()), verb.name
        assert f"Example:\n  ladderdocs {verb.name} " in out, verb.name
        assert "Exit codes:" in out and "2  usage errors" in out


def test_usage_errors_exit_2_and_content_problems_exit_1(
        mini_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    out_dir = str(tmp_path / "site")
    usage = [
        ["build", "--no-such-flag"],
        ["publish"],
        ["build", "-c", str(mini_copy), "--base-url", "not-an-address"],
        ["-q", "build", "-c", str(mini_copy), "-v"],
        ["-q", "-v", "build"],
        ["build", "-c", str(tmp_path / "nowhere"), "-o", out_dir],
        ["import", "csv", "sheet.csv"],  # --out is required
        ["schema", "--for", "everything"],
    ]
    for argv in usage:
        code, out, err = run(argv, capsys)
        assert code == 2 and "usage: ladderdocs" in err and "error:" in err and "Traceback" not in err, argv
    monkeypatch.chdir(tmp_path)  # no ./content here
    code, _, err = run(["check"], capsys)
    assert code == 2 and "no handbook here" in err

    (mini_copy / "handbook.yml").write_text("title: [unclosed\n")
    code, out, err = run(["build", "-c", str(mini_copy), "-o", out_dir, "--no-cache", "-q"], capsys)
    assert code == 1 and re.search(r"handbook\.yml:\d+:\d+: error: invalid YAML", err) and out == ""
    assert not Path(out_dir).exists()


# -- progress ------------------------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_progress_line_waits_a_second_then_updates_in_place_and_is_wiped() -> None:
    stream, clock = io.StringIO(), Clock()
    report = StageReport(stream, live=True, delay=1.0, interval=0.1, clock=clock)
    report.stage("rendering", 10, "pages")
    report.advance(3)
    assert stream.getvalue() == ""  # a quick build shows nothing
    clock.now = 1.2
    report.advance(2)
    assert stream.getvalue() == "\rladderdocs: rendering 5/10 pages"
    clock.now = 1.25
    report.advance(1)  # redrawn at most ten times a second
    assert stream.getvalue().count("\r") == 1
    clock.now = 1.4
    report.stage("writing", 20, "files")
    report.finish()
    text = stream.getvalue()
    assert text.endswith("\rladderdocs: writing 0/20 files  " + "\r" + " " * 32 + "\r")
    assert "\n" not in text and "\x1b" not in text  # one line, no colour
    assert [line.split()[0] for line in report.timings()] == ["rendering", "writing"]


def test_no_progress_line_when_not_live() -> None:
    stream, clock = io.StringIO(), Clock()
    report = StageReport(stream, live=False, clock=clock)
    report.stage("rendering", 10, "pages")
    clock.now = 5.0
    report.advance(10)
    report.finish()
    assert stream.getvalue() == ""


@pytest.fixture(scope="module")
def bench_handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A handbook that takes well over a second to build: 600 pages."""
    return generate(tmp_path_factory.mktemp("bench") / "content", 600)


def run_on_terminal(args: list[str], cwd: Path) -> tuple[int, bytes, str]:
    """`ladderdocs ARGS` with stderr on a pseudo-terminal: its exit code, what the terminal
    showed, and stdout."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    process = subprocess.Popen([sys.executable, "-m", "ladderdocs", *args], cwd=cwd, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    out = process.stdout.read().decode() if process.stdout else ""
    return process.wait(timeout=300), shown, out


def test_a_long_build_shows_progress_on_a_terminal_only(bench_handbook: Path, tmp_path: Path) -> None:
    build = ["build", "-c", str(bench_handbook), "-o", str(tmp_path / "site"), "--no-cache"]
    code, shown, out = run_on_terminal(build, tmp_path)
    assert code == 0 and out.startswith("built ")
    assert b"\rladderdocs: rendering " in shown and re.search(rb"\d+/\d+ pages", shown)
    assert b"\n" not in shown and b"\x1b" not in shown  # one updating line, no colour codes
    assert shown.endswith(b"\r")  # wiped before the summary

    code, shown, out = run_on_terminal([*build, "--quiet"], tmp_path)
    assert code == 0 and shown == b"" and out == ""

    piped = subprocess.run([sys.executable, "-m", "ladderdocs", *build], cwd=tmp_path, capture_output=True,
                           text=True, timeout=300)
    assert piped.returncode == 0 and piped.stderr == "" and piped.stdout.startswith("built ")


def test_what_the_command_prints_into_a_pipe_reaches_it_whole_and_its_exit_code_stays() -> None:
    """The command leaves with os._exit (cli.run), which writes out no buffer: what it printed
    into a pipe, block-buffered, must reach the reader first, and its exit code is main()'s."""
    from ladderdocs.source.schema import as_json, file_schema

    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    printed = subprocess.run([sys.executable, "-m", "ladderdocs", "schema", "--for", "page"], capture_output=True,
                             text=True, cwd=REPO, env=env, timeout=120)  # less than a buffer: all of it waits
    assert printed.returncode == 0 and printed.stdout == as_json(file_schema("page"))
    failed = subprocess.run([sys.executable, "-m", "ladderdocs", "build", "-c", str(REPO / "no-such-handbook")],
                            capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert failed.returncode == 2 and "no such folder" in failed.stderr  # a usage error, as main() says
