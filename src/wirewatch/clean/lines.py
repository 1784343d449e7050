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

# Lines that are chrome in their entirety (matched against the whole normalised line).
_EXACT = (
    r"skip to (?:the )?(?:main )?(?:content|navigation|search|footer)|skip navigation|jump to content",
    r"menu|main menu|search|home|close|open|log ?in|log ?out|sign ?in|sign ?up|register|account|my account",
    r"subscribe(?: now| today| here)?|subscriber(?:s)? only|premium|exclusive|breaking(?: news)?|live",
    r"advertisement|advertising|ad|ads|sponsored(?: content)?|paid content|partner content|promoted",
    r"share(?: this)?(?: article| story| page| post| on| via)?|shares?|share icon",
    r"facebook|twitter|x|email|e-mail|mail|print|copy link|link copied|copy|linkedin|whatsapp|reddit|"
    r"pinterest|telegram|flipboard|messenger|instagram|youtube|tiktok|threads|bluesky|rss",
    r"comments?|\d+ comments?|leave a (?:comment|reply)|view comments|show comments|join the (?:conversation|discussion)",
    r"no thanks|not now|maybe later|allow|block|accept(?: all)?(?: cookies)?|reject(?: all)?|got it|ok|okay|"
    r"dismiss|disable anytime|push icon|notifications?|turn on notifications|enable notifications",
    r"back to top|top stories|top news|trending(?: now)?|latest(?: news| stories| headlines)?|more stories|"
    r"more news|in the news|editor'?s picks?|just in|popular(?: now| stories)?|most (?:read|popular|viewed|shared)",
    r"listen(?: to this article)?(?: \d+ min(?:utes?)?)?|\d+ min(?:ute)?s? read|min read|follow(?: us)?|loading\.*",
    r"play video|watch(?: video| now| live)?|video|videos|photos?|gallery|photo gallery|view gallery|"
    r"image \d+ of \d+|\d+ of \d+|\d+ ?/ ?\d+|next|previous|prev|next article|previous article",
    r"continue reading|read more\W*|read full (?:story|article)|read the full (?:story|article)|see more|show more|"
    r"load more|view all|see all",
    r"(?:story|article) continues (?:below|after)(?: (?:this )?(?:advertisement|ad))?|continue reading below|"
    r"scroll (?:down )?to continue(?: with content)?|content continues below",
    r"all rights reserved\.?|privacy(?: policy)?|terms(?: of (?:use|service))?|terms and conditions|"
    r"cookie (?:policy|settings|preferences)|manage (?:cookies|preferences|consent)|do not sell my .{0,40}|"
    r"contact us|about us|careers|help|faq|sitemap|accessibility|newsletters?|topics|sections|tags?:?",
    r"updated|published|posted|by",
)
_EXACT_RE = re.compile(r"(?:" + "|".join(_EXACT) + r")[.:!…]*", re.I)

# Phrases that mark a short line as a prompt, a promotion or site furniture.
_PHRASES = re.compile(
    r"push notifications?|enable notifications|be the first to (?:read|know)|breaking (?:news )?alerts|"
    r"we use cookies|(?:site|website) uses cookies|by continuing to (?:use|browse)|accept (?:all )?cookies|"
    r"(?:sign up|subscribe|register) (?:for|to) (?:our|the|a) [\w'’ -]{0,40}newsletters?|"
    r"\bnewsletter\b.{0,40}\b(?:inbox|sign up|subscribe)|delivered (?:straight |directly )?to your inbox|"
    r"already a (?:subscriber|member)|create a free account|article limit|to continue reading|"
    r"subscribe (?:now|today|to (?:read|continue|unlock))|download (?:our|the) [\w ]{0,30}app|"
    r"get the [\w ]{1,30} app\b|follow us on|follow (?:him|her|them) on|like us on facebook|"
    r"share (?:this|the) (?:article|story)|trust principles|^our standards:|commenting forum|"
    r"to bookmark this article|want to bookmark|start your [\w ]{0,30}subscription|"
    r"support (?:our|independent|quality) journalism|report an? (?:error|typo|correction)|"
    r"click here|tap here|swipe (?:left|right|→)|\bswipe →|all rights reserved|^©|^copyright \d{4}|"
    r"this (?:content|video|embed) (?:is not available|cannot be displayed)|javascript (?:is )?(?:disabled|required)|"
    r"enable javascript|sign up to receive|get our [\w ]{0,30}newsletter|read our reviews of",
    re.I,
)
_PHRASE_MAX = 300
# Cheap substring pre-test: _PHRASES only runs on lines holding one of these.
_PHRASE_KEYS = (
    "notification", "be the first", "alert", "cookie", "continuing", "newsletter", "inbox", "subscri",
    "member", "account", "limit", "continue reading", "app", "follow", "like us", "share", "trust principles",
    "standards", "comment", "bookmark", "support", "report a", "click", "tap here", "swipe", "rights reserved",
    "©", "copyright", "javascript", "not available", "cannot be displayed", "sign up", "read our", "get our",
)  # longer lines are prose, whatever words they use

# Teasers and captions: a label then a short text.
_PREFIX = re.compile(
    r"(?:read more|read also|also read|related|related video|related story|related article|see also|"
    r"more|recommended|watch|listen|photo|photos|image|picture|credit|photograph|video|advertisement|"
    r"sponsored|trending|top stories|most read)\s*[:|–—-]\s*\S.{0,180}",
    re.I,
)
_CAPTION_END = re.compile(
    r"\((?:AP|AFP|Reuters|Getty|EPA|CP|PA|Bloomberg|dpa)[^()]{0,20}(?:Photo|Images|Pool)[^()]{0,80}\)\s*$|"
    r"(?:Photograph|Photo|Credit|Image|Picture)s?(?: by)?\s*:\s*[^.]{0,80}$|/\s*Getty Images\b.{0,40}$",
    re.I,
)
_SOCIAL_WORDS = frozenset(
    "share facebook twitter x email e-mail print linkedin whatsapp reddit pinterest telegram flipboard "
    "messenger instagram youtube tiktok threads bluesky copy link comments comment save sms".split()
)
_NO_WORDS = re.compile(r"^[\W_]*$")
_TWEET_CREDIT = re.compile(r"^[—–-]\s*.{1,80}\(@\w{1,30}\)\s+\w+\.? \d{1,2},? \d{4}$")
_TWEET_LINK = re.compile(r"pic\.twitter\.com/|https?://t\.co/", re.I)
_CAPS_PROMO = re.compile(r"^[^a-z]{12,}$")
_CAPS_MIN_WORDS = 8  # shorter all-caps lines are subheadings of the body; longer ones are promo links
_WS = re.compile(r"\s+")
_SOCIAL_SPLIT = re.compile(r"[\s|•·/,]+")

# Headings after which a page holds only related stories: cut there (late in the page only).
_TAIL = re.compile(
    r"(?:more from [\w' ]{1,40}|related(?: articles| stories| coverage| content| news| links| reading| topics)?|"
    r"recommended(?: for you| stories| reading| articles)?|you (?:may|might) (?:also )?(?:like|be interested in)|"
    r"read next|what to read next|most (?:read|popular|viewed|shared)|popular(?: now| stories| articles)?|"
    r"trending(?: now| stories)?|more stories|more on this (?:story|topic)|further reading|also read|"
    r"latest (?:news|stories|headlines)|around the web|from our partners)[:.]?",
    re.I,
)
_TEASER_MAX = 300
_BIO = re.compile(r"\b(?:is|was) (?:a|an|the)\b|\bcovers\b|\bwrites (?:about|for)\b|\breports on\b|\bjoined\b", re.I)


def norm(text: str) -> str:
    """Whitespace-collapsed, case-folded form used to compare lines."""
    return _WS.sub(" ", text).strip().casefold()


def _is_repeated(text: str) -> bool:
    """"Headline Headline": a teaser whose link text repeats the same title twice."""
    n = len(text)
    for sep in range(0, 4):
        half = (n - sep) // 2
        if half >= 8 and (n - sep) % 2 == 0 and text[:half] == text[n - half:] and not text[half:n - half].strip(" -|:"):
            return True
    return False


def is_chrome(line: str, *, caps_promo: bool = False) -> bool:
    """True when one line (a paragraph of the extracted text) is page chrome, not body."""
    text = _WS.sub(" ", line).strip()
    if not text or _NO_WORDS.match(text):
        return True
    if _EXACT_RE.fullmatch(text):
        return True
    short = len(text) <= _PHRASE_MAX
    low = text.casefold()
    if short and any(k in low for k in _PHRASE_KEYS) and _PHRASES.search(text):
        return True
    if len(text) <= 200 and _PREFIX.fullmatch(text):
        return True
    if short and _CAPTION_END.search(text[-140:]):
        return True
    if _TWEET_LINK.search(text) and len(text) <= 400:
        return True
    words = _SOCIAL_SPLIT.split(low)
    if len(words) <= 12 and all(w in _SOCIAL_WORDS or w.isdigit() for w in words if w):
        return True
    if len(text) <= 300 and _is_repeated(text):
        return True
    if caps_promo and len(text.split()) >= _CAPS_MIN_WORDS and _CAPS_PROMO.match(text) and re.search(r"[A-Z]{3}", text):
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


def dedupe(paras: list[str]) -> list[str]:
    """Keep each paragraph once, and drop a teaser that the next paragraph repeats in full.

    Why: scraped pages repeat the lede (as a dek or a social card) right before the body;
    the repeated lede must appear exactly once.
    """
    seen: set[str] = set()
    out: list[str] = []
    keys = [norm(p) for p in paras]
    for i, (p, k) in enumerate(zip(paras, keys)):
        if k in seen and len(k) >= 20:
            continue
        nxt = keys[i + 1] if i + 1 < len(keys) else ""
        stem = k.rstrip(".…").rstrip()
        if len(stem) >= 40 and nxt != k and nxt.startswith(stem):
            continue
        seen.add(k)
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
    kept = _drop_tweets(list(paras))
    if drop_chrome:
        kept = [p for p in kept if not is_chrome(p, caps_promo=caps_promo)]
    if cut_tail:
        kept = _cut_tail(kept)
    kept = _drop_bios(kept, authors)
    return dedupe(kept)
