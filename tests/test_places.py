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


# -- issue 13: toponym evidence, natural features, every place its own point -------------------------

def _places(nlp, text):
    from wirewatch.nlp import entities, places
    from wirewatch.records import Article

    art = Article(source="t", text=text)
    doc = nlp(text)
    entities.annotate(doc, art)
    places.annotate(doc, art)
    return art.places


def test_pieces_of_names_are_not_places(nlp):
    pl = _places(nlp, "Vladimir Putin spoke to Paul Renwick in Moscow. Renwick grew up in Bethnal Green, "
                      "east London, and later joined Save the Children.")
    names = {p.name for p in pl}
    assert {"Moscow", "London"} <= names
    assert not names & {"Vladimir", "Paul", "Green", "Savé", "Save"}


def test_natural_features_and_regions_get_points(nlp):
    pl = _places(nlp, "Fighters crossed the Euphrates near Raqqa, and tankers in the Gulf were diverted.")
    eu = place(pl, "Euphrates")
    assert eu.lat is not None and haversine_km(eu.lat, eu.lon, 35.5, 39.5) < 400
    gulf = next(p for p in pl if "Gulf" in p.name)
    assert gulf.country != "PG" and haversine_km(gulf.lat, gulf.lon, 26.0, 52.0) < 500


def test_arabic_article_spellings_find_the_town(nlp):
    pl = _places(nlp, "Families fled from al-Bab to the camp at al-Hawl in north-east Syria.")
    bab = next(p for p in pl if any(m.text == "al-Bab" for m in p.mentions))
    assert bab.country == "SY" and haversine_km(bab.lat, bab.lon, 36.37, 37.52) < 30


def test_a_country_named_with_and_is_one_place(nlp):
    pl = _places(nlp, "Recruits came from Somalia and Trinidad and Tobago.")
    tt = place(pl, "Trinidad and Tobago")
    assert tt.country == "TT"
    assert not any(p.name == "Trinidad" for p in pl)


def test_a_division_named_with_its_kind_is_that_division(nlp):
    pl = _places(nlp, "Rebels in Idlib province held out against the army.")
    idlib = next(p for p in pl if any("Idlib" in m.text for m in p.mentions))
    assert idlib.country == "SY" and haversine_km(idlib.lat, idlib.lon, 35.9, 36.6) < 60


def _placed(nlp, text):
    """As ``places.annotate`` does: nationality words name their countries."""
    from wirewatch.nlp.gazetteer import get_gazetteer

    gaz = get_gazetteer()
    ents = extract(nlp(text))
    dem = [c for e in ents if e.type == "NORP" for c in [gaz.demonym(e.name)] if c]
    return {p.name: p for p in geocode(ents, text=text, demonyms=dem) if p.lat is not None}


def test_manchester_england_in_a_story_that_names_the_us_throughout(nlp):
    text = ("The United States has pressed its allies for months. American officials said the US would not back "
            "down, and Washington warned that the US Congress would act. The singer, who grew up in Manchester, "
            "flew to Liverpool after the concert. British police said the Manchester venue would reopen.")
    pl = _placed(nlp, text)
    assert pl["Manchester"].country == "GB" and pl["Liverpool"].country == "GB"
    assert haversine_km(pl["Washington"].lat, pl["Washington"].lon, 38.9, -77.04) < 30


def test_manchester_new_hampshire_where_the_state_is_named(nlp):
    text = ("Voters in New Hampshire went to the polls on Tuesday. In Manchester, the largest city in the state, "
            "turnout was high, officials in Concord said.")
    pl = _placed(nlp, text)
    assert pl["Manchester"].country == "US" and haversine_km(pl["Manchester"].lat, pl["Manchester"].lon,
                                                              42.99, -71.46) < 30


def test_a_famous_name_gives_way_to_the_town_among_the_articles_places(nlp):
    text = ("A Palestine man was sentenced on Friday in Anderson County. Deputies from Tyler and Jacksonville "
            "said the chase began near Palestine and ended in Tyler, Texas.")
    p = _placed(nlp, text)["Palestine"]
    assert p.country == "US" and p.kind == "city"


def test_a_country_before_a_country_is_a_list_not_a_qualifier(nlp):
    text = "Exports to China, Japan and South Korea fell sharply last year, officials in Seoul said."
    p = _placed(nlp, text)["China"]
    assert p.kind == "country" and p.country == "CN"


def test_towns_the_tagger_typed_as_people_or_organisations(nlp):
    text = ("The plane was headed to Bozeman, Mont., but rerouted suddenly to Butte. Bird flu was confirmed in "
            "the villages of Maliuc and Caraorman, and refugees at Dadaab waited for food.")
    pl = _placed(nlp, text)
    assert pl["Butte"].country == "US" and pl["Dadaab"].country == "KE"


def test_westminster_and_abbreviated_saints(nlp):
    pl = _placed(nlp, "MPs met in Westminster on Monday. Aid reached St. Marc, north of Port-au-Prince, in Haiti.")
    assert pl["Westminster"].country == "GB" and haversine_km(pl["Westminster"].lat, pl["Westminster"].lon,
                                                               51.5, -0.13) < 10
    assert pl["St. Marc"].country == "HT"


def test_a_dateline_after_a_headline(nlp):
    text = "Home hit by fire a second time. BYESVILLE -- Firefighters are searching for the cause of a blaze in Ohio."
    names = {m.text for p in geocode(extract(nlp(text)), text=text) for m in p.mentions}
    assert "BYESVILLE" in names


def test_a_state_before_a_state_is_a_list_and_the_state_of_names_the_state(nlp):
    text = "Officials are investigating cases in Washington, Pennsylvania and California after the outbreak."
    p = _placed(nlp, text)["Washington"]
    assert p.kind == "admin1" and p.country == "US"
    p = _placed(nlp, "The first case was found in the state of Washington, officials in Olympia said.")["Washington"]
    assert p.kind == "admin1"


def test_a_french_departement_answers_to_its_name(nlp):
    p = _placed(nlp, "Two ducks died in the Somme region in the north of France, officials in Amiens said.")["Somme"]
    assert p.country == "FR"


def test_places_carry_their_first_order_division(nlp):
    pl = _placed(nlp, "Flooding hit Houston and Galveston, Texas, on Friday, officials in Austin said.")
    assert pl["Houston"].admin1 == "Texas" and pl["Galveston"].admin1 == "Texas"


def test_a_state_after_a_town_that_shares_a_divisions_name_still_qualifies_it(nlp):
    text = "Eleven people fell ill after eating at a restaurant in Santa Ana, California, health officials said."
    p = _placed(nlp, text)["Santa Ana"]
    assert p.country == "US" and p.admin1 == "California"


def test_a_hyphenated_country_in_a_list_is_one_place(nlp):
    text = "Cholera has hit Burkina Faso, Guinea, Guinea-Bissau, Liberia and Mali this year."
    pl = _placed(nlp, text)
    assert pl["Guinea-Bissau"].country == "GW" and pl["Guinea"].country == "GN"
