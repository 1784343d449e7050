from __future__ import annotations

from wirewatch.nlp.gazetteer import get_gazetteer, haversine_km


def test_countries_have_points_and_aliases():
    gaz = get_gazetteer()
    for name, code in [("Mali", "ML"), ("U.S.", "US"), ("US", "US"), ("Ivory Coast", "CI"), ("Britain", "GB"),
                       ("the United States", "US"), ("DRC", "CD")]:
        best = gaz.best(name)
        assert best is not None and best.kind == "country" and best.country == code, name
    us = gaz.countries["US"]
    assert haversine_km(us.lat, us.lon, 39.8, -98.6) < 200  # mainland centre, not the capital


def test_case_matters_for_short_codes():
    gaz = get_gazetteer()
    assert gaz.lookup("us") == []
    assert gaz.best("OTTAWA").country == "CA"  # all-caps datelines fold


def test_regions_divisions_and_demonyms():
    gaz = get_gazetteer()
    sahel = gaz.best("Sahel")
    assert sahel.kind == "region" and "ML" in sahel.members and sahel.geonameid is None
    assert gaz.best("sub-Saharan Africa").kind == "region"
    assert gaz.best("Calif.").name == "California"
    assert gaz.demonym("Malian") == "ML" and gaz.demonym("Canadians") == "CA" and gaz.demonym("Dutch") == "NL"
    assert gaz.best("Bamako").country == "ML"


def test_singleton():
    assert get_gazetteer() is get_gazetteer()
