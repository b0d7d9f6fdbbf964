"""Stage 1: read a handbook folder into raw documents that remember their line numbers.

Nothing here judges the content; it only reads it. Every problem found while reading
(unreadable bytes, broken YAML, missing front matter) is collected, not raised, so the
author sees them all at once together with what validation finds next.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, TypeVar

from ladderdocs.errors import Problem, display_path
from ladderdocs.source.document import Document
from ladderdocs.source.history import page_dates

# Control characters are invalid in HTML: refused in files (tab, newlines and form feed aside).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
MAX_FILE_BYTES = 2_000_000  # per YAML or Markdown file: refused before it is read (the example's largest is 25 KB)

T = TypeVar("T")
# How one file is read: (path, parse, problems) -> parse(path, problems). serve passes one that
# keeps what it parsed and reuses it while the file is unchanged. A page's path is text (see
# markdown_files), any other file's a Path.
Reader = Callable[[Any, Callable[[Any, "list[Problem]"], T], "list[Problem]"], T]


def read_fresh(path: str | Path, parse: Callable[[Any, list[Problem]], T], problems: list[Problem]) -> T:
    return parse(path, problems)


@dataclass
class PageSource:
    """A Markdown page: front matter as a Document, and the body with its first line."""

    rel: str  # path under pages/, posix, e.g. "guides/promotion.md"
    meta: Document
    body: str
    body_line: int
    front: str = ""  # the front matter as written: a build whose pages changed in their bodies alone reads no YAML


@dataclass
class RawHandbook:
    root: Path
    handbook: Document | None
    competencies: Document | None
    tracks: list[Document]
    comp: Document | None
    mobility: Document | None
    pages: list[PageSource]
    assets: list[str]  # posix paths under assets/
    problems: list[Problem]
    page_dates: dict[str, dt.date] = field(default_factory=dict)  # rel -> its last commit's date (history.py)
    check_in: Document | None = None  # ladder/check-in.yml: the check-in page's questions (optional)

    def documents(self) -> list[tuple[Document, str]]:
        """Every YAML document read, with the schema kind it is checked against."""
        found = [(self.handbook, "handbook"), (self.competencies, "competencies"),
                 *((doc, "track") for doc in self.tracks), (self.comp, "comp"), (self.mobility, "mobility"),
                 *((page.meta, "page") for page in self.pages), (self.check_in, "check_in")]
        return [(doc, kind) for doc, kind in found if doc is not None]


def load_handbook(root: Path, read: Reader = read_fresh,
                  dates: Callable[[Path], dict[str, dt.date]] = page_dates) -> RawHandbook:
    """Read every file the content contract names; collect what cannot be read. `dates` tells
    when each page last changed (history.py; serve passes one that remembers)."""
    problems: list[Problem] = []
    ladder = root / "ladder"
    pages_dir = root / "pages"
    inside = _InsideCheck(root, problems)

    def optional(path: Path) -> Document | None:
        present = path.is_file() or path.is_symlink()  # a link that leads nowhere is reported, not skipped
        return read(path, read_yaml, problems) if present and inside(path) else None

    def page(path: str, found: list[Problem]) -> PageSource | None:
        return read_page(Path(path), pages_dir, found)  # a Path only for a file parsed anew

    handbook_file = root / "handbook.yml"
    if not (handbook_file.is_file() or handbook_file.is_symlink()):
        problems.append(Problem(display_path(handbook_file), 1, 1,
                                "handbook.yml is missing; expected the handbook's settings file"))
    tracks_dir = ladder / "tracks"
    track_files = [f for f in sorted(tracks_dir.glob("*.yml")) + sorted(tracks_dir.glob("*.yaml")) if inside(f)]
    if not track_files:
        problems.append(Problem(display_path(tracks_dir), 1, 1,
                                "no track files; expected at least one ladder/tracks/<id>.yml"))
    pages = [p for p in (read(f, page, problems) for f in inside.walked(pages_dir, markdown_files(pages_dir)))
             if p is not None]
    assets_dir = root / "assets"
    assets = [rel.as_posix() for rel, path in asset_files(assets_dir) if inside(path)]
    return RawHandbook(
        root=root,
        handbook=optional(handbook_file),
        competencies=optional(ladder / "competencies.yml"),
        tracks=[d for d in (read(f, read_yaml, problems) for f in track_files) if d is not None],
        comp=optional(ladder / "comp.yml"),
        mobility=optional(ladder / "mobility.yml"),
        pages=pages,
        assets=assets,
        problems=problems,
        page_dates=dates(pages_dir),
        check_in=optional(ladder / "check-in.yml"),
    )


def markdown_files(folder: Path) -> list[tuple[str, bool]]:
    """(path, is it a link) of every *.md file below `folder`, in path order. Hidden files
    and folders (editors' .#faq.md, .faq.md.swp) are no pages; linked folders are not
    entered. One directory read per folder tells all that, where pathlib stats each file
    twice (serve reads a 2,000-page handbook on every edit); each path is the text of
    `folder / rel`, as making 2,000 Paths would cost more than the reading."""
    found: list[tuple[tuple[str, ...], bool]] = []

    def walk(directory: str, parts: tuple[str, ...]) -> None:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, parts + (entry.name,))
                elif entry.name.endswith(".md") and (entry.is_symlink() or entry.is_file()):
                    found.append((parts + (entry.name,), entry.is_symlink()))  # a broken link is reported

    if folder.is_dir():
        walk(str(folder), ())
    base = str(folder)
    return [("/".join((base, *parts)), link) for parts, link in sorted(found)]


def asset_files(folder: Path) -> list[tuple[PurePosixPath, Path]]:
    """(path under assets/, file) of every file to publish, in path order. Hidden files and
    folders (`.env`, `.git/`, an editor's `.logo.svg.swp`) are never published; linked folders
    are not entered (a linked file is judged by where it leads)."""
    found = []
    if folder.is_dir():
        for directory, folders, files in os.walk(folder):
            folders[:] = sorted(f for f in folders if not f.startswith("."))
            base = Path(directory)
            found += [(PurePosixPath(base.relative_to(folder).as_posix(), name), base / name)
                      for name in files if not name.startswith(".")]
    return sorted(found)


class _InsideCheck:
    """Refuses a file that is a symbolic link (or lies in a linked folder) leading out of
    the handbook: the build must never copy ~/.ssh/id_rsa into a published site because a
    pull request added `assets/key -> ~/.ssh/id_rsa`. Links within the handbook are fine."""

    def __init__(self, root: Path, problems: list[Problem]):
        self.root = root.resolve()
        self.problems = problems
        self.folders: dict[Path, Path] = {}  # resolving each of 2,000 pages' folders again costs
        self.inside: dict[Path, bool] = {}   # and so does joining and comparing 2,000 paths

    def walked(self, folder: Path, files: list[tuple[str, bool]]) -> list[str]:
        """The files of a walk of `folder` that may be read. The walk enters no linked folder,
        so a file that is no link lies in the handbook when `folder` does: one folder is
        resolved, not each file's; each link is judged alone."""
        if folder.resolve().is_relative_to(self.root):
            return [path for path, link in files if not link or self(Path(path), True)]
        return [path for path, link in files if self(Path(path), link)]

    def __call__(self, path: Path, is_link: bool | None = None) -> bool:
        if path.is_symlink() if is_link is None else is_link:
            if not path.exists():  # False for a loop too: every later read would fail
                self.problems.append(Problem(display_path(path), 1, 1, "is a symbolic link that leads to no file "
                                                                      "(to itself, in a loop or to a missing file); "
                                                                      "expected a file, or a link to one in the handbook"))
                return False
            target = path.resolve()
        else:
            folder = path.parent
            if folder not in self.folders:
                self.folders[folder] = folder.resolve()
                self.inside[folder] = self.folders[folder].is_relative_to(self.root)
            if self.inside[folder]:  # a file, not a link, in a folder inside the handbook
                return True
            target = self.folders[folder] / path.name
        if target.is_relative_to(self.root):
            return True
        self.problems.append(Problem(display_path(path), 1, 1,
                                     f"is a link to '{target}', outside the handbook; expected a file "
                                     "inside the handbook folder (copy it in instead)"))
        return False


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """UTF-8 text, or a problem naming the line of the first undecodable byte."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(display_path(path), 1, 1, f"the file is {size:,} bytes; expected at most "
                                                              f"{MAX_FILE_BYTES:,} bytes (split it, or move "
                                                              "large content to assets/)"))
            return None
        raw = path.read_bytes()
    except OSError as err:
        problems.append(Problem(display_path(path), 1, 1, f"cannot be read ({err.strerror}); "
                                                          "expected a readable file"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        problems.append(Problem(display_path(path), line, col,
                                f"byte 0x{raw[err.start]:02x} is not UTF-8; expected a UTF-8 text file"))
        return None
    control = CONTROL.search(text)
    if control:
        offset = control.start()
        line = text.count("\n", 0, offset) + 1
        what = "NUL character" if control.group() == "\x00" else f"control character U+{ord(control.group()):04X}"
        problems.append(Problem(display_path(path), line, offset - text.rfind("\n", 0, offset),
                                f"{what}; expected a text file"))
        return None
    return text


def read_yaml(path: Path, problems: list[Problem]) -> Document | None:
    text = read_text(path, problems)
    if text is None:
        return None
    name = display_path(path)
    if not text.strip():
        problems.append(Problem(name, 1, 1, "file is empty; expected a YAML mapping"))
        return None
    return parse_yaml(text, name, problems)


def parse_yaml(text: str, name: str, problems: list[Problem], line_offset: int = 0) -> Document | None:
    """Parse one YAML document, keeping the position of every key and item (source/yamlparse.py,
    imported here: a build that parses no file never loads PyYAML)."""
    from ladderdocs.source.yamlparse import parse
    return parse(text, name, problems, line_offset)


def read_page(path: Path, pages_dir: Path, problems: list[Problem]) -> PageSource | None:
    """Split a Markdown page into its YAML front matter and its body."""
    text = read_text(path, problems)
    if text is None:
        return None
    name = display_path(path)
    rel = path.relative_to(pages_dir).as_posix()
    parts = split_page(text)
    if parts is None:
        first = text.splitlines()[:1]
        opened = bool(first) and first[0].rstrip() == "---"
        problems.append(Problem(name, 1, 1, "front matter is not closed; expected a second '---' line" if opened else
                                "no front matter; expected the page to start with '---', "
                                "a YAML mapping with at least 'title', and '---'"))
        return None
    front, body, body_line = parts
    meta = parse_yaml(front, name, problems, line_offset=1) if front.strip() else None
    if meta is None:
        if not front.strip():
            problems.append(Problem(name, 2, 1, "front matter is empty; expected at least 'title'"))
        return None
    return PageSource(rel=rel, meta=meta, body=body, body_line=body_line, front=front)


def split_page(text: str) -> tuple[str, str, int] | None:
    """A page's front matter (the lines between its first two '---'), its body and the line the
    body starts on; None when the page does not open with a closed front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    return None if end is None else ("".join(lines[1:end]), "".join(lines[end + 1:]), end + 2)
