"""Stage 2, metadata: title, outlet, publication date and language. Given metadata always wins."""

import itertools
import re
from collections import Counter
from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

from app.ingest.dates import find_dates
from app.ingest.scan import lowered, may_hold
from app.ingest.text import lookup_key
from app.ingest.types import CleanDocument, Metadata, RawArticle
from app.knowledge import Knowledge

_WORD = re.compile(r"[A-Za-z][A-Za-z']+")
_CLOCK_FIRST = re.compile(r"^\W*\d{1,2}[:.]\d{2}\b")
_UPDATED = re.compile(r"^\W*(?:updated|last updated|modified|last modified)\b", re.IGNORECASE)
_DATE_LINE_PREFIX = 24
_DATELINE = re.compile(
    r"^[A-Z][A-Za-z.'\- ]{1,40},\s+(?P<rest>.{4,40}?)\s*(?:\((?P<agency>[^)]{2,30})\))?\s*[-\u2013\u2014]"
)
_DATELINE_AGENCY = re.compile(r"^[A-Z][A-Z.'\- ,]{1,60}\((?P<agency>[^)]{2,30})\)\s*[-\u2013\u2014]")
_TITLE_MAX_WORDS = 25
_TITLE_WINDOW = 8
_TITLE_LONG_WORDS = 16


def extract_metadata(raw: RawArticle, doc: CleanDocument, knowledge: Knowledge) -> Metadata:
    lines = [doc.text[p.start : p.end] for p in doc.paragraphs]
    outlet = (
        _clip(raw.outlet)
        or outlet_from_url(raw.url, knowledge)
        or find_outlet(raw, doc.header_lines, lines, knowledge)
        or _plausible_name(doc.html_outlet)
    )
    published = raw.published_at or doc.html_date or find_published(doc.header_lines, lines)
    return Metadata(
        title=_clip(raw.title) or doc.html_title or find_title(lines, _outlet_keys(outlet, knowledge)),
        outlet=outlet,
        published_at=published,
        reference_date=dateline_date(lines, published) or published,
        language=(raw.language or "").strip().lower() or detect_language(doc.text, knowledge),
        url=raw.url,
    )


def _plausible_name(value: str | None) -> str | None:
    return value if value and sum(c.isalpha() for c in value) >= 2 else None


def _clip(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    word = word.lower().removesuffix("'s")
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return word[:6]


_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "from",
        "with",
        "by",
        "and",
        "or",
        "but",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "has",
        "have",
        "had",
        "it",
        "its",
        "his",
        "her",
        "their",
        "that",
        "this",
        "these",
        "those",
        "will",
        "would",
        "says",
        "said",
        "say",
        "after",
        "over",
        "into",
        "about",
    ]
)


@lru_cache(maxsize=65536)
def _content_stem(word: str) -> str | None:
    return None if word.lower() in _STOP else _stem(word)


# Each ASCII byte that _WORD's [A-Za-z'] does not match made a space: split() then gives the runs of letters and
# apostrophes, and each _WORD match is such a run without its leading apostrophes, where that leaves two characters
# or more (a run is matched at its first letter, and the match takes the rest of it). Other characters are no
# letters of _WORD's either: encoded as '?', they become spaces too.
_WORD_RUN_BYTES = bytes(c if chr(c).isalpha() or chr(c) == "'" else ord(" ") for c in range(128)) + b" " * 128


@lru_cache(maxsize=65536)
def _run_stem(run: str) -> str | None:
    """_content_stem of the _WORD match in a run of ASCII letters and apostrophes; None where it holds none."""
    word = run.lstrip("'")
    return _content_stem(word) if len(word) >= 2 else None


def _content_stems(text: str) -> list[str]:
    """The stems of the words of ``text`` that are not stopwords: _content_stem of each _WORD match."""
    runs = text.encode("ascii", "replace").translate(_WORD_RUN_BYTES).decode("ascii").split()
    return list(filter(None, map(_run_stem, runs)))  # (a stem is never empty: this drops just the stopwords' None)


# _WORD_RUN_BYTES with the capitals lowered (stems do not depend on case: see _stem).
_LOWERED_WORD_RUN_BYTES = (
    bytes(c + 32 if 65 <= c <= 90 else c if chr(c).isalpha() or chr(c) == "'" else ord(" ") for c in range(128))
    + b" " * 128
)


def _stem_elsewhere(words: bytes, stem: str, start: int, end: int) -> bool:
    """Whether some word of ``words`` (a text's runs of letters and apostrophes, lowered, between spaces, with a
    space before and after; see find_title) outside ``words[start:end]`` has ``stem`` for its _run_stem.

    A stem is a prefix of its word lowered (see _stem), and a word begins a run or follows the apostrophes that
    begin it (which _run_stem strips): the stem's occurrences where a word begins are stemmed to see, until one
    has it. (Most stems of a headline recur in the body: the search stops at once.)
    """
    needle = stem.encode()
    at = words.find(needle)
    while at >= 0:
        if start <= at < end:  # in the line itself
            at = words.find(needle, end)
            continue
        before = at - 1
        while words[before] == 39:  # "'" (the space before the text stops the walk)
            before -= 1
        word_end = words.find(b" ", at)
        if words[before] == 32 and _run_stem(words[at:word_end].decode()) == stem:
            return True
        at = words.find(needle, word_end)  # (no word begins inside this one)
    return False


@lru_cache(maxsize=1024)
def _outlet_keys(outlet: str | None, knowledge: Knowledge) -> frozenset[str]:
    if not outlet:
        return frozenset()
    names = [o for o in knowledge.outlets if o["name"] == outlet]
    return frozenset({lookup_key(n) for o in names for n in (o["name"], *o["names"])} | {lookup_key(outlet)})


def find_title(lines: list[str], masthead: set[str] = frozenset()) -> str:
    """The headline: a short line near the top whose words the body goes on to use (not a banner or sidebar)."""
    candidates = [
        (i, line)
        for i, line in enumerate(lines[:_TITLE_WINDOW])
        if _headline_like(line) and not (masthead and _in_masthead(line, masthead))
    ]
    if not candidates:
        return lines[0][:300] if lines else ""
    if len(candidates) == 1:
        return candidates[0][1]

    # The text's words lowered (a word never spans lines), and where each line is in it: a stem of a candidate
    # line counts where it is the stem of a word of another line. (That is Counter(_content_stems(text))[stem]
    # > Counter(stems of the line)[stem], the text's stems being its lines'; see _stem_elsewhere.)
    words = b" " + "\n".join(lines).encode("ascii", "replace").translate(_LOWERED_WORD_RUN_BYTES) + b" "
    starts = list(itertools.accumulate((len(line) + 1 for line in lines[:_TITLE_WINDOW]), initial=1))

    def score(item: tuple[int, str]) -> float:
        index, line = item
        stems = _content_stems(line)
        if not stems:
            return -1.0
        line_start = starts[index]
        elsewhere = {s: _stem_elsewhere(words, s, line_start, line_start + len(line)) for s in set(stems)}
        # Short lines (mastheads, section names) score low even when every word recurs in the body.
        overlap = sum(1 for s in stems if elsewhere[s]) / (len(stems) + 2)
        standfirst = 0.2 if len(line.split()) > _TITLE_LONG_WORDS else 0.0
        return overlap - 0.03 * index - standfirst

    return max(candidates, key=lambda item: (score(item), -item[0]))[1]


def _in_masthead(line: str, masthead: set[str]) -> bool:
    """``_masthead_key(line) in masthead``, answered at once for a line of ASCII that holds no key's longest word.

    In ASCII, lookup_key changes no letter but its case, and _MASTHEAD_NOISE takes out only whole words (with a
    character that is no letter or digit on either side) and a line's end: the words of a line's key are pieces
    of the line lowered.
    """
    needles = _masthead_needles(masthead) if isinstance(masthead, frozenset) else None
    if needles is not None and line.isascii() and not may_hold((needles,), line.lower()):
        return False
    return _masthead_key(line) in masthead


@lru_cache(maxsize=1024)
def _masthead_needles(masthead: frozenset[str]) -> frozenset[str] | None:
    """The longest word of each key of ``masthead``; None where a key has no word (any line may have it)."""
    needles = []
    for key in masthead:
        words = key.split()
        if not words:
            return None
        needles.append(max(words, key=len))
    return frozenset(needles)


_MASTHEAD_WORDS = ("logo", "home", "online", ".com")  # what the words of _MASTHEAD_NOISE begin with, lowered


def _masthead_key(line: str) -> str:
    """lookup_key(_MASTHEAD_NOISE.sub("", line)), without the substitution where it cannot match."""
    # A match holds one of the words (looked for in the lowered line: lowered is None where a case-insensitive
    # match could hide from lower()) or is a run of '.' or ':' at the end of the line or before a final '\n'.
    low = lowered(line)
    if low is None or "\n" in line or line.endswith((".", ":")) or any(word in low for word in _MASTHEAD_WORDS):
        line = _MASTHEAD_NOISE.sub("", line)
    return lookup_key(line)


def _headline_like(line: str) -> bool:
    # (The ending and length first: they turn away the body's paragraphs without splitting them.)
    return not line.endswith((".", ":", ",", ";")) and len(line) <= 250 and 3 <= len(line.split()) <= _TITLE_MAX_WORDS


def find_published(header_lines: tuple[str, ...], lines: list[str]) -> date | None:
    """A publication date from the page's date line or dateline; page timestamps and 'N years ago' never count.

    A date line starts with its date (after a short label such as 'Published:' or a weekday). Lines that begin
    with a clock time are page timestamps; an 'Updated' stamp is used only when nothing else dates the page.
    """
    updated = None
    for line in header_lines:
        if len(line) > 80 or _CLOCK_FIRST.match(line):
            continue
        full = [m for m in find_dates(line, None) if m.explicit_year and m.precision == "day"]
        if not full or full[0].start > _DATE_LINE_PREFIX:
            continue
        if _UPDATED.match(line):
            updated = updated or full[0].date
            continue
        return full[0].date
    for line in lines[:5]:
        match = _DATELINE.match(line)
        if match:
            full = [m for m in find_dates(match.group("rest"), None) if m.explicit_year and m.precision == "day"]
            if full:
                return full[0].date
    return updated


DATELINE_LAG = 14


def dateline_date(lines: list[str], published: date | None) -> date | None:
    """The date in a dateline ('KABUL, Feb 8 (Reuters) -'), when it dates the story shortly before publication."""
    for line in lines[:5]:
        match = _DATELINE.match(line)
        if not match:
            continue
        days = [m for m in find_dates(match.group("rest"), published) if m.precision == "day"]
        if days and (published is None or 0 <= (published - days[0].date).days <= DATELINE_LAG):
            return days[0].date
    return None


def outlet_from_url(url: str | None, knowledge: Knowledge) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    for outlet in knowledge.outlets:
        if any(host == d or host.endswith("." + d) for d in outlet["domains"]):
            return outlet["name"]
    return None


_MASTHEAD_NOISE = re.compile(r"\b(?:logo|homepage|home page|home|online|\.com)\b|[.:]+$", re.IGNORECASE)
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|(?i:copyright))\s*(?:\d{4}\s*)?(?P<name>[A-Z][\w&/.'-]*(?:\s+[A-Z][\w&/.'-]*){0,4})"
)


def _outlet_names(knowledge: Knowledge) -> dict[str, str]:
    return {lookup_key(alias): o["name"] for o in knowledge.outlets for alias in (o["name"], *o["names"])}


_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_HTML_LOGO = re.compile(r"""class=["'][^"']*logo[^"']*["'][^>]*>\s*([^<]{2,60}?)\s*<""", re.IGNORECASE)
_HTML_SITE_NAME = re.compile(r"""property=["']og:site_name["']\s+content=["']([^"']{2,60})""", re.IGNORECASE)


def _html_brand_strings(html: str) -> list[str]:
    """Where a page names its own site: og:site_name, a logo's text, the segments of its <title>."""
    head = html[:20000]
    pieces = _HTML_SITE_NAME.findall(head) + _HTML_LOGO.findall(head)
    for title in _HTML_TITLE.findall(head)[:1]:
        pieces += [p.strip() for p in re.split(r"\s[|\u2013\u2014-]\s", title)[1:]]
    return pieces


def find_outlet(raw: RawArticle, header: tuple[str, ...], lines: list[str], knowledge: Knowledge) -> str | None:
    """The outlet named by the page: its masthead, its own boilerplate, a dateline tag or a copyright line."""
    names = _outlet_names(knowledge)
    for line in header[:8]:
        found = names.get(_masthead_key(line))
        if found:
            return found
    text = raw.text if raw.text is not None else raw.html or ""
    if raw.html is not None:
        for piece in _html_brand_strings(raw.html):
            found = names.get(_masthead_key(piece))
            if found:
                return found
    for outlet in knowledge.outlets:
        if any(cue in text for cue in outlet["self"]):
            return outlet["name"]
    for line in lines[:5]:
        match = _DATELINE_AGENCY.match(line) or _DATELINE.match(line)
        agency = match and match.groupdict().get("agency")
        if agency and lookup_key(agency) in names:
            return names[lookup_key(agency)]
    for match in _COPYRIGHT.finditer(text):
        words = match.group("name").split()
        for end in range(len(words), 0, -1):
            found = names.get(lookup_key(" ".join(words[:end])))
            if found:
                return found
    return None


# Each ASCII byte that \w does not match ([A-Za-z0-9_] it does) made a space: the words bytes.split() then gives
# are the words re.findall(r"\w+") gives in ASCII text, found without a match object for each.
_ASCII_WORD_BYTES = bytes(c if chr(c).isalnum() or chr(c) == "_" else ord(" ") for c in range(128)) + b" " * 128


@lru_cache(maxsize=4)
def _stopword_languages(knowledge: Knowledge) -> tuple[dict[str, tuple[str, ...]], dict[bytes, tuple[str, ...]]]:
    """Each stopword -> the languages listing it (a language as often as it lists the word), as text and encoded
    (to count in the words of ASCII text: a non-ASCII stopword is never among them)."""
    languages: dict[str, tuple[str, ...]] = {}
    for lang, stop in knowledge.lexicon["stopwords"].items():
        for word in stop:
            languages[word] = (*languages.get(word, ()), lang)
    return languages, {word.encode(): langs for word, langs in languages.items() if word.isascii()}


def detect_language(text: str, knowledge: Knowledge) -> str:
    head = text[:2000]
    if head.isascii():
        words = head.encode().lower().translate(_ASCII_WORD_BYTES).split()
        languages = _stopword_languages(knowledge)[1]
    else:
        words = re.findall(r"\w+", head.lower())
        languages = _stopword_languages(knowledge)[0]
    if not words:
        return "en"
    # A language's score is the count of the words it lists: each stopword found adds its count to the languages
    # listing it (the other words are not counted at all).
    scores = dict.fromkeys(knowledge.lexicon["stopwords"], 0)
    for word, count in Counter(filter(languages.__contains__, words)).items():
        for lang in languages[word]:
            scores[lang] += count
    best = max(scores, key=scores.get)
    return best if scores[best] > 0 else "en"
