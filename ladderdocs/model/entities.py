"""The handbook as plain typed data: what every later stage reads, and nothing it may change.

Every entity remembers where the author wrote it (`Source`), and every Markdown string is a
`Text` that knows its own line, so a problem found in it anywhere points at that line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ladderdocs import addresses
from ladderdocs.options import INTERNAL, PUBLIC  # defined there: the command line reads them without the model


@dataclass(frozen=True)
class Source:
    """Where an item was written, for messages that point the author at it."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Text:
    """A Markdown string of the handbook and where it was written (its first line)."""

    text: str
    source: Source

    def __bool__(self) -> bool:
        return bool(self.text)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class ParitySettings:
    tolerance_percent: float = 5.0
    max_overlap_percent: float = 60.0
    stale_after_days: int = 365
    strict: bool = False
    tilt_severity: str = "info"  # a systematic tilt is worth knowing; a handbook may make it a warning or an error


@dataclass(frozen=True)
class AuditSettings:
    """The promotions page (checks/audit.py): internal-only unless `public`; any count of
    people below `min_group` (never below 3) is shown as "fewer than N"."""

    public: bool = False
    min_group: int = 5


@dataclass(frozen=True)
class Tools:
    """Which of the reader's tools the site has (handbook.yml `tools:`), each on unless set to false."""

    switch: bool = True
    check_in: bool = True
    case: bool = True


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
    expectations: str  # how the ladder is written: "cumulative" or "restated" (model/diff.py)
    repo_url: str | None  # the repository, for "Edit this page" links
    edit_uri: str         # from repo_url to the handbook folder's files, e.g. "edit/main/content/"
    extra: dict[str, Any]  # handbook.yml's `extra:`, for themes of the handbook's own
    strings: dict[str, str]  # the handbook's own wording of any of the theme's strings (English -> its text)
    source: Source
    audit: AuditSettings = AuditSettings()  # handbook.yml's `audit:`, for the promotions page
    version: str | None = None         # this framework version's name, e.g. "v3" (model/changes.py)
    effective: dt.date | None = None   # the date it takes effect
    version_tags: str | None = None   # the git tags that hold the earlier versions (default: source/versions.py)
    tools: Tools = Tools()  # handbook.yml's `tools:`: which of the reader's tools the site has

    @property
    def base_path(self) -> str:
        """The sub-path the site is served under, e.g. '/handbook/' ('/' by default)."""
        path = self.base_url.split("://", 1)[-1].partition("/")[2]
        return "/" + (path.strip("/") + "/" if path.strip("/") else "")

    @property
    def site_address(self) -> str | None:
        """'https://org.github.io/handbook/', or None when the handbook does not say where it lives."""
        base = self.base_url
        return base.rstrip("/") + "/" if base.startswith(("http://", "https://")) else None


@dataclass(frozen=True)
class Expectation:
    """One thing a level is expected to show; `key` ties it to its restatement on other levels."""

    text: str
    key: str | None
    internal: bool
    source: Source


@dataclass(frozen=True)
class Level:
    id: str
    title: str
    grade: int
    summary: Text
    scope: Text
    expectations: dict[str, list[Expectation]]  # competency id -> expectations, in competency order
    examples: list[Text]
    track_id: str
    internal: bool
    source: Source

    @property
    def url(self) -> str:
        return addresses.level_url(self.id)


@dataclass(frozen=True)
class OffRamp:
    to: str
    description: Text
    source: Source


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    kind: str  # ic | management | hybrid
    order: int
    expectations: str | None  # "cumulative" or "restated", when the track differs from the handbook
    summary: Text
    opens_at_grade: int | None
    time_box_months: int | None
    off_ramps: list[OffRamp]
    levels: list[Level]
    internal: bool
    source: Source

    @property
    def url(self) -> str:
        return addresses.track_url(self.id)


@dataclass(frozen=True)
class CompetencyGroup:
    id: str
    title: str
    description: str
    source: Source


@dataclass(frozen=True)
class Competency:
    id: str
    title: str
    group: str
    description: Text
    track_ids: tuple[str, ...]
    internal: bool
    source: Source

    @property
    def url(self) -> str:
        return addresses.competency_url(self.id)


@dataclass(frozen=True)
class Zone:
    id: str
    title: str
    currency: str
    locale: str  # how its money is written (Babel/CLDR): the zone's `locale`, else the handbook's language
    internal: bool
    source: Source


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
    description: Text
    source: Source
    trial_months: int | None = None  # a trial after the move, with a way back (mobility.yml `trial_months`)


@dataclass(frozen=True)
class Mobility:
    keep_grade: bool
    min_months_between_switches: int | None
    moves: list[Move]
    notes: Text
    source: Source


@dataclass(frozen=True)
class Page:
    rel: str  # path under pages/, posix, e.g. "guides/promotion.md"
    title: str
    order: int
    description: str
    nav: bool
    internal: bool
    body: Text
    source: Source  # the front matter
    date: dt.date | None = None          # as the author dates it
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()        # old addresses, each a page that sends the reader here
    last_updated: dt.date | None = None  # the last commit that changed its file (none outside git)

    @property
    def url(self) -> str:
        return addresses.page_url(self.rel)


@dataclass(frozen=True)
class Question:
    """One question of the track-preference check-in (ladder/check-in.yml, else the theme's set)."""

    id: str
    label: str
    kind: str  # level (one of the handbook's levels) | track | choice (one of `options`) | text
    help: str
    options: tuple[str, ...]
    source: Source


@dataclass(frozen=True)
class CheckIn:
    """ladder/check-in.yml: what the track-preference check-in asks, and the words above it."""

    intro: Text
    questions: tuple[Question, ...]
    source: Source


@dataclass(frozen=True)
class Handbook:
    """Everything one build renders, for one audience, with the lookups every stage needs."""

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
    # the promotion audit of `build --promotions FILE`, a checks.audit.Audit (aggregates only: no
    # person, no date); typed loosely because the model may not import the checks made of it
    promotions: object | None = None
    # the framework's earlier versions, read from git tags (source/versions.py), oldest first
    earlier: tuple[EarlierVersion, ...] = ()
    check_in: CheckIn | None = None  # ladder/check-in.yml's questions; None: the theme's default set

    level_by_id: dict[str, Level] = field(init=False, repr=False, compare=False)
    track_by_id: dict[str, Track] = field(init=False, repr=False, compare=False)
    competency_by_id: dict[str, Competency] = field(init=False, repr=False, compare=False)
    zone_by_id: dict[str, Zone] = field(init=False, repr=False, compare=False)
    page_by_rel: dict[str, Page] = field(init=False, repr=False, compare=False)
    grades: list[int] = field(init=False, repr=False, compare=False)
    _band_by_key: dict[tuple[str, str], Band] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookups = {
            "track_by_id": {t.id: t for t in self.tracks},
            "level_by_id": {lv.id: lv for t in self.tracks for lv in t.levels},
            "competency_by_id": {c.id: c for c in self.competencies},
            "zone_by_id": {z.id: z for z in self.zones},
            "page_by_rel": {p.rel: p for p in self.pages},
            "grades": sorted({lv.grade for t in self.tracks for lv in t.levels}),
            "_band_by_key": {(b.level_id, b.zone_id): b for b in self.bands},
        }
        for name, value in lookups.items():  # derived once; the dataclass stays frozen
            object.__setattr__(self, name, value)

    def band_for(self, level: Level, zone: Zone) -> Band | None:
        return self._band_by_key.get((level.id, zone.id))

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


@dataclass(frozen=True)
class EarlierVersion:
    """An earlier version of the framework, as a git tag holds it, modelled for the same audience."""

    tag: str
    tagged: dt.date  # the tag's own date (the tagger's, else its commit's): from git, never the clock
    handbook: Handbook

    @property
    def name(self) -> str:
        return self.handbook.settings.version or self.tag
