"""Places component: every GPE/LOC entity (and nationality adjective) geocoded from the offline gazetteer.

Names are ambiguous ("Paris", "Georgia", "Palestine", "Dublin"), so candidates are ranked by a prior
(population, and kind: a country or state outranks a town of the same name) plus the article's own
context, which local news leans on heavily:

- names that are unambiguous (a clear prior winner) fix the context first: countries, first-order
  divisions ("Texas") and points;
- an explicit qualifier right after the name ("Paris, Tenn.", "Perth, Australia") decides outright;
- otherwise a candidate gains for lying in a country or division the article names, and for lying
  near the article's other places (the dateline counts double).

Regions get their representative point and no GeoNames id.  Demonyms ("Syrian") name their country.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from ...records import Article, Entity, Mention, Place
from ..entities import NOT_NAME_WORDS
from ..gazetteer import Gazetteer, GeoEntry, get_gazetteer, haversine_km

log = logging.getLogger(__name__)

PLACE_TYPES = {"GPE", "LOC"}
NEAR_KM = 250.0
CLEAR_MARGIN = 2.0  # prior lead (log10 units) that makes a name unambiguous on its own
KIND_BONUS = {"country": 3.0, "admin1": 1.5, "region": 3.0, "continent": 3.0, "subregion": 1.5, "sea": 1.5,
              "admin2": 0.5, "city": 0.0}
CAPITAL_BONUS = 2.5
COMMON_WORDS = {"North", "South", "East", "West", "Central", "Northern", "Southern", "Eastern", "Western",
                "Northeast", "Northwest", "Southeast", "Southwest", "Federal", "March", "May", "June", "July",
                "August", "Monday", "Friday", "Sunday", "As", "Of", "The", "Delta", "Gulf", "Union", "Mary"}
_NOT_A_PLACE_AFTER = re.compile(r"\s*(?:virus|fever|disease|flu|ebolavirus|encephalitis)\b", re.I)
_QUALIFIER = re.compile(r",\s*((?:[A-Z][\w.'’\-]*\.?)(?:\s+[A-Z][\w.'’\-]*\.?){0,3})")


@dataclass
class _Context:
    """What the article has established so far: countries, divisions and points, with weights."""

    countries: Counter = field(default_factory=Counter)
    admin1: Counter = field(default_factory=Counter)  # admin1 entry id -> weight
    points: list[tuple[float, float, float]] = field(default_factory=list)

    def add(self, g: GeoEntry, gaz: Gazetteer, weight: float = 1.0) -> None:
        if g.country:
            self.countries[g.country] += weight
        a1 = _admin1_id(g, gaz)
        if a1:
            self.admin1[a1] += weight
        if g.kind in {"city", "admin2", "admin1"}:
            self.points.append((g.lat, g.lon, weight))


def _admin1_id(g: GeoEntry, gaz: Gazetteer) -> str | None:
    if g.kind == "admin1":
        return g.id
    if g.admin1 and g.country:
        e = gaz.admin1_names.get((g.country, g.admin1))
        return e.id if e is not None else None
    return None


def prior(c: GeoEntry) -> float:
    """How likely a name means this place with no context: population, kind, national capital."""
    return math.log10(c.population + 10) + KIND_BONUS.get(c.kind, 0.0) + (CAPITAL_BONUS if c.capital else 0.0)


def _candidates(ent: Entity, gaz: Gazetteer, text: str | None) -> list[GeoEntry]:
    if text and all(_NOT_A_PLACE_AFTER.match(text, m.end) for m in ent.mentions):
        return []  # "West Nile virus", "Marburg fever": a name, not a place mention
    seen: dict[str, GeoEntry] = {}
    for form in [ent.name] + [m.text for m in ent.mentions]:
        hits = gaz.lookup(form)
        bare = _DIVISION_TAIL.sub("", form)
        if not hits and bare != form:  # "Idlib province", "Anbar governorate": the division itself
            hits = [e for e in gaz.lookup(bare) if e.kind in {"admin1", "admin2"}] or gaz.lookup(bare)
        for e in hits:
            if e.kind in {"city", "admin2"} and e.name in COMMON_WORDS:
                continue
            seen.setdefault(e.id, e)
    cs = list(seen.values())
    towns = {(c.country, c.admin1, c.name) for c in cs if c.kind == "city"}
    # a city-county ("Paris", "Torun") is one place: keep the town, whose point is the usual one
    return [c for c in cs if not (c.kind == "admin2" and (c.country, c.admin1, c.name) in towns)]


_DIVISION_TAIL = re.compile(r"\s+(?:province|governorate|region|district|state|oblast|prefecture)$")


def _unanimous(cs: list[GeoEntry], ctx: _Context, gaz: Gazetteer) -> None:
    """Every reading of an ambiguous name lies in one country (or division): that much is known."""
    countries = {c.country for c in cs}
    if len(countries) == 1 and None not in countries:
        ctx.countries[next(iter(countries))] += 0.5
        a1 = {_admin1_id(c, gaz) for c in cs}
        if len(a1) == 1 and None not in a1:
            ctx.admin1[next(iter(a1))] += 0.5


def _qualified(c: GeoEntry, quals: list[GeoEntry], gaz: Gazetteer) -> bool:
    """"Paris, Tenn.": the candidate lies in the division or country named right after it."""
    for q in quals:
        if q.kind == "country" and c.country == q.country and c.kind != "country":
            return True
        if q.kind == "admin1" and c.country == q.country and _admin1_id(c, gaz) == q.id:
            return True
        if q.kind == "admin2" and c.kind == "city" and c.admin2 == q.admin2 and c.country == q.country:
            return True
    return False


def _qualifiers(ent: Entity, text: str | None, gaz: Gazetteer) -> list[GeoEntry]:
    if not text:
        return []
    out: list[GeoEntry] = []
    for m in ent.mentions:
        q = _QUALIFIER.match(text, m.end, m.end + 40)
        if q is None:
            continue
        words = q.group(1)
        for cut in range(len(words.split()), 0, -1):  # "Tenn. on Monday" -> "Tenn."
            hits = [h for h in gaz.lookup(" ".join(words.split()[:cut]))
                    if h.kind in {"country", "admin1", "admin2"}]
            if hits:
                out.extend(hits)
                break
    return out


def _score(c: GeoEntry, ctx: _Context, gaz: Gazetteer, qualified: bool) -> float:
    s = prior(c)
    if qualified:
        s += 8.0
    if c.country and ctx.countries.get(c.country):
        s += 1.5 + min(2.0, 0.5 * ctx.countries[c.country])
    a1 = _admin1_id(c, gaz)
    if a1 and c.kind != "admin1" and ctx.admin1.get(a1):
        s += 2.0 + min(2.0, 0.5 * ctx.admin1[a1])
    if c.kind in {"city", "admin2"}:
        near = sum(w for lat, lon, w in ctx.points if haversine_km(c.lat, c.lon, lat, lon) <= NEAR_KM)
        s += min(4.0, 1.5 * near)
    return s


def _dateline_entry(dateline: str | None, gaz: Gazetteer) -> GeoEntry | None:
    if not dateline:
        return None
    hits = gaz.lookup(dateline.title()) or gaz.lookup(dateline)
    if not hits:
        return None
    cities = [h for h in hits if h.kind == "city"]  # a dateline names a city ("NEW YORK" is the city)
    return max(cities or hits, key=prior)


def geocode(entities: list[Entity], *, gaz: Gazetteer | None = None, dateline: str | None = None,
            demonyms: list[str] | None = None, text: str | None = None) -> list[Place]:
    """Places of the GPE/LOC ``entities`` (one per entity, in order) and of demonym NORP entities.

    ``text`` (the article text the mentions point into) enables qualifiers such as "Paris, Tenn.".
    """
    gaz = gaz or get_gazetteer()
    ents = [e for e in entities if e.type in PLACE_TYPES
            and not (text and all(_NOT_A_PLACE_AFTER.match(text, m.end) for m in e.mentions))]
    cands = {id(e): _candidates(e, gaz, text) for e in ents}
    weak: set[int] = set()
    if text:
        ents, weak = _toponym_evidence(ents, cands, entities, text)
    ctx = _Context()
    for code in demonyms or []:
        ctx.countries[code] += 1
    chosen: dict[int, GeoEntry] = {}
    dl = _dateline_entry(dateline, gaz)
    if dl is not None:
        ctx.add(dl, gaz, 2.0)
    first_start = min((m.start for e in ents for m in e.mentions), default=0)
    quals = {id(e): _qualifiers(e, text, gaz) for e in ents}
    for e in ents:  # pass 1: names with a clear winner fix the context
        cs = sorted(cands[id(e)], key=prior, reverse=True)
        if not cs or quals[id(e)] or id(e) in weak and not _strong(cs[0]):
            continue
        margin = CLEAR_MARGIN if cs[0].kind != "city" else 2.5 * CLEAR_MARGIN  # towns share names
        if len(cs) == 1 or prior(cs[0]) - prior(cs[1]) >= margin:
            top = cs[0]
            if dl is not None and any(m.start == first_start and m.text.isupper() for m in e.mentions):
                top = dl
            chosen[id(e)] = top
            ctx.add(top, gaz, float(min(3, len(e.mentions))))
    for e in ents:
        if id(e) not in chosen and len(cands[id(e)]) > 1:
            _unanimous(cands[id(e)], ctx, gaz)
    for e in ents:  # pass 2: the rest, in context, in reading order
        if id(e) in chosen or not cands[id(e)]:
            continue
        q = quals[id(e)]
        best = max(cands[id(e)], key=lambda c: _score(c, ctx, gaz, _qualified(c, q, gaz)))
        if id(e) in weak and not (_qualified(best, q, gaz) or _in_context(best, ctx, gaz)):
            continue  # a first name or an everyday word: a place only where the article backs it
        chosen[id(e)] = best
        ctx.add(best, gaz)
    out = []
    for e in ents:
        g = chosen.get(id(e))
        if g is None and id(e) in weak:
            continue
        out.append(_place(g, e.name, e.mentions) if g is not None else Place(name=e.name, mentions=list(e.mentions)))
    if text:
        _add_embedded(out, entities, text, ctx, gaz)
    _add_demonyms(out, entities, gaz)
    return out


STRONG_KINDS = {"country", "admin1", "region", "continent", "subregion", "sea"}
_GLUE_WORD = re.compile(r"[A-Z][\w'’\-]*")


def _toponym_evidence(ents: list[Entity], cands: dict[int, list[GeoEntry]], entities: list[Entity],
                      text: str) -> tuple[list[Entity], set[int]]:
    """Keep what the text supports as a toponym; mark first names and everyday words as weak.

    - A mention glued to other capitalised words that are not titles ("Bethnal Green", "Scotland
      Yard") is part of a longer name: unless the name itself is a country, division or region, that
      mention is not a place (the place would come from a piece of another name).
    - A one-word name that is the first name of a person of the article ("Paul" of Paul Ronalds,
      "Vladimir") or an everyday word ("Save", "Human", "Gulf") is *weak*: placed only where the
      article backs it (a qualifier, or its country already named).
    """
    first_names = {e.name.split()[0] for e in entities if e.type == "PERSON" and len(e.name.split()) >= 2}
    person_starts = {m.start for e in entities if e.type == "PERSON" for m in e.mentions}
    keep: list[Entity] = []
    weak: set[int] = set()
    for e in ents:
        cs = cands[id(e)]
        strong = any(_strong(c) for c in cs)
        if not strong:
            mentions = [m for m in e.mentions if not _glued(text, m, person_starts)]
            if not mentions:
                continue
            e = Entity(name=e.name, type=e.type, roles=e.roles, mentions=mentions)
            cands[id(e)] = cs
        word = e.name
        if " " not in word and (word in first_names or _everyday(word, text)):
            if not strong or word in first_names and not any(c.kind == "country" for c in cs):
                weak.add(id(e))
        keep.append(e)
    return keep, weak


def _strong(c: GeoEntry) -> bool:
    """A country, region, sea or populous first-order division: a name that stands on its own."""
    return c.kind in STRONG_KINDS - {"admin1"} or c.kind == "admin1" and c.population >= STRONG_ADMIN1_POP


STRONG_ADMIN1_POP = 200_000


def _glued(text: str, m: Mention, person_starts: set[int]) -> bool:
    """Whether the mention is a piece of a longer name: the tail of a capitalised run ("Bethnal
    Green", "Palmers Green"), or a first name before a person's surname ("Paul Ronalds").  A place
    heading a longer name ("Evansville Federal Credit Union", "Fargo Police") still names the place."""
    from ..entities import roles as R

    if text[m.end:m.end + 1] == " " and m.end + 1 in person_starts:
        return True
    if m.start >= 2 and text[m.start - 1] == " ":
        j = m.start - 1
        i = j
        while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "'’-"):
            i -= 1
        word = text[i:j]
        if word[:1].isupper() and i > 0 and text[max(0, i - 2):i].strip(" ") not in {".", "\n", ":", "“", '"'} \
                and not R.is_function_word(word) and word not in _LEAD_WORDS and not word.endswith(("'s", "’s")):
            return True
    return False


_LEAD_WORDS = {"The", "In", "At", "From", "To", "Near", "Outside", "Inside", "North", "South", "East", "West",
               "Northern", "Southern", "Eastern", "Western", "Central", "Greater", "Upper", "Lower", "Across",
               "Of", "And", "On", "For", "By", "With", "Like", "Both", "About", "Around"}


def _everyday(word: str, text: str) -> bool:
    """An everyday word ("Green", "Save"): the article writes it in lower case too.  (Word-frequency
    lists fold case: "chicago" is as frequent as "green" there, so they cannot tell.)"""
    low = word.lower()
    if low == word or not word.isalpha():
        return False
    return re.search(rf"(?<![\w-]){re.escape(low)}(?![\w-])", text) is not None


def _in_context(c: GeoEntry, ctx: _Context, gaz: Gazetteer) -> bool:
    """The article already names this candidate's division, or its country more than once, or a point near it."""
    a1 = _admin1_id(c, gaz)
    if a1 and ctx.admin1.get(a1):
        return True
    if c.country and ctx.countries.get(c.country, 0) >= 2:
        return True
    return any(haversine_km(c.lat, c.lon, lat, lon) <= NEAR_KM for lat, lon, _ in ctx.points)


_WORD = re.compile(r"[A-Z][\w'’.\-]*")
EMBED_MIN_POP = 20_000
EMBED_KINDS = {"ORG": {"country", "admin1", "admin2", "city"}, "FAC": {"country", "admin1", "admin2", "city"},
               "PERSON": {"admin2"}}
# Inside another name a place must say it is one: a division word ("Licking County"), or "of/in/at"
# before it ("University of Pennsylvania"); a town's name as a modifier ("Save the Children",
# "Scotland Yard", "Ain Issa") is no evidence.
_DIVISION_WORD = re.compile(r"\b(?:County|Parish|District|Province|Governorate|Region|Oblast|Prefecture|State|"
                            r"Township|City|Borough)$")
_PLACE_PREP = re.compile(r"(?:\bof|\bin|\bat|\bfor)\s+(?:the\s+)?$")


def _add_embedded(out: list[Place], entities: list[Entity], text: str, ctx: _Context, gaz: Gazetteer) -> None:
    """Places named inside other names: "University of Pennsylvania", "Licking County Prosecutor ...".

    Only divisions (and, in organisations, countries and towns) count; a person's own name never does.
    """
    by_id: dict[tuple, Place] = {(p.kind, p.lat, p.lon): p for p in out if p.lat is not None}
    for e in entities:
        kinds = EMBED_KINDS.get(e.type)
        if not kinds:
            continue
        for m in e.mentions:
            words = list(_WORD.finditer(text, m.start, m.end))
            i = 0
            while i < len(words):
                hit = None
                for j in range(min(len(words), i + 4), i, -1):
                    s0, e0 = words[i].start(), words[j - 1].end()
                    sub = text[s0:e0]
                    if ((s0, e0) == (m.start, m.end) or re.search(r"[^\w\s'’.\-]", sub)
                            or sub in COMMON_WORDS or NOT_NAME_WORDS.fullmatch(sub)):
                        continue
                    nxt = _GLUE_WORD.match(text, e0 + 1) if text[e0:e0 + 1] == " " else None
                    said = (_DIVISION_WORD.search(sub) or _PLACE_PREP.search(text, max(m.start, s0 - 12), s0)
                            or e.type != "PERSON" and nxt is not None and NOT_NAME_WORDS.fullmatch(nxt.group()))
                    if not said and not (e.type != "PERSON" and any(_strong(c) for c in gaz.lookup(sub))):
                        continue
                    cs = [c for c in gaz.lookup(sub) if c.kind in kinds
                          and not (c.kind == "city" and c.population < EMBED_MIN_POP)]
                    if cs:
                        hit = (s0, e0, j, max(cs, key=lambda c: _score(c, ctx, gaz, False)))
                        break
                if hit is None:
                    i += 1
                    continue
                s0, e0, i, g = hit
                p = by_id.get((g.kind, g.lat, g.lon))
                if p is None:
                    p = by_id[(g.kind, g.lat, g.lon)] = _place(g, g.name, [])
                    out.append(p)
                p.mentions.append(Mention(text[s0:e0], s0, e0))
                p.mentions.sort(key=lambda x: x.start)


def _add_demonyms(out: list[Place], entities: list[Entity], gaz: Gazetteer) -> None:
    """"Syrian" is a mention of Syria: it joins the country's place, or makes one."""
    by_id = {p.geonameid: p for p in out if p.kind == "country" and p.geonameid}
    for e in entities:
        if e.type != "NORP":
            continue
        code = gaz.demonym(e.name)
        g = gaz.country_of(code) if code else None
        if g is None:
            continue
        p = by_id.get(g.geonameid)
        if p is None:
            p = by_id[g.geonameid] = _place(g, g.name, [])
            out.append(p)
        p.mentions = sorted(p.mentions + list(e.mentions), key=lambda m: m.start)


def _place(g: GeoEntry, name: str, mentions: list[Mention]) -> Place:
    gid = g.geonameid if g.id.startswith("geonames:") else None
    country = g.country if g.kind not in {"region", "continent", "sea"} else None
    return Place(name=g.name if g.kind == "country" else name, country=country, lat=g.lat, lon=g.lon,
                 geonameid=gid, mentions=list(mentions), kind=g.kind)


def annotate(doc, article: Article) -> None:
    """Fill ``article.places`` from the place entities already on the article."""
    gaz = get_gazetteer()
    dem = [c for e in article.entities if e.type == "NORP" for c in [gaz.demonym(e.name)] if c]
    article.places = geocode(article.entities, gaz=gaz, dateline=article.dateline, demonyms=dem,
                             text=article.text)
