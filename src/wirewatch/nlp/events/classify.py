"""Event type (CASE-2021: 25 ACLED sub-event types + 5) of a sentence or snippet, by weighted cues.

Why rules and not a trained model: the project may not ship anything derived from the evaluation
data, and the ACLED codebook defines its sub-event types by the language of the event (weapon,
actor, what happened to protesters), which cue lexicons capture directly and cheaply.  The cues
live in ``data/types.json`` (our own wording of the ACLED definitions); each type's score is
the sum of the weights of its cues found in the text.  A few decisions that the codebook makes by
*combination* rather than by words are made here in code:

- the demonstration family (peaceful protest, protest with intervention, excessive force, violent
  demonstration, mob violence) needs protest language; which member wins depends on what else
  happened (force against protesters, dispersal/arrests, violence by the crowd);
- a weapon that is seized, found or defused is "disrupted weapons use", not an attack with it;
- claims and denials of responsibility (ATTRIB) outrank the event they are about.

Patterns compile once per process; a literal prefilter runs only the cues that can match a text.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .prefilter import Prefilter

log = logging.getLogger(__name__)

CASE_TYPES: tuple[str, ...] = (
    "ABDUCT_DISSAP", "AGREEMENT", "AIR_STRIKE", "ARMED_CLASH", "ARREST", "ART_MISS_ATTACK", "ATTACK",
    "CHANGE_TO_GROUP_ACT", "CHEM_WEAP", "DISR_WEAP", "FORCE_AGAINST_PROTEST", "GOV_REGAINS_TERIT", "GRENADE",
    "HQ_ESTABLISHED", "MOB_VIOL", "NON_STATE_ACTOR_OVERTAKES_TER", "NON_VIOL_TERRIT_TRANSFER", "OTHER",
    "PEACE_PROTEST", "PROPERTY_DISTRUCT", "PROTEST_WITH_INTER", "REM_EXPLOS", "SEX_VIOL", "SUIC_BOMB",
    "VIOL_DEMONSTR", "ORG_CRIME", "NATURAL_DISASTER", "MAN_MADE_DISASTER", "DIPLO", "ATTRIB",
)

# Tie-break: the more specific type first (a suicide bombing is also an explosion and an attack).
PRIORITY: tuple[str, ...] = (
    "ATTRIB", "SUIC_BOMB", "CHEM_WEAP", "GRENADE", "SEX_VIOL", "AIR_STRIKE", "DISR_WEAP", "ABDUCT_DISSAP",
    "NATURAL_DISASTER", "MAN_MADE_DISASTER", "FORCE_AGAINST_PROTEST", "MOB_VIOL", "VIOL_DEMONSTR",
    "PROTEST_WITH_INTER", "PEACE_PROTEST", "REM_EXPLOS", "ART_MISS_ATTACK", "GOV_REGAINS_TERIT",
    "NON_STATE_ACTOR_OVERTAKES_TER", "NON_VIOL_TERRIT_TRANSFER", "HQ_ESTABLISHED", "ARREST",
    "PROPERTY_DISTRUCT", "ORG_CRIME", "DIPLO", "AGREEMENT", "CHANGE_TO_GROUP_ACT", "ARMED_CLASH", "ATTACK",
    "OTHER",
)
_RANK = {t: i for i, t in enumerate(PRIORITY)}

PROTEST_FAMILY = ("PEACE_PROTEST", "PROTEST_WITH_INTER", "FORCE_AGAINST_PROTEST", "VIOL_DEMONSTR", "MOB_VIOL")
WEAPON_TYPES = ("GRENADE", "REM_EXPLOS", "ART_MISS_ATTACK", "CHEM_WEAP", "SUIC_BOMB")
RIOT_IS_PROTEST = 4.0  # riot language this strong is demonstration language by itself ("rioters looted shops")
MIN_SCORE = 1.5  # below this the text carries no event language we know

_VIOLENCE = re.compile(r"\b(?:kill\w*|attack\w*|wound\w*|injur\w*|dead|assault\w*|shot|fire[ds]?|fighting)\b")


def _compile_cue(pattern: str) -> re.Pattern[str]:
    """Turn our cue syntax into a regex: '~' word rest, ' ' space/hyphen, '_' optional one, ' .. ' gap."""
    p = pattern.replace(" .. ", "\0")
    p = p.replace("~", r"\w*").replace("_", r"[\s-]?").replace(" ", r"[\s-]+")
    p = p.replace("\0", r"(?:\W+\w+){0,5}?\W+")
    return re.compile(r"\b(?:" + p + r")(?!\w)")


@dataclass(frozen=True, slots=True)
class Cue:
    type: str
    regex: re.Pattern[str]
    weight: float


@lru_cache(maxsize=1)
def cues() -> tuple[Cue, ...]:
    """All type cues, compiled once per process."""
    raw = json.loads(resources.files(__package__).joinpath("data", "types.json").read_text("utf-8"))
    out = []
    for etype, items in raw.items():
        if etype.startswith("_"):
            continue
        if etype not in CASE_TYPES:
            raise ValueError(f"types.json: unknown type {etype}")
        for pattern, weight in items:
            out.append(Cue(etype, _compile_cue(pattern), float(weight)))
    return tuple(out)


@lru_cache(maxsize=1)
def _prefilter() -> Prefilter:
    return Prefilter([c.regex.pattern for c in cues()])


@lru_cache(maxsize=256)
def matching_cues(low: str) -> tuple[int, ...]:
    """Indices (in ``cues()`` order) of the cues found in a lower-cased text.

    Only cues whose literal anchors occur in the text are searched (see :mod:`.prefilter`):
    the same answer as searching all of them, several times faster.  Cached per text, since a
    sentence is scored again when cue spans are looked up and when its events are ranked; the
    cache is small (a few articles' sentences), so it serves that reuse, not repeated corpora.
    """
    all_cues = cues()
    return tuple(i for i in _prefilter().candidates(low) if all_cues[i].regex.search(low))


def raw_scores(text: str) -> dict[str, float]:
    """Sum of cue weights per type (each cue counted once)."""
    all_cues = cues()
    scores: dict[str, float] = {}
    for i in matching_cues(text.lower()):
        cue = all_cues[i]
        scores[cue.type] = scores.get(cue.type, 0.0) + cue.weight
    return scores


def cue_spans(text: str, etype: str) -> list[tuple[int, int]]:
    """Character spans of the cues of one type in ``text``, heaviest cue first (where the event is said)."""
    low = text.lower()
    all_cues = cues()
    hits = []
    for i in matching_cues(low):
        cue = all_cues[i]
        if cue.type == etype:
            m = cue.regex.search(low)
            hits.append((-cue.weight, m.start(), m.end()))
    return [(s, e) for _, s, e in sorted(hits)]


def _protest_member(s: dict[str, float]) -> str:
    """Which demonstration sub-type: what happened to, or was done by, the protesters."""
    if s.get("FORCE_AGAINST_PROTEST", 0) >= 3:
        return "FORCE_AGAINST_PROTEST"
    if s.get("MOB_VIOL", 0) >= 4 and s.get("VIOL_DEMONSTR", 0) < 4:
        return "MOB_VIOL"
    if s.get("VIOL_DEMONSTR", 0) >= 3 or s.get("PROPERTY_DISTRUCT", 0) >= 3 or s.get("ARMED_CLASH", 0) >= 2:
        return "VIOL_DEMONSTR"
    if s.get("PROTEST_WITH_INTER", 0) >= 2 or s.get("ARREST", 0) >= 3:
        return "PROTEST_WITH_INTER"
    return "PEACE_PROTEST"


def _best_protest(s: dict[str, float]) -> str:
    return max(PROTEST_FAMILY, key=lambda t: s.get(t, 0.0))


def decide(scores: dict[str, float]) -> dict[str, float]:
    """Apply the combination rules of the codebook to raw cue scores."""
    s = dict(scores)
    protest = s.get("PEACE_PROTEST", 0.0)
    if s.get("VIOL_DEMONSTR", 0.0) >= RIOT_IS_PROTEST:
        protest += 2.0  # rioters are demonstrators: a riot is the violent member of the family
    if protest >= 2:
        member = _protest_member(s)
        support = s.get(member, 0.0) if member != "PEACE_PROTEST" else 0.0
        for t in PROTEST_FAMILY:
            s.pop(t, None)
        s[member] = protest + support
        # violence by or against protesters is part of the demonstration, not a separate event
        for t in ("ARREST", "PROPERTY_DISTRUCT", "ARMED_CLASH", "ATTACK"):
            if t in s:
                s[t] *= 0.5
    else:
        for t in ("PROTEST_WITH_INTER", "FORCE_AGAINST_PROTEST", "PEACE_PROTEST"):
            s.pop(t, None)
    if s.get("DISR_WEAP", 0) >= 3.5:
        for t in WEAPON_TYPES:
            if t in s:
                s[t] *= 0.4
    if s.get("NON_STATE_ACTOR_OVERTAKES_TER", 0) >= 3.5 and "GOV_REGAINS_TERIT" in s:
        s["GOV_REGAINS_TERIT"] *= 0.5  # the one who took the ground is a non-state group
    if s.get(_best_protest(s), 0) >= 4:
        # "protests over the oil spill": the protest is the event, the rest its topic
        for t in ("MAN_MADE_DISASTER", "NATURAL_DISASTER", "AGREEMENT", "DIPLO", "ORG_CRIME"):
            if t in s:
                s[t] *= 0.5
    if s.get("SUIC_BOMB", 0) >= 5:
        s.pop("REM_EXPLOS", None)
    return s


def type_scores(text: str) -> dict[str, float]:
    """Final per-type scores of a text (after combination rules)."""
    return decide(raw_scores(text))


def best_type(scores: dict[str, float], *, min_score: float = MIN_SCORE) -> str | None:
    """The highest-scoring type (ties: the more specific), or None below ``min_score``."""
    if not scores:
        return None
    etype = max(scores, key=lambda t: (scores[t], -_RANK[t]))
    return etype if scores[etype] >= min_score else None


def classify_event_type(text: str, *, min_score: float = MIN_SCORE, fallback: bool = True) -> str | None:
    """The CASE-2021 type of one snippet or sentence, or None when it carries no event language.

    With ``fallback`` a text that only says someone was killed/attacked is an ATTACK (the
    codebook's default for violence whose form is not reported).
    """
    etype = best_type(type_scores(text), min_score=min_score)
    if etype is None and fallback and _VIOLENCE.search(text.lower()):
        return "ATTACK"
    return etype
