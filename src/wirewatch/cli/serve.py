"""``wirewatch serve``: the web app and JSON API over a store."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ._app import DB_HELP, app, fail


@app.command()
def serve(
    db: Annotated[Optional[str], typer.Option("--db", help=DB_HELP)] = None,
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    token: Annotated[Optional[str], typer.Option(
        help="Token for write endpoints (default: $WIREWATCH_TOKEN, else a random one, printed).")] = None,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Let ingest and alert delivery reach private/loopback addresses.")] = False,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "warning",
    follow: Annotated[bool, typer.Option(
        "--follow", help="Also poll the followed sources (`wirewatch sources`), as `wirewatch follow` does.")] = False,
    base_url: Annotated[Optional[str], typer.Option(
        "--base-url", help="The server's public address (https://news.example.org): alert links start with it "
                           "(default: $WIREWATCH_BASE_URL).")] = None,
) -> None:
    """Serve the web app (search, articles, stories, situations, watches) and its JSON API (/docs)."""
    from ..errors import StoreError, UsageError
    from ..serve import run

    try:
        from ..alerts import messages
    except ImportError:
        messages = None
    if messages is not None:
        try:
            messages.set_base_url(base_url)
        except UsageError as exc:
            fail(str(exc))

    def announce(value: str, generated: bool) -> None:
        if generated:
            typer.echo(f"write token (set --token or WIREWATCH_TOKEN to choose one): {value}", err=True)
        if messages is not None and messages.base_url() is None:
            typer.echo(f"note: {messages.MISSING_BASE}", err=True)
        typer.echo(f"wirewatch serving on http://{host}:{port}/ (API docs at /docs)", err=True)

    try:
        run(db, host=host, port=port, token=token, allow_private=allow_private, log_level=log_level,
            on_token=announce, follow=follow, base_url=base_url)
    except StoreError as exc:
        fail(str(exc))
