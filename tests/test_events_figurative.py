"""Trigger verbs that report no interaction between actors (issue 11, session 5): publishing,
abstract objects, contributing to something, advice, questions put to a speaker, alternatives set
aside.  Sentences written for these tests; each pair keeps the real event beside the false one."""

from __future__ import annotations

import pytest

from eventsutil import events_of as _events
from eventsutil import plovers_of as _plovers
from wirewatch.nlp.events.assertion import lemma_of


@pytest.mark.parametrize("false, real, plover", [
    ("The rebel council released a statement on the talks.", "The rebel council released six prisoners.",
     "CONCEDE"),
    ("The militia has released a video of its fighters in the hills.", "The militia freed two aid workers.",
     "CONCEDE"),
    ("The opposition hopes to regain the voters' confidence.", "Government troops regained control of Aro.",
     "COERCE"),
    ("The army helped reduce the number of checkpoints.",
     "Neighbouring states helped the refugees with food and tents.", "AID"),
    ("The governor warned residents against spreading rumours.",
     "The rebels warned the army that they would retaliate.", "THREATEN"),
    ("Asked about the delay, the minister said the report was nearly done.",
     "The minister asked the unions to end the strike.", "REQUEST"),
    ("The government chose to raise bonuses rather than helping the workers.",
     "The government helped the workers with a new fund.", "AID"),
    ("The state preferred to raise fees instead of helping the refugees.", "The state helped the refugees.",
     "AID"),
    ("The singer shot to prominence in the 1990s.", "A sniper shot two guards in Aro.", "ASSAULT"),
    ("The broadcaster is battling an exodus of viewers.", "Rebels are battling government troops near Aro.",
     "ASSAULT"),
    ("The chef made videos demonstrating simple recipes.", "Nurses demonstrated outside the ministry.",
     "PROTEST"),
    ("The tax office withdrew 3,000 fines last week.", "Nordland withdrew its troops from the border.",
     "RETREAT"),
])
def test_figurative_trigger_is_no_event_but_the_literal_one_is(nlp, false, real, plover):
    assert plover not in _plovers(nlp, false)
    assert plover in _plovers(nlp, real)


def test_participle_used_as_noun_is_no_event(nlp):
    assert "ASSAULT" not in _plovers(nlp, "Villagers carried the wounded to the clinic in Aro.")
    assert "ASSAULT" in _plovers(nlp, "Gunmen wounded three villagers in Aro.")


def test_mislemmatised_wish_verb_still_reads_as_a_wish(nlp):
    doc = nlp("The party hopes to win.")
    hopes = doc[2]
    assert lemma_of(hopes, "wish_verbs") == "hope"  # the small model lemmatises "hopes" as "hop"
    # what is only hoped for did not happen
    assert "COERCE" not in _plovers(nlp, "The movement hopes to arrest the governor's allies.")


def test_violent_verb_against_words_is_criticism_of_their_author(nlp):
    ev = next(e for e in _events(nlp, "The senator attacked the minister's approach to the border."))
    assert ev.plover == "ACCUSE" and ev.target is not None and ev.target.name == "minister"
    ev = next(e for e in _events(nlp, "Farmers' unions have hit out at the government over the new levy."))
    assert ev.plover == "ACCUSE" and ev.target is not None and ev.target.name == "government"
    assert "ASSAULT" in _plovers(nlp, "Gunmen attacked the minister's convoy near Aro.")


@pytest.mark.parametrize("text", [
    "Let us condemn this invasion with one voice.",  # an exhortation; "us" is no United States
    "Britain ought to sanction the regime.",
    "Let the generals negotiate a ceasefire.",
    "If the talks fail, the rebels will attack the capital.",  # the consequent of a condition
])
def test_exhortations_and_consequents_report_nothing(nlp, text):
    assert not _events(nlp, text)


def test_a_past_act_with_a_condition_attached_still_happened(nlp):
    ev = next(e for e in _events(nlp, "The union threatened the ministry with a strike if wages were not paid."))
    assert ev.plover == "THREATEN"
    assert "ACCUSE" in _plovers(nlp, "The US condemned the attack on Aro.")


def test_what_was_prevented_did_not_happen(nlp):
    assert "ASSAULT" not in _plovers(nlp, "Only the patrols have prevented the militia from destroying the bridge.")
    assert "ASSAULT" in _plovers(nlp, "The militia destroyed the bridge near Aro.")


@pytest.mark.parametrize("text", [
    "Widely respected as a soldier and a diplomat, the general left office on Friday.",
    "Dr Ana Ruiz, consultant in public health at the agency, said the risk was low.",
    "From the start we diplomatically sided with the rebels.",
])
def test_a_title_or_a_manner_is_no_diplomatic_event(nlp, text):
    assert "DIPLO" not in {e.type for e in _events(nlp, text)}


@pytest.mark.parametrize("text, word, asserted", [
    ("The bloc warned that sanctions could follow if the council did not publish a plan.", "sanctions", False),
    ("Sanctions followed the vote in Aro.", "Sanctions", True),
    ("Fighting broke out near the border town on Monday.", "Fighting", True),
    ("No attack took place during the truce.", "attack", False),
    ("Clashes might erupt again around the market.", "Clashes", False),
    ("The attack triggered a wave of arrests.", "attack", True),  # only verbs of occurrence pass it on
])
def test_an_event_noun_that_a_verb_of_occurrence_predicates_takes_that_verbs_assertion(nlp, text, word, asserted):
    from wirewatch.nlp.events.assertion import assertion

    tok = next(t for t in nlp(text) if t.text == word)
    assert (assertion(tok)[0] is not None) is asserted
