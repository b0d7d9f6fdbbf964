"""A level edit's own pages, written before the full rebuild (as a prose body edit's are, site.py
`quick_pages`).

A full rebuild after a level edit reads, checks and models the whole handbook again (2,000
pages take most of its 200 ms). When one track file changed and only the words of its levels
did (summary, scope, examples: no id, title, grade, expectation or line moved), the levels'
own pages depend on nothing else that changed: they are rendered from the last model with
that track modelled again from its file, and the open pages reload to them at once. The full
rebuild follows, renders them again and has the last word; anything in doubt (a problem
reading, checking or rendering, any other change) leaves this to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ladderdocs.errors import Problem
from ladderdocs.model.build import with_track
from ladderdocs.model.deps import changed_deps
from ladderdocs.pages.facts import Facts
from ladderdocs.pages.levels import level_job
from ladderdocs.site import Pipeline, Site
from ladderdocs.source.load import read_yaml
from ladderdocs.source.schema import check_schema

TRACK_FILES = (".yml", ".yaml")  # what source/load.py reads in ladder/tracks/


def level_pages(pipeline: Pipeline, last: Site, paths: Iterable[Path]) -> dict[str, bytes]:
    """The pages of the levels whose words alone changed in the one track file of `paths`; empty
    whenever anything else may have changed or anything is in doubt."""
    tracks = pipeline.content / "ladder" / "tracks"
    read = [path for path in paths  # an editor's temporary file beside the track (saved by rename) is never read
            if not (path.parent == tracks and path.suffix not in TRACK_FILES and not path.is_dir())]
    if len(read) != 1 or read[0].parent != tracks or read[0].suffix not in TRACK_FILES or read[0].is_symlink():
        return {}  # a link may lead out of the handbook: the full rebuild tells
    found: list[Problem] = []
    doc = read_yaml(read[0], found)
    if doc is None or found or check_schema(doc, "track"):
        return {}
    try:
        handbook = with_track(last.handbook, doc)
    except (KeyError, TypeError, ValueError, IndexError):  # what validation would reject: the full rebuild says so
        return {}
    changed = changed_deps(last.handbook, handbook)
    if not changed or any(dep[0] != "level" for dep in changed):
        return {}
    facts = Facts(handbook)
    facts.carry(last.facts, changed)
    engine = pipeline._engine(handbook)  # as quick_pages does: its templates are compiled already
    pages = {job.path: engine.render(job) for job in (level_job(facts, handbook.level_by_id[dep[1]])
                                                       for dep in sorted(changed))}
    return {} if engine.problems else pages
