"""Grouping entity candidates under canonical names (second half of the entities component).

Mentions are grouped: a surname joins the full name, an acronym the organisation whose initials it
spells, spellings of one country one another; a role used instead of a name ("the UN chief") joins
the person who holds that role; later mentions spaCy missed are found by string search.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from ...records import Entity, Mention
from . import roles as R
from ..docutil import doc_text, sentence
from .cands import CONNECTORS, LOC_KINDS, SPEECH_LEMMAS, Cand, surface_key
from ..gazetteer import Gazetteer, GeoEntry, bucket_key


def propagate(text: str, ents: list[Entity]) -> None:
    """Mentions spaCy missed: later occurrences of a person's full name or surname, an org's name."""
    covered = bytearray(len(text) + 1)  # characters inside a mention already taken
    points: list[int] = []  # empty mentions: they block a later match that strictly contains them
    for e in ents:
        for m in e.mentions:
            covered[m.start:m.end] = b"\x01" * max(0, m.end - m.start)
            if m.start >= m.end:
                points.append(m.start)
    for e in ents:
        if e.type not in {"PERSON", "ORG"}:
            continue
        forms = {e.name}
        if e.type == "PERSON" and len(e.name.split()) >= 2:
            forms.add(e.name.split()[-1])
        forms |= {m.text for m in e.mentions if m.text[:1].isupper() and len(m.text) > 2}
        for s, t in find_whole(text, sorted(forms, key=len, reverse=True)):
            if covered.find(1, s, t) != -1 or any(s < a < t for a in points):
                continue
            e.mentions.append(Mention(text[s:t], s, t))
            covered[s:t] = b"\x01" * (t - s)


def _word_char(ch: str) -> bool:
    """``re``'s ``[\\w-]`` on one character (``\\w`` on str: alphanumeric or ``_``)."""
    return ch.isalnum() or ch == "_" or ch == "-"


def find_whole(text: str, forms: list[str]) -> list[tuple[int, int]]:
    """Spans of ``re.finditer(r"(?<![\\w-])(?:f1|f2|...)(?![\\w-])", text)`` for the literal ``forms``,
    in that order of preference, without compiling a pattern per call (one per entity per article
    made ``re`` recompile hundreds of patterns an article)."""
    if not all(forms):
        pat = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, forms)) + r")(?![\w-])")
        return [m.span() for m in pat.finditer(text)]
    starts: set[int] = set()
    for f in set(forms):
        i = text.find(f)
        while i != -1:
            starts.add(i)
            i = text.find(f, i + 1)
    out: list[tuple[int, int]] = []
    n, pos = len(text), 0
    for p in sorted(starts):
        if p < pos or (p > 0 and _word_char(text[p - 1])):
            continue
        for f in forms:
            t = p + len(f)
            if text.startswith(f, p) and (t >= n or not _word_char(text[t])):
                out.append((p, t))
                pos = t
                break
    return out


# -- grouping ---------------------------------------------------------------------------------

def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper() and w.lower() not in CONNECTORS)


def _type_of(votes: dict[str, float], labels: list[str], geo: GeoEntry | None) -> str:
    best = max(votes.items(), key=lambda kv: kv[1])[0] if votes else labels[0]
    if best == "PLACE":
        if geo is not None:
            return "LOC" if geo.kind in LOC_KINDS else "GPE"
        return "LOC" if labels.count("LOC") > labels.count("GPE") else "GPE"
    return best


@dataclass(slots=True)
class Group:
    name: str
    cands: list[Cand] = field(default_factory=list)
    votes: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    type: str = ""

    def add(self, c: Cand) -> None:
        self.cands.append(c)
        for k, v in c.votes.items():
            self.votes[k] += v


def group(text: str, cands: list[Cand]) -> list[Group]:
    """One group per name: same surface first, then surnames, acronyms and place spellings join."""
    by_key: dict[tuple[str, bool], Group] = {}
    for c in sorted(cands, key=lambda c: c.start):
        key = c.canon or c.key(text)
        if not key:
            continue
        # "French" the language and "French" the people are two entities
        by_key.setdefault((key, c.label == "LANGUAGE"), Group(key)).add(c)
    groups = list(by_key.values())
    for g in groups:
        g.type = _type_of(g.votes, [c.label for c in g.cands], g.cands[0].geo)
    merged: set[int] = set()
    _merge_surnames(text, groups, merged)
    _merge_acronyms(groups, merged)
    _merge_places(groups, merged)
    out = [g for g in groups if id(g) not in merged]
    for g in out:
        if g.type not in {"GPE", "LOC"}:
            g.type = _type_of(g.votes, [c.label for c in g.cands], None)
    return out


def _merge_surnames(text: str, groups: list[Group], merged: set[int]) -> None:
    """Surnames and first+last names join the full name they end ("Butterfield", "G.K. Butterfield").

    When several people of the article share the surname ("Bill Clinton", "Hillary Clinton"), each
    mention goes to the one whose gender agrees with its honorific ("Mrs Clinton"), then to the one
    named most recently before it.
    """
    persons = [g for g in groups if g.type == "PERSON" and len(g.name.split()) >= 2]
    genders = {id(p): group_gender(text, p) for p in persons}
    for g in groups:
        if g.type in {"GPE", "LOC"} and g.votes.get("PLACE", 0) >= 3 or g in persons or g.type == "LANGUAGE":
            continue
        if g.type not in {"PERSON", "ORG", "FAC", "GPE", "LOC", "NORP"}:
            continue
        owners = [p for p in persons if p.name.endswith(" " + g.name) and p is not g]
        if not owners:
            continue
        if len({p.name for p in owners}) == 1:
            for c in g.cands:
                owners[0].add(c)
            merged.add(id(g))
            continue
        if g.type != "PERSON" and not any(c.gender for c in g.cands):
            continue
        for c in g.cands:
            fit = [p for p in owners if not c.gender or genders[id(p)] in (None, c.gender)] or owners
            before = [p for p in fit if min(x.start for x in p.cands) < c.start]
            pick = max(before, key=lambda p: max(x.start for x in p.cands if x.start < c.start)) if before \
                else min(fit, key=lambda p: min(x.start for x in p.cands))
            pick.add(c)
            if c.gender and genders[id(pick)] is None:
                genders[id(pick)] = c.gender  # "Mrs Brennan" told us who Margaret Brennan is
        merged.add(id(g))


_GENDER_PRONOUN = re.compile(r"(?<![\w-])(he|him|his|himself|she|her|hers|herself)(?![\w-])", re.I)


def group_gender(text: str, g: Group) -> str | None:
    """"m"/"f" for a person: an honorific before a mention ("Mrs"), else the first third-person pronoun
    in the sentence after the first mention ("Hillary Clinton arrived ... She said")."""
    for c in g.cands:
        if c.gender:
            return c.gender
    first = min(g.cands, key=lambda c: c.start)
    stop = text.find(".", text.find(".", first.end) + 1)
    window = text[first.end:stop if 0 < stop < first.end + 400 else first.end + 250]
    m = _GENDER_PRONOUN.search(window)
    if m is None:
        return None
    return "f" if m.group(1).lower().startswith(("she", "her")) else "m"


def _merge_acronyms(groups: list[Group], merged: set[int]) -> None:
    """Acronyms join the organisation whose initials they spell."""
    orgs = [g for g in groups if g.type == "ORG" and len(g.name.split()) >= 2 and id(g) not in merged]
    for g in groups:
        if id(g) in merged or g.type != "ORG":
            continue
        acro = g.name.replace(".", "")
        if 2 <= len(acro) <= 6 and acro.isupper():
            owners = [o for o in orgs if _initials(o.name) == acro]
            if len(owners) == 1:
                for c in g.cands:
                    owners[0].add(c)
                merged.add(id(g))


def _merge_places(groups: list[Group], merged: set[int]) -> None:
    """Spellings of one country or one place ("U.S.", "United States", "OTTAWA") are one entity."""
    by_geo: dict[str, Group] = {}
    for g in groups:
        if id(g) in merged or g.type not in {"GPE", "LOC"}:
            continue
        geo = next((c.geo for c in g.cands if c.geo is not None), None)
        if geo is None or geo.kind == "city" and geo.name != g.name and not g.name.isupper():
            if g.name.isupper() and len(g.name) > 3:
                g.name = _title_case(g.name)
            continue
        owner = by_geo.get(geo.id)
        if owner is None:
            by_geo[geo.id] = g
            g.name = _place_name(g.name, geo)
        else:
            for c in g.cands:
                owner.add(c)
            merged.add(id(g))


def _place_name(surface: str, geo: GeoEntry) -> str:
    """Canonical name of a place: the country's name; a dateline in capitals in its own words
    ("WASHINGTON" is Washington, whatever the gazetteer's best guess), with accents restored."""
    if geo.kind == "country":
        return geo.name
    if not surface.isupper():
        return surface
    if bucket_key(geo.name) == bucket_key(surface):
        return geo.name
    return _title_case(surface) if len(surface.replace(".", "")) > 3 else surface


def _title_case(word: str) -> str:
    """"N'DJAMENA" -> "N'Djamena", "ST. LOUIS" -> "St. Louis" (str.title() capitalises after ’ too)."""
    return re.sub(r"[\w’']+", lambda m: m.group()[:1].upper() + m.group()[1:].lower().replace("’S", "’s"),
                  word)


_MOJIBAKE_MARK = re.compile("[ÃÂÅÄÐÑØÙâ][\u0080-\u00bf€ƒˆ‰˜™]")


def canonical(name: str) -> str:
    """The name to show: UTF-8 read as Latin-1 ("FranÃ§ois") repaired, accents composed (NFC) so that
    one person has one name across documents; offsets stay on the mentions."""
    if name.isascii():
        return name
    if _MOJIBAKE_MARK.search(name):
        try:
            import ftfy
        except ImportError:  # pragma: no cover - ftfy is a declared dependency
            return name
        name = ftfy.fix_encoding(name)
    return unicodedata.normalize("NFC", name)


# -- role mentions ----------------------------------------------------------------------------

def _affil_key(affil: str | None, gaz: Gazetteer) -> str | None:
    if not affil:
        return None
    affil = surface_key(affil)
    code = gaz.demonym(affil)
    if code:
        return code
    hits = gaz.lookup(affil)
    if hits and hits[0].kind == "country":
        return hits[0].country
    first = affil.split()[0]
    if first != affil and gaz.demonym(first):  # "French Defence" (minister): French
        return gaz.demonym(first)
    acro = affil.replace(".", "")
    return acro if acro.isupper() else (_initials(affil) or affil)


def resolve_role_mentions(doc, ents: list[Entity], infos: dict[int, list[R.RoleInfo]],
                           firsts: dict[int, int], gaz: Gazetteer) -> None:
    text = doc_text(doc)
    taken = [(m.start, m.end) for e in ents for m in e.mentions]
    persons = [(i, e) for i, e in enumerate(ents) if e.type == "PERSON"]
    for rm in R.role_mentions(text):
        if any(a < rm.end and rm.start < b and not (a >= rm.start and b <= rm.end) for a, b in taken):
            continue  # part of a titled name or an apposition
        if any(a <= rm.start and rm.end <= b for a, b in taken):
            continue
        key = _affil_key(rm.role.affiliation, gaz)
        head = rm.role.head
        target = None
        before = [(i, e) for i, e in persons if firsts[i] < rm.start]
        for i, _e in reversed(sorted(before, key=lambda ie: firsts[ie[0]])):
            for info in infos.get(i, []):
                same_aff = key is not None and _affil_key(info.affiliation, gaz) == key
                if head == info.head and (same_aff or key is None or info.affiliation is None):
                    target = i
                elif same_aff and head in R.LEADER_HEADS and info.head in R.LEADER_HEADS:
                    target = i
                if target is not None:
                    break
            if target is not None:
                break
        if target is None and head not in R.GENERIC_HEADS:
            target = _next_speaker(doc, rm, ents, firsts, infos)
            if target is not None:
                infos.setdefault(target, []).append(rm.role)
                if rm.role.text not in ents[target].roles:
                    ents[target].roles.append(rm.role.text)
        if target is not None:
            ents[target].mentions.append(Mention(text[rm.start:rm.end], rm.start, rm.end))
            taken.append((rm.start, rm.end))


def _next_speaker(doc, rm: R.RoleMention, ents: list[Entity], firsts: dict[int, int],
                  infos: dict[int, list[R.RoleInfo]]) -> int | None:
    """A role that speaks, followed by a quote from a newly named person of unknown role: the same person."""
    span = doc.char_span(rm.start, rm.end, alignment_mode="expand")
    if span is None:
        return None
    root = span.root
    if not (root.dep_ in {"nsubj", "nsubjpass"} and root.head.lemma_ in SPEECH_LEMMAS):
        return None
    sent = sentence(root)
    limit = min(len(doc_text(doc)), sent.end_char + 600)
    best = None
    for i, e in enumerate(ents):
        if e.type != "PERSON" or infos.get(i) or not (sent.end_char <= firsts[i] < limit):
            continue
        m0 = min(e.mentions, key=lambda m: m.start)
        s = doc.char_span(m0.start, m0.end, alignment_mode="expand")
        if s is None:
            continue
        quoted = any(q in sentence(s.root).text for q in ("“", "”", '"'))
        if quoted and (best is None or firsts[i] < firsts[best]):
            best = i
    return best

