"""Event language found on unseen news (issue 11, session 5): gerunds in adjuncts take the clause's
subject, 'charge X with' is an accusation or a legal charge by who charges, troops leaving is a
retreat, support and fighting named as nouns with an actor, verbs with particles.  Sentences written
for these tests."""

from __future__ import annotations

import pytest

from eventsutil import events_of as _events


def _one(nlp, text: str, plover: str):
    got = [e for e in _events(nlp, text) if e.plover == plover]
    assert len(got) == 1, [(e.plover, e.trigger) for e in _events(nlp, text)]
    return got[0]


def test_gerund_in_an_adjunct_is_done_by_the_clause_subject(nlp):
    ev = _one(nlp, "Mayor Lina Osei was right in calling for more police patrols.", "REQUEST")
    assert ev.source is not None and ev.source.name == "Lina Osei"


def test_gerund_after_an_object_is_done_by_the_object(nlp):
    ev = _one(nlp, "The senator accused the governor of attacking the press.", "ACCUSE")
    assert ev.source is not None and ev.source.name == "senator"
    assert ev.target is not None and ev.target.name == "governor"


@pytest.mark.parametrize("text, plover", [
    ("Osei charged the ruling party with rigging the vote.", "ACCUSE"),
    ("Police charged four students with arson.", "COERCE"),
])
def test_charging_with_is_accusation_or_legal_charge_by_who_charges(nlp, text, plover):
    ev = _one(nlp, text, plover)
    assert ev.target is not None


def test_troops_leaving_is_a_retreat_but_people_leaving_is_not(nlp):
    ev = _one(nlp, "The president said the foreign troops would leave Korvala by June.", "RETREAT")
    assert ev.status == "planned"
    assert "RETREAT" not in {e.plover for e in _events(nlp, "The singer left the band in June.")}


def test_support_and_fight_as_nouns_need_an_actor(nlp):
    ev = _one(nlp, "Relations soured over Nordland's support for the Kestrel Front.", "SUPPORT")
    assert ev.source is not None and ev.source.name == "Nordland"
    ev = _one(nlp, "The militia has led the fight against the Kestrel Front since 2019.", "ASSAULT")
    assert ev.target is not None
    plovers = {e.plover for e in _events(nlp, "Public support for the bill has grown, and the fight against "
                                              "inflation goes on.")}
    assert not plovers & {"ASSAULT", "SUPPORT"}


@pytest.mark.parametrize("text, plover", [
    ("The prosecutors argued for the extradition of the two men.", "REQUEST"),
    ("We will engage with the new government in Korvala.", "CONSULT"),
    ("Thousands of activists have started assembling in the capital.", "MOBILIZE"),
    ("The board heard serious allegations against the mayor of Aro.", "ACCUSE"),
])
def test_more_event_language(nlp, text, plover):
    assert plover in {e.plover for e in _events(nlp, text)}


def test_a_noun_after_without_is_no_event(nlp):
    assert "THREATEN" not in {e.plover for e in _events(nlp, "Nordland may abandon its allies without warning.")}


def test_subject_by_word_order_when_lowercased_copy_is_misparsed(nlp):
    """The parse a small model gives lower-cased copy ("rjd" read as a verb, the person as its object,
    the trigger hung on the dateline), rebuilt by hand: the subject is the name before the verb."""
    from spacy.tokens import Doc

    from wirewatch.nlp.events.args import verb_arguments

    words = ["aro", ":", "ndp", "chief", "mohan", "okafor", "on", "friday", "criticised", "the", "centre", "."]
    heads = [0, 0, 0, 5, 5, 2, 2, 6, 0, 10, 8, 0]
    deps = ["ROOT", "punct", "dep", "amod", "compound", "dobj", "prep", "pobj", "conj", "det", "dobj", "punct"]
    pos = ["PROPN", "PUNCT", "VERB", "ADJ", "NOUN", "NOUN", "ADP", "PROPN", "VERB", "DET", "NOUN", "PUNCT"]
    tags = ["NNP", ":", "VB", "JJ", "NN", "NN", "IN", "NNP", "VBD", "DT", "NN", "."]
    ents = ["O", "O", "O", "O", "B-PERSON", "I-PERSON", "O", "B-DATE", "O", "O", "O", "O"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos, tags=tags, ents=ents)
    source, target = verb_arguments(doc[8], "ACCUSE")
    assert source is not None and source.text == "okafor" and target.text == "centre"
    assert verb_arguments(doc[2], "ACCUSE")[0] is None  # nothing before it: no subject invented
    # the heading parsed as the subject ("aro" nsubj, the person its apposition) is no subject either
    heads = [8, 0, 3, 5, 5, 0, 5, 6, 8, 10, 8, 8]
    deps = ["nsubj", "punct", "compound", "amod", "compound", "appos", "prep", "pobj", "ROOT", "det", "dobj", "punct"]
    pos[2], tags[2] = "PROPN", "NNP"
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos, tags=tags, ents=ents)
    source, _ = verb_arguments(doc[8], "ACCUSE")
    assert source is not None and source.text == "okafor"


def test_a_resolution_acts_for_whoever_adopted_it(nlp):
    ev = _one(nlp, "The council adopted a resolution that condemned the attack on the market.", "ACCUSE")
    assert ev.source is not None and ev.source.name == "council"


# issue 11, session 6: more ways of blaming (sentences written for these tests)

def test_holding_someone_responsible_is_an_accusation(nlp):
    text = "The opposition leader, Mara Velic, held the interior minister responsible for the riots in Aro."
    evs = [e for e in _events(nlp, text) if e.plover == "ACCUSE"]
    assert evs and evs[0].target is not None and "minister" in evs[0].target.name
    text2 = "The rebels hold the town and the bridge."
    assert not [e for e in _events(nlp, text2) if e.plover == "ACCUSE"]


def test_criticism_from_someone_names_its_source(nlp):
    text = "The mayor of Aro faced criticism from the opposition over the delays."
    evs = [e for e in _events(nlp, text) if e.plover == "ACCUSE"]
    assert evs and evs[0].source is not None and evs[0].source.sector == "OPP"
    assert evs[0].target is not None and "mayor" in evs[0].target.name.lower()


def test_deplore_is_a_condemnation(nlp):
    text = "The United Nations deplored the shelling of the hospital in Aro."
    evs = _events(nlp, text)
    assert any(e.plover == "ACCUSE" and e.source is not None and e.source.sector == "IGO" for e in evs)
