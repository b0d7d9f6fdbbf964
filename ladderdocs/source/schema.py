"""The published JSON Schema of the content format, and schema validation with file:line.

One schema per kind of file; `ladderdocs schema` prints them together. Checks a schema
cannot express (unique ids, references) live in validate.py.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from ladderdocs.errors import Problem

if TYPE_CHECKING:  # the command line lists the kinds of file without loading YAML or jsonschema
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

    from ladderdocs.source.document import Document

SCHEMA_ID = "https://ladderdocs.dev/schema/v1.json"
# Editors read the per-kind files (`ladderdocs schema --for KIND`): the YAML language server
# understands draft-07, and these schemas use no keyword whose meaning changed since, so the
# validator's 2020-12 reading and the editor's draft-07 reading agree (tests/test_schema.py).
EDITOR_DIALECT = "http://json-schema.org/draft-07/schema#"

ID = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80,
      "description": "Lower-case words joined by '-'; stable, it becomes a URL."}
TEXT = {"type": "string", "minLength": 1, "description": "Markdown."}
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "YYYY-MM-DD."}
AUDIENCE = {"enum": ["public", "internal"],
            "description": "internal: left out of a public build entirely."}
AMOUNT = {"type": "number", "minimum": 0}
LOCALE = {"type": "string", "pattern": "^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]+)*$",
          "description": "a language and optional region, such as en, de or en-IN."}
URL = {"type": "string", "pattern": "^https?://[^\\s]+$"}
EXPECTATIONS_MODEL = {"enum": ["cumulative", "restated"],
                      "description": "cumulative: each level states what it adds, everything below still applies; "
                                     "restated: each level states its whole set again."}

# What a value failing a pattern should look like: the error message's "expected ...". The
# descriptions are the editor's hover text and say what the field is for.
PATTERN_HINTS = {
    DATE["pattern"]: DATE["description"],
    LOCALE["pattern"]: LOCALE["description"],
    URL["pattern"]: "an http(s) address, such as https://org.github.io/handbook/",
}


def _about(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """`schema` with the hover text an editor shows for this field."""
    return {**schema, "description": description}


def _object(properties: dict[str, Any], required: list[str], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required,
            "additionalProperties": False, **extra}


HANDBOOK = _object({
    "title": _about(TEXT, "The handbook's title, at the top of every page."),
    "organisation": _about(TEXT, "Who the framework belongs to."),
    "description": {"type": "string", "description": "One line for search engines and the home page."},
    "base_url": _about(URL, "The address the site is published at; its path is the sub-path served. "
                            "`build --base-url` replaces it."),
    "language": _about(LOCALE, "The theme's words, dates and money: a language CLDR knows, such as en, de "
                               "or en-GB."),
    "theme": {"type": "string", "minLength": 1,
              "description": "A folder (relative to the handbook) overriding templates of the default theme."},
    "logo": {"type": "string", "minLength": 1, "description": "An image under assets/, e.g. assets/logo.svg."},
    "allow_html": {"type": "boolean", "description": "Raw HTML in Markdown; off unless you opt in."},
    "cname": {"type": "string", "pattern": "^[a-z0-9.-]+$",
              "description": "A custom domain, written to the site as CNAME."},
    "repo_url": _about(URL, "The repository the handbook lives in, for 'Edit this page' links."),
    "edit_uri": {"type": "string", "description": "Path from repo_url to the handbook folder's files, "
                                                  "e.g. edit/main/content/."},
    "extra": {"type": "object", "description": "Anything a theme of your own reads (the template global `extra`)."},
    "strings": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1},
                "description": "The theme's words as you want them: its English text -> yours."},
    "as_of": _about(DATE, "The date staleness of bands is judged against (YYYY-MM-DD; else "
                          "SOURCE_DATE_EPOCH, else today)."),
    "expectations": _about(EXPECTATIONS_MODEL, "How levels are written (default: restated). "
                                               + EXPECTATIONS_MODEL["description"]),
    "version": {"type": ["string", "integer"], "description": "This version of the framework, e.g. v3; "
                                                           "earlier versions come from git tags (versions.tags)."},
    "effective": {**DATE, "description": "The date this version takes effect (YYYY-MM-DD)."},
    "versions": _object({
        "tags": {"type": "string", "minLength": 1, "pattern": "^[^\\s]+$",
                 "description": "The git tags that hold earlier versions, a glob (default framework-v*)."},
    }, [], description="Where the framework's earlier versions are (the changes/ page)."),
    "parity": _object({
        "tolerance_percent": {"type": "number", "minimum": 0, "maximum": 100,
                              "description": "How far an IC band may sit below management's at the same grade."},
        "max_overlap_percent": {"type": "number", "minimum": 0, "maximum": 100,
                                "description": "How much a band may overlap the band of the grade above."},
        "stale_after_days": {"type": "integer", "minimum": 1,
                             "description": "Bands older than this are flagged."},
        "strict": {"type": "boolean", "description": "true: error-level findings fail `ladderdocs check`."},
        "tilt_severity": {"enum": ["error", "warning", "info"],
                          "description": "How a systematic tilt is reported: one track's midpoints below "
                                         "the other's at most grades of a zone."},
    }, [], description="The pay-parity checks' thresholds."),
    "audit": _object({
        "public": {"type": "boolean", "description": "Put the promotions page (build --promotions) in the "
                                                     "public build too; by default only the internal one has it."},
        "min_group": {"type": "integer", "minimum": 3, "description": "Counts of people below this are shown "
                                                                      "as 'fewer than N' (default 5, never below 3)."},
    }, [], description="The promotions page's privacy rules."),
    "tools": _object({
        "switch": {"type": "boolean", "description": "False: no track-switch planner (the planner pages and their links)."},
        "check_in": {"type": "boolean", "description": "False: no track-preference check-in page."},
        "case": {"type": "boolean", "description": "False: no self-assessment and promotion case pages."},
    }, [], description="The reader's tools, each on unless set to false."),
}, ["title", "organisation"])

COMPETENCIES = _object({
    "groups": {"type": "array", "minItems": 1, "description": "Competency groups, in the order shown.",
               "items": _object({"id": ID, "title": _about(TEXT, "The group's name."),
                                 "description": _about(TEXT, "Markdown: what the group is about.")},
                                ["id", "title"])},
    "competencies": {"type": "array", "minItems": 1, "description": "What levels are assessed on.",
                     "items": _object({
                         "id": ID, "title": _about(TEXT, "The competency's name."),
                         "group": _about(ID, "The id of its group (in groups)."),
                         "description": _about(TEXT, "Markdown: what this competency covers."),
                         "tracks": {"type": "array", "items": ID, "minItems": 1,
                                    "description": "Track ids it applies to; omitted means every track."},
                         "audience": AUDIENCE,
                     }, ["id", "title", "group"])},
}, ["groups", "competencies"])

EXPECTATION = {"oneOf": [
    TEXT,
    _object({"text": TEXT,
             "key": _about(ID, "The same key on another level marks the same expectation, grown."),
             "audience": AUDIENCE}, ["text"]),
], "description": "a Markdown string, or a mapping with text and optional key, audience"}

LEVEL = _object({
    "id": _about(ID, "Unique across the whole ladder; stable, it becomes a URL."),
    "title": _about(TEXT, "The level's name, e.g. Senior Engineer."),
    "grade": {"type": "integer", "minimum": 0, "maximum": 99,
              "description": "Shared across tracks: same grade, same weight."},
    "summary": _about(TEXT, "Markdown: one paragraph about the level."),
    "scope": _about(TEXT, "Markdown: where this level's impact lands (team, group, org, company)."),
    "expectations": {"type": "object", "propertyNames": ID,
                     "additionalProperties": {"type": "array", "items": EXPECTATION},
                     "description": "Competency id -> list of expectations (Markdown)."},
    "examples": {"type": "array", "items": TEXT, "description": "Markdown: work that shows the level."},
    "audience": AUDIENCE,
}, ["id", "title", "grade", "summary", "expectations"])

TRACK = _object({
    "id": _about(ID, "The track's id; stable, it becomes a URL."),
    "title": _about(TEXT, "The track's name."),
    "kind": {"enum": ["ic", "management", "hybrid"],
             "description": "ic: individual contributor; management; hybrid: a time-boxed role such as Tech Lead "
                            "Manager."},
    "order": {"type": "integer", "description": "Position among tracks."},
    "expectations": _about(EXPECTATIONS_MODEL, "How this track's levels are written, if not as handbook.yml "
                                               "says. " + EXPECTATIONS_MODEL["description"]),
    "summary": _about(TEXT, "Markdown: one paragraph about the track."),
    "opens_at_grade": {"type": "integer", "minimum": 0,
                       "description": "The lowest grade one may join this track at."},
    "time_box_months": {"type": "integer", "minimum": 1, "description": "Hybrid tracks: how long one may stay."},
    "off_ramps": {"type": "array", "description": "Hybrid tracks: the written ways out.",
                  "items": _object({"to": _about(ID, "A track id."),
                                    "description": _about(TEXT, "Markdown: how this way out works.")},
                                   ["to", "description"])},
    "levels": {"type": "array", "minItems": 1, "items": LEVEL, "description": "The track's levels, lowest first."},
    "audience": AUDIENCE,
}, ["id", "title", "kind", "summary", "levels"])

BAND = _object({"min": _about(AMOUNT, "The lowest base salary, per year, in the zone's currency."),
                "mid": _about(AMOUNT, "Optional midpoint."),
                "max": _about(AMOUNT, "The highest base salary, per year.")}, ["min", "max"])

COMP = _object({
    "zones": {"type": "array", "minItems": 1, "description": "Pay zones, each with its own currency.",
              "items": _object({
                  "id": ID, "title": _about(TEXT, "The zone's name, e.g. United States."),
                  "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 code."},
                  "locale": _about(LOCALE, "How its amounts are written (default: the handbook's language), "
                                           "such as en-US or en-IN."),
                  "audience": AUDIENCE,
              }, ["id", "title", "currency"])},
    "band_sets": {"type": "array", "description": "A band set: one zone, one date, one source.",
                  "items": _object({
                      "zone": _about(ID, "A zone id."),
                      "as_of": _about(DATE, "When the bands were set (YYYY-MM-DD)."),
                      "source": _about(TEXT, "Where the bands come from, e.g. a compensation review."),
                      "audience": AUDIENCE,
                      "bands": {"type": "object", "propertyNames": ID, "additionalProperties": BAND,
                                "description": "Level id -> base salary range, per year."},
                  }, ["zone", "as_of", "source", "bands"])},
}, ["zones"])

MOBILITY = _object({
    "keep_grade": {"type": "boolean", "description": "true: a switch keeps the grade."},
    "min_months_between_switches": {"type": "integer", "minimum": 0,
                                    "description": "How long one waits between two switches."},
    "moves": {"type": "array", "description": "The moves between tracks the rules allow.",
              "items": _object({
                  "from": _about(ID, "A track id."), "to": _about(ID, "A track id."),
                  "min_grade": {"type": "integer", "minimum": 0,
                                "description": "The lowest grade this move is open at."},
                  "trial_months": {"type": "integer", "minimum": 1,
                                   "description": "Months after the move that count as a trial, with a way back."},
                  "description": _about(TEXT, "Markdown: how this move works."),
              }, ["from", "to"])},
    "notes": _about(TEXT, "Markdown shown on the mobility page."),
}, [])

PAGE = _object({
    "title": _about(TEXT, "The page's title."),
    "order": {"type": "integer", "description": "Position in navigation."},
    "description": {"type": "string", "description": "One line: the page's meta description and its line in "
                                                     "listings."},
    "audience": AUDIENCE,
    "nav": {"type": "boolean", "description": "true: listed in the navigation."},
    "date": _about(DATE, "The date the page states (\"Written 2026-05-01\")."),
    "tags": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 60},
             "description": "Shown on the page, found by search."},
    "aliases": {"type": "array", "items": {"type": "string", "pattern": r"^[^/\s:#?%\\][^\s:#?%\\]*$",
                                           "description": "an old address of the page, e.g. guides/old-name/"},
                "description": "Old addresses, each a page that sends readers here."},
    "draft": {"type": "boolean", "description": "true: left out of builds unless --drafts."},
}, ["title"])

CHECK_IN = _object({
    "intro": _about(TEXT, "Markdown shown above the check-in's questions."),
    "questions": {"type": "array", "minItems": 1, "description": "The check-in's questions, in order.",
                  "items": _object({
        "id": _about(ID, "The question's id: the key its answer is kept and exported under."),
        "label": _about(TEXT, "The question as the reader sees it."),
        "help": _about(TEXT, "A line under the question."),
        "kind": {"enum": ["level", "track", "choice", "text"],
                 "description": "level: one of the handbook's levels; track: one of its tracks; "
                                "choice: one of `options`; text: the reader's own words"},
        "options": {"type": "array", "minItems": 2, "items": TEXT,
                    "description": "The answers a choice offers (kind: choice only)."},
    }, ["id", "label", "kind"],
        **{"if": {"properties": {"kind": {"const": "choice"}}}, "then": {"required": ["options"]}})},
}, ["questions"], description="ladder/check-in.yml: the questions of the track-preference check-in.")

SCHEMAS: dict[str, dict[str, Any]] = {
    "handbook": HANDBOOK, "competencies": COMPETENCIES, "track": TRACK,
    "comp": COMP, "mobility": MOBILITY, "page": PAGE, "check_in": CHECK_IN,
}

# The file each kind describes, as a glob under the handbook folder.
FILES = {"handbook": "handbook.yml", "competencies": "ladder/competencies.yml", "track": "ladder/tracks/*.yml",
         "comp": "ladder/comp.yml", "mobility": "ladder/mobility.yml", "page": "pages/**/*.md",
         "check_in": "ladder/check-in.yml"}


def file_schema(kind: str) -> dict[str, Any]:
    """The complete schema of one kind of file, as an editor reads it: the very constraints
    the validator checks, with a root, a title and hover texts."""
    what = "front matter of " if kind == "page" else ""
    return {
        "$schema": EDITOR_DIALECT,
        "$id": f"https://ladderdocs.dev/schema/v1/{kind}.json",
        "title": f"ladderdocs {kind}: {what}{FILES[kind]}",
        **SCHEMAS[kind],
    }


def schema_files() -> dict[str, bytes]:
    """`KIND.schema.json` -> its bytes, for every kind: what `schema --all` and `init` write."""
    return {f"{kind}.schema.json": as_json(file_schema(kind)).encode("utf-8") for kind in SCHEMAS}


def as_json(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def published_schema() -> dict[str, Any]:
    """All file schemas in one document; `$defs` names the file each one describes, and a
    document must be one of them (a list or a scalar is none)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "ladderdocs handbook content",
        "description": ("handbook.yml -> handbook; ladder/competencies.yml -> competencies; "
                        "ladder/tracks/*.yml -> track; ladder/comp.yml -> comp; "
                        "ladder/mobility.yml -> mobility; ladder/check-in.yml -> check_in; pages/**/*.md front matter -> page. "
                        "`ladderdocs schema --for KIND` prints the schema of one kind of file."),
        "anyOf": [{"$ref": f"#/$defs/{kind}"} for kind in SCHEMAS],
        "$defs": SCHEMAS,
    }


@cache
def _validator(kind: str) -> Draft202012Validator:
    """Made on first use: a warm build whose files all kept their schema answers (source/cache.py)
    never imports jsonschema, a tenth of its start-up."""
    from jsonschema import Draft202012Validator
    return Draft202012Validator(SCHEMAS[kind])


def check_schema(doc: Document, kind: str) -> list[Problem]:
    """Every schema violation in `doc`, each at its own position with what was expected."""
    problems = []
    for err in errors_deepest(_validator(kind).iter_errors(doc.data)):
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
               "tracks": "track id", "questions": "question", "options": "option"}


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
        case "pattern" if err.validator_value == ID["pattern"]:
            return f"{where} is {_what(err.instance)}; expected {_id_hint(str(err.instance))}"
        case "pattern":
            hint = PATTERN_HINTS.get(err.validator_value) or schema.get("description", f"text matching "
                                                                                      f"{err.validator_value}")
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
