"""Coverage-volume charts: binning shared by the renderers, and an inline SVG bar chart.

Stories and copies are drawn side by side so a reader sees at a glance how much of the coverage
is one story syndicated many times (tall copies bar, short stories bar) and how much is news.
Every label is escaped: the SVG goes straight into the HTML report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Any

MAX_BINS = 60


@dataclass(slots=True)
class Bin:
    start: date
    end: date  # inclusive
    stories: int
    copies: int

    @property
    def label(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()}…{self.end.isoformat()}"


def bin_volume(volume: list[dict[str, Any]], *, max_bins: int = MAX_BINS) -> list[Bin]:
    """Days (gaps filled with zeros), grouped into weeks or months when the span is long."""
    days = [(date.fromisoformat(str(v["day"])[:10]), int(v["stories"]), int(v["copies"]))
            for v in volume if v.get("day")]
    if not days:
        return []
    first, last = days[0][0], days[-1][0]
    span = (last - first).days + 1
    if span <= max_bins:
        step = "day"
    elif span <= max_bins * 7:
        step = "week"
    else:
        step = "month"
    bins: dict[date, Bin] = {}
    for d in _range(first, last, step):
        bins[d] = Bin(d, _end(d, step), 0, 0)
    for d, s, c in days:
        b = bins[_start(d, step)]
        b.stories += s
        b.copies += c
    return list(bins.values())


def _start(d: date, step: str) -> date:
    if step == "week":
        return d - timedelta(days=d.weekday())
    if step == "month":
        return d.replace(day=1)
    return d


def _end(d: date, step: str) -> date:
    if step == "week":
        return d + timedelta(days=6)
    if step == "month":
        nxt = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
        return nxt - timedelta(days=1)
    return d


def _range(first: date, last: date, step: str):
    d = _start(first, step)
    while d <= last:
        yield d
        d = _end(d, step) + timedelta(days=1)


DATE_LABEL_W = 68  # a YYYY-MM-DD tick label at 11px, in viewBox units


def volume_svg(bins: list[Bin], *, width: int = 900, height: int = 220) -> str:
    """Grouped bar chart (stories, copies per bin) as an inline SVG string."""
    if not bins:
        return ""
    left, right, top, bottom = 40, 10, 14, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(max(b.copies, b.stories) for b in bins) or 1
    slot = plot_w / len(bins)
    bar = max(1.0, slot * 0.4)
    out = [(f'<svg class="chart" viewBox="0 0 {width} {height}" '
            'role="img" aria-label="Coverage volume: stories and copies over time">')]
    for value in dict.fromkeys((0, peak // 2 if peak >= 4 else 0, peak)):  # whole numbers, each once
        y = top + plot_h * (1 - value / peak)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" class="tick">{value}</text>')
    every = max(1, len(bins) // 8)
    for i, b in enumerate(bins):
        x = left + i * slot + (slot - 2 * bar) / 2
        for j, (value, cls) in enumerate(((b.stories, "stories"), (b.copies, "copies"))):
            h = plot_h * value / peak
            tip = escape(f"{b.label}: {b.stories} stories, {b.copies} copies")
            out.append(f'<rect class="{cls}" x="{x + j * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" '
                       f'height="{h:.1f}"><title>{tip}</title></rect>')
        if i % every == 0:
            tx, anchor = left + i * slot + slot / 2, "middle"
            half = DATE_LABEL_W / 2  # a date label must not run past either edge of the chart
            if tx + half > width - right:
                tx, anchor = width - right, "end"
            elif tx - half < 0:
                tx, anchor = 0, "start"
            out.append(f'<text x="{tx:.1f}" y="{height - bottom + 14}" text-anchor="{anchor}" class="tick">'
                       f'{escape(b.start.isoformat())}</text>')
    ly = height - 12
    out.append(f'<rect class="stories" x="{left}" y="{ly - 9}" width="10" height="10"/>'
               f'<text x="{left + 14}" y="{ly}" class="tick">stories (copies of one story count once)</text>')
    out.append(f'<rect class="copies" x="{left + 290}" y="{ly - 9}" width="10" height="10"/>'
               f'<text x="{left + 304}" y="{ly}" class="tick">copies</text>')
    out.append("</svg>")
    return "".join(out)


def text_bars(bins: list[Bin], *, width: int = 40) -> list[str]:
    """One line per bin for a terminal: label, stories bar, counts."""
    if not bins:
        return []
    peak = max(b.copies for b in bins) or 1
    lines = []
    for b in bins:
        s = round(width * b.stories / peak)
        c = max(0, round(width * b.copies / peak) - s)
        lines.append(f"{b.label:<23} {'#' * s}{'.' * c} {b.stories} stories / {b.copies} copies")
    return lines
