from __future__ import annotations

import gzip
import io
import json
import shutil
from pathlib import Path

import pytest

from wirewatch.records import Document, Rejected
from wirewatch.sources import iter_documents

STORY = ("VESSMARK — Dock workers walked off the job on Tuesday, the union’s “last resort”, "
         "said steward Marta Okonkwo.\n\nTalks resume on Friday.\n")
PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Strike</title></head>"
        "<body><article><p>Dock workers walked off the job on Tuesday.</p></article></body></html>")


def run(*inputs: str | Path, **kw) -> list[Document | Rejected]:
    return list(iter_documents([str(i) for i in inputs], **kw))


def rejects(items: list[Document | Rejected]) -> dict[str, str]:
    return {r.source: r.code for r in items if isinstance(r, Rejected)}


def docs(items: list[Document | Rejected]) -> list[Document]:
    return [d for d in items if isinstance(d, Document)]


@pytest.fixture()
def folder(tmp_path: Path, fixtures: Path) -> Path:
    root = tmp_path / "news"
    shutil.copytree(fixtures / "sources" / "folder", root)
    (root / ".hidden").mkdir()
    (root / ".hidden" / "secret.txt").write_text("not a story")
    (root / ".dotfile.txt").write_text("hidden file")
    return root


def test_folder_is_walked_recursively_sorted_skipping_hidden(folder: Path) -> None:
    items = run(folder)
    sources = [i.source for i in items]
    assert sources == [
        f"{folder}/01_dump.txt", f"{folder}/02_page.html", f"{folder}/sub/logo.png",
        f"{folder}/sub/records.jsonl#1", f"{folder}/sub/records.jsonl#2", f"{folder}/sub/records.jsonl#3",
        f"{folder}/sub/records.jsonl#4", f"{folder}/sub/records.jsonl#5",
    ]
    assert not any("hidden" in s or "dotfile" in s for s in sources)
    assert [i.source for i in run(folder)] == sources  # stable across reruns
    for d in docs(items):
        assert isinstance(d.content, str) and d.format in ("html", "text")


def test_text_and_html_files(folder: Path) -> None:
    dump, page = docs(run(folder / "01_dump.txt", folder / "02_page.html"))
    assert dump.format == "text" and dump.content.startswith("Skip to content")
    assert page.format == "html" and "Tessa river" in page.content


def test_jsonl_records_and_bad_lines(folder: Path) -> None:
    items = run(folder / "sub" / "records.jsonl")
    src = f"{folder}/sub/records.jsonl"
    first, second, fifth = docs(items)
    assert (first.source, first.url, first.title, first.published, first.format) == (
        f"{src}#1", "https://news.example.org/carvena-grain", "Carvena announces grain subsidies", "2021-03-04", "text")
    assert second.format == "html" and second.title == "Marrow counts ballots"
    assert fifth.source == f"{src}#5" and fifth.published == "2002-03-10" and fifth.title == "Port closes"
    assert rejects(items) == {f"{src}#3": "json", f"{src}#4": "json"}
    bad = next(r for r in items if isinstance(r, Rejected) and r.source.endswith("#3"))
    assert "line 3" in bad.reason


def test_json_object_list_wrapper_and_jsonl_saved_as_json(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"text": STORY, "title": "Strike", "published": "Tue, 17 Nov 2020 09:30:00 GMT"}))
    many = tmp_path / "many.json"
    many.write_text(json.dumps([{"html": PAGE, "url": "https://x.example/a"}, {"text": ""}, 42]))
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"articles": [{"body": STORY, "date": 1605605400}]}))
    lines = tmp_path / "lines.json"
    lines.write_text(json.dumps({"text": "First story."}) + "\n" + json.dumps({"text": "Second story."}) + "\n")
    broken = tmp_path / "broken.json"
    broken.write_text('{"text": "unterminated')
    items = run(one, many, wrapped, lines, broken)
    got = {d.source: d for d in docs(items)}
    assert got[str(one)].published == "2020-11-17" and got[str(one)].title == "Strike"
    assert got[f"{many}#1"].format == "html" and got[f"{many}#1"].url == "https://x.example/a"
    assert got[f"{wrapped}#1"].published == "2020-11-17"
    assert [got[f"{lines}#1"].content, got[f"{lines}#2"].content] == ["First story.", "Second story."]
    assert rejects(items) == {f"{many}#2": "empty", f"{many}#3": "json", str(broken): "json"}


def test_gzip_of_every_kind(tmp_path: Path) -> None:
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(STORY.encode()))
    (tmp_path / "b.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(b'{"text": "one"}\n{"text": "two"}\n'))
    (tmp_path / "d.json.gz").write_bytes(gzip.compress(b'[{"text": "three"}]'))
    (tmp_path / "e.txt").write_bytes(gzip.compress(STORY.encode()))  # compressed without saying so
    items = run(tmp_path)
    assert rejects(items) == {}
    assert [d.format for d in docs(items)] == ["text", "html", "text", "text", "text", "text"]
    assert docs(items)[0].content == STORY and docs(items)[-1].content == STORY


def test_truncated_gzip_is_rejected_and_jsonl_keeps_lines_before(tmp_path: Path) -> None:
    whole = gzip.compress(STORY.encode() * 50)
    (tmp_path / "cut.txt.gz").write_bytes(whole[: len(whole) // 2])
    body = "".join(json.dumps({"text": f"Story number {i} " + "x" * 200}) + "\n" for i in range(200))
    packed = gzip.compress(body.encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(packed[: len(packed) * 3 // 4])
    (tmp_path / "fake.gz").write_bytes(b"this is not gzip at all")
    items = run(tmp_path / "cut.txt.gz", tmp_path / "cut.jsonl.gz", tmp_path / "fake.gz")
    codes = rejects(items)
    assert codes[str(tmp_path / "cut.txt.gz")] == "gzip"
    assert codes[str(tmp_path / "cut.jsonl.gz")] == "gzip"
    assert codes[str(tmp_path / "fake.gz")] == "gzip"
    assert len(docs(items)) > 10  # the JSON lines before the cut came through


def test_bad_inputs_are_rejected_and_the_stream_goes_on(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.html").write_text("  \n\n ")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (tmp_path / "nul.html").write_bytes(b"<html>\x00\x00\x00</html>")
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>')
    (tmp_path / "z_good.txt").write_text(STORY)
    items = run(tmp_path, tmp_path / "missing.txt")
    assert rejects(items) == {
        str(tmp_path / "blank.html"): "empty", str(tmp_path / "empty.txt"): "empty",
        str(tmp_path / "image.txt"): "binary", str(tmp_path / "nul.html"): "binary",
        str(tmp_path / "report.pdf"): "unsupported", str(tmp_path / "sitemap.xml"): "unsupported",
        str(tmp_path / "missing.txt"): "not_found",
    }
    assert [d.source for d in docs(items)] == [str(tmp_path / "z_good.txt")]
    for r in items:
        if isinstance(r, Rejected):
            assert r.reason and "\n" not in r.reason


def test_mis_encoded_files_are_decoded(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(STORY.encode("cp1252"))
    (tmp_path / "b.html").write_bytes(PAGE.replace("utf-8", "iso-8859-1").replace("Tuesday", "Tuesday — café")
                                      .encode("cp1252"))
    (tmp_path / "c.jsonl").write_bytes(json.dumps({"text": "x"})[:-2].encode() + ' café"}\n'.encode("cp1252"))
    a, b, c = docs(run(tmp_path))
    assert a.content == STORY
    assert "Tuesday — café" in b.content
    assert c.content.endswith("café")


def test_oversized_file_rejected_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.txt"
    big.write_text(STORY * 100)
    opened: list[str] = []
    real_open = open

    def spy(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    items = run(big, max_bytes=1000)
    assert rejects(items) == {str(big): "too_large"}
    assert str(big) not in opened


def test_size_cap_bounds_gzip_bombs_and_jsonl_lines(tmp_path: Path) -> None:
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * 5_000_000))
    (tmp_path / "lines.jsonl").write_text(json.dumps({"text": "y" * 5000}) + "\n" + json.dumps({"text": "ok"}) + "\n")
    items = run(tmp_path / "bomb.txt.gz", tmp_path / "lines.jsonl", max_bytes=2000)
    assert rejects(items) == {str(tmp_path / "bomb.txt.gz"): "too_large", f"{tmp_path / 'lines.jsonl'}#1": "too_large"}
    assert [d.content for d in docs(items)] == ["ok"]


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "page").write_text(PAGE)
    (tmp_path / "story.article").write_text(STORY)
    (tmp_path / "dump.data").write_text('{"text": "a"}\n{"text": "b"}\n')
    (tmp_path / "blob.bin2").write_bytes(b"\x00\x01\x02" * 100)
    items = run(tmp_path / "page", tmp_path / "story.article", tmp_path / "dump.data", tmp_path / "blob.bin2")
    page, story, a, b = docs(items)
    assert (page.format, story.format) == ("html", "text")
    assert (a.source, b.source) == (f"{tmp_path / 'dump.data'}#1", f"{tmp_path / 'dump.data'}#2")
    assert rejects(items) == {str(tmp_path / "blob.bin2"): "binary"}


@pytest.mark.parametrize("payload,expected", [
    (PAGE.encode(), [("-", "html")]),
    (STORY.encode("cp1252"), [("-", "text")]),
    (b'{"text": "a", "url": "https://x.example/1"}\nnot json\n{"text": "b"}\n', [("-#1", "text"), ("-#3", "text")]),
    (gzip.compress(PAGE.encode()), [("-", "html")]),
])
def test_stdin_is_sniffed(payload: bytes, expected: list[tuple[str, str]]) -> None:
    items = run("-", stdin=io.BytesIO(payload))
    assert [(d.source, d.format) for d in docs(items)] == expected


def test_stdin_bad_jsonl_line_is_rejected() -> None:
    items = run("-", stdin=io.BytesIO(b'{"text": "a"}\n{oops\n'))
    assert rejects(items) == {"-#2": "json"}


def test_non_http_scheme_is_unsupported() -> None:
    assert rejects(run("ftp://files.example/x.txt", "file:///etc/passwd")) == {
        "ftp://files.example/x.txt": "unsupported", "file:///etc/passwd": "unsupported"}


def test_folder_is_streamed_one_file_at_a_time(tmp_path: Path) -> None:
    for i in range(30):
        (tmp_path / f"{i:03}.txt").write_text(f"Story {i}.")
    stream = iter_documents([str(tmp_path)])
    first = next(stream)
    assert isinstance(first, Document) and first.content == "Story 0."
    (tmp_path / "001.txt").write_text("Rewritten after the walk began.")  # not read yet: the new text shows
    second = next(stream)
    assert isinstance(second, Document) and second.content == "Rewritten after the walk began."
    assert sum(1 for _ in stream) == 28


def test_seed_text_dump_reads_as_text(seed_path: Path) -> None:
    (doc,) = run(seed_path)
    assert isinstance(doc, Document) and doc.source == str(seed_path)
    assert doc.format == "text" and isinstance(doc.content, str) and len(doc.content) > 1000
    assert "\ufffd" not in doc.content


def test_a_reader_bug_costs_one_file_not_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.json").write_text('{"text": "boom"}')
    (tmp_path / "b.txt").write_text(STORY)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("wirewatch.sources.files.iter_json", broken)
    items = run(tmp_path)
    assert rejects(items) == {str(tmp_path / "a.json"): "internal"}
    assert [d.source for d in docs(items)] == [str(tmp_path / "b.txt")]
