"""Stage 2: every rule of the content format, checked on the raw documents.

The schema catches shapes and types; the rules here are the ones a schema cannot state:
unique ids, references that resolve, grades in order, min <= mid <= max.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any, Callable, Iterable

from babel import Locale, UnknownLocaleError

from ladderdocs.addresses import page_url
from ladderdocs.errors import Problem, display_path
from ladderdocs.source.document import Document
from ladderdocs.source.load import RawHandbook
from ladderdocs.source.schema import check_schema


def validate(raw: RawHandbook,
             check: Callable[[Document, str], list[Problem]] = check_schema) -> list[Problem]:
    """All problems in the handbook: reading, schema, then cross-references.

    `check` is the per-document schema check; serve passes one that remembers its answers.
    """
    problems = list(raw.problems)
    schema_ok = True
    for doc, kind in raw.documents():
        found = check(doc, kind)
        problems += found
        schema_ok = schema_ok and not found
    problems += _check_page_names(raw)
    if not (raw.root / "ladder" / "competencies.yml").is_file() and raw.tracks:
        problems.append(Problem(str(raw.root / "ladder" / "competencies.yml"), 1, 1,
                                "competencies.yml is missing; expected the competencies levels are assessed on"))
    if schema_ok and not any(p.severity == "error" for p in problems):
        problems += check_references(raw)
    return problems


# A character that ends or escapes a URL path, or a colon, which would make a page's relative
# address a scheme: `pages/javascript:alert(1).md` would link as `javascript:alert(1)/`.
MAX_LEVELS_PER_GRADE = 5     # on one track
MAX_SAME_GRADE_PAGES = 5_000  # comparison pages of same-grade levels on different tracks, in all

THEME_STRINGS = Path(__file__).resolve().parent.parent / "locale" / "ladderdocs.pot"  # the theme's English
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
URL_BREAKING = re.compile(r"[:#?%\\\x00-\x1f\x7f]")
NAME_RULE = "expected a name without : # ? % \\ or control characters"


def _check_page_names(raw: RawHandbook) -> list[Problem]:
    """A page's path becomes its address: characters that end or escape a URL path are refused."""
    problems = []
    for page in raw.pages:
        found = URL_BREAKING.search(page.rel)
        if found:
            problems.append(page.meta.problem((), f"the file name holds {_shown(found.group())}, which cannot stand "
                                                  f"in an address; {NAME_RULE}"))
    for asset in raw.assets:
        found = URL_BREAKING.search(asset)
        if found:
            problems.append(Problem(display_path(raw.root / "assets" / asset), 1, 1,
                                    f"the file name holds {_shown(found.group())}, which cannot stand in an "
                                    f"address; {NAME_RULE}"))
    return problems


def _check_strings(handbook: Document) -> list[Problem]:
    """A handbook's own wording of the theme's strings: strings the theme has (with a theme of the
    handbook's own, any may be its own), and placeholders the theme fills there."""
    strings = handbook.data.get("strings") or {}
    known = theme_messages() if strings else {}  # reading the catalogue is a tenth of a warm build
    problems = []
    for english, own in strings.items():
        if english in known:
            problem = wording_problem(own, known[english])
            if problem:
                problems.append(handbook.problem(("strings", english), problem))
        elif not handbook.data.get("theme"):
            problems.append(handbook.problem(("strings", english), f"'{english}' is not a string of the theme; "
                                             "expected its English text as in ladderdocs/locale/ladderdocs.pot",
                                             "warning"))
    return problems


@cache
def theme_messages() -> dict[str, frozenset[str]]:
    """Every English string of the theme (ladderdocs.pot), each with the placeholders it may use."""
    from babel.messages.pofile import read_po  # here: only a handbook with `strings` asks
    with THEME_STRINGS.open("rb") as file:
        found: dict[str, frozenset[str]] = {}
        for entry in read_po(file):
            sources = [entry.id] if isinstance(entry.id, str) else list(entry.id)
            names = frozenset(name for source in sources for name in _PLACEHOLDER.findall(source)) | {"num"}
            found.update({source: names for source in sources if source})
        return found


def wording_problem(own: str, names: frozenset[str]) -> str | None:
    """What is wrong with a handbook's wording of a theme string whose placeholders are `names`:
    a % that is no placeholder, or a placeholder the theme does not fill there."""
    for found in re.finditer(r"%(?:\((\w*)\)s|%)?", own):
        if found.group() == "%":
            return f"'{own}' has a % that is not a placeholder; expected %% for a percent sign"
        if found.group(1) is not None and found.group(1) not in names:
            return (f"'{own}' uses %({found.group(1)})s, which the theme does not fill here; expected one of: "
                    + ", ".join(f"%({name})s" for name in sorted(names)))
    return None


def _shown(char: str) -> str:
    return f"'{char}'" if char.isprintable() else f"'\\x{ord(char):02x}'"


def _duplicates(items: Iterable[tuple[str, Document, tuple[Any, ...]]], what: str) -> list[Problem]:
    seen: dict[str, tuple[Document, tuple[Any, ...]]] = {}
    problems = []
    for item_id, doc, path in items:
        if item_id in seen:
            first, first_path = seen[item_id]
            problems.append(doc.problem(path, f"duplicate {what} id '{item_id}' (first at {first.name}:"
                                              f"{first.where(*first_path)[0]}); expected each id once"))
        else:
            seen[item_id] = (doc, path)
    return problems


def check_references(raw: RawHandbook) -> list[Problem]:
    """Rules across files; runs only on schema-valid documents."""
    problems: list[Problem] = []
    comp = raw.competencies
    assert comp is not None
    group_ids = {g["id"] for g in comp.data["groups"]}
    problems += _duplicates(((g["id"], comp, ("groups", i, "id")) for i, g in enumerate(comp.data["groups"])),
                            "group")
    problems += _duplicates(((c["id"], comp, ("competencies", i, "id"))
                             for i, c in enumerate(comp.data["competencies"])), "competency")
    problems += _duplicates(((doc.data["id"], doc, ("id",)) for doc in raw.tracks), "track")
    problems += _duplicates(((lv["id"], doc, ("levels", i, "id"))
                             for doc in raw.tracks for i, lv in enumerate(doc.data["levels"])), "level")
    track_ids = {doc.data["id"] for doc in raw.tracks}
    competencies = {c["id"]: c for c in comp.data["competencies"]}

    for i, c in enumerate(comp.data["competencies"]):
        if c["group"] not in group_ids:
            problems.append(comp.problem(("competencies", i, "group"),
                                         f"unknown group '{c['group']}'; expected one of: {', '.join(sorted(group_ids))}"))
        for j, t in enumerate(c.get("tracks", [])):
            if t not in track_ids:
                problems.append(comp.problem(("competencies", i, "tracks", j),
                                             f"unknown track '{t}'; expected one of: {', '.join(sorted(track_ids))}"))

    for doc in raw.tracks:
        default_model = raw.handbook.data.get("expectations", "restated") if raw.handbook else "restated"
        problems += _check_track(doc, competencies, track_ids, doc.data.get("expectations", default_model))
    problems += _check_comparison_pages(raw)
    level_ids = {lv["id"] for doc in raw.tracks for lv in doc.data["levels"]}
    if raw.comp is not None:
        problems += _check_comp(raw.comp, level_ids)
    if raw.mobility is not None:
        problems += _check_mobility(raw.mobility, track_ids)
    if raw.check_in is not None:  # each question's id names its answer in every export
        problems += _duplicates(((q["id"], raw.check_in, ("questions", i, "id"))
                                 for i, q in enumerate(raw.check_in.data["questions"])), "question")

    urls = Counter(page_url(p.rel) for p in raw.pages)
    for page in raw.pages:
        if urls[page_url(page.rel)] > 1:
            problems.append(page.meta.problem((), f"another page also becomes '/{page_url(page.rel)}'; "
                                                  "expected one page per address"))
    if raw.handbook is not None:
        language = raw.handbook.data.get("language", "en")
        if not known_locale(language):
            problems.append(raw.handbook.problem(("language",), f"language '{language}' is unknown to the "
                                                               "locale data (CLDR); expected a code such as en, de or en-GB"))
        problems += _check_strings(raw.handbook)
        logo = raw.handbook.data.get("logo")
        if logo and posixpath.normpath(logo).removeprefix("assets/") not in raw.assets:
            # only assets/ is published: a logo elsewhere would be a broken image on every page
            problems.append(raw.handbook.problem(("logo",), f"logo '{logo}' is not a file under assets/; "
                                                            "expected a path such as assets/logo.svg"))
        as_of = raw.handbook.data.get("as_of")
        if as_of and not _is_date(as_of):
            problems.append(raw.handbook.problem(("as_of",), f"'{as_of}' is not a calendar date; expected YYYY-MM-DD"))
        theme = raw.handbook.data.get("theme")
        if theme and not (raw.root / theme).is_dir():
            problems.append(raw.handbook.problem(("theme",), f"theme folder '{theme}' does not exist; "
                                                             "expected a folder in the handbook"))
        elif theme:
            problems += _check_theme_inside(raw, raw.root / theme)
    if not any(p.rel == "index.md" for p in raw.pages):
        problems.append(Problem(str(raw.root / "pages" / "index.md"), 1, 1,
                                "home page is missing; expected pages/index.md"))
    return problems


def _check_track(doc: Document, competencies: dict[str, dict[str, Any]], track_ids: set[str],
                 model: str) -> list[Problem]:
    data = doc.data
    problems: list[Problem] = []
    applies = [cid for cid, c in competencies.items() if data["id"] in c.get("tracks", [data["id"]])]
    previous_grade = None
    at_grade: Counter[int] = Counter()
    for i, lv in enumerate(data["levels"]):
        if previous_grade is not None and lv["grade"] < previous_grade:
            problems.append(doc.problem(("levels", i, "grade"),
                                        f"grade {lv['grade']} is below the level before it ({previous_grade}); "
                                        "expected levels listed lowest first"))
        previous_grade = lv["grade"]
        at_grade[lv["grade"]] += 1
        if at_grade[lv["grade"]] == MAX_LEVELS_PER_GRADE + 1:
            problems.append(doc.problem(("levels", i, "grade"),
                                        f"track '{data['id']}' has more than {MAX_LEVELS_PER_GRADE} levels at grade "
                                        f"{lv['grade']}; expected at most {MAX_LEVELS_PER_GRADE} (a grade is one step "
                                        "of weight: levels that differ belong to different grades)"))
        for comp_id in lv["expectations"]:
            path = ("levels", i, "expectations", comp_id)
            if comp_id not in competencies:
                problems.append(doc.problem(path, f"unknown competency '{comp_id}'; expected one of: "
                                                  f"{', '.join(sorted(competencies))}"))
            elif comp_id not in applies:
                problems.append(doc.problem(path, f"competency '{comp_id}' does not apply to track "
                                                  f"'{data['id']}'; expected one of: {', '.join(applies)}"))
        for comp_id in applies:  # on a cumulative track, what a level below states applies to it too
            stated = [lv] if model == "restated" else data["levels"][:i + 1]
            if not any(comp_id in level["expectations"] for level in stated):
                problems.append(doc.problem(("levels", i, "expectations"),
                                            f"level '{lv['id']}' states nothing for competency '{comp_id}'; "
                                            "expected at least one expectation", "warning"))
    for j, ramp in enumerate(data.get("off_ramps", [])):
        if ramp["to"] not in track_ids:
            problems.append(doc.problem(("off_ramps", j, "to"), f"unknown track '{ramp['to']}'; expected one of: "
                                                                f"{', '.join(sorted(track_ids))}"))
    if data["kind"] == "hybrid" and "time_box_months" not in data:
        problems.append(doc.problem(("kind",), "hybrid track without 'time_box_months'; expected how long "
                                               "one may stay on it", "warning"))
    return problems


def _check_comparison_pages(raw: RawHandbook) -> list[Problem]:
    """Every two levels of one grade on different tracks get a page comparing them: refuse a
    ladder that would make more of those than any reader could use (the count grows with the
    square of the levels at a grade)."""
    per_grade: dict[int, Counter[str]] = {}
    for doc in raw.tracks:
        for lv in doc.data["levels"]:
            per_grade.setdefault(lv["grade"], Counter())[doc.data["id"]] += 1
    pairs = {grade: (sum(c.values()) ** 2 - sum(n * n for n in c.values())) // 2 for grade, c in per_grade.items()}
    if sum(pairs.values()) <= MAX_SAME_GRADE_PAGES:
        return []
    grade = max(pairs, key=lambda g: (pairs[g], -g))
    doc, i = next((doc, i) for doc in raw.tracks for i, lv in enumerate(doc.data["levels"]) if lv["grade"] == grade)
    return [doc.problem(("levels", i, "grade"),
                        f"the ladder would need {sum(pairs.values())} pages comparing same-grade levels of different "
                        f"tracks ({pairs[grade]} at grade {grade}); expected at most {MAX_SAME_GRADE_PAGES}: fewer "
                        "levels at one grade, or fewer tracks")]


def _check_comp(doc: Document, level_ids: set[str]) -> list[Problem]:
    problems = _duplicates(((z["id"], doc, ("zones", i, "id")) for i, z in enumerate(doc.data["zones"])), "zone")
    zone_ids = {z["id"] for z in doc.data["zones"]}
    for i, zone in enumerate(doc.data["zones"]):
        if "locale" in zone and not known_locale(zone["locale"]):
            problems.append(doc.problem(("zones", i, "locale"), f"locale '{zone['locale']}' is unknown to the locale "
                                                                "data (CLDR); expected a code such as en-IN or de-DE"))
    seen: set[tuple[str, str, str]] = set()
    for s, band_set in enumerate(doc.data.get("band_sets", [])):
        if band_set["zone"] not in zone_ids:
            problems.append(doc.problem(("band_sets", s, "zone"), f"unknown zone '{band_set['zone']}'; "
                                                                  f"expected one of: {', '.join(sorted(zone_ids))}"))
        if not _is_date(band_set["as_of"]):
            problems.append(doc.problem(("band_sets", s, "as_of"),
                                        f"'{band_set['as_of']}' is not a calendar date; expected YYYY-MM-DD"))
        for level_id, band in band_set["bands"].items():
            path = ("band_sets", s, "bands", level_id)
            if level_id not in level_ids:
                problems.append(doc.problem(path, f"unknown level '{level_id}'; expected a level id from "
                                                  "ladder/tracks/"))
            key = (level_id, band_set["zone"], band_set.get("audience", "public"))
            if key in seen:
                problems.append(doc.problem(path, f"second band for '{level_id}' in zone '{band_set['zone']}'; "
                                                  "expected one band per level and zone"))
            seen.add(key)
            low, mid, high = band["min"], band.get("mid", band["min"]), band["max"]
            if not low <= mid <= high:
                shown = f"min {low}, mid {mid}, max {high}" if "mid" in band else f"min {low}, max {high}"
                problems.append(doc.problem(path, f"band {shown} is out of order; expected min <= mid <= max"))
    return problems


def _check_theme_inside(raw: RawHandbook, theme: Path) -> list[Problem]:
    """A theme's static files are published as they are: like assets, none may come from
    outside the handbook (a `static -> ~/.ssh` link in a pull request)."""
    root = raw.root.resolve()
    assert raw.handbook is not None
    if not theme.resolve().is_relative_to(root):
        return [raw.handbook.problem(("theme",), f"theme folder '{theme.name}' lies outside the handbook; "
                                                 "expected a folder inside it")]
    static = theme / "static"
    return [Problem(display_path(path), 1, 1, f"is a link to '{path.resolve()}', outside the handbook; "
                                              "expected a file inside the handbook folder (copy it in instead)")
            for path in sorted(static.rglob("*")) if path.is_file() and not path.resolve().is_relative_to(root)]


def known_locale(name: str) -> bool:
    """A language (and region) the locale data (CLDR, through Babel) has: money is written by it."""
    try:
        Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _check_mobility(doc: Document, track_ids: set[str]) -> list[Problem]:
    problems = []
    for i, move in enumerate(doc.data.get("moves", [])):
        for end in ("from", "to"):
            if move[end] not in track_ids:
                problems.append(doc.problem(("moves", i, end), f"unknown track '{move[end]}'; expected one of: "
                                                               f"{', '.join(sorted(track_ids))}"))
    return problems
