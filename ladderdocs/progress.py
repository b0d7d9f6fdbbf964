"""What a build tells the person waiting for it: the stage it is in, and how far along.

The pipeline reports to a `Progress` it is handed (site.py); it never looks at a terminal
itself. `Silent` is the default; the command line passes a `StageReport`, which times the
stages for `--verbose` and, on a terminal, keeps one updating line on stderr once a build
has taken longer than a second.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Protocol, TextIO


class Progress(Protocol):
    def stage(self, name: str, total: int = 0, unit: str = "") -> None:
        """A new stage starts (the last one ends); `total` items of `unit` to go through."""

    def advance(self, count: int = 1) -> None:
        """`count` more items of the current stage are done."""


class Silent:
    """Progress nobody watches: `check` from code, serve's rebuilds, tests."""

    def stage(self, name: str, total: int = 0, unit: str = "") -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass


@dataclass
class _Stage:
    name: str
    total: int
    unit: str
    started: float
    done: int = 0
    seconds: float | None = None  # once it has ended


class StageReport:
    """Times each stage, and on a terminal draws `ladderdocs: rendering 640/2231 pages` on one
    line (carriage return, no colour), redrawn at most every `interval` seconds and only after
    `delay` seconds: a quick build prints nothing extra. `finish()` wipes the line."""

    def __init__(self, stream: TextIO, live: bool, delay: float = 1.0, interval: float = 0.1,
                 clock: Callable[[], float] = time.perf_counter):
        self.stream = stream
        self.live = live
        self.delay = delay
        self.interval = interval
        self.clock = clock
        self.began = clock()
        self.stages: list[_Stage] = []
        self._drawn_at: float | None = None
        self._width = 0

    def stage(self, name: str, total: int = 0, unit: str = "") -> None:
        now = self.clock()
        self._close(now)
        self.stages.append(_Stage(name, total, unit, now))
        self._draw(now, force=True)

    def advance(self, count: int = 1) -> None:
        if self.stages:
            self.stages[-1].done += count
            self._draw(self.clock())

    def finish(self) -> None:
        """The last stage ends; the progress line, if drawn, is wiped for what is printed next."""
        self._close(self.clock())
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def timings(self) -> list[str]:
        """One line per stage: its name, seconds and what it went through (for --verbose)."""
        return [f"  {s.name:<10} {s.seconds or 0:6.2f}s" + (f"  {s.total or s.done:,} {s.unit}" if s.unit else "")
                for s in self.stages]

    def _close(self, now: float) -> None:
        if self.stages and self.stages[-1].seconds is None:
            self.stages[-1].seconds = now - self.stages[-1].started

    def _draw(self, now: float, force: bool = False) -> None:
        if not self.live or now - self.began < self.delay:
            return
        if not force and self._drawn_at is not None and now - self._drawn_at < self.interval:
            return
        current = self.stages[-1]
        count = f" {current.done:,}/{current.total:,} {current.unit}" if current.total and current.unit else ""
        text = f"ladderdocs: {current.name}{count}"
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = max(self._width, len(text))
        self._drawn_at = now
