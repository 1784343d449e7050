"""Clause structure of event arguments (issue 11, session 5): coordinated verbs share their subject,
date and assertion; place and country come from the trigger's own clauses; "from X" after a verb of
motion is an origin.  Sentences written for these tests."""

from __future__ import annotations

from wirewatch.nlp.events import extract_events
from wirewatch.nlp.events.clauses import governing, governor, is_origin
from wirewatch.records import Article, Mention, Place


def _art(text: str, places: list[tuple[str, str]], published: str = "2025-03-12") -> Article:
    found = [Place(name, country=cc, mentions=[Mention(name, i, i + len(name))])
             for name, cc in places for i in [text.find(name)] if i >= 0]
    return Article(source="t", text=text, published=published, places=found)


def _one(events, plover):
    got = [e for e in events if e.plover == plover]
    assert len(got) == 1, [(e.plover, e.trigger) for e in events]
    return got[0]


MINISTER = ("The water minister, Ines Kalu, said on Monday that new pumps would arrive from Portugal in July "
            "and asked farmers for patience.")


def test_coordinated_finite_verb_is_the_partner_of_the_report_verb(nlp):
    doc = nlp(MINISTER)
    asked = next(t for t in doc if t.lower_ == "asked")
    said = next(t for t in doc if t.lower_ == "said")
    assert governor(asked).i == said.i  # not "arrive", whose modal "asked" cannot share
    assert [v.lower_ for v in governing(asked)][:2] == ["asked", "said"]


def test_request_coordinated_with_a_report_takes_its_subject_date_and_assertion(nlp):
    art = _art(MINISTER, [("Portugal", "PT")])
    ev = _one(extract_events(nlp(MINISTER), art), "REQUEST")
    assert ev.source is not None and ev.source.name == "Ines Kalu"  # the shared subject, not "pumps"
    assert ev.status == "reported"  # asked, as a fact: not under "would"
    assert ev.date == "2025-03-10"  # "on Monday", the day of saying and asking, not July
    assert ev.place != "Portugal" and ev.place_country != "PT"  # an origin in another clause
    assert ev.target is None or ev.target.country != "PT"  # the farmers are not Portugal's


def test_verbs_sharing_a_tense_keep_the_parsers_coordination(nlp):
    text = "Rebels attacked the depot in Tamsa on Friday and seized two trucks."
    doc = nlp(text)
    seized = next(t for t in doc if t.lower_ == "seized")
    assert governor(seized).i == seized.head.i
    ev = _one(extract_events(doc, _art(text, [("Tamsa", "NE")])), "COERCE")
    assert ev.trigger == "seized" and ev.source is not None and ev.source.name == "Rebels"
    assert ev.place == "Tamsa" and ev.date == "2025-03-07"  # the first verb's place and date are shared


def test_origin_after_a_motion_verb_is_not_the_place(nlp):
    text = "Gunmen who crossed from Borvia attacked the market of Selim on Sunday."
    doc = nlp(text)
    borvia = next(t for t in doc if t.text == "Borvia")
    attacked = next(t for t in doc if t.lower_ == "attacked")
    assert is_origin(borvia, attacked)
    ev = _one(extract_events(doc, _art(text, [("Borvia", "BV"), ("Selim", "NE")])), "ASSAULT")
    assert ev.place == "Selim" and ev.place_country == "NE"


def test_the_triggers_own_from_is_no_origin(nlp):
    doc = nlp("Foreign troops withdrew from Tamsa on Thursday.")
    tamsa = next(t for t in doc if t.text == "Tamsa")
    assert not is_origin(tamsa, tamsa.head.head)  # withdrawing from a place happens there
    doc = nlp("The convoy returned from Tamsa and soldiers shelled the ridge.")
    tamsa = next(t for t in doc if t.text == "Tamsa")
    assert is_origin(tamsa, next(t for t in doc if t.lower_ == "shelled"))


def test_place_of_a_sibling_clause_is_not_the_events(nlp):
    text = ("Police arrested twelve students on Tuesday, and the university said exams would move to Oruna "
            "next month.")
    ev = _one(extract_events(nlp(text), _art(text, [("Oruna", "NE")])), "COERCE")
    assert ev.place != "Oruna"


def test_place_of_a_governing_clause_still_counts(nlp):
    text = "Officials in Tamsa said soldiers had detained the mayor."
    ev = _one(extract_events(nlp(text), _art(text, [("Tamsa", "NE")])), "COERCE")
    assert ev.place == "Tamsa"


def test_generic_people_take_their_clauses_country_roles_and_named_actors_the_events():
    from wirewatch.nlp.events.links import complete_actor
    from wirewatch.records import Actor

    residents = complete_actor(Actor("residents"), country="TR", head="residents", people_country="ML")
    police = complete_actor(Actor("police", sector="COP"), country="ML", head="police", people_country="TR")
    named = complete_actor(Actor("Halima Garba", sector="GOV"), country="NE", head="garba", named=True,
                           people_country="US")
    assert (residents.name, residents.country) == ("Mali civilians", "ML")
    assert police.country == "ML" and named.country == "NE"
    # without a clause country, people keep the event's
    assert complete_actor(Actor("residents"), country="ML", head="residents").country == "ML"
