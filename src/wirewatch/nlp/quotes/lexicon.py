"""The words of a language for the quotes component, read from ``data/<lang>/cues.json``.

The rules of ``quotes`` are the same for every language; what differs is data: cue verbs, the
phrases that name a source ("according to", "selon"), clitic subjects ("a-t-il déclaré"), person
nouns and the discourse switches a language's news style needs.  A language without a file reads
the default language's words.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from .. import lang as L


@dataclass(frozen=True)
class Lexicon:
    """The words of one language (``nlp/quotes/data/<lang>/cues.json``); the rules are the same for all.

    ``according``: token sequences that introduce a source ("according to", "selon", "d'après");
    ``intro_words``: a word right before an opening mark that introduces a quote without a comma
    ("said that “...”", "a déclaré que « ... »"); ``inverted_subjects``: clitic subjects after the
    verb ("a-t-il déclaré", "dit-elle"); ``skip_subjects``: tokens the parse may take for a subject
    that never speak (the euphonic "-t" of "a-t-il")."""

    cue_lemmas: frozenset[str]
    report_lemmas: frozenset[str]
    according: tuple[tuple[str, ...], ...]
    line_opening_cues: frozenset[str]
    phrasal_cues: dict[str, str]
    intro_words: frozenset[str]
    complementizers: frozenset[str]
    languages: dict[str, str]
    language_re: re.Pattern[str]
    inverted_subjects: frozenset[str]
    skip_subjects: frozenset[str]
    cue_forms: frozenset[str] = frozenset()
    inverted_incise: bool = False
    pronouns: frozenset[str] = frozenset()
    person_nouns: frozenset[str] = frozenset()
    relatives: frozenset[str] = frozenset({"who", "which", "that"})
    fold_names: bool = False
    name_stopwords: frozenset[str] = frozenset()
    pronoun_gender: dict[str, str] = field(default_factory=dict)
    pronoun_number: dict[str, str] = field(default_factory=dict)
    uncued_focus: bool = False
    role_modifiers: frozenset[str] = frozenset()
    determiners: frozenset[str] = frozenset()
    pronoun_salience: bool = False
    addressee_preps: frozenset[str] = frozenset()
    incise_time_words: frozenset[str] = frozenset()
    incise_clitics: frozenset[str] = frozenset()

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Lexicon:
        cues = frozenset(data["cue_lemmas"])
        langs = data["languages"]
        intro = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in data["language_intro"])
        return cls(
            cue_lemmas=cues,
            report_lemmas=cues | frozenset(data["report_only_lemmas"]),
            according=tuple(tuple(w.lower() for w in seq) for seq in data["according"]),
            line_opening_cues=frozenset(data["line_opening_cues"]),
            phrasal_cues=dict(data["phrasal_cues"]),
            intro_words=frozenset(data["intro_words"]),
            complementizers=frozenset(data["complementizers"]),
            languages=dict(langs),
            language_re=re.compile(r"\b(?:" + intro + r")\s+(" + "|".join(map(re.escape, langs)) + r")\b",
                                   re.IGNORECASE),
            inverted_subjects=frozenset(data["inverted_subjects"]),
            skip_subjects=frozenset(data["skip_subjects"]),
            cue_forms=frozenset(data.get("cue_forms", ())),
            inverted_incise=bool(data.get("inverted_incise", False)),
            pronouns=frozenset(data.get("pronouns", ())),
            person_nouns=frozenset(data.get("person_nouns", ())),
            relatives=frozenset(data.get("relatives", ("who", "which", "that"))),
            fold_names=bool(data.get("fold_names", False)),
            name_stopwords=frozenset(data.get("name_stopwords", ())),
            pronoun_gender=dict(data.get("pronoun_gender", {})),
            pronoun_number=dict(data.get("pronoun_number", {})),
            uncued_focus=bool(data.get("uncued_focus", False)),
            role_modifiers=frozenset(data.get("role_modifiers", ())),
            determiners=frozenset(data.get("determiners", ())),
            pronoun_salience=bool(data.get("pronoun_salience", False)),
            addressee_preps=frozenset(data.get("addressee_preps", ())),
            incise_time_words=frozenset(data.get("incise_time_words", ())),
            incise_clitics=frozenset(data.get("incise_clitics", ())),
        )


@functools.cache
def lexicon(lang: str) -> Lexicon:
    """The quote words of ``lang`` (the default language's when it has no resource file)."""
    data = L.resource("quotes", lang, "cues") or L.resource("quotes", L.DEFAULT, "cues")
    return Lexicon.from_data(data)


def _lex(doc: Any) -> Lexicon:
    lex = doc.user_data.get("wirewatch.quote_lex")
    if lex is None:
        lex = doc.user_data["wirewatch.quote_lex"] = lexicon(L.doc_language(doc))
    return lex


_EN = lexicon(L.DEFAULT)


CUE_LEMMAS = _EN.cue_lemmas
# cues that introduce a reported clause ("X said that ...")


REPORT_LEMMAS = _EN.report_lemmas


LANGUAGES = _EN.languages


_SUBJ = frozenset({"nsubj", "nsubjpass", "nsubj:pass"})


_OPEN = "“«"


_CLOSE = "”»"


_QUOTE_CHARS = frozenset('"“”«»')


_MARKS = "\"“”'«»"  # what may stand between a quote's words and its punctuation or cue
