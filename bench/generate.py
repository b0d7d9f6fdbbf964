"""Write a synthetic, valid handbook of any size, for benchmarks and scale tests.

    python bench/generate.py OUT_DIR --pages N [--seed S]

N prose pages of about 700 words (headings, lists, tables, code, [[level:…]] references
and .md links between pages) in 20 folders, plus a ladder of 4 tracks × 10 levels,
20 competencies in 4 groups, an expectation for every level and competency, and bands in
4 zones. The same seed writes the same bytes. Importable: `generate(out, pages, seed)`.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

FOLDERS = 20
LEVELS_PER_TRACK = 10
TRACKS = [  # id, title, kind, first grade
    ("ic", "Individual contributor", "ic", 1),
    ("management", "Management", "management", 4),
    ("tlm", "Tech lead manager", "hybrid", 3),
    ("specialist", "Specialist", "ic", 2),
]
GROUPS = [("craft", "Craft"), ("delivery", "Delivery"), ("people", "People"), ("direction", "Direction")]
ZONES = [("us", "United States", "USD"), ("uk", "United Kingdom", "GBP"),
         ("de", "Germany", "EUR"), ("in", "India", "INR")]
ZONE_FACTOR = {"us": 1.0, "uk": 0.62, "de": 0.68, "in": 28.0}

WORDS = """
team service design review deploy release incident latency budget roadmap quarter customer
shipment carrier invoice queue schema migration test coverage pipeline rollout feedback mentor
proposal decision trade-off risk owner stakeholder metric alert runbook capacity cost estimate
scope goal outcome priority dependency interface contract boundary module library platform
storage cache index query throughput reliability security privacy audit compliance document
clear careful steady small large shared common explicit gradual early late quick thorough
writes reviews leads ships owns plans measures explains improves reduces raises agrees builds
""".split()
LANGUAGES = ["python", "yaml", "sql", "bash"]


def _sentence(rng: random.Random, low: int = 8, high: int = 16) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def _level_ids(track_id: str) -> list[str]:
    return [f"{track_id}-{n}" for n in range(1, LEVELS_PER_TRACK + 1)]


def _competencies() -> list[tuple[str, str, str]]:
    """(id, title, group id): five per group."""
    return [(f"{group}-{n}", f"{title} {n}", group) for group, title in GROUPS for n in range(1, 6)]


def _page_rel(index: int) -> str:
    """Page 0 is the home page; a handful sit at the top level, the rest in folders."""
    if index == 0:
        return "index.md"
    if index <= 5:
        return f"guide-{index}.md"
    return f"area-{index % FOLDERS:02d}/page-{index:05d}.md"


def _link(from_rel: str, to_rel: str) -> str:
    """A relative .md link from one page to another, as an author would write it."""
    up = "../" * from_rel.count("/")
    return up + to_rel


def page_text(rng: random.Random, index: int, pages: int, level_ids: list[str]) -> str:
    """About 700 words of Markdown with the constructs real handbook pages use."""
    rel = _page_rel(index)
    nav = index <= 5
    front = (f"---\ntitle: Handbook page {index}\norder: {index}\n"
             f"description: {_sentence(rng, 6, 10)}\nnav: {'true' if nav else 'false'}\n---\n")
    parts = [_paragraph(rng, 5)]
    for section in range(1, 5):
        parts.append(f"## Section {section}: {rng.choice(WORDS)} and {rng.choice(WORDS)}")
        parts.append(_paragraph(rng, 6))
        level = rng.choice(level_ids)
        other = _page_rel(rng.randrange(pages)) if pages > 1 else rel
        parts.append(f"See [[level:{level}]] and [the related page]({_link(rel, other)}) for "
                     f"how this applies to [[track:{level.rsplit('-', 1)[0]}|that track]].")
        if section == 1:
            parts.append("\n".join(f"- {_sentence(rng, 5, 10)}" for _ in range(5)))
        if section == 2:
            rows = ["| Item | Owner | Notes |", "| --- | --- | --- |"]
            rows += [f"| {rng.choice(WORDS)} | {rng.choice(WORDS)} | {_sentence(rng, 4, 7)} |"
                     for _ in range(5)]
            parts.append("\n".join(rows))
        if section == 3:
            language = rng.choice(LANGUAGES)
            code = "\n".join(f"{rng.choice(WORDS)}_{n} = \"{rng.choice(WORDS)}\"" for n in range(5))
            parts.append(f"```{language}\n{code}\n```")
        if section == 4:
            parts.append("\n".join(f"{n}. {_sentence(rng, 5, 10)}" for n in range(1, 5)))
            parts.append("### Details\n\n" + _paragraph(rng, 4))
    parts.append(_paragraph(rng, 4))
    return front + "\n\n".join(parts) + "\n"


def _track_yaml(rng: random.Random, track: tuple[str, str, str, int]) -> str:
    track_id, title, kind, first_grade = track
    lines = [f"id: {track_id}", f"title: {title}", f"kind: {kind}",
             f"order: {[t[0] for t in TRACKS].index(track_id) + 1}", f"summary: {_sentence(rng)}"]
    if kind == "hybrid":
        lines += ["time_box_months: 24", "off_ramps:", "  - to: ic",
                  f"    description: {_sentence(rng)}", "  - to: management",
                  f"    description: {_sentence(rng)}"]
    lines.append("levels:")
    for n, level_id in enumerate(_level_ids(track_id)):
        lines += [f"  - id: {level_id}", f"    title: {title} level {n + 1}",
                  f"    grade: {first_grade + n}", f"    summary: {_sentence(rng)}",
                  f"    scope: {_sentence(rng, 5, 9)}", "    expectations:"]
        for comp_id, _, _ in _competencies():
            lines.append(f"      {comp_id}:")
            lines.append(f"        - key: {comp_id}-core")
            lines.append(f"          text: {_sentence(rng, 6, 12)}")
            lines += [f"        - {_sentence(rng, 6, 12)}" for _ in range(rng.randint(1, 2))]
        lines += ["    examples:", f"      - {_sentence(rng)}"]
    return "\n".join(lines) + "\n"


def _comp_yaml() -> str:
    lines = ["zones:"]
    for zone_id, title, currency in ZONES:
        lines += [f"  - id: {zone_id}", f"    title: {title}", f"    currency: {currency}"]
    lines.append("band_sets:")
    for zone_id, _, _ in ZONES:
        lines += [f"  - zone: {zone_id}", "    as_of: 2026-07-01",
                  "    source: Synthetic benchmark pay data", "    bands:"]
        for track_id, _, _, first_grade in TRACKS:
            for n, level_id in enumerate(_level_ids(track_id)):
                low = int((60000 + 20000 * (first_grade + n)) * ZONE_FACTOR[zone_id])
                lines.append(f"      {level_id}: {{min: {low}, max: {int(low * 1.3)}}}")
    return "\n".join(lines) + "\n"


def _competencies_yaml(rng: random.Random) -> str:
    lines = ["groups:"]
    for group_id, title in GROUPS:
        lines += [f"  - id: {group_id}", f"    title: {title}", f"    description: {_sentence(rng)}"]
    lines.append("competencies:")
    for comp_id, title, group in _competencies():
        lines += [f"  - id: {comp_id}", f"    title: {title}", f"    group: {group}",
                  f"    description: {_sentence(rng)}"]
    return "\n".join(lines) + "\n"


MOBILITY = """\
keep_grade: true
min_months_between_switches: 12
moves:
  - from: ic
    to: management
    min_grade: 4
    description: Agree a trial period with your manager.
  - from: management
    to: ic
    description: Keep your grade; pick a team first.
  - from: ic
    to: tlm
    min_grade: 3
  - from: tlm
    to: ic
  - from: tlm
    to: management
  - from: ic
    to: specialist
notes: Switching keeps your grade.
"""

HANDBOOK = """\
title: Synthetic Benchmark Handbook
organisation: Bench Co
description: A generated handbook for measuring build speed.
base_url: https://bench.example/handbook/
as_of: 2026-11-01
"""


def generate(out: Path, pages: int, seed: int = 0) -> Path:
    """Write the handbook into `out` (replacing it); the same seed gives the same bytes."""
    if pages < 1:
        raise ValueError("a handbook needs at least one page (the home page)")
    rng = random.Random(seed)
    if out.exists() and any(out.iterdir()):
        if not (out / "handbook.yml").is_file() or (out / "handbook.yml").read_text() != HANDBOOK:
            raise ValueError(f"{out} is not empty and holds no generated handbook; not replacing it")
        shutil.rmtree(out)
    (out / "ladder" / "tracks").mkdir(parents=True)
    (out / "handbook.yml").write_text(HANDBOOK, encoding="utf-8")
    (out / "ladder" / "competencies.yml").write_text(_competencies_yaml(rng), encoding="utf-8")
    for track in TRACKS:
        (out / "ladder" / "tracks" / f"{track[0]}.yml").write_text(_track_yaml(rng, track), encoding="utf-8")
    (out / "ladder" / "comp.yml").write_text(_comp_yaml(), encoding="utf-8")
    (out / "ladder" / "mobility.yml").write_text(MOBILITY, encoding="utf-8")
    level_ids = [lv for track in TRACKS for lv in _level_ids(track[0])]
    for index in range(pages):
        path = out / "pages" / _page_rel(index)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page_text(rng, index, pages, level_ids), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the handbook into (replaced)")
    parser.add_argument("--pages", type=int, default=2000, help="number of prose pages (default 2000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    generate(args.out, args.pages, args.seed)
    print(f"wrote {args.pages} pages into {args.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
