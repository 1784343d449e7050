"""Event arguments on a Universal Dependencies parse (the French model's scheme), driven by language data.

:mod:`.args` reads the English model's labels (``dobj``, ``nsubjpass``, ``agent``, ``prep`` ->
``pobj``).  Models trained on Universal Dependencies label the same roles ``obj``, ``nsubj:pass``,
``obl:agent`` and hang prepositions under their noun (``obl``/``nmod`` with a ``case`` child), so
the same questions -- who acted, on whom -- are asked here of those labels.  What differs by
language is data (``nlp/events/data/<lang>/args.json``): the prepositions that mark a target per
PLOVER class ("contre", "avec"), the agent's ("par") and the two sides' ("entre").  The scheme is
read off the parse, not the language: any UD-labelled model takes this path.

Arguments come back as :mod:`.args` gives them: a token, or a (first, last) pair of tokens for a
noun phrase whose modifiers follow the noun ("l'armée malienne" -> (armée, malienne)), which
:mod:`.resolve` turns into an actor from its words.
"""

from __future__ import annotations

from typing import Any

from .. import lang as L

_UD_ONLY = frozenset({"obj", "obl", "obl:arg", "obl:agent", "obl:mod", "nsubj:pass", "aux:pass", "flat:name"})
_SUBJ = ("nsubj", "csubj")
_OBL = ("obl", "obl:arg", "obl:mod", "obl:agent")
_POST_MODS = ("amod", "flat:name", "flat")


def is_ud(doc: Any) -> bool:
    """Whether a doc's parse uses Universal Dependencies labels (cached on the doc)."""
    cached = doc.user_data.get("wirewatch.ud_parse")
    if cached is None:
        cached = doc.user_data["wirewatch.ud_parse"] = any(t.dep_ in _UD_ONLY for t in doc)
    return cached


def _data(doc: Any) -> dict[str, Any]:
    data = L.resource("events", L.doc_language(doc), "args")
    return data or {"target_case": {}, "agent_case": [], "between_case": [], "source_case": []}


def _case(tok: Any) -> str:
    """The preposition marking a nominal ("contre" of "contre les casques bleus"), lower-cased, or ""."""
    marks = [c for c in tok.children if c.dep_ in ("case", "fixed") and c.i < tok.i]
    return " ".join(c.lower_ for c in marks)


def _phrase(tok: Any, depth: int = 2) -> Any:
    """The words of an argument: a name or a pronoun stays its token (entities and pronouns resolve
    from it); a common noun is (first, last) tokens from the noun through the modifiers that follow
    it ("armée malienne"), without its determiner ("un", "la" are no actors); a noun that names no
    one who acts stands for the group it belongs to ("un poste de l'armée malienne" -> the army),
    else for nobody."""
    doc = tok.doc
    if tok.pos_ == "ADJ" and tok.i > 0 and doc[tok.i - 1].pos_ == "NOUN":
        tok = doc[tok.i - 1]  # "L'armée malienne a tué": the parse made the adjective the subject
    if tok.pos_ != "NOUN":
        return tok
    data = _data(doc)
    if not _agentive(tok) or tok.lemma_.lower() in data.get("time_nouns", ()):
        # "un poste de l'armée" -> the army; "dix rebelles jeudi" (an object the parse hung on a
        # time word) -> the rebels
        owners = [c for c in tok.children if c.ent_type_ not in ("LOC", "GPE", "DATE") and _agentive(c)
                  and (c.dep_ == "amod" or (c.dep_ == "nmod" and _case(c) in data.get("source_case", ())))]
        return _phrase(owners[0], depth - 1) if owners and depth > 0 else None
    last = tok
    while last.i + 1 < len(doc) and last.i - tok.i < 2 and (doc[last.i + 1].pos_ == "ADJ"
                                                           or doc[last.i + 1].lower_ in _demonyms()):
        last = doc[last.i + 1]  # "armée malienne", "soldats nigériens" (whatever the parse hung them on)
    return tok, last


def _demonyms() -> dict[str, str]:
    from .actors import tables

    return tables().demonyms


def _arg(tok: Any) -> Any:
    return _phrase(tok) if tok is not None else None


def _agentive(tok: Any) -> bool:
    """Whether a noun after "de" names who acted: a security or armed group word, a group or a person."""
    from .actors import tables

    from .actors import person_heads

    t = tables()
    word = tok.lower_
    return (t.sector_words.get(word) is not None or word in person_heads() or word in t.demonyms
            or tok.ent_type_ in ("NORP", "ORG", "PERSON") or (tok.pos_ == "PROPN" and tok.ent_type_ not in
                                                               ("LOC", "GPE", "DATE")))


def clause_subject(tok: Any, depth: int = 5) -> Any | None:
    """The subject of ``tok``'s clause, climbing through controlled, coordinated and relative clauses."""
    cur = tok
    for _ in range(depth):
        subjects = [c for c in cur.children if c.dep_ in _SUBJ]
        if subjects:
            subj = min(subjects, key=lambda c: abs(c.i - cur.i))
            if subj.tag_ == "PRON" and subj.dep_ == "nsubj" and cur.dep_ == "acl:relcl" and "Rel" in subj.morph.get(
                    "PronType"):
                return cur.head  # "les rebelles qui ont attaqué": the noun the relative stands for
            return subj
        if cur.dep_ in ("xcomp", "conj", "advcl", "ccomp") and cur.head.i != cur.i:
            cur = cur.head
            continue
        if cur.dep_ in ("acl", "acl:relcl") and cur.head.i != cur.i:
            return cur.head
        break
    return None


def _obliques(tok: Any, cases: list[str] | tuple[str, ...], deps: tuple[str, ...]) -> Any | None:
    for c in tok.children:
        if c.dep_ in deps and _case(c) in cases:
            return c
    return None


def _between(tok: Any, data: dict[str, Any], deps: tuple[str, ...]) -> tuple[Any, Any] | None:
    side = _obliques(tok, data.get("between_case", ()), deps)
    if side is None:
        return None
    other = next((c for c in side.children if c.dep_ == "conj"), None)
    return _arg(side), _arg(other)


def verb_arguments(tok: Any, pl: str, cue: str | None = None) -> tuple[Any, Any]:
    """(source, target) of a verb trigger of PLOVER class ``pl`` on a UD parse."""
    data = _data(tok.doc)
    sides = _between(tok, data, _OBL)
    if sides is not None:
        return sides
    passive = any(c.dep_ in ("nsubj:pass", "aux:pass") for c in tok.children)
    source = target = None
    for c in tok.children:
        if c.dep_ == "nsubj:pass":
            target = c
        elif c.dep_ == "obl:agent" or (passive and c.dep_ in _OBL and _case(c) in data.get("agent_case", ())):
            source = c
        elif c.dep_ == "obj" and target is None and c.pos_ in ("NOUN", "PROPN", "PRON") and not (cue and " " in cue):
            target = c
    if not passive:
        source = clause_subject(tok)
    if target is None:
        target = _obliques(tok, data.get("target_case", {}).get(pl, ()), _OBL)
    return _arg(source), _arg(target)


def noun_arguments(tok: Any, pl: str, cue: str | None = None) -> tuple[Any, Any]:
    """(source, target) of a noun trigger ("l'attaque des jihadistes contre l'armée", "l'offensive
    malienne") on a UD parse."""
    data = _data(tok.doc)
    sides = _between(tok, data, ("nmod",))
    if sides is not None:
        return sides
    source = _obliques(tok, data.get("agent_case", ()), ("nmod",))
    of = _obliques(tok, data.get("source_case", ()), ("nmod",))
    if source is None and of is not None and _agentive(of):
        source = of  # "l'attaque des jihadistes" (but "l'attaque du camp" is what was attacked)
    if source is None:
        source = next((c for c in tok.children if c.dep_ == "amod" and c.ent_type_ in ("NORP", "GPE", "LOC")), None)
    target = _obliques(tok, data.get("target_case", {}).get(pl, ()), ("nmod",))
    if source is None and tok.dep_ == "obj":  # "les rebelles ont lancé une attaque": the light verb's subject
        source = clause_subject(tok.head)
    return _arg(source), _arg(target)
