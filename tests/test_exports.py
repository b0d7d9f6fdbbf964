"""The ladder as data: ladder.json matches its published schema and the site, bands.csv has a
row per band a level page shows, and schema.json is the content schema."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from conftest import EXAMPLE, load_model, run_cli
from ladderdocs.model.entities import INTERNAL, PUBLIC
from ladderdocs.source.schema import published_schema


def validator(site: Path) -> Draft202012Validator:
    schema = json.loads((site / "ladder.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


@pytest.mark.parametrize("audience", [PUBLIC, INTERNAL])
def test_ladder_json_follows_its_schema_and_holds_the_whole_ladder(
        audience: str, example_site: Path, internal_site: Path) -> None:
    site = example_site if audience == PUBLIC else internal_site
    ladder = json.loads((site / "ladder.json").read_text())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(site).iter_errors(ladder)]
    assert not errors, errors[:5]

    handbook, _ = load_model(EXAMPLE, audience)
    assert ladder["audience"] == audience
    assert [t["id"] for t in ladder["tracks"]] == [t.id for t in handbook.tracks]
    levels = {lv["id"]: lv for t in ladder["tracks"] for lv in t["levels"]}
    assert list(levels) == [lv.id for t in handbook.tracks for lv in t.levels]
    staff = levels["staff-engineer"]
    model_staff = handbook.level_by_id["staff-engineer"]
    assert staff["grade"] == model_staff.grade and staff["path"] == "levels/staff-engineer/"
    assert [e["text"] for e in staff["expectations"]["delivery"]] == [
        e.text for e in model_staff.expectations["delivery"]]
    assert [z["id"] for z in ladder["zones"]] == [z.id for z in handbook.zones]
    assert len(ladder["competencies"]) == len(handbook.competencies)
    assert ladder["mobility"]["moves"] and ladder["handbook"]["base_url"].startswith("https://")
    for track in ladder["tracks"]:  # every page path in the export exists on the site
        for item in [track, *track["levels"]]:
            assert (site / item["path"] / "index.html").is_file()


def test_the_schema_rejects_a_ladder_of_another_shape(example_site: Path) -> None:
    ladder = json.loads((example_site / "ladder.json").read_text())
    check = validator(example_site)
    broken = copy.deepcopy(ladder)
    del broken["tracks"][0]["levels"][0]["grade"]
    assert not check.is_valid(broken)
    broken = copy.deepcopy(ladder)
    broken["bands"][0]["min"] = "a lot"
    assert not check.is_valid(broken)


def test_bands_csv_has_one_row_per_band_shown_on_the_level_pages(example_site: Path) -> None:
    with (example_site / "bands.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["track", "level", "grade", "zone", "currency", "min", "mid", "max", "as_of", "source"]
    handbook, _ = load_model(EXAMPLE)
    shown = [(lv.id, z.id) for t in handbook.tracks for lv in t.levels for z in handbook.zones
             if handbook.band_for(lv, z)]
    assert [(r["level"], r["zone"]) for r in rows] == shown
    row = next(r for r in rows if (r["level"], r["zone"]) == ("staff-engineer", "us"))
    assert row == {"track": "ic", "level": "staff-engineer", "grade": "4", "zone": "us", "currency": "USD",
                   "min": "195000", "mid": "225000", "max": "255000", "as_of": "2026-07-01",
                   "source": "Juniper total-rewards review, July 2026"}


def test_bands_csv_leaves_mid_empty_when_not_given(mini_copy: Path, tmp_path: Path) -> None:
    assert run_cli("build", "-c", str(mini_copy), "-o", str(tmp_path / "site")).returncode == 0
    rows = list(csv.DictReader((tmp_path / "site" / "bands.csv").read_text().splitlines()))
    senior = next(r for r in rows if r["level"] == "senior-dev")
    assert (senior["min"], senior["mid"], senior["max"]) == ("130000", "", "160000")


def test_content_schema_is_published_beside_the_site(example_site: Path) -> None:
    assert json.loads((example_site / "schema.json").read_text()) == published_schema()
