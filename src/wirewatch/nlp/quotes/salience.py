"""The person a subject pronoun of an attribution stands for, read from the surface of the text.

"« ... », dit-elle" / "Il a ajouté : « ... »": in news prose the pronoun is the person last brought
on as the one acting or speaking, of the pronoun's gender.  The parse of such sentences is often
wrong on flattened pages (a heading glued to the next sentence, a name tagged as a place), so the
candidates are read from the words around each name, not from its dependency label:

- a PERSON of the article, or a capitalised name right after a cue verb ("explique Ronke", "a
  ajouté le ministre Ali Koné"), outside quotes;
- not a name governed by a preposition ("choisi par Hisa", "avec Messi", "la fille de Bob") nor the
  object of a verb that is not a cue ("a critiqué Liz Truss"); "selon X" is a source and counts;
- of the pronoun's gender when the article shows the person's (honorific, pronouns after the name,
  or the role noun written before it: "la présentatrice Naida", "le ministre Koné").

Every word list is the language's data (``quotes/data/<lang>/cues.json``: ``person_nouns``,
``role_modifiers``, ``determiners``, ``according``; ``entities`` honorifics and pronouns).
"""

from __future__ import annotations

from typing import Any

from ...records import Article
from ..entities import lexicon as EL
from . import speakers
from .lexicon import Lexicon, _lex

_GENDER = {"Masc": "m", "Fem": "f"}
REACH = 1500  # characters back from the pronoun a candidate may lie


def _np_start(doc: Any, i: int, lex: Lexicon, honorifics: dict[str, str | None]) -> tuple[int, str | None]:
    """(index of the first word of the noun phrase a name at token ``i`` closes, gender it shows):
    past titles, role nouns, their modifiers and determiners ("la présentatrice", "M.", "le président
    russe")."""
    marked: set[str] = set()
    title: str | None = None
    role = False
    j = i - 1
    while j >= 0 and i - j <= 6:
        tok = doc[j]
        low = tok.lower_
        if tok.text in honorifics:
            title = title or honorifics[tok.text]
        elif low in lex.person_nouns or low.rstrip(".") in lex.person_nouns:
            role = True
        elif not (low in lex.determiners or low in lex.role_modifiers or tok.pos_ in ("ADJ", "DET")):
            break
        marked.update(_GENDER.get(g, "") for g in tok.morph.get("Gender"))
        j -= 1
    # the feminine is the marked form ("l'ancienne première ministre"): one feminine word settles it
    gender = title or ("f" if "f" in marked else "m" if role and "m" in marked else None)
    return j + 1, gender


def _governed(doc: Any, first: int, lex: Lexicon) -> str:
    """What stands right before a noun phrase starting at token ``first``: "source" after "selon",
    "cue" after a cue verb (an inverted subject), "object" after a preposition or another verb,
    else "" (a subject, or a name opening its sentence)."""
    if first == 0:
        return ""
    k = first - 1
    while k > 0 and doc[k].pos_ == "ADV" and first - k < 3:
        k -= 1  # "condamner directement le président"
    prev = doc[k]
    if prev.is_space or prev.is_punct:
        return ""
    starts = {seq[-1] for seq in lex.according}
    if prev.lower_ in starts:
        return "source"
    if prev.lower_ in lex.cue_forms or (prev.pos_ == "VERB" and prev.lemma_.lower() in lex.cue_lemmas):
        return "cue"
    if prev.pos_ in ("ADP", "VERB", "AUX") or prev.lower_ in lex.name_stopwords:
        return "object"
    return ""


def _apposition_follows(doc: Any, i: int) -> bool:
    """"Alex Wilhelm, rédacteur en chef de ...": a name followed by a comma and a noun phrase that
    says who the person is (a determiner or a lower-case noun), the way news prose brings a person on."""
    if i + 2 >= len(doc) or doc[i + 1].text != ",":
        return False
    nxt = doc[i + 2]
    return nxt.text[:1].islower() and (nxt.pos_ in ("DET", "NOUN", "ADP") or nxt.lower_ in _lex(doc).person_nouns)


def _apposed_to_role(doc: Any, first: int, lex: Lexicon) -> bool:
    """"a déclaré son responsable des urgences, Michael Ryan": a name after a comma that closes a
    phrase holding a role noun (no other punctuation between them)."""
    if first < 2 or doc[first - 1].text != ",":
        return False
    for tok in reversed(doc[max(0, first - 10):first - 1]):
        if tok.is_punct or tok.is_space:
            return False
        if tok.lower_ in lex.person_nouns:
            # not a role the parse makes an object ("a reçu l'envoyé spécial ..., M. X"), unless it
            # follows a cue verb (the inverted subject of "a déclaré son responsable des urgences, X")
            start, _ = _np_start(doc, tok.i, lex, EL.honorifics(getattr(doc, "lang_", EL.DEFAULT)))
            return tok.dep_ not in _OBJECT_DEPS or _governed(doc, start, lex) == "cue"
    return False


def _object_phrase(doc: Any, first: int, last: int) -> bool:
    """Whether the parse makes the phrase ``doc[first:last + 1]`` (or the phrase it is in apposition
    to) the object of a verb or a preposition."""
    for tok in doc[first:last + 1]:
        if first <= tok.head.i <= last and tok.head.i != tok.i:
            continue  # inside the phrase
        head = tok.head if tok.dep_ in ("appos", "flat", "flat:name") else tok
        return head.dep_ in _OBJECT_DEPS
    return False


_OBJECT_DEPS = frozenset({"obj", "iobj", "obl", "obl:arg", "obl:mod", "nmod", "dobj", "pobj"})


def _cue_follows(doc: Any, i: int, lex: Lexicon) -> bool:
    """"Sylvain Nguessan estime que", "Mme Sow a déclaré": a name that is the subject of a cue verb
    right after it (auxiliaries, adverbs and clitics between)."""
    k = i + 1
    while k < len(doc) and k - i <= 4 and (doc[k].pos_ in ("AUX", "ADV") or doc[k].lower_ in lex.skip_subjects):
        k += 1
    return k < len(doc) and (doc[k].lower_ in lex.cue_forms
                             or (doc[k].pos_ == "VERB" and doc[k].lemma_.lower() in lex.cue_lemmas))


def _verb_follows(doc: Any, i: int, lex: Lexicon) -> bool:
    """"Mariam Sangaré a rencontré ...": a name opening its clause with its verb right after it."""
    k = i + 1
    while k < len(doc) and k - i <= 3 and doc[k].lower_ in lex.skip_subjects:
        k += 1
    return k < len(doc) and doc[k].pos_ in ("AUX", "VERB")


def candidates(doc: Any, article: Article, resolver: speakers.Resolver, at: int, quoted: Any
               ) -> tuple[list[tuple[int, str, str | None]], list[tuple[int, str, str | None]]]:
    """(end offset, name, gender or None) of the people a pronoun at ``at`` may stand for, in text order;
    then the people named as objects whose gender the text shows, the fallback when no other agrees."""
    lex = _lex(doc)
    lang = getattr(resolver, "lang", None) or EL.DEFAULT
    honorifics = EL.honorifics(lang)
    out: dict[int, tuple[int, str, str | None]] = {}
    objects: list[tuple[int, str, str | None]] = []
    from .discourse import _past_addressee, _token_at  # noqa: PLC0415  (discourse imports this module)

    def add(i_first: int, i_last: int, name: str) -> None:
        first, local = _np_start(doc, i_first, lex, honorifics)
        kind = _governed(doc, first, lex)
        known = resolver.genders.get(name)
        role = first < i_first and any(doc[k].lower_ in lex.person_nouns or doc[k].text in honorifics
                                       for k in range(first, i_first))
        opens = first == 0 or doc[first - 1].is_punct or doc[first - 1].is_space
        acts = _apposition_follows(doc, i_last) or _cue_follows(doc, i_last, lex) \
            or (opens and _verb_follows(doc, i_last, lex))
        titled = role or _apposed_to_role(doc, first, lex)
        if kind == "" and not acts and titled and _object_phrase(doc, first, i_last):
            kind = "object"  # a title in an object: "a reçu ... l'envoyé spécial de la Cédéao, M. Amadou Traoré"
        if kind == "object":
            if local or known:  # "a reçu la présentatrice Awa Ba": only the gender can bring her back
                objects.append((doc[i_last].idx + len(doc[i_last].text), name, local or known))
            return
        if not (kind or acts or titled):
            return  # a bare name in passing is not evidence that the story has turned to that person
        gender = local or known
        end = doc[i_last].idx + len(doc[i_last].text)
        out[end] = (end, name, gender)

    for e in article.entities:
        if e.type != "PERSON":
            continue
        for m in e.mentions:
            if m.end > at or at - m.end > REACH or quoted(m.start):
                continue
            i = _token_at(doc, m.start)
            j = max(i, _token_at(doc, m.end) - 1)
            if i >= len(doc) or (doc[i].is_sent_start and len(e.name.split()) < 2 and not _cue_follows(doc, j, lex)):
                continue  # "Considérez ceci": a capitalised first word alone is no evidence of a name ("Scott dit" is)
            add(i, j, e.name)
    lo = _token_at(doc, max(0, at - REACH))
    # a name right after a verb of saying speaks ("explique Ronke", even if the tagger called it a place);
    # only a place the article names as a country or city, or an organisation, is left out
    places = {e.name for e in article.entities if e.type in ("GPE", "ORG", "NORP", "FAC")}
    for tok in doc[lo:_token_at(doc, at)]:
        if not (tok.lower_ in lex.cue_forms or (tok.pos_ == "VERB" and tok.lemma_.lower() in lex.cue_lemmas)):
            continue
        k = _past_addressee(doc, tok.i + 1)  # "explique Ronke", "a ajouté à la BBC le ministre Ali Koné"
        while k < len(doc) and k - tok.i <= 5 and (doc[k].lower_ in lex.determiners or doc[k].lower_ in lex.person_nouns
                                                   or doc[k].lower_ in lex.role_modifiers or doc[k].text in honorifics):
            k += 1
        if k >= len(doc) or not doc[k].text[:1].isupper() or not doc[k].is_alpha or quoted(doc[k].idx):
            continue
        last = k
        while last + 1 < len(doc) and doc[last + 1].text[:1].isupper() and doc[last + 1].is_alpha \
                and doc[last].whitespace_:
            last += 1
        if doc[last].idx + len(doc[last].text) > at:
            continue
        name, _ = resolver.resolve(doc[last])
        name = name or doc[k:last + 1].text
        if name in places or doc[k:last + 1].text in places:
            continue
        end = doc[last].idx + len(doc[last].text)
        if end not in out:
            _, local = _np_start(doc, k, lex, honorifics)
            out[end] = (end, name, resolver.genders.get(name) or local)
    return sorted(out.values()), sorted(objects)


def discourse_person(doc: Any, article: Article, resolver: speakers.Resolver, at: int, pronoun: str,
                     quoted: Any) -> tuple[int, str] | None:
    """(end, name) of the latest candidate (``candidates``) that agrees with a singular ``pronoun``."""
    lex = _lex(doc)
    if lex.pronoun_number.get(pronoun) == "Plur":
        return None
    want = _GENDER.get(lex.pronoun_gender.get(pronoun, ""))
    people, objects = candidates(doc, article, resolver, at, quoted)
    for end, name, gender in reversed(people):
        if want is None or gender in (None, want):
            return end, name
    for end, name, gender in reversed(objects):
        if gender == want:
            return end, name
    return None
