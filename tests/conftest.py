"""Shared fixtures: the repo's paths and builds of the example and the mini handbook."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
from dataclasses import replace
from playwright.sync_api import Browser, sync_playwright

from ladderdocs.errors import Problem
from ladderdocs.model.entities import PUBLIC, Handbook
from ladderdocs.site import Options, Pipeline, Site

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLE = REPO / "content"
MINI = FIXTURES / "mini"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The command line exactly as an author runs it, in a separate process."""
    return subprocess.run([sys.executable, "-m", "ladderdocs", *args], cwd=cwd or REPO,
                          capture_output=True, text=True, timeout=120)


def load_model(content: Path, audience: str = PUBLIC, strict: bool = False) -> tuple[Handbook, list[Problem]]:
    """The model `build` renders, and the warnings found on the way."""
    return Pipeline(content, Options(audience, strict)).model()


def render(content: Path, audience: str = PUBLIC, strict: bool = False, file_mode: bool = False) -> Site:
    """Every file `build` would write, in memory (the search index included)."""
    pipeline = Pipeline(content, Options(audience, strict, file_mode))
    site = pipeline.run()
    return replace(site, files={**site.files, **pipeline.search_index(site)})


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def built(content: Path, out: Path, *options: str) -> Path:
    """`out` after a successful `ladderdocs build` of `content` with `options`."""
    result = run_cli("build", "--content", str(content), "--out", str(out), *options)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(EXAMPLE, tmp_path_factory.mktemp("example") / "site")


@pytest.fixture(scope="session")
def internal_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(EXAMPLE, tmp_path_factory.mktemp("internal") / "site", "--audience", "internal")


@pytest.fixture()
def mini_copy(tmp_path: Path) -> Path:
    target = tmp_path / "handbook"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the whole run: Playwright allows one sync session."""
    from browser.gate import launch

    with sync_playwright() as playwright:
        launched = launch(playwright)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def stale_example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with its Nepal band set dated 2025-09-01: older than a year on the handbook's as_of."""
    root = tmp_path_factory.mktemp("stale")
    content = root / "content"
    shutil.copytree(EXAMPLE, content)
    comp = content / "ladder" / "comp.yml"
    text = comp.read_text(encoding="utf-8")
    start = text.index("  - zone: np")
    comp.write_text(text[:start] + text[start:].replace("as_of: 2026-03-01", "as_of: 2025-09-01", 1), encoding="utf-8")
    built(content, root / "site")
    return root
