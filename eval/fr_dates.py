"""French dates on the French TimeBank: DATE value accuracy given the document date.

The same scoring as ``eval/dates.py`` (a gold DATE timex is right when one of our expressions
overlaps it with the same value; missed = wrong), on ``../shared/data/fr/timebank-fr/*.tml``:
each ``<TEXT>`` is stripped of its tags, parsed by the French model and given to
``wirewatch.nlp.dates.annotate`` with the DCT as ``published``.

The 55 documents are split once, before any tuning, into halves by the first byte of the SHA-1
of the document id: even -> ``tuning`` (rules were written looking at its errors), odd ->
``checking`` (only its figures are reported, never its errors).

    python3 eval/fr_dates.py [--half tuning|checking|all] [--errors K] [--spurious K] [--context]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import DATA, require
from dates import Score, parse_tml, score_doc  # the English eval's reader and scorer

HERE = "French TimeBank (Est Républicain)"
ANCHOR = "HeidelTime on French: value F1 0.74 (all types); target DATE value accuracy >= 0.75"


def half_of(doc_id: str) -> str:
    """'tuning' or 'checking', fixed by the document id."""
    return "tuning" if hashlib.sha1(doc_id.encode("utf-8")).digest()[0] % 2 == 0 else "checking"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--half", choices=("tuning", "checking", "all"), default="checking")
    ap.add_argument("--errors", type=int, default=0, help="print K DATE value errors (tuning half only)")
    ap.add_argument("--spurious", type=int, default=0, help="print K predictions without a gold value")
    ap.add_argument("--context", action="store_true", help="show the text around each printed error")
    args = ap.parse_args()
    root = require(DATA / "fr" / "timebank-fr")
    files = sorted(f for f in root.glob("*.tml") if args.half == "all" or half_of(f.stem) == args.half)
    if args.half != "tuning" and (args.errors or args.spurious):
        ap.error("--errors/--spurious print examples from the tuning half only (use --half tuning)")

    from wirewatch.nlp import dates
    from wirewatch.nlp.runtime import load_model
    from wirewatch.records import Article

    docs = [parse_tml(f.read_text(encoding="utf-8")) for f in files]
    nlp = load_model(lang="fr")
    t0 = time.perf_counter()
    sdocs = list(nlp.pipe([d[0] for d in docs], batch_size=16))
    t_parse = time.perf_counter() - t0
    t1 = time.perf_counter()
    s = Score()
    for (text, dct, gold), sdoc in zip(docs, sdocs):
        art = Article(source="timebank-fr", text=text, published=dct, language="fr")
        dates.annotate(sdoc, art)
        score_doc(s, text, dct, gold, art.dates, errors=args.errors, spurious=args.spurious, context=args.context)
    t_dates = time.perf_counter() - t1
    acc = s.date_right / s.gold_date if s.gold_date else 0.0
    p = s.value_tp / s.pred if s.pred else 0.0
    r = s.value_tp / s.gold_all if s.gold_all else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"{HERE}, half={args.half}: {len(files)} documents, {s.gold_date} gold DATE timexes "
          f"({s.gold_all} TIMEX3 of all types), {s.pred} predicted expressions")
    print(f"DATE value accuracy (missed = wrong): {acc:.3f}")
    print(f"detection: precision {s.pred_overlap / s.pred if s.pred else 0:.3f} (vs any gold TIMEX3), "
          f"recall {s.date_found / s.gold_date if s.gold_date else 0:.3f} (gold DATE)")
    print(f"value P/R/F1 over all timex types (relaxed match): {p:.3f} {r:.3f} {f1:.3f}")
    print(f"anchor: {ANCHOR}")
    print(f"time: parse {t_parse:.1f} s, dates {t_dates:.3f} s")
    for line in s.errors:
        print("  " + line)
    for line in s.spurious:
        print("  spurious: " + line)


if __name__ == "__main__":
    main()
