"""The codebook of the event table: every column of ``wirewatch events`` / ``export --table events``
explained, the way ACLED's codebook explains its columns.

This module is the one source: the web app serves it at ``/codebook`` and ``docs/codebook.md`` is
``markdown()`` written out (``python3 -m wirewatch.codebook > docs/codebook.md``; a test checks the two agree
and that every exported column has an entry).
"""

from __future__ import annotations

from dataclasses import dataclass

TITLE = "wirewatch event data: codebook"

INTRO = [
    ("Unit of observation",
     "One row is one distinct event: something an actor did (or that happened) at one time and place, as "
     "reported in the news. However many articles report it - syndicated copies of one wire story, other "
     "outlets' accounts, follow-ups - it is one row, and the columns `reports`, `stories` and `outlets` say "
     "how widely it was reported. Two reports are the same event when they agree on the event type, the PLOVER "
     "class, both actors (country/sector codes, else their normalised names), the event's own date as the "
     "text gives it, and the country of the place (the place name when its country is unknown)."),
    ("Sources and coding",
     "Events are coded automatically from the text of stored articles: a trigger word in a sentence evokes "
     "the event, the sentence's grammar gives the actors, and the article's dates and places give when and "
     "where. Every row keeps the sentence it was coded from (`evidence`) and the article it came from "
     "(`article_id`), so each fact can be checked in context: the web app shows it at `/events/{event_id}`. "
     "Automatic coding makes mistakes that a human coder would not; `confidence` and `path` (where filled) "
     "say how an event was coded."),
    ("Dates",
     "`date` is the event's own date, not the publication date: \"on Tuesday\" in an article published on a "
     "Thursday is the Tuesday before. It is written as precisely as the text allows: a day (`2019-03-12`), a "
     "month (`2019-03`) or a year (`2019`). When the text gives no date, `date` is the publication day of the "
     "first report and `date_basis` is `published`: such dates are an upper bound, the event may be older. "
     "Period filters (`--since`/`--until`) keep an event whose date range overlaps the period (a month-level "
     "date overlaps every day of its month)."),
    ("Geography",
     "`place` is the most specific place the text ties to the event (a town, a region, else a country); "
     "`latitude`/`longitude` are those of its gazetteer entry (GeoNames-derived: a town's centre, a country's "
     "capital or centre), so their precision is that of the named place, never better. Events with no "
     "located place have empty coordinates and are left out of the GeoJSON export."),
    ("Counting",
     "Count rows, not reports: a row is one event however many reports carry it. To weigh events by "
     "attention, use `stories` (distinct stories: syndicated copies count once) or `outlets` (distinct "
     "publishers), not `reports` (every stored copy)."),
]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    meaning: str
    values: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("event_id", "text", "A stable identifier of the event (a hash of the fields that define \"the same "
           "event\", see above). The same event gets the same id in every store and every export.",
           "20 hexadecimal characters"),
    Column("date", "text", "The event's own date, as precise as the text allows (see Dates).",
           "`YYYY-MM-DD`, `YYYY-MM`, `YYYY` or `YYYY-Www` (ISO week)"),
    Column("date_basis", "text", "Where `date` comes from.",
           "`text` (the article says when) or `published` (fallback: the first report's publication day)"),
    Column("status", "text", "Whether the event is reported as having happened, as planned or threatened, or "
           "as background history cited by the news.", "`reported`, `planned`, `background`"),
    Column("event_type", "text", "The event type in the CASE-2021 scheme: ACLED's 25 sub-event types plus "
           "organised crime, natural and man-made disasters, diplomatic acts and attributions of responsibility. "
           "Empty when the event has a PLOVER class but no CASE type (a statement, a meeting).",
           "ABDUCT_DISSAP, AGREEMENT, AIR_STRIKE, ARMED_CLASH, ARREST, ART_MISS_ATTACK, ATTACK, "
           "CHANGE_TO_GROUP_ACT, CHEM_WEAP, DISR_WEAP, FORCE_AGAINST_PROTEST, GOV_REGAINS_TERIT, GRENADE, "
           "HQ_ESTABLISHED, MOB_VIOL, NON_STATE_ACTOR_OVERTAKES_TER, NON_VIOL_TERRIT_TRANSFER, OTHER, PEACE_PROTEST, "
           "PROPERTY_DISTRUCT, PROTEST_WITH_INTER, REM_EXPLOS, SEX_VIOL, SUIC_BOMB, VIOL_DEMONSTR, ORG_CRIME, "
           "NATURAL_DISASTER, MAN_MADE_DISASTER, DIPLO, ATTRIB"),
    Column("plover", "text", "The event class in the PLOVER ontology (the successor of CAMEO): what actor1 did "
           "to actor2, from cooperation to assault.",
           "AGREE, CONSULT, SUPPORT, CONCEDE, COOPERATE, AID, RETREAT, REQUEST, ACCUSE, REJECT, THREATEN, PROTEST, "
           "SANCTION, MOBILIZE, COERCE, ASSAULT"),
    Column("actor1", "text", "Who acted (the initiator), as named in the text, normalised (\"Niger army\", "
           "\"protesters\"). Empty when the text names no one."),
    Column("actor1_country", "text", "ISO 3166-1 alpha-2 code of actor1's country, where known.", "`SY`, `NE`, ..."),
    Column("actor1_sector", "text", "actor1's sector.",
           "GOV government, MIL military, REB rebels/armed groups, COP police, JUD judiciary, OPP opposition, "
           "CVL civilians, IGO inter-governmental organisation, NGO, MED media, BUS business, LAB labour, "
           "EDU education, REF refugees, CRM criminals"),
    Column("actor2", "text", "Who was acted upon (the target), as for actor1."),
    Column("actor2_country", "text", "ISO 3166-1 alpha-2 code of actor2's country.", "as actor1_country"),
    Column("actor2_sector", "text", "actor2's sector.", "as actor1_sector"),
    Column("place", "text", "The most specific place the text ties to the event (see Geography)."),
    Column("admin1", "text", "The first-level administrative division (province, governorate) of `place`, "
           "where the gazetteer records one; empty otherwise (not yet filled by this version)."),
    Column("country", "text", "ISO 3166-1 alpha-2 code of the country of `place`.", "`SY`, `IQ`, ..."),
    Column("latitude", "number", "Latitude of `place` (WGS 84, decimal degrees); empty when not located."),
    Column("longitude", "number", "Longitude of `place` (WGS 84, decimal degrees); empty when not located."),
    Column("geonameid", "integer", "The GeoNames id of `place`'s gazetteer entry, where it has one."),
    Column("reports", "integer", "How many stored articles (every copy) report the event."),
    Column("stories", "integer", "How many distinct stories report it (syndicated copies of one story count "
           "once)."),
    Column("outlets", "integer", "How many distinct publishers report it (the host of each report's URL, else "
           "its wire agency, else its source)."),
    Column("first_reported", "date", "Publication day of the earliest report.", "`YYYY-MM-DD`"),
    Column("last_reported", "date", "Publication day of the latest report.", "`YYYY-MM-DD`"),
    Column("confidence", "number", "How sure the coding is, from 0 to 1, where the coder scores it; empty when "
           "it was not scored (older stores: every row)."),
    Column("trigger", "text", "The word(s) of the sentence that evoked the event (\"attacked\", \"shelling\"), "
           "where recorded."),
    Column("path", "text", "What coded the event: `rule:<name>` or `model:<name>`, where recorded."),
    Column("evidence", "text", "The sentence the event was coded from, verbatim from the first report."),
    Column("evidence_language", "text", "ISO 639-1 code of the language of `evidence` (the first report's), "
           "e.g. `en`, `fr`: evidence is shown as written, never translated."),
    Column("evidence_start", "integer", "Character offset of `evidence` in the text of `article_id`."),
    Column("evidence_end", "integer", "Character offset just past `evidence` in the text of `article_id`."),
    Column("article_id", "text", "The first stored report of the event (`wirewatch articles`, "
           "`/articles/{id}` in the web app)."),
    Column("story_id", "text", "The story of that first report (every copy of one story shares it)."),
    Column("coverage_id", "text", "The coverage cluster of that first report: every article, from any outlet, "
           "that reports the same real-world happening shares it."),
    Column("urls", "list of text", "The URLs of every report that has one (CSV: separated by `; `)."),
)

FORMATS = [
    ("CSV", "`wirewatch export events.csv --table events`, or `/api/events?format=csv`: one header row, lists "
            "joined with `; `, empty cells for missing values."),
    ("Parquet", "`wirewatch export events.parquet --table events`: typed columns, `urls` as a list."),
    ("JSON Lines", "`wirewatch events --json` or `export events.jsonl --table events`: one object per event, "
                   "missing values as `null`."),
    ("GeoJSON", "`wirewatch export events.geojson --table events` or `/api/events.geojson`: a FeatureCollection "
                "with one Point (`[longitude, latitude]`) per located event, the other columns as properties."),
]


def markdown() -> str:
    """The codebook as Markdown (``docs/codebook.md``)."""
    out = [f"# {TITLE}", "",
           "<!-- generated by `python3 -m wirewatch.codebook > docs/codebook.md`: edit src/wirewatch/codebook.py -->",
           ""]
    for head, text in INTRO:
        out += [f"## {head}", "", text, ""]
    out += ["## Columns", "", "| column | type | meaning | values |", "|---|---|---|---|"]
    for c in COLUMNS:
        out.append(f"| `{c.name}` | {c.type} | {c.meaning} | {c.values} |".replace("  ", " "))
    out += ["", "## Formats", ""]
    out += [f"- **{name}**: {text}" for name, text in FORMATS]
    out += ["", "## Filters", "",
            "`wirewatch events [QUERY] [--since] [--until] [--type] [--plover] [--country] [--limit] [--json]` and "
            "`/api/events?q=&since=&until=&type=&plover=&country=&limit=&offset=` take the same filters: QUERY "
            "(`q`) keeps the events of the articles a situation on that query covers, in the query language of "
            "watches (`Mali`, `Mali OR place:Niger`, `type:ARMED_CLASH`); `--country` matches the place's country "
            "or either actor's. `/api/events` answers `total` (every match) with one page of rows.", ""]
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")
