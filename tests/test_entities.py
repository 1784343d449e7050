from __future__ import annotations

import re

import pytest

from wirewatch.nlp.entities import entity_at, extract
from wirewatch.records import Article

STORY = (
    "NAIROBI — Kenya is under pressure to send more troops to Somalia, officials said on Monday.\n\n"
    "German Lt.-Col. Markus Vellner, who until June led the training mission, praised Kenya for its work. "
    "“We need more help in the north,” Vellner said.\n\n"
    "AU Commission Chairperson Moussa Ebrahim told reporters the mission would continue. "
    "The AU chief did not give a date.\n\n"
    "Former Swedish ambassador to Kenya Ingrid Lundqvist, who spoke at the Horn Policy Institute, "
    "said more aid was needed.\n\n"
    "For her part, Norway’s special envoy to the Horn of Africa told the meeting that talks would resume.\n\n"
    "“Nobody wants a long war,” Astrid Hovland said. “But peace takes time.”\n\n"
    "Somalia borders Ethiopia, and al Shabaab still holds towns near Mogadishu."
)


@pytest.fixture(scope="module")
def ents(nlp):
    return extract(nlp(STORY))


def by_name(ents, name):
    return next((e for e in ents if e.name == name), None)


def test_titled_people_are_persons_with_roles(ents):
    v = by_name(ents, "Markus Vellner")
    assert v is not None and v.type == "PERSON" and "Lt.-Col." in v.roles
    assert any(m.text == "Vellner" for m in v.mentions)  # surname joins the full name
    lund = by_name(ents, "Ingrid Lundqvist")
    assert lund is not None and lund.type == "PERSON"
    assert any("ambassador to Kenya" in r for r in lund.roles)


def test_places_are_never_people(ents):
    for name in ("Kenya", "Somalia", "Mogadishu", "Horn of Africa"):
        e = by_name(ents, name)
        if e is not None:
            assert e.type in {"GPE", "LOC"}, (name, e.type)
    assert by_name(ents, "Kenya") is not None and by_name(ents, "Somalia") is not None
    assert not any(e.type == "PERSON" and "Kenya" in e.name for e in ents)  # "Kenya Ingrid" split


def test_dateline_and_orgs(ents):
    nairobi = by_name(ents, "Nairobi")
    assert nairobi is not None and nairobi.type == "GPE" and nairobi.mentions[0].start == 0
    inst = by_name(ents, "Horn Policy Institute")
    assert inst is not None and inst.type == "ORG"


def test_role_mention_resolves_to_next_quoted_speaker(ents):
    h = by_name(ents, "Astrid Hovland")
    assert h is not None and h.type == "PERSON"
    assert any(m.text.startswith("Norway’s special envoy") for m in h.mentions)
    assert any("special envoy to the Horn of Africa" in r for r in h.roles)


def test_entity_at(ents):
    art = Article(source="t", text=STORY, entities=ents)
    i = STORY.index("Vellner said")
    assert entity_at(art, i, i + 7).name == "Markus Vellner"
    assert entity_at(art, 5000, 5001) is None


def _clean(text: str) -> str:
    lines = [ln for ln in text.splitlines() if len(ln.split()) > 4 or "—" in ln]
    return "\n\n".join(lines)


def test_seed(nlp, seed_path):
    text = seed_path.read_text(encoding="utf-8")
    for raw in (text, _clean(text)):
        ents = extract(nlp(raw))
        names = {e.name: e for e in ents}
        for person, role in [("Cyril Carcy", "Brig.-Gen."), ("Antonio Guterres", "Secretary General"),
                             ("Isabelle Roy", "ambassador"), ("Frederic Bontems", "envoy"),
                             ("Ibrahim Boubacar Keita", None)]:
            e = names.get(person)
            assert e is not None and e.type == "PERSON", person
            if role:
                assert any(role in r for r in e.roles), (person, e.roles)
        for place in ("Mali", "Sahel", "Bamako", "Ottawa"):
            assert names[place].type in {"GPE", "LOC"}
            assert not any(e.type == "PERSON" and re.search(rf"\b{place}\b", m.text)
                           for e in ents for m in e.mentions if e.name != place and "envoy" not in m.text)
        for org in ("Conference of Defence Associations Institute", "United Nations", "al Qaeda"):
            assert names[org].type == "ORG", org
        gut = names["Antonio Guterres"]
        assert any(m.text == "the UN chief" for m in gut.mentions)
        assert names["Ottawa"].mentions[0].text == "OTTAWA"
