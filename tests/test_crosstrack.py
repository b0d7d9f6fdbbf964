"""Issue 14: two same-grade levels of different tracks, set side by side to help a decision:
both levels' expectations under each competency, the pay difference in every zone (worked out
here from comp.yml itself) and the switching rules between the two tracks."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from bs4 import BeautifulSoup, Tag

from conftest import EXAMPLE, load_model
from ladderdocs.pages.facts import Facts
from ladderdocs.text.money import format_money

LOWER, UPPER = "staff-engineer", "engineering-manager"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text(node: Tag) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True))


def page(site: Path, lower: str = LOWER, upper: str = UPPER) -> BeautifulSoup:
    return soup(site / "diff" / f"{lower}--{upper}" / "index.html")


def test_both_levels_expectations_under_each_competency(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    facts = Facts(handbook)
    lower, upper = handbook.level_by_id[LOWER], handbook.level_by_id[UPPER]
    applying = [facts.applying(handbook.track_of(lv))[lv.id] for lv in (lower, upper)]
    sections = page(example_site).select("section.versus")
    wanted = [c for c in handbook.competencies if c.id in applying[0] or c.id in applying[1]]
    assert [text(s.h3) for s in sections] == [c.title for c in wanted]
    for competency, section in zip(wanted, sections):
        sides = section.select(".versus-side")
        assert [text(side.h4) for side in sides] == [lower.title, upper.title]  # two columns, this track / that one
        both = len(section.select(".versus-both li"))
        for side, here in zip(sides, applying):
            listed = side.select(".diff-list > li")
            assert len(listed) + both == len(here.get(competency.id, [])), f"{competency.id}: {text(side.h4)}"
            if competency.id not in here:
                assert "Not expected of" in text(side)


def test_alike_expectations_carry_the_same_number_on_both_sides(example_site: Path) -> None:
    section = next(s for s in page(example_site, UPPER, "senior-tech-lead-manager").select("section.versus")
                   if s.select(".badge-reworded, .badge-grown, .badge-maybe"))
    left, right = ([text(b) for b in side.select(".badge")] for side in section.select(".versus-side"))
    assert left and left == right


def test_pay_difference_per_zone_matches_comp_yml(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    comp = yaml.safe_load((EXAMPLE / "ladder" / "comp.yml").read_text(encoding="utf-8"))
    zones = {z["id"]: z for z in comp["zones"] if z.get("audience", "public") == "public"}
    cards = {text(li.h3): li for li in page(example_site).select("li.pay-zone")}
    assert len(cards) == len(zones)
    differs = 0
    for band_set in comp["band_sets"]:
        if band_set["zone"] not in zones or band_set.get("audience", "public") != "public":
            continue
        zone = zones[band_set["zone"]]
        locale = next(z.locale for z in handbook.zones if z.id == zone["id"])
        money = lambda amount: format_money(amount, zone["currency"], locale).replace("\xa0", " ")  # noqa: E731
        a, b = band_set["bands"][LOWER], band_set["bands"][UPPER]
        card = text(cards[f"{zone['title']} {zone['currency']}"])
        assert f"{money(a['min'])} – {money(a['max'])}" in card and f"{money(b['min'])} – {money(b['max'])}" in card

        def signed(diff: float) -> str:
            return ("+" if diff > 0 else "−" if diff < 0 else "") + money(abs(diff))

        if (a["min"], a["max"]) == (b["min"], b["max"]):
            assert "Difference None: the same band." in card
        else:
            differs += 1
            assert f"Difference {signed(b['min'] - a['min'])} at the bottom, {signed(b['max'] - a['max'])} at the top" in card
        assert card.count("As of") == 1 and band_set["source"] in card  # said once: both bands share it
    assert differs  # the example has zones where the two bands differ


def test_the_switching_rules_between_the_two_tracks(example_site: Path) -> None:
    mobility = yaml.safe_load((EXAMPLE / "ladder" / "mobility.yml").read_text(encoding="utf-8"))
    switching = page(example_site).find(id="switching").find_parent("section")
    said = text(switching)
    for move in mobility["moves"]:
        if {move["from"], move["to"]} == {"ic", "management"}:
            assert " ".join(move["description"].split()[:12]) in said
    assert "keeping grade 4" in said
    assert f"At most one switch every {mobility['min_months_between_switches']} months." in said
    tlm = text(page(example_site, "senior-engineer", "tech-lead-manager").find(id="switching").find_parent("section"))
    assert "time-boxed to 24 months" in tlm


def test_a_move_the_rules_do_not_name_is_said_from_the_levels_own_track(example_site: Path) -> None:
    """`level is lower` in the template was Jinja's lowercase test, never true: the sentence
    named the other track twice ("from Tech Lead Manager to Tech Lead Manager")."""
    switching = page(example_site, "engineering-manager", "senior-tech-lead-manager").find(id="switching").find_parent("section")
    first = text(switching.find("li"))
    assert first.startswith("From Engineering Manager:")
    assert "name no move from Engineering management to Tech Lead Manager" in first


def test_no_level_is_named_twice_when_it_shares_its_tracks_title(example_site: Path) -> None:
    """"Tech Lead Manager (Tech Lead Manager)" says nothing twice."""
    twice = re.compile(r"(?<!\w )(?<!\w)([A-Z][\w ]+?) \(\1[,)]")  # not the tail of a longer title
    for path in [example_site / "diff" / "index.html", *(example_site / "diff").glob("*--*/index.html")]:
        shown = text(soup(path).main)
        assert not twice.search(shown), f"{path}: {twice.search(shown).group(0)}"
    listing = text(soup(example_site / "diff" / "index.html").find(id="same-grade").find_parent("section"))
    assert "Senior Engineer (Individual contributor) ↔ Tech Lead Manager" in listing


def test_the_default_zone_has_its_own_compare_address(example_site: Path) -> None:
    handbook, _ = load_model(EXAMPLE)
    first = handbook.zones[0]
    own = soup(example_site / "compare" / first.id / "index.html")
    assert f"{first.title} ({first.currency})" in text(own.select_one(".compare-caption"))
    assert text(own.select_one("nav.zone-tabs a[aria-current]")).startswith(first.title)
    assert (example_site / "compare" / "index.html").is_file()  # the section's address stays
