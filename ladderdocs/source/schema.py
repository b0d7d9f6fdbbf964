"""The published JSON Schema of the content format, and schema validation with file:line.

One schema per kind of file; `ladderdocs schema` prints them together. Checks a schema
cannot express (unique ids, references) live in validate.py.
"""

from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ladderdocs.errors import Problem
from ladderdocs.source.load import Document

SCHEMA_ID = "https://ladderdocs.dev/schema/v1.json"

ID = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80,
      "description": "Lower-case words joined by '-'; stable, it becomes a URL."}
TEXT = {"type": "string", "minLength": 1, "description": "Markdown."}
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "YYYY-MM-DD."}
AUDIENCE = {"enum": ["public", "internal"],
            "description": "internal: left out of a public build entirely."}
AMOUNT = {"type": "number", "minimum": 0}
LOCALE = {"type": "string", "pattern": "^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]+)*$",
          "description": "a language and optional region, such as en, de or en-IN."}
EXPECTATIONS_MODEL = {"enum": ["cumulative", "restated"],
                      "description": "cumulative: each level states what it adds, everything below still applies; "
                                     "restated: each level states its whole set again."}


def _object(properties: dict[str, Any], required: list[str], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required,
            "additionalProperties": False, **extra}


HANDBOOK = _object({
    "title": TEXT,
    "organisation": TEXT,
    "description": {"type": "string"},
    "base_url": {"type": "string", "pattern": "^https?://[^\\s]+$"},
    "language": LOCALE,
    "theme": {"type": "string", "minLength": 1},
    "logo": {"type": "string", "minLength": 1},
    "allow_html": {"type": "boolean"},
    "cname": {"type": "string", "pattern": "^[a-z0-9.-]+$"},
    "repo_url": {"type": "string", "pattern": "^https?://[^\\s]+$",
                 "description": "the repository the handbook lives in, for 'Edit this page' links"},
    "edit_uri": {"type": "string", "description": "path from repo_url to the handbook folder's files, "
                                                  "e.g. edit/main/content/"},
    "extra": {"type": "object", "description": "anything a theme of your own reads (the template global `extra`)"},
    "strings": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1},
                "description": "the theme's words as you want them: its English text -> yours"},
    "as_of": DATE,
    "expectations": EXPECTATIONS_MODEL,
    "parity": _object({
        "tolerance_percent": {"type": "number", "minimum": 0, "maximum": 100},
        "max_overlap_percent": {"type": "number", "minimum": 0, "maximum": 100},
        "stale_after_days": {"type": "integer", "minimum": 1},
        "strict": {"type": "boolean"},
        "tilt_severity": {"enum": ["error", "warning", "info"],
                          "description": "how a systematic tilt is reported: one track's midpoints below "
                                         "the other's at most grades of a zone"},
    }, []),
    "tools": _object({
        "switch": {"type": "boolean", "description": "the track-switch planner (default true)"},
        "check_in": {"type": "boolean", "description": "the track-preference check-in, check-in/ (default true)"},
        "case": {"type": "boolean", "description": "the promotion case, case/<level>/ (default true)"},
    }, [], description="the reader's tools; each is on unless set to false"),
}, ["title", "organisation"])

COMPETENCIES = _object({
    "groups": {"type": "array", "minItems": 1, "items": _object(
        {"id": ID, "title": TEXT, "description": TEXT}, ["id", "title"])},
    "competencies": {"type": "array", "minItems": 1, "items": _object({
        "id": ID, "title": TEXT, "group": ID, "description": TEXT,
        "tracks": {"type": "array", "items": ID, "minItems": 1},
        "audience": AUDIENCE,
    }, ["id", "title", "group"])},
}, ["groups", "competencies"])

EXPECTATION = {"oneOf": [
    TEXT,
    _object({"text": TEXT, "key": ID, "audience": AUDIENCE}, ["text"]),
], "description": "a Markdown string, or a mapping with text and optional key, audience"}

LEVEL = _object({
    "id": ID, "title": TEXT,
    "grade": {"type": "integer", "minimum": 0, "maximum": 99},
    "summary": TEXT, "scope": TEXT,
    "expectations": {"type": "object", "propertyNames": ID,
                     "additionalProperties": {"type": "array", "items": EXPECTATION}},
    "examples": {"type": "array", "items": TEXT},
    "audience": AUDIENCE,
}, ["id", "title", "grade", "summary", "expectations"])

TRACK = _object({
    "id": ID, "title": TEXT,
    "kind": {"enum": ["ic", "management", "hybrid"]},
    "order": {"type": "integer"},
    "expectations": EXPECTATIONS_MODEL,
    "summary": TEXT,
    "opens_at_grade": {"type": "integer", "minimum": 0},
    "time_box_months": {"type": "integer", "minimum": 1},
    "off_ramps": {"type": "array", "items": _object({"to": ID, "description": TEXT}, ["to", "description"])},
    "levels": {"type": "array", "minItems": 1, "items": LEVEL},
    "audience": AUDIENCE,
}, ["id", "title", "kind", "summary", "levels"])

BAND = _object({"min": AMOUNT, "mid": AMOUNT, "max": AMOUNT}, ["min", "max"])

COMP = _object({
    "zones": {"type": "array", "minItems": 1, "items": _object({
        "id": ID, "title": TEXT,
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 code."},
        "locale": LOCALE,
        "audience": AUDIENCE,
    }, ["id", "title", "currency"])},
    "band_sets": {"type": "array", "items": _object({
        "zone": ID, "as_of": DATE, "source": TEXT, "audience": AUDIENCE,
        "bands": {"type": "object", "propertyNames": ID, "additionalProperties": BAND},
    }, ["zone", "as_of", "source", "bands"])},
}, ["zones"])

MOBILITY = _object({
    "keep_grade": {"type": "boolean"},
    "min_months_between_switches": {"type": "integer", "minimum": 0},
    "moves": {"type": "array", "items": _object({
        "from": ID, "to": ID, "min_grade": {"type": "integer", "minimum": 0},
        "trial_months": {"type": "integer", "minimum": 1,
                         "description": "months after the move that count as a trial, with a way back"},
        "description": TEXT,
    }, ["from", "to"])},
    "notes": TEXT,
}, [])

PAGE = _object({
    "title": TEXT,
    "order": {"type": "integer"},
    "description": {"type": "string", "description": "one line: the page's meta description and its line in listings"},
    "audience": AUDIENCE,
    "nav": {"type": "boolean"},
    "date": DATE,
    "tags": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 60}},
    "aliases": {"type": "array", "items": {"type": "string", "pattern": r"^[^/\s:#?%\\][^\s:#?%\\]*$",
                                           "description": "an old address of the page, e.g. guides/old-name/"}},
    "draft": {"type": "boolean", "description": "true: left out of builds unless --drafts"},
}, ["title"])

SCHEMAS: dict[str, dict[str, Any]] = {
    "handbook": HANDBOOK, "competencies": COMPETENCIES, "track": TRACK,
    "comp": COMP, "mobility": MOBILITY, "page": PAGE,
}


def published_schema() -> dict[str, Any]:
    """All file schemas in one document; `$defs` names the file each one describes."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "ladderdocs handbook content",
        "description": ("handbook.yml -> handbook; ladder/competencies.yml -> competencies; "
                        "ladder/tracks/*.yml -> track; ladder/comp.yml -> comp; "
                        "ladder/mobility.yml -> mobility; pages/**/*.md front matter -> page"),
        "$defs": SCHEMAS,
    }


_VALIDATORS = {kind: Draft202012Validator(schema) for kind, schema in SCHEMAS.items()}


def check_schema(doc: Document, kind: str) -> list[Problem]:
    """Every schema violation in `doc`, each at its own position with what was expected."""
    problems = []
    for err in errors_deepest(_VALIDATORS[kind].iter_errors(doc.data)):
        path = tuple(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = ", ".join(sorted(err.schema.get("properties", {})))
            problems += [doc.problem((*path, key), f"unknown field '{key}'; expected one of: {allowed}")
                         for key in _unknown_keys(err)]  # every one at once, each at its own line
        elif "propertyNames" in err.relative_schema_path:  # a key that should be an id
            under = f" under '{path[-1]}'" if path else ""
            problems.append(doc.problem((*path, err.instance), f"the key '{err.instance}'{under} is no id; expected "
                                                               f"{_id_hint(str(err.instance))} (an id, not a title)"))
        else:
            problems.append(doc.problem(path, _explain(err)))
    return problems


def _unknown_keys(err: ValidationError) -> list[Any]:
    known = err.schema.get("properties", {}) if isinstance(err.schema, dict) else {}
    return sorted(set(err.instance) - set(known), key=str)  # keys may be numbers too


def _id_hint(text: str) -> str:
    """What an id looks like, and the id `text` would be (a title written where an id goes)."""
    suggestion = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    rule = "lower-case words joined by '-'"
    return f"{rule}, such as '{suggestion}'" if suggestion and suggestion != text else rule


def errors_deepest(errors: Any) -> list[ValidationError]:
    """Replace oneOf/anyOf failures with the most telling failure inside them."""
    result = []
    for err in errors:
        if err.validator in ("oneOf", "anyOf") and err.context:
            best = max(err.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
            if best.validator == "type" and len(best.absolute_path) == len(err.absolute_path):
                result.append(err)  # neither shape came close: say both are accepted
            else:
                result.append(best)
        else:
            result.append(err)
    return result


_TYPE_NAMES = {"string": "text", "integer": "a whole number", "number": "a number",
               "object": "a mapping", "array": "a list", "boolean": "true or false"}


def _reads_as_text(value: Any) -> bool:
    """An unquoted list item such as `- Note: text`, which YAML reads as a one-key mapping."""
    return (isinstance(value, dict) and len(value) == 1 and isinstance(next(iter(value.values())), str)
            and next(iter(value)) not in ("text", "key", "audience"))


def _what(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return f"'{text[:40]}{'…' if len(text) > 40 else ''}'"


_ITEM_NAMES = {"levels": "level", "competencies": "competency", "groups": "group", "zones": "zone",
               "band_sets": "band set", "moves": "move", "off_ramps": "off-ramp", "examples": "example",
               "tracks": "track id"}


def _explain(err: ValidationError) -> str:
    path = list(err.absolute_path)
    field = path[-1] if path else None
    if isinstance(field, int):
        parent = path[-2] if len(path) > 1 else None
        where = f"{_ITEM_NAMES.get(str(parent), 'item')} {field + 1}" + (
            f" of '{parent}'" if parent not in _ITEM_NAMES else "")
    else:
        where = f"'{field}'" if field is not None else "file"
    schema = err.schema if isinstance(err.schema, dict) else {}
    match err.validator:
        case "required" if _reads_as_text(err.instance):
            key, value = next(iter(err.instance.items()))
            return (f"{where} reads as a mapping ('{key}: {_what(value)[1:-1]}'), as YAML takes 'word: text' for "
                    f"a key and a value; expected text: put it in quotes (\"{key}: …\")")
        case "required":
            missing = err.message.split("'")[1]
            return f"missing required field '{missing}' in {where}"
        case "additionalProperties":
            allowed = ", ".join(sorted(schema.get("properties", {})))
            extra = sorted(set(err.instance) - set(schema.get("properties", {})), key=str)
            return f"unknown field '{extra[0]}'; expected one of: {allowed}"
        case "type":
            expected = _TYPE_NAMES.get(str(err.validator_value), str(err.validator_value))
            return f"{where} is {_what(err.instance)}; expected {expected}"
        case "enum":
            options = ", ".join(str(v) for v in err.validator_value)
            return f"{where} is {_what(err.instance)}; expected one of: {options}"
        case "pattern" if schema is ID:
            return f"{where} is {_what(err.instance)}; expected {_id_hint(str(err.instance))}"
        case "pattern":
            hint = schema.get("description", f"text matching {err.validator_value}")
            return f"{where} is {_what(err.instance)}; expected {hint}"
        case "minLength":
            return f"{where} is empty; expected some text"
        case "minItems":
            return f"{where} is an empty list; expected at least {err.validator_value} item(s)"
        case "minimum" | "maximum":
            bound = "at least" if err.validator == "minimum" else "at most"
            return f"{where} is {_what(err.instance)}; expected {bound} {err.validator_value}"
        case "maxLength":
            return f"{where} is too long; expected at most {err.validator_value} characters"
        case "oneOf" | "anyOf":
            return f"{where} is {_what(err.instance)}; expected {schema.get('description', 'another shape')}"
        case _:
            return f"{where}: {err.message}"
