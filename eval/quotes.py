"""Quotes on PolNeAR dev: direct-quote recall, speaker accuracy, overlap F1 over all attributions.

Gold: BRAT ``Attribution`` relations (Source, Cue, Content; spans may be discontinuous).  A gold
content is *direct* when it sits in quotation marks (its text starts with a mark, or a mark opens
right before it; the doubled apostrophes of the NYT archive texts count as marks).

- Direct-quote recall: gold direct contents overlapped by one of our direct quotes.
- Direct-quote precision: our direct quotes that overlap a gold direct content (strict), and those
  that overlap any gold content (a partial quote inside an annotated paraphrase is right).
- Speaker accuracy, among found direct quotes with a gold source.  Right means *names the same
  person*: when the gold source holds a name ("Mr. Obama", "campaign manager Robby Mook"), our
  canonical speaker must share its surname (full name vs surname both count; "Donald Trump" for
  "Trump" is right, "the report" for "Trump" is wrong).  When the gold source is a relative pronoun
  ("who", "which") the name it hangs on (the capitalised run before ", who") stands for it.  When it
  names nobody ("he", "a source", "the campaign"), our speaker mention must be that span and our
  speaker resolved to something; this part cannot check the pronoun's antecedent, so it is printed
  apart.
- Overlap F1: our quotes (direct and reported) against all gold contents, matched by character
  overlap.

Two modes on the same parse: ``product`` runs the components as users get them (entities -> places
-> quotes, the order of ``wirewatch.nlp.runtime.PIPELINE``), ``bare`` runs quotes alone (its own
fallback for canonical names).  The whole text (the headline is its first line) is the article text.

    python3 eval/quotes.py [--errors K] [--mode product|bare|both] [--split dev|train] [--limit N]
                           [--half tune|check|all]

Tuning and checking halves (issue 13): an article belongs to the *checking* half when the first
byte of the SHA-1 of its file stem (``CNN_20160901_...``) is odd, else to the *tuning* half.  Rules
are tuned looking at the tuning half only (``--half tune --errors K``); figures are reported on the
checking half (``--half check``).  The split was fixed before any tuning on it.

``--guardian`` scores our own annotations of Guardian Syria articles (international news; labels and
offsets in ``eval/data/guardian_quotes.json``, checking half only) instead of PolNeAR.

``--split train --limit N`` scores the first N train articles (unseen-style data: transcripts, list
stories); the parse of a split is cached in /tmp (spaCy DocBin keyed by split, limit and model) so
reruns take seconds.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import DATA, require  # noqa: E402

ANCHOR = "BBC Citron on PARC 3.0: source F1 0.82, all quote spans overlap F1 0.83"
OPENING = "\"“‘"
PRODUCT = ("entities", "places", "quotes")
_PRONOUNS = {"he", "she", "they", "it", "i", "we", "you", "his", "her", "their", "its", "him", "them"}
_RELATIVE = {"who", "which", "that", "whom"}
_NAME_WORD = re.compile(r"[A-Z][\w’'.-]*")
_HONORIFICS = {"Mr.", "Mrs.", "Ms.", "Dr.", "Sen.", "Rep.", "Gov.", "The", "A", "An", "Mr", "Mrs", "Ms"}


@dataclass
class Gold:
    content: list[tuple[int, int]]
    source: list[tuple[int, int]] = field(default_factory=list)
    source_text: str = ""
    direct: bool = False


def _spans(field_: str) -> list[tuple[int, int]]:
    out = []
    for part in field_.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return out


_CUE_AS_SOURCE = {"said", "says", "say", "told", "added", "wrote", "asked", "stated"}


def load_ann(path: Path, text: str) -> list[Gold]:
    """Attribution relations of one BRAT file (Content required; Source optional).

    A source span that covers only a speech verb ("said") is an annotation slip (the cue marked
    as source): such a relation keeps its content but counts as having no source.
    """
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    relations: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" not in line:
            continue  # a few files carry stray lines
        if line.startswith("T"):
            tid, info, *_ = line.split("\t")
            label, _, offs = info.partition(" ")
            spans[tid] = (label, _spans(offs))
        elif line.startswith("E"):
            _, args = line.split("\t")[:2]
            relations.append(dict(a.split(":", 1) for a in args.split()))
    out = []
    for rel in relations:
        if "Content" not in rel or rel["Content"] not in spans:
            continue
        g = Gold(content=spans[rel["Content"]][1])
        if "Source" in rel and rel["Source"] in spans:
            g.source = spans[rel["Source"]][1]
            g.source_text = " ".join(text[a:b] for a, b in g.source)
            if g.source_text.strip().lower() in _CUE_AS_SOURCE:
                g.source, g.source_text = [], ""
        a, b = g.content[0]
        first = text[a:b].lstrip()[:1]
        before = text[max(0, a - 2):a].strip()[-1:]
        doubled = text[a:b].lstrip().startswith("''") or text[max(0, a - 2):a] == "''"  # NYT archive marks
        g.direct = bool(first and first in OPENING) or bool(before and before in OPENING) or doubled
        out.append(g)
    return out


def half_of(key: str) -> str:
    """``check`` or ``tune``: the deterministic half of a dev set an item belongs to (odd first SHA-1 byte)."""
    import hashlib

    return "check" if hashlib.sha1(key.encode("utf-8")).digest()[0] & 1 else "tune"


def load_items(root: Path, *, limit: int = 0, half: str = "all") -> list[tuple[str, str, list[Gold]]]:
    """(name, text, gold) for each article of a split (several annotators on a few: the first)."""
    items = []
    for txt in sorted((root / "text").glob("*.txt")):
        if limit and len(items) >= limit:
            break
        if half != "all" and half_of(txt.stem) != half:
            continue
        anns = sorted((root / "attributions").glob(txt.stem + "_*.ann"))
        if anns:
            text = txt.read_text(encoding="utf-8")
            items.append((txt.stem, text, load_ann(anns[0], text)))
    return items


def _overlap(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(s < b and a < e for s, e in spans)


def _norm(word: str) -> str:
    return re.sub(r"(’s|'s)$", "", word).strip(".,’'\"“”").lower()


def gold_name(g: Gold, text: str) -> str | None:
    """The name a gold source gives (its last capitalised words), or None when it names nobody."""
    src = g.source_text.strip()
    if src.lower() in _RELATIVE and g.source:  # "Flynn, who said ..." -> Flynn
        before = text[max(0, g.source[0][0] - 80):g.source[0][0]].rstrip(" ,")
        words = before.split()[-4:]
        run: list[str] = []
        for w in reversed(words):
            if _NAME_WORD.fullmatch(w.rstrip(",")) and w not in _HONORIFICS:
                run.insert(0, w)
            else:
                break
        return " ".join(run) or None
    segments = src.split("(")[0].split(",")  # "(D-N.C.)" out; appositions that start lowercase
    head = " , ".join(seg for i, seg in enumerate(segments) if i == 0 or seg.strip()[:1].isupper())
    runs: list[list[str]] = [[]]  # ("founder of the Center") name an affiliation, not the source
    for w in head.split():
        if _NAME_WORD.fullmatch(w) and w not in _HONORIFICS and _norm(w) not in _PRONOUNS:
            runs[-1].append(w)
        elif runs[-1]:
            runs.append([])
    runs = [r for r in runs if r and not r[-1].endswith(("’s", "'s"))]  # "Clinton’s aide Mook" -> Mook
    return " | ".join(" ".join(r) for r in runs) or None


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.replace("-", " ").split() if w[:1].isupper())


def speaker_right(q: Any, g: Gold, text: str) -> tuple[str, bool]:
    """(kind of gold source, whether our quote's speaker names the same one)."""
    name = gold_name(g, text)
    if name is not None:
        ours = {_norm(w) for w in (q.speaker or "").replace("-", " ").split()}
        for run in name.split(" | "):  # any name run of the source ("Another critic, Laurence Tribe")
            last = run.replace("-", " ").split()[-1]
            if _norm(last) in ours or (last.isupper() and len(last) > 1 and last == _initials(q.speaker or "")):
                return "named", True  # surname, or the acronym of our organisation's full name
        return "named", False
    kind = "pronoun" if g.source_text.strip().lower() in _PRONOUNS else "nominal"
    m = q.speaker_mention
    return kind, bool(q.speaker) and m is not None and _overlap(g.source, m.start, m.end)


class Score:
    """Counts for one mode."""

    def __init__(self) -> None:
        self.d_gold = self.d_found = self.a_gold = self.a_found = 0
        self.n_pred = self.n_pred_ok = self.n_direct = self.n_direct_ok = self.n_direct_any = 0
        self.spk: dict[str, list[int]] = {"named": [0, 0], "pronoun": [0, 0], "nominal": [0, 0]}
        self.errors: list[str] = []

    def add(self, name: str, text: str, gold: list[Gold], preds: list[Any], *, keep: int = 0) -> None:
        all_content = [s for g in gold for s in g.content]
        direct_content = [s for g in gold if g.direct for s in g.content]
        self.n_pred += len(preds)
        self.n_pred_ok += sum(_overlap(all_content, q.start, q.end) for q in preds)
        self.n_direct += sum(q.direct for q in preds)
        for q in preds:
            if q.direct:
                ok = _overlap(direct_content, q.start, q.end)
                self.n_direct_ok += ok
                self.n_direct_any += _overlap(all_content, q.start, q.end)  # partial quote in a paraphrase
                if not ok and len(self.errors) < keep:
                    self.errors.append(f"FP   {name}: {q.text[:80]!r} ({q.speaker!r}, cue {q.cue!r})")
        for g in gold:
            self.a_gold += 1
            hits = [q for q in preds if _overlap(g.content, q.start, q.end)]
            self.a_found += bool(hits)
            if g.direct:
                self._direct(name, text, g, [q for q in hits if q.direct], keep)

    def _direct(self, name: str, text: str, g: Gold, dhits: list[Any], keep: int) -> None:
        self.d_gold += 1
        if not dhits:
            if len(self.errors) < keep:
                a, b = g.content[0]
                self.errors.append(f"MISS {name}: {text[a:b][:90]!r}")
            return
        self.d_found += 1
        if not g.source:
            return
        judged = [speaker_right(q, g, text) for q in dhits]
        kind = judged[0][0]
        ok = any(r for _, r in judged)
        self.spk[kind][0] += ok
        self.spk[kind][1] += 1
        if not ok and len(self.errors) < keep:
            q = dhits[0]
            ment = q.speaker_mention.text if q.speaker_mention else None
            self.errors.append(f"SPK  {name}: gold {g.source_text!r} ours {q.speaker!r} ({ment!r}) "
                               f"cue {q.cue!r}: {q.text[:60]!r}")

    def report(self, mode: str) -> list[str]:
        def ratio(a: int, b: int) -> float:
            return a / b if b else 0.0

        right = sum(v[0] for v in self.spk.values())
        total = sum(v[1] for v in self.spk.values())
        p, r = ratio(self.n_pred_ok, self.n_pred), ratio(self.a_found, self.a_gold)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        parts = ", ".join(f"{k} {ratio(*v):.3f} of {v[1]}" for k, v in self.spk.items())
        return [
            f"[{mode}] direct-quote recall:    {ratio(self.d_found, self.d_gold):.3f}   (target >= 0.90)",
            f"[{mode}] speaker accuracy:       {ratio(right, total):.3f}   (target >= 0.85; {parts})",
            f"[{mode}] direct-quote precision: {ratio(self.n_direct_ok, self.n_direct):.3f}   "
            f"({self.n_direct} direct quotes predicted; {ratio(self.n_direct_any, self.n_direct):.3f} overlap "
            f"some gold attribution, partial quotes inside paraphrases included)",
            f"[{mode}] all attributions, overlap: P {p:.3f} R {r:.3f} F1 {f1:.3f}   ({self.n_pred} predicted)",
        ]


def product_steps(modes: tuple[str, ...]) -> list[Any]:
    """The runtime's annotators for the named components, in pipeline order."""
    from wirewatch.nlp.runtime import PIPELINE

    return [importlib.import_module(f"wirewatch.nlp.{c.module}").annotate
            for c in PIPELINE if c.name in modes]


def run(items: list[tuple[str, str, list[Gold]]], docs: list[Any], modes: list[str], *,
        keep: int = 0) -> tuple[dict[str, Score], dict[str, float]]:
    """Score each mode on parsed docs; also the seconds each mode's components took."""
    from wirewatch.nlp import quotes
    from wirewatch.records import Article

    steps = {"product": product_steps(PRODUCT), "bare": [quotes.annotate]}
    scores = {m: Score() for m in modes}
    secs = {m: 0.0 for m in modes}
    for (name, text, gold), doc in zip(items, docs):
        for mode in modes:
            art = Article(source=name, text=text)
            t0 = time.perf_counter()
            for step in steps[mode]:
                step(doc, art)
            secs[mode] += time.perf_counter() - t0
            scores[mode].add(name, text, gold, art.quotes, keep=keep)
    return scores, secs


def parse(nlp: Any, texts: list[str], *, key: str) -> list[Any]:
    """Parsed docs, from a /tmp DocBin cache when the same texts were parsed by the same model."""
    import hashlib

    from spacy.tokens import DocBin

    digest = hashlib.sha1(("\0".join(texts) + nlp.meta.get("name", "") + nlp.meta.get("version", "")).encode())
    cache = Path("/tmp") / f"wirewatch-quotes-{key}-{digest.hexdigest()[:12]}.docbin"
    if cache.exists():
        return list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    docs = list(nlp.pipe(texts, batch_size=8))
    DocBin(store_user_data=False, docs=docs).to_disk(cache)
    return docs


GUARDIAN_GOLD = Path(__file__).resolve().parent / "data" / "guardian_quotes.json"


def guardian(nlp: Any) -> list[str]:
    """International news: our own gold on Guardian Syria articles (checking half, see the gold file).

    Recall: gold speech quotes overlapped by one of our direct quotes.  Full-name speaker accuracy:
    among found quotes whose gold speaker is named, our speaker equals the full name (case-folded).
    Non-speech: quoted spans that are not speech (scare quotes, terms) that we still report as quotes.
    """
    import csv

    from wirewatch.records import Article

    csv.field_size_limit(1 << 30)
    path = require(DATA / "corpora" / "guardian-syria" / "Guardian_SDF_sample.csv")
    gold = json.loads(GUARDIAN_GOLD.read_text(encoding="utf-8"))["articles"]
    with path.open(encoding="utf-8", newline="") as fh:
        texts = {r[""]: r["text"] for r in csv.DictReader(fh) if r[""] in gold}
    found = total = named = right = fake = n_fake = 0
    wrong: list[str] = []
    for aid, doc in zip(gold, nlp.pipe([texts[a] for a in gold], batch_size=4)):
        art = Article(source=aid, text=texts[aid], url="https://www.theguardian.com/")
        for step in product_steps(PRODUCT):
            step(doc, art)
        direct = [q for q in art.quotes if q.direct]
        for g in gold[aid]["quotes"]:
            total += 1
            hits = [q for q in direct if q.start < g["end"] and g["start"] < q.end]
            found += bool(hits)
            if hits and g["speaker"]:
                named += 1
                ok = any((q.speaker or "").casefold() == g["speaker"].casefold() for q in hits)
                right += ok
                if not ok:
                    wrong.append(f"  {aid}@{g['start']}: gold {g['speaker']!r} ours {hits[0].speaker!r}")
        for g in gold[aid]["not_speech"]:
            n_fake += 1
            fake += any(q.start < g["end"] and g["start"] < q.end for q in direct)
    return [f"Guardian Syria (own gold, {len(gold)} articles, {total} quotes): recall {found / max(1, total):.3f}   "
            f"full-name speaker accuracy {right / max(1, named):.3f} of {named}   "
            f"non-speech quoted spans reported as quotes {fake} of {n_fake}", *wrong]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", type=int, default=0, help="print K misses, false positives, wrong speakers")
    ap.add_argument("--mode", choices=["product", "bare", "both"], default="both")
    ap.add_argument("--split", choices=["dev", "train"], default="dev")
    ap.add_argument("--limit", type=int, default=0, help="first N articles of the split (0: all)")
    ap.add_argument("--half", choices=["tune", "check", "all"], default="all",
                    help="the tuning or checking half of the split (SHA-1 of the file name), or all")
    ap.add_argument("--no-cache", action="store_true", help="parse again instead of reading /tmp")
    ap.add_argument("--guardian", action="store_true", help="score our own Guardian Syria gold instead of PolNeAR")
    args = ap.parse_args()
    from wirewatch.nlp.runtime import load_model

    if args.guardian:
        print("\n".join(guardian(load_model())))
        return
    root = require(DATA / "quotes" / "polnear" / "data" / args.split)

    items = load_items(root, limit=args.limit, half=args.half)
    nlp = load_model()
    t0 = time.perf_counter()
    texts = [t for _, t, _ in items]
    docs = list(nlp.pipe(texts, batch_size=8)) if args.no_cache else parse(nlp, texts, key=args.split)
    parse_secs = time.perf_counter() - t0
    modes = ["product", "bare"] if args.mode == "both" else [args.mode]
    scores, secs = run(items, docs, modes, keep=args.errors)
    n_gold = sum(len(g) for _, _, g in items)
    n_direct = sum(g.direct for _, _, gold in items for g in gold)
    print(f"PolNeAR {args.split} ({args.half}): {len(items)} articles, {n_gold} gold attributions ({n_direct} direct)")
    for mode in modes:
        print("\n".join(scores[mode].report(mode)))
    print(f"anchor: {ANCHOR}")
    cache = "off" if args.no_cache else "on"
    print(f"time: parse {parse_secs:.1f} s (cache {cache}); "
          + "; ".join(f"{m} components {secs[m]:.2f} s" for m in modes))
    for mode in modes:
        for line in scores[mode].errors:
            print(f"  [{mode}] {line}")


if __name__ == "__main__":
    main()
