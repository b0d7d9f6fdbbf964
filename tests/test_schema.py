"""The schema an editor reads is the one the build validates with: `ladderdocs schema --for
KIND` gives a complete schema per kind of file (a root, required keys, no unknown keys, hover
texts), the example and other real handbooks pass it in check-jsonschema and in jsonschema,
garbage fails it with a message that says what is wrong, and `init` wires it into editors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from jsonschema import Draft7Validator, Draft202012Validator

from conftest import EXAMPLE, FIXTURES, run_cli
from ladderdocs.source.load import load_handbook
from ladderdocs.source.schema import SCHEMAS, check_schema

KINDS = ["handbook", "track", "competencies", "comp", "mobility", "page"]
GOOD_HANDBOOKS = [EXAMPLE, FIXTURES / "mini", FIXTURES / "cumulative", FIXTURES / "dropbox",
                  *sorted(p for p in (FIXTURES / "parity").iterdir() if (p / "handbook.yml").is_file())]
CHECK_JSONSCHEMA = [sys.executable, "-m", "check_jsonschema"]


class _NoDates(yaml.SafeLoader):
    """YAML as the loader reads it: a date stays the text the author wrote."""


_NoDates.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in value if tag != "tag:yaml.org,2002:timestamp"]
    for key, value in yaml.SafeLoader.yaml_implicit_resolvers.items()}


@pytest.fixture(scope="module")
def schema_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("schemas") / "out"
    result = run_cli("schema", "--all", str(folder))
    assert result.returncode == 0, result.stderr
    return folder


def files_of_kind(root: Path, kind: str, out: Path) -> list[Path]:
    """The files of `kind` in a handbook; for pages, each page's front matter as a YAML file
    of its own (no YAML tool reads Markdown front matter)."""
    if kind != "page":
        found = {"handbook": [root / "handbook.yml"], "competencies": [root / "ladder" / "competencies.yml"],
                 "track": sorted((root / "ladder" / "tracks").glob("*.yml")), "comp": [root / "ladder" / "comp.yml"],
                 "mobility": [root / "ladder" / "mobility.yml"]}[kind]
        return [path for path in found if path.is_file()]
    fronts = []
    for index, page in enumerate(sorted((root / "pages").rglob("*.md"))):
        front = page.read_text(encoding="utf-8").split("---\n")[1]
        fronts.append(out / f"{index}-{page.stem}.yml")
        fronts[-1].write_text(front, encoding="utf-8")
    return fronts


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_has_a_complete_schema_valid_against_the_meta_schema(kind: str, schema_dir: Path) -> None:
    printed = run_cli("schema", "--for", kind)
    assert printed.returncode == 0, printed.stderr
    schema = json.loads(printed.stdout)
    assert schema == json.loads((schema_dir / f"{kind}.schema.json").read_text())
    Draft7Validator.check_schema(schema)  # the dialect it declares, the YAML language server's
    Draft202012Validator.check_schema(schema)  # the dialect the build validates in
    assert schema["type"] == "object" and schema["additionalProperties"] is False and "title" in schema
    # one source of truth: the constraints are the validator's own, nothing more, nothing less
    assert {k: v for k, v in schema.items() if not k.startswith("$") and k != "title"} == SCHEMAS[kind]
    assert set(schema["required"]) == set(SCHEMAS[kind]["required"])


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_has_a_hover_text(kind: str) -> None:
    """An editor shows a field's description on hover and beside its completion."""
    missing = []

    def walk(schema: dict[str, Any], where: str) -> None:
        for name, sub in schema.get("properties", {}).items():
            if not sub.get("description"):
                missing.append(f"{where}.{name}")
            walk(sub, f"{where}.{name}")
            if isinstance(sub.get("items"), dict):
                walk(sub["items"], f"{where}.{name}[]")

    walk(SCHEMAS[kind], kind)
    assert missing == []


@pytest.mark.parametrize("kind", KINDS)
def test_real_handbooks_pass_their_schemas_in_check_jsonschema_and_jsonschema(
        kind: str, schema_dir: Path, tmp_path: Path) -> None:
    schema = json.loads((schema_dir / f"{kind}.schema.json").read_text())
    checked = []
    for number, root in enumerate(GOOD_HANDBOOKS):
        out = tmp_path / str(number)
        out.mkdir()
        for path in files_of_kind(root, kind, out):
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_NoDates)
            errors = [e.message for e in Draft7Validator(schema).iter_errors(data)]
            assert errors == [], f"{path}: {errors}"
            checked.append(path)
    assert checked
    result = subprocess.run([*CHECK_JSONSCHEMA, "--schemafile", str(schema_dir / f"{kind}.schema.json"),
                             *map(str, checked)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


GARBAGE = [  # kind, file text, what check-jsonschema says about it
    ("handbook", "- title: A list\n- organisation: not a mapping\n", "is not of type 'object'"),
    ("handbook", "title: Ok\norganisation: Ok\ncolour: red\n", "'colour' was unexpected"),
    ("handbook", "title: Ok\n", "'organisation' is a required property"),
    ("track", "id: ic\ntitle: IC\nkind: ic\nsummary: S\nlevels:\n  - id: one\n    title: One\n    grade: three\n"
              "    summary: S\n    expectations: {}\n", "'three' is not of type 'integer'"),
    ("track", "id: ic\ntitle: IC\nkind: wizard\nsummary: S\nlevels: []\n", "'wizard' is not one of"),
    ("comp", "zones:\n  - id: us\n    title: US\n    currency: dollars\n", "'dollars' does not match"),
    ("competencies", "groups: []\ncompetencies: []\n", "should be non-empty"),
    ("mobility", "moves: 12\n", "$.moves: 12 is not of type 'array'"),
    ("page", "title: A page\nnav: sometimes\n", "'sometimes' is not of type 'boolean'"),
]


@pytest.mark.parametrize("kind, text, said", GARBAGE)
def test_garbage_fails_with_a_useful_message(kind: str, text: str, said: str, schema_dir: Path,
                                             tmp_path: Path) -> None:
    path = tmp_path / "garbage.yml"
    path.write_text(text)
    result = subprocess.run([*CHECK_JSONSCHEMA, "--schemafile", str(schema_dir / f"{kind}.schema.json"), str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and said in result.stdout, result.stdout + result.stderr
    schema = json.loads((schema_dir / f"{kind}.schema.json").read_text())
    assert list(Draft202012Validator(schema).iter_errors(yaml.load(text, Loader=_NoDates)))


def test_the_all_kinds_document_rejects_what_is_no_file_of_any_kind() -> None:
    """`ladderdocs schema` alone (and the site's schema.json) once had no root: a list passed."""
    printed = run_cli("schema")
    schema = json.loads(printed.stdout)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    assert not validator.is_valid(["a", "list"]) and not validator.is_valid("text")
    assert validator.is_valid(yaml.load((EXAMPLE / "handbook.yml").read_text(), Loader=_NoDates))


def test_schema_usage_errors_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    for args in (["--for", "nothing"], ["--all", str(tmp_path / "a-file")], ["--for", "track", "--all", "x"]):
        result = run_cli("schema", *args)
        assert result.returncode == 2 and "usage: ladderdocs schema" in result.stderr, args


# -- init wires the schemas into editors ---------------------------------------------------------
MODELINE = re.compile(r"\A# yaml-language-server: \$schema=(\S+)\n")


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    target = tmp_path_factory.mktemp("init") / "hb"
    assert run_cli("init", str(target)).returncode == 0
    yield target
    shutil.rmtree(target, ignore_errors=True)


def test_init_starts_each_yaml_file_with_a_modeline_to_its_kinds_schema(starter: Path) -> None:
    content = starter / "content"
    expected = {"handbook.yml": "handbook", "ladder/competencies.yml": "competencies", "ladder/comp.yml": "comp",
                "ladder/mobility.yml": "mobility", "ladder/tracks/ic.yml": "track",
                "ladder/tracks/management.yml": "track"}
    found = {path.relative_to(content).as_posix() for path in content.rglob("*.yml")}
    assert found == set(expected)
    for rel, kind in expected.items():
        path = content / rel
        modeline = MODELINE.match(path.read_text())
        assert modeline, rel
        schema_file = (path.parent / modeline.group(1)).resolve()  # relative to the file, as the server reads it
        assert schema_file == (content / ".schemas" / f"{kind}.schema.json").resolve()
        assert json.loads(schema_file.read_text()) == json.loads(run_cli("schema", "--for", kind).stdout)
        result = subprocess.run([*CHECK_JSONSCHEMA, "--schemafile", str(schema_file), str(path)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout


def test_init_maps_the_files_to_their_schemas_for_vs_code(starter: Path) -> None:
    settings = json.loads((starter / ".vscode" / "settings.json").read_text())["yaml.schemas"]
    for schema, globs in settings.items():
        assert (starter / schema).is_file(), schema
        matched = [p for glob in ([globs] if isinstance(globs, str) else globs)
                   for p in starter.glob(glob.lstrip("/"))]
        optional = schema.endswith("check_in.schema.json")  # ladder/check-in.yml is there once an author adds it
        assert matched or optional, globs  # each mapping covers the starter's files
    assert "./content/.schemas/track.schema.json" in settings
    assert json.loads((starter / ".vscode" / "extensions.json").read_text())["recommendations"] == [
        "redhat.vscode-yaml"]


def test_the_loader_reads_no_schema_folder_or_modeline(starter: Path) -> None:
    raw = load_handbook(starter / "content")
    assert raw.problems == [] and all(check_schema(doc, kind) == [] for doc, kind in raw.documents())
    assert not any(".schemas" in doc.name for doc, _ in raw.documents())
    (starter / "content" / ".schemas" / "broken.yml").write_text("{not: [yaml")  # a stray file there is no content
    assert run_cli("check", "--strict", "-q", cwd=starter).returncode == 0
