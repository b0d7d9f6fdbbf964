"""Geometry of the parity chart: range bars of pay bands per grade and track, in one zone.

The chart is HTML: every label and value is real text at body size, so it reads on a phone as
well as on a desk, and needs no pointer. Only the bars are drawn, each as a small SVG stretched
to the width of the chart, with positions in thousandths of the axis (`x` 0-1000): the strict
CSP allows no inline style, and attributes of an SVG need none. Positions are rounded, so the
output is byte-identical from build to build.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ladderdocs.model.entities import Band, Handbook, Level, Track, Zone
from ladderdocs.model.queries import GridRow
from ladderdocs.text.money import format_money

SCALE = 1000      # the axis, in the viewBox units of a bar
MAX_INTERVALS = 7
CHAR_PX = 7.7     # about one character of a 14 px tick label, for spacing the labels only
NARROW_PX, WIDE_PX = 288, 560  # the narrowest chart on a phone (320 px) and on a wider screen


@dataclass(frozen=True)
class Bar:
    level: Level
    track: Track
    band: Band
    series: int       # colour class: the track's position among the tracks
    x_min: float
    x_max: float
    x_mid: float | None

    @property
    def width(self) -> float:
        return round(max(self.x_max - self.x_min, 3.0), 1)


@dataclass(frozen=True)
class Row:
    grade: int
    bars: list[Bar]


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    narrow: bool  # its label is shown on a phone
    wide: bool    # its label is shown on a wider screen


@dataclass(frozen=True)
class Chart:
    zone: Zone
    rows: list[Row]
    ticks: list[Tick]
    legend: list[tuple[Track, int]]  # (track, series) of the tracks drawn

    @property
    def bars(self) -> list[Bar]:
        return [bar for row in self.rows for bar in row.bars]


def nice_step(span: float, count: int) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `count` intervals."""
    raw = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def axis(low: float, high: float) -> list[float]:
    """Round tick values from at most `low` to at least `high`: the axis starts and ends on a
    labelled tick, so its labels reach the largest amount drawn."""
    if high <= low:
        high = low + max(abs(low) * 0.1, 1)
    for count in range(MAX_INTERVALS, 1, -1):  # as many ticks as fit in MAX_INTERVALS
        step = nice_step(high - low, count)
        first, last = math.floor(low / step), math.ceil(high / step)
        if last - first <= MAX_INTERVALS:
            break
    return [round(i * step, 6) for i in range(first, last + 1)]


def label_stride(labels: list[str], width: float) -> int:
    """Label every k-th tick, counting down from the last, so that no two labels meet on a chart
    `width` px wide: the end labels sit inside the chart, so a neighbour needs 1.5 labels of room."""
    room = 1.5 * max(len(label) for label in labels) * CHAR_PX + 8
    interval = width / max(len(labels) - 1, 1)
    return max(1, math.ceil(room / interval))


def band_chart(handbook: Handbook, grid: list[GridRow], zone: Zone) -> Chart | None:
    """The chart of every band in `zone`, highest grade at the top; None when there is none."""
    placed = [(row.grade, [(i, cell.track, level, band)
                           for i, cell in enumerate(row.cells)
                           for level in cell.levels
                           if (band := handbook.band_for(level, zone)) is not None])
              for row in grid]
    placed = [(grade, bars) for grade, bars in placed if bars]
    if not placed:
        return None
    values = axis(min(band.min for _, bars in placed for *_, band in bars),
                  max(band.max for _, bars in placed for *_, band in bars))
    start, end = values[0], values[-1]

    def x(amount: float) -> float:
        return round((amount - start) / (end - start) * SCALE, 1)

    rows = [Row(grade, [Bar(level, track, band, series, x(band.min), x(band.max),
                            x(band.mid) if band.mid is not None else None)
                        for series, track, level, band in members])
            for grade, members in placed]
    labels = [format_money(v, zone.currency, zone.locale) for v in values]
    narrow, wide = (label_stride(labels, width) for width in (NARROW_PX, WIDE_PX))
    last = len(values) - 1
    ticks = [Tick(x(v), label, (last - i) % narrow == 0, (last - i) % wide == 0)
             for i, (v, label) in enumerate(zip(values, labels))]
    legend = [(track, series) for series, track in enumerate(handbook.tracks)
              if any(bar.track is track for row in rows for bar in row.bars)]
    return Chart(zone, rows, ticks, legend)
