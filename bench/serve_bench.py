"""How fast an edit reaches the preview: `python bench/serve_bench.py [--runs 5] [--pages 2000] [--repo DIR]`.

Starts `ladderdocs serve` on a copy of the example handbook and on a generated handbook of
about --pages pages, saves small edits and measures, as the median of --runs:
  - edit to page on disk: from the end of the save to the rebuilt HTML file holding the edit;
  - a second edit 300 ms after the first: from the second save to the page holding it (the
    first edit's rebuild and search index are still running then);
  - a save by rename (an editor writes a temporary file and renames it over the page);
  - edit to browser reload: from the end of the save to an open page (headless Chromium)
    showing the edit after reloading by itself: to the DOMContentLoaded of the first reloaded
    document that shows it, noted by a script Playwright runs in every document. Playwright's
    own wait for the text polls at 0, 20, 70, 170, 270, then every 500 ms, so the time it
    returns (printed as "polled") is rounded up to one of those steps: on main at 1c4cf19,
    862 ms polled was a page shown after 583 ms.
`--repo DIR` serves another checkout's ladderdocs (before/after figures on one machine).
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "content"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SETTLE_S = 0.3  # pause between runs, so one run's burst never merges with the next
SECOND_EDIT_S = 0.3  # the second of two quick edits comes this long after the first


def generate(out: Path, pages: int) -> None:
    """bench/generate.py's handbook: `pages` prose pages and a ladder of 4 tracks × 10 levels."""
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(out), "--pages", str(pages)],
                   check=True, stdout=subprocess.DEVNULL)


class Server:
    def __init__(self, content: Path, out: Path, repo: Path):
        self.out = out
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ladderdocs", "serve", "--content", str(content), "--out", str(out),
             "--port", "0"], cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONPATH": str(repo)})
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
        self.indexings: list[float] = []  # what serve reports the search index took, after the pages
        self.ahead: list[float] = []  # when serve wrote the edited page ahead of the full rebuild
        self.indexed = False  # serve has written the search index of its last rebuild
        self._settled = 0  # rebuilds seen when settle() last returned
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            match = re.match(r"rebuilt: .* in (\d+) ms", line)
            if match:
                self.indexed = False
                self.rebuilds.append(int(match.group(1)) / 1000)
                ahead = re.search(r"on disk after (\d+) ms", line)
                self.ahead.append(int(ahead.group(1)) / 1000 if ahead else float("nan"))
            match = re.match(r"search index updated in (\d+) ms", line)
            if match:
                self.indexed = True
                self.indexings.append(int(match.group(1)) / 1000)

    def settle(self, after_edit: bool = True, rebuilds: int = 1) -> None:
        """Wait until serve is idle: the edits' `rebuilds` reported and the search index written."""
        deadline = time.perf_counter() + 10
        while after_edit and len(self.rebuilds) < self._settled + rebuilds and time.perf_counter() < deadline:
            time.sleep(0.005)  # the page can be on disk a moment before serve reports the rebuild
        while not self.indexed and time.perf_counter() < deadline:
            time.sleep(0.005)
        self._settled = len(self.rebuilds)
        time.sleep(SETTLE_S)

    def rebuild_median(self, since: int) -> float:
        return statistics.median(self.rebuilds[since:]) if self.rebuilds[since:] else float("nan")

    def ahead_median(self, since: int) -> float:
        return statistics.median(self.ahead[since:]) if self.ahead[since:] else float("nan")

    def index_median(self, since: int) -> float:
        return statistics.median(self.indexings[since:]) if self.indexings[since:] else float("nan")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def save(path: Path, marker: str, by_rename: bool = False) -> float:
    """Put `marker` into the page body; returns when the save is complete. By rename: as
    atomic savers do, write a temporary file beside the page and rename it over the page."""
    text = re.sub(r"BENCH-\w+", marker, path.read_text())
    if marker not in text:
        text = text.replace("\n---\n", f"\n---\n{marker}\n\n", 1)
    if by_rename:
        temporary = path.with_name(f"{path.name}.tmp{os.getpid()}")
        temporary.write_text(text)
        temporary.replace(path)
    else:
        path.write_text(text)
    return time.perf_counter()


def wait_on_disk(page: Path, marker: str, saved: float) -> float:
    """Seconds from `saved` until `page` holds `marker`."""
    deadline = saved + 30
    while True:
        try:
            if marker in page.read_text():
                return time.perf_counter() - saved
        except FileNotFoundError:
            pass
        if time.perf_counter() > deadline:
            raise SystemExit(f"edit never reached {page}")
        time.sleep(0.001)


def on_disk(page: Path, source: Path, runs: int, settle: Callable[[], None], by_rename: bool = False) -> list[float]:
    times = []
    for run in range(runs):
        marker = f"BENCH-disk{run}{int(time.time() * 1000)}"
        saved = save(source, marker, by_rename)
        times.append(wait_on_disk(page, marker, saved))
        settle()
    return times


def second_on_disk(page: Path, source: Path, runs: int, settle: Callable[[], None]) -> list[float]:
    """Two saves of one page SECOND_EDIT_S apart: the time of the second, while the first's
    rebuild and search index may still be running."""
    times = []
    for run in range(runs):
        first = save(source, f"BENCH-first{run}{int(time.time() * 1000)}")
        time.sleep(max(0.0, first + SECOND_EDIT_S - time.perf_counter()))
        marker = f"BENCH-second{run}{int(time.time() * 1000)}"
        times.append(wait_on_disk(page, marker, save(source, marker)))
        settle()
    return times


# Run in every document the bench's tab loads (Playwright injects it; no CSP applies): at
# DOMContentLoaded, the first document showing the awaited marker notes when it got there.
# A level edit reloads the page twice (its page written ahead, then the full rebuild's other
# pages), and the second reload must not be taken for the first.
NOTE_SHOWN = """document.addEventListener("DOMContentLoaded", function () {
  var marker = sessionStorage.getItem("benchMarker");
  if (marker && !sessionStorage.getItem("benchShown") && document.body.textContent.indexOf(marker) >= 0)
    sessionStorage.setItem("benchShown", String(performance.timeOrigin + performance.now()));
});"""


def expect(page: Any, marker: str) -> None:
    """The edit that `marker` makes is awaited: only a reloaded document can show it (shown_after).
    The page may still be reloading for the run before (a level edit reloads it twice): again."""
    for attempt in range(50):
        try:
            page.evaluate("m => { sessionStorage.setItem('benchMarker', m); sessionStorage.removeItem('benchShown'); }",
                          marker)
            return
        except Exception:  # the page was navigating
            if attempt == 49:
                raise
            time.sleep(0.02)


def shown_after(page: Any, saved_epoch: float) -> float:
    """Seconds from the save (wall clock) to the DOMContentLoaded of the first document that
    showed the edit: the browser and this process share the clock, and the figure does not
    depend on how Playwright polls."""
    deadline = time.perf_counter() + 30
    while True:  # the text can be found a moment before DOMContentLoaded, or during the second reload
        try:
            shown = page.evaluate("sessionStorage.getItem('benchShown')")
        except Exception:  # the page was navigating
            shown = None
        if shown is not None:
            return float(shown) / 1000 - saved_epoch
        if time.perf_counter() > deadline:
            raise SystemExit("the page never noted the edit")
        time.sleep(0.005)


def in_browser(url: str, source: Path, runs: int, settle: Callable[[], None]) -> tuple[list[float], list[float]]:
    """(shown, polled) times of each run: see the module's docstring."""
    from playwright.sync_api import sync_playwright

    times, polled = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.add_init_script(NOTE_SHOWN)
        page.goto(url)
        for run in range(runs):
            marker = f"BENCH-browser{run}{int(time.time() * 1000)}"
            expect(page, marker)
            saved = save(source, marker)
            saved_epoch = time.time() - (time.perf_counter() - saved)
            page.get_by_text(marker).wait_for(timeout=30_000)
            polled.append(time.perf_counter() - saved)
            times.append(shown_after(page, saved_epoch))
            settle()
        browser.close()
    return times, polled


@dataclass(frozen=True)
class Targets:
    """What the bench edits in a handbook: a prose page and the first level of the first track."""

    page: Path          # its Markdown file
    page_url: str       # e.g. 'faq/'
    track: Path         # the track file holding the level
    level_url: str      # e.g. 'levels/engineer-1/'
    summary_start: str  # the opening words of the level's summary, as they stand in the file


def targets(content: Path) -> Targets:
    sys.path.insert(0, str(REPO))
    from ladderdocs.addresses import page_url

    page = min(p for p in (content / "pages").rglob("*.md")
               if p.name != "index.md" and _front_matter(p).get("audience") != "internal")
    track = min((content / "ladder" / "tracks").glob("*.yml"))
    level = yaml.safe_load(track.read_text())["levels"][0]
    start = " ".join(level["summary"].split()[:3])
    assert start in track.read_text(), f"the summary of {level['id']} is not on one line in {track}"
    return Targets(page, page_url(page.relative_to(content / "pages").as_posix()), track,
                   f"levels/{level['id']}/", start)


def _front_matter(page: Path) -> dict:
    text = page.read_text()
    return yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n")) if text.startswith("---\n") else {}


def measure(name: str, content: Path, work: Path, runs: int, repo: Path) -> Iterator[tuple[str, float]]:
    server = Server(content, work / "site", repo)
    edit = targets(content)
    out_page = work / "site" / edit.page_url / "index.html"
    try:
        yield f"{name}: start (initial build)", server.startup
        server.settle(after_edit=False)
        seen, indexed = len(server.rebuilds), len(server.indexings)
        yield f"{name}: prose edit -> page on disk", statistics.median(
            on_disk(out_page, edit.page, runs, server.settle))
        yield f"{name}:   the page written ahead, after", server.ahead_median(seen)
        yield f"{name}:   the full rebuild", server.rebuild_median(seen)
        yield f"{name}:   then the search index", server.index_median(indexed)
        yield f"{name}: second edit 300 ms later -> on disk", statistics.median(
            second_on_disk(out_page, edit.page, runs, lambda: server.settle(rebuilds=2)))
        seen = len(server.rebuilds)
        yield f"{name}: save by rename -> page on disk", statistics.median(
            on_disk(out_page, edit.page, runs, server.settle, by_rename=True))
        yield f"{name}:   the page written ahead, after", server.ahead_median(seen)
        shown, polled = in_browser(server.url + edit.page_url, edit.page, runs, server.settle)
        yield f"{name}: prose edit -> browser reload", statistics.median(shown)
        yield f"{name}:   polled", statistics.median(polled)
        seen, indexed = len(server.rebuilds), len(server.indexings)
        yield f"{name}: level edit -> page on disk", statistics.median(
            on_disk_yaml(work / "site" / edit.level_url / "index.html", edit, runs, server.settle))
        yield f"{name}:   the page written ahead, after", server.ahead_median(seen)
        yield f"{name}:   the full rebuild", server.rebuild_median(seen)
        yield f"{name}:   then the search index", server.index_median(indexed)
        shown, polled = in_browser_yaml(server.url + edit.level_url, edit, runs, server.settle)
        yield f"{name}: level edit -> browser reload", statistics.median(shown)
        yield f"{name}:   polled", statistics.median(polled)
    finally:
        server.stop()


def save_level(edit: Targets, original: str, marker: str) -> float:
    """A level edit: the start of the level's summary becomes `marker` (no line moves)."""
    edit.track.write_text(original.replace(edit.summary_start, marker, 1))
    return time.perf_counter()


def level_marker(run: int) -> str:
    return f"BENCHLVL{run}x{int(time.time() * 1000) % 100_000:05d}"


def on_disk_yaml(page: Path, edit: Targets, runs: int, settle: Callable[[], None]) -> list[float]:
    original = edit.track.read_text()
    times = []
    try:
        for run in range(runs):
            marker = level_marker(run)
            saved = save_level(edit, original, marker)
            deadline = saved + 60
            while marker not in page.read_text():
                if time.perf_counter() > deadline:
                    raise SystemExit(f"level edit never reached {page}")
                time.sleep(0.001)
            times.append(time.perf_counter() - saved)
            settle()
    finally:
        edit.track.write_text(original)
    return times


def in_browser_yaml(url: str, edit: Targets, runs: int, settle: Callable[[], None]) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    original = edit.track.read_text()
    times, polled = [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.add_init_script(NOTE_SHOWN)
            page.goto(url)
            for run in range(runs):
                marker = level_marker(run)
                expect(page, marker)
                saved = save_level(edit, original, marker)
                saved_epoch = time.time() - (time.perf_counter() - saved)
                page.get_by_text(marker).first.wait_for(timeout=60_000)
                polled.append(time.perf_counter() - saved)
                times.append(shown_after(page, saved_epoch))
                settle()
            browser.close()
    finally:
        edit.track.write_text(original)
    return times, polled


def rebuild_cpu(content: Path, runs: int, repo: Path) -> Iterator[tuple[str, float]]:
    """The rebuild alone, in this process: CPU time, which a busy machine disturbs less than wall time."""
    sys.path.insert(0, str(repo))
    from ladderdocs.site import Options, Pipeline

    pipeline = Pipeline(content.resolve(), Options(workers=1))
    site = pipeline.run()
    page = targets(content).page
    cpu, wall = [], []
    for run in range(runs):
        save(page, f"BENCH-cpu{run}")
        started_cpu, started = time.process_time(), time.perf_counter()
        site = pipeline.run(site)  # what serve waits for before the page is written
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    yield "  in process: prose edit rebuild, CPU time", statistics.median(cpu)
    yield "  in process: prose edit rebuild, wall time", statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout whose ladderdocs is served")
    parser.add_argument("--skip-example", action="store_true", help="measure the generated handbook only")
    args = parser.parse_args()
    repo = args.repo.resolve()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    results: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp:
        if not args.skip_example:
            example = Path(tmp) / "example"
            example.mkdir()
            shutil.copytree(EXAMPLE, example / "content")
            results += measure("example", example / "content", example, args.runs, repo)
        big = Path(tmp) / "big"
        big.mkdir()
        generate(big / "content", args.pages)
        results += measure(f"{args.pages} pages", big / "content", big, args.runs, repo)
        results += rebuild_cpu(big / "content", args.runs, repo)
        pages = sum(1 for _ in (big / "site").rglob("*.html")) if (big / "site").exists() else 0
    print(f"\n{repo}: median of {args.runs} (generated handbook: {pages or 'about ' + str(args.pages)} pages)")
    for name, seconds in results:
        print(f"  {name:45} {seconds * 1000:8.0f} ms")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
