"""Who the key actors are: one row per real-world actor, with the roles the coverage gives it.

Entity names in the store are per-document decisions of the NLP layer, so one person is often
split across stories ("Assad" tagged PERSON here, "Bashar al-Assad" tagged ORG there), demonyms
("Syrian", "Kurdish") are tagged as if they were actors, and role lists are unions of every
apposition the parser ever attached.  An analyst reads those as noise, so this module decides,
over the whole selection:

* **aliases** — a short name (one token, or a proper suffix of a longer name: "Erdoğan",
  "Tayyip Erdoğan", "al-Assad") joins the most frequent full name ending with it that was tagged
  PERSON somewhere; names equal up to case and accents join their most frequent spelling; a
  demonym joins its country when the gazetteer knows it ("Syrian" -> Syria).  The merged actor
  takes the majority type across stories.
* **who is an actor** — a demonym or group adjective the gazetteer cannot place is not an actor
  unless it takes part in events ("Kurds" acting in a dozen events stays, "Islamic" goes); a city
  or other non-country place that takes part in no event is a place, not an actor.
* **roles** — case-folded, counted by stories, the most frequent few, only those seen in at
  least two stories or a fifth of the actor's stories, never one that names another person.
* **rank** — by the events an actor takes part in plus the stories naming it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

MERGEABLE = ("PERSON", "ORG")  # types whose short names may be a person's surname
GROUP_MIN_EVENTS = 3  # a demonym/group with no country is an actor only when it acts this often
MAX_ROLES = 3
ROLE_MIN_STORIES = 2
ROLE_MIN_SHARE = 0.2
PRONOUNS = frozenset("""i me my we us our you your he him his she her they them their it its one someone
somebody anyone who whom this that these those everyone nobody""".split())
_TOKEN = re.compile(r"[\w'’.-]+", re.UNICODE)
_NAME_WORD = re.compile(r"^(?:[a-z]{1,3}-)?[^\W\d_][^\W\d_'’.-]*(?:['’.-][^\W\d_]*)*$")
PARTICLES = frozenset("al el bin ibn bint abu de da di del della der van von la le du dos das ter ten".split())


class CountryTable(Protocol):
    """What this module needs from the gazetteer (``nlp.gazetteer.Gazetteer`` has it)."""

    def demonym(self, word: str) -> str | None: ...

    def country_of(self, code: str | None) -> Any: ...

    def lookup(self, name: str) -> list[Any]: ...


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """Case- and accent-insensitive form of a name, whitespace normalised."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("’", "'").casefold().split())


@dataclass(slots=True)
class NameStats:
    """Stories per entity type for one surface name in the selection."""

    name: str
    types: Counter = field(default_factory=Counter)

    @property
    def stories(self) -> int:
        return sum(self.types.values())

    @property
    def major(self) -> str:
        return max(sorted(self.types), key=lambda t: self.types[t]) if self.types else ""


@dataclass(slots=True)
class Aliases:
    """The outcome of alias resolution: raw name -> canonical name (only names that change),
    names that are not actors, and the names tagged PERSON (to keep other people out of roles)."""

    canon: dict[str, str] = field(default_factory=dict)
    groups: set[str] = field(default_factory=set)  # demonyms/groups with no country: actors only if they act
    persons: set[str] = field(default_factory=set)  # folded PERSON names

    def of(self, name: str | None) -> str | None:
        return self.canon.get(name, name) if name else name

    def members(self, canon: Iterable[str]) -> dict[str, list[str]]:
        """canonical -> every raw name folded into it (itself included)."""
        wanted = set(canon)
        out: dict[str, list[str]] = {c: [c] for c in wanted}
        for raw, c in self.canon.items():
            if c in wanted:
                out[c].append(raw)
        return out


def collect(rows: Iterable[tuple[str, str | None, int]]) -> dict[str, NameStats]:
    """(name, type, stories) rows -> stats per name."""
    stats: dict[str, NameStats] = {}
    for name, typ, n in rows:
        if name and name.strip():
            stats.setdefault(name, NameStats(name)).types[typ or ""] += int(n)
    return stats


def resolve_aliases(stats: dict[str, NameStats], *, countries: CountryTable | None = None) -> Aliases:
    """Decide which names are the same actor (see the module docstring)."""
    out = Aliases(persons={fold(s.name) for s in stats.values() if s.major == "PERSON"})
    _same_spelling(stats, out)
    _surnames(stats, out)
    if countries is not None:
        _demonyms(stats, out, countries)
    for raw in list(out.canon):  # follow chains ("Erdogan" -> "Tayyip Erdoğan" -> "Recep Tayyip Erdoğan")
        seen, c = {raw}, out.canon[raw]
        while c in out.canon and c not in seen:
            seen.add(c)
            c = out.canon[c]
        out.canon[raw] = c
    out.canon = {k: v for k, v in out.canon.items() if k != v}
    return out


def _same_spelling(stats: dict[str, NameStats], out: Aliases) -> None:
    by_fold: dict[str, list[NameStats]] = defaultdict(list)
    for s in stats.values():
        by_fold[fold(s.name)].append(s)
    for group in by_fold.values():
        if len(group) > 1:
            best = max(group, key=lambda s: (s.stories, s.name))
            for s in group:
                if s is not best:
                    out.canon[s.name] = best.name


def _suffixes(name: str) -> list[str]:
    """Folded proper suffixes a short form of ``name`` could take: "Bashar al-Assad" ->
    ["al-assad", "assad"]; "Recep Tayyip Erdoğan" -> ["tayyip erdogan", "erdogan"]."""
    tokens = fold(name).split()
    keys = [" ".join(tokens[i:]) for i in range(1, len(tokens))]
    last = name.split()[-1] if name.split() else ""
    if "-" in last.strip("-") and last.rsplit("-", 1)[1][:1].isupper():  # "al-Assad" -> "Assad"; not "Jong-un"
        keys.append(tokens[-1].rsplit("-", 1)[1])
    return [k for k in keys if len(k) > 1]


def person_like(name: str) -> bool:
    """A full name as people write them: two or more words, each capitalised or a name
    particle ("al-", "bin", "de"), no digits or punctuation but hyphens, apostrophes, periods."""
    words = name.split()
    return len(words) >= 2 and all(
        w.lower() in PARTICLES or (_NAME_WORD.match(w) and w.split("-")[-1][:1].isupper()) for w in words)


def _surnames(stats: dict[str, NameStats], out: Aliases) -> None:
    """A short form joins the most frequent full PERSON name ending with it.  A one-word form
    ("Assad") may join a less frequent full name (short forms are how stories refer back to a
    person); a longer form ("Tayyip Erdoğan") only joins a more frequent one, so that a junk
    span ("Beyond Donald Trump") never swallows the real name.  A one-word form mostly tagged as
    something else than a person ("Isis") needs a full name about as frequent as itself;
    acronyms ("UN") never join."""
    index: dict[str, list[NameStats]] = defaultdict(list)
    for s in stats.values():
        if s.types.get("PERSON") and s.major in MERGEABLE and person_like(s.name):
            for key in _suffixes(s.name):
                index[key].append(s)
    for s in stats.values():
        if (s.major not in MERGEABLE or not s.name[:1].isupper() or s.name in out.canon
                or (len(s.name) > 1 and s.name.isupper())):
            continue
        one_word = len(s.name.split()) == 1
        as_person = s.types.get("PERSON", 0) * 3 >= s.stories  # "Assad", not the group "Isis"
        cands = [c for c in index.get(fold(s.name), ()) if c.name != s.name and (
            c.stories > s.stories or (one_word and (as_person or c.stories * 3 >= s.stories)))]
        if cands:
            out.canon[s.name] = max(cands, key=lambda c: (c.stories, c.name)).name


def _demonyms(stats: dict[str, NameStats], out: Aliases, countries: CountryTable) -> None:
    for s in stats.values():
        if s.major != "NORP":
            continue
        code = countries.demonym(s.name)
        country = countries.country_of(code) if code else None
        if country is not None and getattr(country, "name", None):
            out.canon[s.name] = country.name
        else:
            out.groups.add(s.name)


def is_country(name: str, countries: CountryTable | None) -> bool:
    if countries is None:
        return True  # cannot tell: keep it
    return any(getattr(e, "kind", None) == "country" for e in countries.lookup(name))


def rank_actors(rows: list[dict[str, Any]], acts: dict[str, tuple[int, int]], aliases: Aliases, *,
                countries: CountryTable | None, limit: int = 25) -> list[dict[str, Any]]:
    """Actor rows (name, type, stories, mentions; names already canonical) filtered and ranked:
    events taken part in plus stories naming the actor, most first."""
    folded_acts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for name, (src, tgt) in acts.items():
        c = aliases.of(name)
        folded_acts[c][0] += src
        folded_acts[c][1] += tgt
    kept = []
    for row in rows:
        src, tgt = folded_acts.get(row["name"], (0, 0))
        row["as_source"], row["as_target"] = int(src), int(tgt)
        events = src + tgt
        if row["name"] in aliases.groups and events < GROUP_MIN_EVENTS:
            continue
        if row.get("type") in ("GPE", "LOC", "FAC") and not events and not is_country(row["name"], countries):
            continue
        kept.append(row)
    kept.sort(key=lambda r: (-(r["as_source"] + r["as_target"] + r["stories"]), -r["stories"], r["name"]))
    return kept[:limit]


def _names_a_person(role: str, own: set[str], persons: set[str]) -> bool:
    """Whether ``role`` contains a capitalised run of words that is a PERSON name other than the
    actor's own ("Federal Reserve chair Jerome Powell" for Donald Trump)."""
    words = _TOKEN.findall(role)
    whole = fold(role)
    for i, w in enumerate(words):
        if not w[:1].isupper():
            continue
        for j in range(i + 1, min(len(words), i + 4) + 1):
            if not words[j - 1][:1].isupper():
                break
            span = fold(" ".join(words[i:j]))
            if span in persons and span not in own and span != whole:
                return True
    return False


def pick_roles(candidates: list[tuple[str, int, str]], *, stories: int, own: Iterable[str],
               persons: set[str], limit: int = MAX_ROLES) -> list[str]:
    """The roles worth showing: ``candidates`` are (folded role, stories, display form)."""
    own_f = {fold(n) for n in own}
    own_tokens = {t for n in own_f for t in n.split()}
    need = min(ROLE_MIN_STORIES, max(1.0, ROLE_MIN_SHARE * stories))
    out = []
    for folded, n, form in sorted(candidates, key=lambda c: (-c[1], c[0])):
        if n < need or not folded.strip():
            continue
        if _names_a_person(form, own_f | own_tokens, persons):
            continue
        out.append(form)
        if len(out) >= limit:
            break
    return out
