"""What changed in the ladder from one framework version to the next.

Versions are the git tags the build read (model/versions.py) and the working tree, which is
the newest: it is compared with the newest tag, and takes that tag's place when it declares
the same `version:`. A level is the same level across versions by its id, an expectation the
same expectation by its `key`, else by its words (model/diff.py's restated comparison, which a
level's own statements are, on either kind of track); a band by its level and zone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ladderdocs.errors import Problem
from ladderdocs.model.diff import diff_expectations
from ladderdocs.model.entities import Band, Expectation, Handbook, Level, Zone

CHANGE_KINDS = ("added", "grown", "reworded", "removed")


@dataclass(frozen=True)
class Version:
    name: str
    tag: str | None  # None: the working tree, not tagged yet
    effective: dt.date | None
    tagged: dt.date | None
    handbook: Handbook

    @property
    def anchor(self) -> str:
        return "version-" + (re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or "current")


@dataclass(frozen=True)
class ExpectationChange:
    competency: str  # its title, in the version that has it
    kind: str        # one of CHANGE_KINDS
    before: Expectation | None
    after: Expectation | None


@dataclass(frozen=True)
class BandChange:
    zone: Zone
    before: Band | None  # None: a band new in this zone
    after: Band | None   # None: the band is no longer published

    @property
    def delta(self) -> float | None:
        """How far the band's midpoint moved (its mid, else halfway from min to max)."""
        return _mid(self.after) - _mid(self.before) if self.before and self.after else None

    @property
    def mid_before(self) -> float | None:
        return _mid(self.before) if self.before else None


@dataclass(frozen=True)
class LevelChange:
    level: Level     # as the newer version has it (the older, for a level removed)
    track: str       # its track's title
    kind: str        # "added", "removed" or "changed"
    old_title: str | None  # when renamed
    old_grade: int | None  # when it moved grade
    expectations: list[ExpectationChange]
    bands: list[BandChange]
    anchor: str


@dataclass(frozen=True)
class MobilityChange:
    kind: str  # "move-added", "move-removed", "move-floor", "months", "keep-grade", "time-box"
    subject: str  # the track titles it concerns ("IC → Management"), or ""
    before: object
    after: object


@dataclass(frozen=True)
class VersionChanges:
    version: Version
    previous: Version
    levels: list[LevelChange]
    mobility: list[MobilityChange]

    @property
    def empty(self) -> bool:
        return not (self.levels or self.mobility)

    def count(self, kind: str) -> int:
        return sum(1 for change in self.levels if change.kind == kind)


def versions(handbook: Handbook) -> list[Version]:
    """Every version, oldest first: the tags', then the working tree's unless it is the newest
    tag again (the same `version:`, or no `version:` and no change to the ladder)."""
    found = [Version(v.name, v.tag, v.handbook.settings.effective, v.tagged, v.handbook) for v in handbook.earlier]
    if not found:
        return []
    settings = handbook.settings
    current = Version(settings.version or "", None, settings.effective, None, handbook)
    if settings.version is not None and settings.version == found[-1].name:
        return found[:-1] + [current]
    if settings.version is None and compare(found[-1], current).empty:
        return found
    return found + [current]


def changelog(handbook: Handbook) -> list[VersionChanges]:
    """What each version changed against the one before, newest first."""
    listed = versions(handbook)
    return [compare(before, after) for before, after in zip(listed, listed[1:])][::-1]


def last_change(entries: list[VersionChanges], level_id: str) -> tuple[VersionChanges, LevelChange] | None:
    """The newest version that changed a level, and how: what its page says it was "changed in"."""
    for entry in entries:
        for change in entry.levels:
            if change.level.id == level_id and change.kind != "removed":
                return entry, change
    return None


def compare(previous: Version, version: Version) -> VersionChanges:
    old, new = previous.handbook, version.handbook
    levels: list[LevelChange] = []
    for track in new.tracks:
        for level in sorted(track.levels, key=lambda lv: -lv.grade):  # highest grade first
            before = old.level_by_id.get(level.id)
            change = _level_change(version, old, new, before, level, track.title)
            if change is not None:
                levels.append(change)
    for track in old.tracks:
        for level in sorted(track.levels, key=lambda lv: -lv.grade):
            if level.id not in new.level_by_id:
                levels.append(LevelChange(level, track.title, "removed", None, None, [], [],
                                          f"{version.anchor}-{level.id}"))
    return VersionChanges(version, previous, levels, _mobility_changes(old, new))


def _level_change(version: Version, old: Handbook, new: Handbook, before: Level | None,
                  after: Level, track: str) -> LevelChange | None:
    anchor = f"{version.anchor}-{after.id}"
    if before is None:
        return LevelChange(after, track, "added", None, None, [], [], anchor)
    titles = {c.id: c.title for c in old.competencies} | {c.id: c.title for c in new.competencies}
    comp_ids = [c.id for c in new.competencies] + [c.id for c in old.competencies if c.id not in new.competency_by_id]
    expectations = []
    for comp_id in comp_ids:
        diff = diff_expectations(comp_id, before.expectations.get(comp_id, []), after.expectations.get(comp_id, []))
        found = ([ExpectationChange(titles[comp_id], "added", None, e) for e in diff.added]
                 + [ExpectationChange(titles[comp_id], "grown", b, a) for b, a in diff.grown]
                 + [ExpectationChange(titles[comp_id], "reworded", b, a) for b, a in diff.reworded + diff.maybe]
                 + [ExpectationChange(titles[comp_id], "removed", e, None) for e in diff.not_restated])
        expectations += found
    bands = []
    for zone in new.zones:
        was = old.band_for(before, old.zone_by_id[zone.id]) if zone.id in old.zone_by_id else None
        now = new.band_for(after, zone)
        if _numbers(was) != _numbers(now):
            bands.append(BandChange(zone, was, now))
    renamed = before.title if before.title != after.title else None
    regraded = before.grade if before.grade != after.grade else None
    if not (expectations or bands or renamed or regraded is not None):
        return None
    return LevelChange(after, track, "changed", renamed, regraded, expectations, bands, anchor)


def _mobility_changes(old: Handbook, new: Handbook) -> list[MobilityChange]:
    changes: list[MobilityChange] = []
    was, now = old.mobility, new.mobility
    title = {t.id: t.title for t in old.tracks} | {t.id: t.title for t in new.tracks}
    old_moves = {(m.from_track, m.to_track): m for m in (was.moves if was else [])}
    new_moves = {(m.from_track, m.to_track): m for m in (now.moves if now else [])}
    for key, move in new_moves.items():
        subject = f"{title[key[0]]} → {title[key[1]]}"
        if key not in old_moves:
            changes.append(MobilityChange("move-added", subject, None, move.min_grade))
        elif old_moves[key].min_grade != move.min_grade:
            changes.append(MobilityChange("move-floor", subject, old_moves[key].min_grade, move.min_grade))
    changes += [MobilityChange("move-removed", f"{title[key[0]]} → {title[key[1]]}", move.min_grade, None)
                for key, move in old_moves.items() if key not in new_moves]
    months = (was.min_months_between_switches if was else None, now.min_months_between_switches if now else None)
    if months[0] != months[1]:
        changes.append(MobilityChange("months", "", *months))
    if was and now and was.keep_grade != now.keep_grade:
        changes.append(MobilityChange("keep-grade", "", was.keep_grade, now.keep_grade))
    for track in new.tracks:
        before = old.track_by_id.get(track.id)
        if before is not None and before.time_box_months != track.time_box_months:
            changes.append(MobilityChange("time-box", track.title, before.time_box_months, track.time_box_months))
    return changes


def version_warnings(handbook: Handbook) -> list[Problem]:
    """What `check` warns about the working tree's version against the one before it (a tag's
    content is history, fixed): taking effect before it, or bands changed under an old date."""
    listed = versions(handbook)
    if len(listed) < 2 or listed[-1].tag is not None:
        return []
    previous, current = listed[-2], listed[-1]
    problems = []
    settings = handbook.settings
    if current.effective and previous.effective and current.effective < previous.effective:
        problems.append(Problem(settings.source.file, 1, 1, f"version {current.name or '(untagged)'} takes effect on "
                                f"{current.effective}, before {previous.name} ({previous.effective}); expected an "
                                "`effective:` date no earlier than the previous version's", "warning"))
    for change in compare(previous, current).levels:
        for band in change.bands:
            if band.before and band.after and band.after.as_of <= band.before.as_of:
                problems.append(Problem(band.after.source.file, band.after.source.line, 1,
                                        f"the band of {change.level.id} in {band.zone.id} changed since "
                                        f"{previous.name} but its as_of ({band.after.as_of}) did not; expected a "
                                        "newer as_of with the new numbers", "warning"))
    return problems


def _mid(band: Band | None) -> float:
    assert band is not None
    return band.mid if band.mid is not None else (band.min + band.max) / 2


def _numbers(band: Band | None) -> tuple[float, float, float | None] | None:
    return (band.min, band.max, band.mid) if band else None
