"""One pipeline: `build`, `check` and `serve` judge a handbook alike, and every problem points
at the file and line where the author wrote it, wherever it is found."""

from __future__ import annotations

import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, MINI, REPO, run_cli
from ladderdocs.errors import ContentError
from ladderdocs.serve.preview import Preview
from ladderdocs.site import Options, build, check
from test_bad_input import CASES, overlay

PARITY = FIXTURES / "parity" / "every-finding"


def by_build(content: Path, out: Path, strict: bool) -> list[str]:
    try:
        build(content, out, Options(strict=strict))
    except ContentError as err:
        return [str(p) for p in err.problems]
    return []


def by_check(content: Path, strict: bool) -> list[str]:
    try:
        check(content, Options(strict=strict))
    except ContentError as err:
        return [str(p) for p in err.problems]
    return []


def by_serve(content: Path, out: Path, strict: bool) -> list[str]:
    preview = Preview(content, out, Options(strict=strict))
    preview.rebuild()
    return list(preview.channel.current()[1].problems)


def handbook_of(case: str, tmp_path: Path) -> Path:
    content = tmp_path / "handbook"
    if case == "parity":
        shutil.copytree(PARITY, content)
    else:
        shutil.copytree(MINI, content)
        overlay(FIXTURES / "bad" / case, content)
    return content.resolve()


@pytest.mark.parametrize("case", ["parity", *CASES])
def test_build_check_and_serve_report_the_same_problems(case: str, tmp_path: Path) -> None:
    content = handbook_of(case, tmp_path)
    for strict in (True, False):
        built = by_build(content, tmp_path / "site", strict)
        assert built or not strict, f"{case}: nothing reported"
        assert by_check(content, strict) == built, case
        assert by_serve(content, tmp_path / "served", strict) == built, case


def test_the_parity_fixture_fails_all_three_commands_alike(tmp_path: Path) -> None:
    """As an author runs them: the same lines from `build --strict`, `check --strict` and `serve --strict`."""
    def problem_lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if re.match(r"\s*\S+:\d+:\d+: (error|warning): ", line)]

    built = run_cli("build", "--strict", "-c", str(PARITY), "-o", str(tmp_path / "site"))
    checked = run_cli("check", "--strict", "-c", str(PARITY))
    assert built.returncode == checked.returncode == 1
    expected = problem_lines(built.stderr)
    assert len([line for line in expected if ": error: " in line]) == 5
    assert problem_lines(checked.stderr) == expected
    assert problem_lines("".join(serve_until_it_reports(PARITY))) == expected


def serve_until_it_reports(content: Path) -> list[str]:
    """The output of `serve --strict` up to the problems of its first build."""
    proc = subprocess.Popen([sys.executable, "-m", "ladderdocs", "serve", "--strict", "-c", str(content), "--port", "0"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout or []], daemon=True).start()
    try:
        deadline = time.monotonic() + 60
        while not any(line.startswith("serving ") for line in output):
            output.append(lines.get(timeout=max(0.1, deadline - time.monotonic())))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return output


def test_a_problem_in_the_mobility_rules_points_at_its_line(tmp_path: Path) -> None:
    """Mobility notes and moves carry their own lines (they once pointed at tracks/ic.yml:1)."""
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    mobility = content / "ladder" / "mobility.yml"
    text = mobility.read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "description:" in line)
    lines[at] = lines[at].split("description:")[0] + "description: Ask [[track:nope]] first."
    mobility.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("check", "-c", str(content))
    assert result.returncode == 1
    assert f"{mobility}:{at + 1}:1: error: [[track:nope]] points at no track" in result.stderr


@pytest.mark.parametrize("where, written", [
    ("ladder/tracks/ic.yml", "    summary: Builds features with [[level:ghost]].\n"),
    ("ladder/competencies.yml", "    description: See [[level:ghost]].\n"),
])
def test_a_broken_reference_in_ladder_text_points_at_its_own_line(where: str, written: str, tmp_path: Path) -> None:
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    path = content / where
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    key = written.split(":")[0]
    at = next(i for i, line in enumerate(lines) if line.startswith(key + ":"))
    lines[at] = written
    path.write_text("".join(lines), encoding="utf-8")
    result = run_cli("check", "-c", str(content))
    assert result.returncode == 1
    assert f"{path}:{at + 1}:1: error: [[level:ghost]]" in result.stderr, result.stderr
