"""A parsed YAML document that remembers where each value sits in its file: what the loader
(source/load.py), the YAML parser (source/yamlparse.py) and every later stage share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ladderdocs.errors import Problem

Key = str | int
Position = tuple[int, int]

# Control characters are invalid in HTML: refused in files (tab, newlines and form feed
# aside) and in YAML strings written with escapes ("\x1b", "\ud800"), with lone surrogates.
UNSHOWABLE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")
MAX_VALUES = 200_000  # a YAML file expanding (through aliases) past this is refused
MAX_TEXT_CHARS = 20_000  # per YAML string: a summary or an expectation, not a book


@dataclass
class Document:
    """Parsed YAML plus where each value sits in its file."""

    name: str
    data: Any
    positions: dict[tuple[Key, ...], Position] = field(default_factory=dict)  # of each key and item
    text_lines: dict[tuple[Key, ...], int] = field(default_factory=dict)  # first line of each scalar's text

    def where(self, *path: Key) -> Position:
        """The position of `path`, or of its nearest ancestor that has one."""
        keys = tuple(path)
        while keys:
            if keys in self.positions:
                return self.positions[keys]
            keys = keys[:-1]
        return self.positions.get((), (1, 1))

    def text_line(self, *path: Key) -> int:
        """The line a scalar's text starts on (the line after `key: |`), else where() says."""
        return self.text_lines.get(tuple(path)) or self.where(*path)[0]

    def problem(self, path: tuple[Key, ...], message: str, severity: str = "error") -> Problem:
        line, col = self.where(*path)
        return Problem(self.name, line, col, message, severity)
