"""The ladder as data for other tools: ladder.json (with its JSON Schema) and bands.csv.

Both are built from the audience's model, like the pages, so a public export holds exactly
what the public site shows. Prose stays Markdown, as the author wrote it.
"""

from __future__ import annotations

import io
import json
from typing import Any, Iterator

from ladderdocs.model.deps import BANDS, MOBILITY, competency_dep, level_dep, track_dep
from ladderdocs.model.diff import Applying, expectations_model
from ladderdocs.model.entities import INTERNAL, PUBLIC, Handbook, Level, Track
from ladderdocs.pages.base import FileJob, PageType
from ladderdocs.pages.facts import Facts
from ladderdocs.source.schema import published_schema
from ladderdocs.text.i18n import N_

LADDER_FORMAT = "ladderdocs-ladder/1"
BAND_COLUMNS = ["track", "level", "grade", "zone", "currency", "min", "mid", "max", "as_of", "source"]
EXPORTS = {  # site path -> what it holds, for the page that links them
    "ladder.json": N_("The whole ladder: tracks, levels with expectations, competencies, zones, bands, mobility."),
    "ladder.schema.json": N_("JSON Schema of ladder.json."),
    "bands.csv": N_("One row per pay band, for spreadsheets."),
    "schema.json": N_("JSON Schema of the handbook's content files (handbook.yml, ladder/, page front matter)."),
}


def jobs(facts: Facts) -> Iterator[FileJob]:
    hb = facts.handbook
    ladder = {MOBILITY, BANDS, *(track_dep(t.id) for t in hb.tracks), *(level_dep(lv) for lv in hb.level_by_id),
              *(competency_dep(c.id) for c in hb.competencies)}  # everything but the prose pages
    yield FileJob("ladder.json", lambda: _json(ladder_data(facts)), frozenset(ladder))
    yield FileJob("ladder.schema.json", lambda: _json(LADDER_SCHEMA), frozenset())
    yield FileJob("schema.json", lambda: _json(published_schema()), frozenset())
    yield FileJob("bands.csv", lambda: bands_csv(hb), frozenset({BANDS}))


def _json(data: Any) -> bytes:
    """Compact: Python's C encoder writes no indentation, and the Python one took 17 ms of
    every serve rebuild for a 4-track ladder (JSON viewers indent it for a reader)."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _audience(item: Any) -> str:
    return INTERNAL if item.internal else PUBLIC


def ladder_data(facts: Facts) -> dict[str, Any]:
    """The whole ladder of this audience, in the shape LADDER_SCHEMA documents."""
    handbook = facts.handbook
    settings = handbook.settings
    return {
        "$schema": "ladder.schema.json",
        "format": LADDER_FORMAT,
        "audience": handbook.audience,
        "handbook": {"title": settings.title, "organisation": settings.organisation,
                     "description": settings.description, "language": settings.language,
                     "base_url": settings.site_address},
        "competency_groups": [{"id": g.id, "title": g.title, "description": g.description}
                              for g in handbook.groups],
        "competencies": [{"id": c.id, "title": c.title, "group": c.group, "description": c.description.text,
                          "tracks": list(c.track_ids), "audience": _audience(c), "path": c.url}
                         for c in handbook.competencies],
        "tracks": [_track(facts, track) for track in handbook.tracks],
        "zones": [{"id": z.id, "title": z.title, "currency": z.currency, "audience": _audience(z)}
                  for z in handbook.zones],
        "bands": [{"track": row["track"], "level": row["level"], "grade": row["grade"], "zone": row["zone"],
                   "currency": row["currency"], "min": row["min"], "mid": row["mid"], "max": row["max"],
                   "as_of": row["as_of"], "source": row["source"], "audience": row["audience"]}
                  for row in band_rows(handbook)],
        "mobility": None if handbook.mobility is None else {
            "keep_grade": handbook.mobility.keep_grade,
            "min_months_between_switches": handbook.mobility.min_months_between_switches,
            "moves": [{"from": m.from_track, "to": m.to_track, "min_grade": m.min_grade,
                       "description": m.description.text} for m in handbook.mobility.moves],
            "notes": handbook.mobility.notes.text,
        },
    }


def _track(facts: Facts, track: Track) -> dict[str, Any]:
    applying = facts.applying(track)
    return {
        "id": track.id, "title": track.title, "kind": track.kind, "order": track.order,
        "expectations_model": expectations_model(facts.handbook, track),
        "summary": track.summary.text, "opens_at_grade": track.opens_at_grade,
        "time_box_months": track.time_box_months,
        "off_ramps": [{"to": r.to, "description": r.description.text} for r in track.off_ramps],
        "audience": _audience(track), "path": track.url,
        "levels": [_level(level, applying[level.id]) for level in track.levels],
    }


def _level(level: Level, applying: Applying) -> dict[str, Any]:
    return {
        "id": level.id, "title": level.title, "grade": level.grade, "summary": level.summary.text,
        "scope": level.scope.text, "audience": _audience(level), "path": level.url,
        "expectations": {comp_id: [{"text": e.text, "key": e.key, "audience": _audience(e)} for e in items]
                         for comp_id, items in level.expectations.items()},
        "applying": {comp_id: [{"text": s.text, "key": s.expectation.key, "audience": _audience(s),
                                 "from_level": s.level.id} for s in items] for comp_id, items in applying.items()},
        "examples": [x.text for x in level.examples],
    }


def band_rows(handbook: Handbook) -> list[dict[str, Any]]:
    """One row per level and zone that has a band, in ladder order: the band each page shows."""
    rows = []
    for track in handbook.tracks:
        for level in track.levels:
            for zone in handbook.zones:
                band = handbook.band_for(level, zone)
                if band is not None:
                    rows.append({"track": track.id, "level": level.id, "grade": level.grade, "zone": zone.id,
                                 "currency": zone.currency, "min": band.min, "mid": band.mid, "max": band.max,
                                 "as_of": band.as_of.isoformat(), "source": band.provenance,
                                 "audience": INTERNAL if band.internal or zone.internal else PUBLIC})
    return rows


def bands_csv(handbook: Handbook) -> bytes:
    import csv  # here: an edit build seldom writes it
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(BAND_COLUMNS)
    for row in band_rows(handbook):
        writer.writerow(["" if row[c] is None else row[c] for c in BAND_COLUMNS])
    return out.getvalue().encode("utf-8")


# -- the published shape of ladder.json ---------------------------------------------------
_ID = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
_MD = {"type": "string", "description": "Markdown, as written in the handbook; [[kind:id]] points at the ladder."}
_AUDIENCE = {"enum": [PUBLIC, INTERNAL], "description": "internal items appear only in an internal build."}
_PATH = {"type": "string", "description": "Address of the item's page, relative to the site root (base_url)."}
_AMOUNT = {"type": "number", "minimum": 0}


def _obj(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    """Every property required (null where absent), no others: consumers can rely on the keys."""
    schema = {"type": "object", "properties": properties, "required": list(properties),
              "additionalProperties": False}
    return {**schema, "description": description} if description else schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


LADDER_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://ladderdocs.dev/schema/ladder-v1.json",
    "title": "ladderdocs ladder export (ladder.json)",
    "description": ("The whole career ladder of one build (public or internal): what the handbook's pages "
                    "show, as data. Levels are listed lowest first; grades align levels across tracks."),
    **_obj({
        "$schema": {"type": "string"},
        "format": {"const": LADDER_FORMAT},
        "audience": _AUDIENCE,
        "handbook": _obj({"title": {"type": "string"}, "organisation": {"type": "string"},
                          "description": {"type": "string"}, "language": {"type": "string"},
                          "base_url": _nullable({"type": "string", "format": "uri"})}),
        "competency_groups": {"type": "array", "items": _obj(
            {"id": _ID, "title": {"type": "string"}, "description": _MD})},
        "competencies": {"type": "array", "items": _obj({
            "id": _ID, "title": {"type": "string"}, "group": _ID, "description": _MD,
            "tracks": {"type": "array", "items": _ID, "description": "Tracks this competency is assessed on."},
            "audience": _AUDIENCE, "path": _PATH})},
        "tracks": {"type": "array", "items": _obj({
            "id": _ID, "title": {"type": "string"},
            "kind": {"enum": ["ic", "management", "hybrid"]},
            "order": {"type": "integer"},
            "expectations_model": {"enum": ["cumulative", "restated"],
                                   "description": "cumulative: a level states what it adds to the levels below; "
                                                  "restated: a level states its whole set again."},
            "summary": _MD,
            "opens_at_grade": _nullable({"type": "integer"}),
            "time_box_months": _nullable({"type": "integer"}),
            "off_ramps": {"type": "array", "items": _obj({"to": _ID, "description": _MD})},
            "audience": _AUDIENCE, "path": _PATH,
            "levels": {"type": "array", "items": _obj({
                "id": _ID, "title": {"type": "string"}, "grade": {"type": "integer"},
                "summary": _MD, "scope": _MD, "audience": _AUDIENCE, "path": _PATH,
                "expectations": {
                    "type": "object", "propertyNames": _ID,
                    "description": "Competency id -> what the level is expected to show, in competency order.",
                    "additionalProperties": {"type": "array", "items": _obj({
                        "text": _MD,
                        "key": _nullable(_ID),
                        "audience": _AUDIENCE})}},
                "applying": {
                    "type": "object", "propertyNames": _ID,
                    "description": ("Competency id -> everything expected at the level: on a restated track what it "
                                    "states; on a cumulative one also what the levels below state and no level since "
                                    "has grown. from_level is the level that states it."),
                    "additionalProperties": {"type": "array", "items": _obj({
                        "text": _MD, "key": _nullable(_ID), "audience": _AUDIENCE, "from_level": _ID})}},
                "examples": {"type": "array", "items": _MD},
            }, "A level, lowest first.")},
        })},
        "zones": {"type": "array", "items": _obj({
            "id": _ID, "title": {"type": "string"},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}, "audience": _AUDIENCE})},
        "bands": {"type": "array", "items": _obj({
            "track": _ID, "level": _ID, "grade": {"type": "integer"}, "zone": _ID,
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "min": _AMOUNT, "mid": _nullable(_AMOUNT), "max": _AMOUNT,
            "as_of": {"type": "string", "format": "date"},
            "source": {"type": "string", "description": "Where the numbers come from."},
            "audience": _AUDIENCE,
        }, "Base salary range per year of one level in one zone.")},
        "mobility": _nullable(_obj({
            "keep_grade": {"type": "boolean"},
            "min_months_between_switches": _nullable({"type": "integer"}),
            "moves": {"type": "array", "items": _obj({
                "from": _ID, "to": _ID, "min_grade": _nullable({"type": "integer"}), "description": _MD})},
            "notes": _MD,
        })),
    }),
}


PAGE = PageType("exports", tuple(EXPORTS), (), jobs)
