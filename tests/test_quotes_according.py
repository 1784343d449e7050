"""The source-phrase test ("according to X", "selon X", "d'après X") with its first-word precheck answers
as the plain scan of every phrase does, token by token, in both languages."""

from __future__ import annotations

import random

import pytest
import spacy

from wirewatch.nlp import quotes
from wirewatch.nlp.quotes import _according_at, _according_seq, _first_words, lexicon
from wirewatch.records import Article


def _scan(tok) -> tuple[str, ...]:
    """The test it replaces: every phrase of the document's language, tried at this token."""
    doc = tok.doc
    for seq in lexicon(doc.lang_).according:
        if tok.lower_ == seq[0] and tok.i + len(seq) <= len(doc) \
                and all(doc[tok.i + k].lower_ == w for k, w in enumerate(seq[1:], 1)):
            return seq
    return ()


def _sentences(lang: str, rng: random.Random, n: int) -> list[str]:
    words = [w for seq in lexicon(lang).according for w in seq]
    words += ["Paris", "police", "the", "le", "to", "said", "a", ",", ".", "Selon", "According", "TO", "après"]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(n)]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_precheck_and_phrase_equal_the_scan(lang):
    nlp = spacy.blank(lang)
    assert lexicon(lang).according, "the language names source phrases"
    rng = random.Random(5)
    hits = 0
    for text in _sentences(lang, rng, 400):
        doc = nlp(text)
        for tok in doc:
            want = _scan(tok)
            assert _according_seq(tok) == want, (text, tok.i)
            assert _according_seq(tok, lexicon(lang).according) == want
            assert _according_at(tok) == bool(want)
            hits += bool(want)
    assert hits > 50  # the sentences hold source phrases, so the test compares more than empty answers


def test_first_words_are_the_phrases_openers():
    according = (("according", "to"), ("as", "per"), ("per",))
    assert _first_words(according) == frozenset({"according", "as", "per"})


def test_reported_speech_after_according_to(nlp):
    text = ("The army had withdrawn from the northern town of Kidal, according to local officials. "
            "According to the ministry, three soldiers were wounded in the attack on Tuesday.")
    art = Article(source="t", text=text)
    quotes.annotate(nlp(text), art)
    got = {q.text: q.cue for q in art.quotes if not q.direct}
    assert got.get("The army had withdrawn from the northern town of Kidal") == "according to"
    assert got.get("three soldiers were wounded in the attack on Tuesday") == "according to"
