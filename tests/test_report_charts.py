"""The volume chart's axes: whole-number ticks, each once, and date labels inside the picture."""

from __future__ import annotations

import re
from datetime import date, timedelta

from wirewatch.report.charts import DATE_LABEL_W, bin_volume, volume_svg

TICK = re.compile(r'<text x="[-0-9.]+" y="[-0-9.]+" text-anchor="end" class="tick">(\d+)</text>')
LABEL = re.compile(r'<text x="([-0-9.]+)" y="[-0-9.]+" text-anchor="(\w+)" class="tick">(\d{4}-\d\d-\d\d)</text>')


def days(n: int, stories: int = 1) -> list[dict]:
    start = date(2031, 4, 1)
    return [{"day": (start + timedelta(days=i)).isoformat(), "stories": stories, "copies": stories}
            for i in range(n)]


def test_ticks_are_distinct_whole_numbers():
    for peak in (1, 2, 3, 7, 40):
        ticks = TICK.findall(volume_svg(bin_volume(days(3, stories=peak))))
        assert len(ticks) == len(set(ticks)) and ticks[0] == "0" and ticks[-1] == str(peak), (peak, ticks)


def test_date_labels_stay_inside_the_chart():
    width = 900
    for n in (1, 9, 17, 31, 60):
        labels = LABEL.findall(volume_svg(bin_volume(days(n)), width=width))
        assert labels
        for x, anchor, _ in labels:
            x = float(x)
            lo, hi = {"middle": (x - DATE_LABEL_W / 2, x + DATE_LABEL_W / 2), "end": (x - DATE_LABEL_W, x),
                      "start": (x, x + DATE_LABEL_W)}[anchor]
            assert lo >= 0 and hi <= width, (n, x, anchor)
