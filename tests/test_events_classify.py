"""Event types from general event language (issue 11b): sentences written for these tests."""

from __future__ import annotations

import pytest

from wirewatch.nlp.events import best_event, extract_events
from wirewatch.nlp.events.classify import classify_event_type, type_scores
from wirewatch.records import Article


@pytest.mark.parametrize("text, expected", [
    # a verb that only looks like weather: no storm
    ("Masked men stormed a guesthouse in Tolbi and shot two guards.", "ATTACK"),
    ("A violent storm tore roofs off hundreds of homes along the Kesh coast.", "NATURAL_DISASTER"),
    ("A cloudburst over the valley left eleven people dead in Harmel.", "NATURAL_DISASTER"),
    # rioters are demonstrators: looting by them is a violent demonstration, not property destruction
    ("Rioters set shops alight and looted a supermarket in central Orvane.", "VIOL_DEMONSTR"),
    ("Youths pelted stones at officers during the march against the new levy.", "VIOL_DEMONSTR"),
    # force against a crowd that is demanding something
    ("Troops fired on a crowd demanding water and power, killing two teenagers.", "FORCE_AGAINST_PROTEST"),
    ("Police used a lathi-charge to scatter the workers' dharna outside the mill.", "PROTEST_WITH_INTER"),
    ("Shopkeepers observed a bandh across the district against the new market fee.", "PEACE_PROTEST"),
    # responsibility for an act is the claim, not the act
    ("A little-known faction said it was behind the ambush on the pipeline guards.", "ATTRIB"),
    ("The movement owned up to the blast at the fuel depot.", "ATTRIB"),
    # captivity, disappearance
    ("The engineers have been held captive for a month and their captors want a ransom.", "ABDUCT_DISSAP"),
    ("A trade unionist went missing after police stopped his car; his whereabouts remain unknown.",
     "ABDUCT_DISSAP"),
    # changes to a group's activity
    ("The governor declared a curfew in Ranu after two nights of unrest.", "CHANGE_TO_GROUP_ACT"),
    ("The armed wing said it would lay down its arms and join the talks as a party.", "CHANGE_TO_GROUP_ACT"),
    # territory taken back by the state
    ("Army units took back the hill town from the insurgents on Sunday.", "GOV_REGAINS_TERIT"),
    ("Control of the border post was handed over to customs officers under the truce.",
     "NON_VIOL_TERRIT_TRANSFER"),
    # diplomacy between officials
    ("The foreign minister met her Kestrian counterpart to discuss fishing rights.", "DIPLO"),
    ("The ministry summoned the ambassador over the border incident.", "DIPLO"),
    # disasters people cause
    ("A gas cylinder blast in a restaurant kitchen injured nine diners.", "MAN_MADE_DISASTER"),
    ("An overloaded bus plunged into a gorge near Tarsh, killing 17 passengers.", "MAN_MADE_DISASTER"),
    ("Nine pilgrims died in a stampede at the temple gate.", "MAN_MADE_DISASTER"),
    # arrests and disrupted weapons
    ("The two suspects were remanded in judicial custody for fourteen days.", "ARREST"),
    ("Officers recovered two country-made pistols and 40 cartridges from the house.", "DISR_WEAP"),
    # suicide attacks said by the act
    ("A man wearing an explosive vest walked into the wedding tent.", "SUIC_BOMB"),
    # mob violence
    ("Two men accused of stealing cattle were beaten to death by villagers.", "MOB_VIOL"),
    # other strategic developments
    ("The president declared a state of emergency in three northern provinces.", "OTHER"),
    ("The electoral board postponed the referendum by a month.", "OTHER"),
])
def test_snippet_types_from_general_event_language(text, expected):
    assert classify_event_type(text) == expected


def test_stormed_is_not_weather():
    assert "NATURAL_DISASTER" not in type_scores("Rebels stormed the barracks at dawn.")


def test_a_peaceful_march_stays_peaceful():
    assert classify_event_type("Thousands marched peacefully through Vell to demand fair wages.") == "PEACE_PROTEST"


def test_riot_police_alone_make_no_riot():
    assert classify_event_type("Riot police stood by as the crowd sang and lit candles.") == "PEACE_PROTEST"


def _best(nlp, text: str):
    art = Article(source="t", text=text, published="2024-03-02")
    return best_event(extract_events(nlp(text), art))


def test_claimed_responsibility_is_the_event_of_its_sentence(nlp):
    ev = _best(nlp, "The Ardent Front claimed responsibility for the bombing of the rail bridge at Sekko.")
    assert ev is not None and ev.type == "ATTRIB"


def test_talks_between_counterparts_are_diplomacy(nlp):
    ev = _best(nlp, "Prime Minister Aldo Verri met his Nordlandic counterpart in Sekko on Tuesday.")
    assert ev is not None and ev.type == "DIPLO"
