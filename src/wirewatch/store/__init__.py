"""The store: an embedded DuckDB file (the only module that runs SQL)."""

from .db import Batch, Store, default_path, migrations
from . import queries

__all__ = ["Batch", "Store", "default_path", "migrations", "queries"]
