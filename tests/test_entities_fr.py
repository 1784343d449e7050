"""French names read from the words around them (nlp/entities/context.py with data/fr/names.json).

Every text here is written for these tests.  The rules are about French news copy: a title and its
complement ("le ministre de l'Éducation", "du Mali") are never inside a person's name; a name the tagger
cut is grown over the capitalised words beside it (hyphenated given names, particles); a name right
after a verb of saying is a person; page furniture, calendar words and verbs opening a sentence are no
names.  English has no names.json, so none of this runs on English text.
"""

from __future__ import annotations

import pytest

from wirewatch.nlp import runtime
from wirewatch.nlp.entities import context
from wirewatch.records import Article


def _entities(text: str, lang: str = "fr") -> list:
    art = Article(source="t.txt", text=text, published="2024-03-01", language=lang)
    list(runtime.annotate([art], components=("entities",)))
    return art.entities


def _people(text: str) -> dict[str, list[str]]:
    return {e.name: e.roles for e in _entities(text) if e.type == "PERSON"}


@pytest.mark.parametrize(("text", "name", "role"), [
    ("Le ministre de l'Éducation Ali Koné a annoncé la fermeture des écoles de Ségou.",
     "Ali Koné", "ministre de l'Éducation"),
    ("La porte-parole du gouvernement Fatoumata Bintou Diallo a dénoncé une attaque contre un convoi.",
     "Fatoumata Bintou Diallo", "porte-parole du gouvernement"),
    ("Le ministre des Affaires étrangères Abdoulaye Sangaré s'est rendu à Dakar samedi.",
     "Abdoulaye Sangaré", "ministre des Affaires étrangères"),
    ("Hier, le président de la République Emmanuel Kaboré a reçu les syndicats.",
     "Emmanuel Kaboré", "président de la République"),
])
def test_a_title_and_its_complement_are_never_inside_the_name(text, name, role):
    people = _people(text)
    assert name in people, people
    assert role in people[name]
    for other in people:
        assert other == name or not other.endswith(name.split()[-1]), people
    for e in _entities(text):  # no "ministre de l'" organisation, no "Éducation Ali" person
        assert not e.name.lower().startswith(role.split()[0]), e


def test_a_title_with_only_a_place_or_an_institution_names_nobody():
    text = "Le ministre de la Défense du Mali a démenti ces informations mercredi soir."
    ents = _entities(text)
    assert not [e for e in ents if e.type == "PERSON"], ents
    assert any(e.name == "Mali" and e.type in {"GPE", "LOC"} for e in ents), ents


@pytest.mark.parametrize(("text", "name"), [
    ("« Le dialogue doit reprendre », a indiqué El-Ghassim Ouane, chef de la mission à Gao.", "El-Ghassim Ouane"),
    ("« C'est une honte », lance Moussa ag Intallah, un notable de la région de Kidal.", "Moussa ag Intallah"),
    ("« Nous avons faim », confie Mariam Sy, une vendeuse du marché de Mopti.", "Mariam Sy"),
])
def test_a_name_after_a_verb_of_saying_is_a_whole_person(text, name):
    people = _people(text)
    assert name in people, people


def test_a_hyphenated_given_name_is_kept_whole():
    people = _people("Selon Jean-Baptiste Ouédraogo, les pluies sont arrivées trop tard à Kaya.")
    assert "Jean-Baptiste Ouédraogo" in people, people


@pytest.mark.parametrize("text", [
    "Considérez ceci : les routes sont coupées depuis trois semaines.",
    "Articles recommandés. Les routes sont coupées depuis trois semaines.",
    "Mercredi, les routes étaient encore coupées entre Gao et Ansongo.",
])
def test_sentence_openers_that_are_no_names(text):
    first = text.split()[0].strip(",.:")
    assert all(e.name != first for e in _entities(text)), _entities(text)


def test_a_known_place_after_a_verb_of_saying_stays_a_place():
    ents = _entities("« Nous ne céderons pas », a répondu Bamako dans un communiqué publié lundi.")
    assert not any(e.type == "PERSON" and e.name == "Bamako" for e in ents), ents


def test_a_noun_after_an_article_is_no_verb_of_saying():
    ents = _entities("La menace Boko Haram pèse toujours sur la région du lac Tchad.")
    assert not any(e.type == "PERSON" and "Boko" in e.name for e in ents), ents


def test_the_rules_are_data_of_the_language():
    assert context.rules("fr") is not None
    assert "ministre" in context.rules("fr")["role_words"]
    assert context.rules("en") is None  # English keeps its own rules in code; nothing here runs on it


@pytest.mark.parametrize(("text", "name", "title"), [
    ("Le ministre de l'Éducation Ali Koné a visité Ségou lundi avec le maire Oumar Sidibé. La ville manque "
     "d'enseignants. « Nous allons recruter », a promis le ministre.", "Ali Koné", "le ministre"),
    ("La porte-parole du gouvernement, Fatoumata Diallo, a reçu les syndicats. Selon la porte-parole, "
     "« rien n'est encore décidé ».", "Fatoumata Diallo", "la porte-parole"),
    ("Sylvain Kouamé, un analyste politique, suit la crise depuis 2010. Le président Alassane Ouattara a promis "
     "des réformes. « Le pays est fatigué », estime l'analyste.", "Sylvain Kouamé", "l'analyste"),
])
def test_a_definite_title_alone_is_a_mention_of_the_person_who_holds_it(text, name, title):
    ents = {e.name: [m.text for m in e.mentions] for e in _entities(text) if e.type == "PERSON"}
    assert title in ents.get(name, []), ents
    assert all(title not in ms for n, ms in ents.items() if n != name), ents


def test_a_title_nobody_named_before_holds_stays_unresolved():
    ents = _entities("Le maire Oumar Sidibé a reçu les familles. « Nous ferons tout », a promis le ministre.")
    assert all("le ministre" not in [m.text for m in e.mentions] for e in ents), ents


def test_an_organisation_that_goes_on_after_an_ampersand_is_no_person():
    ents = _entities("« Les taux montent », explique Ana Ruiz, économiste à la division Global Markets & Research "
                     "de la banque.")
    assert not any(e.type == "PERSON" and "Global" in e.name for e in ents), ents
