"""Literal anchors of regular expressions: run only the cue regexes that can match a text.

The event-type classifier scores every sentence against ~200 cue regexes; most cues cannot match a
given sentence, and saying so costs far less than a regex search.  For each regex we derive a set
of *anchors*, literal strings such that every match of the regex contains at least one of them
(the idea of RE2's and codesearch's prefilters, here over Python's own regex parse tree).  A text
that contains none of a cue's anchors cannot match it; the regex runs only when one is present.

The derivation is conservative: any construct it does not understand (character categories,
back-references, case-insensitive groups) contributes "no requirement", so a cue whose anchors are
unknown (``None``) always runs.  Results are therefore identical to running every regex.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

__all__ = ["anchors", "Prefilter"]

MAX_SET = 64  # cap on the size of a finite set of alternatives (cross products grow fast)
_WIDE_CLASS = 12  # a character class with more members than this is no useful anchor
_GRAM = 3  # anchors are looked up by their first _GRAM characters (see ``Prefilter.candidates``)


@dataclass(frozen=True, slots=True)
class _Info:
    exact: frozenset[str] | None  # the whole (finite, small) language of the node, else None
    req: frozenset[str] | None  # every match contains one of these, else None (no requirement known)


_NONE = _Info(None, None)
_EMPTY = _Info(frozenset({""}), None)  # zero-width: \b, ^, lookarounds


def _useful(req: frozenset[str] | None) -> frozenset[str] | None:
    return req if req and "" not in req else None


def _score(req: frozenset[str] | None) -> tuple[int, int]:
    """How selective a required set is: its shortest anchor's length (up to 4: longer ones are all
    rare in text), then fewer anchors.  (0, 0) = useless."""
    return (min(4, min(len(s) for s in req)), -len(req)) if _useful(req) else (0, 0)


def _seq(items, c) -> _Info:
    cur: frozenset[str] | None = frozenset({""})
    cands: list[frozenset[str]] = []
    all_exact = True
    for op, av in items:
        info = _node(op, av, c)
        if info.exact is not None and cur is not None and len(cur) * len(info.exact) <= MAX_SET:
            cur = frozenset(a + b for a in cur for b in info.exact)
            continue
        all_exact = False  # the language is no longer one finite set
        if cur is not None and cur != frozenset({""}):
            cands.append(cur)
        if info.exact is not None:
            cur = info.exact  # the run restarts at this node
            continue
        if info.req is not None:
            cands.append(info.req)
        cur = frozenset({""})
    if all_exact:
        return _Info(cur, _useful(cur))
    if cur is not None and cur != frozenset({""}):
        cands.append(cur)
    best = max(cands, key=_score, default=None)
    return _Info(None, best if _score(best)[0] else None)


def _in(av, c) -> _Info:
    chars: set[str] = set()
    for op, val in av:
        if op is c.LITERAL:
            chars.add(chr(val))
        elif op is c.RANGE and val[1] - val[0] < _WIDE_CLASS:
            chars.update(chr(i) for i in range(val[0], val[1] + 1))
        else:  # NEGATE, CATEGORY (\s, \w), wide ranges
            return _NONE
    if not chars or len(chars) > _WIDE_CLASS:
        return _NONE
    return _Info(frozenset(chars), frozenset(chars))


def _branch(alternatives, c) -> _Info:
    infos = [_seq(alt, c) for alt in alternatives]
    exact = None
    if all(i.exact is not None for i in infos):
        union = frozenset().union(*(i.exact for i in infos))
        exact = union if len(union) <= MAX_SET else None
    reqs = [i.req for i in infos]
    req = frozenset().union(*reqs) if all(r is not None for r in reqs) else None
    return _Info(exact, _useful(req))


def _repeat(lo: int, hi: int, sub, c) -> _Info:
    info = _seq(sub, c)
    if lo == 0:
        if hi == 1 and info.exact is not None:
            return _Info(info.exact | {""}, None)  # "x?": finite, but nothing is required
        return _NONE
    if lo == hi == 1:
        return info
    return _Info(None, info.req)  # at least one copy: its requirement holds


def _node(op, av, c) -> _Info:
    if op is c.LITERAL:
        return _Info(frozenset({chr(av)}), frozenset({chr(av)}))
    if op is c.IN:
        return _in(av, c)
    if op is c.BRANCH:
        return _branch(av[1], c)
    if op is c.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return _NONE if add_flags else _seq(sub, c)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) or op is getattr(c, "POSSESSIVE_REPEAT", None):
        return _repeat(av[0], av[1], av[2], c)
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _seq(av, c)
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return _EMPTY
    return _NONE  # ANY, NOT_LITERAL, CATEGORY, GROUPREF, ...


def _minimal(req: frozenset[str] | None) -> frozenset[str] | None:
    """Drop anchors that contain another one ("clashes" holds "clash"): fewer tests, same answer."""
    if req is None:
        return None
    return frozenset(a for a in req if not any(b != a and b in a for b in req))


def anchors(pattern: str) -> frozenset[str] | None:
    """Literal strings one of which every match of ``pattern`` contains, or None when unknown.

    Only for patterns compiled without flags (our cues run on lower-cased text).
    """
    try:
        from re import _constants as c, _parser as p  # CPython >= 3.11
    except ImportError:  # pragma: no cover - older or other Pythons: no prefilter, same results
        return None
    try:
        return _minimal(_seq(p.parse(pattern), c).req)
    except Exception:  # pragma: no cover - an unexpected parse tree: run the regex always
        log.debug("no anchors for %r", pattern, exc_info=True)
        return None


class Prefilter:
    """Which of a list of patterns may match a text: those with an anchor in it, or without anchors."""

    def __init__(self, patterns: list[str]) -> None:
        self.always: list[int] = []
        by_anchor: dict[str, list[int]] = {}
        for i, pat in enumerate(patterns):
            found = anchors(pat)
            if found is None:
                self.always.append(i)
            else:
                for a in found:
                    by_anchor.setdefault(a, []).append(i)
        # longest anchors first is arbitrary; any order gives the same set
        self._anchors: tuple[tuple[str, tuple[int, ...]], ...] = tuple(
            (a, tuple(ix)) for a, ix in sorted(by_anchor.items()))
        # An anchor can occur in a text only if its first _GRAM characters do: anchors are filed under
        # that prefix, and a text tests only those filed under one of its own _GRAM-grams (one set of
        # slices per text instead of ~500 substring searches).  Shorter anchors are tested always.
        self._short = tuple((a, ix) for a, ix in self._anchors if len(a) < _GRAM)
        by_gram: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
        for a, ix in self._anchors:
            if len(a) >= _GRAM:
                by_gram.setdefault(a[:_GRAM], []).append((a, ix))
        self._by_gram = {g: tuple(v) for g, v in by_gram.items()}
        self._grams = frozenset(by_gram)

    @property
    def n_anchored(self) -> int:
        return len({i for _, ix in self._anchors for i in ix})

    def candidates(self, text: str) -> list[int]:
        """Indices (ascending) of the patterns that may match ``text``."""
        out = set(self.always)
        for a, ix in self._short:
            if a in text:
                out.update(ix)
        by_gram = self._by_gram
        for g in self._grams.intersection([text[i:i + _GRAM] for i in range(len(text) - _GRAM + 1)]):
            for a, ix in by_gram[g]:
                if a in text:
                    out.update(ix)
        return sorted(out)
