"""The situation page: the report stage's ``build_report`` on the current snapshot, in the app.

There is one implementation of a situation (``report.build_report``); the web app only adapts
its pictures to the app's page: the report's map and volume chart are inline SVG written for a
standalone file, so here (1) the map's inline ``style`` attributes become SVG presentation
attributes (the app's Content-Security-Policy forbids inline styles, and the browser would
refuse them with a console error) and (2) place labels that would overlap a label of a place
with more stories are dropped (the circle and its tooltip stay).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from ..errors import UsageError
from ..report import Report, build_report
from ..report.charts import bin_volume, volume_svg
from .views import BadRequest, check_date, check_query

log = logging.getLogger(__name__)

_STYLE = re.compile(r' style="fill-opacity:([0-9.]+)"')
_LABEL = re.compile(r'<text class="label" x="([-0-9.]+)" y="([-0-9.]+)">([^<]*)</text>')
CHAR_W, LABEL_H = 6.6, 13.0  # an estimate of a 12px label's glyph width and line height


@dataclass(slots=True)
class SituationPage:
    """The report and its pictures, ready for the template (cached per snapshot)."""

    report: Report
    map_svg: str
    chart_svg: str
    bins: int


def report(cur: duckdb.DuckDBPyConnection, query: str | None, *, since: str | None = None,
           until: str | None = None, new_since: str | None = None, now: datetime | None = None) -> Report:
    """The situation report on ``query``, live on the snapshot behind ``cur``."""
    q = check_query(query)
    if not q:
        raise BadRequest("a situation needs a query (a name, place, event type or keywords)")
    dates = {name: check_date(value, name) for name, value in
             (("since", since), ("until", until), ("new_since", new_since))}
    try:
        return build_report(cur, q, since=dates["since"], until=dates["until"], new_since=dates["new_since"],
                            now=now)
    except UsageError as exc:
        raise BadRequest(str(exc)) from exc


def page(cur: duckdb.DuckDBPyConnection, query: str | None, *, since: str | None = None,
         until: str | None = None, new_since: str | None = None) -> SituationPage:
    rep = report(cur, query, since=since, until=until, new_since=new_since)
    bins = bin_volume(rep.volume)
    return SituationPage(rep, map_svg=_map(rep.places), chart_svg=volume_svg(bins) if bins else "", bins=len(bins))


def _map(places: list[dict[str, Any]]) -> str:
    if not any(p.get("lat") is not None and p.get("lon") is not None for p in places):
        return ""
    try:
        from ..report.worldmap import map_svg
    except ImportError as exc:  # pragma: no cover - the report stage ships it
        log.warning("no map: %s", exc)
        return ""
    return declutter(csp_safe(map_svg(places)))


def csp_safe(svg: str) -> str:
    """Inline ``style="fill-opacity:..."`` as the equivalent SVG attribute (allowed by the CSP)."""
    return _STYLE.sub(r' fill-opacity="\1"', svg)


def declutter(svg: str) -> str:
    """Drop place labels that overlap a label drawn later (later = more stories: the map draws
    places from the fewest stories to the most) or the previous kept labels."""
    found = list(_LABEL.finditer(svg))
    kept: list[tuple[float, float, float, float]] = []
    drop: set[int] = set()
    for i in range(len(found) - 1, -1, -1):
        m = found[i]
        x, y, text = float(m.group(1)), float(m.group(2)), m.group(3)
        box = (x, y - LABEL_H + 3, x + CHAR_W * len(_unescape(text)), y + 3)
        if any(_overlap(box, k) for k in kept):
            drop.add(i)
        else:
            kept.append(box)
    if not drop:
        return svg
    out, last = [], 0
    for i, m in enumerate(found):
        if i in drop:
            out.append(svg[last:m.start()])
            last = m.end()
    out.append(svg[last:])
    return "".join(out)


def _unescape(text: str) -> str:
    return re.sub(r"&(#\d+|#x[0-9a-fA-F]+|\w+);", "x", text)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
