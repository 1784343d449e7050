"""The line-level chrome filter shared by the HTML and the text-dump paths.

Why line level: page chrome (navigation, push/newsletter/cookie prompts, share widgets,
"Advertisement", related-story teasers, photo credits, author bios) survives both HTML
extraction and scraped text dumps as whole lines.  Classifying each line with precompiled
regexes costs microseconds and never touches the wording of a body paragraph: a line is kept
as written or dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from wirewatch.clean import lang as _lang

# Lines that are chrome in their entirety (matched against the whole normalised line).
_EXACT = (
    r"skip to (?:the )?(?:main )?(?:content|navigation|search|footer)|skip navigation|jump to content",
    r"menu|main menu|search|home|close|open|log ?in|log ?out|sign ?in|sign ?up|register|account|my account",
    r"subscribe(?: now| today| here)?|subscriber(?:s)? only|premium|exclusive|breaking(?: news)?|live",
    r"advertisement|advertising|ad|ads|sponsored(?: content)?|paid content|partner content|promoted",
    r"share(?: this)?(?: article| story| page| post| on| via)?|shares?|share icon",
    r"facebook|twitter|x|email|e-mail|mail|print|copy link|link copied|copy|linkedin|whatsapp|reddit|"
    r"pinterest|telegram|flipboard|messenger|instagram|youtube|tiktok|threads|bluesky|rss",
    r"comments?|\d+ comments?|leave a (?:comment|reply)|view comments|show comments|"
    r"join the (?:conversation|discussion)",
    r"no thanks|not now|maybe later|allow|block|accept(?: all)?(?: cookies)?|reject(?: all)?|got it|ok|okay|"
    r"dismiss|disable anytime|push icon|notifications?|turn on notifications|enable notifications",
    r"back to top|top stories|top news|trending(?: now)?|latest(?: news| stories| headlines)?|more stories|"
    r"more news|in the news|editor'?s picks?|just in|popular(?: now| stories)?|"
    r"most (?:read|popular|viewed|shared)",
    r"listen(?: to this article)?(?: \d+ min(?:utes?)?)?|\d+ min(?:ute)?s? read|min read|"
    r"follow(?: us)?|loading\.*",
    r"play video|watch(?: video| now| live)?|video|videos|photos?|gallery|photo gallery|view gallery|"
    r"image \d+ of \d+|\d+ of \d+|\d+ ?/ ?\d+|next|previous|prev|next article|previous article",
    r"continue reading|read more\W*|read full (?:story|article)|read the full (?:story|article)|"
    r"see more|show more|"
    r"load more|view all|see all",
    r"(?:story|article) continues (?:below|after)(?: (?:this )?(?:advertisement|ad))?|continue reading below|"
    r"scroll (?:down )?to continue(?: with content)?|content continues below",
    r"all rights reserved\.?|privacy(?: policy)?|terms(?: of (?:use|service))?|terms and conditions|"
    r"cookie (?:policy|settings|preferences)|manage (?:cookies|preferences|consent)|do not sell my .{0,40}|"
    r"contact us|about us|careers|help|faq|sitemap|accessibility|newsletters?|topics|sections|tags?:?",
    r"updated|published|posted|by",
)
_EXACT += tuple(_lang.words("chrome_exact"))  # other languages' chrome (clean/data/<lang>.json)
_EXACT_RE = re.compile(r"(?:" + "|".join(_EXACT) + r")[.:!…]*", re.I)

# Phrases that mark a short line as a prompt, a promotion or site furniture.  Each rule is
# keyed by a literal that must occur in the (case-folded) line, so a body line pays a few
# substring tests and almost never a regex search.
_PHRASE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(rx))
    for key, rx in (
        ("notification", r"push notifications?|enable notifications"),
        ("be the first", r"be the first to (?:read|know)"),
        ("alert", r"breaking (?:news )?alerts|news alerts"),
        ("cookie", r"we use cookies|(?:site|website) uses cookies|accept (?:all )?cookies|"
                   r"cookie (?:policy|settings)"),
        ("continuing", r"by continuing to (?:use|browse)"),
        ("newsletter", r"(?:sign up|subscribe|register) (?:for|to) (?:our|the|a) [\w'’ -]{0,40}newsletters?|"
                       r"\bnewsletter\b.{0,40}\b(?:inbox|sign up|subscribe)|get our [\w ]{0,30}newsletter"),
        ("inbox", r"delivered (?:straight |directly )?to your inbox|in your inbox"),
        ("already a", r"already a (?:subscriber|member)"),
        ("free account", r"create a free account"),
        ("article limit", r"article limit"),
        ("continue reading", r"to continue reading"),
        ("subscri", r"subscribe (?:now|today|to (?:read|continue|unlock))|"
                    r"start your [\w ]{0,30}subscription"),
        (" app", r"download (?:our|the) [\w ]{0,30}app|get the [\w ]{1,30} app\b"),
        ("follow", r"follow us on|follow (?:him|her|them) on"),
        ("like us", r"like us on facebook"),
        ("share", r"share (?:this|the) (?:article|story)"),
        ("trust principles", r"trust principles"),
        ("our standards", r"^our standards:"),
        ("commenting", r"commenting forum"),
        ("bookmark", r"to bookmark this article|want to bookmark"),
        ("journalism", r"support (?:our|independent|quality) journalism"),
        ("report a", r"report an? (?:error|typo|correction)"),
        ("click", r"click here"),
        ("tap here", r"tap here"),
        ("swipe", r"swipe (?:left|right|→)"),
        ("rights reserved", r"all rights reserved"),
        ("©", r"^©"),
        ("copyright", r"^copyright \d{4}"),
        ("javascript", r"javascript (?:is )?(?:disabled|required)|enable javascript"),
        ("this ", r"this (?:content|video|embed) (?:is not available|cannot be displayed)"),
        ("sign up", r"sign up to receive"),
        ("read our", r"read our reviews of"),
        *((key, rx) for key, rx in _lang.words("chrome_phrases")),
    )
)
_PHRASE_MAX = 300  # longer lines are prose, whatever words they use


_PHRASE_KEYS = tuple(key for key, _ in _PHRASE_RULES)


def _has_phrase(low: str) -> bool:
    """True when a case-folded line holds one of the prompt/promotion phrases.

    A plain loop of ``in`` tests (the interpreter's own substring search) is the cheapest scan
    here: about twice as fast as ``any(map(low.__contains__, ...))`` and far faster than one
    alternation regex; a body line pays the substring tests and never a regex search.
    """
    for key in _PHRASE_KEYS:
        if key in low:
            break
    else:
        return False
    for key, rx in _PHRASE_RULES:
        if key in low and rx.search(low):
            return True
    return False


def _contains_any(low: str, keys: tuple[str, ...]) -> bool:
    for key in keys:
        if key in low:
            return True
    return False


# Teasers and captions: a label then a short text.
_PREFIX = re.compile(
    r"(?:read more|read also|also read|related|related video|related story|related article|see also|"
    r"more|recommended|watch|listen|photo|photos|image|picture|credit|photograph|video|advertisement|"
    r"sponsored|trending|top stories|most read|" + "|".join(_lang.words("teaser_labels")) + r")\s*[:|–—-]\s*\S.{0,180}",
    re.I,
)
_CAPTION_END = re.compile(
    r"\((?:AP|AFP|Reuters|Getty|EPA|CP|PA|Bloomberg|dpa)[^()]{0,20}(?:Photo|Images|Pool)[^()]{0,80}\)\s*$|"
    r"(?:Photograph|Photo|Credit|Image|Picture)s?(?: by)?\s*:\s*[^.]{0,80}$|/\s*Getty Images\b.{0,40}$",
    re.I,
)
_CAPTION_KEYS = ("photo", "credit", "image", "picture", "getty", "pool")
_SOCIAL_WORDS = frozenset(
    "share facebook twitter x email e-mail print linkedin whatsapp reddit pinterest telegram flipboard "
    "messenger instagram youtube tiktok threads bluesky copy link comments comment save sms "
    "log in sign up register subscribe menu search home login logout account out".split()
)
_NO_WORDS = re.compile(r"^[\W_]*$")
_TWEET_CREDIT = re.compile(r"^[—–-]\s*.{1,80}\(@\w{1,30}\)\s+\w+\.? \d{1,2},? \d{4}$")
_TWEET_LINK = re.compile(r"pic\.twitter\.com/|https?://t\.co/", re.I)
_CAPS_PROMO = re.compile(r"^[^a-z]{12,}$")
_CAPS_MIN_WORDS = 8  # shorter all-caps lines are subheadings of the body; longer ones are promo links
_SOCIAL_SPLIT = re.compile(r"[\s|•·/,]+")
_SOCIAL_FIRST = re.compile(r"[\s|•·/,]*([^\s|•·/,]*)")

# Headings after which a page holds only related stories: cut there (late in the page only).
_TAIL = re.compile(
    r"(?:more from [\w' ]{1,40}|"
    r"related(?: articles| stories| coverage| content| news| links| reading| topics)?|"
    r"recommended(?: for you| stories| reading| articles)?|"
    r"you (?:may|might) (?:also )?(?:like|be interested in)|"
    r"read next|what to read next|most (?:read|popular|viewed|shared)|popular(?: now| stories| articles)?|"
    r"trending(?: now| stories)?|more stories|more on this (?:story|topic)|further reading|also read|"
    r"latest (?:news|stories|headlines)|around the web|from our partners|" + "|".join(_lang.words("tail_headings"))
    + r")[:.]?",
    re.I,
)
_TEASER_MAX = 300
_DATELINE_PREFIX = re.compile(
    r"[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,4}(?:,\s*[A-Z][\w.'’\- ]{1,30}?)?"
    r"(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^()]{1,40}\))?\s*(?:—|–|--|-)\s*"
)
_TEASER_LABEL = re.compile(
    r"(?:read more|read also|also read|related|related stories|related articles|see also|more|recommended|"
    r"watch|related coverage|more on this|trending|" + "|".join(_lang.words("teaser_labels")) + r")\s*[:>»]", re.I
)
_BIO = re.compile(
    r"\b(?:is|was) (?:a|an|the)\b|\bcovers\b|\bwrites (?:about|for)\b|\breports on\b|\bjoined\b", re.I
)


def norm(text: str) -> str:
    """Whitespace-collapsed, case-folded form used to compare lines."""
    # Already single-spaced (checked in C, no copy): ``isprintable`` is False for every whitespace
    # character but the ASCII space, so the split/join below would return ``text`` unchanged.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text.casefold()
    return " ".join(text.split()).casefold()


def _is_repeated(text: str) -> bool:
    """"Headline Headline": a teaser whose link text repeats the same title twice."""
    n = len(text)
    if n < 16 or text.find(text[:8], 8) < 0:  # the second half must start with the first's words
        return False
    for sep in range(0, 4):
        half = (n - sep) // 2
        if (half >= 8 and (n - sep) % 2 == 0 and text[:half] == text[n - half:]
                and not text[half:n - half].strip(" -|:") and not text[:half].rstrip().endswith(".")):
            return True
    return False


def is_chrome(line: str, *, caps_promo: bool = False) -> bool:
    """True when one line (a paragraph of the extracted text) is page chrome, not body.

    Ordered cheapest first; long lines (prose) skip the tests that only short lines can meet.
    """
    if line.isprintable() and "  " not in line and line[:1] != " " and line[-1:] != " ":  # as in norm()
        text = line
    else:
        text = " ".join(line.split())
    n = len(text)
    if not text or _NO_WORDS.match(text):
        return True
    if n <= 80 and _EXACT_RE.fullmatch(text):
        return True
    low = text.casefold()
    if n <= _PHRASE_MAX:
        if _has_phrase(low):
            return True
        if n <= 200 and _PREFIX.fullmatch(text):
            return True
        if _contains_any(low, _CAPTION_KEYS) and _CAPTION_END.search(text[-140:]):
            return True
        if _is_repeated(text):
            return True
    if n <= 400 and ("t.co/" in low or "pic.twitter" in low) and _TWEET_LINK.search(text):
        return True
    if n <= 150:
        first = _SOCIAL_FIRST.match(low)  # a share bar starts with one of its words: test that first
        if first and (first.group(1) in _SOCIAL_WORDS or first.group(1).isdigit()):
            words = _SOCIAL_SPLIT.split(low)
            if all(w in _SOCIAL_WORDS or w.isdigit() for w in words if w):
                return True
    if caps_promo and n >= 12 and text.upper() == text and len(text.split()) >= _CAPS_MIN_WORDS \
            and _CAPS_PROMO.match(text) and re.search(r"[A-Z]{3}", text):
        return True
    return False


def _cut_tail(paras: list[str]) -> list[str]:
    """Drop a trailing block of related stories that starts with a heading like "More from X".

    Only when everything after the heading is teaser-sized: a "Popular" widget in the middle
    of a page is followed by more body paragraphs, which must stay.
    """
    n = len(paras)
    for i in range(max(3, int(n * 0.4)), n):
        if len(paras[i]) <= 60 and _TAIL.fullmatch(paras[i].strip()):
            if all(len(p) <= _TEASER_MAX for p in paras[i + 1:]):
                return paras[:i]
    return paras


def drop_labelled_teasers(paras: list[str]) -> list[str]:
    """Drop "Read more:" / "Related:" labels standing alone and the teaser headline after each."""
    out: list[str] = []
    skip_next = False
    for p in paras:
        if skip_next:
            skip_next = False
            if len(p) <= 160 and not p.rstrip().endswith("."):
                continue
        if _TEASER_LABEL.fullmatch(p.strip()):
            skip_next = True
            continue
        out.append(p)
    return out


def _drop_tweets(paras: list[str]) -> list[str]:
    """Drop embedded posts: the "— Name (@handle) Month D, YYYY" credit and the text before it."""
    out: list[str] = []
    for p in paras:
        if _TWEET_CREDIT.match(p.strip()):
            if out and len(out[-1]) <= 400:
                out.pop()
            continue
        out.append(p)
    return out


def _drop_bios(paras: list[str], authors: Sequence[str]) -> list[str]:
    """Drop an author bio among the last paragraphs ("Jane Doe is a reporter for ...")."""
    if not authors or not paras:
        return paras
    keys = {a.split()[-1].casefold() for a in authors if a.split()}
    keep = list(paras)
    for i in range(len(paras) - 1, max(-1, len(paras) - 4), -1):
        head = paras[i][:80].casefold()
        if any(k in head for k in keys) and _BIO.search(paras[i][:160]) and len(paras[i]) <= 600:
            del keep[i]
    return keep


def _dateline_end(paragraph: str) -> int:
    """Length of a leading "CITY —" / "CITY (AP) —" dateline, 0 when there is none."""
    head = paragraph[:120]
    if "—" not in head and "–" not in head and "-" not in head:  # no dash, no dateline: skip the regex
        return 0
    m = _DATELINE_PREFIX.match(head)
    return m.end() if m else 0


def dedupe(paras: list[str]) -> list[str]:
    """Keep each paragraph once, and drop a teaser that the next paragraph repeats in full.

    Why: scraped pages repeat the lede (as a dek or a social card) before the body; the lede
    must appear exactly once.  Copies are compared without a leading dateline, and the copy
    that carries the dateline (the body's own first paragraph) is the one kept.
    """
    ends = [_dateline_end(p) for p in paras]
    keys = [norm(p[e:]) if e else norm(p) for p, e in zip(paras, ends)]
    keep_at: dict[str, int] = {}
    for i, k in enumerate(keys):
        if len(k) < 20:
            continue
        if k not in keep_at or (ends[i] and not ends[keep_at[k]]):
            keep_at[k] = i
    out: list[str] = []
    for i, (p, k) in enumerate(zip(paras, keys)):
        if len(k) >= 20 and keep_at[k] != i:
            continue
        nxt = keys[i + 1] if i + 1 < len(keys) else ""
        stem = k.rstrip(".…").rstrip()
        if len(stem) >= 40 and nxt != k and nxt.startswith(stem):
            continue
        out.append(p)
    return out


def filter_paragraphs(
    paras: Sequence[str],
    *,
    authors: Sequence[str] = (),
    caps_promo: bool = False,
    cut_tail: bool = True,
    drop_chrome: bool = True,
) -> list[str]:
    """Remove chrome lines, embedded posts, related-story tails, author bios and repeats.

    ``drop_chrome=False`` skips the per-line test for callers that already ran it.
    """
    kept = _drop_tweets(drop_labelled_teasers(list(paras)))
    if drop_chrome:
        kept = [p for p in kept if not is_chrome(p, caps_promo=caps_promo)]
    if cut_tail:
        kept = _cut_tail(kept)
    kept = _drop_bios(kept, authors)
    return dedupe(kept)
