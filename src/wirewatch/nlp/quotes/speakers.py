"""Speaker spans and canonical speaker names for the quotes component.

The entities component (run before quotes) knows canonical names: a speaker span that overlaps
one of its mentions takes that entity's ``name``.  Our own fallback keeps quotes useful when no
entity covers the span (or the entities component is absent): a pronoun resolves to the most
recent person-like subject, a lone surname to the full name met earlier, and anything else to
the span's own text.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from ...records import Article, Mention, Quote
from ..entities import lexicon as L
from ..entities.context import rules as entity_rules
from .lexicon import lexicon
from ..docutil import sentence  # noqa: F401  (re-exported: quotes uses speakers.sentence)

_PRONOUNS = frozenset({"he", "she", "they", "him", "her", "them", "i", "we", "his", "their"})
_SKIP_CHILD_DEPS = frozenset({"relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "prep_skip"})
_TITLES = frozenset(
    """president secretary general minister prime foreign defence defense chief director mr mrs ms dr
    sen rep gov governor senator representative ambassador envoy spokesman spokeswoman spokesperson
    gen brig.-gen brig lt col maj capt adm sgt judge justice mayor king queen prince sheikh pope
    chairman chairwoman ceo commissioner deputy vice former acting special un councillor councilor councilman
    councilwoman chancellor premier superintendent sheriff inspector commander general admiral colonel captain
    lieutenant sergeant professor prof rev reverend rabbi imam bishop dean assemblyman assemblywoman del""".split()
)
_NOT_SPEAKER_TYPES = frozenset({"GPE", "LOC", "FAC", "DATE", "CARDINAL", "PLACE"})
_RELATIVE = frozenset({"who", "which", "that", "whom"})
# things that "say" on behalf of their author: the speaker is whoever wrote or issued them
DOCUMENT_NOUNS = frozenset(
    """report study statement letter article ad advertisement memo memorandum poll survey analysis document
    filing complaint lawsuit suit indictment ruling opinion book email e-mail tweet post piece editorial
    column video release briefing transcript speech message note paper proposal plan bill review audit
    assessment estimate forecast projection budget platform website site blog op-ed interview commercial
    spot footage recording affidavit motion order decision verdict""".split()
)
# organisation heads that a bare "the ministry said" refers to by an earlier full name
ORG_NOUNS = frozenset(
    """ministry department agency campaign committee government police army party company commission court
    office embassy council administration board bureau service authority union institute foundation
    organization organisation group coalition alliance firm bank university parliament senate
    congress military navy force forces""".split()
)


# heads of a noun phrase that speak for the organisation named in it ("a Foreign Office spokesman")
SPEAKS_FOR = frozenset(
    """spokesman spokeswoman spokesperson spokespeople representative official statement
    spokesmen spokeswomen officials""".split()
)
# verbs of belief: who believes, fears or hopes something has not said it (per language)
BELIEF_FORMS = {
    "en": frozenset("""believe believes believed believing think thinks thought thinking feel feels felt
        hope hopes hoped fear fears feared worry worries worried expect expects expected know knows knew
        known learn learns learned learnt show shows showed shown find finds found suspect suspects
        suspected assume assumes assumed doubt doubts doubted wonder wonders wondered""".split()),
}
_ADDRESSEE_VERBS = frozenset({"tell", "inform", "warn", "advise", "assure", "ask", "urge", "remind"})
SCARE_MAX_WORDS = 3  # a short quoted phrase inside a sentence with no cue is a scare quote or a title


def person_genders(text: str, entities: list[Any], lang: str = L.DEFAULT) -> dict[str, str]:
    """name -> "m"/"f" for the people of an article whose gender the text shows: an honorific before a
    mention ("Mrs Clinton"), else the he/she pronouns that follow its mentions before any other person
    is named (a clear majority of them)."""
    hon = L.honorifics(lang)
    gender = L.pronouns(lang)[0]
    names = entity_rules(lang) or {}
    appos, roles = names.get("apposition_gender", {}), names.get("role_words", frozenset())
    plural = lexicon(lang).pronoun_number
    people = [e for e in entities if e.type == "PERSON"]
    starts = sorted(m.start for e in people for m in e.mentions)
    out: dict[str, str] = {}
    for e in people:
        votes = {"m": 0, "f": 0}
        for m in e.mentions:
            before = text[max(0, m.start - 12):m.start].split()
            if before and hon.get(before[-1]):
                votes[hon[before[-1]]] += 5
                continue
            app = _APPOSED.match(text, m.end, m.end + 60) if appos else None
            if app is not None and app.group(1).lower() in appos \
                    and roles & {w.lower() for w in app.group(2).split()}:  # "Moussa Traoré, un commerçant"
                votes[appos[app.group(1).lower()]] += 3
                continue
            nxt = bisect.bisect_right(starts, m.start)
            stop = min(starts[nxt] if nxt < len(starts) else len(text), m.end + 200)
            for w in _WORD.findall(text[m.end:stop]):
                w = w.lower()
                w = w if w in gender else w.replace("’", "'").rsplit("'", 1)[-1]  # elided: "qu'elle", "s'il"
                if w in gender and plural.get(w) != "Plur":  # "ils" says nothing of one person's gender
                    votes[gender[w]] += 1
                    break
        if votes["m"] != votes["f"] and max(votes.values()) >= 1 and min(votes.values()) * 3 <= max(votes.values()):
            out[e.name] = max(votes, key=votes.get)
    return out


_WORD = re.compile(r"[\w’']+")
_APPOSED = re.compile(r",\s+(\w+)\s+((?:[\w-]+\s+)?[\w-]+)")  # ", une ancienne ministre"


def settle(quotes: list[Quote], article: Article, lang: str | None = None) -> list[Quote]:
    """Last pass over one article's quotes, through the discourse:

    - "I"/"we" as a speaker: inside another quote, that quote's speaker; else the speaker of the
      nearest earlier quote in the same or the previous paragraph; else nobody (not "I");
    - a quote whose cue is a verb of belief ("the family believe ...") is nobody's speech;
    - a short quoted phrase inside a sentence with no cue and no speaker ("a 'beheaded head'") is a
      scare quote, not speech.
    """
    text = article.text
    lang = lang or article.language or L.DEFAULT
    first = L.pronouns(lang)[1]
    beliefs = BELIEF_FORMS.get(lang, BELIEF_FORMS["en"])
    out: list[Quote] = []
    for q in quotes:
        cue = (q.cue or "").lower().split()
        if cue and cue[-1] in beliefs:
            continue
        if q.direct and _scare(text, q):
            continue
        out.append(q)
    for q in out:  # 'X said: “Iraq would be …' with the mark closed paragraphs later: quoted words
        if not q.direct and q.speaker and text[max(0, q.start - 2):q.start].strip() in _OPENING_MARKS:
            q.direct = True
    if (lang or "en") == "en":
        _introduced_by_apposition(out, article)
        _pronoun_before_colon(out, article)
    for i, q in enumerate(out):
        m = q.speaker_mention
        if m is None or m.text.lower() not in first or (q.speaker or "").lower() not in first | {""}:
            continue
        outer = [o for o in out if o is not q and o.direct and o.start <= m.start < o.end]
        if outer:
            q.speaker = outer[0].speaker
            continue
        q.speaker = None
        for prev in reversed(out[:i]):
            gap = text[prev.end:q.start]
            if gap.count("\n\n") > 1 or len(gap) > 600:
                break
            if prev.speaker and prev.speaker.lower() not in first:
                q.speaker = prev.speaker
                break
        if q.speaker is None and article.authors and not any(o.start <= m.start < o.end for o in out if o.direct):
            q.speaker = article.authors[0]  # the writer's own "I" (a column, a first-person report)
    return out


# "Brett McGurk, the former US envoy to the coalition against Isis, said: “…": a name, its apposition
# (any length, no quotation mark, no sentence end), then the verb and a colon or comma right before the quote
_APPOSED_INTRO = re.compile(
    r"(?P<name>[A-Z][\w'’\-]+(?:\s+(?:[A-Z][\w'’\-]+|de|al|bin|van|von)){0,4}),\s+[^“”\"\n.!?]{3,260}?,\s+"
    r"(?P<cue>said|says|added|adds|told\s[^“”\"\n:]{1,60}|wrote|writes|tweeted|explained|warned|argued)\s*[:,]?\s*$")


_PRONOUN_COLON = re.compile(r"\b(?P<pron>[Hh]e|[Ss]he)\s+(?:said|says|added|adds|told\s[^“”\"\n:]{1,50}|wrote|"
                            r"explained|warned|argued|insisted)\s*:\s*[“\"‘]?\s*$")


def _pronoun_before_colon(quotes: list[Quote], article: Article) -> None:
    """"On the issue of children, he said: “We are aware …” Kurdish forces have claimed …": the speaker
    stated before the colon speaks, not a subject of the next sentence.  The pronoun goes to the
    nearest earlier quote's speaker who is a person of the article and does not disagree in gender.
    """
    text = article.text
    persons = {e.name for e in article.entities if e.type == "PERSON"}
    genders = person_genders(text, article.entities)
    for i, q in enumerate(quotes):
        m = _PRONOUN_COLON.search(text, max(0, q.start - 90), q.start)
        if not q.direct or m is None or q.speaker_mention is not None and q.speaker_mention.start < q.start:
            continue
        want = "f" if m.group("pron").lower() == "she" else "m"
        for prev in reversed(quotes[:i]):
            if q.start - prev.end > 800:
                break
            if prev.speaker in persons and genders.get(prev.speaker, want) == want:
                s, e = m.start("pron"), m.end("pron")
                q.speaker, q.speaker_mention = prev.speaker, Mention(text[s:e], s, e)
                break


_OPENING_MARKS = {"“", '"', "«", "‘"}


def _introduced_by_apposition(quotes: list[Quote], article: Article) -> None:
    """Direct quotes left without a speaker whose sentence opens "Name, the …, said:" take that person.

    The parse loses the subject when the apposition is long; the words before the quote still say
    who speaks, provided the name is one of the article's persons.  Quotes that follow with no cue of
    their own (the next paragraphs of the same statement) keep that speaker.
    """
    text = article.text
    persons = [(m.start, m.end, e) for e in article.entities if e.type == "PERSON" for m in e.mentions]
    last: Quote | None = None
    for q in quotes:
        if not q.direct:
            continue
        if q.speaker is None and q.cue is None and last is not None and last.speaker \
                and len(text[last.end:q.start]) < 400 and text[last.end:q.start].count("\n\n") <= 1:
            q.speaker, q.speaker_mention = last.speaker, last.speaker_mention
        elif q.speaker is None:
            m = _APPOSED_INTRO.search(text, max(0, q.start - 340), q.start)
            hit = None
            if m is not None:
                hit = next(((s, e, ent) for s, e, ent in persons if s <= m.start("name") < e
                            or m.start("name") <= s < m.end("name")), None)
            if hit is not None:
                s, e, ent = hit
                q.speaker, q.speaker_mention = ent.name, Mention(text[s:e], s, e)
                q.cue = q.cue or m.group("cue").split()[0]
        last = q


_QUOTING_WORDS = re.compile(  # words that introduce somebody's words: 'described it as “a volcano”'
    r"\b(?:say|says|said|saying|call|calls|called|calling|describe[sd]?|describing|dubb?(?:ed|s)?|term(?:ed|s)?|"
    r"label(?:l?ed|s)?|brand(?:ed|s)?|warn(?:ed|s)?|vow(?:ed|s)?|promis(?:ed|es)|insist(?:ed|s)?|as|of|"
    r"liken(?:ed|s)?|compar(?:ed|es|ing)|words?|phrases?|slogans?|chant(?:ed|s)?)\b"
    r"[^.!?;]{0,25}$", re.I)


def _scare(text: str, q: Quote) -> bool:
    """A short quoted phrase inside a sentence that nobody is said to have said there: no cue, or a cue
    in another clause ("Police found a “beheaded head” in the field, and the inspector said ..."), and
    no quoting word right before it ("described it as “a volcano”" is somebody's words)."""
    words = q.text.split()
    if len(words) > SCARE_MAX_WORDS or q.text.rstrip()[-1:] in ".?!…":
        return False
    before = text[max(0, q.start - 3):q.start].rstrip(" \u00a0\"“‘'")
    if not before or before[-1] in ".:\n!?":
        return False
    if _QUOTING_WORDS.search(text, max(0, q.start - 40), q.start):
        return False
    if q.cue is None:
        return True
    m = q.speaker_mention
    if m is None or m.start < q.start:
        return False
    between = text[q.end:m.start]
    return bool(re.search(r"[,;]\s*(?:and|but|while|as|where)\b|;", between))


def _pruned_subtree(head: Any) -> list[Any]:
    """The subtree of ``head`` without clauses and punctuation hanging off it (who ..., which ...)."""
    out = [head]
    for child in head.children:
        if child.dep_ in _SKIP_CHILD_DEPS:
            continue
        out.extend(_pruned_subtree(child))
    return out


class Resolver:
    """Resolves speaker head tokens of one document to (canonical name, mention)."""

    def __init__(self, doc: Any, article: Article) -> None:
        self.doc = doc
        self.text = article.text
        self.mentions: list[tuple[int, int, str, str]] = sorted(
            (m.start, m.end, e.name, e.type) for e in article.entities for m in e.mentions
        )
        self._starts = [m[0] for m in self.mentions]
        self.places = self._place_words(doc, article)
        self._person_end = {e.end: e for e in doc.ents if e.label_ == "PERSON"}
        self.names = [self.trim(sp) for sp in self._name_spans(doc)]
        self._name_starts = [s.start_char for s in self.names]
        self.lang = L.language_of(doc)
        self.types = {e.name: e.type for e in article.entities}
        self.genders = person_genders(self.text, article.entities, self.lang)

    @staticmethod
    def _name_spans(doc: Any) -> list[Any]:
        """Runs of proper nouns (and PERSON entities): the full names a surname can refer to."""
        spans: list[Any] = []
        i = 0
        n = len(doc)
        while i < n:
            if doc[i].pos_ == "PROPN" and doc[i].text[:1].isupper():
                j = i
                while j + 1 < n and doc[j + 1].pos_ == "PROPN" and doc[j + 1].text[:1].isupper() \
                        and doc[j].whitespace_:
                    j += 1
                spans.append(doc[i:j + 1])
                i = j + 1
            else:
                i += 1
        return spans

    @staticmethod
    def _place_words(doc: Any, article: Article) -> frozenset[str]:
        """Words that name places or groups on their own somewhere in this document."""
        words = {e.name for e in article.entities if e.type in ("GPE", "LOC", "NORP")}
        words.update(t.text for t in doc if t.ent_type_ in ("GPE", "LOC", "NORP") and t.ent_iob_ == "B"
                     and (t.i + 1 >= len(doc) or doc[t.i + 1].ent_iob_ != "I"))
        return frozenset(words)

    def trim(self, span: Any) -> Any:
        """A name run without leading titles and places ("UN Secretary General Antonio Guterres")."""
        doc = self.doc
        end = span.end
        ent = self._person_end.get(end)
        if ent is not None and span.start < ent.start and len(ent) >= 2:
            span = doc[ent.start:end]
        start = span.start
        while end - start > 2 or (end - start == 2 and doc[start].text in self.places):
            tok = doc[start]
            if tok.text in self.places or tok.lower_.rstrip(".") in _TITLES:
                start += 1
            else:
                break
        return doc[start:end]

    # ------------------------------------------------------------------ spans

    def span_of(self, head: Any) -> Any:
        """The phrase a speaker head token stands for (name, or noun phrase without clauses)."""
        doc = self.doc
        if head.pos_ == "PROPN":
            left = head.i
            while left > 0 and doc[left - 1].pos_ == "PROPN" and doc[left - 1].text[:1].isupper():
                left -= 1
            right = head.i + 1
            while right < len(doc) and doc[right].pos_ == "PROPN" and doc[right].text[:1].isupper() \
                    and doc[right].head.i == head.i and doc[right].dep_ in ("flat", "compound", "appos"):
                right += 1
            return doc[left:right]
        if head.pos_ == "PRON":
            return doc[head.i:head.i + 1]
        for child in head.children:  # "the spokesman, John Smith," -> the name
            if child.dep_ == "appos" and child.pos_ == "PROPN":
                return self.span_of(child)
        keep = sorted(t.i for t in _pruned_subtree(head))
        left = right = head.i
        while left - 1 in keep and left - 1 >= keep[0]:
            left -= 1
        while right + 1 in keep:
            right += 1
        while left < head.i and (doc[left].is_punct or doc[left].dep_ == "cc"):
            left += 1
        return doc[left:right + 1]

    # ------------------------------------------------------------------ names

    def entity_name(self, start: int, end: int) -> str | None:
        """Canonical name of an entity whose mention overlaps [start, end), if any: as
        ``entities.entity_at`` prefers, a mention ending where the span ends ("European Council
        President Donald Tusk" is Tusk), then a person, then the largest overlap."""
        i = bisect.bisect_left(self._starts, end)
        best: tuple[bool, bool, int, str] | None = None
        for m_start, m_end, name, etype in self.mentions[max(0, i - 50):i]:
            if m_start < end and start < m_end and etype not in _NOT_SPEAKER_TYPES:
                key = (m_end == end, etype == "PERSON", min(end, m_end) - max(start, m_start), name)
                if best is None or key[:3] > best[:3]:
                    best = key
        return best[3] if best else None

    def _full_name(self, surname: str, before: int) -> str | None:
        """The latest earlier multi-word name whose last word is ``surname``."""
        i = bisect.bisect_left(self._name_starts, before)
        for span in reversed(self.names[:i]):
            if len(span) > 1 and span[-1].text == surname:
                return span.text
        return None

    def _antecedent(self, pron: Any) -> Any | None:
        """Most recent person-like subject before a pronoun (else the most recent name) that agrees
        with it: "she" is a woman of the article (or of unknown gender), never an organisation or a
        place; a subject with a name in apposition ("the shadow home secretary, Diane Abbott, said")
        counts as that name."""
        doc = self.doc
        sent_start = sentence(pron).start
        gender = L.pronouns(self.lang)[0].get(pron.lower_)
        fallback = None
        for tok in reversed(doc[max(0, sent_start - 120):pron.i]):
            if tok.pos_ != "PROPN" or tok.ent_type_ in _NOT_SPEAKER_TYPES or not self._agrees(tok, gender):
                continue
            subject = tok.dep_ in ("nsubj", "nsubjpass") or (
                tok.dep_ == "appos" and tok.head.dep_ in ("nsubj", "nsubjpass"))
            if subject and tok.lower_ not in _PRONOUNS:
                return tok
            if fallback is None and tok.dep_ not in ("compound", "flat", "poss"):
                fallback = tok
        return fallback

    def _agrees(self, tok: Any, gender: str | None) -> bool:
        """Whether a name token can be what a he/she pronoun refers to."""
        if gender is None:
            return True
        name = self.entity_name(tok.idx, tok.idx + len(tok.text))
        if name is None:
            return True
        kind = self.types.get(name)
        if kind not in (None, "PERSON"):
            # "she" is not Facebook or Islamic State; a one-word name typed ORG may be a mistyped person
            full = [p for p, t in self.types.items() if t == "PERSON" and p.endswith(" " + name)]
            if kind != "ORG" or name in L.actors(self.lang).names or name.isupper():
                return False
            return not full or any(self.genders.get(p) in (None, gender) for p in full)
        return self.genders.get(name) in (None, gender)

    def resolve(self, head: Any) -> tuple[str | None, Mention | None]:
        """(canonical speaker, the span it was resolved from) for a speaker head token."""
        if head.dep_ == "nsubjpass" and head.head.lemma_ in _ADDRESSEE_VERBS:
            # "Begum has been told (by the home secretary) that ...": she heard it; the agent said it
            agent = next((c for c in head.head.children if c.dep_ == "agent"), None)
            obj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
            if obj is None:
                return None, None
            head = obj
        head = self._relative_antecedent(head)
        owner = self._owner(head)
        if owner is not None:
            name, _ = self.resolve(owner)
            span = self.span_of(head)
            if name:
                return name, Mention(text=span.text, start=span.start_char, end=span.end_char)
        span = self.span_of(head)
        mention = Mention(text=span.text, start=span.start_char, end=span.end_char)
        if head.pos_ == "PRON":
            if head.lower_ not in _PRONOUNS or head.lower_ in ("i", "we"):
                return (None, mention) if head.lower_ not in ("i", "we") else (span.text, mention)
            ante = self._antecedent(head)
            if ante is None:
                return None, mention
            return self._canonical(self.span_of(ante)), mention
        return self._canonical(span), mention

    def _relative_antecedent(self, head: Any) -> Any:
        """"Flynn, who said ..." -> Flynn: a relative pronoun stands for the noun its clause hangs on."""
        if head.lower_ not in _RELATIVE:
            return head
        for anc in head.ancestors:
            if anc.dep_ == "relcl":
                return anc.head
        return head

    def _owner(self, head: Any) -> Any | None:
        """Who issued a document that "says": "his report noted" -> his, "the IMF report" -> IMF,
        "a study by Harvard" -> Harvard; "the report said" -> whoever released a report earlier."""
        if head.lemma_.lower() not in DOCUMENT_NOUNS or head.pos_ != "NOUN":
            return None
        for child in head.children:
            if child.dep_ == "poss":
                return child
        for child in head.children:
            if child.dep_ == "compound" and child.pos_ == "PROPN" and child.text not in self.places:
                return child
            if child.dep_ == "prep" and child.lower_ in ("by", "from"):
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if obj is not None and obj.pos_ in ("PROPN", "NOUN"):
                    return obj
        if any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children):
            return self._issuer(head)
        return None

    def _issuer(self, head: Any) -> Any | None:
        """The subject of an earlier verb whose object was the same kind of document
        ("The Pentagon released a report ... The report said")."""
        doc = self.doc
        start = max(0, sentence(head).start - 80)
        for tok in reversed(doc[start:head.i]):
            if tok.lemma_ == head.lemma_ and tok.dep_ in ("dobj", "nsubjpass") and tok.i != head.i:
                subj = next((c for c in tok.head.children if c.dep_ in ("nsubj", "agent")), None)
                if subj is not None and subj.pos_ in ("PROPN", "PRON"):
                    return subj
                return None
        return None

    def _org_name(self, span: Any) -> str | None:
        """"the ministry" -> the latest earlier organisation whose name holds "Ministry"."""
        root = span.root
        if root.pos_ != "NOUN" or root.lemma_.lower() not in ORG_NOUNS:
            return None
        word = root.text.lower()
        i = bisect.bisect_left(self._starts, span.start_char)
        for _, _, name, etype in reversed(self.mentions[:i]):
            if etype == "ORG" and word in name.lower().split():
                return name
        return None

    def _canonical(self, span: Any) -> str:
        name = self.entity_name(span.start_char, span.end_char)
        if name and self._names_head(name, span):
            if self._member_of(span, name):
                return span.text  # "a former Isis member" is not Isis
            return name
        name = self._org_name(span)
        if name:
            return name
        propn = [t for t in span if t.pos_ == "PROPN"]
        if len(propn) == 1 and len(span) <= 3:
            full = self._full_name(propn[0].text, span.start_char)
            if full:
                return full
        if len(span) == 1 and span[0].pos_ == "PROPN":
            return span.text
        names = [s for s in self.names if span.start_char <= s.start_char and s.end_char <= span.end_char]
        person = [s for s in names if len(s) >= 2 and (s[-1].i == span.root.i or s[-1].ent_type_ == "PERSON"
                                                       or s.end == span.end)]
        return person[-1].text if person else span.text

    def _member_of(self, span: Any, name: str) -> bool:
        """A common-noun phrase that only names an organisation as a modifier ("a former Isis member",
        "an SDF fighter"): a person inside it, not the organisation (its spokesman speaks for it)."""
        root = span.root
        if root.pos_ != "NOUN" or self.entity_name(root.idx, root.idx + len(root.text)) is not None:
            return False
        if self.types.get(name) in ("NORP", "GPE", "LOC"):
            return True  # "a Kurdish intelligence official" is not "Kurdish"
        former = any(t.lower_ in ("former", "ex", "ex-") for t in span)
        return former or root.lemma_.lower() not in SPEAKS_FOR

    @staticmethod
    def _names_head(name: str, span: Any) -> bool:
        """Whether an entity's canonical name fits the span: a span ending in a proper noun
        ("Rep. G.K. Butterfield") must find that word in the name (not "G"); a role ("the
        foreign minister") or an acronym ("IMF") may take any name."""
        last = [t for t in span if t.pos_ == "PROPN" and t.text[:1].isupper()]
        if not last:
            return True
        word = last[-1].text.strip(".").lower()
        if word.isalpha() and last[-1].text.isupper() and len(word) <= 6:
            return True  # acronyms: "IMF" -> "International Monetary Fund"
        return word in {w.strip(".,").lower() for w in name.replace("-", " ").split()}
