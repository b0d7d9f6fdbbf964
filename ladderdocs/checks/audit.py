"""The promotion audit: where promotions actually landed, by track and grade, and what that
says about the ladder.

A dual ladder is "performative" when the IC ladder above some grade exists on paper while
every recent senior promotion went to management, and "theoretical" where nobody reached a
grade in two years. Pure functions over the model: `parse_promotions` turns the CSV's text
into rows (every problem as FILE.csv:row:col), `audit` counts them. The result holds
aggregates only, never a person id or a date from the file, so the page and the build cache
can hold it safely; the window's dates (`Window`) are for the command line alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from dataclasses import dataclass
from typing import Iterable

from ladderdocs.errors import ContentError, Problem
from ladderdocs.model.entities import Handbook, Level, Track
from ladderdocs.text.i18n import N_, Nn_, Phrase

COLUMNS = ("date", "person", "from_level", "to_level")
WINDOW_MONTHS = 24  # "no one promoted into IC grade N in two years"
LAST = 8            # "the last eight promotions into the senior grades": the common test of a performative ladder
MIN_EVIDENCE = 5    # fewer senior promotions than this are too few to call the ladder performative
ERROR, WARNING, INFO = "error", "warning", "info"
LABELS = {"performative": N_("Performative ladder"), "theoretical": N_("Theoretical level"),
          "time-box": N_("Beyond the time box"), "too-few": N_("Too few to judge"), "used": N_("Ladder in use")}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Row:
    """One promotion or track move. `from_level` None is a hire: counted apart, never a promotion."""

    row: int  # in the file, the header being row 1
    date: dt.date
    person: str
    from_level: Level | None
    to_level: Level

    @property
    def promotion(self) -> bool:
        return self.from_level is not None and self.to_level.grade > self.from_level.grade

    @property
    def move(self) -> bool:
        return self.from_level is not None and self.from_level.track_id != self.to_level.track_id


@dataclass(frozen=True)
class Window:
    """The period counted, both ends included: dates from the file, so for the command line only."""

    start: dt.date
    end: dt.date
    months: int

    def holds(self, date: dt.date) -> bool:
        return self.start <= date <= self.end


@dataclass(frozen=True)
class HybridTime:
    """Stints on a time-boxed track that ended in the window, or were still running at its end."""

    track: Track
    ended_within: int
    ended_over: int
    open_within: int
    open_over: int
    unknown_start: int  # on the track at their first row: when they joined is not in the file


@dataclass(frozen=True)
class Finding:
    """One thing the promotions say about the ladder. `people` names the values of `text` that
    count people (`num` for its count), which the page shows as "fewer than N" when small."""

    kind: str
    severity: str
    text: Phrase
    people: tuple[str, ...] = ("num",)

    @property
    def label(self) -> str:
        return LABELS[self.kind]


@dataclass(frozen=True)
class Audit:
    """Aggregates only: what the page, the cache and the command line may all hold."""

    months: int
    senior_grade: int | None  # the lowest grade with both IC and management levels
    landed: dict[tuple[str, int], int]  # promotions in the window, by the (track id, grade) they landed on
    moves: dict[tuple[str, str], int]   # track moves in the window, by (from, to) track id
    hires: int
    hybrid: list[HybridTime]
    last: dict[str, int]                # the last LAST promotions into the senior grades, by track id
    findings: list[Finding]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)


# -- reading ------------------------------------------------------------------------------

def parse_promotions(text: str, file: str, handbook: Handbook) -> list[Row]:
    """The rows of a promotions CSV, oldest first; ContentError with every problem at once.
    No message quotes a person id: the file is about people, the messages end up in CI logs."""
    problems: list[Problem] = []
    records = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    if not records or not any(cell.strip() for cell in records[0]):
        raise ContentError([Problem(file, 1, 1, f"no header row; expected the columns {', '.join(COLUMNS)}")])
    header = [cell.strip().lower() for cell in records[0]]
    for col, name in enumerate(header, 1):
        if name not in COLUMNS or header.index(name) != col - 1:
            problems.append(Problem(file, 1, col, f"column '{name}' is {'repeated' if name in COLUMNS else 'unknown'}; "
                                                  f"expected the columns {', '.join(COLUMNS)}"))
    problems += [Problem(file, 1, len(header) + 1, f"missing column '{name}'; expected the columns {', '.join(COLUMNS)}")
                 for name in COLUMNS if name not in header]
    if problems:
        raise ContentError(problems)
    where = {name: header.index(name) for name in COLUMNS}
    rows: list[Row] = []
    seen: dict[tuple[str, dt.date, str], int] = {}
    for number, record in enumerate(records[1:], 2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(Problem(file, number, 1, f"{len(record)} fields; expected {len(header)} "
                                                     f"({', '.join(header)})"))
            continue
        cells = {name: record[i].strip() for name, i in where.items()}
        found: list[Problem] = []
        date = _date(cells["date"], file, number, where["date"] + 1, found)
        if not cells["person"]:
            found.append(Problem(file, number, where["person"] + 1, "no person; expected an opaque id "
                                                                    "(the same one on each row of that person)"))
        before = _level(cells["from_level"], handbook, file, number, where["from_level"] + 1, found) \
            if cells["from_level"] else None
        after = _level(cells["to_level"], handbook, file, number, where["to_level"] + 1, found, required=True)
        if before is not None and before is after:
            found.append(Problem(file, number, where["to_level"] + 1, "to_level is from_level; expected the level "
                                                                      "the person moved or was promoted to"))
        problems += found
        if found or date is None or after is None:
            continue
        key = (cells["person"], date, after.id)
        if key in seen:
            problems.append(Problem(file, number, 1, f"the same person, date and to_level as row {seen[key]}; "
                                                     "expected each promotion once"))
            continue
        seen[key] = number
        rows.append(Row(number, date, cells["person"], before, after))
    if not rows and not problems:
        problems.append(Problem(file, 2, 1, "no rows; expected one row per promotion or track move"))
    if problems:
        raise ContentError(problems)
    return sorted(rows, key=lambda r: (r.date, r.row))


def _date(value: str, file: str, row: int, col: int, problems: list[Problem]) -> dt.date | None:
    try:
        if _ISO_DATE.fullmatch(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    problems.append(Problem(file, row, col, f"'{value}' is not a date; expected YYYY-MM-DD, e.g. 2026-03-31"))
    return None


def _level(value: str, handbook: Handbook, file: str, row: int, col: int, problems: list[Problem],
           required: bool = False) -> Level | None:
    if not value:
        if required:
            problems.append(Problem(file, row, col, "no to_level; expected the id of the level the person reached"))
        return None
    level = handbook.level_by_id.get(value)
    if level is not None:
        return level
    if ("level", value) in handbook.withheld:
        problems.append(Problem(file, row, col, f"level '{value}' is internal and this build is public; expected "
                                                "the promotions page in the internal build only (audit.public: false)"))
        return None
    close = difflib.get_close_matches(value, list(handbook.level_by_id), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f"; expected a level id such as '{next(iter(handbook.level_by_id))}'"
    problems.append(Problem(file, row, col, f"unknown level '{value}'{hint}"))
    return None


# -- the window ---------------------------------------------------------------------------

def add_months(date: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier when negative), on the month's last day when shorter."""
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    for day in range(date.day, 27, -1):
        try:
            return dt.date(year, month + 1, day)
        except ValueError:
            continue
    return dt.date(year, month + 1, min(date.day, 28))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end`."""
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def window(rows: list[Row], since: dt.date | None = None, until: dt.date | None = None) -> Window:
    """From `since` (else 24 months before the end) to `until` (else the newest row): never the
    clock, so the same file gives the same report on any day."""
    end = until or max(row.date for row in rows)
    start = since or add_months(end, -WINDOW_MONTHS) + dt.timedelta(days=1)
    return Window(start, end, WINDOW_MONTHS if since is None else max(1, months_between(start, end + dt.timedelta(days=1))))


# -- the audit ----------------------------------------------------------------------------

def senior_grade(handbook: Handbook) -> int | None:
    """Where a dual ladder's promise starts: the lowest grade at which both an IC track and a
    management track have a level (4 in the example, where management opens). Promotions into
    it or above are the ones that show whether the IC ladder is used."""
    def grades(kind: str) -> set[int]:
        return {lv.grade for t in handbook.tracks if t.kind == kind for lv in t.levels}
    both = grades("ic") & grades("management")
    return min(both) if both else None


def audit(handbook: Handbook, rows: list[Row], span: Window) -> Audit:
    """Count the rows of the window, and say what the counts show."""
    counted = [row for row in rows if span.holds(row.date)]
    landed: dict[tuple[str, int], int] = {}
    moves: dict[tuple[str, str], int] = {}
    for row in counted:
        if row.promotion:
            key = (row.to_level.track_id, row.to_level.grade)
            landed[key] = landed.get(key, 0) + 1
        if row.move and row.from_level is not None:
            pair = (row.from_level.track_id, row.to_level.track_id)
            moves[pair] = moves.get(pair, 0) + 1
    grade = senior_grade(handbook)
    senior = [row for row in rows if row.promotion and row.date <= span.end
              and grade is not None and row.to_level.grade >= grade][-LAST:]
    last: dict[str, int] = {}
    for row in senior:
        last[row.to_level.track_id] = last.get(row.to_level.track_id, 0) + 1
    hybrid = [_hybrid_time(track, rows, span) for track in handbook.tracks if track.time_box_months]
    findings = (_performative(handbook, grade, len(senior), last) + _theoretical(handbook, grade, landed, span)
                + [f for h in hybrid for f in _time_box(h)])
    return Audit(span.months, grade, dict(sorted(landed.items())), dict(sorted(moves.items())),
                 sum(1 for row in counted if row.from_level is None), hybrid, last, findings)


def _performative(handbook: Handbook, grade: int | None, considered: int, last: dict[str, int]) -> list[Finding]:
    if grade is None:
        return []
    if considered < MIN_EVIDENCE:
        return [Finding("too-few", INFO, Phrase.of(N_(
            "Too few promotions into grade %(grade)s or above to judge whether the ladder above it is used: at least "
            "%(least)s are needed."), grade=grade, least=MIN_EVIDENCE), ())]
    ic = [t for t in handbook.tracks if t.kind == "ic"]
    on_ic = sum(last.get(t.id, 0) for t in ic)
    ic_titles = tuple(t.title for t in ic)
    if on_ic:
        return [Finding("used", INFO, Phrase.of(Nn_(
            "%(ic_count)s of the last %(num)s promotion into grade %(grade)s or above went to %(ic)s.",
            "%(ic_count)s of the last %(num)s promotions into grade %(grade)s or above went to %(ic)s."),
            count=considered, ic_count=on_ic, grade=grade, ic=ic_titles), ("num", "ic_count"))]
    went = tuple(t.title for t in handbook.tracks if last.get(t.id))
    return [Finding("performative", ERROR, Phrase.of(Nn_(
        "None of the last %(num)s promotion into grade %(grade)s or above went to %(ic)s: it went to %(tracks)s.",
        "None of the last %(num)s promotions into grade %(grade)s or above went to %(ic)s: they went to %(tracks)s."),
        count=considered, grade=grade, ic=ic_titles, tracks=went))]


def _theoretical(handbook: Handbook, grade: int | None, landed: dict[tuple[str, int], int],
                 span: Window) -> list[Finding]:
    """Each IC level from the senior grade up (from the second level of a track when no grade
    is shared with management) that nobody was promoted into in the window."""
    found = []
    for track in handbook.tracks:
        if track.kind != "ic" or not track.levels:
            continue
        floor = grade if grade is not None else min(lv.grade for lv in track.levels) + 1
        for level in track.levels:
            if level.grade >= floor and not landed.get((track.id, level.grade)):
                found.append(Finding("theoretical", WARNING, Phrase.of(Nn_(
                    "No one was promoted into %(level)s (grade %(grade)s) in the %(num)s month of the window.",
                    "No one was promoted into %(level)s (grade %(grade)s) in the %(num)s months of the window."),
                    count=span.months, level=level.title, grade=level.grade), ()))
    return found


def _hybrid_time(track: Track, rows: list[Row], span: Window) -> HybridTime:
    """Each person's stints on a time-boxed track, from the row that put them on it to the row
    that took them off (a promotion within the track continues the stint)."""
    box = track.time_box_months or 0
    counts = {"ended_within": 0, "ended_over": 0, "open_within": 0, "open_over": 0, "unknown_start": 0}
    for person_rows in _by_person(row for row in rows if row.date <= span.end):
        started: dt.date | None = None
        unknown = False
        on_track = False
        for row in person_rows:
            was = row.from_level is not None and row.from_level.track_id == track.id
            now = row.to_level.track_id == track.id
            if was and not on_track:
                unknown = True  # on the track before the file begins
            if now and not was:
                started, unknown = row.date, False
            if was and not now:
                if unknown:
                    counts["unknown_start"] += int(span.holds(row.date))
                elif started is not None and span.holds(row.date):
                    counts["ended_over" if months_between(started, row.date) > box else "ended_within"] += 1
                started, unknown = None, False
            on_track = now
        if on_track:
            if unknown or started is None:
                counts["unknown_start"] += 1
            else:
                counts["open_over" if months_between(started, span.end) > box else "open_within"] += 1
    return HybridTime(track, **counts)


def _by_person(rows: Iterable[Row]) -> list[list[Row]]:
    people: dict[str, list[Row]] = {}
    for row in rows:
        people.setdefault(row.person, []).append(row)
    return list(people.values())


def _time_box(time: HybridTime) -> list[Finding]:
    box = time.track.time_box_months
    found = []
    if time.ended_over:
        found.append(Finding("time-box", WARNING, Phrase.of(Nn_(
            "%(num)s stint on %(track)s ended after its time box of %(box)s months.",
            "%(num)s stints on %(track)s ended after its time box of %(box)s months."),
            count=time.ended_over, track=time.track.title, box=box or 0)))
    if time.open_over:
        found.append(Finding("time-box", WARNING, Phrase.of(Nn_(
            "%(num)s person is still on %(track)s past its time box of %(box)s months.",
            "%(num)s people are still on %(track)s past its time box of %(box)s months."),
            count=time.open_over, track=time.track.title, box=box or 0)))
    return found


# -- the command line's report ------------------------------------------------------------

def report(handbook: Handbook, result: Audit, span: Window, rows: int) -> list[str]:
    """`ladderdocs audit`'s lines, in English: exact counts and the window's dates, for the
    people team that holds the file (the page rounds small counts and shows no date)."""
    hb = handbook
    titles = {t.id: t.title for t in hb.tracks}
    lines = [f"{_plural(rows, 'row')} ({_plural(result.hires, 'hire')}, not counted as promotions); window "
             f"{span.start.isoformat()} to {span.end.isoformat()} ({_plural(span.months, 'month')}). "
             "Counts are exact: the promotions page shows small ones as 'fewer than N'.",
             "promotions landed per track: " + ", ".join(
                 f"{t.title} {sum(n for (track, _), n in result.landed.items() if track == t.id)}" for t in hb.tracks)]
    for grade in reversed(hb.grades):
        cells = [f"{t.title} {result.landed.get((t.id, grade), 0)}" for t in hb.tracks if hb.levels_at(t, grade)]
        lines.append(f"  grade {grade}: " + ", ".join(cells))
    if result.senior_grade is not None:
        considered = sum(result.last.values())
        lines.append(f"last {_plural(considered, 'promotion')} into grade {result.senior_grade} or above: "
                     + (", ".join(f"{titles[t]} {n}" for t, n in result.last.items()) or "none"))
    lines.append("track moves: " + ("; ".join(f"{titles[a]} -> {titles[b]} {n}" for (a, b), n in result.moves.items())
                                    or "none"))
    for time in result.hybrid:
        lines.append(f"time on {time.track.title} (time box {_plural(time.track.time_box_months or 0, 'month')}): "
                     f"left within it {time.ended_within}, left after it {time.ended_over}, still on it within it "
                     f"{time.open_within}, still on it past it {time.open_over}"
                     + (f", start not in the file {time.unknown_start}" if time.unknown_start else ""))
    counts = {s: sum(1 for f in result.findings if f.severity == s) for s in (ERROR, WARNING, INFO)}
    lines.append(f"findings: {_plural(counts[ERROR], 'error')}, {_plural(counts[WARNING], 'warning')}, "
                 f"{_plural(counts[INFO], 'note')}")
    lines += [f"{f.severity}: {LABELS[f.kind].lower()}: {f.text.english}" for f in result.findings]
    return lines


def _plural(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"
