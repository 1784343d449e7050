"""Whether an event trigger is asserted to have happened, read through the dependency parse.

A trigger is an event only when the text says the event happened or is happening.  Walking from
the trigger up its clause and the clauses that govern it (controlled verbs, complements,
adverbial clauses; for a noun, the verb it belongs to), we look for:

- negation: a ``neg`` dependent ("did not attack"), a negative determiner on a noun ("no major
  battles"), "never", "without", "failed to", a subject that is no one ("nobody was hurt");
- modality: modal auxiliaries ("could help", "would be ashamed"); "will"/"shall" and verbs of
  plan and intent ("plans to", "vowed to", "is set to", "threatened to") make the event *planned*;
- conditionals and concessive hypotheticals: a clause introduced by "if", "unless", "whether",
  "in case", "lest" (anywhere up the chain);
- questions: a trigger in a sentence that ends with "?";
- requests and wishes: the content of a call, demand, hope or wish ("urged X to withdraw": the
  request is the event, the withdrawal is not);
- possibility nouns: "the threat of an attack", "fears of clashes", "the risk of war".

Each test is about the language, not about one article; the answer is a status (``reported``,
``planned``) or ``None`` (not asserted: no event), plus a confidence penalty for hedges
("allegedly", "suspected of", "reportedly").
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from ..docutil import sentence
from .clauses import governor

__all__ = ["assertion", "clause_asserted", "history", "habitual", "words", "lemma_of"]

# climbing stops at these dependencies: a relative clause or an apposition says something else
_CLIMB = {"xcomp", "ccomp", "conj", "advcl", "acl", "pcomp", "pobj", "prep", "dobj", "nsubjpass", "attr", "oprd",
          "acomp", "advmod", "npadvmod", "amod", "compound"}


@lru_cache(maxsize=1)
def words() -> dict[str, frozenset[str]]:
    """Word lists of assertion (``data/assertion.json``), language-keyed by file, loaded once."""
    raw = json.loads(resources.files(__package__).joinpath("data", "assertion.json").read_text("utf-8"))
    return {k: frozenset(v) for k, v in raw.items() if not k.startswith("_")}


def lemma_of(tok, key: str) -> str:
    """The lemma of a verb or noun as the word list ``key`` spells it: spaCy's lemma, or, when the
    small model lemmatised an inflected form wrongly ("hopes" -> "hop"), the form with its
    inflection removed if that is in the list."""
    lemma = tok.lemma_.lower()
    table = words()[key]
    if lemma in table:
        return lemma
    low = tok.lower_
    for suffix in ("ing", "es", "ed", "s", "d"):
        if low.endswith(suffix) and len(low) > len(suffix) + 2:
            base = low[: -len(suffix)]
            for cand in (base, base + "e"):
                if cand in table:
                    return cand
    return lemma


def _contrasted(cur, head) -> bool:
    """'raise bonuses rather than helping people', 'instead of talks': the alternative set aside is
    not asserted."""
    if cur.dep_ == "conj":
        return any(c.dep_ in ("cc", "prep") and c.lower_ == "than" and c.i < cur.i
                   and any(g.lower_ == "rather" for g in c.children) for c in head.children)
    if cur.dep_ in ("pcomp", "pobj") and head.lower_ in ("than", "of"):
        return any(g.lower_ in ("rather", "instead") for g in head.children) or (
            head.i > 0 and head.doc[head.i - 1].lower_ in ("rather", "instead"))
    return False


def _shares_governor(conj, head) -> bool:
    """A verb coordinated with an infinitive or a complement that another verb governs ("would not dare
    to shell our cities and commit massacres"): both are under that verb's negation and modality."""
    return conj.tag_ in ("VB", "VBG") and head.dep_ in ("xcomp", "ccomp") and not any(
        c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in conj.children)


def _negated(tok) -> bool:
    """A negated clause: "did not attack", "never met"; or a clause whose subject is no one ("no member
    visits the gardens", "nobody was arrested", "none of the soldiers were hurt")."""
    w = words()
    for c in tok.children:
        if c.dep_ == "neg" or c.lower_ in w["negators"] and c.dep_ in ("advmod", "det", "neg"):
            return True
        if c.dep_ in ("nsubj", "nsubjpass") and tok.pos_ in ("VERB", "AUX") and (
                c.lower_ in ("nobody", "none", "no-one")
                or c.lower_ == "one" and any(g.lower_ == "no" for g in c.children)
                or any(g.dep_ == "det" and g.lower_ == "no" for g in c.children)):
            return True
    return False


def habitual(tok) -> bool:
    """A present-tense verb said to happen regularly ("the committee meets once a year", "they
    usually visit in June"): a habit, not a happening (the caller decides for which events: attacks
    "every night" are still news)."""
    if tok.tag_ not in ("VBZ", "VBP"):
        return False
    freq = words()["frequency_words"]
    for c in tok.children:
        if c.dep_ == "advmod" and c.lower_ in freq:
            return True
        if c.dep_ in ("npadvmod", "advmod", "prep") and any(g.lower_ in freq for g in c.subtree):
            return True
    return False


def _modal(tok) -> str | None:
    """'hypothetical' for could/would/might..., 'planned' for will/shall, else None.  "would" in a
    clause reported or announced ("announced troops would leave") is the future of the past."""
    w = words()
    for c in tok.children:
        if c.dep_ in ("aux", "auxpass"):
            if c.lower_ in ("would", "'d") and tok.dep_ == "ccomp" and not _conditional(tok) and (
                    tok.head.lemma_.lower() in w["report_verbs"] or tok.head.lemma_.lower() in w["plan_verbs"]):
                return "planned"
            if c.lower_ in w["modals"]:
                return "hypothetical"
            if c.lower_ in w["future"]:
                return "planned"
    return None


def _conditional(tok) -> bool:
    """A clause introduced by "if"/"unless"..., or the consequent of one ("if Turkey attacks, the
    Kurds will fight back": neither has happened)."""
    w = words()
    for c in tok.children:
        if c.dep_ in ("mark", "advmod") and c.lower_ in w["conditional"] and c.i < tok.i:
            return True
        if c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ in ("if", "unless") for g in c.children) \
                and any(a.dep_ == "aux" and (a.lower_ in w["modals"] or a.lower_ in w["future"]) for a in tok.children):
            return True  # the consequent, when it is itself modal (a past "threatened ... if" did happen)
        if c.dep_ == "prep" and c.lower_ in ("in",) and any(g.lower_ == "case" for g in c.children):
            return True
    return False


def _occurrence(verb) -> bool:
    """A verb that says its subject event happens ("follow", "occur", "break out", "take place")."""
    lemma = verb.lemma_.lower()
    if verb.pos_ not in ("VERB", "AUX") or lemma not in words()["occurrence_verbs"]:
        return False
    if lemma == "break":
        return any(c.dep_ == "prt" and c.lower_ == "out" for c in verb.children)
    if lemma == "take":
        return any(c.dep_ == "dobj" and c.lower_ == "place" for c in verb.children)
    return True


def _hedged(tok) -> bool:
    w = words()
    return any(c.lower_ in w["hedges"] for c in tok.children if c.dep_ in ("advmod", "aux"))


def assertion(tok) -> tuple[str | None, float]:
    """(status, confidence penalty) of a trigger token: ``reported``, ``planned`` or None (not asserted)."""
    w = words()
    sent = sentence(tok)  # Token.sent walks the whole doc on every call
    if sent.text.rstrip().rstrip("\"'”’»)").endswith("?"):
        return None, 0.0
    penalty = 0.0
    status = "reported"
    if tok.dep_ == "acl" and tok.tag_ == "VBG" and tok.head.pos_ in ("NOUN", "PROPN") \
            and tok.head.lower_ not in w["document_nouns"]:
        # "a soldier fighting against IS": what the actor does, not the news ("a statement condemning
        # the attack" is the act itself)
        status = "background"
    if tok.lemma_.lower() in w["warning_verbs"] and _prediction(tok):
        return None, 0.0
    if tok.dep_ == "amod" and (tok.tag_ == "VBN" or tok.lower_.endswith("ed")) and tok.head.pos_ in ("NOUN", "PROPN"):
        return None, 0.0  # "the liberated areas", "the occupied territories": a state, not a happening
    if tok.dep_ == "advcl" and tok.tag_ == "VBG" and any(c.lower_ in ("while", "when") for c in tok.children):
        status = "background"  # "killed while fighting against IS": the circumstance, not the news
    if tok.dep_ in ("pobj", "pcomp") and tok.head.lower_ == "without":
        return None, 0.0  # "left without warning", "without a fight"
    if tok.pos_ in ("NOUN", "PROPN"):
        for c in tok.children:
            if c.dep_ == "det" and c.lower_ in w["negators"]:
                return None, 0.0
            if c.dep_ in ("amod", "compound") and c.lower_ in w["planned_modifiers"]:
                status = "planned"
            if c.dep_ in ("amod", "advmod") and c.lower_ in w["hedges"]:
                penalty += 0.15
        head = tok.head
        if tok.dep_ == "pobj" and head.dep_ == "prep" and head.head.i != head.i:
            gov = head.head
            if gov.lemma_.lower() in w["possibility_nouns"] or gov.lemma_.lower() in w["plan_nouns"]:
                status = "planned" if gov.lemma_.lower() in w["plan_nouns"] else None
                if status is None:
                    return None, 0.0
    cur, prev_dep = tok, ""
    for depth in range(8):
        if prev_dep != "conj" and _negated(cur):
            return None, 0.0
        mod = _modal(cur)
        if mod == "hypothetical":
            return None, 0.0
        if mod == "planned":
            status = "planned"
        if _conditional(cur):
            return None, 0.0
        if _hedged(cur):
            penalty += 0.15
        if depth > 0:
            lemma = cur.lemma_.lower()
            if lemma_of(cur, "wish_verbs") in w["wish_verbs"] and prev_dep in ("xcomp", "ccomp", "dobj", "acomp"):
                return None, 0.0
            if lemma_of(cur, "plan_verbs") in w["plan_verbs"] and prev_dep in ("xcomp", "ccomp", "dobj"):
                status = "planned"
            if lemma in w["plan_nouns"] and prev_dep in ("acl", "prep", "xcomp"):
                status = "planned"
            if lemma in w["possibility_nouns"] and prev_dep in ("acl", "prep", "xcomp"):
                return None, 0.0
            if lemma in w["allegation_words"] and prev_dep in ("pcomp", "prep", "xcomp", "ccomp"):
                penalty += 0.15
        dep, head = cur.dep_, governor(cur)  # "said that X would arrive and asked": "asked" is said's partner
        if head.i != cur.i and _contrasted(cur, head):
            return None, 0.0
        infinitive = any(c.dep_ == "aux" and c.tag_ == "TO" for c in cur.children)
        if infinitive and dep == "relcl":
            dep = "acl"  # "a plot to shoot": an infinitival relative is the noun's content
        if infinitive and dep == "advcl":
            return None, 0.0  # purpose: "troops were sent to protect the town"
        if infinitive and dep == "acl" and head.pos_ in ("NOUN", "PROPN") and head.lemma_.lower() not in \
                w["plan_nouns"] and head.lemma_.lower() not in w["possibility_nouns"] \
                and not any(c.lower_ in ("first", "last", "only") for c in head.children):
            return None, 0.0  # purpose of a thing: "a day of action to mobilise opinion", "money to arm them"
        occurs = dep == "nsubj" and _occurrence(head)  # "sanctions could follow": as "follow" is asserted
        if head.i == cur.i or (dep not in _CLIMB and not occurs) or (
                dep == "conj" and depth > 0 and not _shares_governor(cur, head)):
            break
        if dep == "prep" and head.pos_ in ("VERB", "AUX"):
            # "called for the release of": the object of a wish is not asserted; other verbs do not govern it
            hl = head.lemma_.lower()
            if hl in w["wish_verbs"] and cur.lower_ in ("for", "to"):
                return None, 0.0
            if hl in w["wish_verbs"] and cur.lower_ == "from" and any(c.dep_ == "dobj" for c in head.children):
                return None, 0.0  # "prevented the president from destroying": it did not happen
            if hl in w["plan_verbs"] and cur.lower_ == "for":
                status = "planned"
            break
        # a reported clause keeps its own assertion: "X said rebels attacked" is reported by X
        if dep == "ccomp" and head.lemma_.lower() in w["report_verbs"] and not _negated(head) \
                and _modal(head) is None:
            break
        prev_dep, cur = dep, head
    return status, penalty


def clause_asserted(tok) -> bool:
    """Whether the clause a cue word is in is asserted ("the embassy did not respond", "a spokesman at
    the ministry had no comment": no)."""
    verb = tok
    for _ in range(6):  # the verb of the cue's clause
        if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
            break
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        return True
    nothing = any(c.dep_ == "dobj" and any(g.dep_ == "det" and g.lower_ == "no" for g in c.children)
                  for c in verb.children)  # "had no comment"
    return not nothing and not _negated(verb) and _modal(verb) != "hypothetical" and not _conditional(verb)


def _prediction(tok) -> bool:
    """'warned that the attempt would fail': a warning about what may happen, not a threat to act.
    A threat says the warner (or those they speak for) will act: "warned that they would retaliate"."""
    w = words()
    if any(c.dep_ == "dobj" for c in tok.children):
        return False  # "warned the rebels of reprisals"
    for c in tok.children:
        if c.dep_ == "ccomp":
            subj = next((g for g in c.children if g.dep_ in ("nsubj", "nsubjpass")), None)
            return subj is None or subj.lower_ not in w["speaker_pronouns"]
    return False


def history(tok) -> bool:
    """A trigger whose clause puts it a long time before the clause it depends on: "more than a year
    after Canada wrapped up its mission", "two decades since the army seized power"."""
    w = words()
    cur = tok
    for _ in range(4):
        if cur.pos_ in ("VERB", "AUX"):
            break
        if cur.head.i == cur.i:
            return False
        cur = cur.head
    if any(c.dep_ == "advmod" and c.lower_ in w["earlier"] for c in cur.children):
        return True  # "had previously fought in Afghanistan"
    marks = {c.lower_ for c in cur.children if c.dep_ in ("mark", "prep", "advmod")}
    if not marks & {"after", "since"}:
        return False
    long = w["long_durations"]
    return any(c.dep_ in ("npadvmod", "advmod")
               and (c.lemma_.lower() in long or any(g.lemma_.lower() in long for g in c.children))
               for c in cur.children)
