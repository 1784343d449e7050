"""Roles of event arguments (issue 11, session 6): a past participle modifying a noun is a reduced
passive (the noun is who it was done to, the "by" phrase who did it); "I"/"we" inside a direct
quotation are its speaker.  Sentences written for these tests."""

from __future__ import annotations

from eventsutil import events_of as _events
from wirewatch.nlp.events.args import participle
from wirewatch.records import Mention, Quote


def _one(events, plover):
    got = [e for e in events if e.plover == plover]
    assert len(got) == 1, [(e.plover, e.trigger, e.source) for e in events]
    return got[0]


def test_participle_noun_is_the_target_and_the_by_phrase_the_source(nlp):
    text = "Dozens of villagers killed by rebels near Tamsa were buried on Sunday."
    ev = _one(_events(nlp, text), "ASSAULT")
    assert ev.source is not None and ev.source.name.lower() == "rebels"
    assert ev.target is not None and ev.source.name != ev.target.name  # the villagers, not their killers


def test_participle_without_agent_has_no_source(nlp):
    text = "Three British men, accused of belonging to the militia, are held in a camp near Aro."
    ev = _one(_events(nlp, text), "ACCUSE")
    assert ev.source is None  # the men are the accused, not the accusers
    assert ev.target is not None and ev.target.country == "GB"


def test_coordinated_participles_share_the_noun(nlp):
    text = "The Kurds, armed and supported by the US military, have done most of the fighting."
    doc = nlp(text)
    supported = next(t for t in doc if t.lower_ == "supported")
    assert participle(supported) is not None and participle(supported).lower_ == "kurds"
    ev = _one(_events(nlp, text), "SUPPORT")
    assert ev.source is not None and ev.source.country == "US"
    assert ev.target is not None and ev.target.name == "Kurds"


def test_finite_verb_is_no_participle(nlp):
    text = "Rebels killed twelve soldiers near Tamsa on Sunday."
    doc = nlp(text)
    assert participle(next(t for t in doc if t.lower_ == "killed")) is None
    ev = _one(_events(nlp, text), "ASSAULT")
    assert ev.source is not None and ev.source.name == "Rebels"


def _quote(text: str, said: str, speaker: str) -> Quote:
    start = text.index("“") + 1
    end = text.index("”")
    at = text.index(speaker, end)
    return Quote(text[start:end], start, end, speaker=speaker, speaker_mention=Mention(speaker, at, at + len(speaker)),
                 cue=said)


def test_first_person_in_a_quote_is_its_speaker(nlp):
    text = "“I have met the police chiefs and asked them to stop the looting,” Anil Mehra said on Friday."
    evs = _events(nlp, text, [_quote(text, "said", "Anil Mehra")])
    ev = _one(evs, "CONSULT")
    assert ev.source is not None and ev.source.name == "Anil Mehra"


def test_first_person_outside_a_quote_names_no_actor(nlp):
    text = "I have met the police chiefs of the district twice this year."
    evs = _events(nlp, text)
    assert all(e.source is None for e in evs)


def test_passive_act_takes_the_agent_of_the_attack_it_happened_in(nlp):
    text = "Four soldiers were killed in a rebel ambush near Tamsa on Friday."
    ev = _one(_events(nlp, text), "ASSAULT")
    assert ev.source is not None and ev.source.sector == "REB"
    assert ev.target is not None and "soldiers" in ev.target.name


def test_agent_that_is_an_attack_gives_its_own_agent(nlp):
    text = "Omar Haddad was killed by a US drone strike in Raqqa in 2015."
    ev = _one(_events(nlp, text), "ASSAULT")
    assert ev.source is not None and ev.source.country == "US" and "strike" not in ev.source.name.lower()


def test_a_passive_act_without_agent_or_attack_has_no_source(nlp):
    text = "Four soldiers were killed near Tamsa on Friday."
    ev = _one(_events(nlp, text), "ASSAULT")
    assert ev.source is None


def test_demonym_modifier_of_an_attack_noun_is_its_agent(nlp):
    text = "The village was hit on Monday in a Turkish air strike that killed twelve people."
    evs = [e for e in _events(nlp, text) if e.plover == "ASSAULT"]
    assert evs and any(e.source is not None and e.source.country == "TR" for e in evs)
