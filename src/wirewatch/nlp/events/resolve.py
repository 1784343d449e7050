"""Actors of event arguments: from a parse token to a coded actor, using what the article knows.

An argument token names an actor through the entity it mentions (canonical names from the
entities component), a role in apposition ("the minister, Ana Diaz,"), a pronoun resolved to the
person named before it, or the words of its phrase ("the Malian military").  Phrases that name
no one who can act ("the coup", "concerns") give no actor; bare roles are completed with the
event's country by :func:`.links.complete_actor`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...records import Actor, Article, Entity
from .actors import actor_from_text, is_actor_like, non_actor_heads, state_actor
from .triggers import is_event_word
from ..docutil import doc_text, sentence
from .context import article_dates, article_places, dateline_country, dateline_place
from .links import Geo, complete_actor
from .classify import PROTEST_FAMILY

__all__ = ["ArticleIndex", "resolve_actor", "crowd_event", "state_agent"]

_PRONOUNS = {"he", "she", "him", "her", "they", "them", "it", "that", "which", "who", "whom", "those", "this", "these"}
_GENERIC_HEADS = {"government", "military", "army", "forces", "troops", "ministry", "officials", "authorities",
                  "president", "leader", "leaders", "members", "supporters", "units", "police"}
# role words a "he"/"she" can stand for
_PERSON_ROLES = {"leader", "chief", "minister", "president", "spokesman", "spokeswoman", "spokesperson", "governor",
                 "mayor", "commander", "general", "convenor", "chairman", "chairwoman", "head", "secretary", "judge",
                 "man", "woman", "boy", "girl", "father", "mother", "son", "daughter", "husband", "wife",
                 "prosecutor", "official", "lawyer", "councillor", "mp", "senator", "ambassador", "envoy", "king"}
_FIRST_PERSON = {"i", "me", "we", "us", "my", "our"}
_QUANTITY = {"thousands", "hundreds", "dozens", "scores", "millions", "tens", "number", "group", "crowd", "crowds"}


@dataclass(slots=True)
class ArticleIndex:
    """What the event builder needs from the article, indexed once per document."""

    article: Article
    mentions: list[tuple[int, int, Entity]]
    persons: list[tuple[int, Entity]]
    geo: Geo
    dates: list
    places: list
    fallback_place: str | None  # the dateline's place, for events whose sentence names none
    fallback_country: str | None
    disaster_caused: bool = False  # a casualty verb in the current sentence was the disaster's
    candidates: tuple[int, ...] = ()  # indices of the tokens that may be triggers
    cache: dict = field(default_factory=dict)  # per-doc memo of the event builder (place roots, clause places)

    @classmethod
    def build(cls, doc, article: Article) -> ArticleIndex:
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
                   article_dates(doc, article), article_places(doc, article), dateline_place(article),
                   dateline_country(article))

    def entity_at(self, start: int, end: int) -> Entity | None:
        """The entity with a mention overlapping [start, end), if any."""
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
    # never a clause fragment: the phrase starts after any verb, clause punctuation or line break
    # before its head ("convince US president", "United States There, Kurdish-led forces")
    for t in tok.doc[left.i:tok.i]:
        if t.pos_ in ("VERB", "AUX") or (t.is_punct and t.text not in "-'’.&") or "\n" in t.whitespace_ + t.text:
            left = t.nbor(1)
    # no leading function words, nor a date parsed as a modifier ("On Sunday rebels attacked")
    while left.i < tok.i and (left.dep_ in ("prep", "punct", "cc", "case") or left.ent_type_ in ("DATE", "TIME")):
        left = left.nbor(1)
    right = tok
    if tok.lower_ in _GENERIC_HEADS:
        pp = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        if pp is not None and any(g.dep_ == "pobj" for g in pp.children):  # not "of shielding the rioters"
            right = pp.right_edge
    return left.idx, right.idx + len(right.text)


def _actor(tok, ctx: ArticleIndex) -> tuple[Actor | None, tuple[int, int] | None]:
    """The actor an argument token names, or None when it names no one who can act."""
    if isinstance(tok, tuple):  # a scanned (first, head) phrase
        first, head = tok
        start, end = first.idx, head.idx + len(head.text)
        return actor_from_text(doc_text(head.doc)[start:end]), (start, end)
    actor, span = _actor_of(tok, ctx)
    if actor is None:
        return None, None
    ent = ctx.entity_at(tok.idx, tok.idx + len(tok)) or _apposed_person(_head(tok), ctx)
    unknown = _unknown_name(tok, ctx)
    if not is_actor_like(actor, entity=ent, proper=unknown) and tok.lower_ not in ("he", "she", "him", "her") \
            and tok.lower_ not in _FIRST_PERSON:  # (pronouns resolved to a person or a quote's speaker)
        return None, None
    if unknown or (ent is not None and ent.type == "PERSON"):
        person = _full_name(actor.name, ctx)
        if person is not None:  # "Robinson" once the article named "Joe Robinson": its canonical full name
            return actor_from_text(person.name, entity=person), span
    return actor, span


def _full_name(name: str, ctx: ArticleIndex) -> Entity | None:
    """The person the article names in full whose surname is this one-word name, if exactly one."""
    words = name.casefold().split()
    if len(words) != 1:
        return None
    found = {e.name: e for _, e in ctx.persons if len(e.name.split()) > 1
             and e.name.casefold().split()[-1] == words[0]}
    return next(iter(found.values())) if len(found) == 1 else None


def _previous_subject(tok, sentences: int = 2):
    """The singular subject of a person-like phrase nearest before a pronoun, in its sentence or the
    ``sentences`` before it ("The minister appealed to X. He also appealed to Y" -> the minister)."""
    doc = tok.doc
    sent = sentence(tok)
    lo = sent.start
    for _ in range(sentences):
        if lo == 0:
            break
        lo = sentence(doc[lo - 1]).start
    for t in reversed(doc[lo:tok.i]):
        if t.dep_ in ("nsubj", "nsubjpass") and t.tag_ in ("NN", "NNP") and t.lower_ not in _PRONOUNS \
                and (t.pos_ == "PROPN" and t.ent_type_ not in ("GPE", "LOC", "NORP", "DATE")
                     or t.lower_ in _PERSON_ROLES):
            return t
    return None


def _lowercased(tok) -> bool:
    """Whether a word's sentence lost its capitals (copy lower-cased upstream)."""
    return not any(ch.isupper() for ch in sentence(tok).text)


def _bare_name(tok) -> bool:
    """In copy that lost its capitals, a singular subject without determiner is a name the tagger
    took for a noun ("yadav said", "mishra charged"): English count nouns need one."""
    if not _lowercased(tok) or tok.dep_ != "nsubj" or tok.tag_ != "NN":
        return False
    return not any(c.dep_ in ("det", "poss", "amod", "nummod") for c in tok.children) \
        and not is_event_word(tok) and tok.lemma_.lower() not in non_actor_heads()


def _unknown_name(tok, ctx: ArticleIndex) -> bool:
    """A proper noun the NER did not label, which names no place: a person or body ("naidu appealed")."""
    tok = _head(tok)
    if tok is None or isinstance(tok, tuple) or tok.ent_type_ or not tok.is_alpha:
        return False  # "gu.com/letters" is an address, not a name
    if not (tok.pos_ == "PROPN" and _lowercased(tok) or _bare_name(tok)):
        return False  # in cased text a name the NER did not label is rarely someone who acts
    lo, hi = tok.idx, tok.idx + len(tok)
    return ctx.entity_at(lo, hi) is None and not any(p.start < hi and lo < p.end for p in ctx.places)


def _head(tok):
    """The noun a quantity stands for ("thousands of people" -> people)."""
    if tok is not None and not isinstance(tok, tuple) and (tok.lower_ in _QUANTITY or tok.pos_ == "NUM"):
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
        if obj is not None:
            return obj
    return tok


def _apposed_person(tok, ctx: ArticleIndex) -> Entity | None:
    """The person a role phrase is in apposition with ("the minister, Ana Diaz, said")."""
    for c in tok.children:
        if c.dep_ == "appos":
            ent = ctx.entity_at(c.idx, c.idx + len(c))
            if ent is not None and ent.type == "PERSON":
                return ent
    return None


def _actor_of(tok, ctx: ArticleIndex) -> tuple[Actor | None, tuple[int, int] | None]:
    """Actor and span a token names: a pronoun's person, an apposed person, its entity, or its words."""
    tok = _head(tok)
    if tok is None or tok.pos_ in ("VERB", "AUX"):
        return None, None
    if tok.lower_ in ("it", "they", "we") and tok.dep_ == "nsubj" and tok.head.dep_ == "ccomp":
        speaker = next((c for c in tok.head.head.children if c.dep_ == "nsubj"), None)
        if speaker is not None and speaker.lower_ not in _PRONOUNS:  # "the army said it had ..."
            return _actor_of(speaker, ctx)
    if tok.lower_ in _FIRST_PERSON and tok.tag_ in ("PRP", "PRP$"):
        speaker = _quote_speaker(tok, ctx)  # "'I have met the police chiefs,' Modi said": Modi
        return (speaker, (tok.idx, tok.idx + len(tok))) if speaker is not None else (None, None)
    if tok.tag_ == "PRP" and tok.lower_ in ("us", "we", "you", "i", "me", "our"):
        return None, None  # "let us condemn": the writer and readers, not the United States
    if tok.lower_ in _PRONOUNS:
        if tok.lower_ in ("he", "she", "him", "her"):
            person = ctx.person_before(tok.idx, sentence(tok).start_char)
            if person is not None:
                return actor_from_text(person.name, entity=person), (tok.idx, tok.idx + len(tok))
            subject = _previous_subject(tok)
            if subject is not None:  # no person named before: the one the text was about
                actor, _ = _actor_of(subject, ctx)
                if actor is not None:
                    return actor, (tok.idx, tok.idx + len(tok))
        return None, None
    if is_event_word(tok) or tok.lemma_.lower() in non_actor_heads():
        return None, None  # "a decades-long insurgency", "the Iran deal": what happened, not who
    start, end = _phrase(tok)
    ent = ctx.entity_at(tok.idx, tok.idx + len(tok))
    text = doc_text(tok.doc)[start:end]
    named = _apposed_person(tok, ctx)
    if named is not None and (ent is None or ent.type != "PERSON"):  # "Niger's defence minister, Halima Garba,"
        return actor_from_text(text, entity=named), (start, end)
    if (ent is not None and ent.type in ("NORP",) and tok.ent_type_ in ("NORP", "GPE")
            and tok.dep_ in ("amod", "compound")):
        return actor_from_text(text), (start, end)
    if ent is not None and ent.type in ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"):
        return actor_from_text(text, entity=ent), (start, end)
    actor = actor_from_text(text)
    if actor.country is None and any(c.dep_ == "poss" and c.lower_ in ("its", "their") for c in tok.children):
        actor.country = _owner_country(tok, ctx)  # "Turkey ... after its military forces launched"
    return actor, (start, end)


def _quote_speaker(tok, ctx: ArticleIndex) -> Actor | None:
    """Who "I"/"we" are inside a direct quotation: its speaker, as the quotes component attributed it
    (outside quotations, and in quotes without a speaker, they name no actor)."""
    for q in ctx.article.quotes:
        if q.direct and q.speaker and q.start <= tok.idx < q.end:
            m = q.speaker_mention
            ent = ctx.entity_at(m.start, m.end) if m is not None else None
            if ent is None or ent.type not in ("PERSON", "ORG", "GPE", "NORP"):
                ent = next((e for _, _, e in ctx.mentions if e.name == q.speaker), None)
            return actor_from_text(ent.name if ent is not None else q.speaker, entity=ent)
    return None


def _owner_country(tok, ctx: ArticleIndex) -> str | None:
    """The country an "its"/"their" stands for: the nearest country named before it in its sentence."""
    sent = sentence(tok)
    before = [p for p in ctx.places if sent.start_char <= p.start < tok.idx and p.country
              and state_actor(p.name) is not None]
    return max(before, key=lambda p: p.start).country if before else None


def crowd_event(scores: dict[str, float]) -> bool:
    """Whether a sentence reads as a demonstration (its people are protesters)."""
    return any(scores.get(t, 0.0) >= 2 for t in PROTEST_FAMILY)


def resolve_actor(tok, ctx: ArticleIndex, country: str | None, crowd: bool, *, people_country: str | None = None):
    """Actor of an argument token, completed from context (bare roles get the event's country;
    generic people ``people_country`` where given, see :func:`.links.complete_actor`)."""
    actor, span = _actor(tok, ctx)
    if actor is None:
        return None, None
    head = _head(tok)
    word = head[1].lower_ if isinstance(head, tuple) else (head.lower_ if head is not None else "")
    named = False
    if head is not None and not isinstance(head, tuple):
        ent = ctx.entity_at(head.idx, head.idx + len(head))
        named = (ent is not None and ent.type in ("PERSON", "ORG")) or _apposed_person(head, ctx) is not None
        span = _with_appositions(head, span)
    return complete_actor(actor, country=country, head=word, crowd=crowd, named=named,
                          people_country=people_country), span


def _with_appositions(head, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """An actor's span with its appositions and modifiers set off by commas ("Joe Robinson, 25,
    formerly of Accrington,"): a place there says who the actor is, not where the event happened."""
    if span is None:
        return None
    lo, hi = span
    doc = head.doc
    for c in head.children:
        # set off by commas: "Joe Robinson, 25, formerly of Accrington," (not "a base near Tamsa")
        if c.i > head.i and (c.dep_ == "appos" or any(t.text == "," for t in doc[head.i + 1:c.i])) \
                and c.dep_ not in ("punct", "cc", "conj"):
            last = c.right_edge
            hi = max(hi, last.idx + len(last.text))
    return lo, hi



def state_agent(country: str | None) -> Actor | None:
    """The state of a country as the agent of what only a state does there ("was jailed in Turkey")."""
    if not country:
        return None
    from .actors import tables

    return Actor(tables().country_name.get(country, country), country=country, sector="GOV")
