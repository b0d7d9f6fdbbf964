"""The shape of the package: stages that import one way only, no import cycle, a model no
stage can change. Read from the source with `ast`, so a deferred import inside a function
counts as much as one at the top."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from conftest import EXAMPLE, REPO, load_model

PACKAGE = REPO / "ladderdocs"

# stage -> the stages it must never import (folders of the package, or its top-level modules)
NEVER = {
    "source": {"model", "checks", "pages", "render", "outputs", "serve", "site", "text"},
    "text": {"source", "model", "checks", "pages", "render", "outputs", "serve", "site"},
    "model": {"checks", "pages", "render", "outputs", "serve", "site", "text"},
    "checks": {"pages", "render", "outputs", "serve", "site", "source"},
    "pages": {"render", "outputs", "serve", "site"},
    "render": {"source", "outputs", "serve", "site", "checks"},
    "outputs": {"render", "serve", "site", "source", "checks"},
    "site": {"serve", "cli"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every ladderdocs module `path` imports, anywhere in it, with the packages Python runs on the way."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ladderdocs"):
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            found |= {name for name in names if (PACKAGE.parent / (name.replace(".", "/") + ".py")).is_file()}
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("ladderdocs")}
    with_parents = set()
    for name in found:
        parts = name.split(".")
        with_parents |= {".".join(parts[:i]) for i in range(2, len(parts) + 1)}
    return with_parents


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return {module_name(path): imports_of(path) - {module_name(path)} for path in sorted(PACKAGE.rglob("*.py"))}


def stage_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of `graph` (empty: none)."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = 1
        path.append(module)
        for other in sorted(graph.get(module, ())):
            if state.get(other) == 1:
                return path[path.index(other):] + [other]
            if other not in state and (cycle := visit(other)):
                return cycle
        path.pop()
        state[module] = 2
        return []

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return []


ALLOWED = {("pages.exports", "source.schema")}  # schema.json publishes the content schema itself


def forbidden(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((module, other) for module, imported in graph.items() for other in imported
                  if stage_of(other) in NEVER.get(stage_of(module), set())
                  and (module.removeprefix("ladderdocs."), other.removeprefix("ladderdocs.")) not in ALLOWED)


def test_no_import_cycle(graph: dict[str, set[str]]) -> None:
    assert find_cycle(graph) == []


def test_each_stage_imports_only_the_stages_below_it(graph: dict[str, set[str]]) -> None:
    assert forbidden(graph) == []


def test_the_checks_above_can_fail(graph: dict[str, set[str]]) -> None:
    """What the views.py -> parity.py -> chart.py -> views.py loop of old would look like now."""
    looped = {**graph, "ladderdocs.model.queries": graph["ladderdocs.model.queries"] | {"ladderdocs.pages.chart"}}
    assert find_cycle(looped) and ("ladderdocs.model.queries", "ladderdocs.pages.chart") in forbidden(looped)


def test_the_model_cannot_be_changed_by_a_stage() -> None:
    handbook, _ = load_model(EXAMPLE)
    level = handbook.tracks[0].levels[0]
    for item, field in ((handbook, "tracks"), (handbook.tracks[0], "levels"), (level, "summary"),
                        (handbook.settings, "title")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(item, field, None)
    assert not any(f.name == "memo" for f in dataclasses.fields(handbook))
