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


_LIST_GOES_ON = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)[A-Z]")  # "Pennsylvania and California"
_STATE_OF = re.compile(r"\b(?:[Ss]tate|[Pp]rovince) of\s+$")
_STATE_AFTER = re.compile(r"\s+(?:[Ss]tate|[Pp]rovince)\b(?!\s+(?:[Dd]epartment|[Uu]niversity|[Cc]ollege))")


def _qualifiers(ent: Entity, text: str | None, gaz: Gazetteer) -> list[GeoEntry]:
    if not text:
        return []
    own_kinds = {c.kind for c in gaz.lookup(ent.name)} & {"country", "admin1"}
    out: list[GeoEntry] = []
    for m in ent.mentions:
        if _STATE_OF.search(text, max(0, m.start - 12), m.start) or _STATE_AFTER.match(text, m.end):
            out.extend(c for c in gaz.lookup(ent.name) if c.kind == "admin1")  # "the state of Washington"
        q = _QUALIFIER.match(text, m.end, m.end + 40)
        if q is None:
            continue
        words = q.group(1)
        for cut in range(len(words.split()), 0, -1):  # "Tenn. on Monday" -> "Tenn."
            hits = [h for h in gaz.lookup(" ".join(words.split()[:cut])) if h.kind in {"admin1", "admin2", "country"}]
            listed = {h.kind for h in hits} & own_kinds
            goes_on = _LIST_GOES_ON.match(text, q.start(1) + len(" ".join(words.split()[:cut])))
            if "country" in listed or listed and goes_on:
                # "China, Japan and Korea", "Washington, Pennsylvania and California": a country before
                # a country (a state before a state, the list going on) is a list, not "Paris, France" or
                # "Santa Ana, California": the name is of that kind (a listed country needs no help: its
                # prior already wins, and it keeps fixing the context)
                out.extend(c for c in gaz.lookup(ent.name) if c.kind in listed - {"country"})
                break
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
    if text:
        ents += _retyped(entities, text, gaz)
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
    first_pass: set[int] = set()
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
            if top is not dl:
                first_pass.add(id(e))
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
    if text:
        _second_look(ents, cands, chosen, first_pass, quals, entities, text, gaz)
    _revise(ents, cands, chosen, first_pass, demonyms or [], gaz)
    out = []
    for e in ents:
        g = chosen.get(id(e))
        if g is None and id(e) in weak:
            continue
        name = e.name
        if g is not None and g.kind != "country" and e.mentions and all(m.text != name for m in e.mentions):
            name = Counter(m.text for m in e.mentions).most_common(1)[0][0]  # "Palestine" the town, not the territory
        out.append(_place(g, name, e.mentions) if g is not None else Place(name=name, mentions=list(e.mentions)))
    if text:
        _add_embedded(out, entities, text, ctx, gaz)
    _add_demonyms(out, entities, gaz)
    return out


def _sentence(text: str, pos: int) -> tuple[int, int]:
    a = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos), text.rfind("? ", 0, pos), text.rfind("! ", 0, pos))
    ends = [i for i in (text.find(". ", pos), text.find("\n", pos), text.find("? ", pos)) if i >= 0]
    return a + 1, min(ends, default=len(text))


def _second_look(ents: list[Entity], cands: dict[int, list[GeoEntry]], chosen: dict[int, GeoEntry],
                 first_pass: set[int], quals: dict[int, list[GeoEntry]], entities: list[Entity], text: str,
                 gaz: Gazetteer) -> None:
    """Names read in context are read again once every place of the article is known.

    Reading order hides what comes later: in "grew up in Manchester, then moved to Liverpool", the
    town's neighbour is named after it.  Each name settled in context is scored again against all the
    article's other places (its own reading left out), and the places and nationality words of its
    own sentence count for their country: a story that names the United States throughout still
    means Manchester, England where British places and words surround the name.
    """
    words: list[tuple[int, str]] = []
    for e in entities:
        code = gaz.demonym(e.name) if e.type == "NORP" else None
        if code:
            words += [(m.start, code) for m in e.mentions]
    for e in [e for _ in range(2) for e in ents]:  # twice: a changed reading changes its neighbours'
        if id(e) not in chosen or id(e) in first_pass or len(cands[id(e)]) < 2:
            continue
        picks = {id(x): (chosen[id(x)], float(min(3, len(x.mentions)))) for x in ents if id(x) in chosen}
        local = words + [(m.start, g.country) for x in ents if id(x) in chosen
                         for g in [chosen[id(x)]] if g.country for m in x.mentions]
        q = quals[id(e)]
        if any(_qualified(c, q, gaz) for c in cands[id(e)]):
            continue
        ctx = _Context()
        for k, (g, w) in picks.items():
            if k != id(e):
                ctx.add(g, gaz, w)
        own = {m.start for m in e.mentions}
        near: Counter = Counter()
        for m in e.mentions:
            a, b = _sentence(text, m.start)
            near.update(code for pos, code in local if a <= pos < b and pos not in own)
        best = max(cands[id(e)], key=lambda c: _score(c, ctx, gaz, False) + min(2.0, 1.0 * near.get(c.country, 0)))
        if best.country == chosen[id(e)].country or near.get(best.country, 0):
            chosen[id(e)] = best  # another country only on the word of the name's own sentence


def _revise(ents: list[Entity], cands: dict[int, list[GeoEntry]], chosen: dict[int, GeoEntry],
            first_pass: set[int], demonyms: list[str], gaz: Gazetteer) -> None:
    """A well-known place gives way to a homonym only where the article's region points to it.

    "Palestine" in a story about East Texas towns, "London" among Ontario towns, "Paris" beside
    Tennessee: the famous reading won on its prior alone, yet nothing else in the article supports
    it (no other place in its country or near it), while the homonym lies in a division the article
    names or among the article's other places.  The article's *country* alone is not enough (a story
    naming the United States many times may still speak of Manchester, England): the support must
    be regional (the same first-order division, or within ``NEAR_KM`` of other places).
    """
    picks = [(id(e), g, float(min(3, len(e.mentions)))) for e in ents for g in [chosen.get(id(e))] if g is not None]
    for e in ents:
        top = chosen.get(id(e))
        if id(e) not in first_pass or top is None or top.kind not in {"country", "city"}:
            continue
        others = [(g, w) for k, g, w in picks if k != id(e) and g is not top]
        if _support(top, others, demonyms, gaz) > 0:
            continue
        alts = [c for c in cands[id(e)] if c is not top and c.kind in {"city", "admin2"}]
        scored = [(_support(c, others, [], gaz), prior(c), c) for c in alts]
        scored = [t for t in scored if t[0] >= 2.0]
        if scored:
            chosen[id(e)] = max(scored, key=lambda t: (t[0], t[1]))[2]


def _support(c: GeoEntry, others: list[tuple[GeoEntry, float]], demonyms: list[str], gaz: Gazetteer) -> float:
    """How much the article's other places back ``c``: its country (for a country), else its region."""
    if c.kind == "country":
        return sum(w for g, w in others if g.country == c.country) + demonyms.count(c.country or "")
    a1 = _admin1_id(c, gaz)
    s = sum(w for g, w in others if a1 and _admin1_id(g, gaz) == a1)
    s += sum(w for g, w in others if g.kind in {"city", "admin2"}
             and haversine_km(c.lat, c.lon, g.lat, g.lon) <= NEAR_KM)
    return s


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


RETYPE_FROM = {"ORG", "PERSON", "NORP", "PRODUCT", "FAC", "WORK_OF_ART"}
# "in Kentford", "near Butte", "the town of Calais": the word before a mention says it is a place
_LOCATIVE = re.compile(r"(?:\b(?:[Ii]n|[Aa]t|[Nn]ear|[Ff]rom|[Tt]o|[Oo]utside|[Ii]nto|[Aa]cross|[Tt]owards?|[Aa]round|"
                       r"[Vv]ia|[Tt]hrough|[Bb]etween|[Ii]nside)|\b(?:town|city|village|capital|county|province|"
                       r"region|state|district|suburb|port|island) of)\s+$")


def _retyped(entities: list[Entity], text: str, gaz: Gazetteer) -> list[Entity]:
    """Names the tagger typed as persons, organisations or products that the text uses as places.

    The statistical tagger often types a town it does not know as a person or an organisation
    ("rerouted to Butte", "a family at Kentford", "in Dadaab").  Such an entity becomes a place when
    its whole name is in the gazetteer, it is nobody's first name or surname in the article, and a
    mention is introduced as a place: a locative preposition before it ("in", "near", "the town of")
    or a division or country right after it ("Sevierville, Tenn.").  A country or populous division
    typed as an organisation ("the Democratic Republic of the Congo") is a place on its name alone.
    """
    names = {w for e in entities if e.type == "PERSON" and len(e.name.split()) >= 2
             for w in e.name.replace("-", " ").split()}
    out: list[Entity] = []
    rest: list[Entity] = []
    for e in entities:
        if e.type not in RETYPE_FROM or e.name in names or e.name in COMMON_WORDS:
            continue
        if e.type == "NORP" and gaz.demonym(e.name):
            continue
        if NOT_NAME_WORDS.search(e.name) or not e.name[:1].isupper():
            continue
        cs = gaz.lookup(e.name, fold=e.name.isupper() and len(e.name) > 3)
        if not cs:
            continue
        strong = any(_strong(c) and c.kind != "admin1" for c in cs) and e.type != "PERSON"
        said = [m for m in e.mentions if _LOCATIVE.search(text, max(0, m.start - 20), m.start)
                or _DIVISION_AFTER.match(text, m.end)
                or any(q.kind in {"country", "admin1"} for q in _qual_after(text, m.end, gaz))]
        if strong or said:
            out.append(Entity(name=e.name, type="GPE", roles=list(e.roles), mentions=list(e.mentions)))
        else:
            rest.append(e)
    # "the villages of Ceamurlia de Jos, Maliuc and Caraorman": a name listed after a place is one too
    ends = {m.end for e in entities if e.type in PLACE_TYPES for m in e.mentions}
    ends |= {m.end for e in out for m in e.mentions}
    for _ in range(3):
        more = [e for e in rest if any(_LIST_GLUE.match(text[max(0, m.start - 6):m.start])
                                       and m.start - len(_LIST_GLUE.match(text[max(0, m.start - 6):m.start]).group(1))
                                       in ends for m in e.mentions)]
        if not more:
            break
        for e in more:
            rest.remove(e)
            out.append(Entity(name=e.name, type="GPE", roles=list(e.roles), mentions=list(e.mentions)))
            ends |= {m.end for m in e.mentions}
    return out


_DIVISION_AFTER = re.compile(r" (?:province|provinces|region|regions|district|districts|county|governorate|"
                             r"prefecture|state|municipality|village|town|city|area|valley)\b")
_LIST_GLUE = re.compile(r".*?((?:, |,? and |,? or ))$", re.S)


def _qual_after(text: str, end: int, gaz: Gazetteer) -> list[GeoEntry]:
    q = _QUALIFIER.match(text, end, end + 40)
    if q is None:
        return []
    words = q.group(1).split()
    for cut in range(len(words), 0, -1):
        hits = gaz.lookup(" ".join(words[:cut]))
        if hits:
            return hits
    return []


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
                          and not (c.kind == "city" and c.population < EMBED_MIN_POP
                                   and not (said and _in_context(c, ctx, gaz)))]
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
    admin1 = g.admin1 if g.kind in {"city", "admin1", "admin2"} else None
    return Place(name=g.name if g.kind == "country" else name, country=country, lat=g.lat, lon=g.lon,
                 geonameid=gid, mentions=list(mentions), kind=g.kind, admin1=admin1)


def annotate(doc, article: Article) -> None:
    """Fill ``article.places`` from the place entities already on the article."""
    gaz = get_gazetteer()
    dem = [c for e in article.entities if e.type == "NORP" for c in [gaz.demonym(e.name)] if c]
    article.places = geocode(article.entities, gaz=gaz, dateline=article.dateline, demonyms=dem,
                             text=article.text)
