"""Watches and delivery with real parts: a webhook receiver, a push-service stand-in whose pushes
the test decrypts with the browser's keys, and a local SMTP server."""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import pytest

from wirewatch.alerts import (RetryPolicy, SmtpSettings, add_watch, deliver_pending, list_watches, notify,
                              on_commit_hook, parse_query, remove_watch, subscribe, unsubscribe, vapid_public_key,
                              verify_webhook)
from wirewatch.alerts.testing import Browser, Receiver
from wirewatch.alerts.watches import Facts, match
from wirewatch.errors import UsageError
from wirewatch.records import Actor, Article, Entity, Event, Mention, Place
from wirewatch.store import Batch, Store
from wirewatch.store import watches as sql
from wirewatch.store.db import now

FAST = RetryPolicy(attempts=3, backoff=0.05, factor=2.0, timeout=3.0)

BODY = (
    "BAMAKO, Mali (Wirewire) — Soldiers of the transitional army of Mali said on Tuesday they had retaken "
    "the river town of Kessoumba after two days of fighting with an armed group that had held it since March.\n\n"
    "Colonel Adama Tiemoko Sissako, a spokesman for the army, told reporters in the capital that the town "
    "market had reopened and that families who fled to the regional centre were beginning to return by boat.\n\n"
    "\"The situation is calm and under control,\" Sissako said, adding that engineers were clearing the roads "
    "leading north towards the desert plateau where the fighters had withdrawn.\n\n"
    "Aid groups working along the river said they could not yet confirm the number of people displaced by the "
    "clashes, which began when the group attacked an army post on the edge of the town at dawn on Sunday."
)


def article(source: str, *, body: str = BODY, title: str = "Mali army says it retook river town",
            url: str | None = None) -> Article:
    """A fictional wire story with its extracted items written by hand (no NLP needed)."""
    a = Article(source=source, text=body, title=title, url=url or f"https://news.example.org/{source}",
                published="2031-04-08", agency="Wirewire")
    i = body.index("Mali")
    a.entities = [Entity(name="Mali", type="GPE", mentions=[Mention("Mali", i, i + 4)]),
                  Entity(name="Adama Tiemoko Sissako", type="PERSON", roles=["Colonel"])]
    a.places = [Place(name="Mali", country="ML", lat=17.0, lon=-4.0, mentions=[Mention("Mali", i, i + 4)]),
                Place(name="Bamako", country="ML", lat=12.6, lon=-8.0)]
    a.events = [Event(type="ARMED_CLASH", plover="FIGHT", source=Actor("army", "ML", "MIL"), target=None,
                      date="2031-04-06", date_basis="text", place="Kessoumba", text="two days of fighting",
                      start=0, end=10)]
    return a


def other_story(source: str) -> Article:
    body = ("The central bank of Norland kept its main lending rate unchanged on Thursday, saying inflation had "
            "eased for a third month while wages in the northern provinces kept rising faster than prices. "
            "Analysts polled before the meeting had expected the pause and markets barely moved.")
    return Article(source=source, text=body, title="Norland central bank holds rates", published="2031-04-08")


def commit(store: Store, *articles: Article) -> list[Article]:
    """Write ``articles`` as ``ingest`` does (dedup verdicts from the store) and return them."""
    dd = store.load_deduper()
    items = []
    for a in articles:
        v = dd.judge(a)
        a.story_id = v.story_id
        if not v.duplicate:
            items.append((a, v))
    store.write_batch(Batch(articles=items))
    return [a for a, _ in items]


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "alerts.duckdb") as s:
        yield s


@pytest.fixture()
def receiver():
    with Receiver() as r:
        yield r


# -- queries -----------------------------------------------------------------------------------
def test_query_matches_entities_places_events_and_whole_words():
    facts = Facts.of(article("a"))
    assert match(parse_query("Mali"), facts).where["Mali"] == ["entity:Mali", "place:Mali", "title", "text"]
    assert match(parse_query("Sissako"), facts).where["Sissako"][0] == "entity:Adama Tiemoko Sissako"
    assert match(parse_query("event:armed clash"), facts) is None  # a scoped term is one token or quoted
    assert match(parse_query('event:"armed clash"'), facts).where == {"armed clash": ["event:ARMED_CLASH"]}
    assert match(parse_query("fight"), facts).where["fight"] == ["event:FIGHT"]
    assert match(parse_query("place:ML"), facts) is not None
    assert match(parse_query("Somalia"), facts) is None
    assert match(parse_query("Malian"), facts) is None
    assert match(parse_query("entity:Kessoumba"), facts) is None  # only in the text
    assert match(parse_query("kw:Kessoumba"), facts) is not None
    assert match(parse_query("Niger OR Kessoumba"), facts).terms == ["Kessoumba"]
    assert match(parse_query("Mali AND Niger"), facts) is None
    assert match(parse_query("Mali displaced"), facts).terms == ["Mali", "displaced"]
    with pytest.raises(UsageError):
        parse_query("  ,  ")


# -- administration ----------------------------------------------------------------------------
def test_watch_admin_and_endpoint_validation(store, receiver):
    w = add_watch(store, "Mali", name="sahel")
    assert add_watch(store, "Mali", name="sahel").id == w.id  # idempotent
    with pytest.raises(UsageError):
        add_watch(store, "Niger", name="sahel")
    with pytest.raises(UsageError):
        add_watch(store, "Mali", name="x", digest="weekly")
    with pytest.raises(UsageError, match="non-public"):
        subscribe(store, "sahel", webhook=receiver.url + "/hook", secret="s")  # loopback needs allow_private
    with pytest.raises(UsageError, match="http"):
        subscribe(store, "sahel", webhook="file:///etc/passwd", allow_private=True)
    with pytest.raises(UsageError):
        subscribe(store, "sahel", push_subscription={"endpoint": receiver.url + "/p", "keys": {"p256dh": "AAAA",
                                                                                            "auth": "AAAA"}},
                  allow_private=True)
    with pytest.raises(UsageError):
        subscribe(store, "sahel", email="not an address")
    with pytest.raises(UsageError):
        subscribe(store, "nope", email="desk@example.org")
    hook = subscribe(store, "sahel", webhook=receiver.url + "/hook", allow_private=True)
    assert hook.secret and len(hook.token) >= 24  # a secret is generated when none is given
    again = subscribe(store, w.id, webhook=receiver.url + "/hook", secret="new", allow_private=True)
    assert again.id == hook.id and again.token == hook.token and again.secret == "new"
    [listed] = list_watches(store.con)
    assert listed.name == "sahel" and [s.kind for s in listed.subscribers] == ["webhook"]
    assert "secret" not in json.dumps(listed.to_dict())
    assert remove_watch(store, "sahel") and not remove_watch(store, "sahel")
    assert list_watches(store.con) == []


def test_vapid_key_made_once_and_kept(store, tmp_path):
    key = vapid_public_key(store)
    assert len(key) == 87 and vapid_public_key(store) == key  # 65-byte point, base64url
    folder = tmp_path / "keys"
    assert vapid_public_key(folder) == vapid_public_key(folder) != key


def test_push_encryption_interoperates_with_pywebpush_and_http_ece(store):
    from pywebpush import WebPusher

    from wirewatch.alerts.webpush import PushSender, Receiver as Keys, encrypt, load_vapid

    browser = Browser(endpoint="https://push.example.org/x")
    sub = browser.subscription()
    data = json.dumps({"title": "Mali army says it retook river town", "é": "ü"}).encode()
    ours = encrypt(Keys.of(sub["keys"]["p256dh"], sub["keys"]["auth"]), data)
    theirs = WebPusher(sub).encode(data, content_encoding="aes128gcm")["body"]
    assert browser.decrypt(ours) == browser.decrypt(theirs) == data
    assert ours[16:21] == theirs[16:21] == b"\x00\x00\x10\x00\x41"  # record size 4096, 65-byte key id
    assert len(ours) == len(theirs) and ours[:16] != theirs[:16]  # fresh salt per message
    row = {"id": "s1", "target": sub["endpoint"], "p256dh": sub["keys"]["p256dh"], "auth": sub["keys"]["auth"]}
    slow = PushSender(load_vapid(store), encoder="pywebpush")
    assert browser.decrypt(slow.encrypt(row, data)) == data


# -- the must-hold -----------------------------------------------------------------------------
def test_story_sends_one_signed_webhook_and_one_decryptable_push_and_copies_send_nothing(store, receiver):
    add_watch(store, "Mali")
    subscribe(store, "Mali", webhook=receiver.url + "/hook", secret="topsecret", allow_private=True)
    browser = Browser(endpoint=receiver.url + "/push/abc")
    subscribe(store, "Mali", push_subscription=browser.subscription(), allow_private=True)
    hook = on_commit_hook(store, allow_private=False, policy=FAST)

    hook(commit(store, article("wire/mali-1.txt"), other_story("wire/bank.txt")))
    [wh] = receiver.at("/hook")
    assert verify_webhook(wh.body, "topsecret", wh.headers["x-wirewatch-signature"])
    assert not verify_webhook(wh.body + b" ", "topsecret", wh.headers["x-wirewatch-signature"])
    sent = json.loads(wh.body)
    story = sent["story_id"]
    assert sent["title"] == "Mali army says it retook river town" and sent["link"] == f"/stories/{story}"
    assert sent["matched"] == ["Mali"] and sent["url"] == "https://news.example.org/wire/mali-1.txt"
    [push] = receiver.at("/push/abc")
    assert push.headers["content-encoding"] == "aes128gcm" and push.headers["authorization"].startswith("vapid ")
    assert vapid_public_key(store) in push.headers["authorization"]
    pushed = json.loads(browser.decrypt(push.body))
    assert pushed["story_id"] == story and pushed["title"] == sent["title"]

    # a syndicated copy (other source, headline and ending) of the same story: nothing more
    copy = article("syndicated/mali.html", title="Army retakes town in central Mali",
                   body=BODY.replace("at dawn on Sunday.", "early on Sunday, residents said."))
    [stored] = commit(store, copy)
    assert stored.story_id == story
    hook([stored])
    assert len(receiver.received) == 2
    assert [d["status"] for d in sql.deliveries(store.con)] == ["sent", "sent"]


# -- reliability -------------------------------------------------------------------------------
def test_failing_webhook_is_retried_then_dead_lettered_without_delaying_others(store, receiver):
    add_watch(store, "Mali")
    for path in ("/down", "/hang", "/up"):
        subscribe(store, "Mali", webhook=receiver.url + path, secret="s", allow_private=True)
    receiver.answer("/down", 503)
    receiver.delays["/hang"] = 1.5  # longer than the timeout: every attempt times out
    policy = RetryPolicy(attempts=3, backoff=0.3, factor=2.0, timeout=0.4)
    keys = notify(store, commit(store, article("a.txt")))
    assert len(keys) == 3
    report = deliver_pending(store, policy=policy, allow_private=True)
    assert len(receiver.at("/down")) == policy.attempts and len(receiver.at("/up")) == 1
    up, down = receiver.at("/up")[0], receiver.at("/down")
    hang = receiver.at("/hang")[0]
    # the good endpoint is served before the failing one's first retry and the hanging one's first timeout
    assert up.at < down[1].at and up.at < hang.at + policy.timeout
    assert down[1].at - down[0].at >= policy.backoff and down[2].at - down[1].at >= 2 * policy.backoff
    assert (report.sent, report.dead) == (1, 2)
    letters = {x["target"].rsplit("/", 1)[1]: x for x in sql.dead_letters(store.con)}
    assert letters["down"]["attempts"] == policy.attempts and "503" in letters["down"]["error"]
    assert "timed out" in letters["hang"]["error"]
    assert json.loads(letters["down"]["payload"])["title"].startswith("Mali army")
    assert deliver_pending(store, policy=policy, allow_private=True).jobs == 0  # dead is final


def test_push_endpoint_gone_drops_the_subscription(store, receiver):
    add_watch(store, "Mali")
    browser = Browser(endpoint=receiver.url + "/push/gone")
    subscribe(store, "Mali", push_subscription=browser.subscription(), allow_private=True)
    receiver.answer("/push/gone", 410)
    on_commit_hook(store, policy=FAST)(commit(store, article("a.txt")))
    assert len(receiver.at("/push/gone")) == 1  # no retries on 410
    [w] = list_watches(store.con)
    assert not w.subscribers[0].active and "410" in w.subscribers[0].dropped_reason
    on_commit_hook(store, policy=FAST)(commit(store, article("b.txt", body=BODY.replace("Mali", "Mali, Niger"),
                                                              title="Another")))
    assert len(receiver.received) == 1


def test_private_endpoint_refused_at_delivery_without_permission(store, receiver):
    add_watch(store, "Mali")
    sub = subscribe(store, "Mali", webhook=receiver.url + "/hook", secret="s", allow_private=True)
    store.con.execute("UPDATE subscribers SET allow_private = FALSE WHERE id = ?", [sub.id])
    on_commit_hook(store, policy=FAST)(commit(store, article("a.txt")))
    assert receiver.received == []
    [letter] = sql.dead_letters(store.con)
    assert "refused" in letter["error"] and letter["attempts"] == 1


def test_unsubscribe_and_late_subscribers(store, receiver):
    add_watch(store, "Mali")
    sub = subscribe(store, "Mali", webhook=receiver.url + "/hook", secret="s", allow_private=True)
    assert unsubscribe(store, sub.token) and not unsubscribe(store, sub.token) and not unsubscribe(store, "")
    hook = on_commit_hook(store, policy=FAST)
    [first] = commit(store, article("a.txt"))
    hook([first])
    assert receiver.received == []
    # subscribing after a story was first stored: a later copy of it is not news to send
    subscribe(store, "Mali", webhook=receiver.url + "/late", secret="s", allow_private=True)
    hook(commit(store, article("b.txt", body=BODY + "\n\nMore to follow.")))
    assert receiver.received == []


def test_digest_collects_stories_into_one_message_per_period(store, receiver):
    add_watch(store, "Mali", name="mali-daily", digest="daily")
    subscribe(store, "mali-daily", webhook=receiver.url + "/digest", secret="d", allow_private=True)
    hook = on_commit_hook(store, policy=FAST)
    hook(commit(store, article("a.txt")))
    other = ("Farmers in the south of Mali began the cotton harvest early this year after rains came in July, "
             "and cooperatives said prices agreed with ginning companies were higher than last season's.")
    hook(commit(store, Article(source="b.txt", text=other, title="Mali cotton harvest starts early")))
    assert receiver.received == []  # queued, not sent at once
    report = deliver_pending(store, policy=FAST, now=now() + timedelta(days=1, minutes=1))
    assert report.sent == 1 and report.stories == 2
    [msg] = receiver.at("/digest")
    body = json.loads(msg.body)
    assert body["type"] == "digest" and len(body["stories"]) == 2 and body["title"].startswith("2 new stories")
    assert deliver_pending(store, policy=FAST, now=now() + timedelta(days=1, hours=2)).jobs == 0


def test_email_alert_over_smtp(store):
    aiosmtpd = pytest.importorskip("aiosmtpd.controller")

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
            self.messages.append(envelope)
            return "250 OK"

    inbox = Inbox()
    with socket.socket() as probe:  # a free port for the SMTP server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ctl = aiosmtpd.Controller(inbox, hostname="127.0.0.1", port=port)
    ctl.start()
    try:
        add_watch(store, "Sissako")
        sub = subscribe(store, "Sissako", email="desk@example.org")
        smtp = SmtpSettings(host="127.0.0.1", port=port, sender="ww@example.org")
        on_commit_hook(store, policy=FAST, smtp=smtp)(commit(store, article("a.txt")))
        [env] = inbox.messages
        assert env.rcpt_tos == ["desk@example.org"]
        text = env.content.decode()
        assert "Mali army says it retook river town" in text and "/stories/" in text and sub.token in text
    finally:
        ctl.stop()


def test_email_without_smtp_waits_instead_of_failing(store, monkeypatch):
    monkeypatch.delenv("WIREWATCH_SMTP_HOST", raising=False)
    add_watch(store, "Mali")
    subscribe(store, "Mali", email="desk@example.org")
    notify(store, commit(store, article("a.txt")))
    report = deliver_pending(store, policy=FAST)
    assert report.skipped == 1 and report.dead == 0
    assert [d["status"] for d in sql.deliveries(store.con)] == ["pending"]


def test_retry_left_for_a_later_round_resumes_where_it_stopped(store, receiver):
    add_watch(store, "Mali")
    subscribe(store, "Mali", webhook=receiver.url + "/flaky", secret="s", allow_private=True)
    receiver.answer("/flaky", 502, 200)
    notify(store, commit(store, article("a.txt")))
    slow = RetryPolicy(attempts=3, backoff=30.0, timeout=2.0)
    report = deliver_pending(store, policy=slow, deadline=0.2)
    assert (report.sent, report.retrying, report.dead) == (0, 1, 0)
    [d] = sql.deliveries(store.con)
    assert d["status"] == "pending" and d["attempts"] == 1 and "502" in d["last_error"]
    assert deliver_pending(store, policy=slow).jobs == 0  # not due yet
    report = deliver_pending(store, policy=slow, now=now() + timedelta(minutes=1))
    assert report.sent == 1 and len(receiver.at("/flaky")) == 2
    assert [d["attempts"] for d in sql.deliveries(store.con)] == [2]


def test_push_digest_is_cut_to_what_a_push_service_accepts():
    from wirewatch.alerts.messages import PUSH_LIMIT, build_message, encode_fitted

    items = [{"story_id": f"s{i}", "title": f"Story number {i} about the river town " * 3, "link": f"/stories/s{i}",
              "url": None, "matched": ["Mali"], "matched_in": {"Mali": ["text"]}} for i in range(60)]
    msg, data = encode_fitted(build_message(watch={"id": "w1", "name": "m", "query": "Mali"}, items=items,
                                            token="t", digest="hourly"), PUSH_LIMIT)
    assert len(data) <= PUSH_LIMIT and msg["more"] == 60 - len(msg["stories"]) > 0
    assert json.loads(data)["title"] == "60 new stories for m"


def test_a_failing_alert_round_never_breaks_the_ingest(store, monkeypatch, caplog):
    import wirewatch.alerts.service as service

    add_watch(store, "Mali")

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(service, "notify", broken)
    on_commit_hook(store, policy=FAST)(commit(store, article("a.txt")))  # does not raise
    assert "alerts failed" in caplog.text and "disk on fire" in caplog.text


def test_messages_carry_absolute_links_and_the_triggering_event_sentence(monkeypatch):
    """With the server's public address (serve --base-url / $WIREWATCH_BASE_URL) every link of a
    payload opens from anywhere, and the payload quotes the event sentence that matched."""
    from wirewatch.alerts import messages
    from wirewatch.alerts.email import render
    from wirewatch.alerts.watches import Facts, match, parse_query
    from wirewatch.errors import UsageError

    a = article("abs.txt")
    hit = match(parse_query("Mali"), Facts.of(a))
    item = messages.story_item(a, hit)
    monkeypatch.delenv("WIREWATCH_BASE_URL", raising=False)
    messages.set_base_url(None)
    relative = messages.build_message(watch={"id": "w1", "name": "Mali", "query": "Mali"}, items=[item], token="t0k")
    assert relative["link"] == f"/stories/{a.story_id}"  # no address known: paths (and a warning)
    monkeypatch.setenv("WIREWATCH_BASE_URL", "https://news.example.org/")
    msg = messages.build_message(watch={"id": "w1", "name": "Mali", "query": "Mali"}, items=[item], token="t0k")
    assert msg["link"] == f"https://news.example.org/stories/{a.story_id}"
    assert msg["stories"][0]["link"] == msg["link"]
    assert msg["unsubscribe"] == "https://news.example.org/watches/unsubscribe/t0k"
    assert msg["event"]["text"] == "two days of fighting" and "two days of fighting" in msg["body"]
    typed = messages.story_item(a, match(parse_query("type:ARMED_CLASH"), Facts.of(a)))
    assert typed["event"]["type"] == "ARMED_CLASH"
    _, text = render(msg, base_url="https://news.example.org")
    assert f"https://news.example.org/stories/{a.story_id}" in text and "https://news.example.orghttps" not in text
    messages.set_base_url("https://alerts.example.net")
    try:
        assert messages.build_message(watch={"id": "w1"}, items=[item], token="x")["link"].startswith(
            "https://alerts.example.net/stories/")
    finally:
        messages.set_base_url(None)
    for bad in ("news.example.org", "ftp://x.org", "https://x.org/?a=1"):
        with pytest.raises(UsageError, match="public address"):
            messages.set_base_url(bad)
