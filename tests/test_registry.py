"""The page registry: every page type has its templates, owns its addresses alone and keeps its
pages inside them; and the README's walkthrough for a new page type works as written."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import EXAMPLE, FIXTURES, MINI, REPO, load_model
from ladderdocs.pages.base import PageJob, PageType
from ladderdocs.pages.facts import Facts
from ladderdocs.pages.registry import PAGE_TYPES
from ladderdocs.render.themes import default_theme
from ladderdocs.site import SITE_ADDRESSES, Options, Pipeline
from test_deps import undeclared

HANDBOOKS = [(EXAMPLE, "public"), (EXAMPLE, "internal"), (MINI, "public"), (FIXTURES / "parity" / "every-finding", "public")]


def registry_problems(page_types: list[PageType], theme_layers: list[Path], handbooks: list[tuple[Path, str]]) -> list[str]:
    """What is wrong with a registry: names, templates, addresses, and the jobs it makes."""
    problems = []
    names = [t.name for t in page_types]
    problems += [f"two page types are called {name!r}" for name in sorted({n for n in names if names.count(n) > 1})]
    for page_type in page_types:
        for template in page_type.templates:
            if not any((layer / "templates" / template).is_file() for layer in theme_layers):
                problems.append(f"{page_type.name}: no template {template}")
    owner: dict[str, str] = {address: "the pipeline" for address in SITE_ADDRESSES}
    for page_type in page_types:
        for address in page_type.addresses or ():
            if address in owner:
                problems.append(f"{page_type.name}: address {address!r} is also {owner[address]}'s")
            owner.setdefault(address, page_type.name)
    for content, audience in handbooks:
        facts = Facts(load_model(content, audience)[0])
        seen: dict[str, str] = {}
        for page_type in page_types:
            for job in page_type.jobs(facts):
                first = job.path.split("/")[0]
                if page_type.addresses is not None and first not in page_type.addresses:
                    problems.append(f"{page_type.name}: {job.path} lies outside its addresses")
                if page_type.addresses is None and first in owner:
                    problems.append(f"{page_type.name}: {job.path} takes {owner[first]}'s address")
                if isinstance(job, PageJob) and job.template not in page_type.templates:
                    problems.append(f"{page_type.name}: {job.path} uses {job.template}, which it does not declare")
                if job.path in seen:
                    problems.append(f"{page_type.name}: {job.path} is also made by {seen[job.path]}")
                seen[job.path] = page_type.name
    return problems


def test_the_registry_is_sound() -> None:
    assert registry_problems(PAGE_TYPES, [default_theme()], HANDBOOKS) == []


def test_a_missing_template_or_a_clashing_address_is_caught() -> None:
    no_template = PageType("broken", ("broken",), ("no-such-template.html",), lambda facts: ())
    clashing = PageType("levels-again", ("levels",), ("level.html",), lambda facts: ())
    strays = PageType("strays", ("strays",), ("search.html",), lambda facts: [PageJob("elsewhere/index.html", "search.html", {})])
    problems = registry_problems([*PAGE_TYPES, no_template, clashing, strays], [default_theme()], HANDBOOKS[2:3])
    assert "broken: no template no-such-template.html" in problems
    assert "levels-again: address 'levels' is also levels's" in problems
    assert "strays: elsewhere/index.html lies outside its addresses" in problems


def readme_block(language: str, after: str) -> str:
    """The first ```language block of the README after the heading `after`."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index(after)
    match = re.compile(rf"^```{language}\n(.*?)^```$", re.S | re.M).search(text, start)
    assert match is not None, f"no {language} block after {after!r}"
    return match.group(1)


def test_the_readme_walkthrough_adds_a_page_type(tmp_path: Path) -> None:
    """Steps 1-3 of "Adding a page type", as the README writes them; the template goes in a
    handbook theme here instead of the default theme, which is the same lookup."""
    heading = "### Adding a page type"
    module_file = tmp_path / "scope.py"
    module_file.write_text(readme_block("python", heading), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("walkthrough_scope", module_file)
    assert spec is not None and spec.loader is not None
    scope = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scope)

    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    (content / "theme" / "templates").mkdir(parents=True)
    (content / "theme" / "templates" / "scope.html").write_text(readme_block("jinja", heading), encoding="utf-8")
    settings = content / "handbook.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "theme: theme\n", encoding="utf-8")
    page_types = [*PAGE_TYPES, scope.PAGE]  # step 3: the line in the registry

    assert registry_problems(page_types, [content / "theme", default_theme()], [(content, "public")]) == []
    pipeline = Pipeline(content, Options(), page_types)
    site = pipeline.run()
    page = BeautifulSoup(site.files["scope/index.html"].decode(), "html.parser")
    handbook = site.handbook
    assert [h.get_text() for h in page.select("main h2")] == [f"Grade {g}" for g in reversed(handbook.grades)]
    assert handbook.level_by_id["dev"].scope.text in page.get_text()  # the mini handbook's only stated scope
    home = BeautifulSoup(site.files["index.html"].decode(), "html.parser")
    assert home.select_one('.site-nav a[href="scope/"]').get_text() == "Scope"
    assert '"scope/","Scope by grade"' in pipeline.search_index(site)["search-index.js"].decode()
    assert undeclared(handbook, page_types, only={"scope/index.html"}) == []

    (content / "pages" / "scope.md").write_text("---\ntitle: Scope\n---\nMine.\n", encoding="utf-8")
    with pytest.raises(Exception, match="taken by ladderdocs' own 'scope/' pages"):
        Pipeline(content, Options(), page_types).run()


def test_the_readme_theme_override_works(tmp_path: Path) -> None:
    """The override shown under "Themes", as written: a block of the default base replaced."""
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    (content / "my-theme" / "templates").mkdir(parents=True)
    (content / "my-theme" / "templates" / "base.html").write_text(readme_block("jinja", "### Themes"), encoding="utf-8")
    settings = content / "handbook.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "theme: my-theme\n", encoding="utf-8")
    files = Pipeline(content).run().files
    for path in ("index.html", "levels/dev/index.html", "parity/index.html"):
        footer = BeautifulSoup(files[path].decode(), "html.parser").select_one("footer.site-footer")
        assert footer is not None and footer.get_text(strip=True) == "© Juniper Freight", path
