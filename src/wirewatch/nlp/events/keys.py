"""Identity of one real-world event across syndicated copies and reworded reports.

Event data counts events, not reports: the store keeps one row per ``event_key`` and lists every
report of it.  The key is built from what coders compare, not from wording.
"""

from __future__ import annotations

import hashlib

from ...records import Event
from .actors import country_of, normalise_actor

__all__ = ["event_key"]


def event_key(event: Event) -> str:
    """Identity of one real-world event across copies and rewordings of its report.

    Built from what coders compare, not from wording: type and PLOVER class, the actors'
    country/sector codes (or normalised names), the event date as the text gives it, and the
    *country* of the place (copies naming "Tera" and "western Niger" agree on Niger; the place name
    only when its country is unknown).  The country is ``event.place_country``, set by extraction
    from the geocoded places; for events without it (built by hand, older records) a country,
    capital or demonym in the place name is used.  No gazetteer is loaded here: keys are computed
    in processes (the store, reports) that never parse text.
    """
    place = (event.place or "-").casefold().strip()
    country = event.place_country or (country_of(event.place) if event.place else None)
    parts = [
        event.type or "-", event.plover or "-", normalise_actor(event.source), normalise_actor(event.target),
        event.date or "-", country or place,
    ]
    return hashlib.blake2b("|".join(parts).encode("utf-8"), digest_size=10).hexdigest()
