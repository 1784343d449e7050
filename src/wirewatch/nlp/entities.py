"""Entities component: spaCy NER, corrected, grouped under canonical names, with roles.

``en_core_web_sm`` is weak on wire copy (people tagged ORG, countries tagged PERSON, "Mali Isabelle"
merged, all-caps datelines missed).  This layer keeps spaCy's spans as one vote among several kinds of
evidence and decides one type per name for the whole document:

- the gazetteer (countries, divisions, regions and big cities are places unless a title says person);
- titles and roles before names and in appositions (``roles.py``): a titled name is a PERSON;
- speaker evidence: the subject of said/told/wrote is a person or an organisation, never a place;
- organisation patterns ("... Institute", "Ministry of ...", "al Qaeda");
- the all-caps dateline ("OTTAWA —") is a place mention.

Mentions are then grouped: a surname joins the full name, an acronym the organisation whose
initials it spells, spellings of one country one another; a role used instead of a name ("the UN
chief") joins the person who holds that role.  Everything is dict lookups and precompiled patterns.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..records import Article, Entity, Mention
from . import roles as R
from .docutil import doc_text, sentence
from .gazetteer import Gazetteer, GeoEntry, get_gazetteer, normalise

log = logging.getLogger(__name__)

KEEP_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW",
               "LANGUAGE"}
PLACE_KINDS_STRONG = {"country", "admin1", "region", "continent", "subregion", "sea"}
LOC_KINDS = {"region", "continent", "subregion", "sea"}
BIG_CITY = 100_000
SPEECH_LEMMAS = {
    "say", "tell", "write", "add", "state", "explain", "note", "argue", "warn", "insist", "claim", "declare",
    "announce", "ask", "reply", "reiterate", "urge", "acknowledge", "suggest", "comment", "remark", "recall",
    "confirm", "deny", "testify", "tweet", "respond", "stress", "emphasize", "emphasise", "admit", "thank",
}
ORG_WORDS = (
    "Institute|Ministry|Council|Agency|Party|Army|Forces|Bank|University|Association|Commission|Committee|"
    "Organization|Organisation|Union|Front|Movement|Group|Court|Department|Office|Corporation|Company|Inc|"
    "Ltd|Press|Network|Foundation|Fund|Alliance|Coalition|Brigade|Battalion|Police|Service|Authority|"
    "Assembly|Parliament|Senate|Congress|Tribunal|Centre|Center|Society|Programme|Program|Mission|Board|"
    "Bureau|Federation|League|Nations|Guard|Navy|Command|Corps|Secretariat|Institution|College|School"
)
ORG_RE = re.compile(
    rf"\b(?:(?:{R.CAPW}|[A-Z]{{2,6}})(?:-based)?\s+)*(?:{R.CAPW}\s+)*(?:{ORG_WORDS})\b"
    rf"(?:\s+(?:of|for|on)\s+(?:the\s+)?{R.CAPW}(?:\s+(?:and\s+)?{R.CAPW}){{0,4}})?"
    rf"|\b(?:{ORG_WORDS})\s+(?:of|for|on)\s+(?:the\s+)?{R.CAPW}(?:\s+(?:and\s+)?{R.CAPW}){{0,4}}"
)
AL_ORG_RE = re.compile(rf"(?<![{R.UP}][{R.LOW}]\s)(?<![{R.UP}][{R.LOW}]{{2}}\s)\b[Aa]l[- ][{R.UP}][{R.LOW}]+")
DATELINE_RE = re.compile(
    r"(?m)^[ \t]*(?P<place>[A-Z][A-Z.'’\-]+(?:[ ][A-Z][A-Z.'’\-]+){0,3})"
    r"(?:,[ \t]*[A-Z][A-Za-z.]+(?:[ ][A-Z][A-Za-z.]+){0,2})?[ \t]*(?:\([^)\n]{1,40}\)[ \t]*)?(?:—|–|--|-)[ \t]"
)
NOT_PLACE_LABELS = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"}
CONNECTORS = {"of", "and", "the", "for", "on", "de", "du", "des", "la", "le", "in"}


@dataclass(slots=True)
class Cand:
    """One candidate entity span with the evidence gathered for its type."""

    start: int
    end: int
    label: str  # spaCy label or our own
    prio: int = 1
    votes: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    roles: list[R.RoleInfo] = field(default_factory=list)
    geo: GeoEntry | None = None

    def key(self, text: str) -> str:
        return surface_key(text[self.start:self.end])


def surface_key(s: str) -> str:
    s = normalise(s)
    for art in ("the ", "The "):
        if s.startswith(art):
            s = s[len(art):]
    s = s.strip(" ,;:")
    return s[:-1] if s.endswith(".") and not re.search(r"(?:^|\.)[A-Z]\.$", s) else s


# -- candidate collection ---------------------------------------------------------------------

def _spacy_cands(doc) -> list[Cand]:
    out = []
    full = doc_text(doc)
    for ent in doc.ents:
        if ent.label_ not in KEEP_LABELS:
            continue
        start, end = ent.start_char, ent.end_char
        text = full[start:end]
        lead = re.match(r"(?:[Tt]he\s+)", text)  # "the United Nations" -> "United Nations"
        if lead and ent.label_ in {"ORG", "GPE", "LOC", "FAC"} and len(text) > lead.end():
            start += lead.end()
        tail = re.search(r"(?:['’]s?|\s*-based)$", full[start:end])  # possessive / "Ottawa-based"
        if tail and tail.start() > 0:
            end = start + tail.start()
        c = Cand(start, end, ent.label_)
        c.votes[_vote_label(ent.label_)] += 1.0
        out.append(c)
    return out


def _vote_label(label: str) -> str:
    return "PLACE" if label in {"GPE", "LOC"} else label


def _add(cands: list[Cand], new: Cand) -> Cand:
    """Insert ``new``; overlapping candidates of lower priority give way, higher ones win."""
    for c in cands:
        if c.start < new.end and new.start < c.end and c.prio > new.prio:
            return c
    keep = []
    for c in cands:
        if c.start < new.end and new.start < c.end:
            if c.start == new.start and c.end == new.end:  # same span: merge evidence
                for k, v in c.votes.items():
                    new.votes[k] += v
                new.roles.extend(c.roles)
            continue
        keep.append(c)
    keep.append(new)
    cands[:] = keep
    return new


def _apply_titles(text: str, cands: list[Cand], gaz: Gazetteer) -> None:
    def known(words: str) -> bool:
        if gaz.lookup(words):
            return True
        return any(c.label == "ORG" and surface_key(text[c.start:c.end]) == words for c in cands)

    for tn in R.titled_names(text, known):
        if gaz.is_place(tn.names) and len(tn.names.split()) == 1:
            continue  # "President Mali"? no: the place reading wins for a bare known place
        c = Cand(tn.name_start, tn.name_end, "PERSON", prio=3)
        c.votes["PERSON"] += 5.0
        if tn.role is not None:
            c.roles.append(tn.role)
        _add(cands, c)
        if tn.complement:
            obj = re.match(r"\s+(?:to|of|for|at)\s+(?:the\s+)?", text[tn.complement[0]:tn.complement[1]])
            s = tn.complement[0] + (obj.end() if obj else 0)
            words = text[s:tn.complement[1]]
            hit = gaz.best(words)
            if hit is not None:
                pc = Cand(s, tn.complement[1], "LOC" if hit.kind in LOC_KINDS else "GPE", prio=3, geo=hit)
                pc.votes["PLACE"] += 4.0
                _add(cands, pc)


def _dateline(text: str, cands: list[Cand], gaz: Gazetteer) -> None:
    for m in DATELINE_RE.finditer(text):
        word = m.group("place")
        if len(word) < 3 or not any(ch.isalpha() for ch in word):
            continue
        hit = gaz.best(word.title()) or gaz.best(word)
        c = Cand(m.start("place"), m.end("place"), "GPE", prio=2, geo=hit)
        c.votes["PLACE"] += 4.0
        _add(cands, c)


def _org_patterns(text: str, cands: list[Cand]) -> None:
    for rx, weight in ((ORG_RE, 4.0), (AL_ORG_RE, 3.0)):
        for m in rx.finditer(text):
            s, e = m.start(), m.end()
            inside = [c for c in cands if c.start < e and s < c.end]
            if not inside:
                c = Cand(s, e, "ORG")
                c.votes["ORG"] += weight
                cands.append(c)
                continue
            for c in inside:  # the candidate that ends with the keyword is the organisation
                if c.end == e or (c.start >= s and c.end <= e and c.label == "ORG"):
                    c.votes["ORG"] += weight


def _capital_runs(doc) -> list[tuple[int, int]]:
    """Maximal runs of capitalised tokens (token index ranges), the unit a gazetteer hit must fill."""
    runs, i, n = [], 0, len(doc)
    while i < n:
        t = doc[i]
        if t.text[:1].isupper() and t.is_alpha or (t.text[:1].isupper() and "." in t.text and len(t) <= 5):
            j = i + 1
            while j < n and (doc[j].text[:1].isupper() and (doc[j].is_alpha or "." in doc[j].text)
                             and not doc[j - 1].whitespace_ == "\n"):
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def _gazetteer_hits(doc, cands: list[Cand], gaz: Gazetteer) -> None:
    """Places the gazetteer knows that spaCy missed (whole capitalised runs only)."""
    covered = [(c.start, c.end) for c in cands]
    covered += [(e.start_char, e.end_char) for e in doc.ents if e.label_ in NOT_PLACE_LABELS]
    for i, j in _capital_runs(doc):
        span = doc[i:j]
        s, e = span.start_char, span.end_char
        inside = [c for c in cands if c.start < e and s < c.end]
        if any(a < e and s < b for a, b in covered):
            if not _division_run(span.text, s, e, inside, gaz):
                continue
            for c in inside:  # "Licking County" split by the tagger: the whole division wins
                cands.remove(c)
        text = span.text
        hit = gaz.best(text)
        if hit is None:
            continue
        first = doc[i]
        if j - i == 1 and first.is_stop:
            continue  # "As", "May": a common word that happens to name a town
        if hit.kind == "city":
            if hit.population < 20_000 or first.tag_ not in {"NNP", "NNPS"} or first.is_sent_start:
                continue
        elif first.is_sent_start and j - i == 1 and first.tag_ not in {"NNP", "NNPS"}:
            continue
        c = Cand(s, e, "LOC" if hit.kind in LOC_KINDS else "GPE", geo=hit)
        c.votes["PLACE"] += 1.0
        cands.append(c)


def _division_run(text: str, s: int, e: int, inside: list[Cand], gaz: Gazetteer) -> bool:
    """A capitalised run that names a county/division and only partly overlaps smaller spans."""
    if not inside or any(c.start < s or c.end > e or c.prio > 1 for c in inside):
        return False
    if any(c.start == s and c.end == e for c in inside):
        return False
    hit = gaz.best(text)
    return hit is not None and hit.kind in {"admin1", "admin2", "country"} and " " in text


def _split_merged(text: str, cands: list[Cand], gaz: Gazetteer) -> None:
    """"Mali Isabelle" -> Mali + Isabelle: a place glued to the front of a person/org span."""
    for c in list(cands):
        if c.label not in {"PERSON", "ORG", "FAC"} or c.prio > 1:
            continue
        words = list(re.finditer(r"\S+", text[c.start:c.end]))
        if len(words) < 2:
            continue
        for k in range(len(words) - 1, 0, -1):
            head = text[c.start:c.start + words[k - 1].end()]
            hit = gaz.best(head)
            if hit and (hit.kind in PLACE_KINDS_STRONG or hit.population >= BIG_CITY):
                rest_start = c.start + words[k].start()
                if gaz.best(text[rest_start:c.end]):
                    break  # "Bosnia Herzegovina"-like: two places, leave it
                cands.remove(c)
                pc = Cand(c.start, c.start + words[k - 1].end(), "GPE", prio=2, geo=hit)
                pc.votes["PLACE"] += 3.0
                rc = Cand(rest_start, c.end, c.label, prio=1)
                rc.votes[c.label] += 1.0
                _add(cands, pc)
                _add(cands, rc)
                break


def _is_speaker(doc, c: Cand) -> bool:
    span = doc.char_span(c.start, c.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    root = span.root
    if root.dep_ in {"nsubj", "nsubjpass"} and root.head.lemma_ in SPEECH_LEMMAS:
        return True
    return root.dep_ == "pobj" and root.head.lower_ == "to" and root.head.head.lower_ == "according"


def _evidence(doc, cands: list[Cand], gaz: Gazetteer) -> None:
    text = doc.text
    for c in cands:
        key = c.key(text)
        if c.geo is None and c.label in {"GPE", "LOC", "PERSON", "ORG", "FAC", "NORP"}:
            c.geo = gaz.best(key) if key else None
        g = c.geo
        if g is not None and c.label != "NORP":
            if g.kind in PLACE_KINDS_STRONG:
                c.votes["PLACE"] += 3.0
            elif g.kind == "admin2":
                c.votes["PLACE"] += 2.5
            elif g.population >= BIG_CITY:
                c.votes["PLACE"] += 2.0
            elif c.label in {"GPE", "LOC"}:
                c.votes["PLACE"] += 0.5
        if c.label in NAMEISH_LABELS and g is None and _name_shaped(key):
            c.votes["PERSON"] += 1.25  # spaCy's small model files many people under FAC/ORG
        if _is_speaker(doc, c):
            c.votes["PERSON"] += 1.5
            c.votes["ORG"] += 0.5
            c.votes["PLACE"] -= 1.0
        end = R.find_apposition(text, c.end)
        if end is not None and c.votes.get("PLACE", 0) < 3:
            c.roles.append(end[0])
            c.votes["PERSON"] += 4.0


NAMEISH_LABELS = {"ORG", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT"}
NOT_NAME_WORDS = re.compile(
    rf"\b(?:{ORG_WORDS}|Operation|Bridge|Airport|Stadium|Hospital|Street|Road|Avenue|Square|Palace|Tower|"
    r"Building|Hall|Park|Church|Mosque|Temple|Prison|Base|Camp|Dam|Port|Station|Hotel|Museum|Times|Post|"
    r"News|Daily|Journal|Radio|TV|Agreement|Accord|Act|Treaty|War|Summit|Games|Cup)\b"
)


def _name_shaped(key: str) -> bool:
    """"Frederic Bontems", "Ibrahim Boubacar Keita": 2-4 capitalised words, none an organisation word."""
    words = key.split()
    return (2 <= len(words) <= 4 and all(w[:1].isupper() and w[1:2].islower() for w in words)
            and not any(ch.isdigit() for ch in key) and not NOT_NAME_WORDS.search(key))


def _drop_common_words(doc, cands: list[Cand]) -> None:
    """"Time is of the essence": a single sentence-initial common noun is not an entity."""
    keep = []
    for c in cands:
        span = doc.char_span(c.start, c.end, alignment_mode="expand")
        if (c.prio == 1 and span is not None and len(span) == 1 and span[0].tag_ in {"NN", "NNS", "JJ", "RB"}
                and (span[0].is_sent_start or span[0].i > 0 and span[0].nbor(-1).is_quote)):
            continue
        keep.append(c)
    cands[:] = keep


def _propagate(text: str, ents: list[Entity]) -> None:
    """Mentions spaCy missed: later occurrences of a person's full name or surname, an org's name."""
    taken = sorted((m.start, m.end) for e in ents for m in e.mentions)
    for e in ents:
        if e.type not in {"PERSON", "ORG"}:
            continue
        forms = {e.name}
        if e.type == "PERSON" and len(e.name.split()) >= 2:
            forms.add(e.name.split()[-1])
        forms |= {m.text for m in e.mentions if m.text[:1].isupper() and len(m.text) > 2}
        pat = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
                         + r")(?![\w-])")
        for m in pat.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            e.mentions.append(Mention(m.group(), m.start(), m.end()))
            taken.append((m.start(), m.end()))


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


def _group(text: str, cands: list[Cand]) -> list[Group]:
    by_key: dict[str, Group] = {}
    for c in sorted(cands, key=lambda c: c.start):
        key = c.key(text)
        if not key:
            continue
        by_key.setdefault(key, Group(key)).add(c)
    groups = list(by_key.values())
    for g in groups:
        g.type = _type_of(g.votes, [c.label for c in g.cands], g.cands[0].geo)
    # surnames and first+last names join the longest full name they end a part of
    persons = [g for g in groups if g.type == "PERSON" and len(g.name.split()) >= 2]
    merged: set[int] = set()
    for g in groups:
        if g.type in {"GPE", "LOC"} and g.votes.get("PLACE", 0) >= 3 or g in persons:
            continue
        owners = [p for p in persons if p.name.endswith(" " + g.name) and p is not g]
        if len({p.name for p in owners}) == 1 and g.type in {"PERSON", "ORG", "FAC", "GPE", "LOC", "NORP"}:
            for c in g.cands:
                owners[0].add(c)
            merged.add(id(g))
    # acronyms join the organisation whose initials they spell
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
    # spellings of one country or one place ("U.S.", "United States") are one entity
    by_geo: dict[str, Group] = {}
    for g in groups:
        if id(g) in merged or g.type not in {"GPE", "LOC"}:
            continue
        geo = next((c.geo for c in g.cands if c.geo is not None), None)
        if geo is None or geo.kind == "city" and geo.name != g.name and not g.name.isupper():
            continue
        owner = by_geo.get(geo.id)
        if owner is None:
            by_geo[geo.id] = g
            if g.name.isupper() or geo.kind == "country":
                g.name = geo.name
        else:
            for c in g.cands:
                owner.add(c)
            merged.add(id(g))
    out = [g for g in groups if id(g) not in merged]
    for g in out:
        if g.type not in {"GPE", "LOC"}:
            g.type = _type_of(g.votes, [c.label for c in g.cands], None)
    return out


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
    acro = affil.replace(".", "")
    return acro if acro.isupper() else (_initials(affil) or affil)


def _resolve_role_mentions(doc, ents: list[Entity], infos: dict[int, list[R.RoleInfo]],
                           firsts: dict[int, int], gaz: Gazetteer) -> None:
    text = doc.text
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
        for i, e in reversed(sorted(before, key=lambda ie: firsts[ie[0]])):
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


# -- public API --------------------------------------------------------------------------------

def extract(doc, *, gaz: Gazetteer | None = None) -> list[Entity]:
    """Entities of a spaCy ``Doc``: corrected types, canonical names, roles and every mention."""
    gaz = gaz or get_gazetteer()
    text = doc.text
    cands = _spacy_cands(doc)
    _apply_titles(text, cands, gaz)
    _dateline(text, cands, gaz)
    _split_merged(text, cands, gaz)
    _org_patterns(text, cands)
    _gazetteer_hits(doc, cands, gaz)
    _drop_common_words(doc, cands)
    _evidence(doc, cands, gaz)
    groups = _group(text, cands)
    ents: list[Entity] = []
    infos: dict[int, list[R.RoleInfo]] = {}
    firsts: dict[int, int] = {}
    for g in sorted(groups, key=lambda g: min(c.start for c in g.cands)):
        mentions = sorted({(c.start, c.end) for c in g.cands})
        e = Entity(name=g.name, type=g.type,
                   mentions=[Mention(text[s:t], s, t) for s, t in mentions])
        role_infos = [r for c in g.cands for r in c.roles] if g.type == "PERSON" else []
        for r in role_infos:
            if r.text not in e.roles:
                e.roles.append(r.text)
        infos[len(ents)] = role_infos
        firsts[len(ents)] = mentions[0][0]
        ents.append(e)
    _propagate(text, ents)
    _resolve_role_mentions(doc, ents, infos, firsts, gaz)
    for e in ents:
        e.mentions.sort(key=lambda m: m.start)
    return ents


def annotate(doc, article: Article) -> None:
    """Fill ``article.entities`` from the spaCy doc."""
    article.entities = extract(doc)


def entity_at(article: Article, start: int, end: int) -> Entity | None:
    """The entity with a mention overlapping [start, end): the largest overlap, then the tightest mention."""
    best, best_key = None, None
    for e in article.entities:
        for m in e.mentions:
            ov = min(end, m.end) - max(start, m.start)
            if ov <= 0:
                continue
            key = (ov, -(m.end - m.start))
            if best_key is None or key > best_key:
                best, best_key = e, key
    return best
