"""Names read from the words around them, for languages that give those words as data.

``data/<lang>/names.json`` (French has one; a language without the file skips this pass) lists the words a
name stands beside in news copy; the rules are about the language, not about any article:

- a title or function before a name ("le ministre de l'Éducation Ali Koné", "la porte-parole du
  gouvernement, Fatoumata Diallo") makes the name a PERSON with that role; the title and its complement
  ("de l'Éducation", "du Mali") are never inside the name, and a candidate that opens with a title
  ("ministre de l'" tagged ORG) is no entity;
- a name the tagger cut is extended to the capitalised words beside it ("Aminata Dramane" + "Traoré",
  "El-" + "Ghassim Wane", "Moussa ag Intallah" with its particle);
- a capitalised name right after a verb of saying or "selon" ("a indiqué El-Ghassim Wane") is the speaker:
  a person, even when the tagger says place, unless it is a known place or an organisation;
- page furniture and calendar words opening a sentence ("Articles recommandés", "Mercredi") and a
  capitalised verb or adjective opening one ("Considérez ...") are no names;
- a definite title alone ("« ... », a promis le ministre") is a mention of the latest person named before
  with that title (``resolve_roles``, run after grouping).
"""

from __future__ import annotations

import functools
import json

from ...records import Entity, Mention
from . import lexicon as L
from . import roles as R
from .cands import NOT_NAME_WORDS, PLACE_KINDS_STRONG, Cand, _add, _opens_sentence
from ..docutil import doc_text
from ..gazetteer import Gazetteer


@functools.cache
def rules(lang: str) -> dict | None:
    """The language's ``names.json`` (lists as sets), or None when the language has none (no fallback)."""
    path = L.DATA / lang / "names.json"
    if not path.is_file():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path}: invalid JSON resource: {exc}") from exc
    out = {k: frozenset(v) if isinstance(v, list) else v for k, v in raw.items() if not k.startswith("_")}
    out["lang"] = lang
    out["hon"] = frozenset(L.honorifics(lang))  # "Mme", "M.", "Président": never inside a name
    return out


def apply(doc, cands: list[Cand], gaz: Gazetteer, lang: str) -> None:
    data = rules(lang)
    if data is None:
        return
    text = doc_text(doc)
    _drop_openers(doc, text, cands, data)
    _titled(doc, text, cands, gaz, data)
    _extend(doc, text, cands, gaz, data)
    _speakers(doc, text, cands, gaz, data)


# -- tokens ---------------------------------------------------------------------------------------

def _cap(tok) -> bool:
    t = tok.text
    return (t[:1].isupper() and any(ch.islower() for ch in t)  # "Koné", "N'Guessan"; not "ONU"
            and all(ch.isalpha() or ch in "'’-" for ch in t))


def _glued(doc, k: int) -> bool:
    """Token k follows token k-1 with no space ("El" "-" "Ghassim")."""
    return k > 0 and not doc[k - 1].whitespace_


def _name_part(doc, k: int, data: dict, *, first: bool) -> bool:
    tok = doc[k]
    if not _cap(tok) or tok.text in data["stopwords"] or tok.lower_ in data["role_words"] or tok.text in data["hon"]:
        return False
    return first or not _opens_sentence(doc_text(doc), tok.idx)  # the parser's sentence starts cut names


def _unit(doc, k: int) -> int:
    """End of the word unit at token k: "El" "-" "Ghassim", "N'" "Guessan", "O'" "Reilly" are one word."""
    n = len(doc)
    j = k + 1
    while j < n and _glued(doc, j):
        prev, tok = doc[j - 1], doc[j]
        if tok.text in {"-", "‐"} and j + 1 < n and _glued(doc, j + 1) and _cap(doc[j + 1]):
            j += 2
        elif prev.text[-1:] in {"'", "’"} and _cap(tok):
            j += 1
        else:
            break
    return j


def _apostrophe_initial(doc, k: int) -> bool:
    """"N'", "O'", "D'" glued to a capitalised word: the first piece of a name ("N'Guessan")."""
    t = doc[k].text
    return (len(t) == 2 and t[0].isupper() and t[1] in "'’" and k + 1 < len(doc) and _glued(doc, k + 1)
            and _cap(doc[k + 1]) and t not in {"L'", "L’", "D'", "D’"})


def _name_run(doc, i: int, data: dict) -> list[tuple[int, int]] | None:
    """Word units [(start, end), ...] of the name starting at token i: capitalised words (hyphen- and
    apostrophe-joined pieces are one word) and lower-case particles between them; None when token i
    opens no name.  A name glued to more letters ("King's College") is not read as a name."""
    n = len(doc)
    if not (_name_part(doc, i, data, first=True) or _apostrophe_initial(doc, i)):
        return None
    units = [(i, _unit(doc, i))]
    while units[-1][1] < n and len(units) < 6:
        j = units[-1][1]
        tok = doc[j]
        if not doc[j - 1].whitespace_:
            if tok.text[:1].isalpha() or tok.text[:1] in "'’":
                return None  # "King" + "'s College": more of a longer name we cannot read
            break
        if _name_part(doc, j, data, first=False) or _apostrophe_initial(doc, j):
            if tok.text == doc[i].text:
                break  # "Mohamed Salah Mohamed Salah": a headline glued to the text
            units.append((j, _unit(doc, j)))
        elif (tok.lower_ in data["name_particles"] and tok.whitespace_ and j + 1 < n
              and _name_part(doc, j + 1, data, first=False)):
            units.append((j, _unit(doc, j + 1)))
        else:
            break
    end = units[-1][1]
    if end < n and doc[end].text in {"&", "+"}:
        return None  # "Global Economics & Research": an organisation's name goes on
    return units


def _span(doc, i: int, j: int) -> tuple[int, int]:
    return doc[i].idx, doc[j - 1].idx + len(doc[j - 1])


def _strong_place(gaz: Gazetteer, words: str) -> bool:
    hit = gaz.best(words)
    return hit is not None and (hit.kind in PLACE_KINDS_STRONG or hit.population >= 100_000)


def _org_like(words: str, data: dict) -> bool:
    return bool(NOT_NAME_WORDS.search(words)) or any(w in data["org_words"] for w in words.split())


# -- page words -----------------------------------------------------------------------------------

def _drop_openers(doc, text: str, cands: list[Cand], data: dict) -> None:
    """"Articles recommandés", "Mercredi, ...", "Considérez ...": a sentence's first word that is page
    furniture, a calendar word, or (for a one-word person) a verb or adjective, is no name."""
    keep = []
    for c in cands:
        if c.prio == 1 and (_opens_sentence(text, c.start) or _starts_sentence(doc, c.start)):
            span = doc.char_span(c.start, c.end, alignment_mode="expand")
            if span is not None and len(span) >= 1:
                first = span[0]
                if first.text in data["not_name_openers"] and (len(span) == 1 or not _cap(span[1])):
                    continue
                if len(span) == 1 and c.label == "PERSON" and first.pos_ in data["not_name_pos"]:
                    continue
        keep.append(c)
    cands[:] = keep


def _starts_sentence(doc, start: int) -> bool:
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    return span is not None and len(span) > 0 and span[0].is_sent_start


# -- titles before names --------------------------------------------------------------------------

def _titled(doc, text: str, cands: list[Cand], gaz: Gazetteer, data: dict) -> None:
    """"le ministre de l'Éducation Ali Koné", "l'ancienne Première ministre britannique Liz Truss",
    "le porte-parole du gouvernement, Abdoulaye Maïga,": the name after a title (and its complement)."""
    actors = L.actors(data["lang"]).names
    opens: set[int] = set()
    for tok in doc:
        if tok.lower_ not in data["role_words"]:
            continue
        opens.add(tok.idx)
        if tok.i > 0 and doc[tok.i - 1].lower_ in data["role_words"]:
            continue  # "secrétaire général", "président-directeur": one title, read from its first word
        found = _name_after_title(doc, tok, gaz, data)
        if found is None:
            continue
        s, e = found
        if _org_like(text[s:e], data) or text[s:e] in actors or _strong_place(gaz, text[s:e]):
            continue
        start, m = tok.idx, tok.i - 1
        while m >= 0 and doc[m].lower_ in data["role_modifiers"]:
            start, m = doc[m].idx, m - 1
        role_text = text[start:s].strip(" ,")
        c = Cand(s, e, "PERSON", prio=3)
        c.votes["PERSON"] += 5.0
        c.roles.append(R.RoleInfo(role_text[:1].lower() + role_text[1:], tok.lower_, None))
        _add(cands, c)
    # a candidate that opens with a title word ("ministre de l'" tagged ORG) is a role, not a name
    cands[:] = [c for c in cands if c.prio >= 3 or c.start not in opens]


def _name_after_title(doc, tok, gaz: Gazetteer, data: dict) -> tuple[int, int] | None:
    """Offsets of the name a title introduces, or None.

    After the title come its complement (prepositions, articles, lower-case nouns and adjectives,
    acronyms, capitalised institution words and places) and then the name.  A capitalised run right
    after a preposition is the preposition's object ("directeur de Global Economics", "ambassadeur
    auprès du Saint-Siège") unless its first words are the complement ("de l'Éducation Ali Koné",
    "du Mali Sadio Camara"); what is left after them must be a full name (two words at least).
    """
    n, k, after = len(doc), tok.i + 1, "role"
    while k < n and k - tok.i < 16:
        t = doc[k]
        units = _name_run(doc, k, data)
        if units is not None:
            if after not in {"prep", "acronym"}:
                return _span(doc, units[0][0], units[-1][1])
            end, stripped = units[-1][1], False
            while units and _complement_unit(doc, units, gaz, data):
                units, stripped = units[1:], True
            if units and (after == "acronym" or stripped and len(units) >= 2):
                return _span(doc, units[0][0], units[-1][1])  # "de l'ONU Ali Koné", "de l'Éducation Ali Koné"
            k, after = end, "comp"  # the preposition's object: the name may come after it
            continue
        if t.lower_ in data["complement_words"]:
            k, after = k + 1, "prep"
        elif t.text.islower() and t.lower_ not in data["role_words"] and t.pos_ in {"ADJ", "NOUN"}:
            k, after = k + 1, "word"  # "malien", "de l'armée"
        elif t.text.isupper() and len(t.text) >= 2 and t.is_alpha:
            k, after = k + 1, "acronym"  # "de l'ONU", "de BBC Afrique" (its name goes on)
        elif after == "comp" and t.text in {"-", "‐"}:
            k += 1
        elif t.text == "," and k + 1 < n:
            units = _name_run(doc, k + 1, data)
            if units is None:
                return None
            j = units[-1][1]
            if j >= n or doc[j].text in {",", ".", ";", ":"} or doc[j].pos_ in {"VERB", "AUX"}:
                return _span(doc, units[0][0], j)  # "le porte-parole du gouvernement, Abdoulaye Maïga, a ..."
            return None
        else:
            return None
    return None


def _complement_unit(doc, units: list[tuple[int, int]], gaz: Gazetteer, data: dict) -> bool:
    """The first word of a run after a title's preposition belongs to the complement: an institution
    word ("Éducation", "République"), a word the tagger reads as a common noun, or a place ("Mali")."""
    i, j = units[0]
    words = doc[i:j].text
    if words in data["institution_words"] or _strong_place(gaz, words):
        return True
    return j - i == 1 and doc[i].pos_ in {"NOUN", "ADJ"} and len(units) >= 3


# -- names the tagger cut -------------------------------------------------------------------------

def _extend(doc, text: str, cands: list[Cand], gaz: Gazetteer, data: dict) -> None:
    """A person candidate grows over the name words beside it that no other candidate holds:
    "Aminata Dramane" + "Traoré", "El-" + "Ghassim Wane", "Moussa" + "ag Intallah"."""
    for c in [c for c in cands if c.label == "PERSON" and c.prio <= 2]:
        span = doc.char_span(c.start, c.end, alignment_mode="expand")
        if span is None or c not in cands:
            continue
        i, j = span.start, span.end
        while i >= 2 and doc[i - 1].text in {"-", "‐"} and _glued(doc, i) and _glued(doc, i - 1) and _cap(doc[i - 2]):
            i -= 2
        units = _name_run(doc, span.start, data)
        if units is not None and units[-1][1] > j:
            s, e = _span(doc, j, units[-1][1])
            if not _org_like(text[s:e], data) and not _strong_place(gaz, text[s:e]) \
                    and all(doc[k].pos_ == "PROPN" or not doc[k].is_alpha for k in range(j, units[-1][1])
                            if doc[k].lower_ not in data["name_particles"]):
                j = units[-1][1]
        if (i, j) == (span.start, span.end):
            continue
        s, e = _span(doc, i, j)
        if any(o is not c and o.prio > 1 and o.start < e and s < o.end for o in cands):
            continue
        new = Cand(s, e, "PERSON", prio=2, gender=c.gender)
        for k, v in c.votes.items():
            new.votes[k] += v
        new.votes["PERSON"] += 1.0
        new.roles.extend(c.roles)
        _add(cands, new)


# -- speakers after verbs of saying ---------------------------------------------------------------

def _speakers(doc, text: str, cands: list[Cand], gaz: Gazetteer, data: dict) -> None:
    """"« ... », a indiqué El-Ghassim Wane": the name right after a verb of saying is a person."""
    actors = L.actors(data["lang"]).names
    n = len(doc)
    for tok in doc:
        if tok.lower_ not in data["speech_forms"] or tok.i + 1 >= n:
            continue
        if tok.i > 0 and doc[tok.i - 1].pos_ == "DET":
            continue  # "la menace Boko Haram", "l'annonce": a noun
        units = _name_run(doc, tok.i + 1, data)
        if units is None:
            continue
        s, e = _span(doc, units[0][0], units[-1][1])
        words = text[s:e]
        if words in actors or _org_like(words, data) or _strong_place(gaz, words):
            continue
        over = [c for c in cands if c.start < e and s < c.end]
        if not over:
            c = Cand(s, e, "PERSON", prio=2)
            c.votes["PERSON"] += 3.0
            _add(cands, c)
            continue
        for c in over:  # the tagger's span, longer or shorter, keeps its extent and gains the vote
            if c.canon is None and c.start == s:
                c.votes["PERSON"] += 3.0


# -- a title standing for the person who holds it -------------------------------------------------

def resolve_roles(doc, ents: list[Entity], infos: dict[int, list[R.RoleInfo]], gaz: Gazetteer, lang: str) -> None:
    """"« ... », a promis le ministre" after "le ministre de l'Éducation Ali Koné": a definite title with
    no name after it is a mention of the latest person named before it with that title (written before
    the name, or in apposition after it: "Ali Koné, le ministre de l'Éducation")."""
    data = rules(lang)
    if data is None:
        return
    text = doc_text(doc)
    heads: list[tuple[int, str, int]] = []  # (offset of a mention, title word, entity index)
    for idx, e in enumerate(ents):
        if e.type != "PERSON":
            continue
        for m in e.mentions:
            for info in infos.get(idx, []):
                heads.append((m.start, info.head, idx))
            for head in _apposed_titles(doc, m.end, data):
                heads.append((m.start, head, idx))
    if not heads:
        return
    heads.sort()
    taken = sorted((m.start, m.end) for e in ents for m in e.mentions)
    for tok in doc:
        if tok.lower_ not in data["role_words"] or tok.i == 0:
            continue
        first = tok.i - 1
        while first > 0 and doc[first].lower_ in data["role_modifiers"]:
            first -= 1
        if doc[first].lower_ not in data["definite"] or _name_after_title(doc, tok, gaz, data) is not None:
            continue
        if tok.i + 1 < len(doc) and _cap(doc[tok.i + 1]):
            continue  # "le président Macron" is a titled name, not a title alone
        last = tok.i
        while last + 1 < len(doc) and doc[last + 1].text.islower() and doc[last + 1].pos_ == "ADJ":
            last += 1  # "le président russe"
        s, e = doc[first].idx, doc[last].idx + len(doc[last])
        if any(a < e and s < b for a, b in taken):
            continue
        owner = None
        for at, head, idx in heads:
            if at >= s:
                break
            if head == tok.lower_:
                owner = idx
        if owner is not None:
            ents[owner].mentions.append(Mention(text[s:e], s, e))
            taken.append((s, e))


def _apposed_titles(doc, end: int, data: dict) -> list[str]:
    """Title words in apposition right after a name ending at ``end``: ", ancienne ministre de ...",
    ", le porte-parole de ..."."""
    last = doc.char_span(max(0, end - 1), end, alignment_mode="expand")
    if last is None:
        return []
    i = last.end
    if i >= len(doc) or doc[i].text != ",":
        return []
    i += 1
    while i < len(doc) and (doc[i].lower_ in data["definite"] or doc[i].lower_ in data["indefinite"]
                            or doc[i].lower_ in data["role_modifiers"]):
        i += 1
    return [doc[i].lower_] if i < len(doc) and doc[i].lower_ in data["role_words"] else []
