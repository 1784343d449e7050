"""Shared helpers of the web app tests: fictional articles, a store, a live uvicorn server.

(Kept in a ``test_serve*`` module so the serve tests own it; it holds no tests itself.  The
writer subprocesses of the concurrency tests import it too, so uvicorn and httpx are imported
only where used: a subprocess starts in a fraction of the time.)
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from wirewatch.records import Actor, Article, DateExpr, Entity, Event, Mention, Place, Quote
from wirewatch.store import Batch, Store

HOSTILE_TITLE = 'Ceasefire talks <script>window.__pwned=1;alert("t")</script> resume'
HOSTILE_TEXT = (
    "KORVANA, Estavia (Northwire) — General Mira Talven said on Tuesday that \"the road to "
    "<script>window.__pwned=2;alert('q')</script> Port Adel is open\" after two days of fighting.\n\n"
    "Residents of Port Adel said <img src=x onerror=\"window.__pwned=3;alert('i')\"> shelling had stopped "
    "by Wednesday, and the Estavian Relief Council sent trucks.\n\n"
    "<a href=\"javascript:alert('a')\">details</a> were not given."
)


def _span(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def hostile_article() -> Article:
    """A fictional wire story whose title and text carry script, handlers and a javascript: link."""
    t = HOSTILE_TEXT
    s_gen, e_gen = _span(t, "Mira Talven")
    s_q = t.index("the road to")
    e_q = t.index(" is open") + len(" is open")
    s_tue, e_tue = _span(t, "Tuesday")
    s_wed, e_wed = _span(t, "Wednesday")
    s_port, e_port = _span(t, "Port Adel", 1)
    s_kor, e_kor = _span(t, "KORVANA")
    s_org, e_org = _span(t, "Estavian Relief Council")
    return Article(
        source="fixtures/korvana-1.html", text=t, title=HOSTILE_TITLE, url="javascript:alert('url')",
        published="2031-03-04", agency="Northwire", dateline="KORVANA", language="en", authors=["Ana <b>Bold</b>"],
        entities=[Entity("Mira Talven", "PERSON", ["General"], [Mention("Mira Talven", s_gen, e_gen)]),
                  Entity("Estavian Relief Council <script>x</script>", "ORG", [], [Mention("Estavian Relief Council",
                                                                                         s_org, e_org)])],
        quotes=[Quote(t[s_q:e_q], s_q, e_q, speaker="Mira Talven", speaker_mention=Mention("Mira Talven", s_gen, e_gen),
                      cue="said")],
        dates=[DateExpr("Tuesday", "2031-03-04", s_tue, e_tue), DateExpr("Wednesday", "2031-03-05", s_wed, e_wed)],
        places=[Place("Korvana", "EV", 41.5, 12.25, 900001, [Mention("KORVANA", s_kor, e_kor)]),
                Place("Port Adel", "EV", 40.75, 13.5, 900002, [Mention("Port Adel", s_port, e_port)])],
        events=[Event("ARMED_CLASH", "FIGHT", Actor("Estavia army", "EV", "MIL"), None, "2031-03-02", "text",
                      "Port Adel", "after two days of fighting.", t.index("after two"), t.index("after two") + 26)],
    )


def plain_article(i: int, *, place: str = "Lumeria", day: int = 1, words: str = "") -> Article:
    """A small fictional story number ``i`` (distinct bodies, so each is its own story)."""
    text = (f"LUMERIA CITY (Northwire) — Story {i}: the harbour council of {place} voted on measure {i * 7919} "
            f"about fishing quotas and port fees, officials said. {words}\n\n"
            f"The vote number {i} followed weeks of debate on quota {i * 31} and tariff {i * 17}.")
    s, e = _span(text, place)
    return Article(source=f"fixtures/plain-{i}.txt", text=text, title=f"Harbour vote {i} in {place}",
                   published=f"2031-04-{day:02d}", agency="Northwire", language="en",
                   places=[Place(place, "LU", 10.0 + i % 5, 20.0 + i % 7, 910000 + i, [Mention(place, s, e)])])


def syndicated_copy(article: Article, source: str) -> Article:
    """The same story re-posted elsewhere with a new headline and a trimmed ending."""
    text = article.text.rsplit("\n\n", 1)[0]
    return Article(source=source, text=text, title=f"{article.title} (update)", published=article.published,
                   agency=article.agency)


def write_articles(path: str | Path, articles: list[Article]) -> Store:
    """Write ``articles`` into the store at ``path`` (creating it) and close it."""
    with Store(path) as store:
        dd = store.load_deduper()
        store.write_batch(Batch(articles=[(a, dd.judge(a)) for a in articles]))
        store.rebuild_search_index()
    return store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def live_server(app, *, timeout: float = 20.0) -> Iterator[str]:
    """Run ``app`` with uvicorn on 127.0.0.1 (a free port) in a thread; yield its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=timeout)


def html_client(base: str):
    import httpx

    return httpx.Client(base_url=base, headers={"accept": "text/html"}, timeout=30)
