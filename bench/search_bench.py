"""How big the search index gets and how fast the first search answers, in headless Chromium.

    python bench/search_bench.py [--pages 2000] [--runs 5] [--generator bench/generate.py]

Builds the example handbook and a synthetic one of --pages prose pages (written by the
generator, called as `python GENERATOR OUT_DIR --pages N`), serves each under /handbook/
and reports for each: the size of the index and of the excerpts file (raw and gzip), the
time to build both, and the time
from typing a query to results on screen (performance.now() around it, median of --runs,
each run in a fresh browser context):
  - cold: the first query right after page load, so loading and parsing the index counts;
  - warm: the first query once the index has loaded (it starts loading when the box gets focus);
  - prefix: a two-letter query, the widest prefix the box expands.
Target: the cold first search under 100 ms on the 2,000-page handbook.

    python bench/search_bench.py --scale [--pages 2000]

times only the index build (no browser) on --pages and ten times as many prose pages, and
prints the CPU time per HTML page at each size and their ratio: an index that is linear in
the pages keeps the time per page flat (ratio near 1; it was 1.2-1.5 with the vocabulary
copied on every text, and would be 10 if it were quadratic in the pages).
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ladderdocs.outputs import search_index as search
from ladderdocs.site import Pipeline

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
QUERY, PREFIX_QUERY = "engineer mentoring", "de"

# Type into the header box and resolve with the milliseconds until results (or "no results") show.
TIME_QUERY = """async (query) => {
  const box = document.querySelector('[data-search-box]');
  const popup = () => document.querySelector('.search-popup');
  const shown = () => popup() && !popup().hidden && popup().textContent.trim() !== '';
  const done = new Promise(resolve => {
    const watch = new MutationObserver(() => { if (shown()) { watch.disconnect(); resolve(); } });
    watch.observe(box.form, {subtree: true, childList: true, attributes: true, characterData: true});
  });
  const start = performance.now();
  box.value = query;
  box.dispatchEvent(new Event('input', {bubbles: true}));
  await done;
  return performance.now() - start;
}"""


def query_when_loaded(context, url: str, query: str) -> float:  # type: ignore[no-untyped-def]
    """Milliseconds for `query` once the box has focus and the index has loaded (warm)."""
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.focus("[data-search-box]")
    page.wait_for_function(f"() => window.{search.GLOBAL} !== undefined")
    elapsed = page.evaluate(TIME_QUERY, query)
    page.close()
    return elapsed


def run(*command: str) -> None:
    subprocess.run(command, check=True, cwd=REPO, capture_output=True, text=True)


def build(content: Path, out: Path) -> None:
    run(sys.executable, "-m", "ladderdocs", "build", "-c", str(content), "-o", str(out))


def index_build_seconds(content: Path, repeats: int = 3) -> float:
    """CPU seconds to build both index files from the model and the sections the render found
    (CPU, not wall: steadier on a busy machine)."""
    pipeline = Pipeline(content)
    site = pipeline.run()
    times = []
    for _ in range(repeats):
        started = time.process_time()
        pipeline.search_index(site)
        times.append(time.process_time() - started)
    return statistics.median(times)


def browser_times(site: Path, runs: int) -> dict[str, tuple[float, float]]:
    """Median and best time of each kind of first search, in milliseconds."""
    from playwright.sync_api import sync_playwright

    web = site.parent
    with socket.socket() as probe:  # a free port for a server in its own process, off our GIL
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(web)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    level = min((site / "levels").iterdir()).name
    url = f"http://127.0.0.1:{port}/{site.name}/levels/{level}/"
    for _ in range(100):  # until it answers
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    found: dict[str, list[float]] = {"cold": [], "warm": [], "prefix": []}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(runs):
                context = browser.new_context()
                page = context.new_page()
                page.goto(url, wait_until="load")
                found["cold"].append(page.evaluate(TIME_QUERY, QUERY))
                page.close()
                found["warm"].append(query_when_loaded(context, url, QUERY))
                found["prefix"].append(query_when_loaded(context, url, PREFIX_QUERY))
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait()
    return {name: (statistics.median(times), min(times)) for name, times in found.items()}


def measure(name: str, content: Path, site: Path, runs: int) -> str:
    sizes = []
    for file in (search.INDEX_FILE, search.EXCERPTS_FILE):
        data = (site / file).read_bytes()
        sizes.append(f"{len(data) / 1024:>8.1f} {len(gzip.compress(data)) / 1024:>7.1f}")
    pages = sum(1 for _ in site.rglob("*.html"))
    times = browser_times(site, runs)
    spans = " ".join(f"{f'{median:.0f} ({best:.0f})':>11}" for median, best in
                     (times["cold"], times["warm"], times["prefix"]))
    return f"{name:<16} {pages:>6} {sizes[0]} {sizes[1]} {index_build_seconds(content):>7.2f} {spans}"


def index_scaling(pages: int, generator: str, work: Path, repeats: int = 3) -> str:
    """The index build's CPU time per HTML page at `pages` and ten times as many."""
    per_page = []
    lines = [f"{'prose pages':>11} {'HTML pages':>10} {'index cpu s':>11} {'per page, us':>12}"]
    for size in (pages, pages * 10):
        content = work / f"synthetic-{size}"
        run(sys.executable, generator, str(content), "--pages", str(size))
        print(f"building {size} pages for the index …", file=sys.stderr)
        html = sum(1 for path in Pipeline(content).run().files if path.endswith(".html"))
        seconds = index_build_seconds(content, repeats)
        per_page.append(seconds / html)
        lines.append(f"{size:>11} {html:>10} {seconds:>11.2f} {per_page[-1] * 1e6:>12.0f}")
        shutil.rmtree(content)
    lines.append(f"time per page at {pages * 10} pages: {per_page[1] / per_page[0]:.2f}x that at {pages} "
                 f"(flat: 1; quadratic in the pages: 10)")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--generator", default=str(REPO / "bench" / "generate.py"))
    parser.add_argument("--scale", action="store_true",
                        help="only the index build's time per page at --pages and 10x --pages (no browser)")
    args = parser.parse_args()
    if not Path(args.generator).is_file():
        print(f"no generator at {args.generator}; pass --generator PATH (called as PATH OUT_DIR --pages N)",
              file=sys.stderr)
        return 2
    if args.scale:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
            table = index_scaling(args.pages, args.generator, Path(tmp))
        print(f"search index build, CPU seconds, median of 3; {os.cpu_count()} CPUs, load average before: {load}")
        print(table)
        return 0
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        work = Path(tmp)
        synthetic = work / "synthetic"
        run(sys.executable, args.generator, str(synthetic), "--pages", str(args.pages))
        rows = []
        for name, content in (("example", REPO / "content"), (f"synthetic-{args.pages}", synthetic)):
            site = work / name / "handbook"
            build(content, site)
            rows.append(measure(name, content, site, args.runs))
    print(f"search index and first search, median (best) of {args.runs} runs; KB = 1024 bytes; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'':<23} {'index':>16} {'excerpts':>16} {'build':>7} {'first search, ms':>35}")
    print(f"{'handbook':<16} {'pages':>6} {'raw KB':>8} {'gzip KB':>7} {'raw KB':>8} {'gzip KB':>7} "
          f"{'cpu s':>7} {'cold':>11} {'warm':>11} {'prefix':>11}")
    print("\n".join(rows))
    print(f"queries: '{QUERY}' (cold and warm), '{PREFIX_QUERY}' (prefix); target: cold under 100 ms at 2,000 pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
