"""Benchmark: a situation report over a generated 10k-article store must take < 2 s.

The store is synthetic but shaped like real coverage: ~4,000 stories over six months in 24
countries, each story with 1–6 copies (syndication), 2–4 events drawn from per-country pools
(so one event is reported by several stories), quotes by recurring officials, places with
coordinates, and entities with roles.  Generation is not timed.  Timed: ``build_report`` plus
rendering, for md, html and json, on a country, an actor and a topic query; the median of
``--runs`` runs is printed, plus one cold run of the CLI in a fresh process.

    python3 bench/bench_report.py [--articles 10000] [--runs 5] [--db FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from wirewatch.dedup import Deduper
from wirewatch.records import Actor, Article, Entity, Event, Mention, Place, Quote
from wirewatch.report import build_report, render
from wirewatch.store import Batch, Store

# name, ISO2, demonym, [(city, lat, lon)]
COUNTRIES = [
    ("Mali", "ML", "Malian", [("Bamako", 12.65, -8.0), ("Gao", 16.27, -0.04), ("Mopti", 14.49, -4.2)]),
    ("Niger", "NE", "Nigerien", [("Niamey", 13.51, 2.11), ("Agadez", 16.97, 7.99)]),
    ("Chad", "TD", "Chadian", [("N'Djamena", 12.11, 15.04), ("Abeche", 13.83, 20.83)]),
    ("Sudan", "SD", "Sudanese", [("Khartoum", 15.55, 32.53), ("El Fasher", 13.63, 25.35)]),
    ("Syria", "SY", "Syrian", [("Damascus", 33.51, 36.29), ("Aleppo", 36.2, 37.16), ("Idlib", 35.93, 36.63)]),
    ("Ukraine", "UA", "Ukrainian", [("Kyiv", 50.45, 30.52), ("Kharkiv", 49.99, 36.23), ("Odesa", 46.48, 30.73)]),
    ("Yemen", "YE", "Yemeni", [("Sanaa", 15.35, 44.21), ("Aden", 12.78, 45.04)]),
    ("Ethiopia", "ET", "Ethiopian", [("Addis Ababa", 9.03, 38.74), ("Mekelle", 13.5, 39.47)]),
    ("Somalia", "SO", "Somali", [("Mogadishu", 2.04, 45.34), ("Kismayo", -0.36, 42.55)]),
    ("Nigeria", "NG", "Nigerian", [("Abuja", 9.06, 7.5), ("Maiduguri", 11.85, 13.16), ("Lagos", 6.45, 3.4)]),
    ("Burkina Faso", "BF", "Burkinabe", [("Ouagadougou", 12.37, -1.52), ("Djibo", 14.1, -1.63)]),
    ("Myanmar", "MM", "Burmese", [("Naypyidaw", 19.75, 96.13), ("Yangon", 16.87, 96.2)]),
    ("Haiti", "HT", "Haitian", [("Port-au-Prince", 18.54, -72.34)]),
    ("Venezuela", "VE", "Venezuelan", [("Caracas", 10.49, -66.88), ("Maracaibo", 10.63, -71.64)]),
    ("Colombia", "CO", "Colombian", [("Bogota", 4.61, -74.08), ("Cali", 3.44, -76.52)]),
    ("Afghanistan", "AF", "Afghan", [("Kabul", 34.53, 69.17), ("Kandahar", 31.61, 65.71)]),
    ("Lebanon", "LB", "Lebanese", [("Beirut", 33.89, 35.5), ("Tyre", 33.27, 35.2)]),
    ("Libya", "LY", "Libyan", [("Tripoli", 32.89, 13.19), ("Benghazi", 32.12, 20.07)]),
    ("Mozambique", "MZ", "Mozambican", [("Maputo", -25.97, 32.57), ("Pemba", -12.97, 40.52)]),
    ("Peru", "PE", "Peruvian", [("Lima", -12.04, -77.03), ("Cusco", -13.53, -71.97)]),
    ("Bangladesh", "BD", "Bangladeshi", [("Dhaka", 23.71, 90.41), ("Chittagong", 22.34, 91.83)]),
    ("Pakistan", "PK", "Pakistani", [("Islamabad", 33.72, 73.04), ("Peshawar", 34.01, 71.58)]),
    ("Iraq", "IQ", "Iraqi", [("Baghdad", 33.34, 44.4), ("Mosul", 36.34, 43.13)]),
    ("Armenia", "AM", "Armenian", [("Yerevan", 40.18, 44.51)]),
]
OUTSIDERS = [("United Nations", None, "IGO"), ("African Union", None, "IGO"), ("European Union", None, "IGO"),
             ("France", "FR", "GOV"), ("United States", "US", "GOV"), ("Russia", "RU", "GOV"),
             ("ECOWAS", None, "IGO"), ("Red Cross", None, "NGO"), ("China", "CN", "GOV"), ("Turkey", "TR", "GOV")]
KINDS = [("ARMED_CLASH", "FIGHT", "clashed with"), ("ATTACK", "ASSAULT", "attacked"),
         ("AIR_DRONE_STRIKE", "FIGHT", "struck positions of"), ("PEACEFUL_PROTEST", "PROTEST", "protested against"),
         ("DIPLO", "REQUEST", "called on"), ("DIPLO", "ACCUSE", "accused"), ("DIPLO", "REJECT", "rejected a plan by"),
         ("DIPLO", "CONSULT", "held talks with"), ("DIPLO", "AGREE", "agreed a truce with"),
         ("DIPLO", "SUPPORT", "backed"), ("DIPLO", "AID", "sent aid to"), ("DIPLO", "THREATEN", "threatened"),
         ("ARREST", "COERCE", "arrested members of"), ("NATURAL_DISASTER", None, "was hit by floods near")]
FIRST = ["Amina", "Joseph", "Maria", "Kofi", "Elena", "Tariq", "Grace", "Pavel", "Nadia", "Samuel", "Leila", "Omar",
         "Ingrid", "Chen", "Fatou", "Diego", "Hana", "Viktor", "Rosa", "Yusuf", "Ibrahim", "Aisha", "Moussa", "Olga"]
LAST = ["Okafor", "Lindqvist", "Haddad", "Mensah", "Petrova", "Nakamura", "Diallo", "Moreau", "Silva", "Kowalski",
        "Abebe", "Farouk", "Novak", "Osei", "Rahman", "Castillo", "Ibrahim", "Tanaka", "Varga", "Ndiaye", "Traore"]
ROLES = ["foreign minister", "government spokesman", "army chief", "opposition leader", "UN envoy",
         "interior minister", "aid official", "rebel commander", "president", "prime minister"]
AGENCIES = ["AP", "Reuters", "AFP", "The Canadian Press", "Al Jazeera", "BBC"]
WORDS = ["officials", "said", "the", "situation", "remained", "tense", "as", "residents", "waited", "for", "news",
         "from", "the", "region", "while", "aid", "groups", "warned", "that", "supplies", "were", "running", "low",
         "and", "roads", "were", "blocked", "by", "checkpoints", "and", "flooding"]
DAY0 = 19724  # 2024-01-01 as days since the epoch


def _day(offset: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime((DAY0 + offset) * 86400))


class World:
    """Recurring actors, people and event pools per country, so stories share events and speakers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.people = {c[1]: [(f"{rng.choice(FIRST)} {rng.choice(LAST)}", rng.choice(ROLES)) for _ in range(8)]
                       for c in COUNTRIES}
        self.pools: dict[str, list[Event]] = {c[1]: [self._event(c, k) for k in range(40)] for c in COUNTRIES}

    def _actor(self, country: tuple) -> Actor:
        name, code, dem, _ = country
        r = self.rng.random()
        if r < 0.3:
            return Actor(f"{dem} army", code, "MIL")
        if r < 0.5:
            return Actor(name, code, "GOV")
        if r < 0.65:
            return Actor(f"{dem} rebels", code, "REB")
        if r < 0.75:
            return Actor(f"{dem} protesters", code, "CVL")
        out = self.rng.choice(OUTSIDERS)
        return Actor(out[0], out[1], out[2])

    def _event(self, country: tuple, k: int) -> Event:
        typ, plover, verb = self.rng.choice(KINDS)
        src, tgt = self._actor(country), self._actor(country)
        city = self.rng.choice(country[3])[0]
        day = self.rng.randint(0, 180)
        text = f"{src.name} {verb} {tgt.name} near {city} ({k})."
        basis = "text" if self.rng.random() < 0.8 else "published"
        return Event(typ, plover, src, tgt, _day(day), basis, city, text, 0, len(text))


def make_story(world: World, i: int) -> list[Article]:
    rng = world.rng
    country = rng.choice(COUNTRIES[:8] if rng.random() < 0.5 else COUNTRIES)
    name, code, dem, cities = country
    events = rng.sample(world.pools[code], rng.randint(1, 4)) if rng.random() < 0.9 else []
    published = max((e.date for e in events), default=_day(rng.randint(0, 180)))
    people = rng.sample(world.people[code], 3)
    paras = [f"{cities[0][0].upper()}, {name} — " + " ".join(e.text for e in events) + f" (story {i})"]
    for _ in range(rng.randint(3, 7)):
        paras.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 45))).capitalize() + ".")
    quotes, entities = [], []
    for person, role in people:
        q = f"{' '.join(rng.choice(WORDS) for _ in range(10)).capitalize()}, {person} said."
        start = sum(len(p) + 2 for p in paras)
        paras.append(f"\"{q}\"")
        quotes.append(Quote(q, start + 1, start + 1 + len(q), speaker=person, cue="said"))
        entities.append(Entity(person, "PERSON", [role], [Mention(person, start, start + len(person))]))
    entities.append(Entity(dem, "NORP", [], [Mention(dem, 0, len(dem))]))
    entities += [Entity(e.source.name, "ORG" if e.source.sector != "GOV" else "GPE", [], [Mention(e.source.name, 0, 1)])
                 for e in events if e.source]
    places = [Place(c, code, lat, lon, kind="city", mentions=[Mention(c, 0, len(c))])
              for c, lat, lon in rng.sample(cities, min(len(cities), rng.randint(1, 3)))]
    places.append(Place(name, code, None, None, kind="country", mentions=[Mention(name, 0, len(name))]))
    body = "\n\n".join(paras)
    title = f"{events[0].text[:-4] if events else 'Tension rises'} in {name}"
    copies = []
    for c in range(rng.choice([1, 1, 1, 2, 2, 3, 4, 6])):
        agency = rng.choice(AGENCIES)
        text = body if c == 0 else body + f"\n\nThis copy was published by {agency} ({c})."
        copies.append(Article(
            source=f"https://{agency.replace(' ', '').lower()}.example/{i}-{c}", text=text,
            url=f"https://{agency.replace(' ', '').lower()}.example/{i}-{c}", title=title, agency=agency,
            published=published, language="en", entities=entities, quotes=quotes, places=places,
            events=[Event(**{f: getattr(e, f) for f in e.__slots__}) for e in events]))
    return copies


def _fallback_event_key(ev: Event) -> str:
    parts = (ev.type, ev.plover, ev.source.name if ev.source else None, ev.target.name if ev.target else None,
             ev.date, ev.place, ev.text)
    return hashlib.blake2b(repr(parts).encode(), digest_size=10).hexdigest()


def generate(path: Path, n_articles: int, *, seed: int = 11) -> int:
    from wirewatch.nlp import events as nlp_events

    if not hasattr(nlp_events, "event_key"):  # until the events component defines it
        nlp_events.event_key = _fallback_event_key
    world = World(random.Random(seed))
    dd = Deduper()
    n, i = 0, 0
    with Store(path) as store:
        while n < n_articles:
            items = []
            while len(items) < 500 and n < n_articles:
                for a in make_story(world, i)[: n_articles - n]:
                    items.append((a, dd.judge(a)))
                    n += 1
                i += 1
            store.write_batch(Batch(articles=items))
        run = store.begin_ingest()
        store.finish_ingest(run, {"seen": 0, "stored": 0, "duplicates": 0, "rejected": 0})
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--db", type=Path, default=None)
    args = ap.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="ww-bench-report-")) / "bench.duckdb"
    if not db.exists():
        t0 = time.perf_counter()
        n = generate(db, args.articles)
        print(f"generated {n} articles in {time.perf_counter() - t0:.1f} s (not timed): {db}")
    with Store(db, read_only=True) as store:
        c = store.con.execute("SELECT count(*), count(DISTINCT story_id) FROM articles").fetchone()
        e = store.con.execute("SELECT count(*), (SELECT count(*) FROM event_reports) FROM events").fetchone()
        print(f"store: {c[0]} articles, {c[1]} stories, {e[0]} events, {e[1]} event reports")
        build_report(store.con, "Mali")  # warm caches (country table, map shapes) once
        worst = 0.0
        for query in ("Mali", "Ukrainian", "African Union", "checkpoints"):
            for fmt in ("md", "html", "json"):
                times, size = [], 0
                for _ in range(args.runs):
                    t0 = time.perf_counter()
                    rep = build_report(store.con, query)
                    size = len(render(rep, fmt))
                    times.append(time.perf_counter() - t0)
                med = statistics.median(times)
                worst = max(worst, med)
                print(f"report {query!r:16} {fmt:4}: median {med * 1000:7.1f} ms over {args.runs} runs "
                      f"({rep.counts['stories']} stories, {rep.counts['events']} events, {size / 1024:.0f} KiB)")
    env = dict(os.environ)
    t0 = time.perf_counter()
    cli = "import wirewatch.cli.report; from wirewatch.cli._app import main; main()"
    subprocess.run([sys.executable, "-c", cli, "report", "Mali", "--db", str(db), "--format", "html",
                    "--out", os.devnull], check=True, env=env, capture_output=True)
    cold = time.perf_counter() - t0
    print(f"cold CLI run (fresh process, imports included): {cold:.2f} s")
    print(f"slowest median: {worst:.3f} s -> {'PASS' if worst < 2.0 else 'FAIL'} (< 2 s)")


if __name__ == "__main__":
    main()
