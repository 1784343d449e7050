"""Dates on TBAQ (TimeBank + AQUAINT, TimeML): value accuracy of gold DATE timexes given the DCT.

End to end: each document's ``<TEXT>`` is stripped of its tags (offsets kept), parsed by the
project's spaCy model and given to ``wirewatch.nlp.dates.annotate`` with the document creation
time as ``published``.  A gold DATE timex counts as right when one of our expressions overlaps it
with the same value; a missed one counts as wrong.  Detection P/R: our expressions that overlap
any gold TIMEX3 (any type), and gold DATE timexes that we overlap.

    python3 eval/dates.py [--limit N] [--errors K]
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import DATA, require  # noqa: E402

ANCHOR = "TempEval-3 value F1 over all timex types: HeidelTime 0.776, SUTime 0.674"
_TOKEN = re.compile(r"<(/?)(\w+)([^>]*)>|([^<]+)")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclass
class Timex:
    start: int
    end: int
    type: str
    value: str
    text: str


def parse_tml(raw: str) -> tuple[str, str | None, list[Timex]]:
    """(plain text of <TEXT>, DCT value, TIMEX3 spans in that text)."""
    dct_m = re.search(r"<DCT>.*?value=\"([^\"]+)\"", raw, re.S)
    dct = dct_m.group(1)[:10] if dct_m else None
    body_m = re.search(r"<TEXT>(.*)</TEXT>", raw, re.S)
    body = body_m.group(1) if body_m else ""
    out: list[str] = []
    pos = 0
    timexes: list[Timex] = []
    open_timex: tuple[int, dict[str, str]] | None = None
    for m in _TOKEN.finditer(body):
        closing, tag, attrs, chunk = m.groups()
        if chunk is not None:
            piece = html.unescape(chunk)
            out.append(piece)
            pos += len(piece)
        elif tag == "TIMEX3" and not closing:
            open_timex = (pos, dict(_ATTR.findall(attrs)))
        elif tag == "TIMEX3" and closing and open_timex is not None:
            start, a = open_timex
            text = "".join(out)[start:pos]
            timexes.append(Timex(start, pos, a.get("type", ""), a.get("value", ""), text))
            open_timex = None
    return "".join(out), dct, timexes


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents")
    ap.add_argument("--errors", type=int, default=0, help="print K value errors")
    args = ap.parse_args()
    root = require(DATA / "dates" / "tbaq-cleaned")
    files = sorted(root.glob("*/*.tml"))
    if args.limit:
        files = files[: args.limit]

    from wirewatch.nlp import dates
    from wirewatch.nlp.runtime import load_model
    from wirewatch.records import Article

    docs = [parse_tml(f.read_text(encoding="utf-8")) for f in files]
    nlp = load_model()
    t0 = time.perf_counter()
    n_gold = n_right = n_found = n_pred = n_pred_ok = n_matched = 0
    words = 0
    errors: list[str] = []
    kinds: Counter[str] = Counter()
    for (text, dct, gold), sdoc in zip(docs, nlp.pipe((d[0] for d in docs), batch_size=16)):
        words += len(sdoc)
        art = Article(source="tbaq", text=text, published=dct)
        dates.annotate(sdoc, art)
        preds = art.dates
        n_pred += len(preds)
        n_pred_ok += sum(any(_overlaps(p.start, p.end, g.start, g.end) for g in gold) for p in preds)
        for g in gold:
            if g.type != "DATE":
                continue
            n_gold += 1
            hits = [p for p in preds if _overlaps(p.start, p.end, g.start, g.end)]
            if hits:
                n_found += 1
                n_matched += 1
            if any(p.value == g.value for p in hits):
                n_right += 1
            elif len(errors) < args.errors:
                got = ", ".join(f"{p.text!r}={p.value}" for p in hits) or "(missed)"
                errors.append(f"DCT {dct}  gold {g.text!r}={g.value}  ours {got}")
                kinds["missed" if not hits else "wrong value"] += 1
    secs = time.perf_counter() - t0
    acc = n_right / n_gold if n_gold else 0.0
    prec = n_pred_ok / n_pred if n_pred else 0.0
    rec = n_found / n_gold if n_gold else 0.0
    print(f"TBAQ: {len(files)} documents, {n_gold} gold DATE timexes, {n_pred} predicted expressions")
    print(f"DATE value accuracy (missed = wrong): {acc:.3f}   (target >= 0.75)")
    print(f"value accuracy on detected DATEs:      {n_right / n_matched if n_matched else 0:.3f}")
    print(f"detection: precision {prec:.3f} (vs any gold TIMEX3), recall {rec:.3f} (gold DATE)")
    print(f"anchor: {ANCHOR}")
    print(f"time: {secs:.1f} s for {words} tokens (parse + dates)")
    for line in errors:
        print("  " + line)


if __name__ == "__main__":
    main()
