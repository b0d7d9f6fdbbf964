"""Time `ladderdocs build` on generated handbooks, next to Hugo and MkDocs on the same pages.

    python bench/build_bench.py [--pages 2000] [--runs 5] [--scale-up] [--warm]
                                [--no-hugo] [--no-mkdocs] [--mkdocs-runs 1]

Set up the other tools first with `sh bench/setup_tools.sh` (Debian's hugo package, and a
throwaway virtualenv with MkDocs); each is measured only when it is found, none is a
dependency of ours. The contestants run in turn, A B C A B C …, so that a machine whose
speed drifts (other work on it) slows each of them alike, and each ratio is taken round by
round. Measured:
  - ladderdocs: cold builds (a new process, an empty output folder, `--no-cache` when the
    build has a cache) of the main handbook and of one a tenth (or, with --scale-up, ten
    times) its size;
  - with --warm, three warm builds of the main handbook: over the unchanged output folder of
    the build before; after one page was edited, the same page each run ("warm+edit"); and
    after one page was edited, another page each run ("warm+edits"). Whatever cache the
    build keeps stays;
  - Hugo: a minimal layout (bench/hugo_site.py) over the same Markdown, without and (at the
    main size) with a list of every page in every page;
  - MkDocs 1.x with its default theme (every page's navigation lists every page).
Prints, per contestant, the median and best wall time, the CPU seconds of its process tree,
the peak memory of the tree (PSS, one more run with a sampler on), the largest HTML page,
the median of the round-by-round ratios to Hugo without the page list, and the scaling
between the two sizes of ladderdocs (the target is at most 10x for ten times the pages).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402  (bench/ is a folder of scripts, not a package)
from hugo_site import hugo_command, hugo_content, hugo_site  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SETTLE_S = 1.0  # pause between runs, so one run's disk work settles before the next
TOOLS_VENV = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ladderdocs-bench" / "venv"


@dataclass
class Contestant:
    """One command timed again and again. `prepare(run)` does the untimed part (empty the
    output folder, edit a page) and returns the command; `site` is where its pages land."""
    tool: str
    pages: int
    prepare: Callable[[int], list[str]]
    site: Path
    runs: int
    cwd: Path
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system seconds of the process tree
    peak_mb: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def _tree_memory_kb(root_pid: int) -> int:
    """Proportional memory (PSS) of a process and all its descendants: forked workers that
    share pages with their parent are not counted twice."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        tree.update(children)
        frontier += children
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def _run(cmd: list[str], cwd: Path, repo: Path, sample_memory: bool = False) -> tuple[float, float, int]:
    """Wall and CPU seconds of one run, and its peak tree memory in KiB (0 when not sampled)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(repo), os.environ.get("PYTHONPATH")]))}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    if sample_memory and Path("/proc/self/smaps_rollup").exists():
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_memory_kb(proc.pid))
                done.wait(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        _, stderr = proc.communicate()
        done.set()
        sampler.join()
    else:
        _, stderr = proc.communicate()
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{stderr.decode(errors='replace')}")
    return elapsed, cpu, peak


def largest_html(site: Path) -> tuple[int, str, int]:
    sizes = [(p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html")]
    size, path = max(sizes)
    return size, path, len(sizes)


def largest_by_section(site: Path, shown: int = 6) -> str:
    """The largest page of each top folder, largest first: which kind of page to slim next."""
    largest: dict[str, tuple[int, str]] = {}
    for page in site.rglob("*.html"):
        path = page.relative_to(site).as_posix()
        section = path.split("/")[0] + "/" if "/" in path else path
        largest[section] = max(largest.get(section, (0, "")), (page.stat().st_size, path))
    ranked = sorted(largest.values(), reverse=True)[:shown]
    return ", ".join(f"{path} {size / 1024:.1f}" for size, path in ranked)


def measure_interleaved(contestants: list[Contestant], runs: int, repo: Path) -> None:
    """Round after round, each contestant once (A B C A B C …), then one more run each with
    the memory sampler on (it costs CPU, so that run is not timed)."""
    for run in range(runs + 1):
        for c in contestants:
            if run < min(c.runs, runs) or run == runs:
                print(f"  {c.tool} {c.pages} pages, run {run + 1}", file=sys.stderr)
                cmd = c.prepare(run)
                os.sync()  # the runs before wrote hundreds of MB: their writeback must not land in this one
                time.sleep(SETTLE_S)
                elapsed, cpu, peak = _run(cmd, c.cwd, repo, sample_memory=(run == runs))
                if run < runs:
                    c.times.append(elapsed)
                    c.cpu.append(cpu)
                else:
                    c.peak_mb = peak / 1024


def paired_ratio(a: list[float], b: list[float]) -> float:
    """Median of a's time over b's, round by round (the rounds both ran)."""
    return statistics.median(x / y for x, y in zip(a, b))


def cold(site: Path, argv: Callable[[Path], list[str]]) -> Callable[[int], list[str]]:
    """Each run into an empty folder."""
    def prepare(run: int) -> list[str]:
        shutil.rmtree(site, ignore_errors=True)
        return argv(site)
    return prepare


def warm(site: Path, argv: list[str], edits: list[Path], cwd: Path, repo: Path) -> Callable[[int], list[str]]:
    """Each run over the output of the build before; with `edits`, one page changed first: run n
    changes the n-th of them (cycling), so one page is the same page edited run after run.
    An untimed build before the first run fills the output folder (and any cache)."""
    originals = [page.read_text(encoding="utf-8") for page in edits]

    def prepare(run: int) -> list[str]:
        if not (site.is_dir() and any(site.iterdir())):
            _run(argv, cwd, repo)
        if edits:
            page = edits[run % len(edits)]
            page.write_text(originals[run % len(edits)] + f"\nEdited for the benchmark, run {run + 1}.\n",
                            encoding="utf-8")
        return argv
    return prepare


def build_has_cache(repo: Path) -> bool:
    """Whether this checkout's build takes --no-cache (a cold build must not read a cache)."""
    result = subprocess.run([sys.executable, "-m", "ladderdocs", "build", "--help"], capture_output=True,
                            text=True, cwd=repo, env={**os.environ, "PYTHONPATH": str(repo)})
    return "--no-cache" in result.stdout


def tool_python(module: str) -> str | None:
    """A Python that can import `module`: the bench's tools venv first, then this one."""
    for python in (TOOLS_VENV / "bin" / "python", Path(sys.executable)):
        if python.exists() and subprocess.run([str(python), "-c", f"import {module}"],
                                              capture_output=True).returncode == 0:
            return str(python)
    return None


def mkdocs_config(workdir: Path, handbook: Path, pages: int) -> Path:
    """A minimal mkdocs.yml over the same Markdown pages, default theme, default navigation."""
    config = workdir / f"mkdocs-{pages}.yml"
    config.write_text(f"site_name: Synthetic Benchmark Handbook\ndocs_dir: {handbook / 'pages'}\n",
                      encoding="utf-8")
    return config


def table(rows: list[Contestant], yardstick: dict[int, Contestant]) -> str:
    header = (f"{'tool':<11}{'pages':>7}{'median s':>10}{'best s':>8}{'cpu s':>7}{'peak MB':>9}{'x hugo':>8}{'cpu x':>7}"
              f"{'largest KB':>12}  largest page")
    lines = [header, "-" * len(header)]
    for c in rows:
        size, path, count = largest_html(c.site)
        hugo = yardstick.get(c.pages)
        ratio = (f"{paired_ratio(c.times, hugo.times):>8.2f}{paired_ratio(c.cpu, hugo.cpu):>7.2f}" if hugo
                 else f"{'':>15}")
        lines.append(f"{c.tool:<11}{c.pages:>7}{c.median:>10.2f}{min(c.times):>8.2f}{statistics.median(c.cpu):>7.2f}"
                     f"{c.peak_mb:>9.0f}{ratio}{size / 1024:>12.1f}  {path} (of {count} HTML files)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="prose pages of the main handbook (default 2000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per contestant (default 5)")
    parser.add_argument("--scale-up", action="store_true",
                        help="compare with 10x the pages instead of a tenth (slower, more telling)")
    parser.add_argument("--warm", action="store_true",
                        help="also time ladderdocs over its unchanged output, and after editing one page")
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo comparison")
    parser.add_argument("--no-hugo-list", action="store_true",
                        help="skip Hugo with a list of every page in every page (quadratic: slow)")
    parser.add_argument("--no-mkdocs", action="store_true", help="skip the MkDocs comparison")
    parser.add_argument("--mkdocs-runs", type=int, default=1,
                        help="timed MkDocs runs (default 1: it takes a minute or more on 2,000 pages)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, help="keep handbooks and sites here (default: a temp folder)")
    parser.add_argument("--repo", type=Path, default=REPO,
                        help="measure the ladderdocs of this checkout, e.g. an older commit (default: this one)")
    args = parser.parse_args(argv)
    repo = args.repo.resolve()
    load_before = ", ".join(f"{x:.1f}" for x in os.getloadavg())

    with tempfile.TemporaryDirectory(prefix="ladderdocs-bench-") as tmp:
        workdir = (args.workdir or Path(tmp)).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        main_size = args.pages
        small, large = (main_size, main_size * 10) if args.scale_up else (max(1, main_size // 10), main_size)
        no_cache = ["--no-cache"] if build_has_cache(repo) else []
        rows: list[Contestant] = []
        yardstick: dict[int, Contestant] = {}
        handbooks = {pages: generate(workdir / f"handbook-{pages}", pages, args.seed) for pages in (small, large)}

        def ladderdocs(handbook: Path, site: Path, *extra: str) -> list[str]:
            return [sys.executable, "-m", "ladderdocs", "build", "-c", str(handbook), "-o", str(site), *extra]

        for pages in (small, large):
            site = workdir / f"site-ladderdocs-{pages}"
            rows.append(Contestant("ladderdocs", pages, cold(site, lambda s, hb=handbooks[pages]: ladderdocs(
                hb, s, *no_cache)), site, args.runs, workdir))
        if args.warm:
            for tool, edited in (("warm", 0), ("warm+edit", 1), ("warm+edits", args.runs + 1)):
                handbook = workdir / f"handbook-{main_size}-{tool}"  # its own copy: edits stay in it
                shutil.rmtree(handbook, ignore_errors=True)
                shutil.copytree(handbooks[main_size], handbook)
                site = workdir / f"site-{tool}-{main_size}"
                shutil.rmtree(site, ignore_errors=True)
                pages_edited = sorted((handbook / "pages").glob("area-*/*.md"))[:edited]  # a page each run or one
                rows.append(Contestant(tool, main_size, warm(site, ladderdocs(handbook, site), pages_edited, workdir,
                                                             repo), site, args.runs, workdir))
        hugo = shutil.which("hugo")
        if hugo and not args.no_hugo:
            for pages in (small, large):
                content = hugo_content(handbooks[pages], workdir / f"hugo-content-{pages}")
                variants = [(False, "hugo")] + ([(True, "hugo+list")]
                                                if pages == main_size and not args.no_hugo_list else [])
                for page_list, tool in variants:
                    source = hugo_site(workdir / f"{tool}-{pages}", page_list)
                    site = workdir / f"site-{tool}-{pages}"
                    row = Contestant(tool, pages, cold(site, lambda s, src=source, c=content: hugo_command(
                        src, c, s, hugo)), site, args.runs, workdir)
                    rows.append(row)
                    if not page_list:
                        yardstick[pages] = row
        elif not args.no_hugo:
            print("hugo is not installed: skipping it (sh bench/setup_tools.sh)", file=sys.stderr)
        mkdocs = None if args.no_mkdocs else tool_python("mkdocs")
        if mkdocs:
            config = mkdocs_config(workdir, handbooks[main_size], main_size)
            site = workdir / f"site-mkdocs-{main_size}"
            rows.append(Contestant("mkdocs", main_size, cold(site, lambda s: [
                mkdocs, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(s)]),
                site, args.mkdocs_runs, workdir))
        elif not args.no_mkdocs:
            print("mkdocs is not installed: skipping it (sh bench/setup_tools.sh)", file=sys.stderr)

        measure_interleaved(rows, args.runs, repo)
        load_after = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"interleaved runs, {args.runs} each (MkDocs {args.mkdocs_runs}), {os.cpu_count()} CPUs, "
              f"Python {sys.version.split()[0]}, load average before: {load_before}, after: {load_after}")
        if no_cache:
            print("ladderdocs cold builds ran with --no-cache")
        print(table(rows, yardstick))
        print("x hugo, cpu x: median of the round-by-round ratios of wall and CPU time to Hugo without "
              "the page list, same size")
        print(f"largest page per section, KB ({large} pages): {largest_by_section(rows[1].site)}")
        ratio = rows[1].median / rows[0].median
        print(f"scaling: {large} pages take {ratio:.1f}x as long as {small} (target: at most 10x)")
        for c in rows:  # after the runs: on a disk mounted with `discard`, deleting 2,000 pages
            shutil.rmtree(c.site, ignore_errors=True)  # slows the writes that follow for seconds
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
