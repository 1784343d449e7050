"""A light offline language detector: scripts first, then stopword profiles.

Why our own: news bodies are long enough that counting the commonest function words of each
language is decisive, costs a few microseconds per article, needs no model file and no
download.  Non-Latin scripts are decided by their characters.
"""

from __future__ import annotations

import re
from collections import Counter

_STOPWORDS: dict[str, str] = {
    "en": "the of and to in is that for it was on with as by he said at from his an be have has are "
          "this which were not but they who had been its their would will or after more than also",
    "fr": "le la les de des du un une et est dans pour que qui sur au aux pas par il elle ce cette "
          "avec ont sont été plus mais ne se son sa ses leur nous vous a l d qu",
    "de": "der die das und ist nicht ein eine zu den dem mit von auf sich des für im auch es als "
          "an werden aus er hat dass sie nach wird bei einer um noch wie über so zum war",
    "es": "el la los las de del y en que un una es por con para se no al lo como más pero sus su "
          "ha fue este esta son entre sobre también ya muy sin hasta desde porque",
    "it": "il lo la gli le di del della dei e è in che un una per con non si da al alla sono come "
          "anche più ma nel nella questo ha stato tra dopo essere loro",
    "pt": "o a os as de do da dos das e em que um uma para com não se por no na mais como foi ao "
          "pelo pela ele ela são também seu sua está entre sobre",
    "nl": "de het een en van in is dat op te zijn met voor niet aan er die ook als bij door maar "
          "om dan zou naar nog wel geen hij werd uit deze heeft",
    "sv": "och i att det som en på är av för med till den har de inte om ett var jag men så vi "
          "från kan när eller efter också ska hade sig",
    "da": "og i at det som en på er af for med til den har de ikke om et var jeg men så vi fra "
          "kan når eller efter også skal havde sig være blev",
    "no": "og i at det som en på er av for med til den har de ikke om et var jeg men så vi fra "
          "kan når eller etter også skal hadde seg være ble",
    "pl": "i w na z że do się nie to jest o jak po co ale od przez dla tak za jego już tylko "
          "przy był była są może jednak oraz",
    "tr": "ve bir bu da de için ile olarak çok daha gibi ne o en ama sonra kadar olan var değil "
          "ancak ise her göre",
    "ro": "și în de la cu a pe că nu o un este din care mai pentru sau ca au fost se lui ale "
          "după acest această",
    "id": "yang dan di ke dari ini itu dengan untuk tidak dalam akan pada juga ada adalah oleh "
          "karena sudah bisa atau mereka kami",
    "fi": "ja on ei se että oli hän mutta kun tai ovat myös sen ole kuin jo vain joka mukaan "
          "sekä hänen ovat olla",
}
_PROFILES: dict[str, frozenset[str]] = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_INDEX: dict[str, tuple[str, ...]] = {}
for _lang, _words in _PROFILES.items():
    for _w in _words:
        _INDEX[_w] = _INDEX.get(_w, ()) + (_lang,)

_WORD = re.compile(r"[^\W\d_]+", re.U)
_ASCII_WORD = re.compile(r"[a-z]+")  # the same words on lower-cased ASCII text, twice as fast
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
)
_NON_LATIN = re.compile(r"[\u0370-\u06ff\u0900-\u097f\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
_LETTER = re.compile(r"[^\W\d_]")
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
_PERSIAN = re.compile(r"[پچژگ]")
_SAMPLE = 1200


def _by_script(sample: str) -> str | None:
    if sample.isascii() or not _NON_LATIN.search(sample) or len(_NON_LATIN.findall(sample)) < 20:
        return None
    letters = 0
    for lang, rx in _SCRIPTS:
        hits = len(rx.findall(sample))
        if not hits:
            continue
        letters = letters or len(_LETTER.findall(sample)) or 1
        if hits / letters > 0.3 or (lang == "ja" and hits > 10):
            if lang == "ru" and _UKRAINIAN.search(sample):
                return "uk"
            if lang == "ar" and len(_PERSIAN.findall(sample)) > 5:
                return "fa"
            return lang
    return None


def detect_language(text: str, *, min_hits: int = 3) -> str | None:
    """Return the ISO 639-1 code of ``text``'s language, or None when too little to tell."""
    sample = text[:_SAMPLE]
    if not sample.strip():
        return None
    script = _by_script(sample)
    if script:
        return script
    scores: Counter[str] = Counter()
    get = _INDEX.get
    # count each distinct word once (C-level Counter), then weigh it by how often it occurs
    low = sample.lower()
    words = (_ASCII_WORD if low.isascii() else _WORD).findall(low)
    for word, count in Counter(words).items():
        langs = get(word)
        if langs:
            weight = count / len(langs)
            for lang in langs:
                scores[lang] += weight
    if not scores:
        return None
    best, top = scores.most_common(1)[0]
    if top < min_hits:
        return None
    return best
