"""`ladderdocs import`: a framework in a spreadsheet, in either layout, becomes a handbook that
builds; a mistake in the sheet is FILE:row:col."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, run_cli

SHEETS = FIXTURES / "import"


def imported(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "handbook"
    result = run_cli("import", *args, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_a_long_sheet_becomes_a_handbook_that_builds(tmp_path: Path) -> None:
    out = imported(tmp_path, "csv", str(SHEETS / "long.csv"))
    assert run_cli("build", "--strict", "-c", str(out), "-o", str(tmp_path / "site")).returncode == 1  # parity: IC ends low
    assert run_cli("build", "-c", str(out), "-o", str(tmp_path / "site")).returncode == 0
    track = yaml.safe_load((out / "ladder" / "tracks" / "engineering.yml").read_text(encoding="utf-8"))
    assert [(lv["id"], lv["title"], lv["grade"]) for lv in track["levels"]] == [
        ("engineer-i", "Engineer I", 1), ("engineer-ii", "Engineer II", 2)]
    assert track["levels"][1]["expectations"]["technical-skill"] == [
        "Writes tests that match the risk of the change, and reviews others' code."]
    management = yaml.safe_load((out / "ladder" / "tracks" / "engineering-management.yml").read_text(encoding="utf-8"))
    assert management["kind"] == "management"
    competencies = yaml.safe_load((out / "ladder" / "competencies.yml").read_text(encoding="utf-8"))
    assert {c["id"]: c.get("tracks") for c in competencies["competencies"]} == {
        "technical-skill": ["engineering"], "delivery": None, "people-leadership": ["engineering-management"]}
    assert (tmp_path / "site" / "levels" / "engineer-ii" / "index.html").is_file()


def test_a_matrix_sheet_becomes_a_handbook_that_checks_clean(tmp_path: Path) -> None:
    out = imported(tmp_path, "csv", str(SHEETS / "matrix.csv"), "--track", "Software Engineering")
    assert run_cli("check", "--strict", "-c", str(out)).returncode == 0
    track = yaml.safe_load((out / "ladder" / "tracks" / "software-engineering.yml").read_text(encoding="utf-8"))
    assert [(lv["title"], lv["grade"]) for lv in track["levels"]] == [
        ("Engineer I", 1), ("Engineer II", 2), ("Senior Engineer", 3)]
    assert track["levels"][0]["expectations"]["technical-skill"] == ["Writes tested code.", "Asks for reviews early."]


def test_an_xlsx_workbook_is_read_like_its_csv(tmp_path: Path) -> None:
    from openpyxl import Workbook

    import csv

    book = Workbook()
    for row in csv.reader((SHEETS / "matrix.csv").read_text(encoding="utf-8").splitlines(keepends=True)):
        book.active.append(row)
    path = tmp_path / "framework.xlsx"
    book.save(path)
    out = imported(tmp_path, "xlsx", str(path), "--track", "Software Engineering")
    from_csv = imported(tmp_path / "csv", "csv", str(SHEETS / "matrix.csv"), "--track", "Software Engineering")
    rel = "ladder/tracks/software-engineering.yml"
    assert (out / rel).read_text() == (from_csv / rel).read_text()


@pytest.mark.parametrize("edit, where, words", [
    (("Engineer II,2,Delivery", "Engineer II,two,Delivery"), "5:3", "grade is 'two'; expected a whole number"),
    (("Engineer I,1,Delivery", "Engineer I,1,"), "3:4", "'competency' is empty"),
    (("Engineer II,2,Technical", "Engineer II,3,Technical"), "5:3", "level 'Engineer II' has grade 2 here and 3 above"),
])
def test_a_broken_row_is_reported_at_its_cell(edit: tuple[str, str], where: str, words: str, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text((SHEETS / "long.csv").read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    result = run_cli("import", "csv", str(sheet), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{sheet}:{where}: error: {words}" in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()


def test_a_sheet_in_neither_layout_or_a_folder_in_use_is_refused(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("name,score\nA,1\n", encoding="utf-8")
    result = run_cli("import", "csv", str(sheet), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and f"{sheet}:1:1: error: the header row names neither layout" in result.stderr
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("keep")
    result = run_cli("import", "csv", str(SHEETS / "long.csv"), "--out", str(used))
    assert result.returncode == 1 and (used / "notes.txt").read_text() == "keep"
