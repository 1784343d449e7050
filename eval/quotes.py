"""Quotes on PolNeAR dev: direct-quote recall, speaker accuracy, overlap F1 over all attributions.

Gold: BRAT ``Attribution`` relations (Source, Cue, Content; spans may be discontinuous).  A gold
content is *direct* when it sits in quotation marks (its text starts with a mark, or a mark opens
right before it).  Direct-quote recall: gold direct contents overlapped by one of our direct
quotes.  Speaker accuracy: among those, our speaker mention overlaps the gold source span or our
canonical speaker shares its last word with the gold source text.  Overlap F1: our quotes (direct
and reported) against all gold contents, matched by character overlap.

The whole text (the headline is its first line) goes through the project's spaCy model and then
``wirewatch.nlp.quotes.annotate``; articles carry no entities (the entities component is not run
here, so speakers come from the quotes component's own fallback).

    python3 eval/quotes.py [--errors K]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import DATA, require  # noqa: E402

ANCHOR = "BBC Citron on PARC 3.0: source F1 0.82, all quote spans overlap F1 0.83"
OPENING = "\"“‘"


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


def load_ann(path: Path, text: str) -> list[Gold]:
    """Attribution relations of one BRAT file (Content required; Source optional)."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    relations: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
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
        a, b = g.content[0]
        first = text[a:b].lstrip()[:1]
        before = text[max(0, a - 2):a].strip()[-1:]
        g.direct = bool(first and first in OPENING) or bool(before and before in OPENING)
        out.append(g)
    return out


def _overlap(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(s < b and a < e for s, e in spans)


def _same_person(ours: str | None, gold: str) -> bool:
    if not ours or not gold:
        return False
    o, g = ours.split(), gold.split()
    return o[-1].strip(".,’'s").lower() == g[-1].strip(".,’'s").lower()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", type=int, default=0, help="print K missed or mis-attributed direct quotes")
    args = ap.parse_args()
    root = require(DATA / "quotes" / "polnear" / "data" / "dev")
    from wirewatch.nlp import quotes
    from wirewatch.nlp.runtime import load_model
    from wirewatch.records import Article

    items = []
    for txt in sorted((root / "text").glob("*.txt")):
        anns = sorted((root / "attributions").glob(txt.stem + "_*.ann"))
        if anns:  # several annotators on a few articles: take the first
            text = txt.read_text(encoding="utf-8")
            items.append((txt.stem, text, load_ann(anns[0], text)))
    nlp = load_model()
    t0 = time.perf_counter()
    d_gold = d_found = d_spk = d_spk_n = 0
    a_gold = a_found = n_pred = n_pred_ok = n_direct_pred = n_direct_ok = 0
    errors: list[str] = []
    for (name, text, gold), doc in zip(items, nlp.pipe((t for _, t, _ in items), batch_size=8)):
        art = Article(source=name, text=text)
        quotes.annotate(doc, art)
        preds = art.quotes
        all_content = [s for g in gold for s in g.content]
        n_pred += len(preds)
        n_pred_ok += sum(_overlap(all_content, q.start, q.end) for q in preds)
        direct_content = [s for g in gold if g.direct for s in g.content]
        n_direct_pred += sum(q.direct for q in preds)
        n_direct_ok += sum(q.direct and _overlap(direct_content, q.start, q.end) for q in preds)
        for g in gold:
            a_gold += 1
            hits = [q for q in preds if _overlap(g.content, q.start, q.end)]
            a_found += bool(hits)
            if not g.direct:
                continue
            d_gold += 1
            dhits = [q for q in hits if q.direct]
            if not dhits:
                if len(errors) < args.errors:
                    a, b = g.content[0]
                    errors.append(f"MISS {name}: {text[a:b][:90]!r}")
                continue
            d_found += 1
            if not g.source:
                continue
            d_spk_n += 1
            q = dhits[0]
            ok = any((q.speaker_mention and _overlap(g.source, q.speaker_mention.start, q.speaker_mention.end))
                     or _same_person(q.speaker, g.source_text) for q in dhits)
            d_spk += ok
            if not ok and len(errors) < args.errors:
                errors.append(f"SPK  {name}: gold {g.source_text!r} ours {q.speaker!r} "
                              f"({q.speaker_mention.text if q.speaker_mention else None!r}) cue {q.cue!r}: {q.text[:60]!r}")
    secs = time.perf_counter() - t0
    rec = d_found / d_gold if d_gold else 0.0
    spk = d_spk / d_spk_n if d_spk_n else 0.0
    p = n_pred_ok / n_pred if n_pred else 0.0
    r = a_found / a_gold if a_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"PolNeAR dev: {len(items)} articles, {a_gold} gold attributions ({d_gold} direct), {n_pred} predicted")
    print(f"direct-quote recall:   {rec:.3f}   (target >= 0.90)")
    print(f"speaker accuracy:      {spk:.3f}   (target >= 0.85; {d_spk_n} found direct quotes with a gold source)")
    print(f"direct-quote precision (our direct quotes overlapping a gold direct content): "
          f"{n_direct_ok / n_direct_pred if n_direct_pred else 0:.3f}")
    print(f"all attributions, overlap: P {p:.3f} R {r:.3f} F1 {f1:.3f}")
    print(f"anchor: {ANCHOR}")
    print(f"time: {secs:.1f} s (parse + quotes)")
    for line in errors:
        print("  " + line)


if __name__ == "__main__":
    main()
