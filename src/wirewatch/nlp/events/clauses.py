"""Clause structure around a trigger: which verb a coordinated verb really shares its clause with,
which clauses govern a trigger, and which places of its sentence belong to the trigger's clause.

Two things the small English parser gets wrong often enough to matter, read through grammar:

- **Coordination across a complement.**  "The minister said that generators would arrive in June
  and asked residents for patience": the parser hangs "asked" on "arrive", inside the reported
  clause.  A finite verb ("asked") cannot share a modal or a "to" ("would arrive", "to arrive"),
  nor be coordinated with a verb of another finite tense ("arrive" / "asked"); its real partner is
  the nearest governing verb of its own tense ("said").  :func:`governor` gives that partner, so the
  coordinated verbs share their subject, date and assertion ("said ... and asked": the minister
  asked, last week, as a fact).
- **Places of other clauses.**  A place belongs to an event when it is in the trigger's own clause
  (its phrase, its verb's adjuncts, participle clauses under it) or in a clause that governs it;
  a place in a sibling clause ("would arrive from Turkey" beside "asked residents") says nothing
  about where the event happened.  "from X" after a verb of motion that is not the trigger names
  where someone or something comes from, not where anything happens.
"""

from __future__ import annotations

__all__ = ["governor", "governing", "place_rank", "is_origin"]

_FINITE = {"VBD", "VBZ", "VBP"}
# dependencies that start another clause: its places and dates are not the governing verb's
_OTHER_CLAUSE = {"conj", "ccomp", "parataxis", "relcl", "csubj"}


def _verb(tok) -> bool:
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")


def _words():
    from .assertion import words  # assertion climbs clauses with governor(): imported late

    return words()


def _nonfinite(tok) -> bool:
    """A verb under a modal or "to" ("would arrive", "to arrive")."""
    w = _words()
    return any(c.dep_ in ("aux", "auxpass") and (c.tag_ in ("MD", "TO") or c.lower_ in w["modals"]
                                                  or c.lower_ in w["future"]) for c in tok.children)


def _tense(tag: str) -> str:
    return "past" if tag == "VBD" else "present" if tag in ("VBZ", "VBP") else tag


def governor(tok):
    """The head a word really depends on: its parse head, except for a finite verb coordinated with a
    verb it cannot share a clause with (see the module doc), which depends on the nearest governing
    verb of its own tense."""
    head = tok.head
    if tok.dep_ != "conj" or head.i == tok.i or tok.tag_ not in _FINITE or not _verb(head):
        return head
    if head.tag_ in _FINITE and _tense(head.tag_) == _tense(tok.tag_):
        return head
    if not (_nonfinite(head) or head.tag_ in _FINITE):
        return head  # "had arrived and asked": may share the auxiliary
    if head.dep_ not in ("ccomp", "xcomp", "advcl"):
        return head
    cur = head
    for _ in range(6):
        if cur.head.i == cur.i:
            break
        cur = cur.head
        if _verb(cur) and cur.tag_ in _FINITE and _tense(cur.tag_) == _tense(tok.tag_):
            return cur
        if cur.dep_ not in ("ccomp", "xcomp", "advcl", "conj"):
            break
    return head


def governing(tok) -> list:
    """The verbs of the clauses that govern a trigger, nearest first (its own clause verb first)."""
    out, cur = [], tok
    for _ in range(12):
        if _verb(cur):
            out.append(cur)
        head = governor(cur)
        if head.i == cur.i:
            break
        cur = head
    return out


def is_origin(span_root, trigger) -> bool:
    """'from X' after a verb of motion that is not the trigger: where someone or something comes from."""
    prep = span_root.head
    if span_root.dep_ != "pobj" or prep.lower_ != "from" or prep.head.i == prep.i:
        return False
    mover = prep.head
    return mover.i != trigger.i and mover.lemma_.lower() in _words()["motion_verbs"]


def place_rank(span_root, trigger, chain: list) -> int | None:
    """How closely a place (the root word of its name) belongs to a trigger: 0 in the trigger's own
    phrase, 1 in its clause (participle and adverbial clauses under it included), 2 in a governing
    clause, 3 in a verb coordinated under one of those that shares its subject ("attacked a convoy
    and killed 12 soldiers near Tamsa"); None when it is in another clause or names an origin.
    ``chain`` is ``governing(trigger)``."""
    if is_origin(span_root, trigger):
        return None
    own = chain[0] if chain else trigger
    cur = span_root
    crossed = []  # clause boundaries crossed on the way up
    for _ in range(16):
        if cur.i == trigger.i or cur.i == own.i or any(cur.i == v.i for v in chain[1:]):
            rank = 0 if cur.i == trigger.i else 1 if cur.i == own.i else 2
            if not crossed:
                return rank
            last = crossed[-1]
            if len(crossed) == 1 and last.dep_ == "conj" and _verb(last) and not any(
                    c.dep_ in ("nsubj", "nsubjpass") for c in last.children):
                return 3
            return None
        head = governor(cur)
        if head.i == cur.i:
            return None
        if cur.dep_ in _OTHER_CLAUSE:
            crossed.append(cur)
        cur = head
    return None
