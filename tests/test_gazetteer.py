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


def test_divisions_accents_and_capitals():
    gaz = get_gazetteer()
    fife = gaz.best("Fife")
    assert fife.kind == "admin2" and fife.country == "GB" and haversine_km(fife.lat, fife.lon, 56.2, -3.1) < 60
    qld = gaz.best("Queensland")
    assert qld.kind == "admin1" and qld.country == "AU"
    assert gaz.best("TORUN").country == "PL"  # accent- and case-folded
    assert any(e.capital for e in gaz.lookup("Paris") if e.country == "FR")
    cn = gaz.countries["CN"]
    assert haversine_km(cn.lat, cn.lon, 35.0, 104.0) < 161  # near the conventional centre, not Beijing


def test_cache_round_trip(tmp_path, monkeypatch):
    from wirewatch.nlp import gazetteer as gz

    monkeypatch.setenv("WIREWATCH_CACHE_DIR", str(tmp_path))
    path = gz.cache_path()
    assert path is not None and path.parent == tmp_path
    gz._save_cached(path, get_gazetteer())
    again = gz._load_cached(path)
    assert again is not None and again.best("Mali").country == "ML"
    path.write_bytes(b"not a pickle")
    assert gz._load_cached(path) is None  # a broken cache is rebuilt, never fatal
    monkeypatch.setenv("WIREWATCH_CACHE_DIR", "")
    assert gz.cache_path() is None


def test_entries_pickle_as_constructor_arguments():
    import dataclasses
    import pickle

    from wirewatch.nlp.gazetteer import GeoEntry

    e = GeoEntry("Gao", "city", "ML", 16.27, -0.04, geonameid=2457163, population=86633, admin1="Gao",
                 admin2="Gao Cercle", members=("ML",), id="geonames:2457163", capital=False)
    name, args = e.__reduce__()
    assert name is GeoEntry and args == tuple(getattr(e, f.name) for f in dataclasses.fields(GeoEntry))
    shared = [e, e, GeoEntry("Sahel", "region", None, 14.0, 0.0, members=("ML", "NE"), id="region:Sahel")]
    back = pickle.loads(pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == shared and hash(back[0]) == hash(e)
    assert back[0] is back[1]  # an entry listed under several names stays one object
    try:
        back[0].name = "x"  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("entries stay frozen")


def test_whole_index_survives_the_cache(tmp_path, monkeypatch):
    from wirewatch.nlp import gazetteer as gz

    monkeypatch.setenv("WIREWATCH_CACHE_DIR", str(tmp_path))
    gaz = get_gazetteer()
    gz._save_cached(gz.cache_path(), gaz)
    again = gz._load_cached(gz.cache_path())
    assert again is not None
    for table in ("exact", "alternates", "folded", "countries", "demonyms", "admin1_names"):
        assert getattr(again, table) == getattr(gaz, table), table
    # entries shared between tables are one object after loading, as when built
    ml = again.countries["ML"]
    assert any(x is ml for x in again.exact["Mali"])


def test_saving_keeps_another_versions_cache_while_it_is_in_use(tmp_path):
    """Two versions sharing a cache folder must not delete each other's index at every start."""
    import os
    import time

    from wirewatch.nlp import gazetteer as g

    fresh = tmp_path / "gazetteer-aaaaaaaaaaaaaaaa.pickle"
    stale = tmp_path / "gazetteer-bbbbbbbbbbbbbbbb.pickle"
    for old in (fresh, stale):
        old.write_bytes(b"x")
    long_ago = time.time() - g.STALE_CACHE_S - 60
    os.utime(stale, (long_ago, long_ago))
    ours = tmp_path / "gazetteer-cccccccccccccccc.pickle"
    g._save_cached(ours, {"an": "index"})
    assert ours.exists()
    assert fresh.exists()  # another version loaded it recently
    assert not stale.exists()  # unused for longer than STALE_CACHE_S


def test_loading_marks_the_cache_in_use(tmp_path):
    import os
    import time

    from wirewatch.nlp import gazetteer as g

    path = tmp_path / "gazetteer-dddddddddddddddd.pickle"
    g._save_cached(path, g.get_gazetteer())
    long_ago = time.time() - g.STALE_CACHE_S - 60
    os.utime(path, (long_ago, long_ago))
    assert g._load_cached(path) is not None
    assert path.stat().st_mtime > time.time() - 3600
