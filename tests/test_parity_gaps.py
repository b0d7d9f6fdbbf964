"""Parity shown, not only stated: the signed gap between the compared tracks at every grade, the
tilt finding, and copy that says what was measured.

The expected numbers are computed here from the handbook's YAML alone (PyYAML, no package code),
then compared with what a reader sees on the built pages.
"""

from __future__ import annotations

import re
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import EXAMPLE, FIXTURES, built, run_cli

EQUAL = FIXTURES / "parity" / "equal-bands"
IC_ABOVE = FIXTURES / "parity" / "ic-above"
Key = tuple[str, int, str, str]  # zone, grade, IC level, management level


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def signed_percent(ours: float, theirs: float) -> Decimal:
    """(ours - theirs) / theirs in percent, one place, halves away from zero."""
    exact = (Decimal(str(ours)) - Decimal(str(theirs))) * 100 / Decimal(str(theirs))
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def public_zones(root: Path) -> list[dict]:
    return [z for z in load(root / "ladder" / "comp.yml")["zones"] if z.get("audience") != "internal"]


def expected_gaps(root: Path) -> dict[Key, tuple[Decimal, Decimal, Decimal, int]]:
    """(min, mid, max gap, sign of the exact midpoint difference) for every zone and grade where an
    IC level and a management level both have a public band; a missing midpoint is the middle."""
    tracks = [load(p) for p in sorted((root / "ladder" / "tracks").glob("*.yml"))]
    comp = load(root / "ladder" / "comp.yml")
    levels = {kind: [lv for t in tracks if t["kind"] == kind for lv in t["levels"]] for kind in ("ic", "management")}
    found = {}
    for zone in public_zones(root):
        bands = {level: band for s in comp["band_sets"] if s["zone"] == zone["id"] and s.get("audience") != "internal"
                 for level, band in s["bands"].items()}
        for ic in levels["ic"]:
            for manager in levels["management"]:
                if ic["grade"] != manager["grade"] or ic["id"] not in bands or manager["id"] not in bands:
                    continue
                ours, theirs = bands[ic["id"]], bands[manager["id"]]
                mid, other_mid = (b.get("mid", (b["min"] + b["max"]) / 2) for b in (ours, theirs))
                found[(zone["id"], ic["grade"], ic["id"], manager["id"])] = (
                    signed_percent(ours["min"], theirs["min"]), signed_percent(mid, other_mid),
                    signed_percent(ours["max"], theirs["max"]), (mid > other_mid) - (mid < other_mid))
    return found


def as_number(text: str) -> Decimal:
    """'−2.4%' -> -2.4, '+1.0%' -> 1.0: the gap as the page writes it."""
    return Decimal(text.strip().replace("\u2212", "-").rstrip("%").strip())


def shown_gaps(page: BeautifulSoup) -> dict[tuple[str, str], tuple[Decimal, ...]]:
    return {(tr["data-gap-level"], tr["data-gap-other"]): tuple(as_number(td.get_text()) for td in tr.select("td.gap"))
            for tr in page.select("table.parity-table tr.gap-row")}


def zone_page(site: Path, zone_id: str) -> BeautifulSoup:
    return soup(site / "parity" / zone_id / "index.html")


def tilted_zones(gaps: dict[Key, tuple[Decimal, Decimal, Decimal, int]]) -> dict[str, int]:
    """zone -> the side (-1: IC below) that is below at more than half of at least two grades."""
    tilted = {}
    for zone in {key[0] for key in gaps}:
        signs = [sign for key, (*_, sign) in gaps.items() if key[0] == zone]
        for side in (-1, 1):
            if len(signs) >= 2 and 2 * signs.count(side) > len(signs):
                tilted[zone] = side
    return tilted


@pytest.fixture(scope="module")
def equal_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(EQUAL, tmp_path_factory.mktemp("equal") / "site")


@pytest.fixture(scope="module")
def ic_above_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(IC_ABOVE, tmp_path_factory.mktemp("above") / "site")


def test_every_gap_on_the_parity_pages_is_the_one_the_bands_give(example_site: Path) -> None:
    expected = expected_gaps(EXAMPLE)
    assert len(expected) == 16  # 4 public zones x grades 4-7
    for zone in public_zones(EXAMPLE):
        page = zone_page(example_site, zone["id"])
        want = {(ic, manager): values[:3] for (z, _, ic, manager), values in expected.items() if z == zone["id"]}
        assert shown_gaps(page) == want, zone["id"]
    # the US at grade 7: the review's -2.35%, written as a reader rounds it
    assert shown_gaps(zone_page(example_site, "us"))[("distinguished-engineer", "vp-engineering")][1] == Decimal("-2.4")


def test_the_page_says_which_way_the_sign_goes(example_site: Path) -> None:
    legend = zone_page(example_site, "us").select_one(".gap-legend").get_text(" ", strip=True)
    assert "Individual contributor band relative to the Engineering management band" in legend
    assert "a minus sign means Individual contributor is paid less" in legend


def test_the_largest_gap_is_the_first_thing_the_page_says(example_site: Path) -> None:
    expected = expected_gaps(EXAMPLE)
    for zone in public_zones(EXAMPLE):
        in_zone = {key: values for key, values in expected.items() if key[0] == zone["id"]}
        (_, grade, _, _), (_, mid, _, _) = max(in_zone.items(), key=lambda item: (abs(item[1][1]), item[0][1]))
        headline = zone_page(example_site, zone["id"]).select_one("main .parity-headline").get_text(" ", strip=True)
        assert headline == (f"Largest gap: the Individual contributor midpoint is {abs(mid)}% "
                            f"{'below' if mid < 0 else 'above'} Engineering management at grade {grade} in "
                            f"{zone['title']}."), zone["id"]
    us = soup(example_site / "parity" / "index.html").select_one(".parity-headline").get_text(" ", strip=True)
    assert us == ("Largest gap: the Individual contributor midpoint is 2.4% below Engineering management at grade 7 "
                  "in United States.")


def test_a_tilt_is_a_note_on_its_zones_page(example_site: Path) -> None:
    tilted = tilted_zones(expected_gaps(EXAMPLE))
    assert tilted == {"au": -1, "ph": -1, "np": -1}  # the US: below at 2 of 4 grades, equal at 2
    for zone in public_zones(EXAMPLE):
        tilts = [li for li in zone_page(example_site, zone["id"]).select("ul.findings > li")
                 if li.select_one(".finding-kind").get_text() == "Tilt:"]
        if zone["id"] not in tilted:
            assert tilts == [], zone["id"]
            continue
        assert len(tilts) == 1 and tilts[0].select_one(".badge").get_text() == "Note"
        text = tilts[0].get_text(" ", strip=True)
        assert (f"in {zone['title']}, the Individual contributor midpoint is below the Engineering management "
                f"midpoint at 4 of 4 grades compared") in text


def test_the_home_page_says_what_was_measured(example_site: Path) -> None:
    signs = [sign for *_, sign in expected_gaps(EXAMPLE).values()]
    summary = soup(example_site / "index.html").select_one(".parity-summary").get_text(" ", strip=True)
    assert (f"Compared at {len(signs)} grades across the zones: the Individual contributor midpoint is below "
            f"Engineering management at {signs.count(-1)}, above at {signs.count(1)} and equal at "
            f"{signs.count(0)}.") in summary
    assert signs.count(-1) == 14 and "No Individual contributor minimum or maximum is more than 5% below" in summary
    for page in (example_site / "index.html", example_site / "parity" / "index.html"):
        text = soup(page).select_one("main").get_text(" ", strip=True)
        assert "keep every promise" not in text and " match " not in text


def test_equal_bands_are_said_to_match_and_show_no_tilt(equal_site: Path) -> None:
    expected = expected_gaps(EQUAL)
    assert expected and all(values == (0, 0, 0, 0) for values in expected.values())
    for zone in public_zones(EQUAL):
        page = zone_page(equal_site, zone["id"])
        assert all(value == 0 for gaps in shown_gaps(page).values() for value in gaps)
        assert "The Individual contributor and Management bands match at all 3 grades compared." in \
            page.select_one(".parity-measured").get_text(" ", strip=True)
        assert not page.select("ul.findings > li") and "Tilt" not in page.get_text()
        assert "Largest gap" not in page.get_text()
    home = soup(equal_site / "index.html").select_one(".parity-summary").get_text(" ", strip=True)
    assert "bands match at all 6 grades compared" in home and "below" in home  # "no ... more than 5% below"
    assert "midpoint is below" not in home


def test_a_tilt_the_other_way_is_told_the_other_way_round(ic_above_site: Path) -> None:
    expected = expected_gaps(IC_ABOVE)
    assert tilted_zones(expected) == {"us": 1}
    page = zone_page(ic_above_site, "us")
    (tilt,) = [li for li in page.select("ul.findings > li") if li.select_one(".finding-kind").get_text() == "Tilt:"]
    assert ("the Management midpoint is below the Individual contributor midpoint at 2 of 3 grades compared"
            in tilt.get_text(" ", strip=True))
    assert page.select_one(".parity-headline").get_text(" ", strip=True) == (
        "Largest gap: the Individual contributor midpoint is 2.3% above Management at grade 4 in United States.")
    shown = {pair: values for pair, values in shown_gaps(page).items()}
    assert shown[("ic4", "m4")] == expected[("us", 4, "ic4", "m4")][:3]
    assert [td.get_text() for td in page.select('tr.gap-row[data-gap-level="ic4"] td.gap')][1] == "+2.3%"


def test_the_tilt_severity_is_the_handbooks_to_set(tmp_path: Path) -> None:
    handbook = tmp_path / "handbook"
    shutil.copytree(IC_ABOVE, handbook)
    settings = handbook / "handbook.yml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text + "  tilt_severity: warning\n", encoding="utf-8")
    result = run_cli("check", "-c", str(handbook))
    assert result.returncode == 0 and re.search(r"comp\.yml:\d+:1: warning: in United States, the Management midpoint",
                                                result.stderr), result.stderr
    settings.write_text(text + "  tilt_severity: error\n  strict: true\n", encoding="utf-8")
    assert run_cli("check", "-c", str(handbook)).returncode == 1
    settings.write_text(text + "  tilt_severity: loud\n", encoding="utf-8")
    bad = run_cli("check", "-c", str(handbook))
    assert bad.returncode == 1 and "handbook.yml:7" in bad.stderr and "Traceback" not in bad.stderr, bad.stderr


def test_every_zone_has_its_own_address_linked_from_the_switcher(example_site: Path) -> None:
    zones = [z["id"] for z in public_zones(EXAMPLE)]
    default = soup(example_site / "parity" / "index.html")
    own = zone_page(example_site, zones[0])
    assert shown_gaps(default) == shown_gaps(own)  # the default address stays, with the same numbers
    for page, where in ((default, example_site / "parity"), (own, example_site / "parity" / zones[0])):
        links = [a["href"] for a in page.select("nav.zone-tabs a")]
        targets = [(where / href).resolve().relative_to((example_site / "parity").resolve()).as_posix()
                   for href in links]
        assert targets == zones
        assert all((where / href / "index.html").is_file() for href in links)
