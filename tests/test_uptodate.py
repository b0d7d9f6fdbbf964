"""A build over an unchanged handbook and an untouched output folder is not run (uptodate.py,
issue 15): it says what the last build said and writes nothing. Any change to what a build
reads, or to the output folder, runs it again, and the site is then the one a cold build makes."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Callable

import pytest

from conftest import REPO, tree_bytes
from ladderdocs import cli, uptodate
from ladderdocs.render.cache import CACHE_DIR
from ladderdocs.site import Options, build

MINI = REPO / "tests" / "fixtures" / "mini"
SKIPPED = "(0 rendered: nothing changed since the last build)"


@pytest.fixture(autouse=True)
def settled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files a test has just written count as settled; one test checks the real rule."""
    monkeypatch.setattr(uptodate, "SETTLED_S", 0)


def copy(tmp_path: Path) -> Path:
    content = tmp_path / "hb" / "content"
    shutil.copytree(MINI, content)
    (content / "pages" / "extra.md").write_text("---\ntitle: Extra\n---\nA page no other page links to.\n")
    return content


def run(content: Path, out: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = cli.main(["build", "-c", str(content), "-o", str(out), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def stats(out: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(out).as_posix(): (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.rglob("*")}


def cold(content: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "cold"
    shutil.rmtree(out, ignore_errors=True)
    build(content, out, Options(workers=1))
    return tree_bytes(out)


def test_an_unchanged_build_is_not_run_and_says_what_the_last_one_said(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    content, out = copy(tmp_path), tmp_path / "site"
    faq = content / "pages" / "faq.md"
    faq.write_text(faq.read_text(encoding="utf-8") + "\n:::note\nKeep this.\n:::\n", encoding="utf-8")
    first = run(content, out, capsys)
    before = stats(out)
    again = run(content, out, capsys)
    assert first[0] == again[0] == 0 and SKIPPED not in first[1]
    assert SKIPPED in again[1], again[1]
    assert stats(out) == before  # not a file written, not even the marker
    assert "faq.md" in again[2] and "looks like a container" in again[2]  # its warning, told again
    assert again[1].split(" into ")[0] == first[1].split(" into ")[0]  # "built N pages (public)"
    strict = run(content, out, capsys, "--strict")
    assert strict[0] == 1 and "looks like a container" in strict[2]  # --strict fails as it did cold


def _git(content: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(content), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   check=True, capture_output=True)


def _commit(content: Path) -> None:
    _git(content, "init", "-q")
    _git(content, "add", ".")
    _git(content, "commit", "-q", "-m", "first", "--date=2026-01-02T00:00:00")


def _same_size_edit(content: Path) -> None:
    """The kind an editor makes: same length, same inode."""
    faq = content / "pages" / "faq.md"
    text = faq.read_text(encoding="utf-8")
    with open(faq, "r+", encoding="utf-8") as f:
        f.write(text.replace("a", "e", 1))


CHANGES: dict[str, Callable[[Path, Path], None]] = {
    "prose page, same size": lambda c, o: _same_size_edit(c),
    "level file": lambda c, o: (c / "ladder" / "tracks" / "ic.yml").write_text(
        (c / "ladder" / "tracks" / "ic.yml").read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8"),
    "page added": lambda c, o: (c / "pages" / "new.md").write_text("---\ntitle: New\n---\nNew page.\n"),
    "page removed": lambda c, o: (c / "pages" / "extra.md").unlink(),
    "asset added": lambda c, o: (c / "assets").mkdir() or (c / "assets" / "note.txt").write_text("hello"),
    "handbook.yml": lambda c, o: (c / "handbook.yml").write_text(
        (c / "handbook.yml").read_text(encoding="utf-8") + "\n", encoding="utf-8"),
    "output file removed": lambda c, o: (o / "faq" / "index.html").unlink(),
    "output file changed": lambda c, o: (o / "faq" / "index.html").write_text("vandalised"),
    "output file added": lambda c, o: (o / "stray.html").write_text("<p>not ours</p>"),
    "output folder added": lambda c, o: (o / "empty").mkdir(),
    "git commit": lambda c, o: _git(c, "commit", "-q", "--allow-empty", "-m", "second"),
    "git tag": lambda c, o: _git(c, "tag", "framework-v1"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_runs_the_build_and_the_site_is_the_cold_one(tmp_path: Path, change: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    content, out = copy(tmp_path), tmp_path / "site"
    _commit(content)
    run(content, out, capsys)
    assert SKIPPED in run(content, out, capsys)[1]
    CHANGES[change](content, out)
    code, said, _ = run(content, out, capsys)
    assert code == 0 and SKIPPED not in said, said
    assert tree_bytes(out) == cold(content, tmp_path)
    assert SKIPPED in run(content, out, capsys)[1]  # and the build after that finds nothing to do


def test_other_options_a_theme_the_day_and_the_code_each_count(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    content, out = copy(tmp_path), tmp_path / "site"
    run(content, out, capsys)
    assert SKIPPED not in run(content, out, capsys, "--audience", "internal")[1]
    assert SKIPPED in run(content, out, capsys, "--audience", "internal")[1]
    assert SKIPPED not in run(content, out, capsys)[1]  # public again: the folder holds the internal site
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # staleness is judged against another day
    assert SKIPPED not in run(content, out, capsys)[1]
    theme = content / "theme" / "templates"
    theme.mkdir(parents=True)
    (theme / "base.html").write_text('{% extends "default/base.html" %}')
    (content / "handbook.yml").write_text((content / "handbook.yml").read_text(encoding="utf-8") + "theme: theme\n",
                                          encoding="utf-8")
    run(content, out, capsys)
    (theme / "base.html").write_text('{% extends "default/base.html" %}{% block footer %}<p>Ours</p>{% endblock %}')
    assert SKIPPED not in run(content, out, capsys)[1]  # a template of the handbook's theme
    assert "<p>Ours</p>" in (out / "index.html").read_text(encoding="utf-8")
    monkeypatch.setattr(uptodate, "code_signature", lambda: ("another ladderdocs",))
    assert SKIPPED not in run(content, out, capsys)[1]
    assert SKIPPED not in run(content, out, capsys, "--no-cache")[1]


def test_a_file_changed_just_before_the_build_is_not_trusted(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A file system's clock ticks coarsely: an edit in the same tick as the build's read would
    keep every time of the file. No record is kept until every input has been still a while."""
    monkeypatch.setattr(uptodate, "SETTLED_S", 2)
    content, out = copy(tmp_path), tmp_path / "site"
    run(content, out, capsys)
    assert SKIPPED not in run(content, out, capsys)[1]
    assert not list((content.parent / CACHE_DIR).glob("uptodate-*"))
    time.sleep(uptodate.SETTLED_S + 0.1)
    assert SKIPPED not in run(content, out, capsys)[1]  # the first build to begin once all is still
    assert SKIPPED in run(content, out, capsys)[1]
