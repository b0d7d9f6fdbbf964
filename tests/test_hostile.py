"""Hostile content: whatever an author (or a pull request) writes into any field, the site
holds no live script, and nothing is written or read outside the places it belongs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import MINI, render, run_cli, tree_bytes
from ladderdocs.errors import ContentError

MARK = "PWN"  # shows the payload reached a page, as text: a vector that renders nowhere proves nothing
PAYLOAD = (f'{MARK}<script>alert(1)</script><img src=x onerror=alert(1)><x-pwn>{MARK}</x-pwn>'
           f'<svg onload=alert(1)></svg>" onmouseover="alert(1)\' onfocus=\'alert(1)')
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "data")
INJECTED = ("x-pwn", "svg", "iframe", "object", "embed", "form", "base", "img[onerror]")
# What the theme itself puts there: the search forms, the level picker, the parity chart, widget previews and
# widgets' <base>, the map of the moves, the check-in's and the promotion case's forms.
THEME_ELEMENTS = ("form[role='search'], form#diff-picker, svg.chart-strip, iframe.embed-preview, base[target='_top'], "
                  "svg.moves-map, form#check-in.tool-form, form#case.tool-form")

# field -> (file, path of keys in that file's YAML)
YAML_FIELDS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "handbook title": ("handbook.yml", ("title",)),
    "handbook organisation": ("handbook.yml", ("organisation",)),
    "handbook description": ("handbook.yml", ("description",)),
    "group title": ("ladder/competencies.yml", ("groups", 0, "title")),
    "group description": ("ladder/competencies.yml", ("groups", 0, "description")),
    "competency title": ("ladder/competencies.yml", ("competencies", 0, "title")),
    "competency description": ("ladder/competencies.yml", ("competencies", 0, "description")),
    "track title": ("ladder/tracks/ic.yml", ("title",)),
    "track summary": ("ladder/tracks/ic.yml", ("summary",)),
    "level title": ("ladder/tracks/ic.yml", ("levels", 0, "title")),
    "level summary": ("ladder/tracks/ic.yml", ("levels", 0, "summary")),
    "level scope": ("ladder/tracks/ic.yml", ("levels", 0, "scope")),
    "expectation": ("ladder/tracks/ic.yml", ("levels", 0, "expectations", "coding", 0)),
    "keyed expectation": ("ladder/tracks/ic.yml", ("levels", 0, "expectations", "coding", 1, "text")),
    "level example": ("ladder/tracks/ic.yml", ("levels", 0, "examples")),
    "off-ramp description": ("ladder/tracks/mgmt.yml", ("off_ramps",)),
    "zone title": ("ladder/comp.yml", ("zones", 0, "title")),
    "band source": ("ladder/comp.yml", ("band_sets", 0, "source")),
    "move description": ("ladder/mobility.yml", ("moves", 0, "description")),
    "mobility notes": ("ladder/mobility.yml", ("notes",)),
}

MARKDOWN_VECTORS = {
    "raw script": "<script>alert(1)</script>",
    "raw img onerror": "<img src=x onerror=alert(1)>",
    "raw block html": "<div onclick=alert(1)><x-pwn>x</x-pwn></div>",
    "javascript link": "[click](javascript:alert(1))",
    "mixed-case javascript link": "[click](JaVaScRiPt:alert(1))",
    "entity-encoded javascript link": "[click](&#106;avascript:alert(1))",
    "javascript image": "![i](javascript:alert(1))",
    "vbscript link": "[click](vbscript:msgbox(1))",
    "data html link": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data svg image": "![i](data:image/svg+xml,<svg onload=alert(1)>)",
    "javascript autolink": "<javascript:alert(1)>",
    "javascript reference link": "[click][evil]\n\n[evil]: javascript:alert(1)",
    "quote in link title": '[a](/x "t\\" onmouseover=\\"alert(1))',
    "single quote in link title": "[a](/x 'a\" onclick=\"alert(1)')",
    "quote in link url": '[a](/x"onmouseover="alert(1))',
    "quote in image alt": '![a" onerror="alert(1)](x.png)',
    "html in ref label": "[[level:dev|<img src=x onerror=alert(1)>]]",
    "quote in ref label": '[[level:dev|x" onclick="alert(1)]]',
    "html in heading": "## <img src=x onerror=alert(1)> heading",
    "html in code fence info": '```"><script>alert(1)</script>\ncode\n```',
    "html in table": "| a |\n|---|\n| <script>alert(1)</script> |",
}


def copy_mini(tmp_path: Path) -> Path:
    root = tmp_path / "handbook"
    shutil.copytree(MINI, root)
    return root


def set_yaml(root: Path, rel: str, path: tuple[Any, ...], value: str) -> None:
    data = yaml.safe_load((root / rel).read_text(encoding="utf-8"))
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if last == "examples":
        value = [value]  # type: ignore[assignment]
    elif last == "off_ramps":
        value = [{"to": "ic", "description": value}]  # type: ignore[assignment]
    elif isinstance(parent.get(last) if isinstance(parent, dict) else parent[last], dict):
        parent = parent[last]
        last = "text"
    parent[last] = value
    (root / rel).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def assert_no_live_markup(files: dict[str, bytes]) -> None:
    """What a browser would run or a reader would be fooled by: none of it came from content."""
    for path, data in files.items():
        if not path.endswith(".html"):
            continue
        page = BeautifulSoup(data.decode("utf-8"), "html.parser")
        for script in page.find_all("script"):  # the theme's own external files, or the picker's data file
            src = script.get("src", "").lstrip("./")
            assert (src.startswith("static/") or src == "diff/levels.js") and not script.get_text().strip(), \
                f"{path}: {script}"
        for tag in page.find_all(True):
            handlers = [name for name in tag.attrs if name.lower().startswith("on")]
            assert not handlers, f"{path}: <{tag.name} {handlers}>"
            for name in URL_ATTRIBUTES:
                value = "".join(str(tag.get(name, "")).split()).lower()
                assert not value.startswith(("javascript:", "vbscript:", "data:")), f"{path}: {tag}"
        theme_own = set(page.select(THEME_ELEMENTS))
        for selector in INJECTED:
            injected = [tag for tag in page.select(selector) if tag not in theme_own]
            assert not injected, f"{path}: {injected[0]}"


def shown_anywhere(files: dict[str, bytes], text: str) -> bool:
    for path, data in files.items():
        if path.endswith(".html"):
            page = BeautifulSoup(data.decode("utf-8"), "html.parser")
            if text in page.get_text() or any(text in str(v) for tag in page.find_all(True) for v in tag.attrs.values()):
                return True
    return False


@pytest.mark.parametrize("field", sorted(YAML_FIELDS))
def test_script_in_a_yaml_field_stays_text(field: str, tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    rel, path = YAML_FIELDS[field]
    set_yaml(root, rel, path, PAYLOAD)
    files = render(root).files
    assert shown_anywhere(files, MARK), f"{field} is shown on no page"
    assert_no_live_markup(files)


@pytest.mark.parametrize("field", ["title", "description"])
def test_script_in_page_front_matter_stays_text(field: str, tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    page = root / "pages" / "faq.md"
    meta = {"title": "FAQ", field: PAYLOAD}
    body = page.read_text(encoding="utf-8").split("---", 2)[2]
    page.write_text(f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---{body}", encoding="utf-8")
    files = render(root).files
    assert shown_anywhere(files, MARK)
    assert_no_live_markup(files)


@pytest.mark.parametrize("vector", sorted(MARKDOWN_VECTORS))
@pytest.mark.parametrize("where", ["page body", "level summary", "expectation"])
def test_hostile_markdown_never_becomes_markup(vector: str, where: str, tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    text = f"{MARK} " + MARKDOWN_VECTORS[vector]
    if where == "page body":
        page = root / "pages" / "faq.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")
    else:
        path = ("levels", 0, "summary") if where == "level summary" else ("levels", 0, "expectations", "coding", 0)
        set_yaml(root, "ladder/tracks/ic.yml", path, text)
    files = render(root).files
    assert shown_anywhere(files, MARK)
    assert_no_live_markup(files)


def test_the_checks_catch_live_markup_when_html_is_opted_in(tmp_path: Path) -> None:
    """The guard above must be able to fail: with allow_html the author's script is kept."""
    root = copy_mini(tmp_path)
    (root / "handbook.yml").write_text((root / "handbook.yml").read_text() + "allow_html: true\n")
    page = root / "pages" / "faq.md"
    page.write_text(page.read_text() + "\n<script>alert(1)</script>\n", encoding="utf-8")
    with pytest.raises(AssertionError):
        assert_no_live_markup(render(root).files)


# -- ids and paths ---------------------------------------------------------------------------

ID_FIELDS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "track id": ("ladder/tracks/ic.yml", ("id",)),
    "level id": ("ladder/tracks/ic.yml", ("levels", 0, "id")),
    "competency id": ("ladder/competencies.yml", ("competencies", 0, "id")),
    "group id": ("ladder/competencies.yml", ("groups", 0, "id")),
    "zone id": ("ladder/comp.yml", ("zones", 0, "id")),
    "expectation key": ("ladder/tracks/ic.yml", ("levels", 0, "expectations", "coding", 1, "key")),
    "move target": ("ladder/mobility.yml", ("moves", 0, "to")),
}
EVIL_IDS = ["../../escaped", "a/b", "..", "/etc/passwd", "x/../../../y", "..\\..\\win", "%2e%2e%2f"]


@pytest.mark.parametrize("evil", EVIL_IDS)
@pytest.mark.parametrize("field", sorted(ID_FIELDS))
def test_an_id_that_is_a_path_is_refused_where_it_is_written(field: str, evil: str, tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    rel, path = ID_FIELDS[field]
    set_yaml(root, rel, path, evil)
    with pytest.raises(ContentError) as err:
        render(root)
    assert any(p.file.endswith(rel) and "expected lower-case words" in p.message for p in err.value.problems), \
        err.value


@pytest.mark.parametrize("evil", EVIL_IDS)
def test_an_id_used_as_a_mapping_key_is_refused(evil: str, tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    comp = root / "ladder" / "comp.yml"
    comp.write_text(comp.read_text().replace("      dev:", f"      {yaml_key(evil)}:"), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        render(root)
    assert any(p.file.endswith("comp.yml") for p in err.value.problems)


def yaml_key(text: str) -> str:
    return yaml.safe_dump({text: 1}).split(":")[0] if ":" not in text else f'"{text}"'


ODD_PAGE_NAMES = ["..md", "...md", ".. .md", " .md", "über uns.md", "a..b.md", "-.md", "🎉.md", "x y/z.md",
                  "'\"><img src=x onerror=alert(1)>.md", "con.md", "index.html.md"]


@pytest.mark.parametrize("name", ODD_PAGE_NAMES)
def test_odd_page_file_names_stay_inside_the_site(name: str, tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    page = root / "pages" / name
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("---\ntitle: Odd\n---\nBody.\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    result = run_cli("build", "-c", str(root), "-o", str(out / "site"))
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    assert [p.name for p in out.iterdir()] == (["site"] if result.returncode == 0 else [])
    # nothing beside the handbook but the output and, after a good build, ladderdocs' own cache
    beside = sorted(p.name for p in tmp_path.iterdir())
    assert beside == (["handbook", "out"] if result.returncode else [".ladderdocs-cache", "handbook", "out"]), beside
    if result.returncode == 0:
        files = tree_bytes(out / "site")
        assert_no_live_markup(files)
        assert all(not part.startswith("..") for path in files for part in path.split("/"))


# -- symbolic links --------------------------------------------------------------------------

@pytest.fixture()
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("---\ntitle: Secret\n---\nTOP-SECRET-KEY\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("link", ["assets/key.txt", "pages/leak.md", "ladder/mobility.yml", "handbook.yml"])
def test_a_link_out_of_the_handbook_is_refused(link: str, secret: Path, tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    target = root / link
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    os.symlink(secret, target)
    site = tmp_path / "site"
    result = run_cli("build", "-c", str(root), "-o", str(site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{link}:1:1: error: is a link to" in result.stderr and "outside the handbook" in result.stderr
    assert not site.exists()


def test_a_linked_folder_leading_out_is_not_followed(secret: Path, tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    (root / "assets").mkdir()
    os.symlink(secret.parent, root / "assets" / "outside")
    os.symlink(secret.parent, root / "pages" / "outside")
    files = render(root).files
    assert not any(b"TOP-SECRET-KEY" in data for data in files.values())
    assert not any("outside" in path for path in files)


def test_a_pages_folder_linked_out_of_the_handbook_is_refused_page_by_page(secret: Path, tmp_path: Path) -> None:
    """The loader resolves the pages folder once, not each page: a folder that leads out still
    refuses every page under it, each named, as a linked page alone is."""
    root = copy_mini(tmp_path)
    outside = tmp_path / "elsewhere"
    shutil.move(root / "pages", outside)
    (outside / "deep").mkdir()
    shutil.copy(secret, outside / "deep" / "leak.md")
    os.symlink(outside, root / "pages")
    site = tmp_path / "site"
    result = run_cli("build", "-c", str(root), "-o", str(site))
    assert result.returncode == 1 and "Traceback" not in result.stderr and not site.exists()
    assert "pages/deep/leak.md:1:1: error: is a link to" in result.stderr and "outside the handbook" in result.stderr
    named = {page.relative_to(outside).as_posix() for page in outside.rglob("*.md")}
    assert all(f"pages/{rel}:1:1: error: is a link to" in result.stderr for rel in named), result.stderr


def test_a_link_within_the_handbook_is_fine(tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    (root / "assets").mkdir()
    (root / "shared.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    os.symlink(root / "shared.svg", root / "assets" / "logo.svg")
    files = render(root).files
    assert files["assets/logo.svg"].startswith(b"<svg")



@pytest.mark.parametrize("name, builds", [("a b.png", True), ("ü.png", True), ("a\\b.png", False),
                                          ("c#.png", False), ("100%.png", False)])
def test_odd_asset_names_are_copied_or_refused(name: str, builds: bool, tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    (root / "assets").mkdir()
    (root / "assets" / name).write_bytes(b"png")
    if builds:
        assert render(root).files[f"assets/{name}"] == b"png"
    else:
        with pytest.raises(ContentError) as err:
            render(root)
        assert "cannot stand in an address" in str(err.value)


@pytest.mark.parametrize("how", ["static folder", "static file", "theme folder"])
def test_a_theme_cannot_publish_files_from_outside(how: str, secret: Path, tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    (root / "handbook.yml").write_text((root / "handbook.yml").read_text() + "theme: theme\n")
    if how == "theme folder":
        os.symlink(secret.parent, root / "theme")
    else:
        (root / "theme" / "static").mkdir(parents=True) if how == "static file" else (root / "theme").mkdir()
        if how == "static file":
            os.symlink(secret, root / "theme" / "static" / "style.css")
        else:
            os.symlink(secret.parent, root / "theme" / "static")
    with pytest.raises(ContentError) as err:
        render(root)
    assert "outside the handbook" in str(err.value)


def test_headings_without_letters_still_get_an_id(tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    (root / "pages" / "faq.md").write_text("---\ntitle: FAQ\n---\n## 🎉\n\n## 🎉\n\n## ⟶ ✓\n", encoding="utf-8")
    page = BeautifulSoup(render(root).files["faq/index.html"].decode(), "html.parser")
    ids = [h["id"] for h in page.select("article h2")]
    assert len(ids) == 3 and all(ids) and len(set(ids)) == 3
