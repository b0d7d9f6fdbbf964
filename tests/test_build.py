"""What a reader and an author of the example handbook see after `ladderdocs build`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Tag

from conftest import EXAMPLE, MINI, REPO, built, load_model, run_cli, tree_bytes


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_entity_has_its_page(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    assert (example_site / "index.html").is_file()
    expected = ([t.url for t in handbook.tracks] + [lv.url for lv in handbook.level_by_id.values()]
                + [c.url for c in handbook.competencies] + [p.url for p in handbook.pages])
    missing = [url for url in expected if not (example_site / url / "index.html").is_file()]
    assert not missing
    assert len(handbook.tracks) >= 3 and len(handbook.competencies) >= 8 and len(handbook.pages) >= 6


def test_level_page_shows_what_a_reader_needs(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    ic = handbook.track_by_id["ic"]
    level = ic.levels[2]
    page = soup(example_site / level.url / "index.html")
    assert page.h1 and level.title in page.h1.get_text()
    assert page.select(".badge-new, .badge-grown"), "nothing marked as new against the level below"
    zones = [th.get_text() for th in page.select("table.bands tbody th[scope=rowgroup]")]
    assert len(zones) == len(handbook.zones)
    same_grade = page.find(id="equivalents").find_parent("section").get_text()
    for track in handbook.tracks:
        for other in handbook.levels_at(track, level.grade):
            if other is not level:
                assert other.title in same_grade


def test_track_page_has_ladder_and_matrix(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    track = handbook.track_by_id["ic"]
    page = soup(example_site / track.url / "index.html")
    # the matrix: a table per competency, a row per level, highest level first, and a link to each table
    tables = page.select("table.matrix")
    assert [t.caption.get_text(strip=True) for t in tables] == [c.title for c in handbook.competencies_for(track)]
    assert [a["href"] for a in page.select("nav.matrix-jump a")] == [f"#{t.caption.h3['id']}" for t in tables]
    for table in tables:
        rows = [tr.th.a.get_text(strip=True) for tr in table.tbody.find_all("tr")]
        assert rows == [lv.title for lv in reversed(track.levels)]
    assert len(page.select("ol.ladder > li")) == len(track.levels)


def read_items(ul: Tag | None) -> list[tuple[str, str]]:
    """(mark, text) of each expectation in a list as a reader reads it: mark is the leading
    "New" or "Grown" word, or ""; an "Internal" word is dropped from the text."""
    items = []
    for li in ul.find_all("li", recursive=False) if ul else []:
        words = li.get_text(" ", strip=True).split(" ")
        marks = []
        while words and words[0] in ("New", "Grown", "Internal"):
            marks.append(words.pop(0))
        items.append((next((m for m in marks if m != "Internal"), ""), " ".join(words)))
    return items


def test_track_matrix_loses_nothing_a_reader_needs(example_site: Path, internal_site: Path,
                                                   tmp_path: Path) -> None:
    """Each cell shows every expectation of its level in full, except those carried over
    (unchanged from the level below, or on a cumulative track still applying from the levels
    below), which it counts and links to where the level page lists them. The level page (its
    section per competency, with New and Grown marked, and what still applies folded) is the
    reference."""
    sites = [(EXAMPLE, "public", example_site), (EXAMPLE, "internal", internal_site),
             (MINI, "public", built(MINI, tmp_path / "mini"))]  # the mini ladder carries one over
    pages: dict[Path, BeautifulSoup] = {}

    def page_at(path: Path) -> BeautifulSoup:
        path = path / "index.html" if path.is_dir() else path
        if path not in pages:
            pages[path] = soup(path)
        return pages[path]

    carried_checked = 0
    for content, audience, site in sites:
        handbook, _ = load_model(content, audience)
        for track in handbook.tracks:
            tables = page_at(site / track.url).select("table.matrix")
            cells = {t.caption.get_text(strip=True): [tr.td for tr in reversed(t.tbody.find_all("tr"))] for t in tables}
            for competency in handbook.competencies_for(track):
                assert len(cells[competency.title]) == len(track.levels)
                for index, (level, cell) in enumerate(zip(track.levels, cells[competency.title])):
                    where = f"{site.name} {track.id} {level.id} {competency.id}"
                    heading = page_at(site / level.url).find(id=f"c-{competency.id}")
                    section = heading.find_parent("section") if heading else None
                    listed = read_items(section.select_one("ul.expectations")) if section else []
                    assert len(listed) == len(level.expectations.get(competency.id, [])), where
                    cumulative = (track.expectations or handbook.settings.expectations) == "cumulative"
                    changed = listed if index == 0 or cumulative else [(m, t) for m, t in listed if m]
                    shown = read_items(cell.ul)
                    assert [t for _, t in shown] == [t for _, t in changed], where
                    assert [t for m, t in shown if m == "Grown"] == [t for m, t in changed if m == "Grown"], where
                    inherited = [re.sub(r" \(from [^)]*\)$", "", t) for _, t in
                                 read_items(section.select_one("ul.inherited-list") if section else None)]
                    carried = inherited if cumulative else [t for m, t in listed if not m] if index else []
                    link = cell.find("a", string=lambda s: "carried over" in (s or ""))
                    if not carried:
                        assert link is None, where
                        continue
                    assert link is not None and link.get_text().startswith(f"{len(carried)} "), where
                    target, _, fragment = link["href"].partition("#")
                    landing = page_at((site / track.url / target).resolve()).find(id=fragment)
                    assert landing is not None, f"{where}: {link['href']} lands on no anchor"
                    landed = landing.find_parent("section")
                    reachable = [re.sub(r" \(from [^)]*\)$", "", t) for _, t in
                                 read_items(landed.select_one("ul.expectations")) + read_items(landed.select_one("ul.inherited-list"))]
                    assert all(t in reachable for t in carried), where
                    carried_checked += 1
    assert carried_checked, "no handbook carried an expectation over: the links went untested"


def internal_targets(site: Path) -> list[tuple[Path, str, Path, str]]:
    """(page, href, file it points at, fragment) for every relative link and resource."""
    found = []
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":  # links from the site root by design; test_publish serves and crawls it
            continue
        for tag in soup(page).find_all(["a", "link", "img", "script"]):
            ref = tag.get("href") or tag.get("src")
            if not ref or urlsplit(ref).scheme or ref.startswith("//"):
                continue
            parts = urlsplit(ref)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            found.append((page, ref, target, parts.fragment))
    return found


def test_no_broken_internal_link_or_anchor(example_site: Path) -> None:
    links = internal_targets(example_site)
    assert len(links) > 500
    broken = [f"{p.relative_to(example_site)} -> {ref}" for p, ref, target, _ in links if not target.is_file()]
    assert not broken, broken[:10]
    ids: dict[Path, set[str]] = {}
    missing_anchor = []
    for page, ref, target, fragment in links:
        if fragment and target.suffix == ".html":
            if target not in ids:
                ids[target] = {t["id"] for t in soup(target).find_all(id=True)}
            if fragment not in ids[target]:
                missing_anchor.append(f"{page.relative_to(example_site)} -> {ref}")
    assert not missing_anchor, missing_anchor[:10]


def test_links_are_relative(example_site: Path) -> None:
    absolute = [(p.name, a["href"]) for p in example_site.rglob("*.html") if p.name != "404.html"
                for a in soup(p).find_all(href=True) if a["href"].startswith("/")]
    assert not absolute


def test_build_is_deterministic(tmp_path: Path) -> None:
    for name in ("one", "two"):
        assert run_cli("build", "-c", str(EXAMPLE), "-o", str(tmp_path / name)).returncode == 0
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "two")


def test_example_builds_without_warnings(tmp_path: Path) -> None:
    result = run_cli("build", "--strict", "-c", str(EXAMPLE), "-o", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr


def test_prose_references_render_with_titles(mini_copy: Path, tmp_path: Path) -> None:
    assert run_cli("build", "-c", str(mini_copy), "-o", str(tmp_path / "site")).returncode == 0
    faq = soup(tmp_path / "site" / "faq" / "index.html")
    ref = faq.select_one("a.ref-level")
    assert ref is not None and ref.get_text() == "Senior Developer" and ref["href"] == "../levels/senior-dev/"
    home = soup(tmp_path / "site" / "index.html")
    assert home.select_one("a.ref-track")["href"] == "tracks/ic/"
    assert any(a["href"] == "faq/" for a in home.select("article a"))


def test_raw_html_is_escaped_unless_opted_in(mini_copy: Path, tmp_path: Path) -> None:
    faq = mini_copy / "pages" / "faq.md"
    faq.write_text(faq.read_text() + "\n<script>alert(1)</script>\n\n<b>bold</b>\n", encoding="utf-8")
    assert run_cli("build", "-c", str(mini_copy), "-o", str(tmp_path / "off")).returncode == 0
    page = soup(tmp_path / "off" / "faq" / "index.html")
    assert page.main.find("script") is None and page.main.find("b") is None  # the theme's own scripts sit outside
    assert "<script>alert(1)</script>" in page.get_text()

    settings = mini_copy / "handbook.yml"
    settings.write_text(settings.read_text() + "allow_html: true\n", encoding="utf-8")
    assert run_cli("build", "-c", str(mini_copy), "-o", str(tmp_path / "on")).returncode == 0
    assert soup(tmp_path / "on" / "faq" / "index.html").find("b") is not None


def test_handbook_theme_overrides_a_block_and_a_static_file(mini_copy: Path, tmp_path: Path) -> None:
    theme = mini_copy / "theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "templates" / "base.html").write_text(
        '{% extends "default/base.html" %}{% block footer %}<p class="custom">Our footer</p>{% endblock %}')
    (theme / "static" / "style.css").write_text("body { color: black; }")
    settings = mini_copy / "handbook.yml"
    settings.write_text(settings.read_text() + "theme: theme\n", encoding="utf-8")
    assert run_cli("build", "-c", str(mini_copy), "-o", str(tmp_path / "site")).returncode == 0
    level = soup(tmp_path / "site" / "levels" / "dev" / "index.html")
    assert level.select_one(".site-footer .custom").get_text() == "Our footer"
    assert level.select_one("table.bands") is not None  # the rest still comes from the default
    assert (tmp_path / "site" / "static" / "style.css").read_text() == "body { color: black; }"


def test_wheel_carries_the_theme_and_builds_anywhere(tmp_path: Path) -> None:
    """A non-editable install must not depend on the source tree: build from the wheel alone."""
    wheel_dir = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(wheel_dir), str(REPO)], check=True, capture_output=True, timeout=300)
    wheel = next(wheel_dir.glob("ladderdocs-*.whl"))
    unpacked = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(unpacked)
    assert (unpacked / "ladderdocs" / "themes" / "default" / "templates" / "base.html").is_file()
    assert (unpacked / "ladderdocs" / "serve" / "assets" / "reload.js").is_file()  # serve's reload script
    assert (unpacked / "ladderdocs" / "pages" / "registry.py").is_file()  # every stage's folder is in the wheel
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    import shutil
    shutil.copytree(MINI, elsewhere / "content")
    result = subprocess.run([sys.executable, "-m", "ladderdocs", "build"], cwd=elsewhere, capture_output=True,
                            text=True, env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "site" / "levels" / "dev" / "index.html").is_file()
    assert str(REPO) not in (elsewhere / "site" / "index.html").read_text()


def test_hidden_files_and_folders_under_pages_are_no_pages(mini_copy: Path, tmp_path: Path) -> None:
    """Editors leave .#faq.md and .faq.md.swp; authors park drafts in .drafts/: none is a page."""
    pages = mini_copy / "pages"
    (pages / ".#faq.md").write_text("not: [front matter", encoding="utf-8")
    (pages / ".faq.md.swp").write_bytes(b"\x00\x01")
    (pages / ".drafts").mkdir()
    (pages / ".drafts" / "plan.md").write_text("no front matter at all", encoding="utf-8")
    (pages / "notes.md").mkdir()  # a folder named like a page holds no page
    (pages / "notes.md" / "inner.md").write_text("---\ntitle: Inner\n---\nInside.\n", encoding="utf-8")
    (pages / "alias.md").symlink_to(pages / "faq.md")  # a link inside the handbook is a page
    handbook, _ = load_model(mini_copy)
    rels = {page.rel for page in handbook.pages}
    assert "alias.md" in rels and "notes.md/inner.md" in rels
    assert not any(part.startswith(".") for rel in rels for part in rel.split("/"))
    site = built(mini_copy, tmp_path / "site")
    assert (site / "alias" / "index.html").is_file() and not (site / ".drafts").exists()


def test_a_closed_output_pipe_gives_no_traceback() -> None:
    """`ladderdocs schema | head -1`: the reader leaves early, which is no error of ours to show."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run([sys.executable, "-m", "ladderdocs", "schema"], stdout=write_end,
                                stderr=subprocess.PIPE, text=True, cwd=REPO, timeout=60)
    finally:
        os.close(write_end)
    assert "Traceback" not in result.stderr and result.stderr == "", result.stderr
    assert result.returncode == 1
