"""Titles and roles of people: "French Brig.-Gen. Cyril Carcy", "X, who is now the French defence
attache in ...", "the UN chief", "France's special envoy to the Sahel".

spaCy's small model tokenises abbreviated ranks badly ("Brig.-Gen" + "."), so these patterns run as
precompiled regular expressions over the text; their character offsets are then aligned with the
entity spans.  Three shapes are found:

- a title before a name (``TitledName``): evidence that the name is a PERSON, and a role;
- an apposition after a name (``find_apposition``): ", who is now the French defence attache";
- a role used instead of a name (``RoleMention``): "the UN chief", later resolved to a person.

The words are our own list of ranks and functions seen in international news.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass


def _char_class(pred: Callable[[str], bool]) -> str:
    """Ranges of every BMP character that satisfies ``pred``, for use inside ``[...]``.

    ``re`` has no ``\\p{Lu}``; ASCII-only classes cut "François", "Keïta" or "Łukasz" in half, so the
    classes are built once from Unicode data instead.
    """
    parts, start = [], None
    for cp in range(0x10000):
        ok = pred(chr(cp))
        if ok and start is None:
            start = cp
        elif not ok and start is not None:
            parts.append(_range(start, cp - 1))
            start = None
    if start is not None:
        parts.append(_range(start, 0xFFFF))
    return "".join(parts)


def _range(a: int, b: int) -> str:
    esc = lambda cp: re.escape(chr(cp))  # noqa: E731
    return esc(a) if a == b else f"{esc(a)}-{esc(b)}"


# Bytes 0x80-0xBF of UTF-8 read as Latin-1/cp1252 ("FranÃ§ois"): inside a word they are part of it,
# so mojibake names stay whole and can be repaired afterwards (never quotes, NBSP or guillemets).
_MOJIBAKE = ({chr(c) for c in range(0x80, 0xC0)} - set("\u00a0«»°")) | set("€ƒˆ‰˜™")
UP = _char_class(lambda c: c.isupper() or unicodedata.category(c) == "Lt")
LOW = _char_class(lambda c: (c.isalpha() and not c.isupper()) or unicodedata.category(c) in {"Mn", "Mc"}
                  or c in _MOJIBAKE)
CAPW = rf"[{UP}][{LOW}{UP}]*(?:[-'’][{UP}{LOW}][{LOW}{UP}]*)*"  # O'Brien, Al-Bashir, Keïta
INITIALS = rf"[{UP}]\.(?:[ ]?[{UP}]\.){{0,2}}"  # "G.K.", "J. R. R."
NAME_PART = (rf"(?:{INITIALS}(?=\s+[{UP}])|{CAPW}"
             rf"|(?:de|da|di|du|del|van|von|bin|ben|al|el|la|le|dos|der)(?=\s+[{UP}]))")
NAME = rf"(?:{INITIALS}[ ]?)?{CAPW}(?:\s+{NAME_PART}){{0,4}}(?:(?<=Jr)\.|(?<=Sr)\.)?"
# Words that end an organisation's name, never a person's: a "name" ending so is an organisation.
ORG_END_WORDS = (
    "Institute|Ministry|Council|Agency|Party|Army|Forces|Bank|University|Association|Commission|Committee|"
    "Organization|Organisation|Union|Front|Movement|Group|Court|Department|Office|Corporation|Company|Inc|"
    "Ltd|Network|Foundation|Fund|Alliance|Coalition|Brigade|Battalion|Police|Service|Authority|"
    "Assembly|Parliament|Senate|Congress|Tribunal|Centre|Center|Society|Programme|Program|Mission|Board|"
    "Bureau|Federation|League|Nations|Navy|Command|Corps|Secretariat|Institution|College|School"
)
NOT_A_NAME_END = re.compile(rf"\b(?:{ORG_END_WORDS})\.?$")

# Ranks and honorifics written before a name (case-sensitive, abbreviations with their dots).
RANKS = (
    r"Brig\.?[- ]Gen\.|Brig\.|Lt\.?[- ]Gen\.|Lt\.?[- ]Col\.|Lt\.?[- ]Cmdr\.|Maj\.?[- ]Gen\.|Rear[- ]Adm\.|"
    r"Vice[- ]Adm\.|Gen\.|Col\.|Lt\.|Maj\.|Capt\.|Cpl\.|Sgt\.|Staff Sgt\.|Adm\.|Cmdr\.|Cdr\.|Pte\.|Pvt\.|"
    r"Insp\.|Supt\.|Const\.|Det\.|Gov\.|Sen\.|Rep\.|Prof\.|Rev\.|Amb\.|"
    r"Brigadier[- ]General|Brigadier|Lieutenant[- ]General|Lieutenant[- ]Colonel|Lieutenant|Major[- ]General|"
    r"General|Colonel|Captain|Sergeant|Corporal|Admiral|Commander|Field Marshal|Marshal"
)
HONORIFICS = r"Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Sir|Dame|Lord|Lady|Father|Sister|Imam|Rabbi|Sheikh|Ayatollah"

# Functions (matched case-insensitively on the first letter); longest first inside the alternation.
FUNCTIONS = sorted((
    "president", "vice president", "vice-president", "president-elect", "prime minister",
    "deputy prime minister", "minister", "foreign minister", "defence minister", "defense minister",
    "interior minister", "finance minister", "health minister", "secretary of state", "secretary general",
    "secretary-general", "under-secretary-general", "undersecretary", "secretary", "director-general",
    "director general", "director", "executive director", "ambassador", "envoy", "special envoy",
    "special representative", "representative", "spokesperson", "spokesman", "spokeswoman", "chief",
    "head", "commander", "chairman", "chairwoman", "chair", "chief executive", "CEO", "governor", "mayor",
    "senator", "congressman", "congresswoman", "lawmaker", "judge", "justice", "prosecutor",
    "attorney general", "chancellor", "king", "queen", "prince", "princess", "pope", "emir", "sultan",
    "leader", "official", "officer", "attache", "attaché", "analyst", "professor", "diplomat", "adviser",
    "advisor", "coordinator", "premier", "speaker", "MP", "commissioner", "sheriff", "police chief",
    "coach", "economist", "researcher", "lawyer", "correspondent", "founder", "deputy", "bishop",
    "archbishop", "cardinal", "negotiator", "mediator", "general", "colonel", "captain", "inspector",
    "superintendent", "chief of staff", "high commissioner", "consul", "consul general",
), key=len, reverse=True)

# Heads of an organisation or country: "the UN chief" can stand for any of them.
LEADER_HEADS = {
    "president", "secretary general", "secretary-general", "director-general", "director general",
    "director", "executive director", "chief", "head", "leader", "chairman", "chairwoman", "chair",
    "prime minister", "chief executive", "ceo", "king", "queen", "chancellor", "premier", "emir", "sultan",
    "commander", "boss", "pope",
}
GENERIC_HEADS = {"official", "officer", "analyst", "diplomat", "representative", "deputy", "lawyer",
                 "researcher", "economist", "correspondent", "leader", "head", "general", "coach"}
MODIFIERS = (
    r"(?:former|then|interim|acting|deputy|senior|top|chief|special|foreign|defen[cs]e|military|"
    r"security|economic|political|permanent|regional|national|federal|state|provincial|local|assistant|"
    r"associate|principal|lead|outgoing|incoming|new|longtime|veteran)"
)
_FUNC = "|".join(re.escape(f) for f in FUNCTIONS)
_FUNC_CI = rf"(?:(?i:{_FUNC}))"
_NOT_AFFIL = (r"(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
              rf"June|July|August|September|October|November|December|The|A|An|{_FUNC_CI}|{RANKS})(?![\w.]))")
_AFFIL1 = rf"(?:{_NOT_AFFIL}(?:{CAPW}|[A-Z](?:\.[A-Z])+\.?|[A-Z]{{2,6}}))"
# French, UN, U.N., France's, "European Council", "Burkina Faso's"
_AFFIL = rf"(?:{_AFFIL1}(?<!['’]s)(?:\s+{_AFFIL1}(?<!['’]s)){{0,2}}(?:['’]s)?)"

# A title (with optional affiliation, modifiers and a "to/of/for X" complement) right before a name.
TITLE_BEFORE = re.compile(
    rf"(?<![\w.'’-])(?P<role>(?:(?i:former|then|late)\s+)?(?P<affil>{_AFFIL}\s+)?"
    rf"(?P<title>(?:(?:{RANKS})|(?:(?i:{MODIFIERS})\s+){{0,2}}{_FUNC_CI}))"
    rf"(?P<comp>\s+(?:to|of|for|at)\s+(?:the\s+)?{CAPW}(?:\s+(?:of\s+)?{CAPW}){{0,3}})??)"
    rf"\s+(?P<name>{NAME})"
)
HONORIFIC_BEFORE = re.compile(rf"\b(?:{HONORIFICS})\s+(?P<name>{NAME})")

# ", who is now the French defence attache in Washington" / ", the UN's top envoy," after a name.
APPOSITION = re.compile(
    r",\s+(?:\d{1,3},\s+)?(?:who\s+(?:is|was|has\s+been|had\s+been|will\s+be|became|serves\s+as|served\s+as)"
    r"\s+(?:now\s+|also\s+|currently\s+|then\s+|still\s+)?|now\s+|also\s+)?"
    r"(?:(?:the|a|an)\s+)?(?P<role>[^,.;:()“”\"\n]{2,90}?)(?=\s*[,.;:()\n]|\s+(?:who|and|said|says|told)\b|$)"
)
_ROLE_HEAD = re.compile(rf"(?:^|\s|-)(?:{_FUNC_CI})(?=$|\s|['’]s)|(?:{RANKS})")
_LOCATION_TAIL = re.compile(r"\s+(?:in|at|based\s+in|from)\s+.*$")

# A role used instead of a name: "the UN chief", "France's special envoy to the Sahel".
ROLE_NP = re.compile(
    rf"\b(?P<det>(?:[Tt]he|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts)\s+|(?P<poss>{CAPW}(?:\s+{CAPW}){{0,3}})['’]s\s+)"
    rf"(?P<affil>(?:{CAPW}|[A-Z](?:\.[A-Z])+\.?|[A-Z]{{2,6}})\s+)?"
    rf"(?P<title>(?:(?i:{MODIFIERS})\s+){{0,2}}{_FUNC_CI})"
    rf"(?P<comp>\s+(?:to|of|for)\s+(?:the\s+)?{CAPW}(?:\s+(?:of\s+)?{CAPW}){{0,3}})?"
    rf"(?![\w-])(?!\s+{CAPW})"
)


@dataclass(slots=True)
class RoleInfo:
    text: str  # as listed in Entity.roles: "Brig.-Gen.", "special envoy to the Sahel"
    head: str  # lower-cased title head: "brig.-gen.", "special envoy"
    affiliation: str | None = None  # raw affiliation text ("UN", "French", "France")


@dataclass(slots=True)
class TitledName:
    role: RoleInfo | None  # None for honorifics (Mr., Dr.)
    role_start: int
    name_start: int
    name_end: int
    complement: tuple[int, int] | None  # the "to X" object span, when any
    names: str
    affil_span: tuple[int, int] | None = None  # "European Council" in "European Council President X"


@dataclass(slots=True)
class RoleMention:
    start: int
    end: int
    role: RoleInfo


_FUNCTION_WORD = re.compile(rf"(?:{_FUNC_CI}|{RANKS})")


def is_function_word(word: str) -> bool:
    """True for a title or function ("Mayor", "Gen.", "ambassador"): never part of a name."""
    return _FUNCTION_WORD.fullmatch(word) is not None


def _head(title: str) -> str:
    words = title.split()
    low = title.lower()
    for f in FUNCTIONS:  # longest first
        if low.endswith(f.lower()):
            return f.lower()
    return words[-1].lower() if words else low


def titled_names(text: str, known: Callable[[str], bool] | None = None) -> list[TitledName]:
    """Every "title + name" in ``text`` (roles before names, honorifics).

    ``known(words)`` says whether words name a place or organisation: it splits "ambassador to Mali
    Isabelle Roy" into the complement "Mali" and the name "Isabelle Roy".
    """
    out: list[TitledName] = []
    for m in TITLE_BEFORE.finditer(text):
        title = m.group("title")
        name_start, name_end = m.start("name"), m.end("name")
        cspan = None
        if m.group("comp"):
            cspan, name_start = _split_complement(text, m.start("comp"), name_start, name_end, known)
        is_rank = re.fullmatch(RANKS, title) is not None
        affil = (m.group("affil") or "").strip() or None
        if affil and affil.lower() in {"the", "a", "an", "former", "then"}:
            affil = None
        if NOT_A_NAME_END.search(text[name_start:name_end]):
            continue  # "director of the National Disaster Management Organisation": an org, no name
        if is_rank:
            role_text = title
        else:
            role_text = text[m.start("role"):cspan[1] if cspan else m.start("name")].strip()
            if affil and (affil.isupper() or affil.endswith(("'s", "’s")) or "." in affil):
                role_text = role_text.replace(affil, "", 1).strip()
            role_text = role_text[:1].lower() + role_text[1:] if _capital_function(role_text) else role_text
        aspan = _affil_span(m) if affil else None
        out.append(TitledName(RoleInfo(role_text, _head(title), _affil_word(affil)), m.start("role"),
                              name_start, name_end, cspan, text[name_start:name_end], aspan))
    for m in HONORIFIC_BEFORE.finditer(text):
        out.append(TitledName(None, m.start(), m.start("name"), m.end("name"), None, m.group("name")))
    return out


def _affil_span(m: re.Match) -> tuple[int, int]:
    """Offsets of the affiliation without a possessive: "Burkina Faso's" -> "Burkina Faso"."""
    s, e = m.start("affil"), m.end("affil")
    raw = m.string[s:e].rstrip()
    raw = re.sub(r"['’]s$", "", raw)
    return s, s + len(raw)


def _split_complement(text: str, comp_start: int, name_start: int, name_end: int,
                      known: Callable[[str], bool] | None) -> tuple[tuple[int, int], int]:
    """Split "to Mali Isabelle Roy" between the complement (a known place/org) and the name."""
    lead = re.match(r"\s+(?:to|of|for|at)\s+(?:the\s+)?", text[comp_start:name_end])
    obj_start = comp_start + (lead.end() if lead else 0)
    words = [(w.start() + obj_start, w.end() + obj_start) for w in re.finditer(r"\S+", text[obj_start:name_end])]
    if len(words) < 2:
        return (comp_start, name_start), name_start
    best = None
    if known is not None:
        for k in range(len(words) - 1, 0, -1):  # longest known prefix that leaves a name
            if known(text[obj_start:words[k - 1][1]]):
                best = k
                break
    if best is None:  # no evidence: keep a two-word name when there is room for it
        best = max(1, len(words) - 2)
    return (comp_start, words[best - 1][1]), words[best][0]


def _capital_function(role: str) -> bool:
    """True for "Former Canadian ambassador" style text that starts a sentence: lower its first letter."""
    first = role.split()[0] if role.split() else ""
    return first.lower() in {"former", "then", "late"}


def _affil_word(affil: str | None) -> str | None:
    if not affil:
        return None
    return re.sub(r"['’]s$", "", affil).strip() or None


def find_apposition(text: str, end: int) -> tuple[RoleInfo, int, int] | None:
    """A role in apposition right after a name ending at ``end`` (", who is now the French defence attache")."""
    m = APPOSITION.match(text, end, min(len(text), end + 160))
    if not m:
        return None
    role = _LOCATION_TAIL.sub("", m.group("role")).strip()
    hm = _ROLE_HEAD.search(role)
    if not hm or len(role.split()) > 8:
        return None
    head = _head(role[: hm.end()].strip())
    if head in GENERIC_HEADS and len(role.split()) == 1:
        return None
    affil = None
    first = role.split()[0]
    pm = re.match(r"(.+?)['’]s\s+", role)
    if pm:
        affil = pm.group(1)
        role = role[pm.end():]
    elif first[:1].isupper() and hm.start() > 0:
        affil = first
    return RoleInfo(role, head, affil), m.start("role"), m.start("role") + len(m.group("role"))


def role_mentions(text: str) -> list[RoleMention]:
    """Roles standing in for a name: "the UN chief", "France's special envoy to the Sahel"."""
    out = []
    for m in ROLE_NP.finditer(text):
        title = m.group("title")
        affil = (m.group("affil") or "").strip() or m.group("poss")
        comp = m.group("comp") or ""
        role_text = (title + comp).strip()
        if m.group("affil") and not m.group("affil").strip().isupper():
            role_text = f"{m.group('affil').strip()} {role_text}"
        start = m.start("det") if m.group("poss") is None else m.start("poss")
        out.append(RoleMention(start, m.end(), RoleInfo(role_text, _head(title), affil)))
    return out
