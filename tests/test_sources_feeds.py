from __future__ import annotations

from pathlib import Path

import pytest

from wirewatch.records import Document, Rejected
from wirewatch.sources import FeedState, MemoryFeedState, iter_documents


def run(*inputs: str | Path, **kw) -> list[Document | Rejected]:
    return list(iter_documents([str(i) for i in inputs], **kw))


def test_rss_file_items_use_full_content_offline(fixtures: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a saved feed with full content must not be fetched")

    monkeypatch.setattr("wirewatch.sources.urls.fetch", no_network)
    path = fixtures / "sources" / "feed.rss"
    first, second = run(path)
    assert isinstance(first, Document) and isinstance(second, Document)
    assert first.source == "https://wire.example.org/tarn-ceasefire" == first.url
    assert first.title == "Ceasefire holds in the fictional Tarn valley" and first.published == "2020-11-17"
    assert first.format == "html" and "Ines Calloway" in first.content
    assert first.meta["content_from"] == "feed" and first.meta["feed"] == str(path)
    assert second.source == f"{path}#2" and second.url is None and second.format == "text"
    assert "mining dispute" in second.content


def test_atom_file(fixtures: Path) -> None:
    (entry,) = run(fixtures / "sources" / "feed.atom")
    assert isinstance(entry, Document)
    assert entry.title == "Fictional drought relief reaches Ardel" and entry.published == "2021-05-02"
    assert entry.url is None and entry.source.endswith("feed.atom#1")


def test_teaser_items_with_web_links_are_fetched_and_fall_back(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def refuse(url: str, **kwargs):  # type: ignore[no-untyped-def]
        from wirewatch.errors import FETCH, InputError
        calls.append(url)
        raise InputError(FETCH, "cannot resolve host", source=url)

    monkeypatch.setattr("wirewatch.sources.urls.fetch", refuse)
    feed = tmp_path / "teasers.xml"
    feed.write_text("""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>A</title><link>https://news.example.org/a</link><description>Teaser A.</description></item>
<item><title>B</title><link>https://news.example.org/b</link></item>
</channel></rss>""")
    items = run(feed)
    assert calls == ["https://news.example.org/a", "https://news.example.org/b"]
    doc, rejected = items
    assert isinstance(doc, Document) and doc.content == "Teaser A." and "cannot resolve" in doc.meta["fetch_error"]
    assert isinstance(rejected, Rejected) and rejected.code == "fetch" and rejected.source.endswith("/b")
    calls.clear()
    items = run(feed, fetch_items=False)
    assert calls == [] and [type(i).__name__ for i in items] == ["Document", "Rejected"]
    assert items[1].code == "feed"


def test_malformed_and_empty_feeds(tmp_path: Path) -> None:
    broken = tmp_path / "broken.rss"
    broken.write_text("<rss version='2.0'><channel><title>cut off</titl")
    empty = tmp_path / "empty.atom"
    empty.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><title>Nothing yet</title></feed>')
    items = run(broken, empty)
    assert [(r.source, r.code) for r in items if isinstance(r, Rejected)] == [(str(broken), "feed")]
    assert "feed" in items[0].reason.lower()
    assert not [d for d in items if isinstance(d, Document)]


def test_memory_feed_state_is_a_feed_state() -> None:
    state = MemoryFeedState()
    assert isinstance(state, FeedState)
    assert state.get("https://x.example/rss") is None
    state.put("https://x.example/rss", '"abc"', None)
    assert state.get("https://x.example/rss") == ('"abc"', None)


def test_html_teasers_are_html_plain_summaries_text(tmp_path: Path) -> None:
    feed = tmp_path / "mixed.rss"
    feed.write_text("""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>A</title><description>&lt;p&gt;Teaser with &lt;b&gt;markup&lt;/b&gt;.&lt;/p&gt;</description></item>
<item><title>B</title><description>Plain teaser.</description></item>
</channel></rss>""")
    a, b = run(feed)
    assert isinstance(a, Document) and a.format == "html" and "<b>markup</b>" in a.content
    assert isinstance(b, Document) and b.format == "text" and b.content == "Plain teaser."
