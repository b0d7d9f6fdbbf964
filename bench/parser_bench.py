"""markdown-it-py against native Markdown parsers, on the generated pages' Markdown.

    sh bench/setup_tools.sh        # once: a throwaway venv with markdown-it-pyrs and cmarkgfm
    ~/.cache/ladderdocs-bench/venv/bin/python bench/parser_bench.py [--pages 2000]

Neither native parser is a dependency: this answers "what would a native parser change?"
for the README. Each parser renders the body of every page (front matter cut off) with the
same extensions ladderdocs enables (tables, strikethrough, and where the parser has them
footnotes and definition lists); markdown-it-py is also timed parsing to tokens only, and
markdown-it-pyrs building its syntax tree, since ladderdocs reads the tokens for its search
sections and references. CPU seconds, median of --runs. The last line carries the
speed-up over to the render profile of a cold 2,000-page build: its Markdown stage made that
many times faster, as a share of the build's CPU time (an upper bound).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

# The render profile of a cold 2,000-page build, one core (issue 15): Markdown parse and
# render 3.66 s of 7.05 s. markdown-it-py's own parse and render, which this bench times, is
# nearly all of that stage; ladderdocs' rules (references, links, anchors) would have to walk
# a native parser's tree in Python, so the saving printed is an upper bound.
PROFILE_MARKDOWN_S, PROFILE_TOTAL_S = 3.66, 7.05


def markdown_it_py() -> tuple[Callable[[str], object], Callable[[str], object]]:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin, inline=False).use(deflist_plugin)
    return md.render, md.parse


def markdown_it_pyrs() -> tuple[Callable[[str], object], Callable[[str], object]]:
    from markdown_it_pyrs import MarkdownIt
    md = MarkdownIt("commonmark").enable_many(["table", "strikethrough", "footnote", "deflist"])
    return md.render, md.tree


def cmarkgfm() -> tuple[Callable[[str], object], None]:
    import cmarkgfm as cm
    return (lambda text: cm.markdown_to_html_with_extensions(text, extensions=["table", "strikethrough"])), None


PARSERS = {"markdown-it-py": markdown_it_py, "markdown-it-pyrs": markdown_it_pyrs, "cmarkgfm": cmarkgfm}


def cpu_seconds(func: Callable[[str], object], texts: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.process_time()
        for text in texts:
            func(text)
        times.append(time.process_time() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="parser-bench-") as tmp:
        handbook = generate(Path(tmp) / "handbook", args.pages)
        texts = [page.read_text(encoding="utf-8").split("---\n", 2)[2]
                 for page in sorted((handbook / "pages").rglob("*.md"))]
    print(f"{len(texts)} pages, {sum(map(len, texts)) / 1e6:.1f} MB of Markdown; CPU seconds, median of "
          f"{args.runs}; Python {sys.version.split()[0]}, load average before: {load}")
    print(f"{'parser':<18}{'render s':>9}{'per page us':>12}{'x faster':>9}{'parse only s':>13}")
    baseline = None
    for name, make in PARSERS.items():
        try:
            render, parse = make()
        except ImportError:
            print(f"{name:<18} not installed (sh bench/setup_tools.sh)")
            continue
        seconds = cpu_seconds(render, texts, args.runs)
        baseline = baseline or seconds
        parsed = f"{cpu_seconds(parse, texts, args.runs):>13.2f}" if parse else f"{'-':>13}"
        print(f"{name:<18}{seconds:>9.2f}{seconds / len(texts) * 1e6:>12.0f}{baseline / seconds:>9.1f}{parsed}")
        if name != "markdown-it-py":  # a ratio of CPU times: steadier than seconds on a busy machine
            saved = PROFILE_MARKDOWN_S * (1 - seconds / baseline)
            print(f"{'':<18}in the profile's cold build: Markdown {PROFILE_MARKDOWN_S:.2f} s -> "
                  f"{PROFILE_MARKDOWN_S - saved:.2f} s, {saved / PROFILE_TOTAL_S:.0%} of its {PROFILE_TOTAL_S:.2f} s "
                  f"CPU at most (ladderdocs' own rules stay Python)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
