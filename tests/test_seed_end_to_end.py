"""The seed wire story through the whole product path (sources -> clean -> NLP), as `extract` runs it.

Each component has its own tests on fictional stories; this one checks that, put together, they
give an analyst what the issues promise on the one real story we ship against.
"""

from __future__ import annotations

from collections import Counter

import pytest

from wirewatch.pipeline import extract
from wirewatch.records import Article
from wirewatch.sources import iter_documents


@pytest.fixture(scope="module")
def seed(seed_path) -> Article:
    (rec,) = list(extract(iter_documents([str(seed_path)])))
    assert isinstance(rec, Article)
    return rec


def entity(a: Article, name: str):
    found = [e for e in a.entities if e.name == name]
    assert found, f"{name} not among {[e.name for e in a.entities]}"
    return found[0]


def test_people_under_full_names_with_roles(seed):
    expect = {"Cyril Carcy": "Brig.-Gen.", "Antonio Guterres": "Secretary General", "Isabelle Roy": "ambassador",
              "Frederic Bontems": "envoy", "Ibrahim Boubacar Keita": None}
    for name, role in expect.items():
        e = entity(seed, name)
        assert e.type == "PERSON"
        if role:
            assert any(role in r for r in e.roles), (name, e.roles)
    assert not any(e.name in {"Carcy", "Guterres", "Roy", "Bontems"} for e in seed.entities)


def test_places_and_organisations_typed_right(seed):
    for name in ("Mali", "Sahel", "Bamako", "Ottawa"):
        assert entity(seed, name).type != "PERSON"
    for name in ("Conference of Defence Associations Institute", "United Nations", "al Qaeda"):
        assert entity(seed, name).type == "ORG"
    where = {p.name: p for p in seed.places}
    for name, country, lat, lon in (("Mali", "ML", 17.0, -4.0), ("Bamako", "ML", 12.65, -8.0),
                                    ("Ottawa", "CA", 45.42, -75.7), ("France", "FR", 46.5, 2.5),
                                    ("Canada", "CA", 60.0, -96.0)):
        p = where[name]
        assert p.country == country and abs(p.lat - lat) < 8 and abs(p.lon - lon) < 12, p


def test_quotes_with_speakers_cues_and_languages(seed):
    direct = [q for q in seed.quotes if q.direct and len(q.text.split()) > 3]
    by = Counter(q.speaker for q in direct)
    assert by["Cyril Carcy"] == 2 and by["Antonio Guterres"] == 1 and by["Isabelle Roy"] == 1
    assert by["Frederic Bontems"] == 2
    carcy = sorted((q for q in direct if q.speaker == "Cyril Carcy"), key=lambda q: q.start)
    assert carcy[0].language == "fr"
    assert next(q for q in direct if q.speaker == "Antonio Guterres").cue == "wrote"
    assert next(q for q in direct if q.speaker == "Isabelle Roy").language == "fr"
    bontems = sorted((q for q in direct if q.speaker == "Frederic Bontems"), key=lambda q: q.start)
    assert [q.language for q in bontems] == ["fr", "fr"] and bontems[1].text.startswith("But Canada")
    for q in seed.quotes:
        assert seed.text[q.start:q.end] == q.text


def test_dates_resolved_against_publication(seed):
    values = {(d.text, d.value) for d in seed.dates}
    assert ("Aug. 18", "2020-08-18") in values
    assert ("last week", "2020-W45") in values
    assert ("August", "2020-08") in values or ("in August", "2020-08") in values
    assert {"1991", "2012"} <= {v for _, v in values}
    assert any(v == "2020-09" and "September" in t for t, v in values)


def test_events_coded_and_dated(seed):
    coup = [e for e in seed.events if "coup" in e.text and e.date == "2020-08-18"]
    assert coup, [(e.text[:50], e.date) for e in seed.events]
    assert any(e.plover == "REQUEST" and e.target and e.target.name == "Canada" for e in seed.events)
    assert any(e.plover in {"ACCUSE", "REJECT"} and e.source and e.source.name == "Canada" and "condemn" in e.text
               for e in seed.events)
    for e in seed.events:
        assert e.text and seed.text[e.start:e.end] == e.text
        assert e.date != "2020-11-15" or e.date_basis == "published"


def test_seed_events_placed_and_dated_by_their_own_context(seed):
    """Issue 11: talk of what Canada could do is no clash in Canada; history is not dated as news."""
    assert not [e for e in seed.events if e.type == "ARMED_CLASH" and e.place_country == "CA"]
    assert not [e for e in seed.events if e.plover == "RETREAT" and e.date == seed.published]
    coup = [e for e in seed.events if e.plover == "COERCE" and e.date == "2020-08-18"]
    assert coup and coup[0].status == "background" and coup[0].source and coup[0].source.sector == "MIL"
    for e in seed.events:
        assert e.status in ("reported", "planned", "background") and 0 < e.confidence <= 1
        assert e.trigger and e.path and e.path.startswith("rule:")
        assert e.evidence and all(seed.text[m.start:m.end] == m.text for m in e.evidence)
