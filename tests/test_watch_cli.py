"""``wirewatch watch ...`` commands, and the must-hold end to end: ``wirewatch ingest`` of a fictional
wire story sends one signed webhook and one decryptable push; a syndicated copy sends nothing."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import wirewatch.cli.watch  # noqa: F401  (registers `watch` until cli/__init__ imports it)
from wirewatch.alerts import verify_webhook
from wirewatch.alerts.testing import Browser, Receiver
from wirewatch.cli import app

runner = CliRunner()

STORY = """Mali army says it retook river town

By Awa Keita

BAMAKO, Mali (Wirewire) - Soldiers of the transitional army of Mali said on Tuesday they had retaken the river \
town of Kessoumba after two days of fighting with an armed group that had held it since March.

Colonel Adama Tiemoko Sissako, a spokesman for the army, told reporters in the capital that the town market had \
reopened and that families who fled to the regional centre were beginning to return by boat.

"The situation is calm and under control," Sissako said, adding that engineers were clearing the roads leading \
north towards the desert plateau where the fighters had withdrawn.

Aid groups working along the river said they could not yet confirm the number of people displaced by the \
clashes, which began when the group attacked an army post on the edge of the town at dawn on Sunday.
"""


def syndicated_copy() -> str:
    """The same wire story on another site: other headline, page chrome and a changed last line."""
    paras = STORY.split("\n\n")[2:]
    paras[-1] = paras[-1].replace("at dawn on Sunday.", "early on Sunday, residents said.")
    body = "".join(f"<p>{p.strip()}</p>\n" for p in paras)
    return (f"<html><head><title>Army retakes town in central Mali | The Daily Courier</title>"
            f'<meta name="date" content="2031-04-08"></head><body>'
            f'<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/subscribe">Subscribe</a></nav>'
            f"<article><h1>Army retakes town in central Mali</h1>\n{body}</article>"
            f"<footer>Copyright The Daily Courier. Enable push notifications.</footer></body></html>")


def run(*args: str):
    result = runner.invoke(app, list(args))
    return result


def test_watch_add_list_remove(tmp_path):
    db = str(tmp_path / "w.duckdb")
    with Receiver() as rx:
        browser = Browser(endpoint=rx.url + "/push/1")
        sub_file = tmp_path / "sub.json"
        sub_file.write_text(json.dumps(browser.subscription()))
        r = run("watch", "add", "Mali", "--db", db, "--name", "sahel", "--webhook", rx.url + "/h",
                "--push-subscription", str(sub_file), "--email", "desk@example.org", "--json")
        assert r.exit_code == 2 and "non-public" in r.output  # loopback needs --allow-private
        r = run("watch", "add", "Mali", "--db", db, "--name", "sahel", "--webhook", rx.url + "/h",
                "--push-subscription", str(sub_file), "--email", "desk@example.org", "--allow-private", "--json")
        assert r.exit_code == 0, r.output
        added = json.loads(r.output)
        assert [s["kind"] for s in added["subscribers"]] == ["webhook", "push", "email"]
        assert added["subscribers"][0]["secret"]  # generated, shown once
    r = run("watch", "list", "--db", db, "--json")
    [listed] = [json.loads(line) for line in r.output.splitlines()]
    assert listed["name"] == "sahel" and "secret" not in listed["subscribers"][0]
    assert "sahel" in run("watch", "list", "--db", db).output
    assert len(run("watch", "vapid-key", "--db", db).output.strip()) == 87
    assert run("watch", "unsubscribe", added["subscribers"][2]["token"], "--db", db).exit_code == 0
    assert run("watch", "add", "x", "--db", db, "--digest", "weekly").exit_code == 2
    assert run("watch", "remove", "nope", "--db", db).exit_code == 1
    assert run("watch", "remove", "sahel", "--db", db).exit_code == 0
    assert "no watches" in run("watch", "list", "--db", db).output
    r = run("watch", "deliver", "--db", db, "--json")
    assert r.exit_code == 0 and json.loads(r.output)["sent"] == 0


@pytest.mark.slow
def test_ingest_then_syndicated_copy_sends_exactly_one_webhook_and_one_push(tmp_path):
    db = str(tmp_path / "e2e.duckdb")
    story, copy = tmp_path / "wire-mali.txt", tmp_path / "courier-mali.html"
    story.write_text(STORY, encoding="utf-8")
    copy.write_text(syndicated_copy(), encoding="utf-8")
    with Receiver() as rx:
        browser = Browser(endpoint=rx.url + "/push/1")
        sub_file = tmp_path / "sub.json"
        sub_file.write_text(json.dumps(browser.subscription()))
        r = run("watch", "add", "Mali", "--db", db, "--webhook", rx.url + "/hook", "--secret", "s3cret",
                "--push-subscription", str(sub_file), "--allow-private")
        assert r.exit_code == 0, r.output

        r = run("ingest", str(story), "--db", db, "--json", "--published", "2031-04-08", "--allow-private")
        assert r.exit_code == 0, r.output
        [hook] = rx.at("/hook")
        assert verify_webhook(hook.body, "s3cret", hook.headers["x-wirewatch-signature"])
        sent = json.loads(hook.body)
        assert "Mali" in sent["matched"] and sent["link"] == f"/stories/{sent['story_id']}"
        [push] = rx.at("/push/1")
        pushed = json.loads(browser.decrypt(push.body))
        assert pushed["story_id"] == sent["story_id"] and "retook" in pushed["title"]

        r = run("ingest", str(copy), "--db", db, "--json", "--allow-private")
        assert r.exit_code == 0, r.output
        assert json.loads(r.output.splitlines()[-1])["stored"] == 1  # stored as a copy of the story...
        assert len(rx.received) == 2  # ...and nobody is told again
        stories = run("articles", "--db", db, "--json").output.splitlines()
        assert {json.loads(line)["story_id"] for line in stories} == {sent["story_id"]}
