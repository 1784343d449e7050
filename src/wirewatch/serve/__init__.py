"""The web app and JSON API (``wirewatch serve``): FastAPI + Jinja2 over a snapshot of the store.

``create_app(db_path, token=...)`` builds the ASGI app; ``run(...)`` serves it with uvicorn.
See ``app.py`` for the concurrency design and ``security.py`` for tokens, CSRF and limits.
"""

from __future__ import annotations

from .app import create_app
from .run import run

__all__ = ["create_app", "run"]
