"""The parts of the clean stage: chrome filter, metadata readers, language detector."""

from __future__ import annotations

import pytest

from wirewatch.clean.language import detect_language
from wirewatch.clean.lines import dedupe, filter_paragraphs, is_chrome
from wirewatch.clean.metadata import normalise_agency, parse_date, read_dateline, split_authors

BODY = [
    "The council said on Monday that the bridge would reopen next week after repairs to its deck.",
    "Residents have complained for months about the detour, which adds twenty minutes to the school run.",
    "Officials — including the mayor — said the work had cost less than expected.",
    "The share price of the company fell 4% after it warned that the cookies it sells would cost more.",
    "FIGHTING ERUPTS",
]


@pytest.mark.parametrize("line", [
    "Skip to content", "Skip to main content", "Advertisement", "ADVERTISEMENT", "No thanks", "push icon",
    "Be the first to read breaking stories. Enable push notifications on your device. Disable anytime.",
    "We use cookies to give you the best experience.", "Accept all cookies", "Share this article",
    "Facebook Twitter Email", "Share | Facebook | LinkedIn", "Read more", "Read more:", "Read more...",
    "READ MORE: Council approves bridge budget", "Related: Ferry fares to rise in spring",
    "Story continues below advertisement", "Sign up for our daily newsletter", "Follow us on Instagram",
    "Our Standards: The Thomson Reuters Trust Principles.", "© 2024 Example News. All rights reserved.",
    "___", "Credit: Jane Roe/Getty Images", "Log in | Register",
    "Bridge reopens next week Bridge reopens next week", "CLICK HERE TO GET THE EXAMPLE NEWS APP",
])
def test_chrome_lines(line: str) -> None:
    assert is_chrome(line)


@pytest.mark.parametrize("line", BODY)
def test_body_lines_are_not_chrome(line: str) -> None:
    assert not is_chrome(line, caps_promo=True)


def test_caps_promo_only_long_caps_lines() -> None:
    promo = "MAYOR'S NEW BUDGET FEATURES SPENDING HIKES AND NEW BUSINESS TAXES"
    assert is_chrome(promo, caps_promo=True)
    assert not is_chrome(promo)
    assert not is_chrome("TOUGH RACE FOR THE NOMINATION", caps_promo=True)  # a subheading


def test_filter_cuts_related_tail_but_not_a_mid_page_widget() -> None:
    body = [f"Paragraph {i} of the body, which keeps going with details about the harbour. " * 4
            for i in range(4)]
    paras = [body[0], body[1], "Popular", body[2], body[3], "More from The Harbour Times",
             "Teaser one", "A teaser dek.", "Teaser two"]
    assert filter_paragraphs(paras) == body


def test_filter_drops_author_bio_and_embedded_posts() -> None:
    paras = [
        "The harbour master said the ferries would run again on Monday, weather permitting.",
        "Ferries are the only link to the outer islands for most of the year.",
        "Sailing is off for today, stay safe out there https://t.co/abc123",
        "— Harbour Office (@harbouroffice) March 2, 2024",
        "The forecast calls for calmer seas by the end of the weekend.",
        "Jane Roe is a reporter for the Harbour Times covering transport and the waterfront.",
    ]
    out = filter_paragraphs(paras, authors=["Jane Roe"])
    assert out == [paras[0], paras[1], paras[4]]


def test_dedupe_keeps_the_lede_once_with_its_dateline() -> None:
    lede = "A storm surge flooded the waterfront of the fishing town on Saturday morning."
    out = dedupe([lede, "PORT ALDER, Maine (AP) — " + lede, "Second paragraph of the story is here.",
                  "PORT ALDER, Maine (AP) — " + lede])
    assert out == ["PORT ALDER, Maine (AP) — " + lede, "Second paragraph of the story is here."]


@pytest.mark.parametrize("para,city,agency", [
    ("OTTAWA — Canada is being urged", "Ottawa", None),
    ("NEW YORK (AP) — Stocks fell", "New York", "The Associated Press"),
    ("WASHINGTON, Nov 3 (Reuters) - The Senate voted", "Washington", "Reuters"),
    ("KYIV, Ukraine (AP) — Air raid sirens", "Kyiv", "The Associated Press"),
    ("ST. JOHN'S, N.L. — Fishers say", "St. John's", None),
    ("PARIS (AFP) - Le gouvernement", "Paris", "AFP"),
    ("BERLIN (dpa) - Die Regierung", "Berlin", "dpa"),
    ("Officials — including the mayor — said", None, None),
    ("The minister — who spoke in French — said", None, None),
])
def test_read_dateline(para: str, city: str | None, agency: str | None) -> None:
    assert read_dateline(para) == (city, agency)


@pytest.mark.parametrize("name,expected", [
    ("The Canadian Press", "The Canadian Press"), ("Canadian Press", "The Canadian Press"),
    ("AP", "The Associated Press"), ("THE ASSOCIATED PRESS", "The Associated Press"),
    ("Agence France-Presse", "AFP"), ("Reuters", "Reuters"), ("Deutsche Presse-Agentur", "dpa"),
    ("The Harbour Times", None), ("", None),
])
def test_normalise_agency(name: str, expected: str | None) -> None:
    assert normalise_agency(name) == expected


def test_split_authors() -> None:
    assert split_authors("MELISSA ROE") == (["Melissa Roe"], None)
    assert split_authors("Jane Doe; John Roe") == (["Jane Doe", "John Roe"], None)
    assert split_authors("By Jane Doe and John Roe, Reuters") == (["Jane Doe", "John Roe"], "Reuters")
    assert split_authors("THE ASSOCIATED PRESS") == ([], "The Associated Press")
    assert split_authors("Harbour Times Staff; https://harbour.example; Jane Doe") == (["Jane Doe"], None)


@pytest.mark.parametrize("text,value", [
    ("This report was first published Nov. 15, 2020.", "2020-11-15"),
    ("Published 3 March 2024, 10:00", "2024-03-03"),
    ("Sept. 9, 2021", "2021-09-09"),
    ("2024-02-29T10:00:00Z", "2024-02-29"),
    ("February 30, 2024", None),
    ("no date here", None),
])
def test_parse_date(text: str, value: str | None) -> None:
    assert parse_date(text) == value


@pytest.mark.parametrize("text,lang", [
    ("The minister said on Tuesday that the government would not change its plan for the harbour.", "en"),
    ("Le ministre a déclaré mardi que le gouvernement ne changerait pas son plan pour le port de la ville.", "fr"),
    ("Der Minister sagte am Dienstag, dass die Regierung ihren Plan für den Hafen nicht ändern werde.", "de"),
    ("El ministro dijo el martes que el gobierno no cambiaría su plan para el puerto de la ciudad.", "es"),
    ("Министр заявил во вторник, что правительство не изменит свой план.", "ru"),
    ("", None),
])
def test_detect_language(text: str, lang: str | None) -> None:
    assert detect_language(text) == lang
