"""What is marked internal never reaches a public build: not a page, not the sitemap, not an
export. The internal build shows it all and says so on every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import EXAMPLE, run_cli


def site_text(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(site.rglob("*")) if p.is_file()}


def files_holding(texts: dict[str, str], needle: str | re.Pattern[str]) -> list[str]:
    if isinstance(needle, str):
        return [name for name, text in texts.items() if needle in text]
    return [name for name, text in texts.items() if needle.search(text)]


def number_pattern(amount: int) -> re.Pattern[str]:
    """An amount as the site writes it (137,500) or the exports do (137500), not inside a bigger one."""
    grouped = f"{amount:,}".replace(",", r"\,")
    return re.compile(rf"(?<![\d,.])(?:{amount}|{grouped})(?![\d,])")


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    root = tmp_path_factory.mktemp("audiences")
    texts = {}
    for audience in ("public", "internal"):
        result = run_cli("build", "-c", str(EXAMPLE), "-o", str(root / audience), "--audience", audience)
        assert result.returncode == 0, result.stderr
        texts[audience] = site_text(root / audience)
    return texts


def example_internal_needles() -> list[str | re.Pattern[str]]:
    """Text only the example's internal items carry, read from the content itself."""
    comp = yaml.safe_load((EXAMPLE / "ladder" / "comp.yml").read_text())
    public_numbers = {n for s in comp["band_sets"] if s.get("audience") != "internal"
                      for band in s["bands"].values() for n in band.values()}
    internal_sets = [s for s in comp["band_sets"] if s.get("audience") == "internal"]
    internal_zones = [z for z in comp["zones"] if z.get("audience") == "internal"]
    assert internal_sets and internal_zones
    needles: list[str | re.Pattern[str]] = [s["source"] for s in internal_sets]
    needles += [z["title"] for z in internal_zones]
    needles += [number_pattern(n) for s in internal_sets for band in s["bands"].values()
                for n in sorted(band.values()) if n not in public_numbers]
    expectations = []
    for track_file in sorted((EXAMPLE / "ladder" / "tracks").glob("*.yml")):
        for level in yaml.safe_load(track_file.read_text())["levels"]:
            for items in level["expectations"].values():
                expectations += [e["text"] for e in items if isinstance(e, dict) and e.get("audience") == "internal"]
    assert len(expectations) >= 2
    needles += [" ".join(text.split()[-12:]) for text in expectations]  # a sentence of each
    page = (EXAMPLE / "pages" / "calibration-guide.md").read_text()
    assert "audience: internal" in page
    needles += ["Calibration guide for promotion committees",
                "Declare a conflict if you manage the candidate", "calibration-guide"]
    return needles


def test_example_internal_items_are_in_no_file_of_the_public_build(builds: dict[str, dict[str, str]]) -> None:
    needles = example_internal_needles()
    assert len(needles) > 20
    for needle in needles:
        shown = needle if isinstance(needle, str) else needle.pattern
        assert not files_holding(builds["public"], needle), f"{shown!r} leaked into {files_holding(builds['public'], needle)[:5]}"
        assert files_holding(builds["internal"], needle), f"{shown!r} missing from the internal build"


INTERNAL_TRACK = """id: secret-track
title: Zanzibar track
kind: hybrid
time_box_months: 12
order: 3
audience: internal
summary: Zanzibar track summary.
levels:
  - id: zanzibar-level
    title: Zanzibar level
    grade: 1
    summary: Zanzibar level summary.
    expectations:
      coding: [Zanzibar track expectation.]
"""


@pytest.fixture()
def every_kind_internal(mini_copy: Path) -> Path:
    """The mini handbook with one internal item of every kind that can be internal."""
    ladder = mini_copy / "ladder"
    (ladder / "tracks" / "secret.yml").write_text(INTERNAL_TRACK)
    ic = ladder / "tracks" / "ic.yml"
    ic.write_text(ic.read_text() + """  - id: quokka-level
    title: Quokka level
    grade: 3
    audience: internal
    summary: Quokka level summary.
    expectations:
      coding: [Quokka expectation.]
""")
    ic.write_text(ic.read_text().replace("        - Designs services.\n", """        - Designs services.
        - text: Narwhal internal expectation.
          audience: internal
""").replace("    expectations:\n", "    expectations:\n      okapi: [Okapi expectation.]\n"))
    competencies = ladder / "competencies.yml"
    competencies.write_text(competencies.read_text().replace("competencies:\n", """  - id: hidden-group
    title: Okapi group
competencies:
  - id: okapi
    title: Okapi competency
    group: hidden-group
    description: Okapi description.
    tracks: [ic]
    audience: internal
""", 1))
    comp = ladder / "comp.yml"
    comp.write_text(comp.read_text().replace("band_sets:\n", """  - id: axolotl
    title: Axolotl zone
    currency: EUR
    audience: internal
band_sets:
  - zone: axolotl
    as_of: 2026-07-01
    source: Axolotl zone review
    audience: internal
    bands:
      dev: {min: 71111, max: 72222}
  - zone: us
    as_of: 2026-07-01
    source: Pangolin exact bands
    audience: internal
    bands:
      manager: {min: 133333, max: 166666}
""", 1))
    mobility = ladder / "mobility.yml"
    mobility.write_text(mobility.read_text() + """  - from: ic
    to: secret-track
    description: Zanzibar move.
""")
    (mini_copy / "pages" / "secret.md").write_text(
        "---\ntitle: Capybara page\naudience: internal\n---\nCapybara sentence. See [[level:quokka-level]].\n")
    return mini_copy


MARKERS = ["Zanzibar", "zanzibar", "secret-track", "Quokka", "quokka", "Narwhal", "Okapi", "okapi",
           "Axolotl", "axolotl", "71,111", "71111", "Pangolin", "133,333", "133333", "Capybara", "secret/"]


def test_every_kind_of_internal_item_stays_out_of_a_public_build(every_kind_internal: Path, tmp_path: Path) -> None:
    for audience in ("public", "internal"):
        result = run_cli("build", "--strict", "-c", str(every_kind_internal), "-o", str(tmp_path / audience),
                         "--audience", audience)
        assert result.returncode == 0, result.stderr
    public, internal = site_text(tmp_path / "public"), site_text(tmp_path / "internal")
    for marker in MARKERS:
        assert not files_holding(public, marker), f"{marker} leaked into {files_holding(public, marker)[:5]}"
        assert files_holding(internal, marker), f"{marker} missing from the internal build"
    # the public band of the same level and zone is what a public reader sees
    assert "$130,000" in public["levels/manager/index.html"]
    assert "$133,333" in internal["levels/manager/index.html"]


def test_public_text_linking_to_internal_items_fails_with_file_and_line(mini_copy: Path, tmp_path: Path) -> None:
    (mini_copy / "pages" / "secret.md").write_text("---\ntitle: Secret\naudience: internal\n---\nHidden.\n")
    faq = mini_copy / "pages" / "faq.md"
    faq.write_text(faq.read_text() + "\nAsk the committee: read [the guide](secret.md).\n\nOr [[track:mgmt]].\n\n[[page:secret]]\n")
    mgmt = mini_copy / "ladder" / "tracks" / "mgmt.yml"
    mgmt.write_text(mgmt.read_text().replace("kind: management\n", "kind: management\naudience: internal\n"))
    ic = mini_copy / "ladder" / "tracks" / "ic.yml"
    ic.write_text(ic.read_text().replace("        - Designs services.\n", "        - Designs services, or see [[level:manager]].\n"))
    ic_line = next(i for i, line in enumerate(ic.read_text().splitlines(), 1) if "[[level:manager]]" in line)

    result = run_cli("build", "-c", str(mini_copy), "-o", str(tmp_path / "public"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    faq_lines = faq.read_text().splitlines()
    guide_line = next(i for i, line in enumerate(faq_lines, 1) if "secret.md" in line)
    ref_line = next(i for i, line in enumerate(faq_lines, 1) if "[[track:mgmt]]" in line)
    assert any(e.startswith(f"{faq}:{guide_line}:") and "'secret.md'" in e and "marked internal" in e for e in errors), errors
    assert any(e.startswith(f"{faq}:{ref_line}:") and "[[track:mgmt]]" in e and "marked internal" in e for e in errors), errors
    page_ref_line = len(faq_lines)
    assert any(e.startswith(f"{faq}:{page_ref_line}:") and "a page marked internal" in e for e in errors), errors
    assert any(e.startswith(f"{ic}:{ic_line}:") and "[[level:manager]]" in e and "marked internal" in e for e in errors), errors

    internal = run_cli("build", "-c", str(mini_copy), "-o", str(tmp_path / "internal"), "--audience", "internal")
    assert internal.returncode == 0, internal.stderr


def test_internal_build_says_so_on_every_page_and_keeps_crawlers_out(tmp_path: Path) -> None:
    out = tmp_path / "internal"
    assert run_cli("build", "-c", str(EXAMPLE), "-o", str(out), "--audience", "internal").returncode == 0
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 50
    for path in pages:
        page = BeautifulSoup(path.read_text(), "html.parser")
        assert page.select_one(".internal-banner"), path
        assert page.find("meta", attrs={"name": "robots", "content": "noindex"}), path
    assert (out / "robots.txt").read_text().splitlines()[-2:] == ["User-agent: *", "Disallow: /"]
    assert not (out / "sitemap.xml").exists()


def test_public_build_has_no_internal_banner_and_lets_crawlers_in(example_site: Path) -> None:
    for path in example_site.rglob("*.html"):
        page = BeautifulSoup(path.read_text(), "html.parser")
        assert not page.select_one(".internal-banner"), path
        is_widget = path.relative_to(example_site).as_posix().startswith("embed/") and path.parent.name != "embed"
        assert bool(page.find("meta", attrs={"name": "robots"})) == is_widget, path
