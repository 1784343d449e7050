"""The NLP runtime: component order, failure isolation, and memory that stays bounded."""

from __future__ import annotations

import logging

import pytest

from wirewatch.nlp import runtime
from wirewatch.records import Article


def _article(text: str, source: str = "t.txt") -> Article:
    return Article(id=source, source=source, text=text, published="2024-03-05")


def test_components_run_in_an_order_that_satisfies_their_needs():
    runtime._check_order(runtime.PIPELINE)
    backwards = tuple(reversed(runtime.PIPELINE))
    with pytest.raises(RuntimeError, match="needs"):
        runtime._check_order(backwards)


def test_a_failing_component_costs_its_field_not_the_article(nlp, monkeypatch, caplog):
    real = runtime._annotators

    def broken():
        steps = real()

        def boom(doc, art):
            raise ValueError("broken on purpose")

        return [(name, boom if name == "quotes" else fn) for name, fn in steps]

    monkeypatch.setattr(runtime, "_annotators", broken)
    art = _article('“We will stay,” said Amina Diallo, the mayor of Bamako, on Monday.')
    with caplog.at_level(logging.WARNING, logger="wirewatch.nlp.runtime"):
        out = list(runtime.annotate([art]))
    assert out == [art]
    assert art.quotes == []
    assert any(e.name == "Amina Diallo" for e in art.entities)
    assert [d for d in art.dates if d.value == "2024-03-04"]
    assert "nlp component quotes failed on t.txt" in caplog.text


def test_string_store_does_not_grow_with_each_new_text(nlp):
    def made_up_words(k: int) -> str:
        words = " ".join(f"Zorblax{k}x{i}" for i in range(40))
        return f"Officials said {words} arrived in Nairobi on Tuesday."

    list(runtime.annotate([_article(made_up_words(0))]))  # first use may intern lasting strings
    before = len(nlp.vocab.strings)
    for k in range(1, 6):
        list(runtime.annotate([_article(made_up_words(k), source=f"t{k}.txt")]))
    # 200 never-seen tokens went through the model; none of them stays interned
    assert len(nlp.vocab.strings) - before < 10
    assert "Zorblax3x7" not in nlp.vocab.strings


def test_batches_close_at_a_character_budget_and_keep_order():
    arts = [_article("x" * n, source=f"a{i}.txt") for i, n in enumerate([100, 100, 900, 50, 2000, 10, 10, 10])]
    batches = list(runtime._budgeted(arts, 3, 1000))
    assert [a for b in batches for a in b] == arts
    assert [len(b) for b in batches] == [2, 2, 1, 3]  # 100+100 | 900+50 | 2000 alone | 10+10+10
    assert all(sum(len(a.text) for a in b) <= 1000 for b in batches if len(b) > 1)


def test_results_do_not_depend_on_how_texts_are_batched(nlp):
    texts = ['“We will stay,” said Amina Diallo, the mayor of Bamako, on Monday.',
             "Kofi Mensah, the army chief, said troops left Lagos last week.",
             "Officials in Kenya said on Friday that floods displaced thousands of families."]

    def run(**kw):
        arts = [_article(t, source=f"b{i}.txt") for i, t in enumerate(texts)]
        return [a.to_dict() for a in runtime.annotate(arts, **kw)]

    assert run(batch_size=8) == run(batch_size=1) == run(batch_size=8, max_batch_chars=80)


def test_articles_in_a_language_without_a_model_keep_empty_nlp_fields(nlp):
    german = _article("Der Minister sagte am Montag in Bamako, die Wahlen finden im März statt.", "de.txt")
    german.language = "de"
    english = _article("Kofi Mensah, the army chief, said troops left Lagos last week.", "en.txt")
    english.language = "en"
    unknown = _article("Amina Diallo arrived in Nairobi.", "unknown.txt")
    out = list(runtime.annotate([german, english, unknown]))
    assert out == [german, english, unknown]
    assert german.entities == [] and german.places == [] and german.dates == [] and german.events == []
    assert any(e.name == "Kofi Mensah" for e in english.entities)
    assert any(e.name == "Amina Diallo" for e in unknown.entities)


def test_each_language_gets_its_own_model_in_input_order(nlp):
    french = _article("Le ministre Amadou Koné a quitté Bamako hier.", "fr.txt")
    french.language = "fr"
    english = _article("Kofi Mensah, the army chief, said troops left Lagos yesterday.", "en.txt")
    english.language = "en"
    out = list(runtime.annotate([french, english]))
    assert out == [french, english]
    assert [d.value for d in english.dates] == ["2024-03-04"]
    fr_model = runtime.load_model(lang="fr")
    assert fr_model.lang == "fr" and nlp.lang == "en"
    assert fr_model is runtime.load_model(lang="fr")  # once per process


def test_the_model_table_is_data_and_an_unknown_language_is_a_usage_error(monkeypatch):
    assert set(runtime.MODELS) >= {"en", "fr"}
    monkeypatch.setenv("WIREWATCH_SPACY_MODEL_FR", "some_custom_fr_model")
    assert runtime.model_name("fr") == "some_custom_fr_model"
    assert runtime.has_model("xx") is False
    with pytest.raises(runtime.UsageError, match="no spaCy model is configured for language 'xx'"):
        runtime.model_name("xx")


def test_a_language_whose_model_cannot_load_keeps_its_articles(nlp, monkeypatch, caplog):
    monkeypatch.setitem(runtime.MODELS, "zz", ("no_such_spacy_package_zz",))
    odd = _article("Some words that nobody will parse here.", "zz.txt")
    odd.language = "zz"
    english = _article("Kofi Mensah said troops left Lagos yesterday.", "en.txt")
    with caplog.at_level(logging.WARNING, logger="wirewatch.nlp.runtime"):
        out = list(runtime.annotate([odd, english]))
    assert out == [odd, english] and odd.entities == [] and english.dates
    assert "no spaCy model for language 'zz' is installed" in caplog.text


def test_lemmatizer_cache_stays_bounded(nlp, monkeypatch):
    monkeypatch.setattr(runtime, "LEMMA_CACHE_MAX", 50)
    text = "Officials said " + " ".join(f"Quorvant{i} arrived" for i in range(60)) + " in Nairobi."
    first = _article(text, "l1.txt")
    list(runtime.annotate([first]))
    assert len(nlp.get_pipe("lemmatizer").cache) <= 50
    again = _article(text, "l2.txt")
    list(runtime.annotate([again]))
    assert again.to_dict() | {"id": "", "source": ""} == first.to_dict() | {"id": "", "source": ""}


def test_the_collector_is_paused_only_inside_a_batch_and_lasting_objects_are_frozen(nlp, monkeypatch):
    import gc

    seen = []
    real = runtime._annotators

    def spy():
        return [(name, lambda doc, art, fn=fn: (seen.append(gc.isenabled()), fn(doc, art))) for name, fn in real()]

    monkeypatch.setattr(runtime, "_annotators", spy)
    arts = [_article(f"Officials said {k} soldiers arrived in Nairobi on Tuesday.", f"g{k}.txt") for k in range(5)]
    assert gc.isenabled()
    out = []
    for art in runtime.annotate(arts, batch_size=2):
        out.append(art)
        assert gc.isenabled()  # the caller's code between articles runs with the collector on
    assert out == arts and all(a.entities for a in arts)
    assert seen and not any(seen[len(runtime.PIPELINE) * 2:])  # paused while later batches are annotated
    assert gc.get_freeze_count() > 0
    gc.disable()
    try:
        list(runtime.annotate([_article("The army said on Monday it left Gao.", "h.txt")]))
        assert not gc.isenabled()  # a caller that switched it off keeps it off
    finally:
        gc.enable()


def test_a_paused_collector_is_restored_as_found_even_when_nested():
    import gc

    from wirewatch.nlp.docutil import collector_paused

    assert gc.isenabled()
    with collector_paused():
        with collector_paused():  # e.g. the gazetteer loaded while a batch is being annotated
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not switch it back on
    assert gc.isenabled()
