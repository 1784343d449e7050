"""Second pass over an article's events: complete actors from context, link event nouns.

The first pass (:mod:`.events`) reads each sentence alone, so it leaves actors empty or vague
where the article says more elsewhere:

- a bare role ("the army", "police", "the government") belongs to the country the sentence is
  about (one country among its places) or, for a local story, the story's country; when neither is
  clear the country stays empty (no country is better than a wrong one);
- generic people ("at least 30 people", "thousands of residents") become civilians (protesters in
  a demonstration) of that country, so copies that word them differently code alike;
- an event noun that is the object of another event ("condemned the attack") refers to an event
  reported elsewhere in the article: its perpetrator is the target, when the article names one
  perpetrator for events of that noun;
- an event noun reported without actors ("a coup in August") takes the actors and the finer date
  of the same event reported with them ("the Aug. 18 coup that saw the military seize power"),
  when the dates agree.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from ...records import Actor, Article, Event
from .actors import country_of, normalise_actor, tables

log = logging.getLogger(__name__)

# sectors whose bare role words name a body of the country where the event happens
LOCAL_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "CVL", "OPP", "LAB", "EDU"})
# head words of the state bodies a bare role names ("the army", "police", "the government")
LOCAL_HEADS = frozenset({"police", "army", "military", "government", "troops", "soldiers", "forces", "authorities",
                         "officials", "court", "courts", "judiciary", "ministry", "parliament", "regime", "cabinet",
                         "administration", "state", "navy", "policemen", "officers", "gendarmes", "gendarmerie",
                         "junta", "president", "minister", "governor", "mayor", "officer", "soldier", "judge",
                         "prosecutors", "prosecutor", "legislature", "assembly", "centre", "opposition", "students",
                         "workers", "teachers", "doctors", "nurses", "unions", "union"})
_STATE_WORDS = frozenset({"government", "authorities", "administration", "regime", "state", "cabinet"})
_PEOPLE = frozenset({"people", "civilians", "civilian", "residents", "villagers", "persons", "families",
                     "inhabitants", "locals", "children", "women", "men", "passengers", "worshippers"})
_CROWD = frozenset({"protesters", "protester", "demonstrators", "demonstrator", "marchers", "crowd", "crowds"})
_VICTIMS = re.compile(r"\b(?:people|villages?|homes?|houses?|residents|families|civilians|villagers|towns?|"
                      r"communities|killed|kill(?:ing|s)|dead|deaths?|injur\w+|wounded|displac\w+|"
                      r"evacuat\w+|fled|forc\w+ .{0,30}from their homes|homeless|trapped|missing)\b", re.I)
_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]{1,40}(?:,[^\n—–]{0,60}?)?\s+(?:—|–|--?)\s+")
DISASTERS = frozenset({"NATURAL_DISASTER", "MAN_MADE_DISASTER"})


def dateline_end(text: str) -> int:
    """Length of a leading dateline ("BAMAKO, Mali — "), whose words are no actors of the first sentence."""
    m = _DATELINE.match(text)
    return m.end() if m else 0


@dataclass(slots=True)
class Geo:
    """Where an article's events happen: place mentions with countries, and the story's own country."""

    mentions: list[tuple[int, int, str]]  # (start, end, ISO2) of places with a country
    story: str | None
    skip_before: int = 0  # the dateline prefix

    @classmethod
    def build(cls, article: Article) -> Geo:
        mentions = sorted((m.start, m.end, p.country) for p in article.places if p.country for m in p.mentions)
        skip = dateline_end(article.text)
        return cls(mentions, _story_country(article, mentions, skip), skip)

    def country(self, start: int, end: int) -> str | None:
        """The one country the span [start, end) names places in, else the story's (local stories only)."""
        found = {c for s, e, c in self.mentions if s >= max(start, self.skip_before) and e <= end}
        if len(found) == 1:
            return found.pop()
        return self.story if not found or self.story in found else None


def _story_country(article: Article, mentions: list[tuple[int, int, str]], skip: int) -> str | None:
    """The story's country when the story is local: its dateline's country is also the country
    most of its places are in (a story filed from Ottawa about Mali has none)."""
    line = (article.dateline or "").strip()
    home = None
    if line:
        home = country_of(re.split(r"[(—–]", line)[0])
        if home is None:
            home = next((c for s, e, c in mentions if e <= max(skip, 1) or s < skip), None)
            if home is None:
                key = line.split(",")[0].strip().casefold()
                home = next((p.country for p in article.places if p.country and p.name.casefold() == key), None)
    counts = Counter(c for s, _, c in mentions if s >= skip)
    if not counts:
        return None  # a dateline alone does not say where the story's events happen
    top, n = counts.most_common(1)[0]
    if home is None:
        return top if n >= 2 and all(v < n for c, v in counts.items() if c != top) else None
    return home if counts.get(home, 0) >= n else None


def complete_actor(actor: Actor | None, *, country: str | None, head: str = "", crowd: bool = False,
                   named: bool = False, people_country: str | None = None) -> Actor | None:
    """Give a bare role the country of its event, and generic people one name per role.

    ``head`` is the lower-cased head word of the phrase; ``crowd`` says the event is a demonstration
    (people marching are protesters, whatever the copy calls them); a ``named`` actor (a person
    or organisation) keeps its name and only gains the country.  ``people_country``, when given, is
    the country of generic people ("residents", "civilians"): the places of the trigger's own clause
    say where they are, while a role or a named actor keeps the event's country.
    """
    if actor is None:
        return None
    if head in _PEOPLE or head in _CROWD:
        name = "protesters" if crowd or head in _CROWD else "civilians"
        c = actor.country or people_country or country
        return Actor(_local_name(name, c), country=c, sector="CVL")
    if actor.country or actor.sector not in LOCAL_SECTORS or not country:
        return actor
    if named:
        return Actor(actor.name, country=country, sector=actor.sector)
    words = actor.name.split()
    bare = head in LOCAL_HEADS or words[-1].casefold() in LOCAL_HEADS
    if not bare or any(w[:1].isupper() for w in words[:-1]):
        return actor  # "military analysts", "Kurdish forces": not the state body of the event's country
    if head in _STATE_WORDS or actor.name.casefold() in _STATE_WORDS:
        return Actor(tables().country_name.get(country, country), country=country, sector="GOV")
    return Actor(_local_name(actor.name, country), country=country, sector=actor.sector)


def _local_name(role: str, country: str | None) -> str:
    if not country:
        return role
    return f"{tables().country_name.get(country, country)} {role}"


def victims(text: str, *, country: str | None) -> Actor | None:
    """The affected party of a disaster: civilians of its country, when the sentence says people or
    places were hit."""
    if not _VICTIMS.search(text):
        return None
    return Actor(_local_name("civilians", country), country=country, sector="CVL")


@dataclass(slots=True)
class Found:
    """One extracted event with what linking needs from its parse."""

    event: Event
    cue_lemma: str | None  # lemma of the trigger word ("attack", "coup")
    cue_is_noun: bool
    object_lemma: str | None = None  # an event noun that is this event's object ("condemned the attack")
    extra: dict = field(default_factory=dict)


def _compatible(a: str | None, b: str | None) -> bool:
    return bool(a and b) and (a.startswith(b) or b.startswith(a))


def _agreed_source(cands: list[Found]) -> Actor | None:
    """The perpetrator all candidate reports agree on, else None."""
    actors = [f.event.source for f in cands if f.event.source is not None]
    if not actors or len({normalise_actor(a) for a in actors}) != 1:
        return None
    return actors[0]


def link(found: list[Found]) -> None:
    """Resolve event nouns across the article (in place): targets of reactions and actors of bare mentions."""
    by_lemma: dict[str, list[Found]] = {}
    for f in found:
        if f.cue_lemma:
            by_lemma.setdefault(f.cue_lemma, []).append(f)
    for f in found:
        ev = f.event
        if ev.target is None and f.object_lemma:
            refs = [r for r in by_lemma.get(f.object_lemma, ()) if r is not f]
            perpetrator = _agreed_source(refs)
            if perpetrator is not None and normalise_actor(perpetrator) != normalise_actor(ev.source):
                ev.target = perpetrator
    for f in found:
        ev = f.event
        if ev.source is not None or ev.target is not None or not f.cue_is_noun or not f.cue_lemma:
            continue
        twins = [r for r in by_lemma.get(f.cue_lemma, ()) if r is not f and r.event.plover == ev.plover
                 and (r.event.source or r.event.target) and ev.date_basis == r.event.date_basis == "text"
                 and _compatible(ev.date, r.event.date)]
        keys = {(normalise_actor(r.event.source), normalise_actor(r.event.target)) for r in twins}
        if len(keys) != 1:
            continue
        twin = twins[0].event
        ev.source, ev.target = twin.source, twin.target
        if len(twin.date or "") > len(ev.date or ""):
            ev.date = twin.date
        if twin.place:  # one event, one place: the report that names its actors
            ev.place, ev.place_country = twin.place, twin.place_country
        if twin.type and ev.type != twin.type:
            ev.type = twin.type

