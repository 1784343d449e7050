"""French attribution rules of the quotes component (issue 15, session 5).

Every text here is written for these tests; each rule is about the language, not about one article:
an incise whose verb is followed by an addressee ("a déclaré à la BBC le ministre ..."), pronouns
resolved to the person the discourse last brought on with the pronoun's gender, a role noun folded
into the name written with its complement ("Le porte-parole du gouvernement, X"), reflexive cue
verbs ("s'est réjoui"), and the gender of a person read from elided pronouns ("qu'elle").
"""

from __future__ import annotations

import pytest

from wirewatch.nlp import runtime
from wirewatch.nlp.quotes import speakers
from wirewatch.records import Article, Entity, Mention


def _speakers(text: str) -> dict[str, str | None]:
    art = Article(source="t.txt", text=text, published="2024-03-01", language="fr")
    list(runtime.annotate([art]))
    return {q.text: q.speaker for q in art.quotes if q.direct}


def _speaker_of(text: str, quote_start: str) -> str:
    got = _speakers(text)
    hits = [s for q, s in got.items() if q.startswith(quote_start)]
    assert hits, f"no quote starting {quote_start!r} in {sorted(got)}"
    return hits[0] or ""


@pytest.mark.parametrize(("text", "quote", "who", "not_who"), [
    ("« Nous irons jusqu'au bout », a déclaré à la BBC le ministre malien de la Défense, Sadio Camara.",
     "Nous irons", "Camara", "BBC"),
    ("« La situation est calme à Gao », a indiqué à l'AFP un responsable local, Moussa Diallo.",
     "La situation", "Diallo", "AFP"),
    ("« Les écoles rouvriront lundi », a assuré aux journalistes Aminata Traoré, la ministre de l'Éducation.",
     "Les écoles", "Traoré", "journalistes"),
])
def test_an_incise_with_an_addressee_takes_the_inverted_subject_after_it(text, quote, who, not_who):
    speaker = _speaker_of(text, quote)
    assert who in speaker and not_who not in speaker


@pytest.mark.parametrize(("text", "who", "not_who"), [
    ("« Le dialogue reste ouvert », a déclaré jeudi le président Mohamed Bazoum.", "Bazoum", "jeudi"),
    ("« Le dialogue reste ouvert », a affirmé mardi soir à Niamey le Premier ministre Hama Amadou.", "Amadou", "mardi"),
    ("« Le dialogue reste ouvert », a écrit dimanche dans un communiqué le porte-parole Amadou Abdramane.",
     "Abdramane", "communiqué"),
])
def test_time_words_and_circumstances_between_an_incise_verb_and_its_subject_are_skipped(text, who, not_who):
    speaker = _speaker_of(text, "Le dialogue")
    assert who in speaker and not_who not in speaker


def test_a_subject_with_a_place_complement_and_a_relative_clause_is_the_person_not_the_place():
    speaker = _speaker_of("Un habitant de Gao, qui a requis l'anonymat, raconte : « Les tirs ont duré toute la nuit. »",
                          "Les tirs")
    assert "habitant" in speaker and speaker != "Gao"



@pytest.mark.parametrize(("text", "who"), [
    ("Mariam Sangaré a rencontré Issa Koné au marché de Mopti. « La route est coupée depuis mardi », dit-elle.",
     "Sangaré"),
    ("Le chanteur Salif Kanté a reçu la présentatrice Awa Bâ dans son studio. "
     "« Nous avons parlé de la saison des pluies », raconte-t-elle.", "Bâ"),
    ("La ministre Aïssata Touré a reçu le président Karim Keïta. « Nous avons parlé de l'école », a-t-elle expliqué.",
     "Touré"),
    ("Le président Karim Keïta a reçu la ministre Aïssata Touré. « Nous avons parlé de l'école », a-t-il expliqué.",
     "Keïta"),
])
def test_a_pronoun_is_the_person_last_brought_on_with_its_gender(text, who):
    assert who in _speaker_of(text, "Nous avons" if "Nous avons" in text else "La route")


def test_a_pronoun_after_a_newly_introduced_speaker_is_not_the_story_s_main_person():
    text = ("Le président Ibrahim Sow a inauguré l'usine de Kayes. « C'est un grand jour », a déclaré M. Sow. "
            "M. Sow a ensuite visité les ateliers. Alex Camara, économiste à l'université de Bamako, cite plusieurs "
            "raisons de rester prudent. « La demande d'or reste fragile », dit-il.")
    assert "Camara" in _speaker_of(text, "La demande")


def test_a_role_noun_folds_into_the_name_written_after_the_role_and_its_complement():
    text = ("Le porte-parole du gouvernement, Abdoulaye Maïga, a répondu aux journalistes lundi. "
            "« Le calendrier sera tenu », estime le porte-parole.")
    assert "Maïga" in _speaker_of(text, "Le calendrier")
    text = ("Le ministre de la Santé, Fanta Sidibé, était à Ségou jeudi. "
            "« Les vaccins arrivent la semaine prochaine », a assuré la ministre à la radio nationale.")
    assert "Sidibé" in _speaker_of(text, "Les vaccins")


@pytest.mark.parametrize("quote, verb, speaker", [
    *(("« C'est une victoire pour tout le pays »", v, "le capitaine de l'équipe, Amadou Haïdara")
      for v in ("s'est réjoui", "s'est félicité", "s'est indigné")),  # reflexive verbs of saying
    *(("« Je ne suis pas candidat »", v, "l'ancien président Mahamadou Issoufou")
      for v in ("a tranché", "a rétorqué", "se souvient")),  # more verbs of saying of French news
])
def test_reflexive_and_other_verbs_of_saying_of_french_news_are_cues(quote, verb, speaker):
    text = f"{quote}, {verb} {speaker}."
    assert speaker.split()[-1] in _speaker_of(text, quote[2:12])


def test_an_elided_pronoun_shows_a_person_s_gender():
    text = "Liz Brown a expliqué qu'elle serait prête à partir. Tom Green a dit qu'il resterait."
    ents = [Entity(name="Liz Brown", type="PERSON", mentions=[Mention("Liz Brown", 0, 9)]),
            Entity(name="Tom Green", type="PERSON", mentions=[Mention("Tom Green", 52, 61)])]
    assert text[52:61] == "Tom Green"
    assert speakers.person_genders(text, ents, "fr") == {"Liz Brown": "f", "Tom Green": "m"}


def test_english_attributions_are_unchanged_by_the_french_rules():
    art = Article(source="t.txt", text=("Mary Jones met Tom Smith in Leeds. \u201cThe road is closed,\u201d she said."),
                  published="2024-03-01", language="en")
    list(runtime.annotate([art]))
    quote = next(q for q in art.quotes if q.direct)
    assert "Jones" in (quote.speaker or "")


def test_an_object_clitic_between_the_quote_and_its_incise_verb():
    text = "« Nous manquons de tout », nous a confié le maire de Djibo, Ousmane Dicko."
    assert "Dicko" in _speaker_of(text, "Nous manquons")


def test_a_partial_quote_in_a_sentence_opened_by_selon_is_the_source_s():
    text = ("Selon Ibrahim Maïga, chercheur à l'Institut d'études de sécurité, la junte « joue la montre ». "
            "Les élections ont été reportées deux fois.")
    assert "Maïga" in _speaker_of(text, "joue la montre")


def test_a_role_noun_of_french_news_is_a_person():
    text = ("Le chef de la mission, Ali Wane, est arrivé lundi à Gao. "
            "« La protection des civils reste notre priorité », a insisté le diplomate.")
    speaker = _speaker_of(text, "La protection")
    assert speaker and "Gao" not in speaker


def test_a_noun_spelled_like_a_verb_of_saying_is_no_cue():
    text = ("Un commerçant a critiqué les nouvelles règles. Une autre de renchérir : « Le stade coûte trop cher pour "
            "nous. » L'annonce de ces mesures n'a pas eu l'effet escompté.")
    speaker = _speaker_of(text, "Le stade coûte")
    assert "mesures" not in speaker


def test_a_name_after_a_verb_of_saying_is_a_person_for_a_later_pronoun():
    text = ("C'est une nouvelle mode sur les réseaux sociaux, explique Ronke. Les jeunes se filment en pyjama. "
            "« Ils se maquillent pour rester à la maison », dit-elle en riant.")
    assert "Ronke" in _speaker_of(text, "Ils se maquillent")


def test_a_feminine_pronoun_never_goes_to_a_man_the_article_shows_as_one():
    text = ("« Les routes sont coupées », a expliqué Moussa Traoré, un commerçant de Mopti. Sa voisine vend du "
            "poisson au marché depuis vingt ans. « Je n'ai plus de clients », raconte-t-elle.")
    assert "Traoré" not in (_speaker_of(text, "Je n'ai plus") or "")
    assert "Traoré" in _speaker_of(text, "Les routes")


@pytest.mark.parametrize(("text", "name", "gender"), [
    ("Moussa Traoré, un commerçant de Mopti, attend depuis lundi.", "Moussa Traoré", "m"),
    ("Awa Bâ, une ancienne ministre, attend depuis lundi.", "Awa Bâ", "f"),
    ("Ali Koné, la semaine dernière, attendait encore.", "Ali Koné", None),
])
def test_the_article_of_an_apposed_title_shows_the_gender(text, name, gender):
    ents = [Entity(name=name, type="PERSON", mentions=[Mention(name, 0, len(name))])]
    assert speakers.person_genders(text, ents, "fr").get(name) == gender
