"""The HTML path's own parts: page metadata from the tree, and the fast extraction's fallback."""

from __future__ import annotations

import pytest

from wirewatch.clean import html as html_mod
from wirewatch.clean.html import extract_body, parse_html
from wirewatch.clean.htmlmeta import iso_day, read_page_metadata
from wirewatch.clean.lines import is_chrome, norm

BODY = "".join(
    f"<p>Paragraph {i} of the story says the river rose again overnight and the ferry stayed in port.</p>"
    for i in range(8)
)


def _page(head: str, body: str = BODY, *, lang: str = "en") -> str:
    return f"<!DOCTYPE html><html lang=\"{lang}\"><head>{head}</head><body><article>{body}</article></body></html>"


def _meta(head: str, body: str = BODY, **kw):
    tree = parse_html(_page(head, body))
    assert tree is not None
    return read_page_metadata(tree, **kw)


def test_json_ld_graph_and_escaped_entities() -> None:
    head = """<title>Ignored | Harbour Gazette</title>
    <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
      {"@type":"Organization","name":"Harbour Gazette"},
      {"@type":"NewsArticle","headline":"Ferry crew&#8217;s long night at sea",
       "datePublished":"2023-05-02T09:15:00+02:00","author":[{"@type":"Person","name":"Ines Marlow"},
       {"@type":"Person","name":"Tobias Wren"}],"publisher":{"@type":"Organization","name":"Harbour Gazette"}}]}
    </script>"""
    meta = _meta(head)
    assert meta.title == "Ferry crew’s long night at sea"
    assert meta.authors == ["Ines Marlow", "Tobias Wren"]
    assert meta.date == "2023-05-02"
    assert meta.sitename == "Harbour Gazette"
    assert meta.language == "en"


def test_single_h1_is_the_headline_and_logo_h1_is_not() -> None:
    head = '<meta property="og:title" content="Social card wording of the headline">'
    meta = _meta(head, "<h1>River ferry stays in port for a third day</h1>" + BODY)
    assert meta.title == meta.headline == "River ferry stays in port for a third day"
    meta = _meta(head, "<h1>Gazette</h1>" + BODY)
    assert meta.headline is None and meta.title == "Social card wording of the headline"


def test_authors_skip_desk_names_and_profile_urls() -> None:
    head = ('<script type="application/ld+json">{"@type":"NewsArticle","author":{"name":"Gazette staff reporter"}}'
            """</script>
    <meta property="article:author" content="https://social.example/ines.marlow">
    <meta name="author" content="Ines Marlow">""")
    assert _meta(head).authors == ["Ines Marlow"]


def test_byline_element_when_no_metadata_names_a_person() -> None:
    body = '<p class="byline">By Tobias Wren</p>' + BODY
    assert _meta("<title>x</title>", body).authors == ["Tobias Wren"]


def test_agency_author_goes_to_agency() -> None:
    meta = _meta('<meta name="author" content="THE ASSOCIATED PRESS">')
    assert meta.authors == [] and meta.agency == "The Associated Press"


def test_utc_stamp_takes_the_calendar_day_of_the_url() -> None:
    head = ('<meta property="article:published_time" content="2024-03-05T01:10:00Z">'
            '<link rel="canonical" href="https://gazette.example/2024/03/04/ferry-night">')
    assert _meta(head).date == "2024-03-04"
    # a URL date further away is an issue or section date: the stamp's own day stays
    head = head.replace("2024/03/04", "2024/03/11")
    assert _meta(head).date == "2024-03-05"
    # a stamp with the publisher's own offset is already its local day
    head = ('<meta property="article:published_time" content="2024-03-05T01:10:00+01:00">'
            '<link rel="canonical" href="https://gazette.example/2024/03/04/ferry-night">')
    assert _meta(head).date == "2024-03-05"


def test_utc_stamp_takes_the_local_day_of_a_time_element_for_the_same_instant() -> None:
    head = ('<meta property="article:published_time" content="2024-03-06T03:15:00+00:00">'
            '<link rel="canonical" href="https://prairie.example/2024/03/grain-elevator-fire">')
    body = '<p class="byline">By Ann Teller <time datetime="2024-03-05T21:15:00-06:00">Mar. 5, 2024</time></p>' + BODY
    assert _meta(head, body).date == "2024-03-05"
    # a <time> for another instant (a related story) says nothing about this stamp
    body = body.replace("21:15:00-06:00", "09:00:00-06:00")
    assert _meta(head, body).date == "2024-03-06"


def test_dates_from_time_element_and_meta_names() -> None:
    assert _meta("<title>x</title>", '<time datetime="2022-11-30T18:00">Nov 30</time>' + BODY).date == "2022-11-30"
    assert _meta('<meta name="date" content="8 April 2021">').date == "2021-04-08"


def test_canonical_url_resolution() -> None:
    head = ('<link rel="canonical" href="/news/ferry-night">'
            '<meta property="og:url" content="https://gazette.example/news/ferry-night?utm=x">')
    assert _meta(head).url == "https://gazette.example/news/ferry-night"
    assert _meta('<link rel="canonical" href="//gazette.example/a">').url == "https://gazette.example/a"
    assert _meta("<title>x</title>", url="https://given.example/p").url == "https://given.example/p"


@pytest.mark.parametrize(("value", "day"), [
    ("2020-11-15T08:30:00-05:00", "2020-11-15"), ("20201115", "2020-11-15"),
    ("Nov. 15, 2020", "2020-11-15"), ("2020-13-40", None), ("2021-02-30T10:00", None), ("", None), (None, None),
])
def test_iso_day(value: str | None, day: str | None) -> None:
    assert iso_day(value) == day


def test_full_extraction_runs_only_when_the_fast_one_looks_truncated(monkeypatch: pytest.MonkeyPatch) -> None:
    tree = parse_html(_page("<title>x</title>", BODY * 3))
    page_chars = html_mod._paragraph_chars(tree)
    calls: list[bool] = []

    def fake(tree, url, *, fast):  # stands in for trafilatura
        calls.append(fast)
        return "short" if fast else "x" * page_chars

    monkeypatch.setattr(html_mod, "_extract", fake)
    assert extract_body(tree) == "x" * page_chars
    assert calls == [True, False]

    calls.clear()
    monkeypatch.setattr(html_mod, "_extract", lambda tree, url, *, fast: calls.append(fast) or "y" * page_chars)
    assert extract_body(tree) == "y" * page_chars
    assert calls == [True]


def test_real_extraction_of_a_small_page() -> None:
    tree = parse_html(_page("<title>x</title>", "<nav><a href='/'>Home</a></nav>" + BODY))
    text = extract_body(tree)
    assert "Paragraph 0 of the story" in text and "Paragraph 7" in text and "Home" not in text


@pytest.mark.parametrize("line", [
    "a b", "", "Abc D", "a  b", " a", "a ", "a\tb", "a\xa0b", "a\u2009b", "a\nb", "a\u200bb",
])
def test_norm_fast_path_equals_split_join(line: str) -> None:
    """``norm`` skips the split/join on single-spaced lines: the result must be the same."""
    assert norm(line) == " ".join(line.split()).casefold()


def test_chrome_filter_sees_through_odd_spaces() -> None:
    assert is_chrome("Skip\xa0to  content")
    assert is_chrome(" Share\tthis article ")


# -- issue 13: author markup read exhaustively; organisation bylines kept ------------------------------

def _page_meta(html):
    from wirewatch.clean.html import parse_html
    from wirewatch.clean.htmlmeta import read_page_metadata

    return read_page_metadata(parse_html(html))


def test_json_ld_author_references_and_lists():
    html = """<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "NewsArticle", "headline": "Dam fails", "author": [{"@id": "#p1"}, {"@id": "#p2"}],
       "publisher": {"@type": "Organization", "name": "Valley Courier"}},
      {"@type": "Person", "@id": "#p1", "name": "Ana Lopes"}, {"@type": "Person", "@id": "#p2", "name": "Tom Reyes"}]}
    </script></head><body><h1>Dam fails</h1><p>Text.</p></body></html>"""
    assert _page_meta(html).authors == ["Ana Lopes", "Tom Reyes"]


def test_the_markup_naming_most_authors_wins_and_publishers_are_not_people():
    html = """<html><head><meta name="author" content="Valley Media Group">
    <meta property="article:author_name" content="Ana Lopes, Tom Reyes, Kim Oduya">
    <script type="application/ld+json">{"@type": "NewsArticle", "author": {"name": "Ana Lopes"},
      "publisher": {"name": "Valley Media Group"}}</script></head><body><p>Text.</p></body></html>"""
    assert _page_meta(html).authors == ["Ana Lopes", "Tom Reyes", "Kim Oduya"]


def test_organisation_bylines_go_to_agency():
    m = _page_meta("""<html><head><meta name="author" content="Courier staff reporter">
    <meta property="og:site_name" content="Valley Courier"></head><body><p>Text.</p></body></html>""")
    assert m.authors == [] and m.agency == "Courier"
    m = _page_meta("""<html><head></head><body><div class="article-byline">By Ana Lopes</div>
    <p>Text.</p></body></html>""")
    assert m.authors == ["Ana Lopes"]
