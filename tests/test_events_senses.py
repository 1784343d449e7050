"""Trigger words that report no happening (issue 11, session 6): silence ("declined to comment"),
pleas in court, "demonstrate that", business senses, words of a name, office holders without an
act, habits, clauses whose subject is no one; and an object noun
spelled in the plural ("imposed sanctions").  Sentences written for these tests; each false case
has a real one beside it."""

from __future__ import annotations

import pytest

from eventsutil import events_of as _events
from eventsutil import plovers_of as _plovers


@pytest.mark.parametrize("false, real, plover", [
    ("The governor refused to comment on the dispute.", "The rebels refused to withdraw from Aro.", "REJECT"),
    ("An official, who declined to be named, spoke about the dispute.",
     "The council rejected the government's offer.", "REJECT"),
    ("The trader pleaded guilty to fraud in March.", "The mayor pleaded with the rebels to free the hostages.",
     "REQUEST"),
    ("The failures demonstrated that internal security had collapsed.",
     "Thousands demonstrated in Aro against the new tax.", "PROTEST"),
    ("The conglomerate took over the firm in 2019.", "Rebels took over the town of Aro on Sunday.", "COERCE"),
    ("The Borvian Committee meets once a year in September.", "The Borvian foreign minister met her Nordish "
     "counterpart in Aro on Monday.", "CONSULT"),
    ("No member of the garden committee visits the parks.", "The Nordish president visited Borvia on Monday.",
     "CONSULT"),
])
def test_false_sense_reports_nothing_and_the_real_one_does(nlp, false, real, plover):
    assert plover not in _plovers(nlp, false)
    assert plover in _plovers(nlp, real)


def test_a_word_of_a_name_is_no_event(nlp):
    text = "Dr Lena Ruiz, who directs the Institute for the Study of Political Violence in Aro, spoke on Monday."
    assert not any(e.trigger == "Violence" for e in _events(nlp, text))
    assert any(e.plover == "ASSAULT" for e in _events(nlp, "Political violence spread across Aro on Monday."))


def test_office_holders_as_subject_are_no_diplomatic_event(nlp):
    assert not [e for e in _events(nlp, "“Our envoys are ready to travel to Aro this week,” Sissoko said.")
                if e.type == "DIPLO"]
    summoned = _events(nlp, "The Borvian ambassador was summoned to the foreign ministry on Monday.")
    assert any(e.type == "DIPLO" for e in summoned)


def test_habits_of_talks_are_no_event_but_recurring_attacks_are(nlp):
    assert "CONSULT" not in _plovers(nlp, "The two leaders usually meet in Geneva.")
    assert "ASSAULT" in _plovers(nlp, "Rebels attack the town every night, residents say.")


def test_nobody_as_subject_negates(nlp):
    assert "COERCE" not in _plovers(nlp, "Nobody was arrested in Aro after the march on Sunday.")
    assert "COERCE" in _plovers(nlp, "Police arrested twelve people in Aro after the march on Sunday.")


def test_plural_object_noun_makes_the_verb_a_trigger(nlp):
    evs = [e for e in _events(nlp, "The UN imposed sanctions on Borvia on Monday.") if e.plover == "SANCTION"]
    assert evs and evs[0].source is not None and evs[0].source.sector == "IGO"


def test_capital_modifying_an_attack_is_where_not_who(nlp):
    evs = [e for e in _events(nlp, "The Paris attacks in November 2015 killed 130 people.") if e.plover == "ASSAULT"]
    assert evs and all(e.source is None or e.source.country != "FR" for e in evs)


def test_coordinated_infinitives_share_the_governing_negation(nlp):
    text = "“Nordland would not dare to shell our towns and commit massacres,” the council of Tamsa said."
    assert "ASSAULT" not in _plovers(nlp, text)
    agreed = _events(nlp, "The army agreed to withdraw from Tamsa and release the prisoners.")
    assert {"RETREAT", "CONCEDE"} <= {e.plover for e in agreed if e.status == "planned"}
