"""Generated news corpora for benchmarks: varied, realistic-looking wire stories with page chrome.

Nothing here comes from real articles: sentences are assembled from small hand-written pools, so
corpora of any size can be made offline.  About one story in five gets a syndicated copy with
other chrome and a cut ending, as on real news sites.
"""

from __future__ import annotations

import random
from pathlib import Path

FIRST = ["Amina", "Joseph", "Maria", "Kofi", "Elena", "Tariq", "Grace", "Pavel", "Nadia", "Samuel", "Leila", "Omar",
         "Ingrid", "Chen", "Fatou", "Diego", "Hana", "Viktor", "Rosa", "Yusuf"]
LAST = ["Okafor", "Lindqvist", "Haddad", "Mensah", "Petrova", "Nakamura", "Diallo", "Moreau", "Silva", "Kowalski",
        "Abebe", "Farouk", "Novak", "Osei", "Rahman", "Castillo", "Ibrahim", "Tanaka", "Varga", "Ndiaye"]
ROLES = ["the foreign minister", "a government spokesman", "the army chief", "the opposition leader",
         "the UN envoy", "the interior minister", "a senior aid official", "the mayor", "the police chief"]
PLACES = [("NAIROBI", "Kenya"), ("LAGOS", "Nigeria"), ("BAMAKO", "Mali"), ("KYIV", "Ukraine"), ("BEIRUT", "Lebanon"),
          ("MANILA", "Philippines"), ("LIMA", "Peru"), ("DHAKA", "Bangladesh"), ("KHARTOUM", "Sudan"),
          ("CARACAS", "Venezuela"), ("KABUL", "Afghanistan"), ("ADDIS ABABA", "Ethiopia"), ("DAMASCUS", "Syria")]
TOPICS = [
    ("protesters marched through the capital to demand lower fuel prices", "police fired tear gas"),
    ("floods displaced thousands of families in the north", "aid agencies appealed for emergency funds"),
    ("armed men attacked a military post near the border", "the army said it had regained control"),
    ("the government announced talks with rebel groups", "opposition parties rejected the plan"),
    ("the central bank raised its main interest rate", "economists warned of slower growth"),
    ("a ceasefire collapsed after two weeks of relative calm", "residents fled towards the coast"),
    ("election officials postponed the vote in three regions", "observers called for a clear timetable"),
    ("a drone strike hit a fuel depot outside the city", "officials blamed insurgents for the attack"),
]
WHEN = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "last week", "earlier this month",
        "on March 3", "in August", "at the end of September"]
AGENCIES = ["The Associated Press", "Reuters", "AFP", "The Canadian Press"]
CHROME_TOP = ["Skip to content", "Menu", "Search", "Subscribe", "Sign in"]
CHROME_BOTTOM = ["push icon", "Be the first to read breaking stories. Enable push notifications on your device. "
                 "Disable anytime.", "No thanks", "Share this article", "Advertisement"]


def story(rng: random.Random, i: int) -> dict:
    city, country = rng.choice(PLACES)
    what, then = rng.choice(TOPICS)
    people = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(3)]
    agency = rng.choice(AGENCIES)
    day = rng.randint(1, 28)
    month = rng.randint(1, 12)
    paras = [f"{city} — Officials in {country} said {rng.choice(WHEN)} that {what}, in the latest sign of unrest "
             f"in a country where tensions have risen for months (story {i})."]
    for k in range(rng.randint(5, 9)):
        who = rng.choice(people)
        role = rng.choice(ROLES)
        kind = rng.random()
        if kind < 0.35:
            paras.append(f"“We will not accept this situation, and we will act {rng.choice(WHEN)},” said {who}, "
                         f"{role}, adding that {then} and that more than {rng.randint(2, 900) * 10} people were "
                         f"affected (item {i}-{k}).")
        elif kind < 0.7:
            paras.append(f"{who}, {role}, told reporters {rng.choice(WHEN)} that {then}, while critics said the "
                         f"response had come too late for {rng.randint(2, 90)} villages (item {i}-{k}).")
        else:
            paras.append(f"Witnesses said {rng.choice(WHEN)} that {what}; {then}, and at least "
                         f"{rng.randint(2, 60)} people were reported hurt near {city.title()} (item {i}-{k}).")
    title = f"{country}: {what[0].upper()}{what[1:]}"
    return {"title": title, "paras": paras, "agency": agency, "author": people[0],
            "date": f"2025-{month:02d}-{day:02d}"}


def text_dump(s: dict, *, cut: int | None = None, chrome: int = 0) -> str:
    paras = s["paras"][:cut] if cut else s["paras"]
    month_name = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
                  "Dec."][int(s["date"][5:7]) - 1]
    blocks = CHROME_TOP[chrome % 3:] + [s["title"], *paras,
              f"This report by {s['agency']} was first published {month_name} {int(s['date'][8:])}, "
              f"{s['date'][:4]}.", f"{s['author']}, {s['agency']}"] + CHROME_BOTTOM[chrome % 2:]
    return "\n\n".join(blocks) + "\n"


def write_corpus(folder: Path, n: int, *, seed: int = 7) -> list[Path]:
    """Write ``n`` text-dump files (about 20% syndicated copies) into ``folder``."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths, i = [], 0
    while len(paths) < n:
        s = story(rng, i)
        p = folder / f"{i:06d}.txt"
        p.write_text(text_dump(s), encoding="utf-8")
        paths.append(p)
        if rng.random() < 0.2 and len(paths) < n:
            c = folder / f"{i:06d}-copy.txt"
            c.write_text(text_dump(s, cut=len(s["paras"]) - 2, chrome=1), encoding="utf-8")
            paths.append(c)
        i += 1
    return paths
