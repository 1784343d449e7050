"""The attribute ruler's table look-up finds exactly the matches of spaCy's Matcher, and the runtime's
model annotates exactly as the model loaded by ``spacy.load``."""

from __future__ import annotations

import random

import pytest
import spacy

from wirewatch.nlp import attrruler
from wirewatch.nlp.runtime import model_name

TEXTS = [
    "The police said on Monday that they had arrested three men after the protest in Bamako.",
    "Y'all gonna see it, ain't ya? Let's go, c'mon on - we gotta leave, there are 12 of us.",
    "There is a problem: there were no talks, and there's   nothing left.\n\nNew paragraph here !",
    "I don't know whether she'd've come; you're right, they'll ask him and he's sure.",
    "U.S. troops (about 2,000) moved to e.g. Gao; 5 km away, #news @agency http://x.org £3.5m 50%.",
]


def _shuffled(rng: random.Random, n: int) -> list[str]:
    words = " ".join(TEXTS).split(" ")
    return [" ".join(rng.choice(words) for _ in range(rng.randint(1, 40))) for _ in range(n)]


@pytest.fixture(scope="module")
def plain():
    return spacy.load(model_name("en"))


def test_same_matches_as_the_matcher(plain):
    ruler = plain.get_pipe("attribute_ruler")
    fast = attrruler.FastMatch(ruler)
    assert fast.n_patterns == sum(len(ruler.matcher.get(plain.vocab.strings[str(i)])[1])
                                  for i in range(len(ruler.attrs)))
    assert fast.multi_filed or fast.multi_general  # the two-token patterns are covered too
    texts = TEXTS + _shuffled(random.Random(7), 150) + [""]
    total = 0
    for doc in plain.pipe(texts):
        want = ruler.match(doc)  # spaCy's own Matcher (the plain model is not sped up)
        assert fast(doc) == want, doc.text
        assert fast(doc) == want  # the second time from the per-row memo
        total += len(want)
    assert total > 1000


def test_two_token_patterns_match_where_the_matcher_does(plain):
    ruler = plain.get_pipe("attribute_ruler")
    fast = attrruler.FastMatch(ruler)
    doc = plain("Y'all gonna go, ain't it? Let's see. There are many.")
    want = ruler.match(doc)
    assert any(e - s == 2 for _, _, s, e in want)  # the sentence does hold a two-token match
    assert fast(doc) == want


def test_unsupported_patterns_leave_the_ruler_alone():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "new"}, {"LOWER": "york", "OP": "?"}]], {"LEMMA": "x"})
    assert not attrruler.speed_up(nlp)
    assert "match" not in vars(ruler)  # spaCy's own method is kept
    nlp2 = spacy.blank("en")
    r2 = nlp2.add_pipe("attribute_ruler")
    r2.add([[{"LOWER": {"REGEX": "^a"}, "IS_SPACE": False}], [{"LOWER": "x"}, {"LOWER": {"IN": ["y", "z"]}}]],
           {"LEMMA": "a-word"})
    r2.add([[{"LOWER": {"NOT_IN": ["b", "c"]}}]], {"NORM": "n"})
    assert attrruler.speed_up(nlp2)
    for text in ["an apple x y b", "x z ab c", "a", ""]:
        doc = nlp2.make_doc(text)
        assert r2.match(doc) == _matcher_answer(r2, doc), text
    assert r2.match(nlp2.make_doc("an x y"))  # it does match


def _matcher_answer(ruler, doc):
    """What ``AttributeRuler.match`` returns with spaCy's Matcher."""
    matches = [(int(ruler.vocab.strings[m]), m, s, e) for m, s, e in ruler.matcher(doc, allow_missing=True)]
    return sorted(matches)


def test_runtime_model_annotates_as_the_plain_model(plain):
    from wirewatch.nlp.runtime import load_model

    nlp = load_model()
    assert "match" in vars(nlp.get_pipe("attribute_ruler"))  # the runtime's model is sped up
    texts = TEXTS + _shuffled(random.Random(3), 40)
    for a, b in zip(plain.pipe(texts), nlp.pipe(texts)):
        assert [(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in a] == \
            [(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in b]
