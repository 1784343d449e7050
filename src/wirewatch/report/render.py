"""Choose a renderer by format name."""

from __future__ import annotations

import json

from ..errors import UsageError
from .build import Report

FORMATS = ("md", "html", "json")


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str)


def render(report: Report, fmt: str = "md") -> str:
    """The report as text in ``fmt`` (md, html or json)."""
    fmt = (fmt or "md").lower()
    if fmt == "markdown":
        fmt = "md"
    if fmt == "md":
        from .markdown import render_markdown

        return render_markdown(report)
    if fmt == "html":
        from .html import render_html

        return render_html(report)
    if fmt == "json":
        return render_json(report)
    raise UsageError(f"unknown report format {fmt!r} (use one of {', '.join(FORMATS)})")
