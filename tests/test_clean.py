"""The clean stage: HTML pages and text dumps into articles (body without chrome + metadata)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirewatch.clean import clean_document, sniff_format
from wirewatch.errors import EMPTY, NO_ARTICLE, InputError
from wirewatch.records import Document

CLEAN = Path(__file__).resolve().parent / "fixtures" / "clean"


def _clean(name: str, **kw) -> object:
    path = CLEAN / name
    return clean_document(Document(source=str(path), content=path.read_text(encoding="utf-8")), **kw)


# --- the seed (must hold) ------------------------------------------------------------------

def test_seed_metadata_and_body(seed_path: Path) -> None:
    art = clean_document(Document(source=str(seed_path), content=seed_path.read_text(encoding="utf-8")))
    assert art.title == "Canada faces fresh calls to help fight terrorism, facilitate peace talks in Mali"
    assert art.authors == ["Lee Berthiaume"]
    assert art.agency == "The Canadian Press"
    assert art.dateline == "Ottawa"
    assert art.published == "2020-11-15"
    assert art.language == "en"
    text = art.text
    # the lede exactly once, dateline kept in the body as written
    assert text.count("Canada is being urged to step up its presence in Mali") == 1
    assert text.startswith("OTTAWA — Canada is being urged")
    # no chrome, no credit line, no byline line, no title in the body
    for chrome in ("Skip to content", "push icon", "Be the first to read", "No thanks",
                   "This report by The Canadian Press", "Lee Berthiaume, The Canadian Press",
                   "Canada faces fresh calls"):
        assert chrome not in text
    paras = text.split("\n\n")
    assert paras[-1].startswith("“Of course, we always hope that Canada does more,” Frederic Bontems")
    # every body paragraph of the dump is kept (the dump's paragraphs minus chrome/metadata lines)
    blocks = [b.strip() for b in seed_path.read_text(encoding="utf-8").split("\n\n")]
    raw = [b for b in blocks if len(b.split()) > 15 and "\n" not in b]
    for p in raw:
        if not p.startswith("This report by"):
            assert p in text
    assert all("\n" not in p and p == p.strip() for p in paras)


# --- HTML pages ----------------------------------------------------------------------------

def test_html_ap_style_page() -> None:
    art = _clean("ap_harbour.html")
    assert art.title == "Storm surge floods harbour town as ferry service halts"
    assert art.authors == ["Priya Nandakumar"]
    assert art.agency == "The Associated Press"
    assert art.dateline == "Port Alder"
    assert art.published == "2023-10-14"
    assert art.url == "https://tidewater.example/news/storm-surge-harbour-town"
    assert art.language == "en"
    assert art.text.startswith("PORT ALDER, Maine (AP) — A storm surge")
    assert "only two had broken loose overnight" in art.text
    assert "“We have not seen water" in art.text or '"We have not seen water' in art.text
    for chrome in ("Skip to content", "cookies", "Advertisement", "Related stories", "Lobster prices climb",
                   "All rights reserved", "Privacy Policy", "Facebook", "By PRIYA"):
        assert chrome not in art.text


def test_html_reuters_style_page() -> None:
    art = _clean("reuters_grain.html")
    assert art.title == "Grain exporters fret as river levels drop to record low"
    assert art.authors == ["Jonas Keller", "Amara Osei"]
    assert art.agency == "Reuters"
    assert art.dateline == "Frankfurt"
    assert art.published == "2022-08-09"
    assert art.text.startswith("FRANKFURT, Aug 9 (Reuters) - Barges on the Rhine")
    assert "delayed by funding disputes and environmental reviews." in art.text
    for chrome in ("Trust Principles", "newsletter", "push notifications", "No thanks", "Sign in", "Careers"):
        assert chrome not in art.text


def test_html_afp_french_page() -> None:
    art = _clean("afp_vignerons.html")
    assert art.language == "fr"
    assert art.agency == "AFP"
    assert art.dateline == "Dijon"
    assert art.published == "2021-04-08"
    assert "risque de gelées matinales" in art.text
    assert "Accueil" not in art.text and "©" not in art.text


def test_html_without_article_is_rejected() -> None:
    with pytest.raises(InputError) as err:
        _clean("nav_only.html")
    assert err.value.code == NO_ARTICLE
    assert "nav_only.html" in str(err.value)


# --- text dumps ----------------------------------------------------------------------------

def test_text_dump_with_dek_byline_and_credit() -> None:
    art = _clean("cp_wildfire_dump.txt")
    assert art.title == "Wildfire smoke forces evacuation of northern airstrip town"
    assert art.authors == ["Marie Tremblay"]
    assert art.agency == "The Canadian Press"
    assert art.dateline == "Yellow Lake"
    assert art.published == "2021-08-03"  # credit line wins over the "Published" line (same day here)
    text = art.text
    assert text.count("Residents of a remote northern town were flown south") == 1
    assert text.startswith("YELLOW LAKE, N.W.T. — Residents")
    assert text.rstrip().endswith("if conditions allowed.")
    for chrome in ("Menu", "Sign In", "Politics", "Share this article", "Facebook", "Advertisement",
                   "Story continues below", "Read more", "Ottawa pledges help", "This report by",
                   "Follow us", "newsletter", "By Marie Tremblay"):
        assert chrome not in text


def test_text_dump_hard_wrapped_with_url_and_updated_line() -> None:
    art = _clean("wrapped_dump.txt")
    assert art.title == "City council approves tram line extension after marathon debate"
    assert art.url == "https://metrocity.example/news/tram-extension-vote"
    assert art.published == "2019-05-12"
    assert art.dateline == "Lyndhurst"
    assert art.authors == [] and art.agency is None
    paras = art.text.split("\n\n")
    assert len(paras) == 4
    assert paras[0].startswith("LYNDHURST — The city council voted 9-4") and "\n" not in paras[0]
    assert "Copyright" not in art.text and "Log in" not in art.text and "Skip to" not in art.text


def test_published_precedence() -> None:
    body = "\n\n".join(["Harbour news roundup for the week"] + [
        f"Paragraph {i} of a fictional story about the harbour and its ferries, long enough to count." for i in range(4)
    ])
    doc = Document(source="a.txt", content=body, published="2020-01-02")
    assert clean_document(doc, published="2019-05-05").published == "2020-01-02"
    doc = Document(source="a.txt", content=body)
    assert clean_document(doc, published="2019-05-05").published == "2019-05-05"
    doc = Document(source="a.txt", content="Published: March 3, 2018\n\n" + body, published="2020-01-02")
    assert clean_document(doc, published="2019-05-05").published == "2018-03-03"


def test_empty_and_stub_documents_are_rejected() -> None:
    with pytest.raises(InputError) as err:
        clean_document(Document(source="blank.txt", content="  \n\n "))
    assert err.value.code == EMPTY
    with pytest.raises(InputError) as err:
        clean_document(Document(source="stub.txt", content="Skip to content\n\nMenu\n\nAdvertisement\n\nNo thanks"))
    assert err.value.code == NO_ARTICLE


def test_sniff_format() -> None:
    assert sniff_format("<!DOCTYPE html><html><body><p>x</p></body></html>") == "html"
    assert sniff_format("OTTAWA — A plain text story.\n\nSecond paragraph.") == "text"


def test_mojibake_and_decomposed_accents_are_repaired():
    from wirewatch.clean import clean_document
    from wirewatch.records import Document

    body = ("PARIS — Le prÃ©sident FranÃ§ois Martel a dÃ©clarÃ© mardi que les nÃ©gociations reprendraient "
            "la semaine prochaine, selon un communiquÃ© publiÃ© par son bureau Ã  Paris.\n\n"
            "Les syndicats ont saluÃ© la dÃ©cision, mais ils ont prÃ©venu que la grÃ¨ve continuerait.\n")
    art = clean_document(Document(source="moji.txt", content=body, format="text"))
    assert "François Martel" in art.text and "Ã" not in art.text
    decomposed = ("ZURICH — Rene\u0301 Mu\u0308ller said on Monday the bank would cut 400 jobs in Zurich and Geneva "
                  "by next year.")
    art = clean_document(Document(source="nfd.txt", content=decomposed, format="text"))
    assert "René Müller" in art.text
