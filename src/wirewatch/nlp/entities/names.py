"""Names as the article itself defines them (part of the entities component, run on the candidates of
``cands``): honorifics are never names, aliases of well-known actors fold under one canonical name, and
acronyms the text defines ("Syrian Democratic Forces (SDF)") join the name they stand for."""

from __future__ import annotations

import re

from . import lexicon as L
from . import roles as R
from .cands import NOT_NAME_WORDS, Cand, _add, _vote_label, surface_key


def strip_honorifics(text: str, cands: list[Cand], lang: str = L.DEFAULT) -> None:
    """"Mrs Clinton" -> Clinton (a woman), "Mr" alone -> nothing: an honorific is never a name.

    Pure honorifics ("Mr", "Dr", "Gen", with or without a full stop) are cut from any span; titles
    that also open names of organisations ("King", "Justice") only from spans of people.
    """
    hon = L.honorifics(lang)
    keep = []
    for c in cands:
        while True:
            m = re.match(r"(\S+)(\s+|$)", text[c.start:c.end])
            word = m.group(1) if m else ""
            if word not in hon or not (L.pure_honorific(word, lang) or c.label == "PERSON"):
                break
            c.gender = c.gender or hon[word]
            c.start += m.end()
            if c.label != "PERSON" and c.start < c.end and not NOT_NAME_WORDS.search(text[c.start:c.end]):
                c.votes["PERSON"] += 1.0
        if c.start < c.end:
            keep.append(c)
    cands[:] = keep


def known_actors(text: str, cands: list[Cand], lang: str = L.DEFAULT) -> None:
    """Aliases of well-known actors ("Isis", "Daesh", "Islamic State") under one canonical name and type.

    An alias inside a longer name ("Australian Red Cross") is left to that name.
    """
    for s, e, name, typ in L.actors(lang).find(text):
        before = text[max(0, s - 40):s]
        if re.search(rf"(?<![\w\-’'])[{R.UP}][\w’']*\s$", before) \
                and not re.search(r"(?:^|[.!?:;\n“\"]\s*)\S+\s$", before):
            continue  # "Australian Red Cross" keeps its own name (not "US-backed", not a sentence's first word)
        c = Cand(s, e, typ, prio=4, canon=name)
        c.votes[_vote_label(typ)] += 10.0
        _add(cands, c)


_ACRONYM_DEF = re.compile(r"\(\s*(?P<acr>[A-Z][A-Za-z]?[A-Z][A-Za-z]{0,5})\s*\)")
_DEF_CONNECTORS = {"of", "the", "for", "and", "de", "du", "des", "al", "el", "on", "in", "to"}


def define_acronyms(text: str, cands: list[Cand], lang: str = L.DEFAULT) -> None:
    """"Syrian Democratic Forces (SDF)": the acronym and the name it follows are one actor.

    The name is the run of capitalised words (with "of", "the" ...) right before the parenthesis; every
    mention of the acronym then belongs to it, and candidates of either form take its canonical name.
    """
    table = L.actors(lang).names
    defs: dict[str, str] = {}
    for m in _ACRONYM_DEF.finditer(text):
        words = list(re.finditer(r"[\w’'\-]+", text[max(0, m.start() - 120):m.start()]))
        if not words or text[max(0, m.start() - 120) + words[-1].end():m.start()].strip():
            continue
        run: list[str] = []
        for w in reversed(words[-9:]):
            word = w.group()
            if word[:1].isupper() or (word in _DEF_CONNECTORS and run):
                run.insert(0, word)
            else:
                break
        while run and (run[0] in _DEF_CONNECTORS or run[0] in {"The", "A", "An"}
                       or re.search(r"-[a-z]", run[0])):  # "US-backed"
            run.pop(0)
        acr = m.group("acr")
        run = _acronym_name(run, acr)
        if len(run) < 2 or acr in run:
            continue
        long = " ".join(run)
        end = len(text[:m.start()].rstrip())
        start = text.rfind(run[0], 0, end)
        if start < 0 or text[start:end].split() != long.split():
            continue
        canon = table.get(long, table.get(acr, (long, "ORG")))[0]
        defs[acr] = canon
        c = Cand(start, end, "ORG", prio=2, canon=canon)
        c.votes["ORG"] += 3.0
        _add(cands, c)
    for acr, canon in defs.items():
        for m in re.finditer(rf"(?<![\w\-]){re.escape(acr)}(?![\w\-])", text):
            c = Cand(m.start(), m.end(), "ORG", prio=2, canon=canon)
            c.votes["ORG"] += 3.0
            _add(cands, c)
        for c in cands:
            if surface_key(text[c.start:c.end]) == acr:
                c.canon = canon


def _acronym_name(run: list[str], acr: str) -> list[str]:
    """The words an acronym stands for, out of the capitalised run before it: the shortest ending whose
    initials spell it ("Fighters of the Northern Valley Front (NVF)" -> "Northern Valley Front"), else
    the run without a leading "Word of the" (a sentence's first words), else the run."""
    for k in range(len(run) - 1, -1, -1):
        tail = run[k:]
        if "".join(w[0] for w in tail if w not in _DEF_CONNECTORS).upper() == acr.upper().replace(".", ""):
            return tail
    if len(run) > 3 and run[1] in _DEF_CONNECTORS:
        k = 1
        while k < len(run) and run[k] in _DEF_CONNECTORS:
            k += 1
        return run[k:]
    return run
