"""French pages end to end: the French model, cleaning and metadata, quotes, dates (issue 15).

The fixture is a fictional wire story written for these tests (tests/fixtures/fr-bamako-transition.txt).
"""

from __future__ import annotations

import pytest

from wirewatch.clean import clean_document
from wirewatch.nlp import quotes as Q
from wirewatch.nlp import runtime
from wirewatch.records import Article, Document


@pytest.fixture(scope="module")
def story(fixtures) -> Article:
    raw = (fixtures / "fr-bamako-transition.txt").read_text(encoding="utf-8")
    art = clean_document(Document(source="fr-bamako-transition.txt", content=raw, format="text"))
    list(runtime.annotate([art]))
    return art


def _article(text: str, published: str = "2020-11-15") -> Article:
    art = Article(source="t.txt", text=text, published=published, language="fr")
    list(runtime.annotate([art]))
    return art


def test_a_french_page_is_annotated_with_the_french_model(story):
    assert story.language == "fr"
    assert runtime.load_model(lang="fr").lang == "fr"
    assert any(e.type == "PERSON" and "Goïta" in e.name for e in story.entities)


def test_french_quotes_with_guillemets_incises_and_continuations(story):
    direct = [q for q in story.quotes if q.direct]
    texts = {q.text: q for q in direct}
    first = texts["Nous tiendrons nos engagements"]
    assert "Goïta" in (first.speaker or "") and first.cue == "déclaré"
    follow = texts["Le calendrier électoral sera publié le mois prochain."]
    assert follow.speaker == first.speaker  # a quote with no cue continues the previous one
    martele = texts["La situation s'améliore"]
    assert "Konaté" in (martele.speaker or "") and martele.cue == "martelé"


def test_selon_introduces_reported_speech_with_its_source(story):
    selon = [q for q in story.quotes if q.cue == "selon"]
    assert selon and "Diarra" in (selon[0].speaker or "") and not selon[0].direct
    assert selon[0].text.startswith("les discussions ont porté")


def test_partial_quote_in_a_sentence_takes_the_sentence_subject(story):
    partial = next(q for q in story.quotes if q.text == "sans fin")
    assert partial.speaker and "opposition" in partial.speaker.lower()


def test_guillemets_with_non_breaking_spaces_and_straight_marks():
    text = ("Le ministre Amadou Koné s'est exprimé lundi.\n\n"
            "«\u00a0Nous ne céderons pas\u00a0», a-t-il dit.\n\n"
            '"Les écoles rouvriront", a indiqué Mme Aïcha Sow, la directrice.')
    art = _article(text)
    got = {q.text: q.speaker for q in art.quotes if q.direct}
    assert "Koné" in (got["Nous ne céderons pas"] or "")
    assert "Sow" in (got["Les écoles rouvriront"] or "")


def test_an_uncued_quote_after_a_newly_introduced_person_is_hers_not_the_previous_speakers():
    text = ("Le maire Oumar Traoré a inauguré le marché samedi.\n\n"
            "« Ce marché nous manquait depuis des années », a-t-il déclaré.\n\n"
            "Selon la commerçante Awa Kéita, les prix ont déjà baissé.\n\n"
            "« Je vends deux fois plus de mangues qu'avant. »")
    got = {q.text: q.speaker for q in _article(text).quotes if q.direct}
    assert "Traoré" in (got["Ce marché nous manquait depuis des années"] or "")
    assert "Kéita" in (got["Je vends deux fois plus de mangues qu'avant."] or "")


def test_a_role_noun_speaker_folds_into_the_name_it_was_apposed_to():
    text = ("Les prix du riz ont doublé, a expliqué Fatoumata Diallo, économiste à l'université de Bamako, "
            "lors d'un entretien.\n\n"
            "« La récolte a été mauvaise partout dans la région », souligne l'économiste.")
    got = {q.text: q.speaker for q in _article(text).quotes if q.direct}
    assert "Diallo" in (got["La récolte a été mauvaise partout dans la région"] or "")


def test_a_flattened_page_keeps_quotes_apart_where_the_paragraph_break_was_lost():
    spans = Q.quoted_spans('Il a dit : "Depuis mon arrivée, rien. "L\'an dernier, tout a changé", dit-il.')
    assert len(spans) == 2


def test_french_dates_in_an_article(story):
    values = {d.text: d.value for d in story.dates}
    assert values["mardi"] == "2020-11-10"
    assert values["le mois prochain"] == "2020-12"
    assert values["la semaine dernière"] == "2020-W45"
    assert values["2021"] == "2021"


def test_the_quote_words_of_a_language_are_data():
    fr = Q.lexicon("fr")
    assert "marteler" in fr.cue_lemmas and ("selon",) in fr.according
    assert Q.lexicon("xx") == Q.lexicon("en")  # a language without a file reads the default words


def test_french_metadata_and_chrome(story):
    assert story.title == "Mali : la junte promet des élections avant la fin de l'année"
    assert story.authors == ["Awa Keïta"] and story.agency == "AFP"
    assert story.dateline == "Bamako" and story.published == "2020-11-15"
    for chrome in ("Passer au contenu", "Abonnez-vous", "Lire aussi", "Publicité", "Partager", "Publié le"):
        assert chrome not in story.text


def test_french_place_names_are_the_same_places_as_the_english_ones():
    fr = _article("Les ministres de l'Allemagne et de la Côte d'Ivoire se sont rendus en Afrique de l'Ouest, "
                  "où l'armée malienne combat au Sahel.")
    en = Article(source="en.txt", text="Ministers from Germany and Ivory Coast travelled to West Africa.",
                 published="2020-11-15", language="en")
    list(runtime.annotate([en]))
    assert {"Germany", "Ivory Coast"} <= {p.name for p in fr.places} & {p.name for p in en.places}
    # a region keeps the name it was called by, at the same point
    fr_region = next(p for p in fr.places if p.name == "Afrique de l'Ouest")
    en_region = next(p for p in en.places if p.name == "West Africa")
    assert (fr_region.lat, fr_region.lon) == (en_region.lat, en_region.lon)


def test_french_events_have_the_same_types():
    art = _article("Des hommes armés ont attaqué mardi un poste de l'armée près de Tombouctou. "
                   "Des manifestations ont eu lieu jeudi à Bamako.")
    types = {(e.type, e.plover) for e in art.events}
    assert ("ATTACK", "ASSAULT") in types and ("PEACE_PROTEST", "PROTEST") in types


def test_french_event_actors_are_coded_like_the_english_ones():
    fr = _article("L'armée malienne a tué dix rebelles jeudi près de Kidal.\n\n"
                  "Les soldats nigériens ont arrêté trois manifestants lundi à Niamey.")
    en = Article(source="e.txt", text="Mali's army killed ten rebels on Thursday near Kidal.", published="2020-11-15",
                 language="en")
    list(runtime.annotate([en]))

    def coded(art, plover):
        ev = next(e for e in art.events if e.plover == plover)
        return ((ev.source.country, ev.source.sector) if ev.source else None,
                (ev.target.country, ev.target.sector) if ev.target else None)

    assert coded(fr, "ASSAULT") == coded(en, "ASSAULT") == (("ML", "MIL"), (None, "REB"))
    assert coded(fr, "COERCE") == (("NE", "MIL"), (None, "CVL"))


def test_a_report_on_mali_finds_both_languages(tmp_path, fixtures):
    from wirewatch.ingest import ingest
    from wirewatch.report import build_report
    from wirewatch.store import Store

    src = tmp_path / "wire"
    src.mkdir()
    (src / "fr.txt").write_text((fixtures / "fr-bamako-transition.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (src / "en.txt").write_text(
        "BAMAKO, Mali (AP) — Mali's military leaders said on Tuesday that elections would be held next year, "
        "after talks with envoys of the West African bloc in the capital.\n\n"
        "“We will keep our word,” said Col. Assimi Goita, the head of the transition.", encoding="utf-8")
    with Store(tmp_path / "both.duckdb") as store:
        summary = ingest([str(src)], store=store, published="2020-11-15")
        assert summary.stored == 2
        rep = build_report(store.con, "Mali")
    assert rep.counts["articles"] == 2
    # the language is marked where it is not English: JSON items carry it, the renderings tag them
    from wirewatch.report.html import render_html
    from wirewatch.report.markdown import render_markdown

    data = rep.to_dict()
    items = [*data["timeline"], *(s for it in data["timeline"] for s in it.get("sources", [])),
             *(q for g in data["quotes"] for q in g["quotes"])]
    langs = {i.get("language") for i in items}
    assert "fr" in langs and "en" in langs
    assert "[FR]" in render_markdown(rep) and "[EN]" not in render_markdown(rep)
    assert '<span class="lang" lang="fr">FR</span>' in render_html(rep)


def test_an_alert_marks_a_story_that_is_not_in_english():
    from wirewatch.alerts.email import render

    msg = {"title": "2 new stories for Mali", "body": "Mali: matched Mali", "unsubscribe": "/u/t", "stories": [
        {"title": "Transition au Mali", "published": "2020-11-15", "agency": "AFP", "language": "fr", "link": "/s/1"},
        {"title": "Mali talks", "published": "2020-11-15", "agency": "AP", "language": "en", "link": "/s/2"}]}
    _, body = render(msg)
    assert "2020-11-15 · AFP · FR" in body and "AP · EN" not in body


def test_a_title_case_dateline_is_read_when_its_city_is_a_known_place():
    from wirewatch.clean.metadata import read_dateline
    from wirewatch.nlp.entities import dateline_span

    assert read_dateline("Ottawa — Le gouvernement fédéral a annoncé lundi un nouveau plan.") == ("Ottawa", None)
    assert read_dateline("Bamako — Les autorités de la transition ont publié le calendrier.") == ("Bamako", None)
    assert read_dateline("Ottawa — The federal government announced a new plan on Monday.") == ("Ottawa", None)
    assert read_dateline("Officials — including the mayor — said the road would reopen.") == (None, None)
    assert read_dateline("Police — who arrived late — said nothing.") == (None, None)
    art = Article(source="t.txt", text="Ottawa — Le gouvernement a annoncé un plan.", dateline="Ottawa", language="fr")
    start, end = dateline_span(art)
    assert art.text[start:end] == "Ottawa — "
