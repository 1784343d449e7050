"""Events: who did what to whom, when and where, each with the sentence that says so.

Method (no models to download): trigger words over the spaCy dependency parse.  A verb or noun
from our PLOVER lexicon is a trigger (:mod:`.triggers`); its source and target come from
the parse (:mod:`.args`) and resolve to coded actors (:mod:`.resolve`; capitals are
their governments).  The CASE-2021 type of an event comes from :mod:`.classify` scored on its
sentence, restricted to types compatible with the PLOVER class; sentences with event language but
no trigger (disasters, crime) still give an event with ``plover=None``.  Dates and places:
:mod:`.context`; the article-level second pass: :mod:`.links`; identity across
copies: :mod:`.keys`.

Only asserted events are emitted (:mod:`.assertion`: negation, modality, conditionals, questions,
requests and wishes read through the parse); each carries its ``status`` (``reported``,
``planned``, or ``background`` when its own date ends well before the news), a ``confidence``, its
``trigger``, the ``path`` that coded it and its ``evidence`` sentences; mentions of one happening
are merged (:mod:`.merge`).  Default views show reported events above a threshold
(:mod:`.shown`).

This module assembles those parts; it is the pipeline component (``annotate``).
"""

from __future__ import annotations

import logging

from ...records import Article, Event, Mention
from .assertion import assertion, clause_asserted, habitual, history, words
from .merge import merge_mentions
from .shown import MIN_CONFIDENCE, is_shown, split_shown
from .actors import normalise_actor
from .resolve import ArticleIndex, crowd_event, resolve_actor, state_agent
from .args import (clause_verb, is_passive, noun_arguments, not_an_agent, object_noun, security_subject,
                   verb_arguments)
from .clauses import governing, governor, place_rank
from .context import background_date, nearest
from .keys import event_key
from .links import DISASTERS, Found, link, victims
from .triggers import candidate_tokens, default_type, event_noun, figurative, is_event_word, refers_back, trigger_type
from .classify import best_type, classify_event_type, cue_spans, type_scores

log = logging.getLogger(__name__)

__all__ = ["annotate", "extract_events", "event_key", "classify_event_type", "PLOVER_TYPES", "best_event",
           "MIN_CONFIDENCE", "is_shown", "split_shown"]

PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")

_VIOLENT = {"ARMED_CLASH", "ATTACK", "AIR_STRIKE", "ART_MISS_ATTACK", "REM_EXPLOS", "SUIC_BOMB", "GRENADE",
            "CHEM_WEAP", "SEX_VIOL", "PROPERTY_DISTRUCT", "MOB_VIOL", "VIOL_DEMONSTR", "GOV_REGAINS_TERIT",
            "NON_STATE_ACTOR_OVERTAKES_TER", "FORCE_AGAINST_PROTEST", "ABDUCT_DISSAP", "MAN_MADE_DISASTER"}
_PROTESTS = {"PEACE_PROTEST", "PROTEST_WITH_INTER", "FORCE_AGAINST_PROTEST", "VIOL_DEMONSTR", "MOB_VIOL"}
# CASE-2021 types an event of each PLOVER class can have (a REQUEST is never an air strike).
COMPATIBLE: dict[str, set[str]] = {
    "ASSAULT": _VIOLENT | _PROTESTS,  # force used at a demonstration is coded by the demonstration's type
    "COERCE": {"ARREST", "ABDUCT_DISSAP", "DISR_WEAP", "OTHER", "PROPERTY_DISTRUCT", "NON_STATE_ACTOR_OVERTAKES_TER",
               "GOV_REGAINS_TERIT", "ORG_CRIME"} | _PROTESTS,
    "PROTEST": _PROTESTS,
    "AGREE": {"AGREEMENT"}, "CONSULT": {"AGREEMENT", "DIPLO"}, "CONCEDE": {"AGREEMENT", "NON_VIOL_TERRIT_TRANSFER"},
    "SANCTION": {"DIPLO"}, "MOBILIZE": {"CHANGE_TO_GROUP_ACT", "HQ_ESTABLISHED"},
    "RETREAT": {"NON_VIOL_TERRIT_TRANSFER", "CHANGE_TO_GROUP_ACT"}, "ACCUSE": {"ATTRIB"}, "REJECT": {"ATTRIB"},
    "SUPPORT": {"DIPLO"}, "COOPERATE": {"DIPLO", "AGREEMENT"}, "AID": set(), "REQUEST": set(), "THREATEN": set(),
}
_VERBAL = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "REQUEST", "ACCUSE", "REJECT", "THREATEN"}
TYPE_ONLY_MIN = 2.5  # cue score a sentence without trigger needs (5-fold choice on the CASE tuning half; same
# precision on the tuning articles as 4.0 now that assertion filters hypothetical sentences)
CONTEXT_CHARS = 400  # how far back an event without a place of its own looks for one


def annotate(doc, article: Article) -> None:
    """Fill ``article.events`` from the spaCy doc (pipeline component, see runtime.py)."""
    article.events = extract_events(doc, article)


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



def _event_date(trigger, dates, start: int, end: int):
    """The date of the trigger's own clause: one modifying it, else its clause's, else a governing clause's
    (through the verb a coordinated verb really shares its clause with, :func:`.clauses.governor`)."""
    doc = trigger.doc
    own = clause_verb(trigger) if trigger.pos_ not in ("VERB", "AUX") else trigger
    ancestors = {own.i}
    cur = own
    # governing clauses, up to a report: "said on Friday that X had done" dates the saying
    while governor(cur).i != cur.i:
        head = governor(cur)
        if cur.dep_ in ("ccomp", "parataxis") and head.lemma_.lower() in words()["report_verbs"]:
            break
        cur = head
        ancestors.add(cur.i)
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
            if cur.pos_ in ("VERB", "AUX") or cur.head.i == cur.i:
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
    """The sentence's best type among those the PLOVER class allows (any, for a type-only event)."""
    if plover is None:
        return best_type(scores)
    allowed = COMPATIBLE.get(plover, set())
    return best_type({t: s for t, s in scores.items() if t in allowed})


def _make_event(ctx: ArticleIndex, tok, etype, plover, cue, source, target, spans, start: int, end: int, *,
                status: str = "reported", path: str = "rule", confidence: float | None = None) -> Event:
    """An event with its own date and nearest place (not one of its actors' spans) and that place's country;
    history dated well before the article's news is ``background``."""
    date = _event_date(tok, ctx.dates, start, end)
    place = _event_place(ctx, tok, start, end, [s for s in spans if s])
    art = ctx.article
    where = (place.name, place.country) if place else _fallback(ctx, tok.doc, start, end)
    undated_history = date is None and history(tok)
    if status == "reported" and (undated_history or (date is not None and background_date(date.value, art.published))):
        status = "background"
    when, basis = (date.value, "text") if date else (None, "unknown") if undated_history else (art.published,
                                                                                                 "published")
    ev = Event(type=etype, plover=plover, source=source, target=target, date=when, date_basis=basis,
               place=where[0], text=art.text[start:end],
               start=start, end=end, cue=cue, place_country=where[1],
               status=status, confidence=confidence, trigger=cue or tok.text, path=path,
               evidence=[Mention(art.text[start:end], start, end)])
    return ev


def _fallback(ctx: ArticleIndex, doc, start: int, end: int) -> tuple[str | None, str | None]:
    """The dateline's place, for an event whose clause names none, only where the story is about the
    dateline's country: a story filed from Ottawa about Mali does not place its events in Ottawa."""
    text = ctx.article.text
    para = text.rfind("\n\n", 0, start)
    prev_para = text.rfind("\n\n", 0, max(para, 0))
    lo = max(prev_para if prev_para >= 0 else 0, start - CONTEXT_CHARS, ctx.geo.skip_before)
    before = [p for p in ctx.places if lo <= p.start and p.end <= start and not _modifier(doc, p)]
    if before:  # the nearest context: the last place named just before, in this or the previous paragraph
        last = max(before, key=lambda p: p.start)
        return last.name, last.country
    home = ctx.fallback_country
    if ctx.fallback_place is None:
        return None, None
    here = ctx.geo.country(start, end)
    if here is not None and here != home:
        return None, None
    elsewhere = {c for s, _, c in ctx.geo.mentions if s >= ctx.geo.skip_before and c != home}
    if elsewhere and here != home:
        return None, None
    return ctx.fallback_place, home


def _event_place(ctx: ArticleIndex, tok, start: int, end: int, exclude: list):
    """The place of the trigger's own phrase, else its clause's, else a governing clause's (nearest the
    trigger within each); a place in another clause of the sentence, or an origin ("would arrive from
    Turkey"), is not where the event happened (:func:`.clauses.place_rank`)."""
    ranked = _clause_places(ctx, tok, start, end)
    best = None
    for rank, place in ranked:
        if any(place.start < e and s < place.end for s, e in exclude):
            continue
        key = (rank, min(abs(place.start - tok.idx), abs(place.end - tok.idx)))
        if best is None or key < best[0]:
            best = (key, place)
    return best[1] if best else None


def _clause_places(ctx: ArticleIndex, tok, start: int, end: int, *, modifiers: bool = False) -> list:
    """(rank, place) of the sentence's places that belong to the trigger's clauses; ``modifiers``:
    also place names used as modifiers ("US-backed", "Nordland's assault"), which are no locations
    but do say whose people are involved."""
    key = ("clause_places", tok.i, start, end, modifiers)
    if key in ctx.cache:
        return ctx.cache[key]
    doc = tok.doc
    roots = ctx.cache.get("place_roots")
    if roots is None:  # the root word and modifier use of each place mention, once per doc
        roots = ctx.cache["place_roots"] = {}
        for p in ctx.places:
            span = doc.char_span(p.start, p.end, alignment_mode="expand")
            roots[(p.start, p.end)] = (span.root if span is not None else None, _modifier(doc, p))
    chain = None
    out = []
    for p in ctx.places:
        if p.start < start or p.end > end:
            continue
        root, is_modifier = roots.get((p.start, p.end), (None, False))
        if root is None or (is_modifier and not modifiers):
            continue
        chain = chain if chain is not None else governing(tok)
        rank = place_rank(root, tok, chain)
        if rank is not None:
            out.append((rank, p))
    ctx.cache[key] = out
    return out


def _clause_country(ctx: ArticleIndex, tok, start: int, end: int) -> str | None:
    """The country a bare role or generic people of this trigger belong to: the one country of the
    places of the trigger's clauses (as :meth:`.links.Geo.country` reads a sentence), else the story's.
    A place of another clause ("would arrive from Turkey") gives the trigger's people no country; a
    place name used as a modifier ("Nordland's assault", "the French president") names someone else's
    side, so it makes the country ambiguous but never gives one."""
    def countries(modifiers: bool) -> set[str]:
        return {p.country for _, p in _clause_places(ctx, tok, start, end, modifiers=modifiers)
                if p.country and p.start >= ctx.geo.skip_before}

    found, with_modifiers = countries(False), countries(True)
    if len(found) == 1 and found == with_modifiers:
        return next(iter(found))
    story = ctx.geo.story
    if not with_modifiers or (not found and story in with_modifiers):
        return story
    return story if found and story in found else None


def _modifier(doc, place) -> bool:
    """A place name used as a modifier of another noun ("US-backed council", "UK armed forces")."""
    span = doc.char_span(place.start, place.end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    return root.dep_ in ("amod", "compound", "poss", "npadvmod", "nmod") and root.head.ent_type_ not in ("GPE", "LOC")


def _confidence(is_verb: bool, source, target, etype, penalty: float) -> float:
    """How sure the rule path is: a verb with its arguments and a type, less for bare nouns and hedges."""
    base = 0.6 if is_verb else 0.5
    score = base + 0.15 * (source is not None) + 0.1 * (target is not None) + 0.1 * (etype is not None)
    return round(max(0.05, min(0.99, score - penalty)), 3)


def _trigger_events(sent, ctx: ArticleIndex, scores: dict[str, float], country: str | None) -> list[Found]:
    found: dict[tuple[str | None, int], Found] = {}
    crowd = crowd_event(scores)
    for tok in (sent.doc[i] for i in ctx.candidates if sent.start <= i < sent.end):
        plover, cue = trigger_type(tok)
        if plover is None:
            disaster = event_noun(tok)
            if disaster is None or refers_back(tok) or not (
                    scores.get(disaster, 0.0) >= 2.5 or victims(sent.text, country=None) is not None):
                continue
            status, penalty = assertion(tok)
            if status is None:
                continue
            start, end = _sentence_bounds(sent, tok.idx)
            ev = _make_event(ctx, tok, disaster, None, tok.text, None, victims(ctx.article.text[start:end],
                             country=country), (), start, end, status=status, path="rule:event-noun",
                             confidence=_confidence(False, None, None, disaster, penalty - 0.1))
            f = Found(ev, tok.lemma_.lower(), True)
            f.extra["depth"] = _depth(tok)
            prev = found.get((None, start))
            if prev is None or _main_rank(f) > _main_rank(prev):
                found[(None, start)] = f
            continue
        if refers_back(tok) and not _own_details(tok):
            continue
        status, penalty = assertion(tok)
        if status is None or plover in _VERBAL and habitual(tok):
            continue  # (talks held "once a year" are a habit; attacks "every night" are still news)
        is_verb = tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")
        if is_verb and not_an_agent(tok, plover, scores):
            ctx.disaster_caused = True  # the casualties are the disaster's: it is reported below
            continue
        src_tok, tgt_tok = (verb_arguments if is_verb else noun_arguments)(tok, plover, cue)
        if is_verb and src_tok is not None and not isinstance(src_tok, tuple) and is_event_word(src_tok):
            # "Nordland's assault on Tamsa killed four soldiers": who killed is who assaulted
            src_tok, noun_tgt = noun_arguments(src_tok, plover, None)
            tgt_tok = tgt_tok if tgt_tok is not None else noun_tgt
        if src_tok is None and is_verb and plover == "ASSAULT" and is_passive(tok):
            src_tok = _cause_agent(tok, plover)  # "killed in a US-led attack": who attacked
        if src_tok is None and is_verb and plover == "COERCE" and is_passive(tok):
            src_tok = security_subject(sent)
        start, end = _sentence_bounds(sent, tok.idx)
        here = _clause_country(ctx, tok, start, end)
        # roles and named actors keep the sentence's country; generic people are where their clause is
        source, s_span = resolve_actor(src_tok, ctx, country, crowd or plover == "PROTEST", people_country=here)
        target, t_span = resolve_actor(tgt_tok, ctx, country, crowd, people_country=here)
        etype = _event_type(scores, plover)
        if etype is None:
            fallback = default_type(tok)
            etype = fallback if fallback in COMPATIBLE.get(plover, ()) else None
        if source is None and target is None and (etype is None or plover in _VERBAL):
            continue  # an interaction needs someone interacting; material events stand alone
        if source and target and normalise_actor(source) == normalise_actor(target) and source.name == target.name:
            target, t_span = None, None
        if target is None and etype in DISASTERS:
            target = victims(ctx.article.text[start:end], country=here)
        ev = _make_event(ctx, tok, etype, plover, cue, source, target, (s_span, t_span), start, end,
                         status=status, path=f"rule:trigger-{'verb' if is_verb else 'noun'}",
                         confidence=_confidence(is_verb, source, target, etype, penalty))
        if source is None and is_verb and plover == "COERCE" and etype in (None, "ARREST") and is_passive(tok) \
                and _place_pos(ctx, ev) >= 0 and not _in_subject(tok, _place_pos(ctx, ev)):
            ev.source = state_agent(ev.place_country)  # "was jailed in Turkey": by the Turkish state
        f = Found(ev, tok.lemma_.lower(), not is_verb, object_noun(tok) if is_verb and target is None else None)
        f.extra["depth"] = _depth(tok)
        prev = found.get((plover, start))
        if prev is None or _main_rank(f) > _main_rank(prev):
            found[(plover, start)] = f
    return sorted(found.values(), key=lambda f: f.event.start)


def _type_only_event(sent, ctx: ArticleIndex, scores: dict[str, float], etype: str,
                     country: str | None) -> Found | None:
    """An event said without a PLOVER trigger ("the army had regained control", "floods hit ...").
    Its actors are the arguments of the clause its strongest cue is in; a cue inside a hypothetical
    or intended clause ("sanctions could follow") reports no event."""
    doc = sent.doc
    tok = None
    status, penalty = "reported", 0.0
    for s, e in cue_spans(sent.text, etype):
        span = doc.char_span(sent.start_char + s, sent.start_char + e, alignment_mode="expand")
        if span is not None:
            tok = span.root
            break
    start, end = _sentence_bounds(sent, tok.idx if tok is not None else sent.start_char + len(sent.text) // 2)
    source = target = None
    spans: tuple = ()
    if tok is not None and etype == "DIPLO" and (tok.pos_ == "ADV" or _names_people(tok) and _described(tok)
                                                  or _only_role_nouns(sent, etype)):
        return None  # "a soldier and a diplomat", "Dr X, consultant in", "diplomatically": a title or a
        # manner, no meeting; "our envoys are ready", "the ambassador said": people, not what they did
        # (agent nouns of acts - "rioters", "kidnappers" - do say something happened)
    if tok is not None and tok.pos_ == "VERB" and figurative(tok):
        return None  # "the committees sanction funds": the cue word in another sense
    if tok is not None:
        verb = tok if tok.pos_ in ("VERB", "AUX") else clause_verb(tok)
        status, penalty = assertion(tok)
        if status is None or not clause_asserted(tok):
            return None
        if etype not in DISASTERS and verb.pos_ in ("VERB", "AUX"):
            s_tok, t_tok = verb_arguments(verb, "", None)
            source, s_span = resolve_actor(s_tok, ctx, country, crowd_event(scores))
            target, t_span = resolve_actor(t_tok, ctx, country, crowd_event(scores))
            spans = (s_span, t_span)
    if etype in DISASTERS:
        target = victims(ctx.article.text[start:end], country=country)
    anchor = tok if tok is not None else doc[sent.start]
    ev = _make_event(ctx, anchor, etype, None, None, source, target, spans, start, end, status=status,
                     path=f"rule:type-cues:{scores.get(etype, 0.0):.1f}",
                     confidence=round(max(0.05, min(0.9, 0.3 + scores.get(etype, 0.0) / 10) - penalty), 3))
    if tok is not None:
        ev.trigger = tok.text
    else:
        ev.trigger = None
    if tok is None:
        date = nearest(ctx.dates, start, end, start)
        ev.date, ev.date_basis = (date.value, "text") if date else (ctx.article.published, "published")
    return Found(ev, None, False)


def extract_events(doc, article: Article, *, type_only_min: float = TYPE_ONLY_MIN, merge: bool = True) -> list[Event]:
    """All asserted events of one article, in text order, each with its evidence sentences and offsets.

    ``type_only_min``: the cue score a sentence without any trigger needs to report an event;
    ``merge``: one event per happening (mentions merged), else one per mention.
    """
    ctx = ArticleIndex.build(doc, article)
    ctx.candidates = candidate_tokens(doc)
    doc.user_data["wirewatch.dateline_end"] = ctx.geo.skip_before
    found: list[Found] = []
    for si, sent in enumerate(doc.sents):
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
        for f in sent_found:
            f.extra["sent"] = si
        found.extend(sent_found)
    link(found)
    for f in found:
        if f.event.date is None and f.event.date_basis != "unknown":
            f.event.date_basis = "published"
    if not merge:
        return [f.event for f in found]
    sent_of = [f.extra.get("sent", 0) for f in found]
    return merge_mentions([f.event for f in found], sent_of, [f.cue_lemma for f in found],
                          [_place_pos(ctx, f.event) >= 0 for f in found])


_PERSON_SUFFIXES = ("ist", "ists", "ant", "ants", "or", "ors", "er", "ers", "at", "ats", "art", "arts", "ian", "ians")


def _names_people(tok) -> bool:
    """A noun naming people ("diplomat", "counterpart", "negotiators"), not an event noun ("combat")."""
    if tok.pos_ not in ("NOUN", "PROPN") or is_event_word(tok):
        return False
    low = tok.lower_
    return low.endswith(_PERSON_SUFFIXES) and len(low) > 5


def _only_role_nouns(sent, etype: str) -> bool:
    """Whether every cue of a type in the sentence is a noun naming people by office that is the
    subject of its clause ("our envoys are ready to travel"): who acts, not what they did (a verb of
    the act would be a trigger).  Office holders something is done to ("the ambassador was
    summoned") do report an act."""
    doc = sent.doc
    roots = []
    for s, e in cue_spans(sent.text, etype):
        span = doc.char_span(sent.start_char + s, sent.start_char + e, alignment_mode="expand")
        if span is not None:
            roots.append(span.root)
    return bool(roots) and all(_role_noun(r) and r.dep_ in ("nsubj", "poss", "appos", "attr", "compound")
                               for r in roots)


def _role_noun(tok) -> bool:
    """A noun naming people by their office ("envoys", "the ambassador", "diplomats"), which says who
    someone is, not that anything happened."""
    if tok.pos_ not in ("NOUN", "PROPN") or is_event_word(tok):
        return False
    from .actors import tables

    words = tables().sector_words
    return bool(words.get(tok.lower_) or words.get(tok.lemma_.lower())) or _names_people(tok)


def _described(tok) -> bool:
    """A noun that describes someone rather than taking part in a clause: an apposition, a predicate
    or a 'soldier and diplomat' list ("Dr X, consultant in ...", "respected as a diplomat")."""
    return tok.dep_ in ("appos", "attr", "conj") or (tok.dep_ == "pobj" and tok.head.lower_ == "as")


def _cause_agent(tok, plover: str):
    """Who did a passive act without a "by" agent, from the act it happened in: "were killed in a
    rebel ambush", "died during a US-led attack" (the agent of the event noun, if it names one)."""
    for c in tok.children:
        if c.dep_ in ("prep", "agent") and c.lower_ in ("in", "during", "by"):
            for g in c.children:
                if g.dep_ == "pobj" and is_event_word(g):
                    src, _ = noun_arguments(g, plover, None)
                    if src is not None:
                        return src
    return None


def _in_subject(verb, pos: int) -> bool:
    """Whether a character offset lies in a verb's subject ("Robinson, formerly of Accrington, was
    sentenced": Accrington says who he is, not where he was sentenced)."""
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass", "csubj"):
            lo, hi = c.left_edge.idx, c.right_edge.idx + len(c.right_edge)
            if lo <= pos < hi:
                return True
    return False


def _place_pos(ctx: ArticleIndex, ev: Event) -> int:
    """Where the event's place is named in its sentence (-1 when it came from context or the dateline)."""
    for p in ctx.places:
        if p.name == ev.place and ev.start <= p.start < ev.end:
            return p.start
    return -1


def _own_details(tok) -> bool:
    """An event noun that an act refers to but that brings its own details ("condemned the attack on
    the kar sevaks at Godhra station"): it is an event of its own (merged with its report, if any)."""
    return any(c.dep_ in ("prep", "amod", "compound", "poss", "nummod") and c.lower_ not in ("the", "this", "that")
               for c in tok.children)


def _depth(tok) -> int:
    """How far a trigger is from its sentence's root (the main event is near it)."""
    n = 0
    while tok.head.i != tok.i and n < 12:
        tok, n = tok.head, n + 1
    return n


def _main_rank(f: Found) -> tuple:
    """Which of a sentence's triggers of one class is its event: asserted news first, then the one
    nearest the main clause, then the most informative."""
    return (f.event.status == "reported", -f.extra.get("depth", 0), _richness(f.event))


def _richness(ev: Event) -> int:
    return (ev.source is not None) + (ev.target is not None) + (ev.type is not None) + (ev.date_basis == "text")


def best_event(events: list[Event]) -> Event | None:
    """The most informative typed event (for snippet-level evaluation and summaries)."""
    typed = [e for e in events if e.type]
    if not typed:
        return None
    return max(typed, key=lambda e: (type_scores(e.text).get(e.type, 0.0), _richness(e)))

