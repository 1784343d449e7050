"""Which events a report, timeline or alert shows by default, and how many it leaves out.

Extraction keeps every event it finds with its ``status`` and ``confidence`` (an analyst may want
the planned and the doubtful ones); what a reader sees by default is the events the text reports
as having happened (``reported``, or ``background`` history when the view wants it) whose coding
is at least ``MIN_CONFIDENCE`` sure.  Works on :class:`~wirewatch.records.Event` records and on
their dict form (the store's rows), without importing anything heavy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

__all__ = ["MIN_CONFIDENCE", "SHOWN_STATUSES", "is_shown", "split_shown"]

MIN_CONFIDENCE = 0.55  # bare event nouns without actors or type (0.50) are left out by default
SHOWN_STATUSES = frozenset({"reported", "background"})

T = TypeVar("T")


def _get(ev: Any, name: str) -> Any:
    return ev.get(name) if isinstance(ev, Mapping) else getattr(ev, name, None)


def is_shown(ev: Any, *, min_confidence: float = MIN_CONFIDENCE,
             statuses: Iterable[str] = SHOWN_STATUSES) -> bool:
    """Whether a default view shows this event: a shown status and enough confidence.  Records
    written before statuses existed (status or confidence missing) count as reported and sure."""
    status = _get(ev, "status") or "reported"
    conf = _get(ev, "confidence")
    return status in set(statuses) and (conf is None or conf >= min_confidence)


def split_shown(events: Iterable[T], *, min_confidence: float = MIN_CONFIDENCE,
                statuses: Iterable[str] = SHOWN_STATUSES) -> tuple[list[T], int]:
    """(events a default view shows, how many it leaves out)."""
    keep = set(statuses)
    every = list(events)
    shown = [ev for ev in every if is_shown(ev, min_confidence=min_confidence, statuses=keep)]
    return shown, len(every) - len(shown)
