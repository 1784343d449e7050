"""Run the app with uvicorn (the ``wirewatch serve`` command and tests use this)."""

from __future__ import annotations

import logging
import os

from .app import create_app

log = logging.getLogger(__name__)


def run(db_path: str | os.PathLike | None = None, *, host: str = "127.0.0.1", port: int = 8000,
        token: str | None = None, allow_private: bool = False, log_level: str = "warning",
        on_token=None, follow: bool = False, base_url: str | None = None) -> None:
    """Serve until interrupted.  ``on_token(token, generated)`` is told the admin token first;
    ``follow`` also polls the followed sources (``wirewatch sources``) in the background."""
    import uvicorn

    app = create_app(db_path, token=token, allow_private=allow_private, follow=follow, base_url=base_url)
    context = app.state.ww
    if on_token is not None:
        on_token(context.guard.token, context.token_generated)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False,
                timeout_keep_alive=30)
