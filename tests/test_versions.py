"""A versioned framework: earlier versions read from git tags, what each changed on `changes/`,
and "changed in" on the level pages; nothing of it for a handbook outside git or untagged.

Git runs with a fixed identity, fixed dates and no user or system configuration, so the
repository (and so the site) is the same on every machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import EXAMPLE, render, run_cli

IC = "ladder/tracks/ic.yml"
COMP = "ladder/comp.yml"
WRITING = "text: Writes clear commit messages, pull-request descriptions and ticket updates."
REWORDED = "text: Writes plain commit messages, pull-request summaries and ticket notes."
ADDED = "Pairs with an intern for a week each summer."
US_ENGINEER_1 = "engineer-1: {min: 105000, mid: 120000, max: 135000}"
RAISED = "engineer-1: {min: 110000, mid: 126000, max: 142000}"


def git(repo: Path, *args: str, date: str = "2026-01-10T12:00:00+00:00") -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(repo.parent), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "Author", "GIT_AUTHOR_EMAIL": "author@example.org",
           "GIT_COMMITTER_NAME": "Author", "GIT_COMMITTER_EMAIL": "author@example.org",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", "-c", "user.name=Author", "-c", "user.email=author@example.org", "-c", "init.defaultBranch=main",
                    "-c", "tag.gpgSign=false", "-c", "commit.gpgSign=false", *args],
                   cwd=repo, env=env, check=True, capture_output=True)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def release(repo: Path, tag: str, date: str) -> None:
    git(repo, "add", "-A", date=date)
    git(repo, "commit", "-q", "-m", tag, date=date)
    git(repo, "tag", "-a", tag, "-m", tag, date=date)


def versioned(tmp: Path) -> Path:
    """The example in a repository with framework-v1 and framework-v2 tagged (v2: an expectation
    reworded, one added, a band raised) and a working tree declaring v3 (a switching rule changed)."""
    repo = tmp / "repo"
    content = repo / "handbook"
    shutil.copytree(EXAMPLE, content)
    handbook = content / "handbook.yml"
    handbook.write_text(handbook.read_text(encoding="utf-8") + "version: v1\neffective: 2026-02-01\n", encoding="utf-8")
    git(repo, "init", "-q")
    release(repo, "framework-v1", "2026-01-10T12:00:00+00:00")
    edit(handbook, "version: v1\neffective: 2026-02-01", "version: v2\neffective: 2026-04-01")
    edit(content / IC, WRITING, REWORDED)
    edit(content / IC, "        - Helps the next new joiner with setup and a first change.\n",
         f"        - Helps the next new joiner with setup and a first change.\n        - {ADDED}\n")
    edit(content / COMP, US_ENGINEER_1, RAISED)
    release(repo, "framework-v2", "2026-03-10T12:00:00+00:00")
    edit(handbook, "version: v2\neffective: 2026-04-01", "version: v3\neffective: 2026-09-01")
    edit(content / "ladder/mobility.yml", "min_months_between_switches: 12", "min_months_between_switches: 18")
    return content


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return versioned(tmp_path_factory.mktemp("versions"))


@pytest.fixture(scope="module")
def files(content: Path) -> dict[str, bytes]:
    return render(content).files


def soup(files: dict[str, bytes], path: str) -> BeautifulSoup:
    return BeautifulSoup(files[path].decode(), "html.parser")


def test_changes_lists_each_version_newest_first_with_its_dates(files: dict[str, bytes]) -> None:
    page = soup(files, "changes/index.html")
    headings = [h.get_text(strip=True) for h in page.select("section.version > h2")]
    assert headings == ["v3", "v2", "v1"]
    v2 = page.find(id="version-v2").find_parent("section")
    dates = v2.select_one(".version-dates").get_text(" ", strip=True)
    assert "Effective April 1, 2026" in dates and "framework-v2" in dates and "March 10, 2026" in dates
    assert "Compared with v1" in dates


def test_changes_shows_the_reworded_and_added_expectations_and_the_raised_band(files: dict[str, bytes]) -> None:
    entry = soup(files, "changes/index.html").find(id="version-v2-engineer-1").find_parent("section")
    items = {li.select_one(".badge").get_text(strip=True): li.get_text(" ", strip=True)
             for li in entry.select(".version-changes > li")}
    assert set(items) == {"Reworded", "Added"}
    assert "ticket notes" in items["Reworded"] and "Was: Writes" in items["Reworded"]
    assert ADDED in items["Added"] and "Mentoring" in items["Added"]
    band = entry.select_one(".version-bands li").get_text(" ", strip=True)
    assert "$105,000 – $135,000 → $110,000 – $142,000" in band
    assert "+$6,000" in band and "+5%" in band
    # only what changed: no other level is listed for v2, and v3 changed a switching rule alone
    page = soup(files, "changes/index.html")
    assert [h["id"] for h in page.find(id="version-v2").find_parent("section").select("h3")] == ["version-v2-engineer-1"]
    v3 = page.find(id="version-v3").find_parent("section").get_text(" ", strip=True)
    assert "Minimum months between switches: 18 (was: 12)" in v3


def test_a_changed_level_says_when_with_a_link_and_the_others_say_nothing(files: dict[str, bytes]) -> None:
    note = soup(files, "levels/engineer-1/index.html").select_one(".version-note")
    assert " ".join(note.get_text().split()) == "Changed in v2 (effective April 1, 2026)."
    assert note.a["href"] == "../../changes/#version-v2-engineer-1"
    assert soup(files, "levels/staff-engineer/index.html").select_one(".version-note") is None


def test_every_page_footer_names_the_version_and_links_to_what_changed(files: dict[str, bytes]) -> None:
    for path in ("index.html", "levels/staff-engineer/index.html", "changes/index.html"):
        footer = soup(files, path).select_one(".site-footer .framework-version")
        assert " ".join(footer.get_text().split()) == ("Version v3, effective September 1, 2026 · "
                                                       "What changed between versions"), path
        assert footer.a["href"].endswith("changes/"), path


def test_two_builds_are_byte_identical(content: Path, files: dict[str, bytes], tmp_path: Path) -> None:
    assert render(content).files == files


def test_outside_git_or_without_tags_there_is_no_page_and_one_line_says_why(content: Path, tmp_path: Path) -> None:
    loose = tmp_path / "loose"
    shutil.copytree(content, loose)
    result = run_cli("build", "--content", str(loose), "-o", str(tmp_path / "site1"), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "site1" / "changes").exists()
    infos = [line for line in result.stderr.splitlines() if line.startswith("info:")]
    assert len(infos) == 1 and "not in a git repository" in infos[0]
    footer = BeautifulSoup((tmp_path / "site1" / "index.html").read_text(), "html.parser").select_one(".framework-version")
    assert footer.get_text(strip=True) == "Version v3, effective September 1, 2026" and footer.a is None  # no page

    git(tmp_path, "init", "-q")  # a repository with no matching tag
    result = run_cli("build", "--content", str(loose), "-o", str(tmp_path / "site2"), "--no-cache")
    assert not (tmp_path / "site2" / "changes").exists()
    infos = [line for line in result.stderr.splitlines() if line.startswith("info:")]
    assert len(infos) == 1 and "no git tag matches 'framework-v*'" in infos[0]


def test_check_warns_of_an_earlier_effective_date_and_of_bands_changed_under_an_old_as_of(content: Path) -> None:
    handbook, comp = content / "handbook.yml", content / COMP
    saved = handbook.read_text(encoding="utf-8"), comp.read_text(encoding="utf-8")
    try:
        edit(handbook, "effective: 2026-09-01", "effective: 2026-03-01")
        edit(comp, "engineer-2: {min: 125000, mid: 145000, max: 165000}", "engineer-2: {min: 130000, mid: 150000, max: 170000}")
        result = run_cli("check", "--content", str(content), "--audience", "public")
        assert result.returncode == 0, result.stderr
        warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
        assert any("handbook.yml" in w and "before v2 (2026-04-01)" in w for w in warnings), warnings
        assert any("comp.yml" in w and "engineer-2 in us changed since v2" in w for w in warnings), warnings
        assert run_cli("check", "--content", str(content), "--audience", "public", "--strict").returncode == 1
    finally:
        handbook.write_text(saved[0], encoding="utf-8")
        comp.write_text(saved[1], encoding="utf-8")
    clean = run_cli("check", "--content", str(content), "--audience", "public")
    assert "changed since" not in clean.stderr and "takes effect" not in clean.stderr


DROPBOX = Path(__file__).resolve().parent / "fixtures" / "dropbox"
DELIVERS = "I deliver some of my team’s goals on time and with a high standard of quality"
SECRET = "Calibrated against the internal promotion committee's notes"


def test_a_restated_ladder_without_keys_is_matched_by_words_and_keeps_internal_changes_internal(tmp_path: Path) -> None:
    """Real wording (Dropbox's, restated, no keys), one tag and an untagged working tree: a
    reworded expectation is found by its words, a dropped one is removed, and an internal
    expectation added since is on the internal changes/ page only."""
    repo = tmp_path / "repo"
    shutil.copytree(DROPBOX, repo / "hb")
    git(repo, "init", "-q")
    release(repo, "framework-v1", "2026-05-02T09:30:00+02:00")
    track = repo / "hb" / IC
    edit(track, DELIVERS, "I deliver most of my team’s goals on time and with a high standard of quality")
    edit(track, "    - I make timely decisions but don’t cut corners that would compromise my customer’s trust\n", "")
    edit(track, "    direction:\n", f"    - text: {SECRET}\n      audience: internal\n    direction:\n")
    from ladderdocs.model.entities import INTERNAL

    public = soup(render(repo / "hb").files, "changes/index.html")
    assert [h.get_text(strip=True) for h in public.select("section.version > h2")] == ["Not yet released", "framework-v1"]
    entry = public.find(id="version-current-ic3").find_parent("section")
    kinds = [li.select_one(".badge").get_text(strip=True) for li in entry.select(".version-changes > li")]
    assert sorted(kinds) == ["Removed", "Reworded"]
    assert "most of my team’s goals" in entry.get_text() and "Tagged framework-v1 on May 2, 2026" in public.get_text()
    assert SECRET not in public.get_text()
    internal = soup(render(repo / "hb", audience=INTERNAL).files, "changes/index.html")
    assert SECRET in internal.find(id="version-current-ic3").find_parent("section").get_text()
