"""The framework's earlier versions as models: each git tag read, validated and modelled once.

serve asks on every edit; a tag's object id names its content for good, so a version is read
from git once per object id and kept. Without a repository or a matching tag nothing is read,
and `note` says why (once: the CLI prints it, it never fails a build).
"""

from __future__ import annotations

from dataclasses import replace

from ladderdocs.model.build import build_model
from ladderdocs.model.entities import EarlierVersion, Handbook
from ladderdocs.source.validate import validate
from ladderdocs.source.versions import DEFAULT_TAGS, Repository, Tag, read_tag, repository, tags


class VersionReader:
    """Earlier versions of one handbook for one audience, kept per tag object id."""

    def __init__(self, audience: str):
        self.audience = audience
        self._read: dict[str, EarlierVersion | str] = {}  # tag object id -> its version, or why it is left out

    def __call__(self, handbook: Handbook) -> tuple[tuple[EarlierVersion, ...], list[str]]:
        """The earlier versions, oldest first, and what to tell the author: why there are none,
        or which tag could not be read. Nothing is said to a handbook that declares no version."""
        settings = handbook.settings
        declared = settings.version is not None or settings.effective is not None or settings.version_tags is not None
        pattern = settings.version_tags or DEFAULT_TAGS
        repo = repository(handbook.root)
        if repo is None:
            return (), [f"{settings.source.file}: no changes/ page: the handbook is not in a git repository, "
                        "where earlier versions are read from tags"] if declared else []
        found = tags(repo, pattern)
        if not found:
            return (), [f"{settings.source.file}: no changes/ page: no git tag matches '{pattern}' "
                        "(tag each released version, e.g. git tag framework-v1)"] if declared else []
        earlier, notes = [], []
        for tag in found:
            version = self._version(repo, tag)
            if isinstance(version, str):
                notes.append(version)
            else:
                earlier.append(version)
        return tuple(earlier), notes

    def _version(self, repo: Repository, tag: Tag) -> EarlierVersion | str:
        key = f"{repo.top}:{repo.prefix}:{tag.name}:{tag.object_id}"
        if key not in self._read:
            self._read[key] = self._model(repo, tag)
        return self._read[key]

    def _model(self, repo: Repository, tag: Tag) -> EarlierVersion | str:
        raw = read_tag(repo, tag)
        if isinstance(raw, str):
            return f"changes/ leaves out {raw}"
        # only its ladder files are read: what validation says of pages or assets it lacks does not count
        errors = [p for p in validate(raw) if p.severity == "error" and p.file.startswith(f"{tag.name}:")]
        if errors:
            return (f"changes/ leaves out tag {tag.name}: its ladder does not validate ({errors[0]}"
                    f"{f' and {len(errors) - 1} more' if len(errors) > 1 else ''})")
        handbook = build_model(raw, self.audience)
        return EarlierVersion(tag.name, tag.tagged, replace(handbook, earlier=()))
