"""Dates on TBAQ (TimeBank + AQUAINT, TimeML): value accuracy of gold DATE timexes given the DCT.

End to end: each document's ``<TEXT>`` is stripped of its tags (offsets kept), parsed by the
project's spaCy model and given to ``wirewatch.nlp.dates.annotate`` with the document creation
time as ``published``.  A gold DATE timex counts as right when one of our expressions overlaps it
with the same value; a missed one counts as wrong.  Detection P/R: our expressions that overlap
any gold TIMEX3 (any type), and gold DATE timexes that we overlap.

Beside it, the TempEval-3 style value F1 over all timex types (DATE, TIME, DURATION, SET): a
prediction is a true positive when it overlaps a gold TIMEX3 (relaxed match) with the same value;
P = TP / predictions, R = TP / gold timexes.  We only produce DATE-like values, so gold TIME,
DURATION and SET timexes count against recall: that is the figure to set beside HeidelTime/SUTime.

    python3 eval/dates.py [--limit N] [--errors K] [--spurious K] [--cache FILE]

``--cache`` keeps the spaCy parses in a DocBin file so that repeated runs skip parsing.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import DATA, require

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


@dataclass
class Score:
    """Counts of one run; ``errors``/``spurious`` keep printable examples."""

    gold_date: int = 0
    date_right: int = 0
    date_found: int = 0
    pred: int = 0
    pred_overlap: int = 0
    gold_all: int = 0
    value_tp: int = 0
    errors: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)


def parse_tml(raw: str) -> tuple[str, str | None, list[Timex]]:
    """(plain text of <TEXT>, DCT value, TIMEX3 spans in that text)."""
    dct_m = re.search(r"<DCT>.*?value=\"([^\"]+)\"", raw, re.DOTALL)
    dct = dct_m.group(1)[:10] if dct_m else None
    body_m = re.search(r"<TEXT>(.*)</TEXT>", raw, re.DOTALL)
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


def _context(text: str, start: int, end: int, width: int = 60) -> str:
    left = text[max(0, start - width):start].replace("\n", " ")
    right = text[end:end + width].replace("\n", " ")
    return f"...{left}[{text[start:end]}]{right}..."


def score_doc(s: Score, text: str, dct: str | None, gold: list[Timex], preds: list, *,
              errors: int = 0, spurious: int = 0, context: bool = False) -> None:
    """Add one document's counts to ``s``."""
    s.pred += len(preds)
    s.gold_all += len(gold)
    for p in preds:
        over = [g for g in gold if _overlaps(p.start, p.end, g.start, g.end)]
        if over:
            s.pred_overlap += 1
        if any(g.value == p.value for g in over):
            s.value_tp += 1
        elif len(s.spurious) < spurious:
            got = ", ".join(f"{g.text!r}={g.value}({g.type})" for g in over) or "(no gold)"
            ctx = "  " + _context(text, p.start, p.end) if context else ""
            s.spurious.append(f"DCT {dct}  ours {p.text!r}={p.value}  gold {got}{ctx}")
    for g in gold:
        if g.type != "DATE":
            continue
        s.gold_date += 1
        hits = [p for p in preds if _overlaps(p.start, p.end, g.start, g.end)]
        if hits:
            s.date_found += 1
        if any(p.value == g.value for p in hits):
            s.date_right += 1
        elif len(s.errors) < errors:
            got = ", ".join(f"{p.text!r}={p.value}" for p in hits) or "(missed)"
            ctx = "  " + _context(text, g.start, g.end) if context else ""
            s.errors.append(f"DCT {dct}  gold {g.text!r}={g.value}  ours {got}{ctx}")


def report(s: Score, n_docs: int) -> list[str]:
    """The printed figures of a run."""
    acc = s.date_right / s.gold_date if s.gold_date else 0.0
    p = s.value_tp / s.pred if s.pred else 0.0
    r = s.value_tp / s.gold_all if s.gold_all else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return [
        (f"TBAQ: {n_docs} documents, {s.gold_date} gold DATE timexes ({s.gold_all} TIMEX3 of all types), "
         f"{s.pred} predicted expressions"),
        f"DATE value accuracy (missed = wrong): {acc:.3f}   (target >= 0.75)",
        f"value accuracy on detected DATEs:      {s.date_right / s.date_found if s.date_found else 0:.3f}",
        (f"detection: precision {s.pred_overlap / s.pred if s.pred else 0:.3f} (vs any gold TIMEX3), "
         f"recall {s.date_found / s.gold_date if s.gold_date else 0:.3f} (gold DATE)"),
        f"TempEval-3 style value F1, all types (relaxed match): P {p:.3f} R {r:.3f} F1 {f1:.3f}",
        f"anchor: {ANCHOR}",
    ]


def _parses(nlp, texts: list[str], cache: Path | None) -> list:
    """spaCy docs of ``texts``, read from / written to a DocBin ``cache`` when given."""
    from spacy.tokens import DocBin

    if cache is not None and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if [d.text for d in docs] == texts:
            return docs
    docs = list(nlp.pipe(texts, batch_size=16))
    if cache is not None:
        DocBin(store_user_data=False, docs=docs).to_disk(cache)
    return docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents")
    ap.add_argument("--errors", type=int, default=0, help="print K DATE value errors")
    ap.add_argument("--spurious", type=int, default=0, help="print K predictions without a gold value")
    ap.add_argument("--context", action="store_true", help="show the text around each printed error")
    ap.add_argument("--cache", type=Path, default=None, help="DocBin file caching the spaCy parses")
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
    sdocs = _parses(nlp, [d[0] for d in docs], args.cache)
    t_parse = time.perf_counter() - t0
    t1 = time.perf_counter()
    results = []
    for (text, dct, _gold), sdoc in zip(docs, sdocs):
        art = Article(source="tbaq", text=text, published=dct)
        dates.annotate(sdoc, art)
        results.append(art.dates)
    t_dates = time.perf_counter() - t1
    s = Score()
    for (text, dct, gold), preds in zip(docs, results):
        score_doc(s, text, dct, gold, preds, errors=args.errors, spurious=args.spurious, context=args.context)
    for line in report(s, len(files)):
        print(line)
    words = sum(len(d) for d in sdocs)
    cached = " (parses from cache)" if args.cache is not None and t_parse < 10 else ""
    print(f"time: parse {t_parse:.1f} s{cached}, dates {t_dates:.2f} s for {words} tokens")
    for line in s.errors:
        print("  " + line)
    for line in s.spurious:
        print("  spurious: " + line)


if __name__ == "__main__":
    main()
