"""The prefilter's anchor look-up (by each anchor's first characters) finds exactly what testing every
anchor with ``in`` finds."""

from __future__ import annotations

import random

from wirewatch.nlp.events.classify import _prefilter
from wirewatch.nlp.events.prefilter import _GRAM, Prefilter


def _every_anchor(pf: Prefilter, text: str) -> list[int]:
    """The look-up it replaces: a substring test for every anchor."""
    out = set(pf.always)
    for a, ix in pf._anchors:
        if a in text:
            out.update(ix)
    return sorted(out)


def _texts(pf: Prefilter, rng: random.Random, n: int) -> list[str]:
    """Strings made of anchors, their pieces (a prefix cut short, a prefix then a stray letter) and noise."""
    anchors = [a for a, _ in pf._anchors]
    pieces = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(0, 8)):
            a = rng.choice(anchors)
            kind = rng.random()
            if kind < 0.3:
                parts.append(a)
            elif kind < 0.6:
                parts.append(a[: rng.randint(0, len(a))])  # a piece: shorter than the anchor
            elif kind < 0.8:
                cut = rng.randint(0, len(a))
                parts.append(a[:cut] + rng.choice("xz é'") + a[cut:])
            else:
                parts.append("".join(rng.choice("abcdeilmnorst -'é") for _ in range(rng.randint(0, 12))))
        pieces.append(rng.choice(["", " ", "-"]).join(parts))
    return pieces


def test_lookup_by_first_characters_equals_testing_every_anchor():
    pf = _prefilter()
    assert pf._by_gram and any(len(a) < _GRAM for a, _ in pf._anchors) == bool(pf._short)
    rng = random.Random(11)
    texts = _texts(pf, rng, 3000) + ["", "a", "ab", "abc"]
    found = 0
    for text in texts:
        got = pf.candidates(text)
        assert got == _every_anchor(pf, text), text
        found += bool(got)
    assert found > 1000  # the strings do hold anchors: the comparison is not about empty answers


def test_short_and_overlapping_anchors():
    # anchors shorter than the look-up prefix, anchors that start inside or at the end of another,
    # one that is a prefix of another, and a pattern without anchors (always a candidate)
    pats = ["ab", "x", "abcd", "bcde", "abcdef", "cd(?:e|f)g", r"\w+"]
    pf = Prefilter(pats)
    assert pf.always == [6]
    for text in ["", "a", "ab", "xab", "abcd", "zbcdez", "abcdefg", "cdfg", "cdeg", "abcdeg", "bcd", "b c d e",
                 "ABCD"]:
        assert pf.candidates(text) == _every_anchor(pf, text), text
    assert pf.candidates("abcdefg") == [0, 2, 3, 4, 6]
    assert pf.candidates("abcdfg") == [0, 2, 5, 6]
    assert pf.candidates("zbcdez") == [3, 6]
