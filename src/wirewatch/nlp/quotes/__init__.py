"""quotes component: who said what, direct and reported, with canonical speakers.

Why rules on the dependency parse and not a model: wire copy follows a handful of fixed
attribution shapes (“...,” X said / said X, who ... / X said: “...” / X said that ... /
according to X, ...), a quote mark is an unambiguous signal, and every decision stays
explainable and fast.  The steps:

1. quoted spans from the characters (curly or straight marks; a paragraph that opens a quote
   and does not close it continues into the next one, the news convention);
2. for each, a cue verb right after the closing mark (when the quote ends with a comma, "?" or
   "!") or right before the opening mark (after "said:" / "said,"), and its subject from the
   parse; a quote inside a sentence (a partial quote) takes the subject of its sentence; a
   quote with no cue that follows a quote of known speaker continues it (speaker and language);
3. reported speech from the parse: a cue verb with a clausal complement outside any quote, and
   "according to X";
4. the speaker span resolved to a canonical name: the article's entities when one covers it,
   else our own fallback (pronoun -> most recent person-like name, surname -> the full name
   met earlier);
5. ``language`` when the attribution says the words were spoken in another language.

Further shapes: a signature after a dash (“...” ― Jane Doe); "X continued:" across a paragraph
break; a colon with no cue (the sentence subject presents the words); "as X put it"; a quote after
a non-cue verb (chanted "..."); mixed and doubled-apostrophe marks.  Short Title Case spans with no
cue ("Morning Joe") are titles or nicknames and are dropped.  A document that "says" speaks for its
owner (``speakers``).
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from ...records import Article, Quote
from . import speakers
from .discourse import (_apposed_name, _comma_incise_subject, _fold_name, _incise_subject, _inverted_subject, _name_end,  # noqa: F401
                        _named, _nearest_person, _not_a_speaker, _quoted, _resolve, _subject_before, _token_at,
                        introduced, same_person)
from .lexicon import (  # noqa: F401  (re-exported)
    _CLOSE, _MARKS, _OPEN, _QUOTE_CHARS, _SUBJ, CUE_LEMMAS, LANGUAGES, REPORT_LEMMAS, Lexicon, _lex, lexicon,
)
from ..docutil import sentence
from ..entities import dateline_span

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- quoted spans

def quoted_spans(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, opens_paragraph) of each quoted passage, marks excluded.

    A passage left open at the end of its paragraph closes there when the next paragraph opens
    a quote again (multi-paragraph quotes); otherwise the stray mark is ignored.
    """
    spans: list[tuple[int, int, bool]] = []
    for para in _LINE.finditer(text):
        spans.extend(_line_quotes(para.group(), para.start()))
    return spans


_LINE = re.compile(r"[^\n]+")
# a curly pair; else a curly opening closed by a straight mark (mixed marks in one quote); else straight
# and doubled apostrophes, the marks of some newswire archives (''It's over,'' he said)
_PAIR = re.compile(r"“([^“”\n]*)”|“([^“”\"\n]*)(?:\"|$)|\"([^\"\n]*)(?:\"|$)|''(.*?)(?:''|$)|«([^«»\n]*)(?:»|$)")


# '... ended. "Next words': a straight mark after a sentence end and a space, before a word, opens a quote;
# pages flattened to one line (paragraph breaks lost) leave the previous quote open before it
_LOST_BREAK = re.compile(r'[.!?…] "(?=\w)')


def _line_quotes(line: str, offset: int) -> list[tuple[int, int, bool]]:
    out: list[tuple[int, int, bool]] = []
    pos = 0
    while (m := _PAIR.search(line, pos)) is not None:
        group = next(g for g in (1, 2, 3, 4, 5) if m.group(g) is not None)
        start, end = m.span(group)
        closed = m.end() > end  # a closing mark was consumed
        pos = m.end()
        if group == 3 and closed and _LOST_BREAK.match(line, end - 2):
            pos = end  # the "closing" mark opens the next quote: the paragraph break between them was lost
        if not closed and start != 1 + len(line) - len(line.lstrip()):
            continue  # an unclosed mark inside a line is noise, not a multi-paragraph quote
        start, end = _trim(line, start, end)
        if end - start < 2:
            continue
        out.append((offset + start, offset + end, m.start() == len(line) - len(line.lstrip())))
    return out


def _trim(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and (line[end - 1].isspace() or line[end - 1] in ",;:"):
        end -= 1
    return start, end


# --------------------------------------------------------------------------- cues

def _tokens_in(doc: Any, start: int, end: int) -> list[Any]:
    span = doc.char_span(start, end, alignment_mode="expand") if end > start else None
    return list(span) if span is not None else []


# "Stated Stone:" -- a cue verb that opens its line is often tagged as a proper noun by the parser
# (``Lexicon.line_opening_cues``); phrasal cues: "shot back", "fired back", "chimed in" (``phrasal_cues``).


def _according_seq(tok: Any, according: tuple[tuple[str, ...], ...] | None = None) -> tuple[str, ...]:
    """The source phrase of the language that ``tok`` opens ("according to", "selon", "d'après"), else ().

    ``according``: the language's phrases (``Lexicon.according``) when the caller has them at hand."""
    doc = tok.doc
    lower = tok.lower_
    for seq in _lex(doc).according if according is None else according:
        if lower == seq[0] and tok.i + len(seq) <= len(doc) \
                and all(doc[tok.i + k].lower_ == w for k, w in enumerate(seq[1:], 1)):
            return seq
    return ()


@functools.cache
def _first_words(according: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    """The words that open a source phrase: no other token can open one."""
    return frozenset(seq[0] for seq in according)


def _according_at(tok: Any) -> bool:
    according = _lex(tok.doc).according
    return tok.lower_ in _first_words(according) and bool(_according_seq(tok, according))


def _source_of(tok: Any, *, strict: bool = False) -> Any | None:
    """The source named by "according to X" / "selon X": the object of the phrase's last word, or the
    word the phrase marks (a ``case`` dependent in Universal Dependencies); else (not strict) the next word."""
    doc = tok.doc
    last = doc[tok.i + len(_according_seq(tok)) - 1]
    obj = next((c for c in last.children if c.dep_ == "pobj"), None)
    if obj is not None:
        return obj
    if tok.dep_ == "case" and tok.head.i > last.i:
        return tok.head
    if strict:
        return None
    return doc[last.i + 1] if last.i + 1 < len(doc) else None


def _is_cue(tok: Any) -> bool:
    lex = _lex(tok.doc)
    if tok.lower_ in lex.line_opening_cues and (tok.i == 0 or "\n" in tok.doc[tok.i - 1].text):
        return True
    if tok.lower_ in lex.cue_forms and not tok.is_sent_start \
            and not (tok.i > 0 and tok.doc[tok.i - 1].pos_ == "DET"):  # "l'annonce" is a noun ("le dit" is not)
        return True  # "a-t-elle souligné": a participle the parser took for a noun
    if tok.pos_ not in ("VERB", "AUX"):
        return False
    lemma = tok.lemma_.lower()
    if lemma in lex.phrasal_cues:
        return any(c.dep_ in ("prt", "advmod") and c.lower_ == lex.phrasal_cues[lemma] for c in tok.children)
    return lemma in lex.cue_lemmas or (lemma == "put" and any(c.lower_ == "it" for c in tok.children))  # as X put it


def _cue_after(doc: Any, text: str, end: int) -> Any | None:
    """A cue verb just after a quote that ends mid-sentence (“...,” X said / said X).

    Within 12 tokens any cue counts; further on (“...,” X, a long apposition, said) only a cue
    whose subject is one of the first words after the quote, as the parse links them.
    """
    close = end
    while close < len(text) and text[close] in ',;:?!.…' + _MARKS:
        close += 1
    tail = text[close:close + 240]
    stop = min([i for i in (tail.find("\n"), *map(tail.find, _OPEN), tail.find('"')) if i >= 0] or [len(tail)])
    toks = [t for t in _tokens_in(doc, close, close + stop) if t.idx >= close][:40]
    if not toks:
        return None
    inner = text[end - 1:close]
    if "." in inner and toks[0].text[:1].isupper() and not _is_cue(toks[0]):
        # the quote closed its sentence: only "“...” X said." shapes with a cue within 5 tokens
        toks = toks[:5]
    if not set(text[end - 1:close]) & set(",?!") and text[close:close + 2].strip()[:1] in "-–—―;":
        toks = toks[:4]  # “...” -- and, later, asserting: a dash ends the attribution's reach
    first = {t.i for t in toks[:3] if t.pos_ in ("PROPN", "NOUN", "PRON")}
    for n, tok in enumerate(toks):
        if tok.text in (".", "!", "?") and tok.i > toks[0].i:
            break
        if _according_at(tok):
            return tok if n < 12 else None
        if _is_cue(tok) and (n < 12 or any(c.i in first for c in tok.children if c.dep_ in _SUBJ)):
            return tok
    return None


def _intro_end(text: str, start: int) -> int:
    """Index of the last character before a quote's opening mark, skipping spaces (and, after a
    colon, the paragraph break of "X said:\n\n“...”"); -1 at the start of the text."""
    i = start - 1
    while i >= 0 and text[i] in " \t\xa0" + _MARKS:
        i -= 1
    j = i
    while j >= 0 and text[j] in " \t\n\xa0":
        j -= 1
    return j if j >= 0 and text[j] == ":" else i


def _cue_before(doc: Any, text: str, start: int) -> Any | None:
    """A cue verb just before a quote introduced by "said:" / "said," / "told reporters"."""
    open_at = _intro_end(text, start)
    if open_at < 0:
        return None
    if text[open_at] not in ":,":
        prev_word = text[max(0, open_at - 6):open_at + 1].split()[-1:]
        if not prev_word or prev_word[0].lower() not in _lex(doc).intro_words:
            return None
    line_start = text.rfind("\n", 0, open_at) + 1
    toks = [t for t in _tokens_in(doc, line_start, open_at + 1)][-25:]
    for tok in reversed(toks):
        if tok.text in (".", "!", "?"):
            break
        if _is_cue(tok) or _according_at(tok):
            return tok
    return None


def _colon_subject(doc: Any, text: str, start: int) -> Any | None:
    """The subject of a sentence that introduces a quote with a colon and no cue verb
    ("The piece used her words as its headline: “...”"): it is the one presenting the words."""
    open_at = _intro_end(text, start)
    if open_at < 0 or text[open_at] != ":":
        return None
    toks = _tokens_in(doc, open_at, open_at + 1)
    if not toks:
        return None
    root = sentence(toks[0]).root
    return next((c for c in root.children if c.dep_ in _SUBJ and c.idx < open_at), None)


_DASH_RE = re.compile(r"[ \t\xa0]*[―—–-]{1,2}[ \t\xa0]*(?=[A-Z])")


def _dash_speaker(doc: Any, text: str, end: int) -> Any | None:
    """“...” ― Jane Doe: a name after a dash right after the closing mark signs the quote."""
    close = end
    while close < len(text) and text[close] in ',;:?!.…' + _MARKS:
        close += 1
    m = _DASH_RE.match(text, close)
    if m is None or not set(text[end:close]) & set(_MARKS):
        return None
    toks = _tokens_in(doc, m.end(), m.end() + 1)
    if not toks or toks[0].pos_ not in ("PROPN", "NOUN"):
        return None
    tok = toks[0]
    while tok.i + 1 < len(doc) and doc[tok.i + 1].pos_ == "PROPN" and doc[tok.i + 1].idx < m.end() + 60 \
            and "\n" not in text[tok.idx:doc[tok.i + 1].idx]:
        tok = doc[tok.i + 1]  # the last word of the name is its head for the resolver
    return tok


def _speaker_of(cue: Any, quote: tuple[int, int] | None = None) -> Any | None:
    """The head token of whoever the cue attributes words to (never a word inside the quote)."""
    doc = cue.doc

    def outside(tok: Any) -> bool:
        return not _quoted(doc, tok.idx) and (quote is None or not (quote[0] <= tok.idx < quote[1]))

    if _according_at(cue):
        return _source_of(cue)
    lex = _lex(doc)
    inverted = _inverted_subject(cue, lex)
    if inverted is not None and outside(inverted):
        return inverted  # « ... », a-t-il déclaré / dit-elle
    if lex.inverted_incise:  # word order first: the parse of attributions is unreliable in this language
        found = _incise_subject(cue, quote, outside) if quote is not None else None
        found = found if found is not None else _subject_before(cue, outside, lex)
        if found is None and quote is not None and cue.idx >= quote[1]:
            found = _comma_incise_subject(cue, outside)
        if found is not None:
            return found
    subjects = [c for c in cue.children if c.dep_ in _SUBJ and outside(c) and c.text.lstrip("-")[:1].isalnum()
                and c.lower_ not in lex.skip_subjects and not _not_a_speaker(c, cue)]
    between = [t for t in doc[max(0, cue.i - 40):cue.i] if quote is not None and t.idx >= quote[1]]
    if between and any(t.is_alpha for t in between):  # “...,” X said: the subject is between them
        inside = [c for c in subjects if between[0].i <= c.i < cue.i]
        if inside:
            return _relative_head(inside[0], cue)
        if between[-1].pos_ in ("PROPN", "PRON"):
            return between[-1]  # “...,” police Chief Jane Doe said (parse lost the subject)
        for pos in (("PROPN", "PRON"), ("NOUN",)):
            for tok in between:
                if tok.pos_ in pos:
                    return tok
    if subjects:  # several when the parse glued sentences together: the nearest is the cue's own
        return _relative_head(min(subjects, key=lambda c: abs(c.i - cue.i)), cue)
    head = cue
    while head.dep_ in ("conj", "xcomp", "advcl") and head.head is not head and outside(head.head):
        head = head.head  # "... and added", "went on to say"
        for child in head.children:
            if child.dep_ in _SUBJ and outside(child):
                return child
    for tok in doc[cue.i + 1: cue.i + 5]:  # inverted: said Carcy, who ...
        if tok.pos_ in ("PROPN", "NOUN", "PRON") and outside(tok):
            return tok
    return _name_before(cue, outside)


def _name_before(cue: Any, outside: Any) -> Any | None:
    """No subject in the parse ("In a statement, her adviser, Jake Sullivan, said: “...”"): the
    nearest name or pronoun right before the cue, on its line, that is not inside a phrase."""
    doc = cue.doc
    i = cue.i - 1
    while i >= max(0, cue.i - 12):
        tok = doc[i]
        if tok.is_space and "\n" in tok.text:
            return None
        if tok.text == ")":  # "Rep. Jane Doe (D-Ore.) said": skip the party and state
            while i > 0 and doc[i].text != "(" and cue.i - i < 12:
                i -= 1
        elif not tok.is_punct:
            ok = tok.pos_ in ("PROPN", "PRON") and tok.dep_ not in ("pobj", "poss", "compound")
            return tok if ok and outside(tok) and not _not_a_speaker(tok, cue) else None
        i -= 1
    return None


def _relative_head(subj: Any, cue: Any) -> Any:
    """"a report ..., which noted that ..." -> the report (the resolver handles "who" too)."""
    if subj.lower_ in _lex(cue.doc).relatives and cue.dep_ in ("relcl", "acl:relcl"):
        return cue.head
    return subj


def _cue_prev_sentence(doc: Any, text: str, start: int) -> Any | None:
    """A cue in the sentence right before a quote with no cue of its own ("Pruitt said:" / "X said.")."""
    toks = _tokens_in(doc, start, start + 1)
    if not toks or sentence(toks[0]).start == 0:
        return None
    sent = sentence(doc[sentence(toks[0]).start - 1])
    if set(sent.text) & _QUOTE_CHARS or text[sent.end_char:start].strip(" \n\xa0“«\"") != "":
        return None
    for tok in sent:
        if _is_cue(tok) and not any(c.dep_ == "ccomp" for c in tok.children):
            return tok
    return None


def _language(doc: Any, text: str, cue: Any | None, stop: int | None = None) -> str | None:
    """ISO 639-1 code when the attribution says "in French", "speaking in Arabic", ..."""
    if cue is None:
        return None
    sent = sentence(cue)
    end = sent.end_char if stop is None or stop <= cue.idx else stop
    window = text[max(sent.start_char, cue.idx - 40): end]
    lex = _lex(doc)
    m = lex.language_re.search(window)
    return lex.languages[m.group(1).lower()] if m else None


# --------------------------------------------------------------------------- quotes

def _partial_speaker(doc: Any, start: int, end: int) -> tuple[Any | None, Any | None]:
    """Subject of the sentence holding a partial quote (become “more present”), and its verb."""
    toks = _tokens_in(doc, start, end)
    if not toks:
        return None, None
    tok = toks[0]
    for anc in [tok, *tok.ancestors]:
        if anc.pos_ in ("VERB", "AUX") and _is_cue(anc):
            subj = _speaker_of(anc, (start, end))
            if subj is not None and not (start <= subj.idx < end):
                return subj, anc
    sent = sentence(tok)
    text = doc.text
    since = max(text.rfind(c, 0, start) for c in ".!?\n") + 1  # the parser may cut the sentence at a comma
    for prior in doc[min(sent.start, _token_at(doc, since)):tok.i]:  # "Selon X, ..., la junte « joue la montre »"
        if _according_at(prior):
            source = _source_of(prior, strict=True) or _source_of(prior)
            if source is not None and source.pos_ in ("PROPN", "NOUN", "PRON") and not (start <= source.idx < end):
                return source, prior
    root = sent.root
    for child in root.children:
        if child.dep_ in _SUBJ and not (start <= child.idx < end) \
                and not _not_a_speaker(child, tok):
            return child, None
    return None, None


def _opens_sentence(text: str, start: int) -> bool:
    """Whether a quote starts its sentence or paragraph (after ". ", ": ", a line break)."""
    before = text[max(0, start - 4):start - 1].rstrip(" \xa0" + _MARKS)
    return not before or before[-1] in ".:\n!?" or start <= 1


def _is_partial(text: str, start: int, end: int) -> bool:
    """A quote that neither opens its sentence nor ends it with punctuation: words inside prose."""
    return not _opens_sentence(text, start) and not (text[end - 1] in ".?!," or text[end:end + 1] in ",")


def _is_embedded(text: str, start: int) -> bool:
    """A quote right after a word of prose with no comma or colon (chanted "What curfew?")."""
    at = _intro_end(text, start)
    return at >= 0 and (text[at].isalnum() or text[at] in ")’") and text[at + 1:start].strip(" \xa0" + _MARKS) == ""


_SMALL_WORDS = frozenset("of the and a an in on for to at with from by or & de la".split())


def _title_like(quote: str) -> bool:
    """"Fox News Sunday", "Miss Piggy": a short Title Case span with no final punctuation names a
    work, a show or a nickname; it is not somebody's words."""
    words = quote.split()
    if not words or len(words) > 6 or quote[-1] in ".?!,…":
        return False
    caps = [w for w in words if w.lower() not in _SMALL_WORDS]
    return bool(caps) and all(w[:1].isupper() or w[:1].isdigit() for w in caps) and words[0][:1].isupper()


def _find_speaker(doc: Any, text: str, start: int, end: int, prev: Quote | None) -> tuple[Any, Any, bool]:
    """(cue, speaker head, keep) for one quoted span; ``keep`` False for spans that are not quotes."""
    opens = _opens_sentence(text, start)
    partial = not opens and not (text[end - 1] in ".?!," or text[end:end + 1] in ",")
    cue = _cue_after(doc, text, end) or _cue_before(doc, text, start)
    if cue is not None:
        return cue, _speaker_of(cue, (start, end)), True
    head = _dash_speaker(doc, text, end)
    if head is not None:
        return None, head, True
    if _title_like(text[start:end]):
        return None, None, False
    if partial or _is_embedded(text, start):
        if partial and len(text[start:end].split()) < 2:
            return None, None, False  # a scare-quoted word is not a quote
        head, cue = _partial_speaker(doc, start, end)
        return cue, head, True
    head = _colon_subject(doc, text, start)
    if head is not None:
        return None, head, True
    if opens and prev is not None and _continues(text, prev, start):
        return None, None, True
    cue = _cue_prev_sentence(doc, text, start)
    return cue, (_speaker_of(cue) if cue is not None else None), True


def extract_direct(doc: Any, article: Article, resolver: speakers.Resolver) -> list[Quote]:
    """Direct (quoted) speech with speakers and cues."""
    text = article.text
    out: list[Quote] = []
    for start, end, _ in quoted_spans(text):
        prev = out[-1] if out else None
        cue, head, keep = _find_speaker(doc, text, start, end, prev)
        if not keep:
            continue
        quote = Quote(text=text[start:end], start=start, end=end,
                      cue=cue.text if cue is not None else None)
        lex = _lex(doc)
        if head is not None:
            quote.speaker, quote.speaker_mention = _resolve(resolver, _name_end(head))
            if head.lower_ in lex.pronouns:  # the discourse's person, found by this language's own rules
                quote.speaker = _nearest_person(doc, article, head.idx, out, resolver) or quote.speaker
            if lex.uncued_focus and cue is None and head.pos_ == "NOUN" and head.lemma_.lower() not in lex.person_nouns:
                quote.speaker = _nearest_person(doc, article, start, out, resolver)  # "Son objectif est « ... »"
            quote.speaker = _fold_name(quote.speaker, start, article, resolver)
            quote.language = _language(doc, text, cue)
        elif prev is not None and _opens_sentence(text, start) and _continues(text, prev, start) \
                and (_named(prev.speaker) or not lex.uncued_focus):
            quote.speaker, quote.speaker_mention = prev.speaker, prev.speaker_mention
            quote.language = prev.language
            new = introduced(doc, article, resolver, prev.end, start) if lex.uncued_focus else None
            if new and not same_person(new, prev.speaker):  # "Felicity, 49 ans, ... « ... »": she speaks now
                quote.speaker, quote.speaker_mention, quote.language = new, None, None
        elif lex.uncued_focus and not _title_like(quote.text):
            # no cue, no continuation: the person the story is following speaks (a feature's subject)
            quote.speaker = introduced(doc, article, resolver, prev.end if prev is not None else 0, start) \
                or _fold_name(_nearest_person(doc, article, start, out, resolver), start, article, resolver)
        out.append(quote)
    return out


def _continues(text: str, prev: Quote, start: int) -> bool:
    """Whether a quote with no cue continues the previous one (next sentence or paragraph)."""
    if prev.speaker is None:
        return False
    gap = text[prev.end:start]
    return gap.count("\n\n") <= 1 and len(gap) < 400


def extract_reported(doc: Any, article: Article, resolver: speakers.Resolver,
                     taken: list[tuple[int, int]]) -> list[Quote]:
    """Reported speech: "X said (that) ...", "X told Y ...", "according to X, ..."."""
    out: list[Quote] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    dateline = dateline_span(article)
    lex = _lex(doc)
    report_lemmas = lex.report_lemmas
    according, openers = lex.according, _first_words(lex.according)

    for tok in doc:
        if tok.lower_ in openers and _according_seq(tok, according):
            quote = _according(doc, tok, resolver)
        elif tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in report_lemmas:
            quote = _said_that(doc, tok, resolver)
        else:
            continue
        if quote is not None and dateline and quote.start < dateline[1] < quote.end:
            quote.start = dateline[1]  # "TAMALE, Ghana (Reuters) - <content>": the dateline is not speech
            quote.text = resolver.text[quote.start:quote.end]
        if quote is not None and free(quote.start, quote.end) and not (set(quote.text) & _QUOTE_CHARS):
            out.append(quote)
            taken.append((quote.start, quote.end))
    return out


def _said_that(doc: Any, cue: Any, resolver: speakers.Resolver) -> Quote | None:
    """"X said (that) <clause>", "X told Y that <clause>", and the clause first: "<clause>, X said"."""
    comp = next((c for c in cue.children if c.dep_ == "ccomp" and not _quoted(doc, c.idx)), None)
    if comp is None:
        return None
    subj = _speaker_of(cue)
    if subj is None:
        return None
    if comp.i < cue.i and not (comp.right_edge.i < subj.i and comp.right_edge.i < cue.i):
        return None  # a clause before the cue only when the source follows it ("..., officials said")
    left = comp.left_edge.i
    if doc[left].dep_ == "mark" and doc[left].lower_ in _lex(doc).complementizers:
        left += 1
    right = comp.right_edge.i + 1
    span = _content_span(doc, left, right)
    if span is None:
        return None
    quote = Quote(text=span.text, start=span.start_char, end=span.end_char, cue=cue.text, direct=False)
    quote.speaker, quote.speaker_mention = _resolve(resolver, _name_end(subj))
    quote.speaker = _fold_name(quote.speaker, quote.start, doc.user_data["wirewatch.article"], resolver)
    quote.language = _language(doc, resolver.text, cue, stop=span.start_char if comp.i > cue.i else None)
    return quote


def _content_span(doc: Any, left: int, right: int) -> Any | None:
    """Reported content between token ``left`` and ``right`` without edge punctuation, if 3+ tokens."""
    while left < right and (doc[left].is_punct or doc[left].is_space):
        left += 1
    while right > left and (doc[right - 1].is_punct or doc[right - 1].is_space):
        right -= 1
    return doc[left:right] if right - left >= 3 else None


def _according(doc: Any, tok: Any, resolver: speakers.Resolver) -> Quote | None:
    who = _source_of(tok, strict=True)
    if who is None:
        return None
    sent = sentence(tok)
    phrase_end = who.right_edge.i + 1
    if sent.root.i > who.i:
        # an apposition after the source, or a parse that hung the clause on it ("Selon X, porte-parole
        # du gouvernement, les discussions ont ..."): the content starts after the last comma before the
        # sentence's main verb
        commas = [t.i for t in doc[who.i:sent.root.i] if t.text == ","]
        if commas and (phrase_end >= sent.end - 1 or commas[-1] >= phrase_end):
            phrase_end = commas[-1] + 1
    if tok.i - sent.start <= 1 or all(t.is_punct or t.is_space for t in doc[sent.start:tok.i]):
        left, right = phrase_end, sent.end  # "According to X, <content>."
        stop = next((t.i for t in doc[left:right] if t.is_space and "\n" in t.text), None)
        right = stop if stop is not None else right  # a sentence the parser ran across a paragraph break
    else:  # "<content>, according to X."
        left, right = sent.start, tok.i
    span = _content_span(doc, left, right)
    if span is None:
        return None
    cue = "".join(t.lower_ + t.whitespace_ for t in doc[tok.i:tok.i + len(_according_seq(tok))]).strip()
    quote = Quote(text=span.text, start=span.start_char, end=span.end_char, cue=cue, direct=False)
    quote.speaker, quote.speaker_mention = _resolve(resolver, _name_end(who))
    quote.speaker = _fold_name(quote.speaker, quote.start, doc.user_data["wirewatch.article"], resolver)
    return quote


def extract(doc: Any, article: Article) -> list[Quote]:
    """Direct then reported quotes of one article, in text order."""
    resolver = speakers.Resolver(doc, article)
    doc.user_data["wirewatch.quoted"] = [(a, b) for a, b, _ in quoted_spans(article.text)]
    doc.user_data["wirewatch.article"] = article
    direct = extract_direct(doc, article, resolver)
    taken = [(q.start, q.end) for q in direct]
    reported = extract_reported(doc, article, resolver, taken)
    return speakers.settle(sorted(direct + reported, key=lambda q: q.start), article)


def annotate(doc: Any, article: Article) -> None:
    """Fill ``article.quotes`` from the spaCy doc (``article.text == doc.text``)."""
    article.quotes = extract(doc, article)
