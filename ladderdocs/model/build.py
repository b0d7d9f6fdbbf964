"""Stage 3: validated raw documents become the model of one audience.

`build_model` runs only on content that validation passed, so it can trust every id.
Anything marked internal is dropped here for a public build: nothing after this stage
can leak what it never receives.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from ladderdocs.model.entities import (
    INTERNAL,
    PUBLIC,
    AuditSettings,
    Band,
    CheckIn,
    Competency,
    CompetencyGroup,
    Expectation,
    Handbook,
    Level,
    Mobility,
    Move,
    OffRamp,
    Page,
    ParitySettings,
    Question,
    Settings,
    Source,
    Text,
    Tools,
    Track,
    Zone,
)
from ladderdocs.source.document import Document
from ladderdocs.source.load import PageSource, RawHandbook

Keep = Callable[[dict[str, Any]], bool]


def build_model(raw: RawHandbook, audience: str = PUBLIC, drafts: bool = False) -> Handbook:
    """Turn validated raw documents into the model, keeping only what `audience` may see
    (and the pages marked `draft: true` only when `drafts` asks for them)."""
    keep: Keep = (lambda item: True) if audience == INTERNAL else (lambda item: not _internal(item))
    assert raw.handbook is not None
    settings = _settings(raw.handbook, raw.root)

    comp_doc = raw.competencies
    comp_data = comp_doc.data if comp_doc else {"groups": [], "competencies": []}
    tracks_raw = sorted((doc for doc in raw.tracks if keep(doc.data)),
                        key=lambda doc: (doc.data.get("order", 0), doc.data["id"]))
    track_ids = tuple(doc.data["id"] for doc in tracks_raw)
    competencies = [
        Competency(c["id"], c["title"], c["group"], _text(comp_doc, ("competencies", i, "description")),
                   tuple(t for t in c.get("tracks", track_ids) if t in track_ids), _internal(c),
                   _source(comp_doc, ("competencies", i)))
        for i, c in enumerate(comp_data["competencies"]) if keep(c)]
    competency_order = [c.id for c in competencies]
    tracks = [_track(doc, competency_order, keep, track_ids) for doc in tracks_raw]
    zones, bands = _pay(raw.comp, keep, {lv.id for t in tracks for lv in t.levels}, settings.language)
    pages = sorted((page_of(p, raw.page_dates.get(p.rel)) for p in raw.pages
                    if keep(p.meta.data) and (drafts or not p.meta.data.get("draft", False))),
                   key=lambda page: (page.order, page.rel))
    used_groups = {c.group for c in competencies}  # a group of internal competencies only is internal too
    return Handbook(
        settings=settings, root=raw.root, audience=audience,
        groups=[CompetencyGroup(g["id"], g["title"], g.get("description", ""), _source(comp_doc, ("groups", i)))
                for i, g in enumerate(comp_data["groups"]) if g["id"] in used_groups],
        competencies=competencies, tracks=tracks, zones=zones, bands=bands,
        mobility=_mobility(raw.mobility, set(track_ids)), pages=pages, assets=raw.assets,
        withheld=_withheld(raw, tracks, competencies, zones, pages), check_in=_check_in(raw.check_in))


def with_track(handbook: Handbook, doc: Document) -> Handbook:
    """`handbook` with the track of `doc` (a validated track file) modelled again, everything
    else kept: serve's early look at a level edit, which the full build_model then confirms."""
    keep: Keep = (lambda item: True) if handbook.audience == INTERNAL else (lambda item: not _internal(item))
    track = _track(doc, [c.id for c in handbook.competencies], keep, tuple(t.id for t in handbook.tracks))
    return replace(handbook, tracks=[track if t.id == track.id else t for t in handbook.tracks])


def page_of(source: PageSource, last_updated: dt.date | None = None) -> Page:
    data, rel, name = source.meta.data, source.rel, source.meta.name
    nav = data["nav"] if "nav" in data else "/" not in rel and rel != "index.md"
    date, tags, aliases = data.get("date"), data.get("tags"), data.get("aliases")  # most pages have none
    return Page(rel, data["title"], data.get("order", 100), data.get("description", ""), nav,
                data.get("audience") == INTERNAL, Text(source.body, Source(name, source.body_line)), Source(name, 1),
                dt.date.fromisoformat(date) if date else None, tuple(tags) if tags else (),
                tuple([alias.strip("/") + "/" for alias in aliases]) if aliases else (), last_updated)


def build_date(as_of: str | None) -> dt.date:
    """The date staleness is judged against: the setting, else SOURCE_DATE_EPOCH, else today."""
    if as_of:
        return dt.date.fromisoformat(as_of)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def _internal(item: dict[str, Any]) -> bool:
    return item.get("audience") == INTERNAL


def _source(doc: Document | None, path: tuple[Any, ...]) -> Source:
    return Source(doc.name, doc.where(*path)[0]) if doc is not None else Source("", 0)


def _text(doc: Document | None, path: tuple[Any, ...]) -> Text:
    """The Markdown at `path` (empty when absent), with the line its text starts on."""
    if doc is None:
        return Text("", Source("", 0))
    value: Any = doc.data
    for key in path:
        value = value.get(key, "") if isinstance(value, dict) else value[key]
    return Text(value, Source(doc.name, doc.text_line(*path)))


def _settings(doc: Document, root: Path) -> Settings:
    data = doc.data
    parity = data.get("parity", {})
    return Settings(
        title=data["title"], organisation=data["organisation"],
        description=data.get("description", ""),
        base_url=data.get("base_url", "/"),
        language=data.get("language", "en"),
        theme=(root / data["theme"]) if data.get("theme") else None,
        logo=data.get("logo"),
        allow_html=data.get("allow_html", False),
        cname=data.get("cname"),
        as_of=build_date(data.get("as_of")),
        parity=ParitySettings(
            tolerance_percent=parity.get("tolerance_percent", 5.0),
            max_overlap_percent=parity.get("max_overlap_percent", 60.0),
            stale_after_days=parity.get("stale_after_days", 365),
            strict=parity.get("strict", False),
            tilt_severity=parity.get("tilt_severity", "info")),
        expectations=data.get("expectations", "restated"),
        repo_url=data.get("repo_url"), edit_uri=data.get("edit_uri", ""), extra=data.get("extra", {}),
        strings=data.get("strings", {}),
        source=Source(doc.name, 1),
        audit=AuditSettings(public=data.get("audit", {}).get("public", False),
                            min_group=data.get("audit", {}).get("min_group", 5)),
        version=str(data["version"]) if data.get("version") is not None else None,
        effective=dt.date.fromisoformat(data["effective"]) if data.get("effective") else None,
        version_tags=data.get("versions", {}).get("tags"),
        tools=Tools(**data.get("tools", {})))


def _check_in(doc: Document | None) -> CheckIn | None:
    """ladder/check-in.yml's questions (None without the file: the page asks the theme's own)."""
    if doc is None:
        return None
    questions = tuple(Question(q["id"], q["label"], q["kind"], q.get("help", ""),
                               tuple(q.get("options", ())) if q["kind"] == "choice" else (),  # options only choose
                               _source(doc, ("questions", i)))
                      for i, q in enumerate(doc.data["questions"]))
    return CheckIn(_text(doc, ("intro",)), questions, Source(doc.name, 1))


def _track(doc: Document, competency_order: list[str], keep: Keep, visible_tracks: tuple[str, ...]) -> Track:
    data = doc.data
    levels = [_level(doc, i, lv, competency_order, keep) for i, lv in enumerate(data["levels"]) if keep(lv)]
    ramps = [OffRamp(r["to"], _text(doc, ("off_ramps", j, "description")), _source(doc, ("off_ramps", j)))
             for j, r in enumerate(data.get("off_ramps", []))
             if r["to"] in visible_tracks]  # an off-ramp to a track this audience cannot see is not shown
    return Track(data["id"], data["title"], data["kind"], data.get("order", 0), data.get("expectations"),
                 _text(doc, ("summary",)),
                 data.get("opens_at_grade"), data.get("time_box_months"), ramps, levels, _internal(data),
                 _source(doc, ()))


def _level(doc: Document, i: int, data: dict[str, Any], competency_order: list[str], keep: Keep) -> Level:
    expectations: dict[str, list[Expectation]] = {}
    for comp_id in competency_order:
        kept = []
        for j, item in enumerate(data["expectations"].get(comp_id) or []):
            entry = item if isinstance(item, dict) else {"text": item}
            if keep(entry):
                path = ("levels", i, "expectations", comp_id, j)
                line = doc.text_line(*path, "text") if isinstance(item, dict) else doc.text_line(*path)
                kept.append(Expectation(entry["text"], entry.get("key"), _internal(entry), Source(doc.name, line)))
        if kept:
            expectations[comp_id] = kept
    at = ("levels", i)
    return Level(data["id"], data["title"], data["grade"], _text(doc, (*at, "summary")), _text(doc, (*at, "scope")),
                 expectations, [_text(doc, (*at, "examples", k)) for k in range(len(data.get("examples", [])))],
                 doc.data["id"], _internal(data), _source(doc, at))


def _pay(doc: Document | None, keep: Keep, level_ids: set[str], language: str) -> tuple[list[Zone], list[Band]]:
    if doc is None:
        return [], []
    zones = [Zone(z["id"], z["title"], z["currency"], z.get("locale", language), _internal(z),
                  _source(doc, ("zones", i)))
             for i, z in enumerate(doc.data["zones"]) if keep(z)]
    zone_ids = {z.id for z in zones}
    bands = []
    for s, band_set in enumerate(doc.data.get("band_sets", [])):
        if not keep(band_set) or band_set["zone"] not in zone_ids:
            continue
        for level_id, numbers in band_set["bands"].items():
            if level_id in level_ids:
                bands.append(Band(
                    level_id, band_set["zone"], numbers["min"], numbers["max"], numbers.get("mid"),
                    dt.date.fromisoformat(band_set["as_of"]), band_set["source"], _internal(band_set),
                    _source(doc, ("band_sets", s, "bands", level_id))))
    # an internal band set may restate a public one exactly; whoever may see it gets that one only
    restated = {(b.level_id, b.zone_id) for b in bands if b.internal}
    return zones, [b for b in bands if b.internal or (b.level_id, b.zone_id) not in restated]


def _mobility(doc: Document | None, track_ids: set[str]) -> Mobility | None:
    if doc is None:
        return None
    data = doc.data
    moves = [Move(m["from"], m["to"], m.get("min_grade"), _text(doc, ("moves", i, "description")),
                  _source(doc, ("moves", i)), m.get("trial_months"))
             for i, m in enumerate(data.get("moves", [])) if m["from"] in track_ids and m["to"] in track_ids]
    return Mobility(data.get("keep_grade", True), data.get("min_months_between_switches"), moves,
                    _text(doc, ("notes",)), _source(doc, ()))


def _withheld(raw: RawHandbook, tracks: list[Track], competencies: list[Competency], zones: list[Zone],
              pages: list[Page]) -> frozenset[tuple[str, str]]:
    """Every entity of the content that did not make it into this audience's model."""
    written = ({("track", doc.data["id"]) for doc in raw.tracks}
               | {("level", lv["id"]) for doc in raw.tracks for lv in doc.data["levels"]}
               | {("competency", c["id"]) for c in (raw.competencies.data["competencies"] if raw.competencies else [])}
               | {("zone", z["id"]) for z in (raw.comp.data["zones"] if raw.comp else [])}
               | {("page", p.rel) for p in raw.pages})
    kept = ({("track", t.id) for t in tracks} | {("level", lv.id) for t in tracks for lv in t.levels}
            | {("competency", c.id) for c in competencies} | {("zone", z.id) for z in zones}
            | {("page", p.rel) for p in pages})
    drafts = {("draft", p.rel) for p in raw.pages if p.meta.data.get("draft")} - {("draft", p.rel) for p in pages}
    return frozenset((written - kept) | drafts)
