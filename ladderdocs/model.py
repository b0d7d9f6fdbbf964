"""Stage 3: the handbook as plain typed data, cross-references resolved, one audience.

`build_model` runs only on content that validation passed, so it can trust every id.
Anything marked internal is dropped here for a public build: nothing after this stage
can leak what it never receives.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ladderdocs.load import Document, PageSource, RawHandbook

PUBLIC, INTERNAL = "public", "internal"


@dataclass(frozen=True)
class Source:
    """Where an item was written, for messages that point the author at it."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class ParitySettings:
    tolerance_percent: float = 5.0
    max_overlap_percent: float = 60.0
    stale_after_days: int = 365
    strict: bool = False


@dataclass(frozen=True)
class Settings:
    title: str
    organisation: str
    description: str
    base_url: str
    language: str
    theme: Path | None
    logo: str | None
    allow_html: bool
    cname: str | None
    as_of: dt.date
    parity: ParitySettings

    @property
    def base_path(self) -> str:
        """The sub-path the site is served under, e.g. '/handbook/' ('/' by default)."""
        path = self.base_url.split("://", 1)[-1].partition("/")[2]
        return "/" + (path.strip("/") + "/" if path.strip("/") else "")


@dataclass(frozen=True)
class Expectation:
    text: str
    key: str | None
    internal: bool
    source: Source


@dataclass
class Level:
    id: str
    title: str
    grade: int
    summary: str
    scope: str
    expectations: dict[str, list[Expectation]]  # competency id -> expectations, in competency order
    examples: list[str]
    track_id: str
    internal: bool
    source: Source

    @property
    def url(self) -> str:
        return f"levels/{self.id}/"


@dataclass(frozen=True)
class OffRamp:
    to: str
    description: str


@dataclass
class Track:
    id: str
    title: str
    kind: str
    order: int
    summary: str
    opens_at_grade: int | None
    time_box_months: int | None
    off_ramps: list[OffRamp]
    levels: list[Level]
    internal: bool
    source: Source

    @property
    def url(self) -> str:
        return f"tracks/{self.id}/"


@dataclass(frozen=True)
class CompetencyGroup:
    id: str
    title: str
    description: str


@dataclass
class Competency:
    id: str
    title: str
    group: str
    description: str
    track_ids: tuple[str, ...]
    internal: bool
    source: Source

    @property
    def url(self) -> str:
        return f"competencies/{self.id}/"


@dataclass(frozen=True)
class Zone:
    id: str
    title: str
    currency: str
    internal: bool


@dataclass(frozen=True)
class Band:
    level_id: str
    zone_id: str
    min: float
    max: float
    mid: float | None
    as_of: dt.date
    provenance: str  # where the numbers come from, as the handbook states it
    internal: bool
    source: Source


@dataclass(frozen=True)
class Move:
    from_track: str
    to_track: str
    min_grade: int | None
    description: str


@dataclass(frozen=True)
class Mobility:
    keep_grade: bool
    min_months_between_switches: int | None
    moves: list[Move]
    notes: str


@dataclass
class Page:
    rel: str
    title: str
    order: int
    description: str
    nav: bool
    internal: bool
    body: str
    body_line: int
    source_file: str

    @property
    def url(self) -> str:
        return page_url(self.rel)


@dataclass
class Handbook:
    """Everything one build renders, with the lookups every view needs built once."""

    settings: Settings
    root: Path
    audience: str
    groups: list[CompetencyGroup]
    competencies: list[Competency]
    tracks: list[Track]
    zones: list[Zone]
    bands: list[Band]
    mobility: Mobility | None
    pages: list[Page]
    assets: list[str]
    # (kind, id) of what this audience may not see, so a link to it says why it fails
    withheld: frozenset[tuple[str, str]] = frozenset()

    level_by_id: dict[str, Level] = field(init=False)
    track_by_id: dict[str, Track] = field(init=False)
    competency_by_id: dict[str, Competency] = field(init=False)
    zone_by_id: dict[str, Zone] = field(init=False)
    page_by_rel: dict[str, Page] = field(init=False)
    grades: list[int] = field(init=False)
    memo: dict[tuple[Any, ...], Any] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.track_by_id = {t.id: t for t in self.tracks}
        self.level_by_id = {lv.id: lv for t in self.tracks for lv in t.levels}
        self.competency_by_id = {c.id: c for c in self.competencies}
        self.zone_by_id = {z.id: z for z in self.zones}
        self.page_by_rel = {p.rel: p for p in self.pages}
        self.grades = sorted({lv.grade for lv in self.level_by_id.values()})
        self._bands = {(b.level_id, b.zone_id): b for b in self.bands}

    def band_for(self, level: Level, zone: Zone) -> Band | None:
        return self._bands.get((level.id, zone.id))

    def track_of(self, level: Level) -> Track:
        return self.track_by_id[level.track_id]

    def levels_at(self, track: Track, grade: int) -> list[Level]:
        return [lv for lv in track.levels if lv.grade == grade]

    def competencies_for(self, track: Track) -> list[Competency]:
        return [c for c in self.competencies if track.id in c.track_ids]

    @property
    def home(self) -> Page | None:
        return self.page_by_rel.get("index.md")

    @property
    def internal(self) -> bool:
        return self.audience == INTERNAL


def page_url(rel: str) -> str:
    """'index.md' -> '', 'faq.md' -> 'faq/', 'guides/index.md' -> 'guides/'.

    String operations, not PurePosixPath: every rebuild asks this a few times per page.
    """
    folder, _, name = rel.rpartition("/")
    dot = name.rfind(".")
    if 0 < dot < len(name) - 1:  # the suffix, as pathlib defines it
        name = name[:dot]
    path = folder if name in ("index", ".") else f"{folder}/{name}" if folder else name
    return f"{path}/" if path else ""


def page_of(source: PageSource) -> Page:
    data = source.meta.data
    return Page(source.rel, data["title"], data.get("order", 100), data.get("description", ""),
                data.get("nav", "/" not in source.rel and source.rel != "index.md"), _internal(data),
                source.body, source.body_line, source.meta.name)


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


def build_model(raw: RawHandbook, audience: str = PUBLIC) -> Handbook:
    """Turn validated raw documents into the model, keeping only what `audience` may see."""
    keep = (lambda item: True) if audience == INTERNAL else (lambda item: not _internal(item))
    assert raw.handbook is not None
    settings = _settings(raw.handbook.data, raw.root)

    comp_doc = raw.competencies.data if raw.competencies else {"groups": [], "competencies": []}
    tracks_raw = sorted(
        ((doc, doc.data) for doc in raw.tracks if keep(doc.data)),
        key=lambda pair: (pair[1].get("order", 0), pair[1]["id"]),
    )
    all_track_ids = tuple(data["id"] for _, data in tracks_raw)
    competencies = [
        Competency(c["id"], c["title"], c["group"], c.get("description", ""),
                   tuple(t for t in c.get("tracks", all_track_ids) if t in all_track_ids),
                   _internal(c), _source(raw.competencies, ("competencies", i)))
        for i, c in enumerate(comp_doc["competencies"]) if keep(c)
    ]
    competency_order = [c.id for c in competencies]
    tracks = [_track(doc, data, competency_order, keep) for doc, data in tracks_raw]
    for track in tracks:  # an off-ramp to a track this audience cannot see is not shown
        track.off_ramps = [r for r in track.off_ramps if r.to in all_track_ids]
    level_ids = {lv.id for t in tracks for lv in t.levels}

    zones: list[Zone] = []
    bands: list[Band] = []
    if raw.comp is not None:
        zones = [Zone(z["id"], z["title"], z["currency"], _internal(z))
                 for z in raw.comp.data["zones"] if keep(z)]
        zone_ids = {z.id for z in zones}
        for s, band_set in enumerate(raw.comp.data.get("band_sets", [])):
            if not keep(band_set) or band_set["zone"] not in zone_ids:
                continue
            for level_id, numbers in band_set["bands"].items():
                if level_id in level_ids:
                    bands.append(Band(
                        level_id, band_set["zone"], numbers["min"], numbers["max"], numbers.get("mid"),
                        dt.date.fromisoformat(band_set["as_of"]), band_set["source"], _internal(band_set),
                        _source(raw.comp, ("band_sets", s, "bands", level_id))))
        # an internal band set may restate a public one exactly; whoever may see it gets that one only
        restated = {(b.level_id, b.zone_id) for b in bands if b.internal}
        bands = [b for b in bands if b.internal or (b.level_id, b.zone_id) not in restated]

    mobility = None
    if raw.mobility is not None:
        data = raw.mobility.data
        track_ids = {t.id for t in tracks}
        mobility = Mobility(
            data.get("keep_grade", True), data.get("min_months_between_switches"),
            [Move(m["from"], m["to"], m.get("min_grade"), m.get("description", ""))
             for m in data.get("moves", []) if m["from"] in track_ids and m["to"] in track_ids],
            data.get("notes", ""))

    pages = sorted((page_of(p) for p in raw.pages if keep(p.meta.data)), key=lambda page: (page.order, page.rel))
    used_groups = {c.group for c in competencies}  # a group of internal competencies only is internal too
    return Handbook(
        settings=settings, root=raw.root, audience=audience,
        groups=[CompetencyGroup(g["id"], g["title"], g.get("description", ""))
                for g in comp_doc["groups"] if g["id"] in used_groups],
        competencies=competencies, tracks=tracks, zones=zones, bands=bands, mobility=mobility,
        pages=pages, assets=raw.assets, withheld=_withheld(raw, comp_doc, tracks, competencies, zones, pages))


def _withheld(raw: RawHandbook, comp_doc: dict[str, Any], tracks: list[Track], competencies: list[Competency],
              zones: list[Zone], pages: list[Page]) -> frozenset[tuple[str, str]]:
    """Every entity of the content that did not make it into this audience's model."""
    written = ({("track", doc.data["id"]) for doc in raw.tracks}
               | {("level", lv["id"]) for doc in raw.tracks for lv in doc.data["levels"]}
               | {("competency", c["id"]) for c in comp_doc["competencies"]}
               | {("zone", z["id"]) for z in (raw.comp.data["zones"] if raw.comp else [])}
               | {("page", p.rel) for p in raw.pages})
    kept = ({("track", t.id) for t in tracks} | {("level", lv.id) for t in tracks for lv in t.levels}
            | {("competency", c.id) for c in competencies} | {("zone", z.id) for z in zones}
            | {("page", p.rel) for p in pages})
    return frozenset(written - kept)


def _source(doc: Document | None, path: tuple[Any, ...]) -> Source:
    if doc is None:
        return Source("", 0)
    return Source(doc.name, doc.where(*path)[0])


def _settings(data: dict[str, Any], root: Path) -> Settings:
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
            strict=parity.get("strict", False)),
    )


def _track(doc: Document, data: dict[str, Any], competency_order: list[str], keep: Any) -> Track:
    levels = []
    for i, lv in enumerate(data["levels"]):
        if not keep(lv):
            continue
        expectations: dict[str, list[Expectation]] = {}
        for comp_id in competency_order:
            items = lv["expectations"].get(comp_id)
            if items is None:
                continue
            kept = []
            for j, item in enumerate(items):
                entry = item if isinstance(item, dict) else {"text": item}
                if keep(entry):
                    kept.append(Expectation(entry["text"], entry.get("key"), _internal(entry),
                                            _source(doc, ("levels", i, "expectations", comp_id, j))))
            if kept:
                expectations[comp_id] = kept
        levels.append(Level(lv["id"], lv["title"], lv["grade"], lv["summary"], lv.get("scope", ""),
                            expectations, lv.get("examples", []), data["id"], _internal(lv),
                            _source(doc, ("levels", i))))
    return Track(
        data["id"], data["title"], data["kind"], data.get("order", 0), data["summary"],
        data.get("opens_at_grade"), data.get("time_box_months"),
        [OffRamp(r["to"], r["description"]) for r in data.get("off_ramps", [])],
        levels, _internal(data), _source(doc, ()))
