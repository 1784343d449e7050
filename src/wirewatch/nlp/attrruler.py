"""The same matches as a spaCy ``attribute_ruler``'s Matcher, found by table look-ups.

The English model's attribute ruler maps each token's fine tag (and a few words) to its coarse
part of speech and features with 179 Matcher patterns; running spaCy's general Matcher over them
is ~10% of the whole parse (2.2-2.6 CPU-s per 100 articles).  Every pattern of the shipped models
is one or two tokens without operators, each token a conjunction of equality / ``IN`` / ``NOT_IN``
/ ``REGEX`` tests on a few attributes, so the matches can be found by filing each pattern under an
equality test of its first token (``TAG == "NN"`` files it under that tag) and checking only the
patterns filed under the token's own values.

:func:`speed_up` replaces the ruler's ``match`` with this only when every pattern is of that
kind; the answer is the Matcher's (same ``(attr_id, match_id, start, end)`` list, sorted as
spaCy sorts it), and spaCy's own ``set_annotations`` applies it.  Anything else (operators, other
attributes or predicates) leaves the ruler as it was.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

log = logging.getLogger(__name__)

# Attributes the look-up reads (as ``Doc.to_array`` gives them: string ids, or 0/1 for flags).
_ATTRS = ("TAG", "LOWER", "DEP", "POS", "IS_SPACE")
_FLAGS = {"IS_SPACE"}
_FILE_BY = ("TAG", "LOWER", "DEP", "POS")  # equality tests a pattern can be filed under, in this order


class Unsupported(ValueError):
    """A pattern the look-up does not handle (the ruler is then left alone)."""


def _predicate(col: int, attr: str, value, strings) -> tuple[Callable[[list], bool], tuple | None]:
    """A test of one token's row for ``attr`` against ``value``; and (col, id) when it is an equality."""
    if attr in _FLAGS:
        if not isinstance(value, bool):
            raise Unsupported(f"{attr}: {value!r}")
        want = int(value)
        return (lambda row: row[col] == want), None
    if isinstance(value, str):
        want = strings[value]
        return (lambda row: row[col] == want), (col, want)
    if isinstance(value, dict) and len(value) == 1:
        (op, arg), = value.items()
        if op in ("IN", "NOT_IN") and isinstance(arg, list) and all(isinstance(a, str) for a in arg):
            ids = frozenset(strings[a] for a in arg)
            if op == "IN":
                return (lambda row: row[col] in ids), None
            return (lambda row: row[col] not in ids), None
        if op == "REGEX" and isinstance(arg, str):
            rx = re.compile(arg)
            return (lambda row: bool(rx.search(strings[row[col]]))), None
    raise Unsupported(f"{attr}: {value!r}")


def _token_spec(spec: dict, strings) -> tuple[tuple[Callable, ...], tuple | None]:
    """All the tests of one token of a pattern, and the equality to file the pattern under (if any)."""
    tests, eqs = [], {}
    for attr, value in spec.items():
        if attr not in _ATTRS:
            raise Unsupported(attr)
        test, eq = _predicate(_ATTRS.index(attr), attr, value, strings)
        tests.append(test)
        if eq is not None:
            eqs[attr] = eq
    file_by = next((eqs[a] for a in _FILE_BY if a in eqs), None)
    return tuple(tests), file_by


class FastMatch:
    """``AttributeRuler.match`` by table look-ups (see the module docstring).

    One-token patterns depend only on the token's row of attributes, and rows repeat (a word with
    its tag and relation): their matches are memoised per row (``CACHE_MAX`` rows at most).  The few
    two-token patterns are filed under an equality test of their first token and checked there."""

    CACHE_MAX = 200_000

    def __init__(self, ruler) -> None:
        strings = ruler.vocab.strings
        # one-token patterns: filed[(col, id)] / general; longer ones: multi_filed / multi_general
        self.filed: dict[tuple[int, int], list] = {}
        self.general: list = []
        self.multi_filed: dict[tuple[int, int], list] = {}
        self.multi_general: list = []
        self.n_patterns = 0
        for attr_id in range(len(ruler.attrs)):
            match_id = strings[str(attr_id)]
            got = ruler.matcher.get(match_id)
            if got is None:
                raise Unsupported(f"no patterns under key {attr_id}")
            for pattern in got[1]:
                if not pattern or not all(isinstance(s, dict) and s for s in pattern) or \
                        any(k == "OP" for s in pattern for k in s):
                    raise Unsupported(f"pattern {pattern!r}")
                specs = [_token_spec(s, strings) for s in pattern]
                entry = (attr_id, match_id, tuple(tests for tests, _ in specs))
                key = specs[0][1]
                filed, general = (self.filed, self.general) if len(specs) == 1 else \
                    (self.multi_filed, self.multi_general)
                (filed.setdefault(key, []) if key is not None else general).append(entry)
                self.n_patterns += 1
        from spacy import attrs as A

        self.columns = [getattr(A, a) for a in _ATTRS]
        self.cols = sorted({col for col, _ in self.filed})
        self.multi_cols = sorted({col for col, _ in self.multi_filed})
        self._rows: dict[tuple, tuple] = {}

    def _row(self, row: tuple) -> tuple[tuple[tuple[int, int], ...], tuple]:
        """For a token with this row: (attr_id, match_id) of the one-token patterns it matches, and
        the longer patterns whose first token it matches."""
        hits = set()
        for entry in [e for col in self.cols for e in self.filed.get((col, row[col]), ())] + self.general:
            if all(t(row) for t in entry[2][0]):
                hits.add((entry[0], entry[1]))
        starts = [e for col in self.multi_cols for e in self.multi_filed.get((col, row[col]), ())]
        starts = tuple(e for e in starts + self.multi_general if all(t(row) for t in e[2][0]))
        return tuple(sorted(hits)), starts

    def __call__(self, doc) -> list[tuple[int, int, int, int]]:
        n = len(doc)
        if not n:
            return []
        rows = list(map(tuple, doc.to_array(self.columns).tolist()))
        memo = self._rows
        if len(memo) > self.CACHE_MAX:
            memo.clear()
        out = []
        append, get = out.append, memo.get
        multi = set()
        for i, row in enumerate(rows):
            got = get(row)
            if got is None:
                got = memo[row] = self._row(row)
            hits, starts = got
            for aid, mid in hits:
                append((aid, mid, i, i + 1))
            for aid, mid, tests in starts:
                end = i + len(tests)
                if end <= n and all(all(t(rows[i + k]) for t in tests[k]) for k in range(1, len(tests))):
                    multi.add((aid, mid, i, end))
        out.extend(multi)
        out.sort()
        return out


def speed_up(nlp) -> bool:
    """Give the model's ``attribute_ruler`` (if any) the look-up ``match``; False when left as it was."""
    if "attribute_ruler" not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe("attribute_ruler")
    try:
        fast = FastMatch(ruler)
    except Unsupported as exc:
        log.info("attribute ruler of %s keeps spaCy's Matcher: %s", nlp.meta.get("name"), exc)
        return False
    ruler.match = fast
    return True
