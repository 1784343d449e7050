"""Arguments of event triggers, read off the spaCy dependency parse.

Source = nsubj (or the "by" agent of a passive), target = dobj, nsubjpass, or a preposition that
fits the PLOVER class ("call on X", "clash with X", "talks between X and Y").  Subjects of
controlled and coordinated verbs are found by climbing the parse ("Ottawa was quick to condemn"
-> Ottawa).  These functions return tokens (or a scanned (first, head) phrase); turning them
into actors is :mod:`.resolve`' job.
"""

from __future__ import annotations

from ..docutil import doc_text
from .actors import state_actor, tables
from .assertion import words
from .clauses import governor
from .links import DISASTERS
from .triggers import LIGHT
from . import ud

__all__ = ["clause_subject", "verb_arguments", "noun_arguments", "prep_objects", "clause_verb", "object_noun",
           "is_passive", "participle", "security_subject", "not_an_agent"]

_PARTICLES_WITH_OBJECT = {"with", "over", "up", "out", "down", "back", "off"}
_FROM_SOURCE = {"ACCUSE", "REQUEST", "THREATEN"}  # nouns of words: who they come from
_FACING = {"face", "receive", "get", "draw", "meet", "confront"}
_ACTOR_SECTORS = {"MIL", "REB", "COP", "GOV", "IGO"}
_TARGET_PREPS = {
    "REQUEST": ("on", "upon", "to"), "ACCUSE": ("against", "at"), "ASSAULT": ("on", "against", "with", "at", "into"),
    "CONSULT": ("with",), "AGREE": ("with",), "AID": ("to", "for"), "SUPPORT": ("for", "to"),
    "COOPERATE": ("with",), "SANCTION": ("against", "on", "from"), "COERCE": ("from", "against", "on"),
    "THREATEN": ("against",), "PROTEST": ("against",), "RETREAT": ("from",), "CONCEDE": ("to",),
    "REJECT": (), "MOBILIZE": ("to", "against"),
}


def clause_subject(tok, depth: int = 5):
    """The subject of ``tok``'s clause, climbing through controlled and coordinated verbs."""
    cur = tok
    skip = tok.doc.user_data.get("wirewatch.dateline_end", 0)
    for _ in range(depth):
        # the subject nearest the verb: a word before a colon is a dateline or a heading ("patna: the
        # rjd chief on friday accused ...")
        subjects = [c for c in cur.children if c.dep_ in ("nsubj", "csubj") and c.idx >= skip
                    and not any(g.text == ":" for g in c.children) and not _across_paragraph(c, tok)]
        if subjects:
            subj = _unpronoun(max(subjects, key=lambda c: (c.i < cur.i, c.i if c.i < cur.i else -c.i)))
            if subj.lower_ in words()["document_nouns"] and subj.head.i != subj.i and depth > 1:
                # "adopted a resolution that urged the centre": the act of whoever adopted it
                adopter = clause_subject(clause_verb(subj.head) if subj.head.pos_ not in ("VERB", "AUX")
                                         else subj.head, depth - 1)
                if adopter is not None:
                    return adopter
            return subj
        if cur.dep_ in ("xcomp", "acomp", "conj", "advcl", "ccomp") and cur.head.i != cur.i:
            cur = governor(cur)  # coordinated verbs share their subject: "X said ... and asked"
            continue
        if cur.dep_ == "pcomp" and cur.tag_ == "VBG" and cur.head.dep_ == "prep" and cur.head.head.i != cur.head.i:
            # a gerund in an adjunct is done by the clause's subject ("is right in calling for", "by
            # attacking"), or by the object of a verb that says what someone did ("accused the
            # government of selling", "charged X with ...")
            gov = cur.head.head
            obj = next((c for c in gov.children if c.dep_ == "dobj"), None)
            if obj is not None and cur.head.lower_ in ("of", "with", "from", "for"):
                return _unpronoun(obj)
            cur = gov
            continue
        if cur.dep_ in ("acl", "relcl") and cur.head.i != cur.i:
            if cur.head.lower_ in words()["document_nouns"]:  # "the party adopted resolutions condemning"
                cur = clause_verb(cur.head)
                continue
            return _unpronoun(cur.head)
        break
    return None


def _across_paragraph(a, b) -> bool:
    """Two words in different paragraphs (a parse joined a heading line to the next sentence)."""
    lo, hi = sorted((a.idx, b.idx))
    return "\n" in doc_text(a.doc)[lo:hi]  # Doc.text rebuilds the whole text on every call


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


def prep_objects(tok, preps: tuple[str, ...]):
    """The object of the first of ``tok``'s prepositions in ``preps`` ("clash with X" -> X)."""
    for c in tok.children:
        if c.dep_ in ("prep", "dative") and c.lower_ in preps:
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    return None


def _between(tok):
    """'clashes/fighting between X and Y': the two sides."""
    side = prep_objects(tok, ("between",))
    if side is None:
        return None
    return side, next((c for c in side.children if c.dep_ == "conj"), None)


def verb_arguments(tok, pl: str, cue: str | None = None):
    """(source, target) tokens of a verb trigger of PLOVER class ``pl``."""
    if ud.is_ud(tok.doc):  # a Universal Dependencies parse (the French model): same roles, other labels
        return ud.verb_arguments(tok, pl, cue)
    sides = _between(tok)
    if sides is not None:
        return sides
    if tok.lemma_ in ("be", "remain", "stay"):  # "X has been in custody": a state of its subject, no agent
        return None, clause_subject(tok)
    source = target = None
    # "provided support": the object is the act, not its target; a verb with its particle keeps its
    # object ("charged the government with", "took over the town")
    light = cue is not None and " " in cue and cue.split()[-1] not in _PARTICLES_WITH_OBJECT
    passive = is_passive(tok)
    noun = participle(tok)
    if noun is not None:  # "villagers killed by rebels", "men accused of ...": the noun is who it was done to
        target = _unpronoun(noun)
    for c in tok.children:
        if c.dep_ == "nsubjpass":
            target = _unpronoun(c)
        elif c.dep_ == "agent":
            source = next((g for g in c.children if g.dep_ == "pobj"), None)
        elif c.dep_ == "xcomp" and passive and source is None:  # "was asked to resign by the prime minister"
            agent = next((g for g in c.children if g.dep_ == "agent" or g.dep_ == "prep" and g.lower_ == "by"), None)
            source = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None
        elif c.dep_ in ("dobj", "dative") and target is None and not light and c.lower_ not in ("fire", "control"):
            target = c
    if not passive:
        source = clause_subject(tok)
        if source is None:
            source = _left_subject(tok)
    if target is None:
        target = prep_objects(tok, _TARGET_PREPS.get(pl, ()))
    if target is None and light and cue.split()[-1] in ("on", "upon", "for", "with", "against"):
        target = prep_objects(tok, (cue.split()[-1],))  # "called on Canada"
    if target is not None and any(c.dep_ == "poss" and c.lower_ in ("its", "their", "his", "her", "our")
                                  for c in target.children):
        target = None  # "wrapped up its mission": the subject's own thing is no second actor
    if target is None and pl == "REQUEST":
        target = _requested_country(tok)
    if pl in ("ACCUSE", "REJECT", "SUPPORT") and target is not None and not isinstance(target, tuple) \
            and target.lemma_.lower() in words()["discourse_objects"]:
        owner = next((c for c in target.children
                      if c.dep_ == "poss" and c.lower_ not in ("its", "their", "his", "her")), None)
        target = owner if owner is not None else target  # "attacked the minister's approach": the minister
    return source, target


def _left_subject(tok):
    """The subject by word order when the parse gave a finite verb none (copy that lost its capitals
    is often mis-parsed: "rjd chief laloo prasad yadav on friday criticised ..."): the actor-like
    noun right before the verb, past date adverbials ("on friday") and adverbs, within its clause."""
    doc = tok.doc
    skip = doc.user_data.get("wirewatch.dateline_end", 0)
    if tok.tag_ not in ("VBD", "VBZ", "VBP") or tok.ent_type_ or any(
            c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") and c.idx >= skip
            and not any(g.text == ":" for g in c.children) for c in tok.children):
        return None  # (a verb inside a name - a title, a tagger's error - has no subject to find; a
        # heading before a colon, "kano: ...", is no subject)
    j = tok.i - 1
    while j >= 0:
        t = doc[j]
        if t.ent_type_ in ("DATE", "TIME") or t.pos_ in ("ADV", "PART") or (
                t.pos_ == "ADP" and j + 1 < tok.i and doc[j + 1].ent_type_ in ("DATE", "TIME")):
            j -= 1
            continue
        break
    if j < 0:
        return None
    t = doc[j]
    if t.idx < skip or t.is_punct or t.pos_ not in ("NOUN", "PROPN") or _across_paragraph(t, tok):
        return None
    named = ("PERSON", "ORG", "NORP", "GPE")
    if t.ent_type_ in named or tables().sector_words.get(t.lower_):
        return t
    # the tagger's entity ends before the head ("[laloo prasad] yadav"): the entity word names the actor
    return next((c for c in reversed(list(t.children)) if c.dep_ == "compound" and c.ent_type_ in named), None)


def _requested_country(tok):
    """'asking for more Canadian involvement': the country whose action is asked for is the target."""
    obj = prep_objects(tok, ("for",))
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
            while (j > 0 and i - j < 3 and toks[j - 1].pos_ in ("ADJ", "PROPN", "NOUN")
                   and toks[j - 1].dep_ in ("amod", "compound")):
                j -= 1
            return toks[j], t
    return None


def noun_arguments(tok, pl: str, cue: str | None = None):
    """(source, target) of a noun trigger: 'by X', a possessive/national modifier, a light verb's subject."""
    if ud.is_ud(tok.doc):
        return ud.noun_arguments(tok, pl, cue)
    source = target = None
    sides = _between(tok)
    if sides is not None:
        return sides
    by = prep_objects(tok, ("by",))
    if by is None and pl in _FROM_SOURCE:  # "criticism from residents", "calls from the opposition"
        by = prep_objects(tok, ("from",))
    if by is not None:
        source = by
    for c in tok.children:  # "a US-led attack": who led it ("US-backed" names a supporter, not the agent)
        if source is None and c.dep_ == "amod" and c.lemma_.lower() == "lead":
            source = next((g for g in c.children if g.dep_ in ("npadvmod", "compound", "nmod")
                           and g.ent_type_ in ("GPE", "NORP", "ORG")), None)
    for c in tok.children:
        if source is None and c.dep_ in ("poss", "amod", "compound") and c.ent_type_ in ("NORP", "GPE", "ORG"):
            if c.dep_ == "compound" and c.ent_type_ in ("GPE", "NORP") and c.lower_ not in tables().demonyms and (
                    state_actor(c.text) is None or c.lower_ in tables().capitals and c.lower_ not in tables().names):
                continue  # "the Gujarat riots", "the Idlib offensive", "the Paris attacks": where, not who
            source = c
        elif source is None and c.dep_ == "poss" and c.pos_ == "PROPN":
            source = c  # "Nordland's assault": the possessor of an act is its agent
        elif source is None and c.dep_ in ("amod", "compound") and c.i < tok.i and (
                c.lower_ in tables().demonyms or tables().sector_words.get(c.lower_) in _ACTOR_SECTORS):
            source = c  # "a Turkish air strike", "a rebel ambush", "a police raid": whose act it is
    target = prep_objects(tok, _TARGET_PREPS.get(pl, ()))
    if tok.dep_ in ("dobj",) and tok.head.lemma_.lower() in _FACING:  # "Canada faces calls to ..."
        target = clause_subject(tok.head)
    elif tok.dep_ == "relcl" or (source is None and tok.dep_ == "nsubj" and tok.head.lemma_ in ("see", "involve")):
        pass
    if source is None and tok.dep_ == "dobj" and tok.head.lemma_.lower() in LIGHT:
        source = clause_subject(tok.head)
    rel = next((c for c in tok.children if c.dep_ in ("relcl", "acl")), None)
    if source is None and rel is not None:  # "the coup that saw the army seize power from ..."
        found = _scan_actor(rel.subtree)
        if found:
            source = found
        if target is None:
            target = next((g for t in rel.subtree if t.dep_ == "prep" and t.lower_ == "from"
                           for g in t.children if g.dep_ == "pobj"), None)
    return source, target


def _participle_form(tok) -> bool:
    """A past participle, also when tagged an adjective ("armed")."""
    return tok.tag_ == "VBN" or (tok.tag_ == "JJ" and tok.lower_.endswith("ed"))


def clause_verb(tok):
    """The verb of the clause a word is in (the word itself when it is one)."""
    cur = tok
    for _ in range(12):
        if cur.pos_ in ("VERB", "AUX") or cur.head.i == cur.i:
            return cur
        cur = cur.head
    return cur


def object_noun(tok) -> str | None:
    """Lemma of the noun a verb trigger acts on ("condemned the attack" -> attack), for linking."""
    for c in tok.children:
        if c.dep_ in ("dobj", "nsubjpass") and c.pos_ == "NOUN":
            return c.lemma_.lower()
    return None


def is_passive(tok) -> bool:
    """A passive verb: its subject is the target, its source is the 'by' agent (if any); a past
    participle modifying a noun is one too ("villagers killed by rebels", see :func:`participle`)."""
    return participle(tok) is not None or any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)


def participle(tok):
    """A past participle that modifies a noun as a reduced passive relative clause ("the men accused
    of ...", "villagers killed by rebels", "the Kurds, armed and supported by the US"): the noun is
    what the act was done to, never its doer; who did it is the "by" agent, if any.  Returns that
    noun, or None when ``tok`` is no such participle."""
    if tok.tag_ != "VBN" or any(c.dep_ in ("nsubj", "nsubjpass", "auxpass", "aux") for c in tok.children):
        return None
    cur = tok
    while cur.dep_ == "conj" and cur.head.i != cur.i and _participle_form(cur.head):
        cur = cur.head  # "armed and supported by": the second participle shares the first's noun
    if cur.dep_ == "acl" and _participle_form(cur) and cur.head.pos_ in ("NOUN", "PROPN", "PRON"):
        return cur.head
    return None


def security_subject(sent):
    """'Police fired tear gas ..., and 25 people were arrested': who arrested is the security force
    that acts in the same sentence (the only one), else unknown."""
    words = tables().sector_words
    subjects = {t.lower_: t for t in sent if t.dep_ == "nsubj" and words.get(t.lower_) in ("COP", "MIL")}
    return next(iter(subjects.values())) if len(subjects) == 1 else None


def not_an_agent(tok, plover: str, scores: dict[str, float]) -> bool:
    """'Floods killed 30 people': a violent verb whose subject is a disaster reports the disaster."""
    if plover != "ASSAULT" or not any(scores.get(t, 0.0) >= 1.5 for t in DISASTERS):
        return False
    subj = clause_subject(tok)
    return subj is not None and subj.pos_ == "NOUN" and not tables().sector_words.get(subj.lower_)

