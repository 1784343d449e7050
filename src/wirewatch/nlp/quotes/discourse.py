"""Attribution through word order and the discourse, for languages whose data asks for it.

The French parse of attributions is unreliable (an inverted subject comes out as an object), so
``quotes`` takes the subject by word order ("« ... », a déclaré le ministre", "Le pape ajoute
que"), follows pronouns to the latest person-like subject agreeing in gender and number, and
folds a role ("le pape") or a short name ("Tedros") into the full name written earlier.  Every
switch is a field of the language's ``Lexicon``; English leaves them off and keeps its own rules.
"""

from __future__ import annotations

import bisect
import itertools
import re
from typing import Any

from ...records import Article, Quote
from . import salience, speakers
from .lexicon import _MARKS, _SUBJ, Lexicon, _lex


def _inverted_subject(cue: Any, lex: Lexicon) -> Any | None:
    """A clitic subject after the verb: "a-t-il déclaré", "dit-elle", "ajoute-t-il"."""
    if not lex.inverted_subjects:
        return None
    doc = cue.doc
    for tok in doc[max(0, cue.i - 2):min(len(doc), cue.i + 3)]:
        if tok.lower_ in lex.inverted_subjects:
            return tok
    return None


def _quoted(doc: Any, idx: int) -> bool:
    """Whether a character offset lies inside any quoted passage of the doc (set by extract)."""
    spans = doc.user_data.get("wirewatch.quoted") or []
    i = bisect.bisect_right(spans, (idx, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= idx < spans[i][1]


def _incise_subject(cue: Any, quote: tuple[int, int], outside: Any) -> Any | None:
    """« ... », a déclaré le ministre / ajoute Valérie Bony: in an attribution right after the quote
    (nothing but marks, punctuation, auxiliaries and adverbs between them), the subject follows the
    verb; the first noun or name after it, or the name in apposition to it ("un résident, Zacharie
    Paluku").  The parse of these inverted clauses is unreliable (the subject comes out as an object)."""
    doc = cue.doc
    if cue.idx < quote[1]:
        return None
    gap = [t for t in doc[max(0, cue.i - 8):cue.i] if t.idx >= quote[1]]
    if len(gap) > 6 or any(t.text in (".", ";", ":") for t in gap):
        return None  # the quote closed its sentence: what follows is a new clause, not an incise
    skip = _lex(doc).skip_subjects | _lex(doc).incise_clitics  # "« ... », nous a confié le maire"
    if any(not (t.is_punct or t.pos_ in ("AUX", "ADV") or t.text in _MARKS or t.text.startswith("-")
                or t.lower_ in skip) for t in gap):
        return None
    first = _past_addressee(doc, cue.i + 1)
    for tok in doc[first:first + 5]:
        if tok.is_punct or tok.pos_ in ("ADP", "VERB") or not outside(tok):
            return None
        if tok.pos_ in ("NOUN", "PROPN") or (tok.pos_ == "PRON" and tok.dep_.startswith("nsubj")):
            return _apposed_name(tok) if tok.pos_ == "NOUN" and not tok.text[:1].isupper() else tok
    return None


def _past_addressee(doc: Any, i: int) -> int:
    """The token after an addressee phrase at ``i`` ("a déclaré à la BBC le ministre ...", "a indiqué
    à l'AFP un responsable"): a preposition of the language's ``addressee_preps``, determiners, then one
    noun or a run of capitalised words (up to a PERSON the article names); ``i`` when there is none."""
    lex = _lex(doc)
    if not lex.addressee_preps:
        return i
    article = doc.user_data.get("wirewatch.article")
    people = {m.start for e in (article.entities if article is not None else ()) if e.type == "PERSON"
              for m in e.mentions}
    start = i
    for _ in range(4):  # "a affirmé mardi soir à Niamey le Premier ministre ..."
        if i < len(doc) and (doc[i].lower_ in lex.incise_time_words or doc[i].ent_type_ in ("DATE", "TIME")):
            i += 1
            continue
        if i >= len(doc) or doc[i].lower_ not in lex.addressee_preps:
            break
        k = _past_phrase(doc, i + 1, lex, people)
        while k is not None and k + 1 < len(doc) and doc[k].lower_ in ("de", "du", "des", "d'", "d’"):
            k = _past_phrase(doc, k + 1, lex, people)  # "à la télévision nationale du Niger"
        if k is None:
            return start
        i = k
    return i


def _past_phrase(doc: Any, k: int, lex: Lexicon, people: set[int]) -> int | None:
    """The token after a noun phrase at ``k`` (determiners, one noun or a run of capitalised words up
    to a PERSON the article names, adjectives after it); None when no noun phrase starts there."""
    while k < len(doc) and (doc[k].pos_ == "DET" or doc[k].lower_ in lex.determiners):
        k += 1
    if k >= len(doc) or doc[k].is_punct or doc[k].pos_ not in ("NOUN", "PROPN"):
        return None
    if doc[k].text[:1].isupper():
        while k + 1 < len(doc) and doc[k + 1].text[:1].isupper() and doc[k + 1].is_alpha \
                and doc[k + 1].idx not in people:
            k += 1
    k += 1
    while k < len(doc) and doc[k].pos_ == "ADJ" and doc[k].text[:1].islower():
        k += 1
    return k


def _comma_incise_subject(cue: Any, outside: Any) -> Any | None:
    """"... « la plus dangereuse » depuis 1945, a averti le président russe Vladimir Poutine.": a cue
    right after a comma, its subject after it (an incise closing the sentence, however far the quote):
    the name in the words that follow, else their first noun."""
    doc = cue.doc
    i = cue.i - 1
    while i >= 0 and doc[i].pos_ in ("AUX", "ADV"):
        i -= 1
    if i < 0 or doc[i].text != ",":
        return None
    first_noun = None
    for tok in doc[cue.i + 1:cue.i + 9]:
        if tok.is_punct or tok.pos_ in ("VERB", "ADP", "SCONJ", "CCONJ") or not outside(tok):
            break
        if tok.pos_ == "PROPN":
            return tok
        if tok.pos_ == "NOUN" and first_noun is None:
            first_noun = tok
    return first_noun


def _subject_before(cue: Any, outside: Any, lex: Lexicon) -> Any | None:
    """"Le pape ajoute que", "M. Koné a déclaré": the noun, name or subject pronoun right before the
    verb group (auxiliaries, adverbs, negation and object clitics skipped)."""
    doc = cue.doc
    i = cue.i - 1
    while i >= 0 and (doc[i].pos_ in ("AUX", "ADV") or doc[i].lower_ in lex.skip_subjects) and cue.i - i < 6:
        i -= 1
    if i < 0 or not outside(doc[i]) or _not_a_speaker(doc[i], cue):
        return None
    tok = doc[i]
    if tok.text == ",":  # "Rachel Batterham, professeur à l'University College, a souligné": past the apposition
        for j in range(i - 1, max(0, i - 20), -1):
            if doc[j].text in (".", ";", ":", "!", "?") or doc[j].text in _MARKS or not outside(doc[j]):
                return None
            if doc[j].text == ",":
                between = doc[j + 1:i]
                if between and all(t.pos_ == "PROPN" for t in between):
                    return doc[i - 1]  # "le directeur du funérarium, Matías Picón, a déclaré": the apposed name
                if doc[j - 1].pos_ == "PROPN" and outside(doc[j - 1]):
                    head = doc[j - 1]  # "Un habitant de Gao, qui ..., raconte": the person, not the place
                    while head.dep_ in ("nmod", "flat:name", "flat") and head.head.i < head.i \
                            and any(c.dep_ == "case" for c in head.children) and head.head.pos_ == "NOUN" \
                            and head.head.lemma_.lower() in lex.person_nouns:
                        head = head.head
                    return head
        return None
    if not (tok.pos_ in ("NOUN", "PROPN") or tok.lower_ in lex.pronouns):
        return None
    while tok.dep_ in ("nmod", "flat:name", "flat", "amod") and tok.head.i < tok.i \
            and tok.head.pos_ in ("NOUN", "PROPN"):
        tok = tok.head  # "le porte-parole du gouvernement a déclaré": the phrase's head, not its complement
    return tok


def _apposed_name(tok: Any) -> Any:
    """"un résident, Zacharie Paluku, ..." -> the last word of the name in apposition, else ``tok``."""
    doc = tok.doc
    i = tok.i + 1
    while i < min(len(doc), tok.i + 10) and not doc[i].is_punct and doc[i].pos_ != "VERB":
        i += 1  # the rest of the noun phrase ("le directeur du funérarium Sepelios Pinier")
    lex = _lex(doc)
    k = i + 1  # ", le colonel Assimi Goïta": past determiners, titles and their modifiers
    while k < len(doc) and k < i + 5 and (doc[k].pos_ == "DET" or doc[k].lower_ in lex.person_nouns
                                          or doc[k].lower_ in lex.role_modifiers):
        k += 1
    if i + 1 < len(doc) and doc[i].text == "," and k < len(doc) and doc[k].text[:1].isupper():
        i = k - 1
        j = i + 1
        while j + 1 < len(doc) and doc[j + 1].text[:1].isupper() and doc[j + 1].is_alpha is not False \
                and not doc[j + 1].is_punct:
            j += 1
        return doc[j]
    return tok


def _name_end(head: Any) -> Any:
    """The last word of a name whose first word heads it ("Pascal" of "Pascal Affi N'Guessan" in
    Universal Dependencies' ``flat:name``), so that the resolver sees the whole name."""
    lex = _lex(head.doc)
    if head.pos_ == "NOUN" and lex.person_nouns:
        appos = [c for c in head.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
        if appos:
            head = appos[0]  # "le président de la CAF Patrice Motsepe"
        elif head.lemma_.lower() in lex.person_nouns:
            head = _apposed_name(head)  # "le directeur du funérarium, Matías Picón"
    while True:
        right = [c for c in head.children if c.dep_ in ("flat:name", "flat") and c.i > head.i]
        if not right:
            break
        head = right[-1]
    doc = head.doc
    while head.pos_ == "PROPN" and head.i + 1 < len(doc) and doc[head.i + 1].pos_ == "PROPN" \
            and doc[head.i + 1].head.i in (head.i, head.head.i) and doc[head.i + 1].i > head.i:
        head = doc[head.i + 1]  # "N'Guessan" after "Pascal Affi", attached to the name's head
    return head


def _token_at(doc: Any, at: int) -> int:
    """Index of the first token that starts at or after character ``at``."""
    starts = doc.user_data.get("wirewatch.tok_starts")
    if starts is None:
        starts = doc.user_data["wirewatch.tok_starts"] = [t.idx for t in doc]
    return bisect.bisect_left(starts, at)


def _antecedent(doc: Any, at: int, lex: Lexicon, pronoun: str | None = None) -> Any | None:
    """The latest subject before ``at``, outside quotes, that names a person: a proper noun or a
    person noun of the language ("le pape", "la porte-parole") agreeing with ``pronoun`` in gender
    and number; with no pronoun (a quote with no cue), only a proper noun."""
    end = _token_at(doc, at)
    gender = lex.pronoun_gender.get(pronoun or "")
    number = lex.pronoun_number.get(pronoun or "")
    for tok in reversed(doc[max(0, end - 250):end]):
        if tok.dep_ not in _SUBJ or _quoted(doc, tok.idx):
            continue
        if not (tok.pos_ == "PROPN" or (pronoun and (tok.lemma_.lower() in lex.person_nouns
                                                     or tok.lower_ in lex.person_nouns))):
            continue
        if tok.pos_ == "PROPN" and tok.ent_type_ in ("ORG", "LOC", "GPE", "FAC"):
            continue  # "Elle" is not "l'University College de Londres" nor "l'Indonésie"
        if gender and tok.morph.get("Gender") and gender not in tok.morph.get("Gender"):
            continue
        if number and tok.morph.get("Number") and number not in tok.morph.get("Number"):
            continue
        return tok
    return None


_COMPLEMENT = frozenset({"de", "du", "des", "d'", "d’"})
_CAP_NAME = r"((?:(?:[A-ZÀ-Ý][\w’'-]+|[A-Z]\.)(?:[ \t]+|(?=[^\w’'-])|$)){1,4})"


def _fold_name(speaker: str | None, before: int, article: Article, resolver: speakers.Resolver) -> str | None:
    """The full name a short speaker stands for, in languages whose data asks for it (``fold_names``):
    a role ("le pape", "le ministre") -> the name written after that role earlier ("le pape
    François"); one name word ("Tedros", "M. Picón") -> the latest earlier multi-word name holding it."""
    lex = _lex(resolver.doc)
    if not speaker or not lex.fold_names:
        return speaker
    text = article.text[:before]
    words = speaker.replace("’", "' ").replace("'", "' ").split()
    if len(words) > 1 and words[-1].lower() in lex.cue_forms:  # "Le pape ajoute": the parse kept the verb
        words = words[:-1]
        speaker = " ".join(words)
    while words:
        prefix = next((p for p in lex.role_modifiers if p.endswith("-") and words[0].lower().startswith(p)), None)
        if prefix and len(words[0]) > len(prefix):
            words[0] = words[0][len(prefix):]  # "l'ex-première dame"
        elif words[0].lower() in lex.determiners or words[0].lower() in lex.role_modifiers:
            words = words[1:]
        else:
            break
    # the role without its complement: "ministre" of "le ministre de la Défense"
    head_words = list(itertools.takewhile(lambda w: w.lower() not in _COMPLEMENT, words))
    if words and words[0].lower() in lex.person_nouns and not any(w[:1].isupper() for w in head_words):
        role = re.escape(words[0])
        if any(w[:1].isupper() for w in words):
            words = head_words
        phrase = r"\s+".join(re.escape(w) for w in words)  # "le président russe Vladimir Poutine"
        head_phrase = r"\s+".join(re.escape(w) for w in head_words)
        pattern = r"(?i:\b" + phrase + r")\s+" + _CAP_NAME
        found = list(re.finditer(pattern, article.text[:before + 200])) if len(words) <= 3 else []
        # "Elijah Oliveros-Rosen, économiste senior à ...": the name the role was apposed to
        dets = "|".join(re.escape(d) for d in sorted(lex.determiners, key=len, reverse=True))
        apposed = _CAP_NAME + r",\s+(?:(?:" + dets + r")\s*)?(?:\w+\s+)?(?i:" + role + r")\b"
        found += list(re.finditer(apposed, text)) if len(words) == 1 else []
        # "Le porte-parole du gouvernement, Abdoulaye Maïga, ...": the role, its complement, then the name
        # (a title may stand before the name: "Le porte-parole de l'armée, le colonel Souleymane Dembélé")
        completed = (r"(?i:\b" + head_phrase + r")\s+(?i:d['’]|de|du|des)\b[^,.;:!?«»\"“”\n]{1,60}?,\s+"
                     r"(?:(?:" + dets + r")\s*[^\W\d]+\s+)?" + _CAP_NAME)
        found += list(re.finditer(completed, text)) if 0 < len(head_words) <= 3 else []
        found.sort(key=lambda m: m.start())
        for m in reversed(found):
            name = " ".join(m.group(1).split())
            people = [e.name for e in article.entities if e.type == "PERSON" and e.name in name]
            titled = m.re.pattern == completed and not re.search(r",\s+$", m.string[m.start():m.start(1)])
            if (m.re.pattern == apposed or titled) and not people:
                continue  # "en Côte d'Ivoire, le politique ...": only a person is apposed to a role
            name = max(people, key=len) if people else name  # "à BBC Mundo Elijah Oliveros-Rosen": the person
            if name and name.split()[0].lower() not in lex.name_stopwords:
                return name
        definite = re.match(r"(?i)(?:le|la)\s|l['’]", speaker) is not None  # singular: one person, not a group
        # "l'homme de 30 ans": a definite description with no name is the person the story follows
        return (_salient_name(article, before) if definite else None) or speaker
    names = [w for w in words if w[:1].isupper() and w.rstrip(".").lower() not in lex.person_nouns]
    if len(names) != 1 or len(words) > 2:
        return speaker
    word = names[0]
    runs: list[tuple[int, str]] = []
    for m in re.finditer(_CAP_NAME, text):
        run = m.group(1).split()
        while run and run[0].lower() in lex.name_stopwords:
            run = run[1:]
        if len(run) > 1 and word in run:
            runs.append((m.start(), " ".join(w.rstrip(",.;:") for w in run)))
    runs += [(-1, e.name) for e in article.entities if e.type == "PERSON" and len(e.name.split()) > 1
             and word in e.name.split()]
    return max(runs)[1] if runs else speaker


def _resolve(resolver: speakers.Resolver, head: Any) -> tuple[str | None, Any]:
    """The resolver's (name, mention); a proper noun it cannot place keeps its own words as the name."""
    name, mention = resolver.resolve(head)
    if name is None and head.pos_ == "PROPN" and mention is not None and _lex(head.doc).fold_names:
        name = mention.text
    return name, mention


def _salient_name(article: Article, before: int) -> str | None:
    """The person named (in full) before ``before`` who is mentioned most often in the article."""
    best: tuple[int, str] | None = None
    for e in article.entities:
        if e.type != "PERSON" or len(e.name.split()) < 2 or not any(m.start < before for m in e.mentions):
            continue
        count = max(len(e.mentions), len(re.findall(r"(?<![\w’'-])" + re.escape(e.name.split()[-1]) + r"(?![\w’'-])",
                                                     article.text)))
        if count >= 2 and (best is None or count > best[0]):
            best = (count, e.name)
    return best[1] if best else None


def _named(speaker: str | None) -> bool:
    """Whether a speaker string holds a name (a capitalised word after its first), not a plain noun phrase."""
    words = (speaker or "").split()
    return len(words) == 1 and words[0][:1].isupper() or any(w[:1].isupper() for w in words[1:])


def _nearest_person(doc: Any, article: Article, at: int, quotes: list[Quote],
                    resolver: speakers.Resolver) -> str | None:
    """The person a pronoun (or a quote with no cue) stands for: the later of the last quote's named
    speaker and the last person-like subject before it (names mentioned in other roles do not count)."""
    best: tuple[int, str] | None = None
    lex = _lex(doc)
    tok = doc[_token_at(doc, at)] if _token_at(doc, at) < len(doc) else None
    pronoun = tok.lower_ if tok is not None and tok.lower_ in lex.pronouns else None
    want = _GENDER.get(lex.pronoun_gender.get(pronoun or "", "")) if lex.pronoun_salience else None

    def agrees(name: str | None) -> bool:  # "elle" is not a man the article shows as one
        return want is None or resolver.genders.get(name or "") in (None, want)

    ante = _antecedent(doc, at, lex, pronoun)
    if ante is not None:
        name, _ = _resolve(resolver, _name_end(ante))
        if name and agrees(name):
            best = (ante.idx + len(ante.text), name)
    if pronoun is not None:
        named = _person_mention_before(doc, article, at, resolver, pronoun)
        if named is not None and (best is None or named[0] > best[0]):
            best = named  # "Et Michael, du Metro Plus, pense que ... « ... », dit-il": the parse lost the subject
        if lex.pronoun_salience:  # the latest person brought on, of the pronoun's gender, read from the surface
            found = salience.discourse_person(doc, article, resolver, at, pronoun, lambda i: _quoted(doc, i))
            if found is not None and (best is None or found[0] > best[0]):
                best = found
    for q in reversed(quotes):
        if q.speaker and _named(q.speaker) and agrees(q.speaker):
            pos = q.speaker_mention.end if q.speaker_mention is not None and q.speaker_mention.end <= at else q.end
            if best is None or pos > best[0]:
                best = (pos, q.speaker)
            break
    if best is None or at - best[0] >= 1500:
        # no person-like subject nor named speaker nearby ("Le monde de David Harris ... il a
        # développé"): the latest person the text names, in any role, else the one the story follows
        named = _latest_person(doc, article, at, keep=agrees)
        salient = _salient_name(article, at)
        return named or (salient if agrees(salient) else None)
    return best[1]


_GENDER = {"Masc": "m", "Fem": "f"}


def _person_mention_before(doc: Any, article: Article, at: int, resolver: speakers.Resolver,
                           pronoun: str) -> tuple[int, str] | None:
    """(end, name) of the latest PERSON mention before ``at``, outside quotes, that a subject pronoun
    can refer to: not the object of a verb or of a preposition ("a critiqué Liz Truss", "avec
    Messi"), and not of the other gender when the article shows the person's."""
    lex = _lex(doc)
    want = _GENDER.get(lex.pronoun_gender.get(pronoun, ""))
    plural = lex.pronoun_number.get(pronoun) == "Plur"
    if plural:
        return None
    best: tuple[int, str] | None = None
    for e in article.entities:
        if e.type != "PERSON" or (want and resolver.genders.get(e.name) not in (None, want)):
            continue
        for m in e.mentions:
            if m.end > at or at - m.end > 400 or _quoted(doc, m.start) or (best is not None and m.end <= best[0]):
                continue
            i = _token_at(doc, m.start)
            if i >= len(doc) or (doc[i].is_sent_start and len(e.name.split()) < 2):
                continue  # "Articles recommandés :" -- a capitalised first word is no evidence of a name
            head = doc[i]
            while head.dep_ in ("flat", "flat:name", "appos") and head.head.i != head.i:
                head = head.head
            # the one who speaks or thinks in that sentence: subject of a cue verb, or a name the parse
            # hung the cue on ("Et Michael, du Metro Plus, pense que" / "explique Ronke")
            speaks = (head.dep_ in _SUBJ or head.dep_ == "xcomp") and _is_cue_word(head.head, lex) \
                or (head.dep_ == "ROOT" and any(_is_cue_word(c, lex) for c in head.children
                                                if c.dep_ in ("parataxis", "acl", "acl:relcl")))
            if not speaks or any(c.dep_ == "case" for c in head.children):
                continue
            best = (m.end, e.name)
    return best


def _is_cue_word(tok: Any, lex: Lexicon) -> bool:
    return tok.lemma_.lower() in lex.cue_lemmas or tok.lower_ in lex.cue_forms


def _latest_person(doc: Any, article: Article, at: int, *, since: int = -1, keep: Any = None) -> str | None:
    """The canonical name of the latest PERSON mention between ``since`` and ``at``, outside quotes
    (of a person ``keep(name)`` accepts, when given)."""
    best: tuple[int, str] | None = None
    for e in article.entities:
        if e.type != "PERSON" or (keep is not None and not keep(e.name)):
            continue
        for m in e.mentions:
            if since <= m.start and m.end <= at and not _quoted(doc, m.start) and (best is None or m.start > best[0]):
                best = (m.start, e.name)
    return best[1] if best else None


def introduced(doc: Any, article: Article, resolver: speakers.Resolver, start: int, end: int) -> str | None:
    """A person brought on between two quotes, outside them: the subject of a sentence ("Felicity,
    49 ans, est ...") or the source of "selon X" ("Selon le Dr Philip Gothard, ...") -- the one a
    following quote with no cue is spoken by, rather than the previous quote's speaker."""
    lex = _lex(doc)
    according = {seq[0] for seq in lex.according}
    best: str | None = None
    for tok in doc[_token_at(doc, start):_token_at(doc, end)]:
        if _quoted(doc, tok.idx) or tok.pos_ != "PROPN" or tok.ent_type_ in ("LOC", "GPE", "ORG", "FAC"):
            continue
        head = tok
        while head.dep_ in ("appos", "flat", "flat:name") and head.head.i != head.i \
                and head.head.pos_ in ("NOUN", "PROPN"):
            head = head.head  # "le Dr Philip Gothard": the phrase the name is apposed to
        by_source = any(c.dep_ == "case" and c.lower_ in according for c in head.children)
        if not (head.dep_ in _SUBJ or by_source):
            continue
        name, _ = _resolve(resolver, _name_end(tok))
        kinds = {e.type for e in article.entities if e.name == name}
        if name and _named(name) and kinds <= {"PERSON"}:
            best = _fold_name(name, end, article, resolver)
    return best


def same_person(a: str | None, b: str | None) -> bool:
    """Whether two speaker names share a word ("Carmichael" / "Leigh Carmichael", "Sara" / "Sara Gamal")."""
    wa, wb = {w.lower() for w in (a or "").split()}, {w.lower() for w in (b or "").split()}
    return bool(wa & wb)


def _not_a_speaker(tok: Any, cue: Any) -> bool:
    """A subject the parse got wrong: a time or date, a dateline ("WASHINGTON (AP) —"), or a word
    on another line than its cue (a "1:50 p.m." heading glued to the paragraph under it)."""
    if tok.ent_type_ in ("DATE", "TIME"):
        return True
    doc = tok.doc
    if tok.text.isupper() and len(tok.text) > 2 and (tok.i == 0 or "\n" in doc[tok.i - 1].text) \
            and tok.i + 1 < len(doc) and doc[tok.i + 1].text in (",", "(", "—", "–", "-", "--"):
        return True
    lo, hi = sorted((tok.i, cue.i))
    return hi - lo < 80 and any(t.is_space and "\n" in t.text for t in doc[lo:hi])
