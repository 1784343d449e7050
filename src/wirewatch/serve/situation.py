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
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from .. import validation as check
from ..report import Report, build_report
from ..report.charts import bin_volume, volume_svg

log = logging.getLogger(__name__)


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
    q = check.query(query, "query", required=True)
    since, until = check.period(since, until)
    new_since = check.date(new_since, "new_since")
    return build_report(cur, q, since=since, until=until, new_since=new_since, now=now)


def page(cur: duckdb.DuckDBPyConnection, query: str | None, *, since: str | None = None,
         until: str | None = None, new_since: str | None = None) -> SituationPage:
    rep = report(cur, query, since=since, until=until, new_since=new_since)
    bins = bin_volume(rep.volume)
    return SituationPage(rep, map_svg=_map(rep.places, frame=region(rep.places, rep.match.get("country"))),
                         chart_svg=volume_svg(bins) if bins else "", bins=len(bins))


def region(places: list[dict[str, Any]], country: str | None) -> list[dict[str, Any]]:
    """The places that make the situation's region, to frame the map on: those in the situation's
    country when it names one; else the places named by at least a quarter as many stories as the
    most named one (a capital abroad mentioned once does not stretch the map to a world view)."""
    located = [p for p in places if p.get("lat") is not None and p.get("lon") is not None]
    if country:
        own = [p for p in located if p.get("country") == country]
        if own:
            return own
    peak = max((int(p.get("stories") or 0) for p in located), default=0)
    return [p for p in located if int(p.get("stories") or 0) * 4 >= peak]


def _map(places: list[dict[str, Any]], *, frame: list[dict[str, Any]] | None = None) -> str:
    if not any(p.get("lat") is not None and p.get("lon") is not None for p in places):
        return ""
    try:
        from ..report.worldmap import map_svg
    except ImportError as exc:  # pragma: no cover - the report stage ships it
        log.warning("no map: %s", exc)
        return ""
    return map_svg(places, frame=frame)
