"""What authors bring from GitHub and other tools: alerts, task lists, footnotes and definition
lists render as readers expect; another tool's callout syntax is a warning, not silent text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import MINI, render, run_cli

PAGE = """---
title: Habits
---
Intro.

> [!NOTE]
> A note.

> [!TIP]
> A tip.

> [!IMPORTANT]
> Important.

> [!WARNING]
> A warning.

> [!CAUTION]
> A caution.

- [x] written
- [ ] reviewed

Grade
: A step of weight that aligns levels across tracks.

A claim.[^why]

[^why]: The reason for it.
"""


@pytest.fixture()
def habits(tmp_path: Path) -> BeautifulSoup:
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    (content / "pages" / "habits.md").write_text(PAGE, encoding="utf-8")
    files = render(content, strict=True).files
    return BeautifulSoup(files["habits/index.html"].decode("utf-8"), "html.parser")


def test_github_alerts_are_asides_a_screen_reader_announces(habits: BeautifulSoup) -> None:
    asides = habits.select("article aside.alert")
    assert [(a["role"], a["class"][1], a.select_one(".alert-title").get_text()) for a in asides] == [
        ("note", "alert-note", "Note"), ("note", "alert-tip", "Tip"), ("note", "alert-important", "Important"),
        ("note", "alert-warning", "Warning"), ("note", "alert-caution", "Caution")]
    assert "[!NOTE]" not in habits.get_text()


def test_task_lists_footnotes_and_definitions_render(habits: BeautifulSoup) -> None:
    items = habits.select("li.task-list-item")
    assert [re.sub(r"\s+", " ", li.get_text(" ", strip=True)) for li in items] == ["☑ Done: written", "☐ To do: reviewed"]
    assert all(li.select_one(".task-sign")["aria-hidden"] == "true" for li in items)
    assert not habits.select("article input")  # no unlabelled form control
    assert habits.select_one("article dl dt").get_text() == "Grade"
    ref = habits.select_one("sup.footnote-ref a")
    note = habits.find(id=ref["href"][1:])
    assert note is not None and "The reason for it." in note.get_text()


@pytest.mark.parametrize("written, what", [
    ("!!! note\n    Careful.\n", "an admonition as MkDocs writes it"),
    ("??? tip \"More\"\n    Folded.\n", "an admonition as MkDocs writes it"),
    (":::note\nCareful.\n:::\n", "a container as Docusaurus or pandoc writes it"),
    ("```{note}\nCareful.\n```\n", "a directive as MyST writes it"),
])
def test_another_tools_callout_is_a_warning_at_its_line(written: str, what: str, tmp_path: Path) -> None:
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    page = content / "pages" / "callout.md"
    page.write_text("---\ntitle: Callout\n---\nIntro.\n\n" + written, encoding="utf-8")
    relaxed = run_cli("check", "-c", str(content))
    assert relaxed.returncode == 0
    assert f"{page}:6:1: warning:" in relaxed.stderr and what in relaxed.stderr
    assert run_cli("check", "--strict", "-c", str(content)).returncode == 1
