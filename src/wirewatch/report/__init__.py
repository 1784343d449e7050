"""Situation reports: gather from the store (``build_report``), render as Markdown, HTML or JSON.

``render(report, fmt)`` is the one entry point the CLI and the web app use.
"""

from __future__ import annotations

from .build import Report, build_report, resolve_names
from .render import FORMATS, render

__all__ = ["FORMATS", "Report", "build_report", "render", "resolve_names"]
