"""Events: who did what to whom, when and where, each with the sentence that says so.

Method (no models to download): trigger words over the spaCy dependency parse.  A verb or noun
from our PLOVER lexicon (``data/events_plover.json``) is a trigger; its arguments come from the
parse: source = nsubj (or the "by" agent of a passive), target = dobj, nsubjpass, or a
preposition fitting the verb ("call on X", "clash with X", "talks between X and Y").  Subjects of
controlled verbs are found by climbing the parse ("Ottawa was quick to condemn" -> Ottawa).
Actors resolve through :mod:`.actors` (capitals are their governments).  The CASE-2021 type of
an event comes from :mod:`.event_types` scored on its sentence, restricted to types compatible
with the PLOVER class; sentences with event language but no trigger (disasters, crime) still
give an event with ``plover=None``.  Dates and places: :mod:`.event_context`.

``event_key`` identifies one real-world event across syndicated copies and reworded reports.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..records import Actor, Article, Entity, Event
from .actors import actor_from_text, is_actor_like, normalise_actor, tables
from .docutil import doc_text, sentence
from .event_context import (article_dates, article_places, dateline_place, nearest)
from .event_links import DISASTERS, Found, Geo, complete_actor, link, place_country, victims
from .event_types import PROTEST_FAMILY, best_type, classify_event_type, cue_spans, type_scores

log = logging.getLogger(__name__)

__all__ = ["annotate", "extract_events", "event_key", "classify_event_type", "PLOVER_TYPES", "best_event"]

PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")

_VIOLENT = {"ARMED_CLASH", "ATTACK", "AIR_STRIKE", "ART_MISS_ATTACK", "REM_EXPLOS", "SUIC_BOMB", "GRENADE",
            "CHEM_WEAP", "SEX_VIOL", "PROPERTY_DISTRUCT", "MOB_VIOL", "VIOL_DEMONSTR", "GOV_REGAINS_TERIT",
            "NON_STATE_ACTOR_OVERTAKES_TER", "FORCE_AGAINST_PROTEST", "ABDUCT_DISSAP", "MAN_MADE_DISASTER"}
_PROTESTS = {"PEACE_PROTEST", "PROTEST_WITH_INTER", "FORCE_AGAINST_PROTEST", "VIOL_DEMONSTR", "MOB_VIOL"}
# CASE-2021 types an event of each PLOVER class can have (a REQUEST is never an air strike).
COMPATIBLE: dict[str, set[str]] = {
    "ASSAULT": _VIOLENT,
    "COERCE": {"ARREST", "ABDUCT_DISSAP", "FORCE_AGAINST_PROTEST", "PROTEST_WITH_INTER", "DISR_WEAP", "OTHER",
               "PROPERTY_DISTRUCT", "NON_STATE_ACTOR_OVERTAKES_TER", "GOV_REGAINS_TERIT", "ORG_CRIME"},
    "PROTEST": _PROTESTS,
    "AGREE": {"AGREEMENT"}, "CONSULT": {"AGREEMENT", "DIPLO"}, "CONCEDE": {"AGREEMENT", "NON_VIOL_TERRIT_TRANSFER"},
    "SANCTION": {"DIPLO"}, "MOBILIZE": {"CHANGE_TO_GROUP_ACT", "HQ_ESTABLISHED"},
    "RETREAT": {"NON_VIOL_TERRIT_TRANSFER", "CHANGE_TO_GROUP_ACT"}, "ACCUSE": {"ATTRIB"}, "REJECT": {"ATTRIB"},
    "SUPPORT": {"DIPLO"}, "COOPERATE": {"DIPLO", "AGREEMENT"}, "AID": set(), "REQUEST": set(), "THREATEN": set(),
}
_VERBAL = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "REQUEST", "ACCUSE", "REJECT", "THREATEN"}
_HYPOTHETICAL = {"could", "would", "might", "may", "can", "should", "must", "will"}
_PRONOUNS = {"he", "she", "him", "her", "they", "them", "it", "that", "which", "who", "whom", "those", "this", "these"}
_FACING = {"face", "receive", "get", "draw", "meet", "confront"}
_LIGHT = {"launch", "stage", "carry", "hold", "conduct", "mount", "begin", "start", "lead", "sign", "reach", "announce"}
# "was quick to condemn", "began to shell": infinitives after these report what happened
_REALIS_HEADS = {"quick", "first", "swift", "fast", "begin", "start", "continue", "manage", "move", "rush", "go",
                 "proceed", "agree", "refuse", "decide", "vote", "threaten", "try", "attempt", "seek"}
_ACTOR_SECTORS = {"MIL", "REB", "COP", "GOV", "IGO"}
TYPE_ONLY_MIN = 4.0  # a sentence without trigger needs strong event language to count as an event
_GENERIC_HEADS = {"government", "military", "army", "forces", "troops", "ministry", "officials", "authorities",
                  "president", "leader", "leaders", "members", "supporters", "units", "police"}
_TARGET_PREPS = {
    "REQUEST": ("on", "upon"), "ACCUSE": ("against",), "ASSAULT": ("on", "against", "with", "at", "into"),
    "CONSULT": ("with",), "AGREE": ("with",), "AID": ("to", "for"), "SUPPORT": ("for", "to"),
    "COOPERATE": ("with",), "SANCTION": ("against", "on", "from"), "COERCE": ("from", "against", "on"),
    "THREATEN": ("against",), "PROTEST": ("against",), "RETREAT": ("from",), "CONCEDE": ("to",),
    "REJECT": (), "MOBILIZE": ("to", "against"),
}


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """PLOVER trigger lexicon (loaded once per process)."""
    return json.loads(resources.files("wirewatch").joinpath("data", "events_plover.json").read_text("utf-8"))


def annotate(doc, article: Article) -> None:
    """Fill ``article.events`` from the spaCy doc (pipeline component, see runtime.py)."""
    article.events = extract_events(doc, article)


# --- triggers -------------------------------------------------------------------------------------


def _dated(prep) -> bool:
    """A preposition whose object is a date ("called on Tuesday for talks"): no particle."""
    return any(g.dep_ == "pobj" and g.ent_type_ in ("DATE", "TIME") for g in prep.children)


def _particle(tok) -> str | None:
    for c in tok.children:
        if c.dep_ in ("prt", "prep") and c.i > tok.i and c.i - tok.i <= 5 and not _dated(c):
            key = f"{tok.lemma_.lower()} {c.lower_}"
            if key in lexicon()["particles"]:
                return key
        if c.dep_ == "dobj" and c.i - tok.i <= 2:
            key = f"{tok.lemma_.lower()} {c.lower_}"
            if key in lexicon()["particles"]:
                return key
    return None


def trigger_type(tok) -> tuple[str | None, str | None]:
    """(PLOVER type, cue) of a token when it triggers an event, else (None, None)."""
    lex = lexicon()
    lemma = tok.lemma_.lower()
    if tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "NOUN" and tok.tag_.startswith("VB")):
        part = _particle(tok)
        if part:
            return lex["particles"][part], part
        objects = lex["object_nouns"].get(lemma)
        if objects:
            for c in tok.children:
                if c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() in objects:
                    pl = objects[c.lemma_.lower()]
                    return (pl, f"{tok.text} {c.text}") if pl else (None, None)
            for c in tok.children:
                if c.dep_ == "prt":
                    for cc in tok.children:
                        if cc.dep_ == "dobj" and cc.lemma_.lower() in objects:
                            return objects[cc.lemma_.lower()], f"{tok.text} {c.text} {cc.text}"
        pl = lex["verbs"].get(lemma)
        return (pl, tok.text) if pl else (None, None)
    if tok.pos_ in ("NOUN", "PROPN"):
        pl = lex["nouns"].get(tok.lower_) or lex["nouns"].get(lemma)
        if pl and tok.dep_ not in ("compound",):
            return pl, tok.text
    return None, None


def _irrealis_verb(v) -> bool:
    for c in v.children:
        if c.dep_ == "neg":
            return True
        if c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL:
            return True
        if c.dep_ == "aux" and c.tag_ == "TO" and v.head.lemma_.lower() not in _REALIS_HEADS:
            return True
    return False


def _skip(tok) -> bool:
    """Negated, hypothetical or merely intended triggers ("did not attack", "could help", "calls to
    help fight") report no event; nor does a noun that only refers back to an event another trigger
    is about ("condemned the coup")."""
    if _irrealis_verb(tok):
        return True
    if tok.pos_ in ("NOUN", "PROPN"):
        head = tok.head
        if tok.dep_ in ("dobj", "pobj", "nsubjpass") and head is not tok:
            gov = head.head if tok.dep_ == "pobj" else head
            if gov.pos_ == "VERB" and trigger_type(gov)[0] and gov.lemma_.lower() not in _LIGHT:
                return True
        cur = tok
        for _ in range(4):  # inside an intended action ("a push to lead peace talks")
            if cur.head is cur:
                break
            cur = cur.head
            if cur.pos_ == "VERB":
                return _intended(cur)
        return False
    return _intended(tok, self_checked=True)


def _intended(verb, *, self_checked: bool = False) -> bool:
    """Whether a verb is only asked for, hoped for or planned ("calls to help fight ...")."""
    cur = verb
    if not self_checked and _irrealis_verb(cur):
        return True
    for _ in range(3):
        if cur.dep_ not in ("xcomp", "conj", "advcl", "acl") or cur.head is cur:
            break
        cur = cur.head
        if cur.pos_ == "VERB" and _irrealis_verb(cur):
            return True
        lemma = cur.lemma_.lower()
        if lexicon()["verbs"].get(lemma) == "REQUEST" or lemma in ("call", "help", "hope", "plan", "want"):
            return True
    return False


# --- arguments ------------------------------------------------------------------------------------


def _clause_subject(tok, depth: int = 5):
    """The subject of ``tok``'s clause, climbing through controlled and coordinated verbs."""
    cur = tok
    skip = tok.doc.user_data.get("wirewatch.dateline_end", 0)
    for _ in range(depth):
        for c in cur.children:
            if c.dep_ in ("nsubj", "csubj") and c.idx >= skip:
                return _unpronoun(c)
        if cur.dep_ in ("xcomp", "acomp", "conj", "advcl", "ccomp") and cur.head is not cur:
            cur = cur.head
            continue
        if cur.dep_ in ("acl", "relcl") and cur.head is not cur:
            return _unpronoun(cur.head)
        break
    return None


def _unpronoun(tok):
    """A relative/demonstrative pronoun stands for the noun it refers to ("those asking" -> subject of 'were')."""
    if tok.lower_ in ("that", "which", "who", "whom") and tok.head.dep_ == "relcl":
        return tok.head.head
    if tok.lower_ in ("those", "these") and tok.dep_ == "pobj":
        verb = tok.head.head
        for c in verb.children:
            if c.dep_ == "nsubj":
                return c
    return tok


def _prep_objects(tok, preps: tuple[str, ...]):
    for c in tok.children:
        if c.dep_ in ("prep", "dative") and c.lower_ in preps:
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    return None


def _between(tok):
    """'clashes/fighting between X and Y': the two sides."""
    side = _prep_objects(tok, ("between",))
    if side is None:
        return None
    return side, next((c for c in side.children if c.dep_ == "conj"), None)


def _verb_arguments(tok, pl: str, cue: str | None = None):
    sides = _between(tok)
    if sides is not None:
        return sides
    source = target = None
    light = cue is not None and " " in cue  # "provided support": the object is the act, not its target
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
    for c in tok.children:
        if c.dep_ == "nsubjpass":
            target = _unpronoun(c)
        elif c.dep_ == "agent":
            source = next((g for g in c.children if g.dep_ == "pobj"), None)
        elif c.dep_ in ("dobj", "dative") and target is None and not light and c.lower_ not in ("fire", "control"):
            target = c
    if not passive:
        source = _clause_subject(tok)
    if target is None:
        target = _prep_objects(tok, _TARGET_PREPS.get(pl, ()))
    if target is None and light and cue.split()[-1] in ("on", "upon", "for", "with", "against"):
        target = _prep_objects(tok, (cue.split()[-1],))  # "called on Canada"
    if target is not None and any(c.dep_ == "poss" and c.lower_ in ("its", "their", "his", "her", "our")
                                  for c in target.children):
        target = None  # "wrapped up its mission": the subject's own thing is no second actor
    if target is None and pl == "REQUEST":
        target = _requested_country(tok)
    return source, target


def _requested_country(tok):
    """'asking for more Canadian involvement': the country whose action is asked for is the target."""
    obj = _prep_objects(tok, ("for",))
    if obj is None:
        return None
    for c in obj.children:
        if c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "GPE"):
            return c
    return None


def _scan_actor(tokens):
    """First phrase in ``tokens`` headed by a state/armed-group word ("the Malian military")."""
    words = tables().sector_words
    toks = list(tokens)
    for i, t in enumerate(toks):
        if t.dep_ in ("amod", "compound") and t.head.i == t.i + 1:
            continue  # "military rule": a modifier, not an actor
        if words.get(t.lower_) in _ACTOR_SECTORS:
            j = i
            while j > 0 and i - j < 3 and toks[j - 1].pos_ in ("ADJ", "PROPN", "NOUN") and toks[j - 1].dep_ in ("amod", "compound"):
                j -= 1
            return toks[j], t
    return None


def _noun_arguments(tok, pl: str, cue: str | None = None):
    source = target = None
    sides = _between(tok)
    if sides is not None:
        return sides
    by = _prep_objects(tok, ("by",))
    if by is not None:
        source = by
    for c in tok.children:
        if source is None and c.dep_ in ("poss", "amod", "compound") and c.ent_type_ in ("NORP", "GPE", "ORG"):
            source = c
    target = _prep_objects(tok, _TARGET_PREPS.get(pl, ()))
    if tok.dep_ in ("dobj",) and tok.head.lemma_.lower() in _FACING:  # "Canada faces calls to ..."
        target = _clause_subject(tok.head)
    elif tok.dep_ == "relcl" or (source is None and tok.dep_ == "nsubj" and tok.head.lemma_ in ("see", "involve")):
        pass
    if source is None and tok.dep_ == "dobj" and tok.head.lemma_.lower() in _LIGHT:
        source = _clause_subject(tok.head)
    rel = next((c for c in tok.children if c.dep_ in ("relcl", "acl")), None)
    if source is None and rel is not None:  # "the coup that saw the army seize power from ..."
        found = _scan_actor(rel.subtree)
        if found:
            source = found
        if target is None:
            target = next((g for t in rel.subtree if t.dep_ == "prep" and t.lower_ == "from"
                           for g in t.children if g.dep_ == "pobj"), None)
    return source, target


@dataclass(slots=True)
class _Ctx:
    """What the event builder needs from the article, indexed once per document."""

    article: Article
    mentions: list[tuple[int, int, Entity]]
    persons: list[tuple[int, Entity]]
    geo: Geo
    dates: list
    places: list
    fallback_place: str | None
    disaster_caused: bool = False  # a casualty verb in the current sentence was the disaster's

    @classmethod
    def build(cls, doc, article: Article) -> _Ctx:
        entities = article.entities or [Entity(e.text, e.label_, mentions=[]) for e in doc.ents]
        mentions: list[tuple[int, int, Entity]] = []
        if article.entities:
            for ent in article.entities:
                for m in ent.mentions:
                    mentions.append((m.start, m.end, ent))
        else:
            for span, ent in zip(doc.ents, entities):
                mentions.append((span.start_char, span.end_char, ent))
        persons = sorted(((s, e) for s, _, e in mentions if e.type == "PERSON"), key=lambda p: p[0])
        return cls(article, sorted(mentions, key=lambda m: m[0]), persons, Geo.build(article),
                   article_dates(doc, article), article_places(doc, article), dateline_place(article))

    def entity_at(self, start: int, end: int) -> Entity | None:
        for s, e, ent in self.mentions:
            if s < end and start < e:
                return ent
        return None

    def person_before(self, pos: int, sent_start: int = 0) -> Entity | None:
        """Who "he"/"she" is: the first person named earlier in the same sentence (its topic), else the
        last person named before it."""
        best = None
        for s, ent in self.persons:
            if s >= pos:
                break
            if s >= sent_start:
                return ent
            best = ent
        return best


def _phrase(tok):
    """Character span of an argument: its left modifiers, the head, and 'of X' after a generic head."""
    left = tok.left_edge
    while left.i < tok.i and left.dep_ in ("prep", "punct", "cc", "case"):
        left = left.nbor(1)
    right = tok
    if tok.lower_ in _GENERIC_HEADS:
        pp = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        if pp is not None:
            right = pp.right_edge
    return left.idx, right.idx + len(right.text)


def _actor(tok, ctx: _Ctx) -> tuple[Actor | None, tuple[int, int] | None]:
    """The actor an argument token names, or None when it names no one who can act."""
    if isinstance(tok, tuple):  # a scanned (first, head) phrase
        first, head = tok
        start, end = first.idx, head.idx + len(head.text)
        return actor_from_text(doc_text(head.doc)[start:end]), (start, end)
    actor, span = _actor_of(tok, ctx)
    if actor is None:
        return None, None
    ent = ctx.entity_at(tok.idx, tok.idx + len(tok)) if not isinstance(tok, tuple) else None
    if not is_actor_like(actor, entity=ent) and tok.lower_ not in ("he", "she", "him", "her"):
        return None, None
    return actor, span


_QUANTITY = {"thousands", "hundreds", "dozens", "scores", "millions", "tens", "number", "group", "crowd", "crowds"}


def _head(tok):
    """The noun a quantity stands for ("thousands of people" -> people)."""
    if tok is not None and not isinstance(tok, tuple) and (tok.lower_ in _QUANTITY or tok.pos_ == "NUM"):
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
        if obj is not None:
            return obj
    return tok


def _apposed_person(tok, ctx: _Ctx) -> Entity | None:
    """The person a role phrase is in apposition with ("the minister, Ana Diaz, said")."""
    for c in tok.children:
        if c.dep_ == "appos":
            ent = ctx.entity_at(c.idx, c.idx + len(c))
            if ent is not None and ent.type == "PERSON":
                return ent
    return None


def _actor_of(tok, ctx: _Ctx) -> tuple[Actor | None, tuple[int, int] | None]:
    tok = _head(tok)
    if tok is None or tok.pos_ in ("VERB", "AUX"):
        return None, None
    if tok.lower_ in ("it", "they", "we") and tok.dep_ == "nsubj" and tok.head.dep_ == "ccomp":
        speaker = next((c for c in tok.head.head.children if c.dep_ == "nsubj"), None)
        if speaker is not None and speaker.lower_ not in _PRONOUNS:  # "the army said it had ..."
            return _actor_of(speaker, ctx)
    if tok.lower_ in _PRONOUNS:
        if tok.lower_ in ("he", "she", "him", "her"):
            person = ctx.person_before(tok.idx, sentence(tok).start_char)
            if person is not None:
                return actor_from_text(person.name, entity=person), (tok.idx, tok.idx + len(tok))
        return None, None
    start, end = _phrase(tok)
    ent = ctx.entity_at(tok.idx, tok.idx + len(tok))
    text = doc_text(tok.doc)[start:end]
    named = _apposed_person(tok, ctx)
    if named is not None and (ent is None or ent.type != "PERSON"):  # "Niger's defence minister, Halima Garba,"
        return actor_from_text(text, entity=named), (start, end)
    if ent is not None and ent.type in ("NORP",) and tok.ent_type_ in ("NORP", "GPE") and tok.dep_ in ("amod", "compound"):
        return actor_from_text(text), (start, end)
    if ent is not None and ent.type in ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"):
        return actor_from_text(text, entity=ent), (start, end)
    return actor_from_text(text), (start, end)


# --- events ---------------------------------------------------------------------------------------


def _sentence_bounds(sent, anchor: int) -> tuple[int, int]:
    """Sentence offsets, cut at paragraph breaks spaCy did not see."""
    text = sent.text
    base = sent.start_char
    rel = anchor - base
    lo = text.rfind("\n", 0, rel) + 1
    hi = text.find("\n", rel)
    hi = len(text) if hi < 0 else hi
    seg = text[lo:hi]
    lo += len(seg) - len(seg.lstrip())
    hi -= len(seg) - len(seg.rstrip())
    return base + lo, base + hi


def _clause_verb(tok):
    cur = tok
    for _ in range(12):
        if cur.pos_ in ("VERB", "AUX") or cur.head is cur:
            return cur
        cur = cur.head
    return cur


def _event_date(trigger, dates, start: int, end: int):
    """The date of the trigger's own clause: one modifying it, else its clause's, else a governing clause's."""
    doc = trigger.doc
    own = _clause_verb(trigger) if trigger.pos_ not in ("VERB", "AUX") else trigger
    ancestors = {a.i for a in own.ancestors} | {own.i}
    best, best_rank = None, None
    for d in dates:
        if d.start < start or d.end > end:
            continue
        span = doc.char_span(d.start, d.end, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        path, cur = [], root
        for _ in range(12):
            path.append(cur)
            if cur.pos_ in ("VERB", "AUX") or cur.head is cur:
                break
            cur = cur.head
        if trigger in path:
            rank = 0
        elif path[-1] is own:
            rank = 1
        elif path[-1].i in ancestors:
            rank = 2
        else:
            continue
        rank = (rank, abs(d.start - trigger.idx))
        if best_rank is None or rank < best_rank:
            best, best_rank = d, rank
    return best


def _event_type(scores: dict[str, float], plover: str | None) -> str | None:
    if plover is None:
        return best_type(scores)
    allowed = COMPATIBLE.get(plover, set())
    return best_type({t: s for t, s in scores.items() if t in allowed})


def _crowd(scores: dict[str, float]) -> bool:
    return any(scores.get(t, 0.0) >= 2 for t in PROTEST_FAMILY)


def _resolve(tok, ctx: _Ctx, country: str | None, crowd: bool):
    """Actor of an argument token, completed from context (bare roles get the event's country)."""
    actor, span = _actor(tok, ctx)
    if actor is None:
        return None, None
    head = _head(tok)
    word = head[1].lower_ if isinstance(head, tuple) else (head.lower_ if head is not None else "")
    named = False
    if head is not None and not isinstance(head, tuple):
        ent = ctx.entity_at(head.idx, head.idx + len(head))
        named = (ent is not None and ent.type in ("PERSON", "ORG")) or _apposed_person(head, ctx) is not None
    return complete_actor(actor, country=country, head=word, crowd=crowd, named=named), span


def _object_noun(tok) -> str | None:
    """Lemma of the noun a verb trigger acts on ("condemned the attack" -> attack), for linking."""
    for c in tok.children:
        if c.dep_ in ("dobj", "nsubjpass") and c.pos_ == "NOUN":
            return c.lemma_.lower()
    return None


def _passive(tok) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)


def _security_subject(sent):
    """'Police fired tear gas ..., and 25 people were arrested': who arrested is the security force
    that acts in the same sentence (the only one), else unknown."""
    words = tables().sector_words
    subjects = {t.lower_: t for t in sent if t.dep_ == "nsubj" and words.get(t.lower_) in ("COP", "MIL")}
    return next(iter(subjects.values())) if len(subjects) == 1 else None


def _not_an_agent(tok, plover: str, scores: dict[str, float]) -> bool:
    """'Floods killed 30 people': a violent verb whose subject is a disaster reports the disaster."""
    if plover != "ASSAULT" or not any(scores.get(t, 0.0) >= 1.5 for t in DISASTERS):
        return False
    subj = _clause_subject(tok)
    return subj is not None and subj.pos_ == "NOUN" and not tables().sector_words.get(subj.lower_)


def _make_event(ctx: _Ctx, tok, etype, plover, cue, source, target, spans, start: int, end: int) -> Event:
    date = _event_date(tok, ctx.dates, start, end)
    place = nearest(ctx.places, start, end, tok.idx, exclude=[s for s in spans if s])
    art = ctx.article
    ev = Event(type=etype, plover=plover, source=source, target=target,
               date=date.value if date else art.published, date_basis="text" if date else "published",
               place=place.name if place else ctx.fallback_place, text=art.text[start:end],
               start=start, end=end, cue=cue)
    return ev


def _trigger_events(sent, ctx: _Ctx, scores: dict[str, float], country: str | None) -> list[Found]:
    found: dict[tuple[str | None, int], Found] = {}
    crowd = _crowd(scores)
    for tok in sent:
        plover, cue = trigger_type(tok)
        if plover is None or _skip(tok):
            continue
        is_verb = tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")
        if is_verb and _not_an_agent(tok, plover, scores):
            ctx.disaster_caused = True  # the casualties are the disaster's: it is reported below
            continue
        src_tok, tgt_tok = (_verb_arguments if is_verb else _noun_arguments)(tok, plover, cue)
        if src_tok is None and is_verb and plover == "COERCE" and _passive(tok):
            src_tok = _security_subject(sent)
        source, s_span = _resolve(src_tok, ctx, country, crowd or plover == "PROTEST")
        target, t_span = _resolve(tgt_tok, ctx, country, crowd)
        etype = _event_type(scores, plover)
        if source is None and target is None and (etype is None or plover in _VERBAL):
            continue  # an interaction needs someone interacting; material events stand alone
        if source and target and normalise_actor(source) == normalise_actor(target) and source.name == target.name:
            target, t_span = None, None
        start, end = _sentence_bounds(sent, tok.idx)
        if target is None and etype in DISASTERS:
            target = victims(ctx.article.text[start:end], country=country)
        ev = _make_event(ctx, tok, etype, plover, cue, source, target, (s_span, t_span), start, end)
        f = Found(ev, tok.lemma_.lower(), not is_verb, _object_noun(tok) if is_verb and target is None else None)
        prev = found.get((plover, start))
        if prev is None or _richness(ev) > _richness(prev.event):
            found[(plover, start)] = f
    return sorted(found.values(), key=lambda f: f.event.start)


def _type_only_event(sent, ctx: _Ctx, scores: dict[str, float], etype: str, country: str | None) -> Found | None:
    """An event said without a PLOVER trigger ("the army had regained control", "floods hit ...").
    Its actors are the arguments of the clause its strongest cue is in; a cue inside a hypothetical
    or intended clause ("sanctions could follow") reports no event."""
    doc = sent.doc
    tok = None
    for s, e in cue_spans(sent.text, etype):
        span = doc.char_span(sent.start_char + s, sent.start_char + e, alignment_mode="expand")
        if span is not None:
            tok = span.root
            break
    start, end = _sentence_bounds(sent, tok.idx if tok is not None else sent.start_char + len(sent.text) // 2)
    source = target = None
    spans: tuple = ()
    if tok is not None:
        verb = tok if tok.pos_ in ("VERB", "AUX") else _clause_verb(tok)
        if verb.pos_ in ("VERB", "AUX") and (_irrealis_verb(verb) or _intended(verb)):
            return None
        if etype not in DISASTERS and verb.pos_ in ("VERB", "AUX"):
            s_tok, t_tok = _verb_arguments(verb, "", None)
            source, s_span = _resolve(s_tok, ctx, country, _crowd(scores))
            target, t_span = _resolve(t_tok, ctx, country, _crowd(scores))
            spans = (s_span, t_span)
    if etype in DISASTERS:
        target = victims(ctx.article.text[start:end], country=country)
    anchor = tok if tok is not None else doc[sent.start]
    ev = _make_event(ctx, anchor, etype, None, None, source, target, spans, start, end)
    if tok is None:
        date = nearest(ctx.dates, start, end, start)
        ev.date, ev.date_basis = (date.value, "text") if date else (ctx.article.published, "published")
    return Found(ev, None, False)


def extract_events(doc, article: Article, *, type_only_min: float = TYPE_ONLY_MIN) -> list[Event]:
    """All events of one article, in text order, each with its evidence sentence and offsets.

    ``type_only_min``: the cue score a sentence without any trigger needs to report an event.
    """
    ctx = _Ctx.build(doc, article)
    doc.user_data["wirewatch.dateline_end"] = ctx.geo.skip_before
    found: list[Found] = []
    for sent in doc.sents:
        if not sent.text.strip():
            continue
        scores = type_scores(sent.text)
        lo, hi = sent.start_char, sent.end_char
        country = ctx.geo.country(lo, hi)
        ctx.disaster_caused = False
        sent_found = _trigger_events(sent, ctx, scores, country)
        if not any(f.event.type for f in sent_found):
            etype = best_type(scores, min_score=type_only_min)
            if etype is None and ctx.disaster_caused:  # "a train derailed, killing 15": corroborated
                etype = best_type({t: v for t, v in scores.items() if t in DISASTERS})
            extra = _type_only_event(sent, ctx, scores, etype, country) if etype else None
            if extra is not None:
                sent_found.append(extra)
        found.extend(sent_found)
    link(found)
    for f in found:
        if f.event.date is None:
            f.event.date_basis = "published"
    return [f.event for f in found]


def _richness(ev: Event) -> int:
    return (ev.source is not None) + (ev.target is not None) + (ev.type is not None) + (ev.date_basis == "text")


def best_event(events: list[Event]) -> Event | None:
    """The most informative typed event (for snippet-level evaluation and summaries)."""
    typed = [e for e in events if e.type]
    if not typed:
        return None
    return max(typed, key=lambda e: (type_scores(e.text).get(e.type, 0.0), _richness(e)))


def event_key(event: Event) -> str:
    """Identity of one real-world event across copies and rewordings of its report.

    Built from what coders compare, not from wording: type and PLOVER class, the actors'
    country/sector codes (or normalised names), the event date as the text gives it, and the
    *country* of the place (copies naming "Tera" and "western Niger" agree on Niger; the place name
    only when its country is unknown).
    """
    place = (event.place or "-").casefold().strip()
    country = place_country(event.place) if event.place else None
    parts = [
        event.type or "-", event.plover or "-", normalise_actor(event.source), normalise_actor(event.target),
        event.date or "-", country or place,
    ]
    return hashlib.blake2b("|".join(parts).encode("utf-8"), digest_size=10).hexdigest()
