"""Big handbooks: the same site whichever core rendered a page, and pages whose size does not
grow with the number of pages (timings live in bench/, not here)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import REPO, load_model, render, run_cli, tree_bytes
from ladderdocs.pages.listings import LISTING_LIMIT
from ladderdocs.pages.prose import NAV_PAGE_LIMIT
from ladderdocs.render import parallel
from ladderdocs.render.parallel import PARALLEL_MIN_JOBS
from ladderdocs.site import Options, Pipeline

sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated handbook with more pages than the parallel threshold."""
    return generate(tmp_path_factory.mktemp("big") / "handbook", PARALLEL_MIN_JOBS + 20, seed=3)


def html(files: dict[str, bytes], path: str) -> BeautifulSoup:
    return BeautifulSoup(files[path].decode("utf-8"), "html.parser")


def test_generator_is_deterministic_and_valid(tmp_path: Path) -> None:
    one = generate(tmp_path / "one", 30, seed=7)
    two = generate(tmp_path / "two", 30, seed=7)
    other = generate(tmp_path / "other", 30, seed=8)
    assert tree_bytes(one) == tree_bytes(two)
    assert tree_bytes(one) != tree_bytes(other)
    handbook, warnings = load_model(one, strict=True)
    assert len(handbook.pages) == 30 and len(handbook.tracks) == 4 and not warnings
    assert all(len(t.levels) == 10 for t in handbook.tracks) and len(handbook.competencies) == 20
    assert len(handbook.zones) == 4 and len(handbook.bands) == 4 * 40


def test_generator_refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError):
        generate(tmp_path, 5)
    assert (tmp_path / "notes.txt").read_text() == "keep me"


# A fresh process: the test process may run threads (a browser driver), and then renders serially.
PARALLEL_CHECK = """
import sys
from pathlib import Path
from ladderdocs.render.parallel import can_fork
from ladderdocs.site import Options, Pipeline
assert can_fork()
serial = Pipeline(Path(sys.argv[1]), Options(workers=1)).run()
parallel = Pipeline(Path(sys.argv[1]), Options(workers=2)).run()
assert list(parallel.files) == list(serial.files), "order differs"  # the order files are written in
differ = [path for path in serial.files if parallel.files[path] != serial.files[path]]
assert not differ, differ[:5]
assert parallel.warnings == serial.warnings, (parallel.warnings, serial.warnings)
assert parallel.sections == serial.sections  # what the search index is made of
print(len(serial.files), len(parallel.warnings))
"""


def run_fresh(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def test_parallel_rendering_gives_the_serial_site(big: Path) -> None:
    result = run_fresh(PARALLEL_CHECK, str(big))
    assert result.returncode == 0, result.stderr
    files, problems = map(int, result.stdout.split())
    assert files > PARALLEL_MIN_JOBS and problems == 0


def test_a_process_with_threads_renders_serially(big: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """serve runs a watcher and a server: forking it could copy a held lock into a worker."""
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("forked although a thread was running")
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    stop = threading.Event()
    watcher = threading.Thread(target=stop.wait)
    watcher.start()
    try:
        files = Pipeline(big, Options(workers=2)).run().files
    finally:
        stop.set()
        watcher.join()
    assert len(files) > PARALLEL_MIN_JOBS


def test_a_broken_reference_found_by_a_worker_is_reported_once(big: Path, tmp_path: Path) -> None:
    page = big / "pages" / "area-07" / "page-00007.md"
    original = page.read_text(encoding="utf-8")
    try:
        page.write_text(original + "\nSee [[level:ghost-level]].\n", encoding="utf-8")
        result = run_cli("check", "-c", str(big))  # a fresh process: rendered by the workers
    finally:
        page.write_text(original, encoding="utf-8")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    ghost = [line for line in result.stderr.splitlines() if "ghost-level" in line]
    assert len(ghost) == 1
    assert ghost[0].startswith(f"{page}:{original.count(chr(10)) + 2}:")


def test_navigation_stays_the_same_size_as_pages_grow(big: Path) -> None:
    files = render(big).files
    navs = {len(html(files, path).select(".site-nav li")) for path in files if path.endswith(".html")}
    # tracks, competencies, compare, parity, mobility, check-in, all pages + a few prose pages, however many
    # pages exist
    assert max(navs) <= 7 + NAV_PAGE_LIMIT


def write_page(folder: Path, name: str, title: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"---\ntitle: {title}\n---\nBody of {title}.\n", encoding="utf-8")


def test_a_long_folder_is_listed_in_parts_that_reach_every_page(mini_copy: Path, tmp_path: Path) -> None:
    count = 2 * LISTING_LIMIT + 5
    for n in range(count):
        write_page(mini_copy / "pages" / "notes", f"note-{n:04d}.md", f"Note {n}")
    write_page(mini_copy / "pages" / "notes", "index.md", "Field notes")
    write_page(mini_copy / "pages" / "notes" / "deep", "inner.md", "Inner page")
    site = tmp_path / "site"
    result = run_cli("build", "-c", str(mini_copy), "-o", str(site))
    assert result.returncode == 0, result.stderr

    top = BeautifulSoup((site / "pages" / "index.html").read_text(), "html.parser")
    folder_link = top.find("a", string="Field notes")
    assert folder_link is not None
    assert (site / "pages" / folder_link["href"]).resolve() == site / "pages" / "notes"
    assert f"{count + 2} pages" in folder_link.parent.get_text()

    listed: list[str] = []
    part = site / "pages" / "notes" / "index.html"
    seen_parts = 0
    while part is not None:
        page = BeautifulSoup(part.read_text(), "html.parser")
        items = page.select("main ul.page-list")[-1].select("li > a")
        assert len(items) <= LISTING_LIMIT
        listed += [a.get_text() for a in items]
        seen_parts += 1
        following = page.select_one('.pager a[rel="next"]')
        part = (part.parent / following["href"] / "index.html").resolve() if following else None
    assert seen_parts == 3
    assert sorted(listed) == sorted([f"Note {n}" for n in range(count)] + ["Field notes"])

    inner = BeautifulSoup((site / "notes" / "deep" / "inner" / "index.html").read_text(), "html.parser")
    crumbs = [a.get_text() for a in inner.select(".breadcrumbs a")]
    assert crumbs == ["All pages", "Field notes", "deep"]


def test_the_benchmark_runs_and_prints_its_figures(tmp_path: Path) -> None:
    """bench/ is used by other work (serve, search): its command line must keep working."""
    result = subprocess.run([sys.executable, str(REPO / "bench" / "build_bench.py"), "--pages", "20", "--runs", "1",
                             "--no-mkdocs", "--workdir", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith("ladderdocs ")]
    rows = [row for row in rows if row[1].isdigit()]  # the table's rows, not "ladderdocs cold builds ran with ..."
    assert [row[1] for row in rows] == ["2", "20"]
    assert "scaling: 20 pages take" in result.stdout
    generated = subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(tmp_path / "cli"),
                                "--pages", "3", "--seed", "1"], capture_output=True, text=True, timeout=60)
    assert generated.returncode == 0 and len(list((tmp_path / "cli" / "pages").rglob("*.md"))) == 3
