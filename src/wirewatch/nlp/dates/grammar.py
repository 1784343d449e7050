"""Date grammars per language: the English grammar of ``timex``, or one built from a resource file.

A language other than English is a file, ``nlp/dates/data/<lang>/grammar.json``:

* word tables (months, weekdays, numbers, units, relations such as "dernier"/"prochain", relative
  days, parts such as "début"/"fin", REF words) that map the language's words to the canonical
  vocabulary the resolvers of ``dates`` understand ("août" -> "august", "dernière" -> "last",
  "hier" -> "yesterday");
* patterns: ``[kind, regex]`` pairs over ``{PLACEHOLDERS}`` that expand to the alternation of a
  table's words; each kind is one ``dates`` already resolves (``dmy``, ``rel_unit``, ``ago``...);
* ``maps``: which table normalises each named group, so a ``Candidate`` of any language carries
  canonical parts and the same resolvers give the same TimeML values;
* context words: numbers that count ("environ 2000"), prepositions that make a bare month or year
  temporal, and the verbs and auxiliaries that put a date in the future.

The tense of the verb a date modifies comes from Universal Dependencies morphology (``Tense=Fut``,
a past participle under an auxiliary), which the non-English spaCy models give.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Protocol

from .. import lang as L
from . import timex
from .timex import Candidate, non_overlapping

_PREV_WORD = re.compile(r"([^\W\d_]+)['’]?\W*$")
_FUTURE = "Fut"
_PLACEHOLDER = re.compile(r"\{([A-Z_]+)\}")


class Grammar(Protocol):
    def find(self, text: str) -> list[Candidate]: ...

    def plausible(self, c: Candidate, text: str) -> bool: ...

    def plausible_year(self, c: Candidate, doc: Any) -> bool: ...

    def tense(self, c: Candidate, doc: Any, text: str) -> str | None: ...


def _alternation(words: Any) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def _roman(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50}
    total = 0
    for a, b in zip(numeral, numeral[1:] + " "):
        v = values[a]
        total += -v if b in values and values[b] > v else v
    return total


class DataGrammar:
    """A date grammar read from ``data/<lang>/grammar.json`` (see the module docstring)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.tables: dict[str, dict[str, str]] = {
            k: {w.lower(): v for w, v in t.items()} for k, t in spec.items() if isinstance(t, dict)
            and k not in ("maps", "placeholders", "tense")
        }
        subs = {name: _alternation(spec[table]) for name, table in spec["placeholders"].items()}
        self.patterns = [(kind, re.compile(_PLACEHOLDER.sub(lambda m: subs[m.group(1)], rx), re.IGNORECASE))
                         for kind, rx in spec["patterns"]]
        self.maps: dict[str, str] = spec["maps"]
        self.count_words = frozenset(spec.get("count_words", ()))
        self.temporal_preps = frozenset(spec.get("temporal_preps", ()))
        tense = spec.get("tense", {})
        self.future_aux = frozenset(tense.get("future_aux", ()))
        self.future_lemmas = frozenset(tense.get("future_lemmas", ()))

    # ------------------------------------------------------------------ detection

    def _normalise(self, kind: str, raw: dict[str, str]) -> dict[str, str] | None:
        parts: dict[str, str] = {}
        for key, value in raw.items():
            table = self.maps.get(key)
            if table is not None:
                canon = self.tables[table].get(" ".join(value.lower().split()))
                if canon is None and key == "unit":
                    canon = self.tables[table].get(value.lower().rstrip("s"))
                if canon is None:
                    if key == "det":
                        continue
                    return None
                value = canon
            parts[key] = value
        if "aday" in parts:  # "la veille", "le lendemain": the day before / after the reference time
            rel = parts.pop("aday")
            parts["unit"] = "day"
            if rel:
                parts["rel"] = rel
        if "rel2" in parts:
            parts.setdefault("rel", parts.pop("rel2"))
        if "det" in parts:
            parts.setdefault("rel", parts.pop("det"))
        if "day" in parts:
            parts["day"] = str(int(re.sub(r"\D", "", parts["day"])))
        if "yy" in parts:  # "octobre 98": the nearest century that is not in the future
            yy = int(parts.pop("yy"))
            parts["year"] = f"{1900 + yy if yy > 30 else 2000 + yy}"
        if "cent_roman" in parts:
            parts["cent_n"] = str(_roman(parts.pop("cent_roman").upper()))
        if kind == "month_year" and "part" in parts:
            parts.pop("part")
        return parts

    def find(self, text: str) -> list[Candidate]:
        """Non-overlapping expressions, longest first, in text order (as ``timex.find``)."""
        found: list[Candidate] = []
        for kind, pattern in self.patterns:
            for m in pattern.finditer(text):
                start, end = m.span()
                while start < end and text[start].isspace():
                    start += 1
                if end <= start:
                    continue
                parts = self._normalise(kind, {k: v for k, v in m.groupdict().items() if v is not None})
                if parts is not None:
                    found.append(Candidate(kind, start, end, parts))
        return non_overlapping(found)

    # ------------------------------------------------------------------ context

    def _prev_word(self, text: str, start: int) -> str:
        m = _PREV_WORD.search(text, max(0, start - 25), start)
        return m.group(1).lower() if m else ""

    def plausible(self, c: Candidate, text: str) -> bool:
        if c.kind == "year" and "ymod" not in c.parts:
            if self._prev_word(text, c.start) in self.count_words:
                return False
        if c.kind in ("month", "rel_month") and "part" not in c.parts:
            at = text.find(text[c.start:c.end].split()[-1], c.start) if c.kind == "month" else c.start
            word = text[at:c.end]
            before = text[max(0, c.start - 3):c.start].rstrip()
            if word[:1].isupper() and before and before[-1] not in ".!?:«\"“(\n":
                return False  # "Mars" inside a sentence is a name; months are written in lower case
        return True

    def plausible_year(self, c: Candidate, doc: Any) -> bool:
        """A bare four-digit number counts something when it modifies a plural noun ("2000 soldats")."""
        span = doc.char_span(c.start, c.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return True
        tok = span[0]
        nxt = doc[span.end] if span.end < len(doc) else None
        if nxt is not None and nxt.pos_ == "NOUN" and "Plur" in nxt.morph.get("Number") and tok.dep_ == "nummod":
            prev = doc[tok.i - 1] if tok.i > 0 else None
            return prev is not None and prev.lower_ in self.temporal_preps
        return True

    def tense(self, c: Candidate, doc: Any, text: str) -> str | None:
        """'future', 'past' or None from the morphology of the verb the expression modifies."""
        if doc is None:
            return None
        span = doc.char_span(c.start, c.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        verb = span.root.head
        for _ in range(2):  # the verb within two arcs: "élu le 6 mai", "la réunion du 3 mars a eu lieu"
            if verb.pos_ in ("VERB", "AUX"):
                break
            verb = verb.head
        else:
            return None
        auxes = [ch for ch in verb.children if ch.dep_.startswith("aux")]
        if _FUTURE in verb.morph.get("Tense") or any(_FUTURE in a.morph.get("Tense") for a in auxes):
            return "future"
        if verb.lemma_ in self.future_lemmas:
            return "future"
        if verb.dep_ == "xcomp" and verb.head.lemma_ in self.future_aux and "Pres" in verb.head.morph.get("Tense"):
            return "future"  # "va se rendre demain"
        if "Past" in verb.morph.get("Tense") or "Imp" in verb.morph.get("Tense"):
            return "past"
        return None


class _English:
    """The English grammar of ``timex`` with the context checks of ``dates`` (bound there)."""

    def __init__(self, plausible, plausible_year, tense) -> None:
        self.find = timex.find
        self.plausible = plausible
        self.plausible_year = plausible_year
        self.tense = tense


_registry: dict[str, Grammar] = {}


def register(lang: str, grammar: Grammar) -> None:
    _registry[lang] = grammar


@functools.cache
def _from_data(lang: str) -> Grammar | None:
    spec = L.resource("dates", lang, "grammar")
    return DataGrammar(spec) if spec is not None else None


def grammar_for(lang: str | None) -> Grammar:
    """The grammar of ``lang``: a registered one, else one built from its resource file, else English."""
    lang = lang or L.DEFAULT
    return _registry.get(lang) or _from_data(lang) or _registry[L.DEFAULT]


def english(plausible, plausible_year, tense) -> Grammar:
    return _English(plausible, plausible_year, tense)
