"""Entities component: spaCy NER, corrected, grouped under canonical names, with roles.

``en_core_web_sm`` is weak on wire copy (people tagged ORG, countries tagged PERSON, "Mali Isabelle"
merged, all-caps datelines missed).  This layer keeps spaCy's spans as one vote among several kinds of
evidence and decides one type per name for the whole document:

- the gazetteer (countries, divisions, regions and big cities are places unless a title says person);
- titles and roles before names and in appositions (``roles.py``): a titled name is a PERSON, and the
  organisation in the title ("European Council President Donald Tusk") is an entity of its own;
- name shapes ("Elijah E. Cummings", "G.K. Butterfield"): initials stay inside the name;
- speaker evidence: the subject of said/told/wrote is a person or an organisation, never a place;
- organisation patterns ("... Institute", "Ministry of ...", "al Qaeda");
- the all-caps dateline ("OTTAWA —") is a place mention; ``dateline_span`` tells other components
  where it ends so that they never take it for an actor;
- a language ("said in French") is a LANGUAGE, not a people or a place;
- a capitalised common word opening a sentence ("Time is of the essence") is no entity without
  other evidence.

Candidates and votes live in ``cands``, grouping and role resolution in ``groups``.
"""

from __future__ import annotations

import logging
import re

from ...records import Article, Entity, Mention
from . import cands as C
from . import context as X
from . import names as N
from . import groups as G
from . import lexicon as L
from . import roles as R
from ..docutil import doc_text
from .cands import DATELINE_RE, NOT_NAME_WORDS  # noqa: F401  (re-exported for places)
from ..gazetteer import Gazetteer, get_gazetteer

log = logging.getLogger(__name__)

__all__ = ["annotate", "dateline_span", "entity_at", "extract", "NOT_NAME_WORDS"]


def extract(doc, *, gaz: Gazetteer | None = None) -> list[Entity]:
    """Entities of a spaCy ``Doc``: corrected types, canonical names, roles and every mention."""
    gaz = gaz or get_gazetteer()
    text = doc_text(doc)
    lang = L.language_of(doc)
    cands = C.spacy_cands(doc)
    N.strip_honorifics(text, cands, lang)
    C.apply_titles(text, cands, gaz)
    N.known_actors(text, cands, lang)
    X.apply(doc, cands, gaz, lang)  # names read from the words around them (per-language data)
    N.define_acronyms(text, cands, lang)
    C.name_patterns(text, cands, gaz)
    C.dateline(text, cands, gaz)
    C.split_merged(text, cands, gaz)
    C.org_patterns(text, cands)
    C.gazetteer_hits(doc, cands, gaz)
    C.drop_common_words(doc, cands)
    C.join_first_names(text, cands, gaz)
    C.mark_languages(doc, cands, gaz)
    C.evidence(doc, cands, gaz)
    groups = G.group(text, cands)
    ents: list[Entity] = []
    infos: dict[int, list[R.RoleInfo]] = {}
    firsts: dict[int, int] = {}
    for g in sorted(groups, key=lambda g: min(c.start for c in g.cands)):
        mentions = sorted({(c.start, c.end) for c in g.cands})
        e = Entity(name=G.canonical(g.name), type=g.type,
                   mentions=[Mention(text[s:t], s, t) for s, t in mentions])
        role_infos = [r for c in g.cands for r in c.roles] if g.type == "PERSON" else []
        for r in role_infos:
            if r.text not in e.roles:
                e.roles.append(r.text)
        infos[len(ents)] = role_infos
        firsts[len(ents)] = mentions[0][0]
        ents.append(e)
    G.propagate(text, ents)
    G.resolve_role_mentions(doc, ents, infos, firsts, gaz)
    X.resolve_roles(doc, ents, infos, gaz, lang)  # "a promis le ministre": the minister named before
    for e in ents:
        e.mentions.sort(key=lambda m: m.start)
    return ents


def annotate(doc, article: Article) -> None:
    """Fill ``article.entities`` from the spaCy doc (after detaching the dateline, see below)."""
    detach_dateline(doc, article)
    ents = extract(doc)
    outlets = L.outlet_of(url=article.url, agency=article.agency, lang=L.language_of(doc))
    article.entities = [e for e in ents if e.name not in outlets]  # the publisher and agency are metadata


def detach_dateline(doc, article: Article) -> None:
    """Relabel the dateline's tokens ``dep`` so that no component reads them as arguments.

    The parser makes the city of "OUAGADOUGOU, Burkina Faso (AFP) — The government announced ..." the
    subject of "announced"; quotes and events would then name the city as the speaker or actor.  Only
    the labels change (heads and sentences stay), so the tree is intact.
    """
    span = dateline_span(article)
    if span is None or doc_text(doc) != article.text:
        return
    for tok in doc:
        if tok.idx >= span[1]:
            break
        if tok.idx >= span[0] and tok.dep_ in _ARG_DEPS:
            tok.dep_ = "dep"


_ARG_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "appos", "npadvmod", "attr", "dative", "agent", "conj",
             "compound", "poss"}


_LEAD_DATELINE = re.compile(
    rf"[ \t]*(?P<place>[{R.UP}][{R.UP}.'’\-]+(?:[ ][{R.UP}][{R.UP}.'’\-]+){{0,3}})"
    rf"(?:,[ \t]*[{R.UP}][{R.LOW}{R.UP}.]*(?:[ ][{R.UP}][{R.LOW}{R.UP}.]*){{0,2}})?"
    r"(?:[ \t]*,?[ \t]*(?:[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}(?:,[ \t]*\d{4})?))?"
    r"[ \t]*(?:\([^)\n]{1,40}\)[ \t]*)?(?:(?:—|–)|(?<=[ \t)])(?:--|-)(?=[ \t]))[ \t]*"
)


_DASH_AFTER = re.compile(r"(?:,[^\n—–]{1,40}?)?[ \t]*(?:\([^)\n]{1,40}\)[ \t]*)?"
                         r"(?:—|–|(?<=[ \t)])(?:--|-)(?=[ \t]))[ \t]*")


def dateline_span(article: Article) -> tuple[int, int] | None:
    """Offsets of the wire dateline that opens the text ("OUAGADOUGOU, Burkina Faso (AFP) — "), or None.

    The span runs from the city to the end of the dash and the space after it.  Words inside it are
    the story's place and agency, never actors: quote and event components skip candidates there.
    """
    text = article.text
    m = _LEAD_DATELINE.match(text, 0, min(len(text), 160))
    if m is None and article.dateline and text.lstrip(" \t").startswith(article.dateline):
        # a title-case dateline the cleaner read off a known place ("Ottawa — ..."): the same span
        start = len(text) - len(text.lstrip(" \t"))
        d = _DASH_AFTER.match(text, start + len(article.dateline), min(len(text), 160))
        return (start, d.end()) if d is not None else None
    if m is None:
        return None
    place = m.group("place")
    if len(place.replace(".", "")) < 2 or not any(ch.isalpha() for ch in place):
        return None
    return (m.start("place"), m.end())


def entity_at(article: Article, start: int, end: int) -> Entity | None:
    """The entity a span [start, end) names.

    In English the head of a noun phrase comes last: in "European Council President Donald Tusk" the
    span names Donald Tusk, not the council.  So a mention ending where the span ends wins, then a
    person, then the largest overlap and the tightest mention.
    """
    best, best_key = None, None
    for e in article.entities:
        for m in e.mentions:
            ov = min(end, m.end) - max(start, m.start)
            if ov <= 0:
                continue
            key = (m.end == end, e.type == "PERSON", ov, -(m.end - m.start))
            if best_key is None or key > best_key:
                best, best_key = e, key
    return best
