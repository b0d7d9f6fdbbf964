"""`ladderdocs import`: a framework kept in a spreadsheet becomes a handbook folder.

Two layouts are read, found from the header row (or named with --layout):

- **long**: one row per expectation, columns `track, level, grade, competency, expectation`
  and, optionally, `level_title`, `track_title`, `track_kind`, `competency_group`, `key`;
- **matrix**: one row per competency and one column per level, as frameworks are often drawn:
  a `competency` column (optional `competency_group`, `track`), then a column per level headed
  by its title and, in brackets, its grade (`Engineer I (1)`); each cell lists that level's
  expectations one per line.

Titles become ids as handbook ids are written (lower-case words joined by '-'). A problem in
the sheet is reported as FILE:row:col, like any other content problem; the folder written
passes `ladderdocs check`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ladderdocs.errors import ContentError, Problem, display_path
from ladderdocs.outputs.write import safe_join

LONG, MATRIX = "long", "matrix"
LONG_COLUMNS = ("track", "level", "grade", "competency", "expectation")
OPTIONAL_LONG = ("level_title", "track_title", "track_kind", "competency_group", "key")
MATRIX_FIXED = ("competency", "competency_group", "track")
LEVEL_HEADING = re.compile(r"^(?P<title>.*?)\s*[\(\[]\s*(?:grade\s*)?(?P<grade>\d+)\s*[\)\]]\s*$", re.IGNORECASE)
BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")


def slug(text: str) -> str:
    """The id a title becomes: 'Decision Making' -> 'decision-making'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class Sheet:
    name: str             # as problems name it
    rows: list[list[str]]  # the header row first

    def problem(self, row: int, col: int, message: str) -> Problem:
        return Problem(self.name, row, col, message)


def read_csv(path: Path) -> Sheet:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise ContentError([Problem(display_path(path), 1, 1, f"cannot be read ({err}); expected a UTF-8 CSV file")])
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:  # one column, or too little to tell: the usual comma
        dialect = csv.excel
    return Sheet(display_path(path), list(csv.reader(io.StringIO(text, newline=""), dialect)))


def read_xlsx(path: Path, sheet: str | None = None) -> Sheet:
    try:
        from openpyxl import load_workbook  # an optional extra: pip install "ladderdocs[xlsx]"
    except ImportError:
        raise ContentError([Problem(display_path(path), 1, 1, "reading .xlsx needs openpyxl; expected it installed "
                                                              "(pip install \"ladderdocs[xlsx]\"), or the sheet saved "
                                                              "as CSV")]) from None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a file that is no workbook
        raise ContentError([Problem(display_path(path), 1, 1, f"cannot be read as a workbook ({err}); "
                                                              "expected an .xlsx file")]) from None
    if sheet is not None and sheet not in book.sheetnames:
        raise ContentError([Problem(display_path(path), 1, 1, f"has no sheet '{sheet}'; expected one of: "
                                                              f"{', '.join(book.sheetnames)}")])
    rows = [["" if value is None else str(value) for value in row]
            for row in book[sheet or book.sheetnames[0]].iter_rows(values_only=True)]
    return Sheet(display_path(path), rows)


@dataclass
class Draft:
    """The handbook as the sheet describes it, before it is written."""

    tracks: dict[str, dict[str, Any]] = field(default_factory=dict)       # id -> track document
    competencies: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> competency
    groups: dict[str, str] = field(default_factory=dict)                   # id -> title
    problems: list[Problem] = field(default_factory=list)

    def track(self, track_id: str, title: str, kind: str) -> dict[str, Any]:
        return self.tracks.setdefault(track_id, {
            "id": track_id, "title": title, "kind": kind, "order": len(self.tracks) + 1,
            "summary": f"The {title} track, imported from a spreadsheet.", "levels": []})

    def competency(self, title: str, group: str) -> str:
        comp_id, group_id = slug(title), slug(group) or "general"
        self.groups.setdefault(group_id, group or "General")
        self.competencies.setdefault(comp_id, {"id": comp_id, "title": title, "group": group_id})
        return comp_id


def guess_kind(title: str) -> str:
    lowered = title.lower()
    if "lead" in lowered and "manag" in lowered or "hybrid" in lowered:
        return "hybrid"
    return "management" if "manag" in lowered else "ic"


def layout_of(sheet: Sheet, asked: str | None) -> str:
    header = [h.strip().lower() for h in sheet.rows[0]] if sheet.rows else []
    if asked:
        return asked
    if "expectation" in header:
        return LONG
    if "competency" in header:
        return MATRIX
    raise ContentError([sheet.problem(1, 1, "the header row names neither layout; expected the columns "
                                            f"{', '.join(LONG_COLUMNS)} (one row per expectation), or 'competency' "
                                            "and a column per level (the matrix layout)")])


def read_long(sheet: Sheet) -> Draft:
    header = [h.strip().lower() for h in sheet.rows[0]]
    missing = [c for c in LONG_COLUMNS if c not in header]
    if missing:
        raise ContentError([sheet.problem(1, 1, f"the header row lacks {', '.join(missing)}; expected the columns "
                                                f"{', '.join(LONG_COLUMNS)} (and optionally {', '.join(OPTIONAL_LONG)})")])
    col = {name: header.index(name) for name in header if name in LONG_COLUMNS + OPTIONAL_LONG}
    draft = Draft()
    levels: dict[tuple[str, str], dict[str, Any]] = {}
    for r, row in enumerate(sheet.rows[1:], 2):
        cell = {name: (row[i].strip() if i < len(row) else "") for name, i in col.items()}
        if not any(cell.values()):
            continue
        blank = [name for name in LONG_COLUMNS if not cell[name]]
        if blank:
            draft.problems.append(sheet.problem(r, col[blank[0]] + 1, f"'{blank[0]}' is empty; expected a value in "
                                                                     "every row"))
            continue
        if not cell["grade"].isdigit():
            draft.problems.append(sheet.problem(r, col["grade"] + 1, f"grade is '{cell['grade']}'; expected a whole "
                                                                     "number such as 3"))
            continue
        track_id = slug(cell["track"])
        track = draft.track(track_id, cell.get("track_title") or cell["track"],
                            cell.get("track_kind") or guess_kind(cell.get("track_title") or cell["track"]))
        level = _level(levels, track, slug(cell["level"]), cell.get("level_title") or cell["level"],
                       int(cell["grade"]), sheet, r, col["grade"] + 1, draft)
        if level is None:
            continue
        comp_id = draft.competency(cell["competency"], cell.get("competency_group", ""))
        item: Any = {"key": slug(cell["key"]), "text": cell["expectation"]} if cell.get("key") else cell["expectation"]
        level["expectations"].setdefault(comp_id, []).append(item)
    return draft


def read_matrix(sheet: Sheet, track_name: str | None) -> Draft:
    header = [h.strip() for h in sheet.rows[0]]
    lowered = [h.lower() for h in header]
    comp_col = lowered.index("competency")
    group_col = lowered.index("competency_group") if "competency_group" in lowered else None
    track_col = lowered.index("track") if "track" in lowered else None
    level_cols = [(i, h) for i, h in enumerate(header) if h and lowered[i] not in MATRIX_FIXED]
    draft = Draft()
    if not level_cols:
        raise ContentError([sheet.problem(1, 1, "no level columns; expected a column per level after 'competency', "
                                                "headed by its title, e.g. 'Engineer I (1)'")])
    headed = []
    for position, (i, heading) in enumerate(level_cols, 1):
        match = LEVEL_HEADING.match(heading)
        title, grade = (match["title"], int(match["grade"])) if match else (heading, position)
        headed.append((i, title, grade))
    levels: dict[tuple[str, str], dict[str, Any]] = {}
    for r, row in enumerate(sheet.rows[1:], 2):
        value = (lambda i: row[i].strip() if i is not None and i < len(row) else "")  # noqa: E731
        if not any(v.strip() for v in row):
            continue
        if not value(comp_col):
            draft.problems.append(sheet.problem(r, comp_col + 1, "'competency' is empty; expected the competency "
                                                                 "this row states expectations for"))
            continue
        name = value(track_col) or track_name or "Engineering"
        track = draft.track(slug(name), name, guess_kind(name))
        comp_id = draft.competency(value(comp_col), value(group_col))
        for i, title, grade in headed:
            level = _level(levels, track, slug(title), title, grade, sheet, 1, i + 1, draft)
            if level is None:
                continue
            items = [BULLET.sub("", line).strip() for line in value(i).splitlines()]
            if items := [item for item in items if item]:
                level["expectations"].setdefault(comp_id, []).extend(items)
    return draft


def _level(levels: dict[tuple[str, str], dict[str, Any]], track: dict[str, Any], level_id: str, title: str,
           grade: int, sheet: Sheet, row: int, col: int, draft: Draft) -> dict[str, Any] | None:
    """The level, made on first sight; a problem when one level is given two grades."""
    key = (track["id"], level_id)
    if key not in levels:
        levels[key] = {"id": level_id, "title": title, "grade": grade,
                       "summary": f"{title}, imported from a spreadsheet.", "expectations": {}}
        track["levels"].append(levels[key])
    elif levels[key]["grade"] != grade:
        draft.problems.append(sheet.problem(row, col, f"level '{title}' has grade {grade} here and "
                                                      f"{levels[key]['grade']} above; expected one grade per level"))
        return None
    return levels[key]


def handbook_files(draft: Draft, title: str) -> dict[str, str]:
    """Path -> text of the handbook folder: what `write_handbook` puts on disk."""
    stated_on = {c: [t for t, track in draft.tracks.items()
                     if any(c in level["expectations"] for level in track["levels"])] for c in draft.competencies}
    for comp_id, competency in draft.competencies.items():
        if len(stated_on[comp_id]) < len(draft.tracks):  # assessed only on the tracks that state it
            competency["tracks"] = stated_on[comp_id]
    files = {"handbook.yml": _yaml({"title": title, "organisation": title}),
             "ladder/competencies.yml": _yaml({
                 "groups": [{"id": g, "title": t} for g, t in draft.groups.items()],
                 "competencies": list(draft.competencies.values())}),
             "pages/index.md": f"---\ntitle: {title}\n---\nThe career framework, imported from a spreadsheet. "
                               "Start with the [[track:" + next(iter(draft.tracks)) + "]] track.\n"}
    for track in draft.tracks.values():
        track["levels"].sort(key=lambda level: level["grade"])  # stable: same-grade levels keep sheet order
        files[f"ladder/tracks/{track['id']}.yml"] = _yaml(track)
    return files


def _yaml(data: Any) -> str:
    return "# Imported by `ladderdocs import`: edit freely, this is now the handbook's source.\n" + yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, width=10_000)


def import_sheet(sheet: Sheet, out: Path, layout: str | None = None, title: str | None = None,
                 track: str | None = None) -> list[str]:
    """Write the handbook the sheet describes into `out`, a new or empty folder; the paths written."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ContentError([Problem(str(out), 1, 1, "is not a new or empty folder; expected one, so that nothing "
                                                    "is overwritten")])
    if not sheet.rows:
        raise ContentError([sheet.problem(1, 1, "the sheet is empty; expected a header row and a row per "
                                                "expectation or competency")])
    kind = layout_of(sheet, layout)
    draft = read_long(sheet) if kind == LONG else read_matrix(sheet, track)
    if draft.problems:
        raise ContentError(draft.problems)
    if not draft.tracks:
        raise ContentError([sheet.problem(2, 1, "no expectation in the sheet; expected a row under the header")])
    files = handbook_files(draft, title or Path(sheet.name).stem.replace("-", " ").replace("_", " ").title())
    out.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        target = safe_join(out, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return sorted(files)

