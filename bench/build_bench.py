"""Time `ladderdocs build` on generated handbooks, and `mkdocs build` on the same pages.

    python bench/build_bench.py [--pages 2000] [--runs 5] [--scale-up] [--no-mkdocs] [--mkdocs-runs 1]

Each run is a cold build: a new process writing into an empty folder. Prints, per tool and
size, the median and fastest wall time, the peak memory of the whole process tree, the
largest HTML page (and, for the larger handbook, the largest of each section), and the ratio
between a handbook and one ten times its size (the target is at most 12×). MkDocs is
measured only when it is importable; it is no dependency of ours.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402  (bench/ is a folder of scripts, not a package)

REPO = Path(__file__).resolve().parent.parent
SETTLE_S = 1.0  # pause between runs, so one run's disk work settles before the next


@dataclass
class Measurement:
    tool: str
    pages: int
    times: list[float]
    cpu: list[float]  # user + system seconds of the whole process tree: what contention cannot inflate
    peak_mb: float
    largest_kb: float
    largest_page: str
    html_files: int
    largest_by_section: str

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


def _largest_html(site: Path) -> tuple[int, str, int]:
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


def measure(tool: str, cmd_for: Callable[[Path], list[str]], workdir: Path, pages: int,
            runs: int, repo: Path = REPO) -> Measurement:
    """`runs` timed cold builds, then one more with the memory sampler on (it costs CPU)."""
    times, cpus, peak_kb = [], [], 0
    sites = [workdir / f"site-{tool}-{pages}-{n}" for n in range(max(1, runs) + 1)]
    for n, site in enumerate(sites):
        shutil.rmtree(site, ignore_errors=True)
        time.sleep(SETTLE_S)
        elapsed, cpu, peak = _run(cmd_for(site), workdir, repo, sample_memory=(n == max(1, runs)))
        if n < max(1, runs):
            times.append(elapsed)
            cpus.append(cpu)
        else:
            peak_kb = peak
    size, path, count = _largest_html(sites[-1])
    by_section = largest_by_section(sites[-1])
    for site in sites:  # after the runs: on a disk mounted with `discard`, deleting 2,000 pages
        shutil.rmtree(site, ignore_errors=True)  # slows the writes that follow for seconds
    return Measurement(tool, pages, times, cpus, peak_kb / 1024, size / 1024, path, count, by_section)


def mkdocs_available() -> bool:
    return subprocess.run([sys.executable, "-c", "import mkdocs"], capture_output=True).returncode == 0


def mkdocs_config(workdir: Path, handbook: Path, pages: int) -> Path:
    """A minimal mkdocs.yml over the same Markdown pages, default theme, default navigation."""
    config = workdir / f"mkdocs-{pages}.yml"
    config.write_text(f"site_name: Synthetic Benchmark Handbook\ndocs_dir: {handbook / 'pages'}\n",
                      encoding="utf-8")
    return config


def table(rows: list[Measurement]) -> str:
    header = (f"{'tool':<11}{'pages':>7}{'median s':>10}{'best s':>8}{'cpu s':>7}{'peak MB':>9}"
              f"{'largest KB':>12}  largest page")
    lines = [header, "-" * len(header)]
    for m in rows:
        lines.append(f"{m.tool:<11}{m.pages:>7}{m.median:>10.2f}{min(m.times):>8.2f}{statistics.median(m.cpu):>7.2f}"
                     f"{m.peak_mb:>9.0f}{m.largest_kb:>12.1f}  {m.largest_page} (of {m.html_files} HTML files)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="prose pages of the main handbook (default 2000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement (default 5)")
    parser.add_argument("--scale-up", action="store_true",
                        help="compare with 10× the pages instead of a tenth (slower, more telling)")
    parser.add_argument("--no-mkdocs", action="store_true", help="skip the MkDocs comparison")
    parser.add_argument("--mkdocs-runs", type=int, default=1,
                        help="timed MkDocs runs (default 1: it takes a minute or more on 2,000 pages)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, help="keep handbooks and sites here (default: a temp folder)")
    parser.add_argument("--repo", type=Path, default=REPO,
                        help="measure the ladderdocs of this checkout, e.g. an older commit (default: this one)")
    args = parser.parse_args(argv)
    load_before = ", ".join(f"{x:.1f}" for x in os.getloadavg())

    with tempfile.TemporaryDirectory(prefix="ladderdocs-bench-") as tmp:
        workdir = (args.workdir or Path(tmp)).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        small, large = (args.pages, args.pages * 10) if args.scale_up else (max(1, args.pages // 10), args.pages)
        rows: list[Measurement] = []
        handbooks = {}
        for pages in (small, large):
            handbooks[pages] = generate(workdir / f"handbook-{pages}", pages, args.seed)
            print(f"measuring ladderdocs on {pages} pages …", file=sys.stderr)
            rows.append(measure("ladderdocs", lambda site, hb=handbooks[pages]: [
                sys.executable, "-m", "ladderdocs", "build", "-c", str(hb), "-o", str(site)],
                workdir, pages, args.runs, args.repo.resolve()))
        if not args.no_mkdocs and mkdocs_available():
            config = mkdocs_config(workdir, handbooks[args.pages], args.pages)
            print(f"measuring mkdocs on {args.pages} pages …", file=sys.stderr)
            rows.append(measure("mkdocs", lambda site: [
                sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
                workdir, args.pages, args.mkdocs_runs))
        elif not args.no_mkdocs:
            print("mkdocs is not installed: skipping the comparison (pip install mkdocs)", file=sys.stderr)

        print(f"cold builds, {args.runs} runs each, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
              f"load average before: {load_before}")
        print(table(rows))
        print(f"largest page per section, KB ({large} pages): {rows[1].largest_by_section}")
        ratio = rows[1].median / rows[0].median
        print(f"scaling: {large} pages take {ratio:.1f}× as long as {small} (target: at most 12×)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
