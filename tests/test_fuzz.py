"""Bad input, tried systematically: whatever hypothesis writes into a handbook, the build
ends in a site or in problems with file:line — never another exception, never a hang, and
never a damaged site/. Bounded so the file runs in well under a minute."""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from hypothesis import HealthCheck, Phase, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from conftest import MINI, render, run_cli, tree_bytes
from ladderdocs.errors import ContentError
from ladderdocs.site import build

SECONDS_PER_EXAMPLE = 20  # generous for a loaded CI machine; a hang is minutes, not seconds
# CI runs a fixed, bounded set; LADDERDOCS_FUZZ_EXAMPLES=2000 searches further, at random.
EXAMPLES = int(os.environ.get("LADDERDOCS_FUZZ_EXAMPLES", "25"))
# No explain phase: it re-runs a failing example under a tracer, minutes on a build, for a hint we do not need.
PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize="LADDERDOCS_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], phases=PHASES)

YAML_FILES = ["handbook.yml", "ladder/competencies.yml", "ladder/tracks/ic.yml", "ladder/tracks/mgmt.yml",
              "ladder/comp.yml", "ladder/mobility.yml"]
PAGE = "pages/faq.md"

ODD = ["\u200f", "\u202e", "\u2066", "e\u0301", "\u0301", "🎉", "👩‍👩‍👧", "\x00", "\ufeff", "\ud800", "\udfff",
       "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1b", "\t", "\r", "\r\n", "\n", "\ufffd", "\U0010ffff",
       "ﷺ", "ǅ", "İ", "ß"]
YAML_SYNTAX = [":", ": ", "- ", "-", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!!python/name:os.system ",
               "!x ", "? ", "|", ">", "'", '"', "#", "%YAML 1.1\n", "---\n", "...\n", "<<: ", "~", "null",
               "true", "0x1F", "1e400", ".inf", ".nan", "-0", "2026-02-30", "  ", "    "]
SHOWABLE = [c for c in ODD if not re.search(r"[\x00-\x08\x0b\x0e-\x1f\ud800-\udfff]", c)]
# Markdown that builds (every reference resolves) yet tries every trick to get markup through
MARKDOWN = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
            "![i](javascript:alert(1))", "[x](vbscript:msgbox)", "[x](data:text/html,<script>a</script>)",
            "[x](\"onmouseover=\"alert(1))", '[x](/a "t\\" onclick=\\"x")', "[[level:dev|<b>x</b>]]",
            "[[level:", "[[", "]]", "[[track:ic]]", "[[page:faq]]", "[a](faq.md)", "[a](index.md#x)",
            "<!--", "-->", "```", "~~~", "| a | b |\n|---|---|\n| 1 |", "    code", "> ", "* ", "1. ",
            "# ", "## ", "&#0;", "&#x110000;", "&amp;", "\\", "`", "**", "_", "[a]: javascript:x", "[a]",
            "<http://x>", "<javascript:alert(1)>", "\n\n", "\n", " "]
HOSTILE_TEXT = st.lists(st.one_of(st.sampled_from(ODD), st.sampled_from(YAML_SYNTAX), st.text(max_size=8)),
                        max_size=30).map("".join)
MARKDOWN_TEXT = st.lists(st.one_of(st.sampled_from(MARKDOWN), st.sampled_from(SHOWABLE),
                                   st.text(st.characters(blacklist_categories=["Cc", "Cs"]), max_size=8)),
                         max_size=40).map("".join)

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), HOSTILE_TEXT,
                    st.sampled_from(["dev", "ic", "us", "2026-01-01", "../../etc", "a/b", ""]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.text(max_size=10), st.integers()), inner, max_size=4)),
    max_leaves=20)


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"no answer within {seconds}s")
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def handbook_with(files: dict[str, bytes]) -> Iterator[Path]:
    """The mini handbook with `files` replaced, in a fresh folder that goes away after."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        root = Path(tmp) / "handbook"
        shutil.copytree(MINI, root)
        for rel, data in files.items():
            (root / rel).write_bytes(data)
        yield root


def yaml_scalar(text: str) -> str:
    """`text` written as one YAML scalar, quoted and escaped as needed."""
    return yaml.safe_dump(text, allow_unicode=True, width=2**20).removesuffix("...\n").strip()


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes bytes that are not UTF-8


# The theme's scripts and the level picker's generated data file are the only scripts a page may load.
LIVE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=\"[^\"]*(?:static/[\w.-]+|diff/levels)\.js\")", re.IGNORECASE)
SCRIPT_URL = re.compile(r"\s(?:href|src|action|formaction)=\"\s*(?:javascript|vbscript|data):", re.IGNORECASE)


def note_outcome(outcome: str) -> None:
    """Counted in --hypothesis-show-statistics: a fuzzer that never reaches a site tests little."""
    if currently_in_test_context():
        event(outcome)


def assert_site_or_problems(root: Path) -> None:
    """The one promise: a site without live script, or ContentError with located problems."""
    try:
        with time_limit(SECONDS_PER_EXAMPLE):
            result = render(root)
    except ContentError as err:
        note_outcome("problems")
        assert err.problems
        for problem in err.problems:
            assert problem.file and problem.line >= 1 and problem.col >= 1, problem
            assert problem.message and "Traceback" not in problem.message
        return
    note_outcome("site")
    for path, data in result.files.items():
        assert not path.startswith("/") and ".." not in path.split("/"), path
        if path.endswith(".html"):
            page = data.decode("utf-8")
            assert not LIVE_SCRIPT.search(page), path
            assert not SCRIPT_URL.search(page), path


@FUZZ
@given(rel=st.sampled_from(YAML_FILES), text=HOSTILE_TEXT)
def test_any_text_as_a_yaml_file(rel: str, text: str) -> None:
    with handbook_with({rel: encode(text)}) as root:
        assert_site_or_problems(root)


@FUZZ
@given(rel=st.sampled_from(YAML_FILES), data=st.data())
def test_valid_yaml_with_random_edits(rel: str, data: st.DataObject) -> None:
    """Small typos in a real file: most of the damage an author actually does."""
    text = (MINI / rel).read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 6))
        insert = data.draw(st.one_of(st.sampled_from(YAML_SYNTAX + ODD), st.just("")))
        text = text[:at] + insert + text[at + cut:]
    with handbook_with({rel: encode(text)}) as root:
        assert_site_or_problems(root)


def paths_in(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths_in(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths_in(child, (*prefix, index))


@FUZZ
@given(rel=st.sampled_from(YAML_FILES), data=st.data(), value=VALUES)
def test_wrong_types_huge_and_nested_values(rel: str, data: st.DataObject, value: Any) -> None:
    """Well-formed YAML with any value, of any type or size, put anywhere in a real file."""
    document = yaml.safe_load((MINI / rel).read_text(encoding="utf-8"))
    path = data.draw(st.sampled_from(sorted((p for p in paths_in(document) if p), key=repr)))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    with handbook_with({rel: encode(text)}) as root:
        assert_site_or_problems(root)


@FUZZ
@given(front=HOSTILE_TEXT, body=HOSTILE_TEXT)
def test_hostile_front_matter(front: str, body: str) -> None:
    page = "---\ntitle: Odd page\n" + front + "\n---\n" + body
    with handbook_with({PAGE: encode(page)}) as root:
        assert_site_or_problems(root)


@FUZZ
@given(title=st.text(st.characters(blacklist_categories=["Cc", "Cs"]), min_size=1, max_size=30),
       body=MARKDOWN_TEXT)
def test_hostile_markdown_page(title: str, body: str) -> None:
    page = f"---\ntitle: {yaml_scalar(title)}\n---\n{body}"
    with handbook_with({PAGE: encode(page)}) as root:
        assert_site_or_problems(root)


@FUZZ
@given(body=MARKDOWN_TEXT, extra=st.sampled_from(["", "allow_html: false\n"]))
def test_hostile_markdown_in_every_prose_field(body: str, extra: str) -> None:
    """Ladder strings are Markdown too: a summary, an expectation, a move description."""
    quoted = yaml_scalar(body)
    track = (MINI / "ladder/tracks/ic.yml").read_text(encoding="utf-8")
    track = track.replace("summary: Builds features.", f"summary: {quoted}")
    track = track.replace("- Writes tested code.", f"- {quoted}", 1)
    mobility = (MINI / "ladder/mobility.yml").read_text(encoding="utf-8")
    mobility = mobility.replace("description: Talk to your manager.", f"description: {quoted}")
    handbook = (MINI / "handbook.yml").read_text(encoding="utf-8") + extra
    with handbook_with({"ladder/tracks/ic.yml": encode(track), "ladder/mobility.yml": encode(mobility),
                        "handbook.yml": encode(handbook)}) as root:
        assert_site_or_problems(root)


@pytest.mark.parametrize("text", [
    "[" * 20_000 + "]" * 20_000,             # deeper than any parser's stack
    "- " * 5_000 + "x",                      # block nesting
    "a: &a [*a]",                            # an alias into itself
    "\n".join(f"k{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9) if i else 'x'}]" for i in range(9)),  # alias bomb
    "x: " + "9" * 10_000,                    # a number longer than Python converts
    "title: " + "long " * 200_000,           # a megabyte of title
])
def test_pathological_yaml(text: str) -> None:
    with handbook_with({"handbook.yml": encode(text)}) as root:
        assert_site_or_problems(root)


@pytest.mark.parametrize("body", [
    ">" * 50_000 + " deep quote",
    "".join("  " * i + "- x\n" for i in range(2_000)),
    "[" * 20_000 + "a" + "]" * 20_000,
    "*a" * 20_000,
    "[[level:dev|" * 5_000,
    "<" * 50_000,
    "| a |\n|---|\n" + "| x |\n" * 20_000,
])
def test_pathological_markdown_ends(body: str) -> None:
    with handbook_with({PAGE: encode("---\ntitle: Deep\n---\n" + body)}) as root:
        assert_site_or_problems(root)


@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow], phases=PHASES)
@given(rel=st.sampled_from(YAML_FILES + [PAGE]), text=HOSTILE_TEXT)
def test_command_line_exits_cleanly_and_keeps_the_last_good_site(rel: str, text: str) -> None:
    """Through the real CLI: exit 0 or 1, no traceback, and a failed build leaves site/ as it was."""
    with handbook_with({}) as root:
        site = root.parent / "site"
        assert run_cli("build", "-c", str(root), "-o", str(site)).returncode == 0
        before = tree_bytes(site)
        (root / rel).write_bytes(encode(text))
        result = run_cli("build", "-c", str(root), "-o", str(site))
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stderr
        if result.returncode == 1:
            problems = [line for line in result.stderr.splitlines() if ": error: " in line]
            assert problems and all(re.match(r".+:\d+:\d+: error: ", line) for line in problems), result.stderr
            assert tree_bytes(site) == before
        assert not [p for p in site.parent.iterdir() if p.name.startswith(".site.")]  # no staging left behind


def test_a_failed_build_in_process_leaves_the_site_byte_identical(tmp_path: Path) -> None:
    with handbook_with({}) as root:
        site = tmp_path / "site"
        build(root, site)
        before = tree_bytes(site)
        (root / "pages" / "faq.md").write_text("---\ntitle: FAQ\n---\n[[level:nowhere]]\n", encoding="utf-8")
        with pytest.raises(ContentError):
            build(root, site)
        assert tree_bytes(site) == before


def test_an_unwritable_output_folder_is_a_clean_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the site's parent folder should be")
    result = run_cli("build", "-c", str(MINI), "-o", str(blocker / "site"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cannot write the site" in result.stderr
    assert blocker.read_text().startswith("a file")
