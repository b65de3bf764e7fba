"""Stage 2, metadata: title, outlet, publication date and language. Given metadata always wins.

The words it looks for come from app/knowledge: outlets.json (names, domains, phrases a site uses of itself),
furniture.json ('updated_labels', 'masthead_noise', 'copyright_marks') and lexicon.json ('headline_words',
'stopwords'), compiled once per Knowledge (see MetadataWords).
"""

import re
from collections import Counter
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

from app.ingest.dates import DateMention, find_dates
from app.ingest.text import alternation, lookup_key
from app.ingest.types import CleanDocument, Metadata, RawArticle
from app.knowledge import Knowledge

_WORD = re.compile(r"[A-Za-z][A-Za-z']+")
_ANY_WORD = re.compile(r"\w+")
_CLOCK_FIRST = re.compile(r"^\W*\d{1,2}[:.]\d{2}\b")
_DATE_LINE_PREFIX = 24
_DATELINE = re.compile(
    r"^[A-Z][A-Za-z.'\- ]{1,40},\s+(?P<rest>.{4,40}?)\s*(?:\((?P<agency>[^)]{2,30})\))?\s*[-\u2013\u2014]"
)
# Where a dateline's date part ends: an agency in brackets or slashes, a dash or a colon ('PARIS, January 25:',
# 'Oct 14, 2019 (AFP)', 'MOSCOW, March 29. /TASS/').
_DATELINE_END = re.compile(r"\s(?:-|\u2013|\u2014)\s|[\u2013\u2014:(]|\s/")
_DATELINE_PLACE = re.compile(r"^[A-Z][A-Za-z.'\- ]{1,40}$")
_DATELINE_HEAD = 60
# A date in a url's path: /2019/07/08/, /2019-07-08/, /20190708
_URL_DATE = re.compile(r"/((?:19|20)\d\d)([/-]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)")
_DATELINE_AGENCY = re.compile(r"^[A-Z][A-Z.'\- ,]{1,60}\((?P<agency>[^)]{2,30})\)\s*[-\u2013\u2014]")
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_HTML_LOGO = re.compile(r"""class=["'][^"']*logo[^"']*["'][^>]*>\s*([^<]{2,60}?)\s*<""", re.IGNORECASE)
_HTML_SITE_NAME = re.compile(r"""property=["']og:site_name["']\s+content=["']([^"']{2,60})""", re.IGNORECASE)
_TITLE_MAX_WORDS = 25
_TITLE_WINDOW = 8
_TITLE_LONG_WORDS = 16
DATELINE_LAG = 14


class MetadataWords:
    """What the metadata stage reads in the knowledge files, compiled."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.outlets: dict[str, str] = {}  # the key of any name of an outlet -> the outlet
        self.outlet_keys: dict[str, set[str]] = {}  # an outlet -> the keys of its names
        for o in knowledge.outlets:
            keys = [lookup_key(name) for name in (o["name"], *o["names"])]
            self.outlets.update(dict.fromkeys(keys, o["name"]))
            self.outlet_keys.setdefault(o["name"], set()).update(keys)
        self.domains = [(domain, o["name"]) for o in knowledge.outlets for domain in o["domains"]]
        self.self_phrases = [(phrase, o["name"]) for o in knowledge.outlets for phrase in o["self"]]
        furniture = knowledge.furniture
        self.updated = re.compile(rf"^\W*(?:{alternation(furniture['updated_labels'])})\b", re.IGNORECASE)
        noise = alternation(furniture["masthead_noise"])
        self.masthead_noise = re.compile(rf"\b(?:{noise})\b|[.:]+$", re.IGNORECASE)
        marks = "|".join(
            f"(?i:{re.escape(mark)})" if mark.isalpha() else re.escape(mark) for mark in furniture["copyright_marks"]
        )
        self.copyright = re.compile(
            rf"(?:{marks})\s*(?:\d{{4}}\s*)?(?P<name>[A-Z][\w&/.'-]*(?:\s+[A-Z][\w&/.'-]*){{0,4}})"
        )
        self.stopwords = frozenset(knowledge.lexicon["headline_words"]["stopwords"])
        self.suffixes = knowledge.lexicon["headline_words"]["suffixes"]
        self.languages = knowledge.lexicon["stopwords"]

    def masthead_key(self, line: str) -> str:
        """The lookup key of a line read as a masthead ('BBC Homepage' -> 'bbc')."""
        return lookup_key(self.masthead_noise.sub("", line))

    def masthead_keys(self, outlet: str | None) -> set[str]:
        """The keys of every name of ``outlet``, a line of which is its masthead, not the headline."""
        return (self.outlet_keys.get(outlet, set()) | {lookup_key(outlet)}) if outlet else set()

    def stem(self, word: str) -> str | None:
        """A content word's stem, for comparing a headline's words with the body's; None for a stopword."""
        word = word.lower()
        if word in self.stopwords:
            return None
        word = word.removesuffix("'s")
        for suffix in self.suffixes:
            if word.endswith(suffix) and len(word) > len(suffix) + 3:
                word = word[: -len(suffix)]
                break
        return word[:6]

    def stem_counts(self, words: Iterable[str]) -> Counter[str]:
        """How often each stem occurs among ``words`` (each word is stemmed once, however often it occurs)."""
        found: Counter[str] = Counter()
        for word, count in Counter(map(str.lower, words)).items():
            if stem := self.stem(word):
                found[stem] += count
        return found


@lru_cache(maxsize=4)
def metadata_words(knowledge: Knowledge) -> MetadataWords:
    """The metadata words of ``knowledge``, compiled once."""
    return MetadataWords(knowledge)


def extract_metadata(raw: RawArticle, doc: CleanDocument, knowledge: Knowledge) -> Metadata:
    lines = [doc.text[p.start : p.end] for p in doc.paragraphs]
    outlet = (
        _clip(raw.outlet)
        or outlet_from_url(raw.url, knowledge)
        or find_outlet(raw, doc.header_lines, lines, knowledge)
        or _plausible_name(doc.html_outlet)
    )
    published = (
        raw.published_at or doc.html_date or find_published(doc.header_lines, lines, knowledge) or url_date(raw.url)
    )
    return Metadata(
        title=_clip(raw.title) or doc.html_title or find_title(lines, knowledge, outlet),
        outlet=outlet,
        published_at=published,
        reference_date=dateline_date(lines, published, knowledge) or published,
        reference_month_day=None if published else dateline_month_day(lines, knowledge),
        language=(raw.language or "").strip().lower() or detect_language(doc.text, knowledge),
        url=raw.url,
    )


def _plausible_name(value: str | None) -> str | None:
    return value if value and sum(c.isalpha() for c in value) >= 2 else None


def _clip(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def find_title(lines: list[str], knowledge: Knowledge, outlet: str | None = None) -> str:
    """The headline: a short line near the top whose words the body goes on to use (not a banner, the outlet's
    masthead or a sidebar)."""
    words = metadata_words(knowledge)
    masthead = words.masthead_keys(outlet)
    candidates = [
        (i, line)
        for i, line in enumerate(lines[:_TITLE_WINDOW])
        if _headline_like(line) and not (masthead and words.masthead_key(line) in masthead)
    ]
    if not candidates:
        return lines[0][:300] if lines else ""
    if len(candidates) == 1:
        return candidates[0][1]
    in_line = {i: words.stem_counts(_WORD.findall(line)) for i, line in candidates}
    # A stem begins its word: only the words that begin with a candidate's stem can have it.
    heads = tuple({stem for stems in in_line.values() for stem in stems})
    in_text = words.stem_counts(word for word in _WORD.findall("\n".join(lines)) if word.lower().startswith(heads))

    def score(item: tuple[int, str]) -> float:
        index, line = item
        stems = in_line[index]
        if not stems:
            return -1.0
        # A word counts where another line uses it too. Short lines (mastheads, section names) score low even
        # when every word recurs in the body.
        overlap = sum(n for stem, n in stems.items() if in_text[stem] > n) / (stems.total() + 2)
        standfirst = 0.2 if len(line.split()) > _TITLE_LONG_WORDS else 0.0
        return overlap - 0.03 * index - standfirst

    return max(candidates, key=lambda item: (score(item), -item[0]))[1]


def _headline_like(line: str) -> bool:
    return not line.endswith((".", ":", ",", ";")) and len(line) <= 250 and 3 <= len(line.split()) <= _TITLE_MAX_WORDS


def find_published(header_lines: tuple[str, ...], lines: list[str], knowledge: Knowledge) -> date | None:
    """A publication date from the page's date line or dateline; page timestamps and 'N years ago' never count.

    A date line starts with its date (after a short label such as 'Published:' or a weekday). Lines that begin
    with a clock time are page timestamps; an 'Updated' stamp is used only when nothing else dates the page.
    """
    updated = None
    for line in header_lines:
        if len(line) > 80 or _CLOCK_FIRST.match(line):
            continue
        full = [m for m in find_dates(line, None, knowledge=knowledge) if m.explicit_year and m.precision == "day"]
        if not full or full[0].start > _DATE_LINE_PREFIX:
            continue
        if metadata_words(knowledge).updated.match(line):
            updated = updated or full[0].date
            continue
        return full[0].date
    for line in lines[:5]:
        mention = dateline(line, None, knowledge)
        if mention is not None and mention.explicit_year and mention.precision == "day":
            return mention.date
    return updated


def dateline(line: str, anchor: date | None, knowledge: Knowledge) -> DateMention | None:
    """The date of a dateline that opens ``line``: 'KABUL, Feb 8 (Reuters) -', 'Oct 14, 2019 (AFP)',
    'Madrid, April 19:', 'July 09:'. The date part may hold a weekday and a date, nothing else; a day and month
    without a year is read against ``anchor`` (precision "month_day" without one)."""
    head = line[:_DATELINE_HEAD]
    end = _DATELINE_END.search(head)
    if end is None and len(line) > _DATELINE_HEAD:
        return None
    head = head[: end.start()] if end else head
    place, comma, rest = head.partition(",")
    candidates = [head]
    if comma and _DATELINE_PLACE.match(place.strip()):
        candidates.append(rest)
    weekdays = {day.lower() for day in knowledge.lexicon["weekdays"]}
    for candidate in candidates:
        mentions = [m for m in find_dates(candidate, anchor, knowledge=knowledge) if m.precision != "year"]
        if not mentions:
            continue
        leftover = candidate
        for m in reversed(mentions):
            leftover = leftover[: m.start] + " " + leftover[m.end :]
        if all(word.lower() in weekdays for word in _ANY_WORD.findall(leftover)):
            return mentions[-1]  # 'Monday, March 14': the date, not the weekday before it
    return None


def dateline_date(lines: list[str], published: date | None, knowledge: Knowledge) -> date | None:
    """The date in a dateline ('KABUL, Feb 8 (Reuters) -'), when it dates the story shortly before publication."""
    for line in lines[:5]:
        mention = dateline(line, published, knowledge)
        if mention is None or mention.precision != "day":
            continue
        if published is None or 0 <= (published - mention.date).days <= DATELINE_LAG:
            return mention.date
    return None


def dateline_month_day(lines: list[str], knowledge: Knowledge) -> str | None:
    """The day and month of a dateline that gives no year ('Madrid, April 19:'), as '--MM-DD'."""
    for line in lines[:5]:
        mention = dateline(line, None, knowledge)
        if mention is not None and mention.precision == "month_day":
            return mention.month_day
    return None


def url_date(url: str | None) -> date | None:
    """A date in the path of a url ('/2019/07/08/', '/1986-07-29/', '/20190708'), which sites put there when they
    publish."""
    match = _URL_DATE.search(urlsplit(url).path) if url else None
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
    except ValueError:
        return None


def outlet_from_url(url: str | None, knowledge: Knowledge) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    for domain, name in metadata_words(knowledge).domains:
        if host == domain or host.endswith("." + domain):
            return name
    return None


def _html_brand_strings(html: str) -> list[str]:
    """Where a page names its own site: og:site_name, a logo's text, the segments of its <title>."""
    head = html[:20000]
    pieces = _HTML_SITE_NAME.findall(head) + _HTML_LOGO.findall(head)
    for title in _HTML_TITLE.findall(head)[:1]:
        pieces += [p.strip() for p in re.split(r"\s[|\u2013\u2014-]\s", title)[1:]]
    return pieces


def find_outlet(raw: RawArticle, header: tuple[str, ...], lines: list[str], knowledge: Knowledge) -> str | None:
    """The outlet named by the page: its masthead, its own boilerplate, a dateline tag or a copyright line."""
    words = metadata_words(knowledge)
    names = words.outlets
    mastheads = [*header[:8], *(_html_brand_strings(raw.html) if raw.html is not None else [])]
    for line in mastheads:
        if found := names.get(words.masthead_key(line)):
            return found
    text = raw.text if raw.text is not None else raw.html or ""
    for phrase, name in words.self_phrases:
        if phrase in text:
            return name
    for line in lines[:5]:
        match = _DATELINE_AGENCY.match(line) or _DATELINE.match(line)
        agency = match and match.groupdict().get("agency")
        if agency and lookup_key(agency) in names:
            return names[lookup_key(agency)]
    for match in words.copyright.finditer(text):
        name = match.group("name").split()
        for end in range(len(name), 0, -1):
            if found := names.get(lookup_key(" ".join(name[:end]))):
                return found
    return None


def detect_language(text: str, knowledge: Knowledge) -> str:
    """The language whose stopwords (lexicon 'stopwords') the start of the text uses most; English by default."""
    words = Counter(_ANY_WORD.findall(text[:2000].lower()))
    languages = metadata_words(knowledge).languages
    scores = {language: sum(words.get(word, 0) for word in stop) for language, stop in languages.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] > 0 else "en"
