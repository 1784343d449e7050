"""Geoparsing end to end from raw text on LGL and GeoVirus.

For each gold toponym: was it found (a place mention of ours overlaps its span) and placed within
161 km of the gold point?  Also detection precision/recall of our place mentions against the gold
spans.  Anchor: Mordecai 3, *given gold toponyms*, accuracy within 161 km: LGL 0.827.

Usage: python3 eval/geo.py [--limit N] [--set lgl|geovirus|guardian|both] [--half tune|check|all]

``--set guardian``: our own toponym gold on Guardian Syria articles (international news; labels and
offsets in ``eval/data/guardian_places.json``, all from the checking half).

Tuning and checking halves (issue 13): a document belongs to the *checking* half when the first
byte of the SHA-1 of its key (LGL: its ``docid``; GeoVirus: its ``source`` URL) is odd, else to
the *tuning* half.  Rules are tuned on the tuning half; the checking half is what we report.
"""

from __future__ import annotations

import argparse
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import DATA, require  # noqa: E402

KM = 161.0
ANCHOR = {"lgl": 0.827, "geovirus": None, "guardian": None}


@dataclass
class Gold:
    start: int
    end: int
    lat: float | None
    lon: float | None


def half_of(key: str) -> str:
    """``check`` or ``tune``: the deterministic half of a dev set an item belongs to (odd first SHA-1 byte)."""
    import hashlib

    return "check" if hashlib.sha1(key.encode("utf-8")).digest()[0] & 1 else "tune"


def load_lgl(path: Path, half: str = "all") -> list[tuple[str, list[Gold]]]:
    docs = []
    for art in ET.parse(path).getroot().iter("article"):
        if half != "all" and half_of(art.get("docid") or "") != half:
            continue
        text = art.findtext("text") or ""
        golds = []
        for t in art.iter("toponym"):
            gz = t.find("gaztag")
            lat = lon = None
            if gz is not None and gz.findtext("lat"):
                lat, lon = float(gz.findtext("lat")), float(gz.findtext("lon"))
            golds.append(Gold(int(t.findtext("start")), int(t.findtext("end")), lat, lon))
        docs.append((text, golds))
    return docs


def load_geovirus(path: Path, half: str = "all") -> list[tuple[str, list[Gold]]]:
    docs = []
    for art in ET.parse(path).getroot().iter("article"):
        if half != "all" and half_of(art.findtext("source") or "") != half:
            continue
        text = art.findtext("text") or ""
        golds = []
        for loc in art.iter("location"):
            s, e, name = int(loc.findtext("start")), int(loc.findtext("end")), loc.findtext("name") or ""
            if text[s:e] != name and text[s - 1:e - 1] == name:  # some offsets are one character late
                s, e = s - 1, e - 1
            golds.append(Gold(s, e, float(loc.findtext("lat")), float(loc.findtext("lon"))))
        docs.append((text, golds))
    return docs


def evaluate(docs: list[tuple[str, list[Gold]]]) -> dict[str, float]:
    from wirewatch.nlp import entities, places
    from wirewatch.nlp.gazetteer import get_gazetteer, haversine_km
    from wirewatch.nlp.runtime import load_model

    nlp = load_model()
    gaz = get_gazetteer()
    n_gold = n_geo = found = placed = n_pred = tp_pred = 0
    for (_text, golds), doc in zip(docs, nlp.pipe((t for t, _ in docs), batch_size=32)):
        ents = entities.extract(doc, gaz=gaz)
        dem = [c for e in ents if e.type == "NORP" for c in [gaz.demonym(e.name)] if c]
        pl = places.geocode(ents, gaz=gaz, demonyms=dem, text=doc.text)
        mentions = [(m.start, m.end, p) for p in pl for m in p.mentions]
        n_pred += len(mentions)
        tp_pred += sum(any(s < g.end and g.start < e for g in golds) for s, e, _ in mentions)
        for g in golds:
            n_gold += 1
            hit = [p for s, e, p in mentions if s < g.end and g.start < e]
            if hit:
                found += 1
            if g.lat is None:
                continue
            n_geo += 1
            if hit and hit[0].lat is not None and haversine_km(hit[0].lat, hit[0].lon, g.lat, g.lon) <= KM:
                placed += 1
    return {"docs": len(docs), "gold": n_gold, "gold_with_point": n_geo,
            "found_placed_161km": placed / max(1, n_geo), "recall": found / max(1, n_gold),
            "precision": tp_pred / max(1, n_pred)}


GUARDIAN_GOLD = Path(__file__).resolve().parent / "data" / "guardian_places.json"


def load_guardian(path: Path, half: str = "all") -> list[tuple[str, list[Gold]]]:
    """Our own toponym gold on Guardian Syria articles (international news; checking half only)."""
    import csv
    import json

    csv.field_size_limit(1 << 30)
    gold = json.loads(GUARDIAN_GOLD.read_text(encoding="utf-8"))["articles"]
    with path.open(encoding="utf-8", newline="") as fh:
        texts = {r[""]: r["text"] for r in csv.DictReader(fh) if r[""] in gold}
    return [(texts[a], [Gold(g["start"], g["end"], g["lat"], g["lon"]) for g in gold[a]]) for a in gold]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--set", choices=["lgl", "geovirus", "guardian", "both"], default="both")
    ap.add_argument("--half", choices=["tune", "check", "all"], default="all",
                    help="the tuning or checking half (SHA-1 of the document key), or all")
    args = ap.parse_args()
    sets = {"lgl": (DATA / "geo" / "lgl.xml", load_lgl), "geovirus": (DATA / "geo" / "GeoVirus.xml", load_geovirus),
            "guardian": (DATA / "corpora" / "guardian-syria" / "Guardian_SDF_sample.csv", load_guardian)}
    for name, (path, loader) in sets.items():
        if args.set != name and not (args.set == "both" and name != "guardian"):
            continue
        docs = loader(require(path), args.half)
        if args.limit:
            docs = docs[: args.limit]
        t0 = time.time()
        r = evaluate(docs)
        anchor = ANCHOR[name]
        anchor_s = f"{anchor:.3f} (Mordecai 3, gold toponyms given)" if anchor else "n/a"
        print(f"{name} ({args.half}): docs={r['docs']} gold={r['gold']} (with point {r['gold_with_point']}) "
              f"found+placed<=161km={r['found_placed_161km']:.3f}  detection P={r['precision']:.3f} "
              f"R={r['recall']:.3f}  anchor={anchor_s}  [{time.time() - t0:.0f}s]")


if __name__ == "__main__":
    main()
