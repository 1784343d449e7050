"""Places component: every GPE/LOC entity geocoded from the offline gazetteer.

Names are ambiguous ("Paris", "Georgia", "Ottawa"), so candidates are ranked with the article's own
context: first the names that are unambiguous (countries, regions, single candidates) fix a set of
countries and points; then each ambiguous name prefers a candidate in those countries, near those
points (the dateline counts double), of a higher kind (country > division > city) and larger
population.  Regions get their representative point and no GeoNames id.
"""

from __future__ import annotations

import logging
import math
from collections import Counter

from ..records import Article, Entity, Place
from .gazetteer import Gazetteer, GeoEntry, get_gazetteer, haversine_km

log = logging.getLogger(__name__)

PLACE_TYPES = {"GPE", "LOC"}
NEAR_KM = 400.0


def _candidates(ent: Entity, gaz: Gazetteer) -> list[GeoEntry]:
    seen: dict[str, GeoEntry] = {}
    for form in [ent.name] + [m.text for m in ent.mentions]:
        for e in gaz.lookup(form):
            seen.setdefault(e.id, e)
    return list(seen.values())


def _score(c: GeoEntry, countries: Counter, points: list[tuple[float, float, float]]) -> float:
    s = math.log10(c.population + 10)
    if c.kind != "city":
        s += 2.0
    if c.country and countries.get(c.country):
        s += 3.0 + min(2.0, 0.5 * countries[c.country])
    for lat, lon, w in points:
        if haversine_km(c.lat, c.lon, lat, lon) <= NEAR_KM:
            s += 1.5 * w
    return s


def geocode(entities: list[Entity], *, gaz: Gazetteer | None = None,
            dateline: str | None = None, demonyms: list[str] | None = None) -> list[Place]:
    """Places of the GPE/LOC ``entities`` (one ``Place`` per entity, in order of first mention)."""
    gaz = gaz or get_gazetteer()
    ents = [e for e in entities if e.type in PLACE_TYPES]
    cands = {id(e): _candidates(e, gaz) for e in ents}
    countries: Counter = Counter(demonyms or [])
    points: list[tuple[float, float, float]] = []
    chosen: dict[int, GeoEntry] = {}
    first_start = min((m.start for e in ents for m in e.mentions), default=0)
    for e in ents:  # pass 1: unambiguous names fix the context
        cs = cands[id(e)]
        if not cs:
            continue
        top = min(cs, key=lambda c: (c.kind == "city", -c.population))
        if len(cs) == 1 or top.kind in {"country", "region", "continent", "subregion", "sea"}:
            chosen[id(e)] = top
            weight = 2.0 if any(m.text.isupper() and m.start == first_start for m in e.mentions) else 1.0
            if top.country:
                countries[top.country] += len(e.mentions) * weight
            if top.kind in {"city", "admin1"}:
                points.append((top.lat, top.lon, weight))
    if dateline:
        d = gaz.best(dateline.title()) or gaz.best(dateline)
        if d is not None:
            points.append((d.lat, d.lon, 2.0))
            if d.country:
                countries[d.country] += 2
    for e in ents:  # pass 2: the rest, in context
        if id(e) in chosen or not cands[id(e)]:
            continue
        best = max(cands[id(e)], key=lambda c: _score(c, countries, points))
        chosen[id(e)] = best
        if best.country:
            countries[best.country] += 1
    out = []
    for e in ents:
        g = chosen.get(id(e))
        if g is None:
            out.append(Place(name=e.name, mentions=list(e.mentions)))
            continue
        gid = g.geonameid if g.id.startswith("geonames:") else None
        country = g.country if g.kind not in {"region", "continent", "sea"} else None
        out.append(Place(name=g.name if g.kind == "country" else e.name, country=country, lat=g.lat, lon=g.lon,
                         geonameid=gid, mentions=list(e.mentions), kind=g.kind))
    return out


def annotate(doc, article: Article) -> None:
    """Fill ``article.places`` from the place entities already on the article."""
    gaz = get_gazetteer()
    dem = [c for e in article.entities if e.type == "NORP" for c in [gaz.demonym(e.name)] if c]
    article.places = geocode(article.entities, gaz=gaz, dateline=article.dateline, demonyms=dem)
