from __future__ import annotations

from wirewatch.nlp.entities import extract
from wirewatch.nlp.gazetteer import haversine_km
from wirewatch.nlp.places import geocode

TEXAS = ("PARIS, Texas — The city council in Paris met on Tuesday. Officials from Dallas and "
         "Texarkana said Texas would help. Lamar County deputies attended.")
FRANCE = "Protesters marched in Paris on Saturday, and police in Lyon said France would respond."


def place(places, name):
    return next(p for p in places if p.name == name)


def test_paris_in_a_texas_story(nlp):
    p = place(geocode(extract(nlp(TEXAS))), "Paris")
    assert p.country == "US" and haversine_km(p.lat, p.lon, 33.66, -95.55) < 50


def test_paris_in_a_french_story(nlp):
    pl = geocode(extract(nlp(FRANCE)))
    p = place(pl, "Paris")
    assert p.country == "FR" and haversine_km(p.lat, p.lon, 48.85, 2.35) < 20
    fr = place(pl, "France")
    assert fr.kind == "country" and fr.geonameid is not None and fr.country == "FR"


def test_seed_places(nlp, seed_path):
    pl = geocode(extract(nlp(seed_path.read_text(encoding="utf-8"))))
    want = {"Mali": ("ML", 17.0, -4.0, 500), "Bamako": ("ML", 12.65, -8.0, 30), "Ottawa": ("CA", 45.42, -75.7, 30),
            "France": ("FR", 46.6, 2.3, 300), "Canada": ("CA", 57.0, -100.0, 800)}
    for name, (cc, lat, lon, km) in want.items():
        p = place(pl, name)
        assert p.country == cc and haversine_km(p.lat, p.lon, lat, lon) < km, (name, p)
    sahel = place(pl, "Sahel")
    assert sahel.kind == "region" and sahel.lat is not None and sahel.geonameid is None


COUNTY = ("Flooding closed roads across Licking County on Friday, and the water reached Newark. "
          "Officials at the Licking County Health Department said Syrian and Canadian visitors were safe.")


def test_counties_demonyms_and_embedded_places(nlp):
    doc = nlp(COUNTY)
    pl = geocode(extract(doc), text=doc.text)
    county = next(p for p in pl if p.name == "Licking County")
    assert county.kind == "admin2" and county.country == "US"
    assert haversine_km(county.lat, county.lon, 40.09, -82.48) < 60
    assert len([m for m in county.mentions if m.text == "Licking County"]) == 2  # one inside the office's name
    newark = next(p for p in pl if p.name == "Newark")
    assert haversine_km(newark.lat, newark.lon, 40.06, -82.40) < 30  # Ohio's, beside the county, not New Jersey's
    syria = next(p for p in pl if p.country == "SY")
    assert syria.kind == "country" and [m.text for m in syria.mentions] == ["Syrian"]


def test_qualifier_decides(nlp):
    text = "The fair in Paris, Tenn., drew crowds, officials said."
    doc = nlp(text)
    p = place(geocode(extract(doc), text=doc.text), "Paris")
    assert p.country == "US" and haversine_km(p.lat, p.lon, 36.30, -88.33) < 30


def test_disease_names_are_not_places(nlp):
    text = "Health officials in Ohio confirmed two cases of West Nile virus on Monday."
    doc = nlp(text)
    names = {p.name for p in geocode(extract(doc), text=doc.text)}
    assert "West Nile" not in names and "Ohio" in names
