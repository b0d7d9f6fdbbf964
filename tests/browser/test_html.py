"""Valid HTML by the Nu HTML Checker: one Java run over the whole build, one verdict per page."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import gate


@pytest.fixture(scope="session")
def vnu_report(site: Path) -> dict[Path, list[str]]:
    return gate.vnu_errors([site / rel for rel in gate.html_pages(site)])


def test_valid_html(vnu_report: dict[Path, list[str]], site: Path, page_path: str) -> None:
    assert vnu_report[(site / page_path).resolve()] == []


def test_checker_saw_only_our_pages(vnu_report: dict[Path, list[str]], site: Path) -> None:
    """An error filed under an unexpected path would otherwise go unreported."""
    pages = {(site / rel).resolve() for rel in gate.html_pages(site)}
    assert {path for path, errors in vnu_report.items() if errors} <= pages
