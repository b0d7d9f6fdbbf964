"""Every bad input gets one clear file:line message, exit 1, no traceback, and the last good
site stays byte-identical. A case is a folder under fixtures/bad/: files that replace the
mini handbook's, and expected.txt (location, then the words the message must contain)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli, tree_bytes

CASES = sorted(p.name for p in (FIXTURES / "bad").iterdir() if p.is_dir())


def overlay(case: Path, handbook: Path) -> None:
    for path in case.rglob("*"):
        if path.is_file() and path.name != "expected.txt":
            target = handbook / path.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_reported_and_site_kept(case: str, mini_copy: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    good = run_cli("build", "--content", str(mini_copy), "--out", str(site))
    assert good.returncode == 0, good.stderr
    before = tree_bytes(site)

    overlay(FIXTURES / "bad" / case, mini_copy)
    location, words = (FIXTURES / "bad" / case / "expected.txt").read_text().splitlines()[:2]
    result = run_cli("build", "--content", str(mini_copy), "--out", str(site))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    problem_lines = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert problem_lines, result.stderr
    expected_path = str(mini_copy / location)
    matching = [line for line in problem_lines if line.split(": error:")[0].startswith(expected_path.rstrip(":"))
                and words in line]
    assert matching, f"expected {location} … {words!r} in:\n{result.stderr}"
    assert tree_bytes(site) == before


def test_check_reports_the_same_problem_without_writing(mini_copy: Path, tmp_path: Path) -> None:
    overlay(FIXTURES / "bad" / "unknown-zone", mini_copy)
    result = run_cli("check", "--content", str(mini_copy))
    assert result.returncode == 1
    assert "unknown zone 'uk'" in result.stderr


def test_all_problems_are_reported_at_once(mini_copy: Path) -> None:
    overlay(FIXTURES / "bad" / "unknown-id-in-prose", mini_copy)
    overlay(FIXTURES / "bad" / "broken-md-link", mini_copy)
    (mini_copy / "pages" / "faq.md").write_text(
        "---\ntitle: FAQ\n---\n[[level:ghost]] and [x](nope.md)\n", encoding="utf-8")
    result = run_cli("check", "--content", str(mini_copy))
    assert result.returncode == 1
    assert "[[level:ghost]]" in result.stderr and "nope.md" in result.stderr


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("build", "--content", str(tmp_path / "nowhere"), "--out", str(tmp_path / "site"))
    assert result.returncode == 2  # a usage error: the command line names no folder
    assert "no such folder" in result.stderr and "Traceback" not in result.stderr


def test_output_folder_cannot_swallow_the_content(mini_copy: Path) -> None:
    result = run_cli("build", "--content", str(mini_copy), "--out", str(mini_copy.parent))
    assert result.returncode == 1
    assert (mini_copy / "handbook.yml").is_file()


def test_strict_turns_warnings_into_errors(mini_copy: Path) -> None:
    track = mini_copy / "ladder" / "tracks" / "mgmt.yml"
    track.write_text(track.read_text().replace("      leading:\n        - Runs weekly one-to-ones.\n", ""))
    relaxed = run_cli("check", "--content", str(mini_copy))
    assert relaxed.returncode == 0 and "states nothing for competency 'leading'" in relaxed.stderr
    strict = run_cli("check", "--content", str(mini_copy), "--strict")
    assert strict.returncode == 1
