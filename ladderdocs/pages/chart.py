"""Geometry of the parity chart: range bars of pay bands per grade and track, in one zone.

Drawn at build time so the chart needs no JavaScript; the template only places the shapes
computed here. Coordinates are in the SVG's viewBox units and rounded, so the output is
byte-identical from build to build.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ladderdocs.model.entities import Band, Handbook, Level, Track, Zone
from ladderdocs.model.queries import GridRow
from ladderdocs.text.money import format_money

WIDTH = 760
CHAR = 7.2          # rough width of one character of 13-unit system-ui text, for layout only
GRADE_GUTTER = 64   # "Grade 12" column
BAR_HEIGHT = 16
BAR_GAP = 6
ROW_PAD = 10        # above and below the bars of one grade
LEGEND_LINE = 24
AXIS_HEIGHT = 58    # tick labels and the axis title under the plot
RIGHT_PAD = 52      # half the widest tick label, so the last one is not cut


@dataclass(frozen=True)
class Bar:
    level: Level
    track: Track
    band: Band
    series: int       # colour class: the track's position among the tracks
    y: float
    x_min: float
    x_max: float
    x_mid: float | None

    @property
    def width(self) -> float:
        return max(self.x_max - self.x_min, 2.0)

    @property
    def height(self) -> int:
        return BAR_HEIGHT

    @property
    def text_y(self) -> float:
        """Baseline of the level's label, centred on the bar."""
        return self.y + BAR_HEIGHT - 4


@dataclass(frozen=True)
class Row:
    grade: int
    top: float
    bottom: float

    @property
    def middle(self) -> float:
        return round((self.top + self.bottom) / 2, 1)


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class LegendItem:
    track: Track
    series: int
    x: float
    y: float  # top of the item's swatch


@dataclass(frozen=True)
class Chart:
    zone: Zone
    width: int
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    rows: list[Row]
    bars: list[Bar]
    ticks: list[Tick]
    legend: list[LegendItem]

    @property
    def axis_x(self) -> float:
        return round((self.plot_left + self.plot_right) / 2, 1)


def nice_step(span: float, count: int) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `count` intervals."""
    raw = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _ticks(low: float, high: float, zone: Zone, plot_width: float) -> tuple[float, float, list[float]]:
    """The axis domain (the data, padded a little) and as many round ticks inside it as fit
    without their labels colliding."""
    pad = (high - low) * 0.03 or max(abs(high) * 0.05, 1)
    start, end = max(low - pad, 0), high + pad
    values: list[float] = []
    for count in range(6, 1, -1):
        step = nice_step(end - start, count)
        values = [round(i * step, 6) for i in range(math.ceil(start / step), math.floor(end / step) + 1)]
        widest = max((len(format_money(v, zone.currency, zone.locale)) for v in values), default=0) * CHAR
        if len(values) < 2 or plot_width * step / (end - start) >= widest + 12:
            break
    return start, end, values


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
    longest = max(len(level.title) for _, bars in placed for _, _, level, _ in bars)
    plot_left = round(GRADE_GUTTER + min(longest, 30) * CHAR + 14, 1)
    plot_right = WIDTH - RIGHT_PAD
    low = min(band.min for _, bars in placed for *_, band in bars)
    high = max(band.max for _, bars in placed for *_, band in bars)
    start, end, values = _ticks(low, high, zone, plot_right - plot_left)

    def x(amount: float) -> float:
        return round(plot_left + (amount - start) / (end - start) * (plot_right - plot_left), 1)

    shown = [(series, track) for series, track in enumerate(handbook.tracks)
             if any(t is track for _, bars_at in placed for _, t, _, _ in bars_at)]
    legend, lx, ly = [], 0.0, 0.0
    for series, track in shown:  # one line of swatches, wrapping when the tracks do not fit
        item_width = 22 + len(track.title) * CHAR + 24
        if lx and lx + item_width > WIDTH:
            lx, ly = 0.0, ly + LEGEND_LINE
        legend.append(LegendItem(track, series, lx, ly))
        lx += item_width
    plot_top = ly + LEGEND_LINE + 26  # room for the heading of the label column

    rows, bars, y = [], [], plot_top
    for grade, members in placed:
        top = y
        y += ROW_PAD
        for series, track, level, band in members:
            bars.append(Bar(level, track, band, series, y, x(band.min), x(band.max),
                            x(band.mid) if band.mid is not None else None))
            y += BAR_HEIGHT + BAR_GAP
        y += ROW_PAD - BAR_GAP
        rows.append(Row(grade, top, y))
    return Chart(
        zone=zone, width=WIDTH, height=y + AXIS_HEIGHT, plot_left=plot_left, plot_right=plot_right,
        plot_top=plot_top, plot_bottom=y, rows=rows, bars=bars,
        ticks=[Tick(x(v), format_money(v, zone.currency, zone.locale)) for v in values], legend=legend)

