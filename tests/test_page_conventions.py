"""What a page carries beyond its text: its own description, its canonical address and link
previews, when it last changed (from git) and where to edit it, tags, dates, old addresses
that send readers on, drafts kept out, a theme's own settings and a favicon."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import MINI, render, run_cli


def git(root: Path, *args: str, date: str = "2026-03-04T10:00:00") -> None:
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@x",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@x", "HOME": str(root), "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


@pytest.fixture()
def handbook(tmp_path: Path) -> Path:
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    settings = content / "handbook.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "repo_url: https://github.com/mini/handbook\n"
                        "edit_uri: edit/main/handbook/\nextra:\n  team: Platform\n", encoding="utf-8")
    (content / "pages" / "guide.md").write_text(
        "---\ntitle: Guide\ndescription: How to read the ladder.\ndate: 2026-01-05\ntags: [reading, ladder]\n"
        "aliases: [old-guide/, help/guide/]\n---\nRead it.\n", encoding="utf-8")
    (content / "pages" / "later.md").write_text("---\ntitle: Later\ndraft: true\n---\nA draft not to publish yet.\n", encoding="utf-8")
    return content


def soup(files: dict[str, bytes], path: str) -> BeautifulSoup:
    return BeautifulSoup(files[path].decode("utf-8"), "html.parser")


def test_a_page_has_its_own_description_canonical_address_and_previews(handbook: Path) -> None:
    files = render(handbook).files
    page = soup(files, "guide/index.html")
    assert page.find("meta", attrs={"name": "description"})["content"] == "How to read the ladder."
    assert page.find("link", rel="canonical")["href"] == "https://mini.example/guide/"
    assert page.find("meta", property="og:title")["content"].startswith("Guide · ")
    assert page.find("meta", property="og:description")["content"] == "How to read the ladder."
    assert page.find("meta", attrs={"name": "twitter:card"})["content"] == "summary"
    internal = soup(render(handbook, audience="internal").files, "guide/index.html")
    assert internal.find("link", rel="canonical") is None  # an internal build is no public address
    assert page.find("link", rel="icon")["href"] == "../static/favicon.svg" and "static/favicon.svg" in files


def test_tags_date_and_the_edit_link(handbook: Path) -> None:
    page = soup(render(handbook).files, "guide/index.html")
    meta = page.select_one("article footer.page-meta")
    assert [t.get_text() for t in meta.select(".tag")] == ["reading", "ladder"]
    assert meta.find("time")["datetime"] == "2026-01-05"
    assert meta.find("a", string="Edit this page")["href"] == "https://github.com/mini/handbook/edit/main/handbook/pages/guide.md"


def test_the_last_change_comes_from_git_and_nothing_else(handbook: Path) -> None:
    assert "Last changed" not in soup(render(handbook).files, "faq/index.html").get_text()  # outside git: nothing
    git(handbook, "init", "-q")
    git(handbook, "add", ".")
    git(handbook, "commit", "-q", "-m", "first", date="2026-03-04T10:00:00")
    (handbook / "pages" / "faq.md").write_text((handbook / "pages" / "faq.md").read_text() + "\nMore.\n")
    git(handbook, "commit", "-q", "-am", "second", date="2026-05-06T10:00:00")
    files = render(handbook).files
    faq = soup(files, "faq/index.html").select_one(".page-meta time")
    guide = [t["datetime"] for t in soup(files, "guide/index.html").select(".page-meta time")]
    assert faq["datetime"] == "2026-05-06" and guide == ["2026-01-05", "2026-03-04"]
    (handbook / "pages" / "guide.md").touch()  # a file's time says nothing
    assert render(handbook).files == files


def test_old_addresses_send_readers_on_and_drafts_stay_out(handbook: Path) -> None:
    files = render(handbook).files
    for alias, up in (("old-guide/", "../"), ("help/guide/", "../../")):
        page = soup(files, f"{alias}index.html")
        assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == f"0; url={up}guide/"
        assert page.find("a")["href"] == f"{up}guide/" and not page.find("script")
    assert "later/index.html" not in files and b"A draft not to publish yet" not in b"".join(files.values())
    drafts = run_cli("build", "-c", str(handbook), "-o", str(handbook.parent / "site"), "--drafts")
    assert drafts.returncode == 0 and (handbook.parent / "site" / "later" / "index.html").is_file()
    (handbook / "pages" / "faq.md").write_text("---\ntitle: FAQ\n---\nSee [later](later.md).\n")
    result = run_cli("check", "-c", str(handbook))
    assert result.returncode == 1 and "a draft, which a build leaves out unless --drafts" in result.stderr


def test_an_alias_cannot_take_another_pages_address(handbook: Path) -> None:
    guide = handbook / "pages" / "guide.md"
    guide.write_text(guide.read_text().replace("aliases: [old-guide/, help/guide/]", "aliases: [faq/, tracks/x/]"))
    result = run_cli("check", "-c", str(handbook))
    assert result.returncode == 1
    assert f"{guide}:1:1: error: alias '/tracks/x/' is taken by ladderdocs' own 'tracks/' pages" in result.stderr
    assert f"{guide}:1:1: error: this page needs the address 'faq/index.html'" in result.stderr
