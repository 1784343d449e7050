"""The report as ONE self-contained HTML file: inline CSS, inline SVG map and chart, a little JS.

Articles are hostile input.  Jinja2 autoescaping covers every text node and attribute; the SVG
builders escape their labels themselves; links are kept only for http(s) URLs; and a
Content-Security-Policy forbids any network fetch and any script but ours (pinned by hash), so
even a missed escape could not load or run anything.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

import jinja2
from markupsafe import Markup

from .build import Report, safe_url
from .charts import bin_volume, volume_svg
from .worldmap import map_svg

SCRIPT = """
(function () {
  var box = document.getElementById('filter');
  if (!box) { return; }
  box.addEventListener('input', function () {
    var q = box.value.toLowerCase();
    var items = document.querySelectorAll('#timeline li.item');
    var shown = 0;
    for (var i = 0; i < items.length; i++) {
      var hit = !q || items[i].textContent.toLowerCase().indexOf(q) >= 0;
      items[i].style.display = hit ? '' : 'none';
      if (hit) { shown++; }
    }
    document.getElementById('shown').textContent = shown;
  });
})();
""".strip()


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("wirewatch", "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["safe_url"] = safe_url
    env.filters["clip"] = lambda s, n=300: (s if s is None or len(str(s)) <= n else str(s)[: n - 1] + "…")
    return env


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'")


def render_html(report: Report) -> str:
    """The whole report as one HTML document."""
    bins = bin_volume(report.volume)
    return _env().get_template("report.html.j2").render(
        r=report, csp=_csp(), script=Markup(SCRIPT),
        map_svg=Markup(map_svg(report.places)), chart_svg=Markup(volume_svg(bins)),
        bins=bins, plover=report.counts.get("plover") or {})
