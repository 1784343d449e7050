"""The report as Markdown that reads well in a terminal (and renders in any Markdown viewer).

Article-derived text is hostile input: it is flattened to one line and stripped of what would
make a Markdown viewer render HTML or links ("<", ">", "[", "]", "|", backticks).
"""

from __future__ import annotations

from typing import Any

from .build import Report
from .charts import bin_volume, text_bars
from .timeline import most_important

MAX_ITEMS = 60
MAX_BACKGROUND = 15
_ESC = str.maketrans({"<": "‹", ">": "›", "[": "(", "]": ")", "|": "/", "`": "'"})


def md(value: Any, *, limit: int | None = None) -> str:
    """One safe line of article-derived text."""
    text = " ".join(str(value if value is not None else "").split()).translate(_ESC)
    if limit and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def _actor(a: dict[str, Any] | None) -> str:
    if not a:
        return "?"
    extra = "/".join(x for x in (a.get("country"), a.get("sector")) if x)
    return md(a["name"]) + (f" ({md(extra)})" if extra else "")


def _source_line(s: dict[str, Any]) -> str:
    bits = [f"\"{md(s.get('title') or 'untitled', limit=90)}\""]
    meta = ", ".join(md(x) for x in (s.get("agency"), s.get("published")) if x)
    if meta:
        bits.append(f"({meta})")
    if s.get("copies", 1) > 1:
        bits.append(f"×{s['copies']} copies")
    if s.get("language") and s["language"] != "en":
        bits.append(f"[{md(str(s['language']).upper())}]")  # the language the item is written in
    if s.get("url"):
        bits.append(md(s["url"]))
    return " ".join(bits)


def _header(r: Report) -> list[str]:
    c = r.counts
    period = " to ".join(x for x in (r.period.get("first_published"), r.period.get("last_published")) if x)
    how = {"names": "named in entities, places or event actors", "fulltext": "full-text match",
           "none": "nothing matched"}[r.match["method"]]
    lines = [f"# Situation report: {md(r.query)}", "",
             f"Generated {r.generated_at}. Coverage: {period or 'no dated articles'}"
             + (f" (filtered: since {r.period['since'] or '…'} until {r.period['until'] or '…'})"
                if r.period.get("since") or r.period.get("until") else "") + ".",
             f"Matched {c.get('articles', 0)} copies of {c.get('stories', 0)} stories reporting "
             f"{c.get('events', 0):,} distinct events ({how}"
             + (f"; country {r.match['country']}" if r.match.get("country") else "") + ")"
             + (f": {c.get('developments', 0):,} developments and {c['background']:,} earlier events cited as "
                "background" if c.get("background") else "") + "."]
    return lines


def _event_line(e: dict[str, Any]) -> str:
    return (f"{e.get('date') or 'undated'}: {md(e.get('plover') or e.get('type') or 'event')} "
            f"{md(e.get('source') or '?')} → {md(e.get('target') or '?')}: {md(e.get('text'), limit=160)}")


def _new(r: Report) -> list[str]:
    ns = r.new_since
    out = ["", f"## What is new since {ns.get('since') or '—'} ({md(ns.get('basis'))})", "",
           md(ns.get("summary") or "Nothing new.")]
    stories, events = ns.get("stories", []), ns.get("events", [])
    if stories:
        out += ["", "Most reported and most recent new stories:"]
        out += [f"- {_source_line(s)}" for s in stories]
        more = (ns.get("stories_total") or len(stories)) - len(stories)
        if more > 0:
            out.append(f"- +{more:,} more")
    if events:
        out += ["", "Most reported new developments:"]
        out += [f"- {_event_line(e)}" + (f" ({e['stories']} stories)" if e.get("stories", 1) > 1 else "")
                for e in events]
        more = (ns.get("events_total") or 0) - (ns.get("background_total") or 0) - len(events)
        if more > 0:
            out.append(f"- +{more:,} more")
    return out


def _background(r: Report) -> list[str]:
    if not r.background:
        return []
    total = r.counts.get("background", len(r.background))
    top = sorted(r.background, reverse=True,  # most cited, then most recent
                 key=lambda it: (it.get("stories", 0), it.get("date") or ""))[:MAX_BACKGROUND]
    out = ["", "## Background: earlier events the coverage cites", "",
           f"{total:,} events dated well before the stories that mention them; the most cited:", ""]
    for it in sorted(top, key=lambda it: it.get("date") or ""):
        kind = " / ".join(md(x) for x in (it.get("type"), it.get("plover")) if x) or "event"
        cited = f" (cited by {it['stories']} stories)" if it.get("stories", 1) > 1 else ""
        out.append(f"- **{it.get('date')}** [{kind}] {_actor(it.get('source'))} → {_actor(it.get('target'))}: "
                   f"{md(it.get('text'), limit=200)}{cited}")
    if total > len(top):
        out.append(f"- +{total - len(top):,} more")
    return out


def _timeline(r: Report) -> list[str]:
    out = ["", "## Timeline of developments", ""]
    if not r.timeline:
        return out + ["No events or stories."]
    items = most_important(r.timeline, MAX_ITEMS)
    total = max(len(r.timeline), r.counts.get("developments") or 0)
    if total > len(items):
        out += [f"The {len(items)} most reported of {total:,} developments (events with known actors and "
                "their own dates first), by date; the HTML and JSON forms hold more.", ""]
    for it in items:
        when = it.get("date") or "undated"
        if it["kind"] == "event":
            basis = " (publication date)" if it.get("date_basis") == "published" else ""
            kind = " / ".join(md(x) for x in (it.get("type"), it.get("plover")) if x) or "event"
            where = f" in {md(it['place'])}" if it.get("place") else ""
            out.append(f"- **{when}**{basis} [{kind}] {_actor(it.get('source'))} → {_actor(it.get('target'))}{where}")
            out.append(f"  > {md(it.get('text'), limit=300)}")
            out.append(f"  sources: {it['stories']} stories, {it['reports']} reports")
            if it.get("conflicting_dates"):  # one happening, dated otherwise by some reports
                out.append(f"  also dated by its reports: {', '.join(md(d) for d in it['conflicting_dates'])}")
            for s in it.get("sources", []):
                out.append(f"  - {_source_line(s)}")
        else:
            out.append(f"- **{when}** story: {_source_line(it)}")
            if it.get("lead"):
                out.append(f"  > {md(it['lead'], limit=400)}")
    return out


def _actors(r: Report) -> list[str]:
    out = ["", "## Key actors", ""]
    if not r.actors:
        return out + ["None found."]
    out += ["Ranked by the events they take part in and the stories naming them; short names, spelling "
            "variants and nationality adjectives are counted with the actor they name.", "",
            "| Actor | Type | Roles | Stories | Acts (source/target) | Also named |", "|---|---|---|---:|---:|---|"]
    for a in r.actors:
        roles = "; ".join(md(x, limit=50) for x in a.get("roles", []))
        also = ", ".join(md(x, limit=40) for x in a.get("aliases", [])[:4])
        out.append(f"| {md(a['name'])} | {md(a.get('type'))} | {roles} | {a['stories']} | "
                   f"{a['as_source']}/{a['as_target']} | {also} |")
    return out


def _quotes(r: Report) -> list[str]:
    out = ["", "## Stated positions (quotes by speaker)", ""]
    n_un = r.counts.get("unattributed_quotes") or 0
    if n_un:
        out += [f"{n_un:,} further quotes have no named speaker (no speaker found, or only a pronoun or a "
                "nationality) and are not shown as anyone's position.", ""]
    if not r.quotes:
        return out + ["No attributed quotes."]
    for g in r.quotes:
        roles = f", {'; '.join(md(x) for x in g['roles'])}" if g.get("roles") else ""
        shown = len(g["quotes"])
        more = f"; {shown} shown, direct quotes first, newest first" if shown < g["quotes_total"] else ""
        out.append(f"### {md(g['speaker'])}{roles} — {g['quotes_total']} quotes in {g['stories']} stories{more}")
        for q in g["quotes"]:
            mark = "" if q.get("direct") else " (paraphrase)"
            out.append(f"- \"{md(q['text'], limit=300)}\"{mark} — {_source_line(q)}")
        out.append("")
    return out


def _interactions(r: Report) -> list[str]:
    out = ["", "## Who does what to whom (distinct developments)", ""]
    if not r.interactions:
        return out + ["No coded interactions."]
    out += ["| Source | Action (PLOVER) | Target | Events | Dates |", "|---|---|---|---:|---|"]
    for i in r.interactions:
        dates = "–".join(dict.fromkeys(x for x in (i.get("first_date"), i.get("last_date")) if x))
        out.append(f"| {md(i.get('source') or '?')} | {md(i['plover'])} | {md(i.get('target') or '?')} | "
                   f"{i['events']} | {dates} |")
    totals = r.counts.get("plover") or {}
    if totals:
        out += ["", "By type: " + ", ".join(f"{md(k)} {v}" for k, v in totals.items())]
    return out


def _places(r: Report) -> list[str]:
    out = ["", "## Places", ""]
    if not r.places:
        return out + ["No places."]
    out += ["| Place | Country | Stories | Mentions | Lat, lon |", "|---|---|---:|---:|---|"]
    for p in r.places:
        ll = f"{p['lat']:.2f}, {p['lon']:.2f}" if p.get("lat") is not None and p.get("lon") is not None else ""
        out.append(f"| {md(p['name'])} | {md(p.get('country') or '')} | {p['stories']} | "
                   f"{p.get('mentions') or 0} | {ll} |")
    return out


def _volume(r: Report) -> list[str]:
    out = ["", "## Coverage volume", "", "`#` stories (a story counts once), `.` further copies", "", "```"]
    lines = text_bars(bin_volume(r.volume))
    return out + (lines or ["no dated coverage"]) + ["```"]


def render_markdown(report: Report) -> str:
    """The whole report as Markdown text."""
    parts = (_header, _new, _timeline, _background, _actors, _quotes, _interactions, _places, _volume)
    return "\n".join(line for part in parts for line in part(report)) + "\n"
