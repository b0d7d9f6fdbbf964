"""`ladderdocs init DIR` gives a handbook that builds and checks clean at once, with a README
for its authors and a GitHub Pages workflow, and never overwrites anything."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from conftest import REPO, run_cli
from ladderdocs import __version__


def test_new_handbook_builds_and_checks_strictly_at_once(tmp_path: Path) -> None:
    target = tmp_path / "handbook"
    result = run_cli("init", str(target))
    assert result.returncode == 0, result.stderr
    assert "README.md" in result.stdout and "ladderdocs build" in result.stdout

    check = run_cli("check", "--strict", cwd=target)
    assert check.returncode == 0, check.stderr
    assert "2 tracks" in check.stdout and "warning" not in check.stderr
    build = run_cli("build", "--strict", cwd=target)
    assert build.returncode == 0, build.stderr
    site = target / "site"
    home = BeautifulSoup((site / "index.html").read_text(), "html.parser")
    assert home.h1.get_text() == "Engineering Career Framework"
    assert len(home.select(".track-overview .card")) == 2
    level = BeautifulSoup((site / "levels" / "staff-engineer" / "index.html").read_text(), "html.parser")
    assert level.select("table.bands tbody tr") and "Engineering Manager" in level.get_text()
    assert (site / "mobility" / "index.html").is_file() and (site / "how-promotion-works" / "index.html").is_file()
    internal = run_cli("build", "--strict", "--audience", "internal", "--out", "internal-site", cwd=target)
    assert internal.returncode == 0, internal.stderr
    assert "Calibration note" in (target / "internal-site" / "levels" / "senior-engineer" / "index.html").read_text()
    assert "Calibration note" not in (site / "levels" / "senior-engineer" / "index.html").read_text()


DEFAULT_BRANCH_PUSH = ("github.event_name != 'pull_request' && "
                       "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)")


def _workflow(tmp_path: Path) -> dict:
    assert run_cli("init", str(tmp_path / "hb")).returncode == 0
    return yaml.safe_load((tmp_path / "hb" / ".github" / "workflows" / "pages.yml").read_text())


def test_workflow_checks_every_audience_and_deploys_only_from_the_default_branch(tmp_path: Path) -> None:
    workflow = _workflow(tmp_path)
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and "pull_request" in triggers
    assert workflow["permissions"] == {"contents": "read"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read", "pages": "read"}  # nothing written by a PR's code
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    steps = {step.get("uses", "").split("@")[0] or step["run"].split(" --")[0]: step for step in build["steps"]}
    order = list(steps)
    assert order.index("actions/checkout") < order.index("actions/cache") < order.index(
        "ladderdocs check") < order.index("actions/configure-pages") < order.index("ladderdocs build") < order.index(
        "actions/upload-pages-artifact")
    # `check` without --audience checks the public and the internal edition
    assert steps["ladderdocs check"]["run"] == "ladderdocs check --strict"
    # Pages is configured and the site uploaded only on the default branch: a pull request is
    # checked and built without Pages (before Pages is on, in a private repo, on an intranet)
    assert build["env"]["DEPLOY"] == "${{ " + DEFAULT_BRANCH_PUSH + " }}"
    for name in ("actions/configure-pages", "actions/upload-pages-artifact"):
        assert steps[name]["if"] == "env.DEPLOY == 'true'", name
    assert "if" not in steps["ladderdocs build"] and "if" not in steps["ladderdocs check"]
    assert steps["ladderdocs build"]["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert steps["ladderdocs build"]["run"] == (
        'ladderdocs build --strict --out _site ${BASE_URL:+--base-url "$BASE_URL/"}')
    assert steps["actions/upload-pages-artifact"]["with"]["path"] == "_site"
    assert deploy["if"] == DEFAULT_BRANCH_PUSH and deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert "steps.deployment.outputs.page_url" in deploy["environment"]["url"]
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert deploy["steps"][0]["id"] == "deployment"


def test_workflow_runs_pull_requests_apart_from_deployments(tmp_path: Path) -> None:
    concurrency = _workflow(tmp_path)["concurrency"]
    assert concurrency["group"] == ("${{ github.workflow }}-${{ " + DEFAULT_BRANCH_PUSH + " && 'pages' || github.ref }}")
    assert concurrency["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"


def test_workflow_pins_the_ladderdocs_that_wrote_it_and_keeps_the_cache(tmp_path: Path) -> None:
    build = _workflow(tmp_path)["jobs"]["build"]
    text = (tmp_path / "hb" / ".github" / "workflows" / "pages.yml").read_text()
    install = next(s for s in build["steps"] if "pip install" in s.get("run", ""))
    assert install["run"] == f'python -m pip install "ladderdocs=={__version__}"'
    assert '"ladderdocs @ git+https://github.com/ladderdocs/ladderdocs@<commit-sha>"' in text  # how to pin a revision
    cache = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".ladderdocs-cache"
    key, restore = cache["with"]["key"], cache["with"]["restore-keys"]
    assert key == f"ladderdocs-{__version__}-${{{{ runner.os }}}}-${{{{ github.sha }}}}" and key.startswith(restore)
    assert "@LADDERDOCS_VERSION@" not in text


def test_workflow_is_valid_for_github_actions(tmp_path: Path) -> None:
    _workflow(tmp_path)
    result = subprocess.run([str(Path(sys.executable).parent / "check-jsonschema"), "--builtin-schema",
                             "vendor.github-workflows", str(tmp_path / "hb" / ".github" / "workflows" / "pages.yml")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_and_gitignore_for_the_authors(tmp_path: Path) -> None:
    assert run_cli("init", str(tmp_path / "hb")).returncode == 0
    readme = (tmp_path / "hb" / "README.md").read_text()
    for promise in ("ladderdocs build --strict", "GitHub Actions", "audience: internal", "embed-parent.js",
                    "ladder.json", f"ladderdocs=={__version__}"):
        assert promise in readme, promise
    assert "@" not in readme.replace("@v", "")  # no placeholder left behind
    assert {"site/", ".ladderdocs-cache/"} <= set((tmp_path / "hb" / ".gitignore").read_text().splitlines())


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    target = tmp_path / "existing"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = run_cli("init", str(target))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{target}:1:1: error: is a folder that is not empty; expected a new or empty folder" in result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"] and (target / "notes.txt").read_text() == "mine"
    (tmp_path / "empty").mkdir()
    assert run_cli("init", str(tmp_path / "empty")).returncode == 0
    assert run_cli("init", str(tmp_path / "existing" / "notes.txt")).returncode == 1


def test_init_works_from_the_wheel_alone(tmp_path: Path) -> None:
    wheel_dir = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheel_dir), str(REPO)],
                   check=True, capture_output=True, timeout=300)
    unpacked = tmp_path / "installed"
    zipfile.ZipFile(next(wheel_dir.glob("ladderdocs-*.whl"))).extractall(unpacked)
    env = {"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin"}

    def ladderdocs(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ladderdocs", *args], cwd=cwd, capture_output=True, text=True,
                              env=env, timeout=120)

    assert ladderdocs("init", "hb", cwd=tmp_path).returncode == 0
    assert (tmp_path / "hb" / ".github" / "workflows" / "pages.yml").is_file()
    result = ladderdocs("build", "--strict", cwd=tmp_path / "hb")
    assert result.returncode == 0, result.stderr
    for name in ("index.html", "404.html", "embed/compare/index.html", "static/embed.js", "ladder.json"):
        assert (tmp_path / "hb" / "site" / name).is_file(), name
