"""How fast an edit reaches the preview: `python bench/serve_bench.py [--runs 5] [--pages 2000]`.

Starts `ladderdocs serve` on a copy of the example handbook and on a generated handbook of
about --pages pages, saves small edits and measures, as the median of --runs:
  - edit to page on disk: from the end of the save to the rebuilt HTML file holding the edit;
  - edit to browser reload: from the end of the save to an open page (headless Chromium)
    showing the edit after reloading by itself.
A timing, not a test: the numbers depend on the machine and on what else it is doing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "content"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SETTLE_S = 0.3  # pause between runs, so one run's burst never merges with the next


def generate(out: Path, pages: int) -> None:
    """The example handbook grown to about `pages` output pages: cloned IC tracks and prose pages.

    bench/generate.py (the scale issue) is used instead when it is there.
    """
    shared = REPO / "bench" / "generate.py"
    if shared.is_file():
        subprocess.run([sys.executable, str(shared), str(out), "--pages", str(pages)], check=True)
        return
    shutil.copytree(EXAMPLE, out)
    ic = (EXAMPLE / "ladder" / "tracks" / "ic.yml").read_text()
    level_ids = re.findall(r"^  - id: (\S+)", ic, re.M)
    clones = pages // 200
    for k in range(clones):
        text = ic.replace("id: ic\n", f"id: ic{k}\n", 1).replace("order: 1\n", f"order: {10 + k}\n", 1)
        text = text.replace("title: Individual contributor", f"title: Individual contributor {k}", 1)
        for level_id in level_ids:
            text = re.sub(rf"\b{re.escape(level_id)}\b", f"{level_id}-c{k}", text)
        (out / "ladder" / "tracks" / f"ic{k}.yml").write_text(text)
    competencies = out / "ladder" / "competencies.yml"
    extra = ", ".join(f"ic{k}" for k in range(clones))
    competencies.write_text(competencies.read_text().replace("tracks: [ic,", f"tracks: [ic, {extra},"))
    prose = out / "pages" / "generated"
    prose.mkdir()
    existing = 60 + clones * 7  # pages the example and the cloned tracks already make
    for i in range(max(0, pages - existing)):
        (prose / f"page-{i:05d}.md").write_text(
            f"---\ntitle: Generated page {i}\norder: {200 + i}\nnav: false\n---\n"
            f"Page {i} points at [[level:senior-engineer]] and [[track:ic]].\n\n## Growth\n\n"
            + "Expectations grow with scope, and scope grows with trust. " * 20
            + "\n\n## Checklist\n\n- one\n- two\n")


class Server:
    def __init__(self, content: Path, out: Path):
        self.out = out
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ladderdocs", "serve", "--content", str(content), "--out", str(out),
             "--port", "0"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)})
        started = time.perf_counter()
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith(("built", "rebuilt")):
                print(f"    serve: {line.strip()}")
            match = re.search(r"serving (http://\S+)", line)
            if match:
                self.url = match.group(1)
                break
        else:
            raise SystemExit("serve did not start")
        self.startup = time.perf_counter() - started
        self.rebuilds: list[float] = []  # what serve reports a rebuild took, watcher delay excluded
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            match = re.match(r"rebuilt: .* in (\d+) ms", line)
            if match:
                self.rebuilds.append(int(match.group(1)) / 1000)

    def rebuild_median(self, since: int) -> float:
        return statistics.median(self.rebuilds[since:]) if self.rebuilds[since:] else float("nan")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def save(path: Path, marker: str) -> float:
    """Put `marker` into the page body; returns when the save is complete."""
    text = re.sub(r"BENCH-\w+", marker, path.read_text())
    if marker not in text:
        text = text.replace("\n---\n", f"\n---\n{marker}\n\n", 1)
    path.write_text(text)
    return time.perf_counter()


def on_disk(page: Path, source: Path, runs: int) -> list[float]:
    times = []
    for run in range(runs):
        marker = f"BENCH-disk{run}{int(time.time() * 1000)}"
        saved = save(source, marker)
        deadline = saved + 30
        while True:
            try:
                if marker in page.read_text():
                    break
            except FileNotFoundError:
                pass
            if time.perf_counter() > deadline:
                raise SystemExit(f"edit never reached {page}")
            time.sleep(0.001)
        times.append(time.perf_counter() - saved)
        time.sleep(SETTLE_S)
    return times


def in_browser(url: str, source: Path, runs: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        for run in range(runs):
            marker = f"BENCH-browser{run}{int(time.time() * 1000)}"
            page.evaluate("window.benchMark = true")
            saved = save(source, marker)
            page.get_by_text(marker).wait_for(timeout=30_000)
            times.append(time.perf_counter() - saved)
            assert not page.evaluate("window.benchMark === true"), "the page did not reload"
            time.sleep(SETTLE_S)
        browser.close()
    return times


def measure(name: str, content: Path, work: Path, runs: int) -> Iterator[tuple[str, float]]:
    server = Server(content, work / "site")
    try:
        yield f"{name}: start (initial build)", server.startup
        faq = content / "pages" / "faq.md"
        seen = len(server.rebuilds)
        yield f"{name}: prose edit -> page on disk", statistics.median(
            on_disk(work / "site" / "faq" / "index.html", faq, runs))
        yield f"{name}:   of which the rebuild", server.rebuild_median(seen)
        yield f"{name}: prose edit -> browser reload", statistics.median(in_browser(server.url + "faq/", faq, runs))
        ic = content / "ladder" / "tracks" / "ic.yml"
        level = work / "site" / "levels" / "engineer-1" / "index.html"
        seen = len(server.rebuilds)
        yield f"{name}: level edit -> page on disk", statistics.median(on_disk_yaml(level, ic, runs))
        yield f"{name}:   of which the rebuild", server.rebuild_median(seen)
        yield f"{name}: level edit -> browser reload", statistics.median(
            in_browser_yaml(server.url + "levels/engineer-1/", ic, runs))
    finally:
        server.stop()


LEVEL_SUMMARY = "An early-career engineer"  # the first IC level's summary starts so


def save_level(track: Path, original: str, marker: str) -> float:
    """A level edit: the start of the first IC level's summary becomes `marker` (no line moves)."""
    track.write_text(original.replace(LEVEL_SUMMARY, marker, 1))
    return time.perf_counter()


def level_marker(run: int) -> str:
    return f"BENCHLVL{run}x{int(time.time() * 1000) % 100_000:05d}"


def on_disk_yaml(page: Path, track: Path, runs: int) -> list[float]:
    original = track.read_text()
    times = []
    try:
        for run in range(runs):
            marker = level_marker(run)
            saved = save_level(track, original, marker)
            deadline = saved + 60
            while marker not in page.read_text():
                if time.perf_counter() > deadline:
                    raise SystemExit(f"level edit never reached {page}")
                time.sleep(0.001)
            times.append(time.perf_counter() - saved)
            time.sleep(SETTLE_S)
    finally:
        track.write_text(original)
    return times


def in_browser_yaml(url: str, track: Path, runs: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    original = track.read_text()
    times = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url)
            for run in range(runs):
                marker = level_marker(run)
                page.evaluate("window.benchMark = true")
                saved = save_level(track, original, marker)
                page.get_by_text(marker).first.wait_for(timeout=60_000)
                times.append(time.perf_counter() - saved)
                time.sleep(SETTLE_S)
            browser.close()
    finally:
        track.write_text(original)
    return times


def rebuild_cpu(content: Path, runs: int) -> Iterator[tuple[str, float]]:
    """The rebuild alone, in this process: CPU time, which a busy machine disturbs less than wall time."""
    sys.path.insert(0, str(REPO))
    from ladderdocs.rebuild import SiteBuilder

    builder = SiteBuilder(content.resolve(), "public", False)
    site = builder.build(None).site
    faq = content / "pages" / "faq.md"
    cpu, wall = [], []
    for run in range(runs):
        save(faq, f"BENCH-cpu{run}")
        started_cpu, started = time.process_time(), time.perf_counter()
        site = builder.build(site).site
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    yield "  in process: prose edit rebuild, CPU time", statistics.median(cpu)
    yield "  in process: prose edit rebuild, wall time", statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    results: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp:
        example = Path(tmp) / "example"
        example.mkdir()
        shutil.copytree(EXAMPLE, example / "content")
        results += measure("example", example / "content", example, args.runs)
        big = Path(tmp) / "big"
        big.mkdir()
        generate(big / "content", args.pages)
        results += measure(f"{args.pages} pages", big / "content", big, args.runs)
        results += rebuild_cpu(big / "content", args.runs)
        pages = sum(1 for _ in (big / "site").rglob("*.html")) if (big / "site").exists() else 0
    print(f"\nmedian of {args.runs} (generated handbook: {pages or 'about ' + str(args.pages)} pages)")
    for name, seconds in results:
        print(f"  {name:45} {seconds * 1000:8.0f} ms")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
