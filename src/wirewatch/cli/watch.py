"""``wirewatch watch ...``: follow a situation and be told once per story (webhook, push, email)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..errors import UsageError
from ._app import DB_HELP, app, fail

if TYPE_CHECKING:  # alerts (web push, SMTP) and the store load with the watch commands, not with the CLI
    from .. import alerts

watch_app = typer.Typer(help="Watches: saved queries that notify subscribers once per new matching story.",
                        no_args_is_help=True)
app.add_typer(watch_app, name="watch")

DbOpt = Annotated[Optional[str], typer.Option("--db", help=DB_HELP)]
PrivateOpt = Annotated[bool, typer.Option("--allow-private", help="Allow webhook/push URLs on private or loopback "
                                                                  "addresses.")]


def _smtp(host, port, user, password, sender) -> alerts.SmtpSettings:
    from .. import alerts

    return alerts.SmtpSettings.from_env(host=host, port=port, user=user, password=password, sender=sender)


@watch_app.command("add")
def add(
    query: Annotated[str, typer.Argument(help='What to follow: names, places, event types, keywords '
                                              '(e.g. "Mali", "entity:\\"Assimi Goita\\" OR event:PROTEST").')],
    db: DbOpt = None,
    name: Annotated[Optional[str], typer.Option(help="A name for the watch (default: the query).")] = None,
    webhook: Annotated[Optional[str], typer.Option(help="POST signed JSON to this http(s) URL.")] = None,
    secret: Annotated[Optional[str], typer.Option(help="HMAC secret of the webhook (default: generated).")] = None,
    push_subscription: Annotated[Optional[Path], typer.Option(
        "--push-subscription", help="A browser's PushSubscription as a JSON file.")] = None,
    email: Annotated[Optional[str], typer.Option(help="Send alerts to this email address.")] = None,
    digest: Annotated[Optional[str], typer.Option(help="hourly or daily: one message per period.")] = None,
    allow_private: PrivateOpt = False,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the watch (with new secrets and tokens) as JSON.")] = False,
) -> None:
    """Add a watch (or reuse the one with this name and query) and subscribe the given endpoints."""
    from .. import alerts
    from ..store import Store

    if secret and not webhook:
        fail("--secret goes with --webhook")
    sub_info = None
    if push_subscription is not None:
        try:
            sub_info = json.loads(push_subscription.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            fail(f"cannot read the push subscription {push_subscription}: {exc}")
    try:
        with Store(db) as store:
            w = alerts.add_watch(store, query, name=name, digest=digest)
            subs = []
            for kw in ({"webhook": webhook, "secret": secret}, {"push_subscription": sub_info}, {"email": email}):
                if any(v for k, v in kw.items() if k != "secret"):
                    subs.append(alerts.subscribe(store, w.id, allow_private=allow_private, **kw))
            if push_subscription is not None:
                alerts.vapid_public_key(store)  # made now, so the browser's key and ours are known pairs
    except UsageError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps({**w.to_dict(), "subscribers": [s.to_dict(secrets=True) for s in subs]}, default=str))
        return
    typer.echo(f"watch {w.id} {w.name!r}: {w.query}" + (f" ({w.digest} digest)" if w.digest else ""))
    for s in subs:
        typer.echo(f"  {s.kind} {s.target} (unsubscribe token {s.token})")
        if s.kind == "webhook" and not secret:
            typer.echo(f"  webhook secret: {s.secret}")


@watch_app.command("list")
def list_(
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per watch.")] = False,
) -> None:
    """List watches and their subscribers."""
    from .. import alerts
    from ..store import Store

    with Store(db) as store:
        watches = alerts.list_watches(store.con)
    if as_json:
        for w in watches:
            typer.echo(json.dumps(w.to_dict(), default=str))
        return
    if not watches:
        typer.echo("no watches (add one with `wirewatch watch add QUERY --webhook URL`)")
    for w in watches:
        typer.echo(f"{w.id}  {w.name!r}: {w.query}" + (f"  [{w.digest} digest]" if w.digest else ""))
        for s in w.subscribers:
            state = "" if s.active else f"  (dropped: {s.dropped_reason})"
            typer.echo(f"    {s.kind:7} {s.target}{state}")


@watch_app.command("remove")
def remove(ref: Annotated[str, typer.Argument(help="Watch id or name.")], db: DbOpt = None) -> None:
    """Remove a watch and its subscribers."""
    from .. import alerts
    from ..store import Store

    with Store(db) as store:
        if not alerts.remove_watch(store, ref):
            fail(f"no watch {ref!r} (see `wirewatch watch list`)", code=1)
    typer.echo(f"removed {ref}")


@watch_app.command("unsubscribe")
def unsubscribe(token: Annotated[str, typer.Argument(help="The subscriber's unsubscribe token.")],
                db: DbOpt = None) -> None:
    """Remove one subscriber by its unsubscribe token."""
    from .. import alerts
    from ..store import Store

    with Store(db) as store:
        if not alerts.unsubscribe(store, token):
            fail("no subscriber has this token", code=1)
    typer.echo("unsubscribed")


@watch_app.command("deliver")
def deliver(
    db: DbOpt = None,
    allow_private: PrivateOpt = False,
    smtp_host: Annotated[Optional[str], typer.Option(help="SMTP server (default: $WIREWATCH_SMTP_HOST).")] = None,
    smtp_port: Annotated[Optional[int], typer.Option(help="SMTP port (default: $WIREWATCH_SMTP_PORT or 25).")] = None,
    smtp_user: Annotated[Optional[str], typer.Option(help="SMTP user (default: $WIREWATCH_SMTP_USER).")] = None,
    smtp_password: Annotated[Optional[str], typer.Option(
        help="SMTP password (default: $WIREWATCH_SMTP_PASSWORD).")] = None,
    smtp_from: Annotated[Optional[str], typer.Option(help="Sender address (default: $WIREWATCH_SMTP_FROM).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the delivery report as JSON.")] = False,
) -> None:
    """Send what is due: digests whose period has passed and deliveries awaiting a retry."""
    from .. import alerts
    from ..store import Store

    with Store(db) as store:
        report = alerts.deliver_pending(store, allow_private=allow_private,
                                        smtp=_smtp(smtp_host, smtp_port, smtp_user, smtp_password, smtp_from))
    if as_json:
        typer.echo(json.dumps(report.to_dict()))
    else:
        typer.echo(f"sent {report.sent} message(s) covering {report.stories} story alert(s); retrying "
                   f"{report.retrying}, dead {report.dead}, dropped {report.dropped}, "
                   f"waiting for SMTP {report.skipped}")
        for err in report.errors:
            typer.echo(f"  not delivered: {err}", err=True)


@watch_app.command("vapid-key")
def vapid_key(db: DbOpt = None) -> None:
    """Print the Web Push applicationServerKey (made on first use)."""
    from .. import alerts
    from ..store import Store

    with Store(db) as store:
        typer.echo(alerts.vapid_public_key(store))
