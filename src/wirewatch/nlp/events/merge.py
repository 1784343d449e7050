"""One happening, one event per article: mentions of the same event merged, with all their evidence.

News tells one happening several times: the lead ("a British soldier has died in an explosion"),
the detail paragraph ("the roadside bomb blast in Manbij"), the reaction ("behind the attack").
Two extracted events are mentions of one happening when nothing they say disagrees and something
concrete ties them:

- compatible kinds: the same CASE type, or the same PLOVER class with at most one type;
- the same status (a planned withdrawal is not the withdrawal);
- no disagreement: dates that can be the same (one is a prefix of the other, or one is only the
  publication date), actors that can be the same on each side (equal codes or names, or one
  side unknown), places in the same country when both say one;
- a tie: the same explicit date, a shared named actor, the same place, or the same trigger word,
  or adjacent sentences.

The merged event keeps the most informative mention as its representative (its sentence is
``text``), takes missing arguments from the others, and lists every evidence sentence.
"""

from __future__ import annotations

from ...records import Actor, Event, Mention
from .actors import normalise_actor

__all__ = ["merge_mentions"]

_ADJACENT = 1  # sentences apart that still tie two argument-less mentions
# PLOVER classes of speech acts (statements, demands, accusations): many per speaker and article
VERBAL = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "REQUEST", "ACCUSE", "REJECT",
                    "THREATEN"})


def _date_ok(a: Event, b: Event) -> bool:
    if a.date_basis != "text" or b.date_basis != "text" or not a.date or not b.date:
        return True
    return a.date.startswith(b.date) or b.date.startswith(a.date)


def _actor_key(x: Actor | None) -> str | None:
    return None if x is None else normalise_actor(x)


def _actor_ok(x: Actor | None, y: Actor | None) -> bool:
    if x is None or y is None:
        return True
    if _actor_key(x) == _actor_key(y):
        return True
    nx, ny = x.name.casefold(), y.name.casefold()
    if nx in ny or ny in nx or (x.country is not None and x.country == y.country and x.sector == y.sector):
        return True
    # "a Turkish court" / "the Kilis criminal court": one body named twice, one side without a country
    return (x.sector is not None and x.sector == y.sector and (x.country is None or y.country is None)
            and nx.split()[-1:] == ny.split()[-1:])


def _role(x: Actor) -> bool:
    """A description ("a former British army soldier"), not a name: its head word is lower-case."""
    words = x.name.split()
    return bool(words) and words[-1][:1].islower()


def _described(x: Actor | None, y: Actor | None) -> bool:
    """A lead's description and the next sentence's name of one person ("A former soldier has been
    jailed ..." / "Joe Robinson, 25, was sentenced ...")."""
    return x is not None and y is not None and _role(x) != _role(y)


def _kind_ok(a: Event, b: Event) -> bool:
    if a.type and b.type:
        # "killed" (an attack of unknown form) and "the roadside bomb" are one violent event
        return a.type == b.type or ("ATTACK" in (a.type, b.type) and a.plover in ("ASSAULT", None)
                                    and b.plover in ("ASSAULT", None))
    if a.plover == b.plover == "COERCE" and bool(a.type) != bool(b.type):
        return False  # "jailed" (no type) and "detained" (an arrest) are two steps of coercion
    if a.plover and b.plover:
        return a.plover == b.plover
    return bool(a.type or b.type) and (a.plover is None or b.plover is None) and (a.type or b.type) is not None \
        and (a.plover or b.plover) in ("ASSAULT", "PROTEST", None)


def _another(ev: Event) -> bool:
    """Whether a mention says it is a further act ("also", "further", "again" before its trigger)."""
    if not ev.trigger:
        return False
    head = ev.text[:max(0, ev.text.find(ev.trigger))].lower().split()[-3:]
    return any(w in ("also", "further", "again", "separately", "later") for w in head)


def _tied(a: Event, b: Event, sa: int, sb: int, ta: str | None, tb: str | None) -> bool:
    if a.plover in VERBAL and b.plover in VERBAL:
        # a speaker makes many statements: two appeals or accusations are one only when they are
        # addressed to the same party, or are the lead and its detail in the next sentence
        if a.target is not None and b.target is not None:
            return _actor_key(a.target) == _actor_key(b.target)
        if _another(a) or _another(b):
            return False  # "he also appealed to ...": a further act, not the detail of the first
        if ta == tb and min(sa, sb) == 0 and a.source is not None and b.source is not None \
                and _actor_ok(a.source, b.source):
            return True  # the lead and its detail: "A Turkish court has rejected ..." / "the Kilis court has rejected"
        # adjacent: the same verb again, or a bare mention ("the appeal") of the act just reported
        return abs(sa - sb) <= _ADJACENT and (ta == tb or a.source is a.target is None or b.source is b.target is None)
    if a.date_basis == b.date_basis == "text" and a.date and a.date == b.date:
        return True
    for x in (a.source, a.target):
        for y in (b.source, b.target):
            if x is not None and y is not None and _actor_key(x) == _actor_key(y):
                return True
    if a.place and a.place == b.place and a.place_country:
        return True
    if ta and ta == tb:
        return True
    if a.type and a.type == b.type and a.type != "OTHER":
        return True  # two attacks in two named places are two attacks
    return abs(sa - sb) <= _ADJACENT


def _dated_history(a: Event, b: Event) -> bool:
    """``a`` is history by its own date and ``b`` a mention of it without one ("the Aug. 18 coup" / "the coup")."""
    return a.status == "background" and a.date_basis == "text" and b.status == "reported" and b.date_basis != "text"


def _same(a: Event, b: Event, sa: int, sb: int, ta: str | None, tb: str | None, own: bool = True) -> bool:
    if a.status != b.status and not _dated_history(a, b) and not _dated_history(b, a):
        return False
    if not _kind_ok(a, b) or not _date_ok(a, b):
        return False
    near = abs(sa - sb) <= _ADJACENT
    if not ((_actor_ok(a.source, b.source) or near and _described(a.source, b.source))
            and (_actor_ok(a.target, b.target) or near and _described(a.target, b.target))):
        return False
    if own and a.place_country and b.place_country and a.place_country != b.place_country:
        return False
    return _tied(a, b, sa, sb, ta, tb)


def _richness(ev: Event) -> tuple:
    return ((ev.source is not None) + (ev.target is not None) + (ev.type is not None) + (ev.date_basis == "text")
            + (ev.place is not None), ev.confidence or 0.0, -ev.start)


def _fold(group: list[Event]) -> Event:
    best = max(group, key=_richness)
    for ev in sorted(group, key=_richness, reverse=True):
        if best.source is None and ev.source is not None and _actor_ok(ev.source, best.target):
            best.source = ev.source
        if best.target is None and ev.target is not None:
            best.target = ev.target
        if ev.type is not None and (best.type is None or best.type == "ATTACK"):
            best.type = ev.type  # the more specific form of the violence
        if best.plover is None and ev.plover is not None:
            best.plover = ev.plover
        if ev.date_basis == "text" and (best.date_basis != "text" or len(ev.date or "") > len(best.date or "")):
            best.date, best.date_basis = ev.date, "text"
        if best.place is None and ev.place is not None:
            best.place, best.place_country = ev.place, ev.place_country
    statuses = {ev.status for ev in group}
    if len(statuses) > 1:  # reported and background: the mention that dates it decides
        dated = [ev for ev in group if ev.date_basis == "text"]
        best.status = max(dated, key=lambda e: len(e.date or "")).status if dated else "reported"
    spans: dict[tuple[int, int], Mention] = {}
    for ev in group:
        for m in ev.evidence or [Mention(ev.text, ev.start, ev.end)]:
            spans.setdefault((m.start, m.end), m)
    best.evidence = [spans[k] for k in sorted(spans)]
    if len(group) > 1 and best.confidence is not None:
        best.confidence = round(min(1.0, max(e.confidence or 0.0 for e in group) + 0.05 * (len(spans) - 1)), 3)
    return best


def merge_mentions(events: list[Event], sentence_of: list[int], lemmas: list[str | None],
                   own_place: list[bool] | None = None) -> list[Event]:
    """Merge the mentions of one happening (greedy, in text order).  ``sentence_of[i]`` is the index
    of event i's sentence, ``lemmas[i]`` its trigger lemma, ``own_place[i]`` whether its place was
    named in its own sentence (a place taken from context does not keep two mentions apart);
    returns events in text order."""
    own = own_place or [True] * len(events)
    groups: list[list[int]] = []
    for i, ev in enumerate(events):
        home = None
        for g in groups:
            if all(_same(events[j], ev, sentence_of[j], sentence_of[i], lemmas[j], lemmas[i], own[i] and own[j])
                   for j in g):
                home = g
                break
        if home is None:
            groups.append([i])
        else:
            home.append(i)
    out = [_fold([events[j] for j in g]) for g in groups]
    return sorted(out, key=lambda e: e.start)
