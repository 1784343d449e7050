from __future__ import annotations

import codecs

import pytest

from wirewatch.errors import InputError
from wirewatch.sources import decode_bytes, sniff_format
from wirewatch.sources.decode import binary_kind, looks_like_feed, looks_like_json

STORY = "The minister’s “final offer” was rejected — again, said café owner Zoë Ruiz."


def test_utf8_is_decoded_as_is() -> None:
    assert decode_bytes(STORY.encode("utf-8"), source="s") == STORY


def test_cp1252_is_decoded_not_rejected() -> None:
    assert decode_bytes(STORY.encode("cp1252"), source="s") == STORY


def test_latin1_bytes_undefined_in_cp1252_still_decode() -> None:
    data = "Caf\xe9 owners \x81 protest".encode("latin-1")
    assert decode_bytes(data, source="s") == "Caf\xe9 owners \x81 protest"


@pytest.mark.parametrize("bom,codec", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                                       (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_bom_wins_and_is_stripped(bom: bytes, codec: str) -> None:
    assert decode_bytes(bom + STORY.encode(codec), source="s") == STORY


def test_http_charset_beats_guessing() -> None:
    # KOI8-R bytes are valid cp1252 too: only the declared charset gives the right text.
    text = "Москва заявила"
    assert decode_bytes(text.encode("koi8-r"), declared="koi8-r", source="s") == text


def test_wrong_declared_charset_falls_through() -> None:
    # Declared utf-8 but the bytes are cp1252: must not fail, must not produce mojibake.
    assert decode_bytes(STORY.encode("cp1252"), declared="utf-8", source="s") == STORY


def test_meta_charset_in_page_is_used() -> None:
    page = '<html><head><meta charset="koi8-r"></head><body>Москва</body></html>'
    assert "Москва" in decode_bytes(page.encode("koi8-r"), source="s")


def test_bogus_declared_label_is_ignored() -> None:
    assert decode_bytes(STORY.encode("utf-8"), declared="no-such-charset", source="s") == STORY


@pytest.mark.parametrize("data", [b"", b"   \n\t ", codecs.BOM_UTF8])
def test_empty_is_rejected(data: bytes) -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(data, source="blank.txt")
    assert info.value.code == "empty"
    assert "blank.txt" in str(info.value)


@pytest.mark.parametrize("data,what", [
    (b"\x89PNG\r\n\x1a\n" + b"rest", "PNG"),
    (b"%PDF-1.7\nstuff", "PDF"),
    (b"PK\x03\x04zip", "ZIP"),
    (b"text with a \x00 NUL", "NUL"),
    (bytes(range(1, 32)) * 20, "control"),
])
def test_binary_is_rejected(data: bytes, what: str) -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(data, source="x")
    assert info.value.code == "binary"
    assert what in info.value.reason


def test_text_with_tabs_and_form_feeds_is_not_binary() -> None:
    assert binary_kind(b"Col A\tCol B\r\n\x0cNext page\n" * 50) is None


def test_dateline_in_capitals_is_not_mistaken_for_magic() -> None:
    assert binary_kind("MZUZU, Malawi (AP) — Police said".encode()) is None


def test_sniff_format() -> None:
    assert sniff_format("<!DOCTYPE html><html><body><p>x</p></body></html>") == "html"
    assert sniff_format("\n  <html lang='en'><p>x</p></html>") == "html"
    assert sniff_format("Plain wire copy.\n\nSecond paragraph with <b>one</b> tag.") == "text"
    body = "".join(f"<p>Paragraph {i}.</p>\n" for i in range(10))
    assert sniff_format(body) == "html"


def test_feed_and_json_sniffing() -> None:
    assert looks_like_feed(b'<?xml version="1.0"?>\n<rss version="2.0"><channel>')
    assert looks_like_feed(b'<feed xmlns="http://www.w3.org/2005/Atom">')
    assert not looks_like_feed(b"<html><body>rss feed link</body></html>")
    assert looks_like_json(b'{"text": "a"}\n{"text": "b"}\n') == "jsonl"
    assert looks_like_json(b'[{"text": "a"}]') == "json"
    assert looks_like_json(b'{\n  "text": "a"\n}') == "json"
    assert looks_like_json(b"Just text") is None
