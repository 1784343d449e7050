"""``wirewatch`` command line: a thin shell over the Python API (see ``wirewatch --help``)."""

from __future__ import annotations

from ._app import app, main
from . import batch, core, data, follow, report, serve, watch  # noqa: F401  (registers the commands)

__all__ = ["app", "main"]
