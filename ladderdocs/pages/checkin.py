"""The track-preference check-in, `check-in/`: a short form an engineer fills in each quarter
(which track they want next, how soon, what would help), kept in their browser only.

The questions come from `ladder/check-in.yml`, else the theme's own set. The page is real
form fields at build time, readable and printable without a script; static/checkin.js keeps
the answers in localStorage, exports and imports them, and lists past check-ins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ladderdocs.model.entities import Handbook, Question, Source, Text
from ladderdocs.pages.base import NavEntry, PageJob, PageType, SearchDoc, SearchEntry, SearchSources
from ladderdocs.pages.facts import Facts
from ladderdocs.pages.prose import PAGES
from ladderdocs.text.i18n import N_, Messages

URL = "check-in/"
TITLE = N_("Track check-in")
UNDECIDED = "undecided"  # the value of "Not sure yet" in a track question

_THEME = Source("", 0)
DEFAULT_QUESTIONS = (  # the theme's set, when the handbook has no ladder/check-in.yml
    Question("current-level", N_("Your current level"), "level", "", (), _THEME),
    Question("next-track", N_("The track you want next"), "track",
             N_("Your own track, if you want to grow where you are."), (), _THEME),
    Question("how-soon", N_("How soon"), "choice", "",
             (N_("Within 6 months"), N_("In 6 to 12 months"), N_("In a year or more"), N_("Not sure yet")), _THEME),
    Question("try", N_("What you want to try"), "text",
             N_("A project, a role, a kind of work: anything you would like to do more of."), (), _THEME),
    Question("help", N_("What would help"), "text",
             N_("From your manager, your team or the organisation: time, a mentor, a trial project."), (), _THEME),
)


@dataclass(frozen=True)
class Field:
    """A question as the form shows it, in the reader's language, with its choices."""

    id: str
    label: str
    kind: str
    help: str
    options: list[tuple[str, str]]  # (value, label) of a choice or track question
    groups: list[tuple[str, list[tuple[str, str]]]]  # a level question: (track, [(level id, label)])


def store_key(handbook: Handbook) -> str:
    """The prefix of every localStorage key the tools use: two handbooks served from one origin
    (or both opened from file://) keep their answers apart."""
    return f"ladderdocs|{handbook.settings.base_path}|{handbook.settings.title}"


def fields(handbook: Handbook, say: Messages) -> list[Field]:
    own = handbook.check_in
    questions = own.questions if own else DEFAULT_QUESTIONS
    word = (lambda text: text) if own else say.text  # the handbook's questions are shown as written
    result = []
    for q in questions:
        options: list[tuple[str, str]] = []
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        if q.kind == "choice":
            options = [(word(o), word(o)) for o in q.options]
        elif q.kind == "track":
            options = [(t.id, t.title) for t in handbook.tracks] + [(UNDECIDED, say.text(N_("Not sure yet")))]
        elif q.kind == "level":  # highest grade first, as every list of grades
            groups = [(t.title, [(lv.id, say.gettext(N_("%(level)s (grade %(grade)s)"), level=lv.title, grade=lv.grade))
                                 for lv in sorted(t.levels, key=lambda lv: -lv.grade)]) for t in handbook.tracks]
        result.append(Field(q.id, word(q.label), q.kind, word(q.help) if q.help else "", options, groups))
    return result


def jobs(facts: Facts) -> Iterator[PageJob]:
    hb = facts.handbook
    if not hb.settings.tools.check_in:
        return
    intro = hb.check_in.intro if hb.check_in else Text("", _THEME)
    yield PageJob(f"{URL}index.html", "checkin.html", {
        "fields": fields(hb, facts.messages), "intro": intro, "store": store_key(hb),
        "case_index": hb.settings.tools.case},
        frozenset())  # level and track titles and the questions: all in the skeleton (model/deps.py)


def nav(handbook: Handbook) -> list[NavEntry]:
    return [NavEntry(URL, TITLE)] if handbook.settings.tools.check_in else []


def search(facts: Facts, sources: SearchSources) -> Iterator[SearchEntry]:
    hb = facts.handbook
    if not hb.settings.tools.check_in:
        return
    say = facts.messages.text
    words = [say(N_("A short form to fill in each quarter: the track you want next, how soon, what you want "
                    "to try and what would help. Separate from performance review."))]
    if hb.check_in and hb.check_in.intro:
        words.append(sources.plain(hb.check_in.intro.text))
    words += [f.label for f in fields(hb, facts.messages)]
    yield SearchEntry(PAGES, URL, say(TITLE), "", [SearchDoc("", "", " ".join(words))])


PAGE = PageType("check_in", ("check-in",), ("checkin.html",), jobs, nav, search, index=URL)
