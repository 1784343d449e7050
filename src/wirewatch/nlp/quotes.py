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
"""

from __future__ import annotations

import logging
import re
from typing import Any

from ..records import Article, Mention, Quote
from . import quote_speakers as speakers

log = logging.getLogger(__name__)

CUE_LEMMAS = frozenset(
    """say tell add ask write state note warn explain insist argue claim declare announce report
    stress acknowledge admit recall reply respond conclude observe remark suggest tweet testify
    contend maintain emphasize emphasise assert complain urge confirm deny caution vow promise
    predict continue agree allege charge counter concede boast joke quip exclaim shout yell
    whisper cry lament plead describe reiterate recount mention indicate reveal disclose
    estimate signal post""".split()
)
# cues that introduce a reported clause ("X said that ...")
REPORT_LEMMAS = CUE_LEMMAS | frozenset(
    "believe think feel hope fear worry expect know learn show find predict".split()
)
LANGUAGES = {
    "french": "fr", "arabic": "ar", "spanish": "es", "german": "de", "portuguese": "pt",
    "italian": "it", "russian": "ru", "chinese": "zh", "mandarin": "zh", "cantonese": "zh",
    "japanese": "ja", "korean": "ko", "hindi": "hi", "urdu": "ur", "persian": "fa", "farsi": "fa",
    "dari": "fa", "turkish": "tr", "hebrew": "he", "dutch": "nl", "swahili": "sw", "bambara": "bm",
    "hausa": "ha", "greek": "el", "polish": "pl", "ukrainian": "uk", "swedish": "sv",
    "indonesian": "id", "vietnamese": "vi", "thai": "th", "bengali": "bn", "pashto": "ps",
    "amharic": "am", "somali": "so", "tigrinya": "ti", "kurdish": "ku", "wolof": "wo",
    "lingala": "ln", "english": "en", "romanian": "ro", "hungarian": "hu", "czech": "cs",
    "serbian": "sr", "croatian": "hr", "armenian": "hy", "georgian": "ka", "tagalog": "tl",
    "malay": "ms", "tamil": "ta", "creole": "ht", "yoruba": "yo", "igbo": "ig", "zulu": "zu",
}
_LANG_RE = re.compile(r"\b(?:in|speaking)\s+(" + "|".join(LANGUAGES) + r")\b", re.IGNORECASE)
_OPEN = "“"
_CLOSE = "”"
_QUOTE_CHARS = frozenset('"“”')


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
_PAIR = re.compile(r"“([^“”\n]*)(?:”|$)|\"([^\"\n]*)(?:\"|$)")


def _line_quotes(line: str, offset: int) -> list[tuple[int, int, bool]]:
    out: list[tuple[int, int, bool]] = []
    for m in _PAIR.finditer(line):
        group = 1 if m.group(1) is not None else 2
        start, end = m.span(group)
        closed = m.end() > end  # a closing mark was consumed
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


def _is_cue(tok: Any) -> bool:
    return tok.lemma_.lower() in CUE_LEMMAS and tok.pos_ in ("VERB", "AUX")


def _cue_after(doc: Any, text: str, end: int) -> Any | None:
    """A cue verb just after a quote that ends mid-sentence (“...,” X said / said X)."""
    close = end
    while close < len(text) and text[close] in ',;:?!.…' + "".join(_QUOTE_CHARS):
        close += 1
    tail = text[close:close + 160]
    stop = min([i for i in (tail.find("\n"), tail.find(_OPEN), tail.find('"')) if i >= 0] or [len(tail)])
    toks = [t for t in _tokens_in(doc, close, close + stop) if t.idx >= close][:12]
    if not toks:
        return None
    inner = text[end - 1:close]
    if "." in inner and toks[0].text[:1].isupper() and not _is_cue(toks[0]):
        # the quote closed its sentence: only "“...” X said." shapes with a cue within 5 tokens
        toks = toks[:5]
    for tok in toks:
        if tok.text in (".", "!", "?") and tok.i > toks[0].i:
            break
        if _is_cue(tok) or (tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to"):
            return tok
    return None


def _cue_before(doc: Any, text: str, start: int) -> Any | None:
    """A cue verb just before a quote introduced by "said:" / "said," / "told reporters"."""
    open_at = start - 1
    while open_at > 0 and text[open_at] in " “\"":
        open_at -= 1
    if open_at < 0 or text[open_at] not in ":,":
        prev_word = text[max(0, open_at - 6):open_at + 1].split()[-1:] if open_at > 0 else []
        if not prev_word or prev_word[0].lower() not in ("that", "said", "says", "added", "wrote"):
            return None
    line_start = text.rfind("\n", 0, start) + 1
    toks = [t for t in _tokens_in(doc, line_start, open_at + 1)][-25:]
    for tok in reversed(toks):
        if tok.text in (".", "!", "?"):
            break
        if _is_cue(tok) or (tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to"):
            return tok
    return None


def _speaker_of(cue: Any, quote: tuple[int, int] | None = None) -> Any | None:
    """The head token of whoever the cue attributes words to (never a word inside the quote)."""
    doc = cue.doc

    def outside(tok: Any) -> bool:
        return quote is None or not (quote[0] <= tok.idx < quote[1])

    if cue.lower_ == "according":
        to = doc[cue.i + 1]
        for child in to.children:
            if child.dep_ == "pobj":
                return child
        return doc[to.i + 1] if to.i + 1 < len(doc) else None
    for child in cue.children:
        if child.dep_ in ("nsubj", "nsubjpass") and outside(child):
            if child.lower_ in ("who", "which", "that") and cue.dep_ == "relcl":
                return cue.head  # "a report ..., which noted that ..."
            return child
    head = cue
    while head.dep_ in ("conj", "xcomp", "advcl") and head.head is not head:
        head = head.head  # "... and added", "went on to say"
        for child in head.children:
            if child.dep_ in ("nsubj", "nsubjpass") and outside(child):
                return child
    if quote is not None and quote[1] <= cue.idx:  # “...,” Flynn, a surrogate, said
        for tok in doc[max(0, cue.i - 8):cue.i]:
            if tok.idx >= quote[1] and tok.pos_ in ("PROPN", "NOUN", "PRON"):
                return tok
    for tok in doc[cue.i + 1: cue.i + 5]:  # inverted: said Carcy, who ...
        if tok.pos_ in ("PROPN", "NOUN", "PRON") and outside(tok):
            return tok
    return None


def _cue_prev_sentence(doc: Any, text: str, start: int) -> Any | None:
    """A cue in the sentence right before a quote with no cue of its own ("Pruitt said:" / "X said.")."""
    toks = _tokens_in(doc, start, start + 1)
    if not toks or speakers.sentence(toks[0]).start == 0:
        return None
    sent = speakers.sentence(doc[speakers.sentence(toks[0]).start - 1])
    if set(sent.text) & _QUOTE_CHARS or text[sent.end_char:start].strip(" \n“\"") != "":
        return None
    for tok in sent:
        if _is_cue(tok) and not any(c.dep_ == "ccomp" for c in tok.children):
            return tok
    return None


def _language(doc: Any, text: str, cue: Any | None, stop: int | None = None) -> str | None:
    """ISO 639-1 code when the attribution says "in French", "speaking in Arabic", ..."""
    if cue is None:
        return None
    sent = speakers.sentence(cue)
    end = sent.end_char if stop is None or stop <= cue.idx else stop
    window = text[max(sent.start_char, cue.idx - 40): end]
    m = _LANG_RE.search(window)
    return LANGUAGES[m.group(1).lower()] if m else None


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
    root = speakers.sentence(tok).root
    for child in root.children:
        if child.dep_ in ("nsubj", "nsubjpass") and not (start <= child.idx < end):
            return child, None
    return None, None


def _is_partial(text: str, start: int, end: int) -> bool:
    """A quote that neither opens its sentence nor ends it with punctuation: words inside prose."""
    before = text[max(0, start - 3):start - 1].rstrip(" “\"")
    opens = not before or before[-1] in ".:\n!?" or start <= 1
    return not opens and not (text[end - 1] in ".?!," or text[end:end + 1] in ",")


def extract_direct(doc: Any, article: Article, resolver: speakers.Resolver) -> list[Quote]:
    """Direct (quoted) speech with speakers and cues."""
    text = article.text
    out: list[Quote] = []
    for start, end, _ in quoted_spans(text):
        partial = _is_partial(text, start, end)
        cue = _cue_after(doc, text, end) or _cue_before(doc, text, start)
        head = _speaker_of(cue, (start, end)) if cue is not None else None
        if cue is None and not partial and not (out and _continues(text, out[-1], start)):
            cue = _cue_prev_sentence(doc, text, start)
            head = _speaker_of(cue) if cue is not None else None
        if cue is None and partial:
            if len(text[start:end].split()) < 2:
                continue  # a scare-quoted word is not a quote
            head, cue = _partial_speaker(doc, start, end)
        quote = Quote(text=text[start:end], start=start, end=end,
                      cue=cue.text if cue is not None else None)
        if head is not None:
            quote.speaker, quote.speaker_mention = resolver.resolve(head)
            quote.language = _language(doc, text, cue)
        elif out and _continues(text, out[-1], start):
            prev = out[-1]
            quote.speaker, quote.speaker_mention = prev.speaker, prev.speaker_mention
            quote.language = prev.language
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

    for tok in doc:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            quote = _according(doc, tok, resolver)
        elif tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in REPORT_LEMMAS:
            quote = _said_that(doc, tok, resolver)
        else:
            continue
        if quote is not None and free(quote.start, quote.end) and not (set(quote.text) & _QUOTE_CHARS):
            out.append(quote)
            taken.append((quote.start, quote.end))
    return out


def _said_that(doc: Any, cue: Any, resolver: speakers.Resolver) -> Quote | None:
    comp = next((c for c in cue.children if c.dep_ == "ccomp"), None)
    subj = _speaker_of(cue) if comp is not None else None
    if comp is None or subj is None or comp.i < cue.i:
        return None
    left = comp.left_edge.i
    if doc[left].dep_ == "mark" and doc[left].lower_ == "that":
        left += 1
    right = comp.right_edge.i + 1
    while right > left and doc[right - 1].is_punct:
        right -= 1
    if right - left < 3:
        return None
    span = doc[left:right]
    quote = Quote(text=span.text, start=span.start_char, end=span.end_char, cue=cue.text, direct=False)
    quote.speaker, quote.speaker_mention = resolver.resolve(subj)
    quote.language = _language(doc, resolver.text, cue, stop=span.start_char)
    return quote


def _according(doc: Any, tok: Any, resolver: speakers.Resolver) -> Quote | None:
    to = doc[tok.i + 1]
    who = next((c for c in to.children if c.dep_ == "pobj"), None)
    if who is None:
        return None
    sent = speakers.sentence(tok)
    phrase_end = who.right_edge.i + 1
    if tok.i - sent.start <= 1:  # "According to X, <content>."
        left, right = phrase_end, sent.end
    else:  # "<content>, according to X."
        left, right = sent.start, tok.i
    while left < right and (doc[left].is_punct or doc[left].is_space):
        left += 1
    while right > left and (doc[right - 1].is_punct or doc[right - 1].is_space):
        right -= 1
    if right - left < 3:
        return None
    span = doc[left:right]
    quote = Quote(text=span.text, start=span.start_char, end=span.end_char, cue="according to", direct=False)
    quote.speaker, quote.speaker_mention = resolver.resolve(who)
    return quote


def extract(doc: Any, article: Article) -> list[Quote]:
    """Direct then reported quotes of one article, in text order."""
    resolver = speakers.Resolver(doc, article)
    direct = extract_direct(doc, article, resolver)
    taken = [(q.start, q.end) for q in direct]
    reported = extract_reported(doc, article, resolver, taken)
    return sorted(direct + reported, key=lambda q: q.start)


def annotate(doc: Any, article: Article) -> None:
    """Fill ``article.quotes`` from the spaCy doc (``article.text == doc.text``)."""
    article.quotes = extract(doc, article)
