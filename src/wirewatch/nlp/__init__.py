"""NLP stage: entities, places, quotes, dates and events on top of spaCy."""

from .runtime import annotate, load_model

__all__ = ["annotate", "load_model"]
