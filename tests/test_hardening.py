"""What an attack round and a new user's mistakes broke (issue 12), each kept fixed.

Every test names the item it guards. Most run the command line as an author does; each
would fail on the code before the fix.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import EXAMPLE, MINI, REPO, built, render, run_cli, tree_bytes
from ladderdocs.errors import ContentError
from ladderdocs.outputs.write import MARKER
from ladderdocs.site import Options, build
from ladderdocs.text.markdown import make_markdown


def copy(tmp_path: Path, name: str = "handbook") -> Path:
    target = tmp_path / name
    shutil.copytree(MINI, target)
    return target


def problems(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    return [line for line in result.stderr.splitlines() if re.match(r"\S+:\d+:\d+: (error|warning): ", line)]


# -- 1. no address can start a script ------------------------------------------------------------
SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
LINK_ATTRIBUTES = ("href", "src", "data-href", "action", "data-root", "data-index", "data-excerpts")


def schemes(files: dict[str, bytes]) -> list[str]:
    """Every link of a site (HTML attributes, the search index's addresses) whose scheme is not http(s) or mailto."""
    found = []
    for path, data in files.items():
        if path.endswith(".html"):
            for tag in BeautifulSoup(data.decode("utf-8"), "html.parser").find_all(True):
                for attribute in LINK_ATTRIBUTES:
                    match = SCHEME.match(str(tag.get(attribute) or ""))
                    if match and match.group(1).lower() not in ("http", "https", "mailto"):
                        found.append(f"{path}: {attribute}={tag.get(attribute)}")
        elif path == "search-index.js":
            urls = re.findall(r'\[\d+,"([^"]*)"', data.decode("utf-8"))
            found += [f"{path}: {url}" for url in urls if SCHEME.match(url)]
    return found


def test_a_page_file_name_cannot_make_a_script_link(tmp_path: Path) -> None:
    content = copy(tmp_path)
    evil = content / "pages" / "javascript:console.log('x')<!--.md"
    evil.write_text("---\ntitle: X\nnav: true\n---\nHi.\n", encoding="utf-8")
    (content / "pages" / "javascript:alert(1)").mkdir()
    (content / "pages" / "javascript:alert(1)" / "page.md").write_text("---\ntitle: Y\n---\nHi.\n", encoding="utf-8")
    result = run_cli("build", "-c", str(content), "-o", str(tmp_path / "site"), "--file-mode")
    assert result.returncode == 1
    found = problems(result)
    assert any(line.startswith(f"{evil}:") and "holds ':'" in line for line in found), result.stderr
    assert any("javascript:alert(1)/page.md" in line for line in found), result.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("how", [(), ("--audience", "internal"), ("--file-mode",)])
def test_no_built_link_starts_with_a_scheme_but_the_web_ones(how: tuple[str, ...], tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_cli("build", "-c", str(EXAMPLE), "-o", str(site), *how).returncode == 0
    assert schemes(tree_bytes(site)) == []


def test_the_scheme_check_sees_a_script_link() -> None:
    assert schemes({"a.html": b'<a href=" JavaScript:alert(1)">x</a><a href="https://x">y</a>'}) == [
        'a.html: href= JavaScript:alert(1)']


# -- 2. hidden files under assets/ ---------------------------------------------------------------
def test_hidden_files_and_folders_under_assets_are_not_published(tmp_path: Path) -> None:
    content = copy(tmp_path)
    assets = content / "assets"
    (assets / ".git").mkdir(parents=True)
    (assets / ".git" / "config").write_text("[remote] url = secret\n")
    (assets / ".env").write_text("TOKEN=secret\n")
    (assets / "img").mkdir()
    (assets / "img" / ".logo.svg.swp").write_text("swap")
    (assets / "img" / "logo.svg").write_text("<svg/>")
    files = render(content).files
    assert "assets/img/logo.svg" in files
    assert not [path for path in files if "/." in path and path.startswith("assets/")]


# -- 3. --out never deletes what ladderdocs did not write ---------------------------------------
def test_an_output_folder_inside_the_handbook_is_refused(tmp_path: Path) -> None:
    content = copy(tmp_path)
    before = tree_bytes(content)
    for out in (content / "pages", content / "pages" / "site", content / "ladder", content):
        result = run_cli("build", "-c", str(content), "-o", str(out))
        assert result.returncode == 1 and problems(result), out
    assert tree_bytes(content) == before


def test_a_folder_of_other_files_or_a_file_is_not_replaced(tmp_path: Path) -> None:
    content = copy(tmp_path)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("keep me")
    afile = tmp_path / "afile"
    afile.write_text("keep me too")
    for out in (docs, afile):
        result = run_cli("build", "-c", str(content), "-o", str(out))
        assert result.returncode == 1 and "--force" in result.stderr or "not a folder" in result.stderr
    assert (docs / "notes.txt").read_text() == "keep me" and afile.read_text() == "keep me too"
    assert run_cli("build", "-c", str(content), "-o", str(docs), "--force").returncode == 0
    assert not (docs / "notes.txt").exists() and (docs / MARKER).is_file()
    assert run_cli("build", "-c", str(content), "-o", str(docs)).returncode == 0  # its own site: replaced


def test_a_site_of_an_earlier_version_is_still_replaced(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for name in (".nojekyll", "robots.txt", "search-index.js", "index.html"):
        (site / name).write_text("old")
    assert run_cli("build", "-c", str(copy(tmp_path)), "-o", str(site)).returncode == 0
    assert (site / MARKER).is_file() and (site / "index.html").read_text() != "old"


# -- 4. no handbook, no example ------------------------------------------------------------------
def test_a_folder_without_a_handbook_builds_nothing(tmp_path: Path) -> None:
    for verb in ("build", "check"):
        result = run_cli(verb, "--strict", cwd=tmp_path)
        assert result.returncode == 2 and "no handbook here" in result.stderr and "--example" in result.stderr
    assert not (tmp_path / "site").exists()
    assert run_cli("build", "--example", cwd=tmp_path).returncode == 0
    assert "Juniper" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


# -- 5. check looks at every audience ------------------------------------------------------------
def test_check_finds_a_broken_link_in_an_internal_page(tmp_path: Path) -> None:
    content = copy(tmp_path)
    page = content / "pages" / "notes.md"
    page.write_text("---\ntitle: Notes\naudience: internal\n---\nSee [the plan](plan.md).\n", encoding="utf-8")
    result = run_cli("check", "-c", str(content))
    assert result.returncode == 1 and any(line.startswith(f"{page}:5:") for line in problems(result))
    assert run_cli("check", "-c", str(content), "--audience", "public").returncode == 0


# -- 6. every way of linking an internal page -----------------------------------------------------
def test_every_link_to_an_internal_page_is_a_problem(tmp_path: Path) -> None:
    content = copy(tmp_path)
    (content / "pages" / "secret.md").write_text("---\ntitle: Secret\naudience: internal\n---\nShh.\n")
    links = ["secret.md?a=1", "secret.MD", "secret/", "../secret/", "secret.md/", "./secret.md#top"]
    lines = [f"[x]({link})" for link in links] + ["![x](secret.md)"]
    page = content / "pages" / "links.md"
    page.write_text("---\ntitle: Links\n---\n" + "\n\n".join(lines) + "\n\n[fine](faq.md?x=1#y)\n", encoding="utf-8")
    result = run_cli("build", "-c", str(content), "-o", str(tmp_path / "site"))
    assert result.returncode == 1
    found = problems(result)
    for n, line in enumerate(lines):
        assert any(p.startswith(f"{page}:{4 + 2 * n}:1: error: link to") and "marked internal" in p for p in found), line
    assert len(found) == len(lines)


# -- 7. a zone with no public bands --------------------------------------------------------------
@pytest.mark.parametrize("how", ["no band set", "only an internal band set"])
def test_a_public_zone_without_public_bands_builds_and_says_so(how: str, tmp_path: Path) -> None:
    content = copy(tmp_path)
    comp = content / "ladder" / "comp.yml"
    text = comp.read_text(encoding="utf-8")
    zone = "  - id: uk\n    title: United Kingdom\n    currency: GBP\n"
    text = text.replace("band_sets:\n", zone + "band_sets:\n", 1)
    if how == "only an internal band set":
        text += "  - zone: uk\n    as_of: 2026-07-01\n    source: Internal review\n    audience: internal\n" \
                "    bands:\n      dev: {min: 60000, max: 70000}\n"
    comp.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    result = run_cli("build", "-c", str(content), "-o", str(site))
    assert result.returncode == 0, result.stderr
    widget = (site / "embed" / "parity" / "uk" / "index.html").read_text(encoding="utf-8")
    assert "No band is published in United Kingdom." in widget
    assert "No band is published in United Kingdom." in (site / "parity" / "uk" / "index.html").read_text()


# -- 8. symbolic link loops ----------------------------------------------------------------------
def test_links_that_lead_nowhere_are_problems_not_crashes(tmp_path: Path) -> None:
    content = copy(tmp_path)
    (content / "pages" / "self.md").symlink_to("self.md")
    (content / "ladder" / "tracks" / "loop.yml").symlink_to("loop.yml")
    (content / "ladder" / "comp.yml").unlink()
    (content / "ladder" / "comp.yml").symlink_to("comp.yml")
    (content / "assets").mkdir()
    (content / "assets" / "gone.png").symlink_to("missing.png")
    result = run_cli("build", "-c", str(content), "-o", str(tmp_path / "site"))
    assert result.returncode == 1
    names = {Path(line.split(":")[0]).name for line in problems(result) if "leads to no file" in line}
    assert names == {"self.md", "loop.yml", "comp.yml", "gone.png"}


# -- 9. a killed build ---------------------------------------------------------------------------
def test_the_next_build_clears_what_killed_builds_left(tmp_path: Path) -> None:
    content, site = copy(tmp_path), tmp_path / "site"
    assert run_cli("build", "-c", str(content), "-o", str(site), "--no-cache").returncode == 0
    gone_pid = 4_000_000  # above pid_max: no process has it
    for name in (f".site.new-{gone_pid}-abc", f".site.old-{gone_pid}-def", ".site.new-x1y2z3"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text("half")
    assert run_cli("build", "-c", str(content), "-o", str(site), "--no-cache").returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handbook", "site"]


def test_a_site_moved_aside_by_a_killed_build_is_put_back(tmp_path: Path) -> None:
    """Killed between its two renames, a build leaves no site/ but the old one aside: the next
    build, even one that fails, puts it back first."""
    content, site = copy(tmp_path), tmp_path / "site"
    assert run_cli("build", "-c", str(content), "-o", str(site)).returncode == 0
    good = tree_bytes(site)
    site.rename(tmp_path / ".site.old-4000000-abc")
    (content / "handbook.yml").write_text("title: [broken\n")
    assert run_cli("build", "-c", str(content), "-o", str(site)).returncode == 1
    assert tree_bytes(site) == good


def test_a_failed_write_is_an_error_each_file_is_old_or_new_and_the_next_build_completes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content, site = copy(tmp_path), tmp_path / "site"
    build(content, site)
    old = tree_bytes(site)
    settings = content / "handbook.yml"
    settings.write_text(settings.read_text().replace("title: ", "title: New ", 1))  # every page changes
    real_replace, calls = os.replace, []

    def full_disk_at_the_third(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", full_disk_at_the_third)
    with pytest.raises(ContentError, match="cannot write the site"):
        build(content, site, Options())
    monkeypatch.undo()
    left = tree_bytes(site)
    assert left.keys() == old.keys() and sum(left[rel] != old[rel] for rel in left) == 2  # no temporary file
    build(content, site)
    assert tree_bytes(site) == tree_bytes(built(content, tmp_path / "cold"))


# -- 11. cost bounded by input size --------------------------------------------------------------
def growth(make: str, n: int) -> float:
    """How much longer parsing 4n repeats of `make` takes than n repeats: about 4 when linear,
    16 when quadratic. A ratio of one machine's times, so no absolute target (bench/ has those)."""
    md = make_markdown(False)

    def seconds(count: int) -> float:  # the best of two: another process may take the core for a moment
        times = []
        for _ in range(2):
            started = time.process_time()
            md.parse(make * count, {})
            times.append(time.process_time() - started)
        return min(times)

    return seconds(4 * n) / max(seconds(n), 1e-3)


@pytest.mark.parametrize("make", ["[[level:", "## same\n\n"])
def test_unclosed_references_and_equal_headings_cost_linear_time(make: str) -> None:
    assert growth(make, 3_000) < 10


# -- 12. what a ladder can make ------------------------------------------------------------------
def test_too_many_levels_at_one_grade_is_refused(tmp_path: Path) -> None:
    content = copy(tmp_path)
    track = content / "ladder" / "tracks" / "ic.yml"
    extra = "".join(f"  - id: dev-{n}\n    title: Developer {n}\n    grade: 1\n    summary: More.\n"
                    f"    expectations:\n      coding:\n        - Writes code.\n" for n in range(6))
    text = track.read_text(encoding="utf-8")
    track.write_text(text.replace("  - id: senior-dev", extra + "  - id: senior-dev"), encoding="utf-8")
    found = problems(run_cli("check", "-c", str(content)))
    assert any(line.startswith(f"{track}:") and "more than 5 levels at grade 1" in line for line in found)


def test_a_ladder_that_needs_thousands_of_comparison_pages_is_refused(tmp_path: Path) -> None:
    content = copy(tmp_path)
    tracks = content / "ladder" / "tracks"
    competencies = content / "ladder" / "competencies.yml"
    competencies.write_text(competencies.read_text().replace("    tracks: [mgmt]\n", ""), encoding="utf-8")
    for t in range(40):
        levels = "".join(f"  - id: t{t}-l{g}-{k}\n    title: T{t} L{g} {k}\n    grade: {g}\n    summary: S.\n"
                         f"    expectations: {{coding: [C.], leading: [L.]}}\n" for g in range(1, 4) for k in range(3))
        (tracks / f"t{t}.yml").write_text(f"id: t{t}\ntitle: Track {t}\nkind: ic\nsummary: S.\nlevels:\n{levels}")
    found = problems(run_cli("check", "-c", str(content)))
    assert any("pages comparing same-grade levels" in line and "expected at most 5000" in line for line in found)


# -- 13. size limits -----------------------------------------------------------------------------
def test_a_huge_file_or_string_is_refused_before_it_is_used(tmp_path: Path) -> None:
    content = copy(tmp_path)
    page = content / "pages" / "huge.md"
    page.write_text("---\ntitle: Huge\n---\n" + "word " * 500_000, encoding="utf-8")
    track = content / "ladder" / "tracks" / "ic.yml"
    track.write_text(track.read_text().replace("summary: Builds features.", "summary: " + "x" * 30_000), encoding="utf-8")
    found = problems(run_cli("check", "-c", str(content)))
    assert any(line.startswith(f"{page}:1:1:") and "expected at most 2,000,000 bytes" in line for line in found)
    assert any(line.startswith(f"{track}:") and "expected at most 20,000 characters" in line for line in found)


# -- 15. messages a migrating author met ----------------------------------------------------------
def test_messages_name_the_right_line_and_suggest_the_fix(tmp_path: Path) -> None:
    content = copy(tmp_path)
    ic, mgmt = content / "ladder" / "tracks" / "ic.yml", content / "ladder" / "tracks" / "mgmt.yml"
    ic.write_text(ic.read_text().replace("  - id: senior-dev", "  - id: Senior-Dev").replace(
        "      coding:\n        - Writes tested code.", "      Decision Making:\n        - Writes tested code."))
    mgmt_text = mgmt.read_text().replace("- Runs weekly one-to-ones.", "- Note: runs weekly one-to-ones.")
    mgmt.write_text(mgmt_text)
    faq = content / "pages" / "faq.md"
    faq.write_text(faq.read_text().replace("title: FAQ", "title: FAQ\ncolour: red\nweight: 3"))
    found = problems(run_cli("check", "-c", str(content)))
    ic_lines = ic.read_text().splitlines()
    decision = ic_lines.index("      Decision Making:") + 1
    assert f"{ic}:{decision}:7: error: the key 'Decision Making' under 'expectations' is no id; expected " \
           "lower-case words joined by '-', such as 'decision-making' (an id, not a title)" in found
    assert any(line.startswith(f"{ic}:") and "'Senior-Dev'" in line and "such as 'senior-dev'" in line for line in found)
    note = mgmt_text.splitlines().index("        - Note: runs weekly one-to-ones.") + 1
    assert any(line.startswith(f"{mgmt}:{note}:") and "put it in quotes" in line for line in found)
    assert any(line.startswith(f"{faq}:3:") and "'colour'" in line for line in found)
    assert any(line.startswith(f"{faq}:4:") and "'weight'" in line for line in found)


def test_a_duplicate_id_names_the_line_of_the_first(tmp_path: Path) -> None:
    content = copy(tmp_path)
    ic, mgmt = content / "ladder" / "tracks" / "ic.yml", content / "ladder" / "tracks" / "mgmt.yml"
    mgmt.write_text(mgmt.read_text().replace("  - id: manager", "  - id: dev", 1))
    first = ic.read_text().splitlines().index("  - id: dev") + 1
    second = mgmt.read_text().splitlines().index("  - id: dev") + 1
    found = problems(run_cli("check", "-c", str(content)))
    assert f"{mgmt}:{second}:5: error: duplicate level id 'dev' (first at {ic}:{first}); expected each id once" in found


def test_one_of_a_kind_is_singular(tmp_path: Path) -> None:
    content = tmp_path / "one"
    shutil.copytree(MINI, content)
    (content / "ladder" / "tracks" / "mgmt.yml").unlink()
    (content / "pages" / "faq.md").unlink()
    (content / "pages" / "index.md").write_text("---\ntitle: Home\n---\nHello.\n")
    (content / "ladder" / "comp.yml").write_text((content / "ladder" / "comp.yml").read_text().replace(
        "      manager: {min: 130000, max: 160000}\n", ""))
    (content / "ladder" / "mobility.yml").unlink()
    competencies = content / "ladder" / "competencies.yml"
    competencies.write_text(competencies.read_text().split("  - id: leading")[0].replace(
        "  - id: people\n    title: People\n", ""))
    result = run_cli("check", "-c", str(content), "--audience", "public")
    assert result.returncode == 0, result.stderr
    assert "ok (public): 1 track, 2 levels, 1 competency, 1 page;" in result.stdout


def test_percentages_round_half_up(tmp_path: Path) -> None:
    """7,000 below 112,000 is 6.25%: shown as 6.3%, as a reader rounds (not 6.2%)."""
    content = copy(tmp_path)
    comp = content / "ladder" / "comp.yml"
    comp.write_text(comp.read_text().replace("senior-dev: {min: 130000, max: 160000}", "senior-dev: {min: 105000, max: 160000}")
                    .replace("manager: {min: 130000, max: 160000}", "manager: {min: 112000, max: 160000}"))
    result = run_cli("check", "-c", str(content))
    assert "is 6.3% below" in result.stderr, result.stderr


# -- 10 and 14. the preview server -----------------------------------------------------------------
from test_serve import WAIT, start_serve, stop, wait_for  # noqa: E402


def test_serve_follows_a_handbook_folder_deleted_and_made_again_or_renamed_over(tmp_path: Path) -> None:
    content = copy(tmp_path)
    running = start_serve(content, tmp_path / "site")
    try:
        faq = "faq/index.html"
        shutil.rmtree(content)
        shutil.copytree(MINI, content)
        (content / "pages" / "faq.md").write_text("---\ntitle: FAQ\n---\nMade again.\n")
        wait_for(lambda: "Made again." in running.html(faq), what="an edit in a folder deleted and made again")
        fresh = tmp_path / "fresh"
        shutil.copytree(MINI, fresh)
        (fresh / "pages" / "faq.md").write_text("---\ntitle: FAQ\n---\nRenamed over.\n")
        content.rename(tmp_path / "old")
        fresh.rename(content)
        wait_for(lambda: "Renamed over." in running.html(faq), what="an edit in a folder renamed over the old one")
        wait_for(lambda: any("watching it again" in line or "watching stopped" in line for line in running.output),
                 what="serve saying it watches the folder again")
    finally:
        stop(running.proc)


def test_serve_bounds_its_connections_and_urls(tmp_path: Path) -> None:
    from ladderdocs.serve.http import IDLE_S, MAX_CONNECTIONS, MAX_URL

    content, site = copy(tmp_path), tmp_path / "site"
    running = start_serve(content, site)
    try:
        idle = [socket.create_connection(("127.0.0.1", running.port)) for _ in range(MAX_CONNECTIONS + 10)]
        time.sleep(0.5)
        refused = 0
        for sock in idle[MAX_CONNECTIONS:]:  # beyond the cap: closed at once
            sock.settimeout(WAIT)
            refused += sock.recv(1) == b""
        assert refused == 10
        time.sleep(IDLE_S + 1)
        for sock in idle[:MAX_CONNECTIONS]:  # idle: closed after IDLE_S, their threads gone
            sock.settimeout(WAIT)
            assert sock.recv(1) == b""
            sock.close()
        assert running.request(running.base)[0] == 200
        assert running.request(running.base + "x" * (MAX_URL + 1))[0] == 414
        assert running.request(running.base + "a" * 65_536)[0] == 414
        (site / "realdir").mkdir()
        (site / "realdir" / "index.html").symlink_to("/etc/passwd")
        status, _, body = running.request(running.base + "realdir/")
        assert status == 403 and b"root:" not in body
    finally:
        stop(running.proc)
    assert not any("Traceback" in line or "OSError" in line for line in running.output)
