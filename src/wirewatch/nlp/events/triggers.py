"""Event triggers: which word of a sentence says that something happened, and whether it really did.

A verb or noun from our PLOVER lexicon (``data/plover.json``) is a trigger: verbs by lemma,
phrasal verbs by their particle ("call on"), light verbs by their object ("provide support"),
nouns by form or lemma.  A trigger that is negated, hypothetical or only asked for ("did not
attack", "could help", "calls to help fight") reports no event, and a noun that only refers back
to an event another trigger is about ("condemned the coup") is no event of its own.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

__all__ = ["lexicon", "trigger_type", "irrealis_verb", "skip_trigger", "refers_back", "intended", "LIGHT",
           "default_type", "event_noun", "is_event_word", "figurative"]

_HYPOTHETICAL = {"could", "would", "might", "may", "can", "should", "must", "will"}
_BLAMED = {"responsible", "accountable", "liable", "culpable"}
LIGHT = {"launch", "stage", "carry", "hold", "conduct", "mount", "begin", "start", "lead", "sign", "reach", "announce"}
# "was quick to condemn", "began to shell": infinitives after these report what happened
_REALIS_HEADS = {"quick", "first", "swift", "fast", "begin", "start", "continue", "manage", "move", "rush", "go",
                 "proceed", "agree", "refuse", "decide", "vote", "threaten", "try", "attempt", "seek"}


def _with_languages(name: str) -> dict:
    """``data/<name>`` merged with every language folder's table of that name (``data/fr/<name>``):
    another language's trigger words map to the same PLOVER and CASE types (a language is data)."""
    data = resources.files(__package__).joinpath("data")
    table = json.loads(data.joinpath(name).read_text("utf-8"))
    for folder in sorted((p for p in data.iterdir() if p.is_dir()), key=lambda p: p.name):
        if folder.joinpath(name).is_file():
            for key, words in json.loads(folder.joinpath(name).read_text("utf-8")).items():
                if isinstance(words, dict):
                    table.setdefault(key, {}).update(words)
    return table


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """PLOVER trigger lexicon (loaded once per process)."""
    return _with_languages("plover.json")


@lru_cache(maxsize=1)
def _trigger_types() -> dict:
    """CASE type a trigger word says by itself (``data/trigger_types.json``, loaded once)."""
    return _with_languages("trigger_types.json")


def default_type(tok) -> str | None:
    """The CASE type of a trigger word alone ("arrested" -> ARREST, "shelling" -> ART_MISS_ATTACK)."""
    table = _trigger_types()
    lemma = tok.lemma_.lower()
    if tok.pos_ in ("NOUN", "PROPN"):
        got = table["nouns"].get(tok.lower_) or table["nouns"].get(lemma)
        return got[1] if got else None
    return table["verbs"].get(lemma)


def event_noun(tok) -> str | None:
    """The CASE type of an event noun that has no PLOVER class ("the floods", "a stampede")."""
    if tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ == "compound" or tok.lower_ not in candidate_words() \
            and tok.lemma_.lower() not in candidate_words():
        return None
    got = _trigger_types()["nouns"].get(tok.lower_) or _trigger_types()["nouns"].get(tok.lemma_.lower())
    return got[1] if got and got[0] is None else None


def is_event_word(tok) -> bool:
    """Whether a word names an event (no actor: "four-decade insurgency", "the violence")."""
    lemma = tok.lemma_.lower()
    nouns = _trigger_types()["nouns"]
    if lemma == "strike" and tok.pos_ == "NOUN":
        return True  # an air strike or a labour strike, never someone
    return tok.lower_ in nouns or lemma in nouns or tok.lower_ in lexicon()["nouns"] or lemma in lexicon()["nouns"]


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


def _in_name(tok) -> bool:
    """A word inside an organisation's or a work's name that is not its head ("Stop the War
    Coalition", "the Campaign Against Violence"): the name is of a body, not of an event."""
    if tok.ent_type_ not in ("ORG", "WORK_OF_ART", "FAC", "PRODUCT", "LAW"):
        return False
    doc = tok.doc
    lo = tok.i
    while lo > 0 and doc[lo].ent_iob_ == "I":
        lo -= 1
    hi = tok.i + 1
    while hi < len(doc) and doc[hi].ent_iob_ == "I":
        hi += 1
    return hi - lo > 1 and doc[lo:hi].root.i != tok.i


def _in_title(tok) -> bool:
    """A capitalised noun inside a sentence that depends on another capitalised word of the name it is
    part of ("the Centre for the Study of Radicalisation and Political Violence"): a word of a name,
    no event.  The head word of a name still names what it is ("the Nuclear Forces Treaty" is an
    agreement), and prose in title case (a headline) says nothing this way."""
    if tok.pos_ not in ("NOUN", "PROPN") or not tok.is_title or tok.is_sent_start:
        return False
    head = tok.head
    if head.pos_ == "ADP" and head.head.i != head.i:
        head = head.head  # "Study of Violence"
    if head.i == tok.i or not head.is_title or head.is_sent_start or head.pos_ not in ("NOUN", "PROPN"):
        return False
    from ..docutil import sentence

    words = [t for t in sentence(tok) if t.is_alpha]
    return sum(t.is_title for t in words) * 2 < len(words)


def _not_a_trigger(tok) -> bool:
    """Words that look like triggers but are not events here: participles used as adjectives ("the
    liberated areas"), dates ("march 15"), "ask" as a question ("asked him if ...")."""
    if tok.dep_ == "amod" or tok.ent_type_ in ("DATE", "TIME"):
        return True
    if _in_title(tok) or _in_name(tok):
        return True  # "the Centre for the Study of Political Violence": a word of a name, no event
    if tok.tag_ in ("VBN", "VBD", "JJ") and any(c.dep_ == "det" and c.lower_ in ("the", "those") for c in tok.children):
        return True  # "carried the wounded to the clinic": a participle used as a noun names people
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    if tok.pos_ in ("NOUN", "PROPN") and nxt is not None and nxt.like_num and len(nxt.text) <= 2:
        return True  # "march 15", "may 3" in lower-cased copy
    if tok.lemma_.lower() == "ask" and any(g.dep_ == "mark" and g.lower_ in ("whether", "if")
                                           for c in tok.children if c.dep_ in ("ccomp", "advcl") for g in c.children):
        return True  # "asked residents whether he should stay": a question, not a request
    if tok.lemma_.lower() == "ask" and not any(c.dep_ in ("xcomp", "prep") or (c.dep_ == "dobj" and c.pos_ == "NOUN")
                                                for c in tok.children):
        return True
    return _figurative(tok)


def figurative(tok) -> bool:
    """Whether a verb is used in a sense that reports no interaction (see :func:`_figurative`)."""
    return _figurative(tok)


def _criticised(tok) -> bool:
    """A violent verb whose object is something said or decided ("attacked the plan", "slammed the
    remarks"): words against words, an accusation."""
    from .assertion import words

    table = words()["discourse_objects"]
    return any(c.dep_ == "dobj" and (c.lemma_.lower() in table or c.lower_ in table) for c in tok.children)


def _figurative(tok) -> bool:
    """Trigger verbs used for something that is no interaction between actors, read off their
    complements (word lists in ``assertion.json``):

    - an object that is information or media: "released a statement / a video" is publishing, not
      freeing anyone ("released the hostages");
    - an abstract object: "regain people's confidence", "seize the opportunity", "hit a record";
    - "help"/"assist" with a verb and no one helped: "will help reduce emissions" says what
      something contributes to ("helped the city rebuild" helps the city);
    - "warn against ...": advice, not a threat; "shot to prominence";
    - "demonstrate"/"rally" with an object: showing or gathering, not protesting;
    - "withdraw"/"pull out" with an object that is no body of people (troops, envoys, staff): "withdrew
      the fines" is no retreat;
    - "asked ..." as a participle clause without subject ("Asked about the delay, she said"): a
      question put to the speaker, not a request.
    """
    from .assertion import words

    if tok.pos_ not in ("VERB", "AUX") and not tok.tag_.startswith("VB"):
        return False
    w = words()
    lemma = tok.lemma_.lower()
    part = _particle(tok)
    pl = lexicon()["particles"].get(part) if part else lexicon()["verbs"].get(lemma)
    objects = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
    if pl == "CONCEDE" and any(o.lemma_.lower() in w["information_nouns"] or o.lower_ in w["information_nouns"]
                               for o in objects):
        return True
    if pl in ("COERCE", "ASSAULT", "CONCEDE", "AID", "SUPPORT") and any(
            o.lemma_.lower() in w["abstract_objects"] or o.lower_ in w["abstract_objects"] for o in objects):
        return True
    if lemma in ("help", "assist") and not any(c.dep_ in ("dobj", "dative") for c in tok.children) \
            and any(c.dep_ in ("xcomp", "ccomp") and not any(g.dep_ == "nsubj" for g in c.children)
                    for c in tok.children):
        return True  # ("helped the city rebuild": the city is helped)
    if pl == "ASSAULT" and any(c.dep_ == "prep" and c.lower_ in ("to", "into") and any(
            g.dep_ == "pobj" and g.lemma_.lower() in w["abstract_objects"] for g in c.children) for c in tok.children):
        return True  # "shot to prominence"
    if lemma == "dismiss" and any(o.dep_ == "dobj" and (o.pos_ == "PRON" or o.ent_type_ == "PERSON")
                                  for o in objects):
        return True  # "dismissed her": removed from a post, not rejecting anything
    if pl == "THREATEN" and any(c.dep_ == "prep" and c.lower_ == "against" for c in tok.children):
        return True
    if pl == "PROTEST" and lemma in ("demonstrate", "rally") and any(c.dep_ == "dobj" for c in tok.children):
        return True  # "demonstrating life hacks", "rallied support": showing, gathering, not protesting
    if pl == "RETREAT" and any(o.dep_ == "dobj" and o.lemma_.lower() not in w["personnel_nouns"]
                               and o.lower_ not in w["personnel_nouns"] and o.pos_ in ("NOUN", "NUM")
                               for o in objects):
        return True  # "withdrew 300 fines", "pulled his starters out": only withdrawing people is a retreat
    if lemma == "ask" and tok.dep_ == "advcl" and tok.tag_ in ("VBN", "VBD") and not any(
            c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "xcomp") for c in tok.children):
        return True
    if pl == "REJECT" and any(c.dep_ == "xcomp" and (c.lemma_.lower() in w["speech_acts"] or any(
            g.dep_ == "auxpass" for g in c.children) and c.lemma_.lower() in ("name", "identify"))
            for c in tok.children):
        return True  # "refused to comment", "declined to be named": silence, not a rejection
    if lemma == "plead" and any(c.lower_ in ("guilty", "innocent") for c in tok.children):
        return True  # "pleaded guilty": a plea in court, no request
    if pl == "PROTEST" and lemma == "demonstrate" and any(c.dep_ in ("ccomp", "advcl") for c in tok.children):
        return True  # "the massacre demonstrated that security has collapsed": showing
    if pl in ("COERCE", "SUPPORT") and any(
            o.lemma_.lower() in w["business_objects"] or o.lower_ in w["business_objects"] for o in objects):
        return True  # "took over the firm", "supports older devices": business senses
    if lemma == "sanction" and any(o.lemma_.lower() in w["money_objects"] or o.lower_ in w["money_objects"]
                                   for o in objects):
        return True  # "the committees sanction funds": approving spending
    return False


@lru_cache(maxsize=1)
def candidate_words() -> frozenset[str]:
    """Every word (form or lemma) that can start a trigger: most tokens are none, and say so at once."""
    lex = lexicon()
    words = {*lex["verbs"], *lex["nouns"], *lex["object_nouns"], *(k.split()[0] for k in lex["particles"]),
             *lex.get("personnel_verbs", ()), *lex.get("argument_nouns", ())}
    words |= {*_trigger_types()["verbs"], *_trigger_types()["nouns"]}
    return frozenset(w.lower() for w in words)


@lru_cache(maxsize=1)
def _candidate_hashes():
    import numpy as np
    from spacy.strings import hash_string

    return np.array(sorted(hash_string(w) for w in candidate_words()), dtype="uint64")


def candidate_tokens(doc) -> tuple[int, ...]:
    """Indices of the tokens whose form or lemma can start a trigger, found for the whole doc at
    once from spaCy's hash arrays (no Python work for the other ~95% of tokens)."""
    import numpy as np
    from spacy.attrs import IS_TITLE, LEMMA, LOWER

    if not len(doc):
        return ()
    arr = doc.to_array([LOWER, LEMMA, IS_TITLE]).astype("uint64")
    hit = np.isin(arr[:, :2], _candidate_hashes()).any(axis=1)
    out = set(np.nonzero(hit)[0].tolist())
    # a proper-noun lemma keeps its case ("Attack"): title-case tokens are checked one by one
    words = candidate_words()
    out.update(i for i in np.nonzero(arr[:, 2] & ~hit)[0].tolist() if doc[i].lemma_.lower() in words)
    return tuple(sorted(out))


def trigger_type(tok) -> tuple[str | None, str | None]:
    """(PLOVER type, cue) of a token when it triggers an event, else (None, None)."""
    cands = candidate_words()
    if tok.lower_ not in cands and tok.lemma_.lower() not in cands:
        return None, None
    if _not_a_trigger(tok):
        return None, None
    lex = lexicon()
    lemma = tok.lemma_.lower()
    if tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "NOUN" and tok.tag_.startswith("VB")):
        if lemma == "hold" and _holds_responsible(tok):
            return "ACCUSE", tok.text  # "held Modi responsible for the violence" (Modi is the target)
        part = _particle(tok)
        if part == "charge with":
            return _charge(tok), part
        if part:
            return lex["particles"][part], part
        objects = lex["object_nouns"].get(lemma)
        if objects:
            for c in tok.children:  # the object as the list spells it: lemma or form ("sanctions")
                key = c.lemma_.lower() if c.lemma_.lower() in objects else c.lower_
                if c.dep_ in ("dobj", "nsubjpass") and key in objects:
                    pl = objects[key]
                    return (pl, f"{tok.text} {c.text}") if pl else (None, None)
            for c in tok.children:
                if c.dep_ == "prt":
                    for cc in tok.children:
                        key = cc.lemma_.lower() if cc.lemma_.lower() in objects else cc.lower_
                        if cc.dep_ == "dobj" and key in objects:
                            return objects[key], f"{tok.text} {c.text} {cc.text}"
        if lemma in lex.get("personnel_verbs", ()) and _personnel_subject(tok):
            return lex["personnel_verbs"][lemma], tok.text  # "American troops would leave Syria"
        pl = lex["verbs"].get(lemma)
        if pl == "ASSAULT" and _criticised(tok):
            return "ACCUSE", tok.text  # "attacked the minister's approach": criticism
        return (pl, tok.text) if pl else (None, None)
    if tok.pos_ in ("NOUN", "PROPN"):
        pl = lex["nouns"].get(tok.lower_) or lex["nouns"].get(lemma)
        if pl and tok.dep_ not in ("compound",):
            return pl, tok.text
        pl = lex.get("argument_nouns", {}).get(lemma)
        if pl and tok.dep_ != "compound" and _actor_argument(tok):
            return pl, tok.text
    return None, None


def _holds_responsible(tok) -> bool:
    """'held X responsible/accountable (for ...)': the adjective as the verb's complement, or after
    the object where the parser hung it on the noun."""
    for c in tok.children:
        if c.dep_ in ("oprd", "acomp", "xcomp", "ccomp", "advmod") and c.lower_ in _BLAMED:
            return True
        if c.dep_ == "dobj" and any(g.dep_ == "amod" and g.i > c.i and g.lower_ in _BLAMED for g in c.children):
            return True
    return False


def _named(tok) -> bool:
    """A word that names an actor: an entity of a kind that acts, or a state/armed/political body word."""
    from .actors import tables

    return tok.ent_type_ in ("ORG", "GPE", "NORP", "PERSON") or tok.lower_ in tables().sector_words


def _actor_argument(tok) -> bool:
    """'Washington's support for the YPG', 'the fight against Islamic State': the noun has an actor as
    its owner or as the object of its preposition ("support for the bill", "the fight against
    inflation" have none)."""
    for c in tok.children:
        if c.dep_ == "poss" and _named(c):
            return True
        if c.dep_ == "prep" and c.lower_ in ("for", "against", "to", "from"):
            if any(g.dep_ == "pobj" and (_named(g) or any(_named(m) for m in g.children
                                                          if m.dep_ in ("amod", "compound")))
                   for g in c.children):
                return True
    return False


def _personnel_subject(tok) -> bool:
    from .assertion import words

    people = words()["personnel_nouns"]
    return any(c.dep_ == "nsubj" and (c.lemma_.lower() in people or c.lower_ in people) for c in tok.children)


def _charge(tok) -> str:
    """'charge X with Y': a legal charge (COERCE) when the state's police, prosecutors or courts
    charge, or the verb is passive; otherwise one side accusing another ("Mishra charged the
    government with selling ...")."""
    from .actors import tables

    if any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children):
        return "COERCE"
    subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
    if subj is None:
        return "COERCE"
    return "COERCE" if tables().sector_words.get(subj.lower_) in ("COP", "JUD", "MIL") else "ACCUSE"


def irrealis_verb(v) -> bool:
    """A verb that is negated, modal or an infinitive of intent (not after "was quick to ...")."""
    for c in v.children:
        if c.dep_ == "neg":
            return True
        if c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL:
            return True
        if c.dep_ == "aux" and c.tag_ == "TO" and v.head.lemma_.lower() not in _REALIS_HEADS:
            return True
    return False


def skip_trigger(tok) -> bool:
    """Negated, hypothetical or merely intended triggers ("did not attack", "could help", "calls to
    help fight") report no event; nor does a noun that only refers back to an event another trigger
    is about ("condemned the coup")."""
    if irrealis_verb(tok):
        return True
    if tok.pos_ in ("NOUN", "PROPN"):
        head = tok.head
        if tok.dep_ in ("dobj", "pobj", "nsubjpass") and head.i != tok.i:
            gov = head.head if tok.dep_ == "pobj" else head
            if gov.pos_ == "VERB" and trigger_type(gov)[0] and gov.lemma_.lower() not in LIGHT:
                return True
        cur = tok
        for _ in range(4):  # inside an intended action ("a push to lead peace talks")
            if cur.head.i == cur.i:
                break
            cur = cur.head
            if cur.pos_ == "VERB":
                return intended(cur)
        return False
    return intended(tok, self_checked=True)


def refers_back(tok) -> bool:
    """A noun that only refers back to an event another trigger is about ("condemned the coup")."""
    if tok.pos_ not in ("NOUN", "PROPN"):
        return False
    head = tok.head
    if tok.dep_ in ("dobj", "pobj", "nsubjpass") and head.i != tok.i:
        gov = head.head if tok.dep_ == "pobj" else head
        if gov.pos_ == "VERB" and trigger_type(gov)[0] and gov.lemma_.lower() not in LIGHT:
            return True
    return False


def intended(verb, *, self_checked: bool = False) -> bool:
    """Whether a verb is only asked for, hoped for or planned ("calls to help fight ...")."""
    cur = verb
    if not self_checked and irrealis_verb(cur):
        return True
    for _ in range(3):
        if cur.dep_ not in ("xcomp", "conj", "advcl", "acl") or cur.head.i == cur.i:
            break
        cur = cur.head
        if cur.pos_ == "VERB" and irrealis_verb(cur):
            return True
        lemma = cur.lemma_.lower()
        if lexicon()["verbs"].get(lemma) == "REQUEST" or lemma in ("call", "help", "hope", "plan", "want"):
            return True
    return False
