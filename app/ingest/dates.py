"""Date expressions in text, resolved against an anchor date (usually the publication date)."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache

from app.ingest.scan import HeadScan, literal_heads, lowered

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

_MONTH_NAMES = [
    r"Jan(?:uary|\.)?",
    r"Feb(?:ruary|\.)?",
    r"Mar(?:ch|\.)?",
    r"Apr(?:il|\.)?",
    "May",
    "June?",
    "July?",
    r"Aug(?:ust|\.)?",
    r"Sep(?:t(?:ember|\.)?|\.)?",
    r"Oct(?:ober|\.)?",
    r"Nov(?:ember|\.)?",
    r"Dec(?:ember|\.)?",
]
# Title case or capitals ("March", "MARCH"), never lower case: "may" and "march" are verbs too.
_MONTH = "(?P<{n}>" + "|".join(_MONTH_NAMES + [m.upper() for m in _MONTH_NAMES]) + ")"
_DAY = r"(?P<{n}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{n}>(?:19|20)\d\d)"

_PATTERNS = [
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    ("dmy_num", re.compile(r"\b(?P<d>[0-3]?\d)[/.](?P<m>[0-3]?\d)[/.](?P<y>(?:19|20)\d\d)\b")),
    ("mdy", re.compile(rf"\b{_MONTH.format(n='m')}\s+{_DAY.format(n='d')}[,\u060c]?\s+{_YEAR.format(n='y')}\b")),
    (
        "dmy",
        re.compile(rf"\b{_DAY.format(n='d')}\s+(?:of\s+)?{_MONTH.format(n='m')}[,\u060c]?\s+{_YEAR.format(n='y')}\b"),
    ),
    ("my", re.compile(rf"\b{_MONTH.format(n='m')},?\s+(?:of\s+)?{_YEAR.format(n='y')}\b")),
    ("md", re.compile(rf"\b{_MONTH.format(n='m')}\s+{_DAY.format(n='d')}\b(?![:\d])")),
    ("dm", re.compile(rf"\b{_DAY.format(n='d')}\s+(?:of\s+)?{_MONTH.format(n='m')}\b")),
    ("weekday", re.compile(r"\b(?P<w>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")),
    ("relative", re.compile(r"\b(?P<r>today|tomorrow|yesterday|tonight)\b", re.IGNORECASE)),
    ("last_month", re.compile(rf"\b(?:last|this past)\s+{_MONTH.format(n='m')}\b")),
    ("period", re.compile(r"\b(?P<p>last|this|next) (?P<u>month|year)\b", re.IGNORECASE)),
    ("year", re.compile(rf"\b(?:in|In|since|Since|of|during|During)\s+{_YEAR.format(n='y')}\b")),
]

_FUTURE = re.compile(
    r"(?:\bfrom|\bbeginning|\bstarting|\beffective|\bas of|\bwill\b[\w ]{0,30}|\bnext|\bby|\buntil|\bbegin|\bstart)\s*(?:on\s+)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    date: date
    precision: str  # day | month | year
    explicit_year: bool
    text: str


def month_number(name: str) -> int:
    return MONTHS[name[:3].lower()]


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=4096)  # a pure function of small values: an article's dates share their anchor
def _closest_year(month: int, day: int, anchor: date | None) -> date | None:
    if anchor is None:
        return None
    candidates = [d for y in (anchor.year - 1, anchor.year, anchor.year + 1) if (d := _safe(y, month, day))]
    return min(candidates, key=lambda d: abs((d - anchor).days)) if candidates else None


# Tried only where one of its words begins (see app.ingest.scan), not at each of the 40 offsets.
_FUTURE_SCAN = HeadScan(_FUTURE)


def looks_future(text: str, start: int) -> bool:
    """Whether the words just before a date point forward ('from Tuesday', 'will begin on Tuesday')."""
    window = text[max(0, start - 40) : start]
    return _FUTURE_SCAN.search(window, lowered(window)) is not None


_DIGIT = re.compile(r"\d")
_YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")  # what _YEAR matches: every pattern with a year needs it
# The first three letters of a month as _MONTH writes them; one alternation of literals, which the regex engine
# scans for their first letters fast.
_MONTH_START = re.compile("|".join(m[:1].upper() + m[1:3] for m in MONTHS) + "|" + "|".join(m.upper() for m in MONTHS))
# Where a match of the patterns that open with \b and a month, a day's digits or a weekday can begin, found by a
# search that opens with literals or a character set, which the regex engine scans for fast (a pattern opening with
# \b is tried at every offset): a month as _MONTH writes it, a digit that begins a word, a weekday's name. Every
# match of such a pattern begins at one of the offsets found. (A month found inside another, as 'NOV' in 'JUNOV',
# is not found but cannot begin a match either: it follows a letter, where \b fails.)
_WORD_DIGIT = re.compile(r"\d(?<!\w.)")
_WEEKDAY_NAME = re.compile("|".join(name.title() for name in WEEKDAYS))
_STARTS = {
    "mdy": _MONTH_START,
    "dmy": _WORD_DIGIT,
    "my": _MONTH_START,
    "md": _MONTH_START,
    "dm": _WORD_DIGIT,
    "weekday": _WEEKDAY_NAME,
}
# What each pattern cannot match without (see _cues); the patterns whose needs a text lacks are not run on it.
_NEEDS = {
    "iso": frozenset({"year"}),
    "dmy_num": frozenset({"year"}),
    "mdy": frozenset({"year", "month"}),
    "dmy": frozenset({"year", "month"}),
    "my": frozenset({"year", "month"}),
    "md": frozenset({"digit", "month"}),
    "dm": frozenset({"digit", "month"}),
    "weekday": frozenset({"day"}),
    "relative": frozenset({"relative"}),
    "last_month": frozenset({"month", "last"}),
    "period": frozenset({"period"}),
    "year": frozenset({"year"}),
}


# The patterns that open with \b and words ('in 2016', 'next month', 'today', '2016-03-01'), which _STARTS has no
# search for, as HeadScans: tried only where one of their words begins (see app.ingest.scan), not at every offset.
# (A weekday's search in _STARTS costs less than its HeadScan.)
_SCANS = {kind: HeadScan(pattern) for kind, pattern in _PATTERNS if kind not in _STARTS and literal_heads(pattern)}


@cache  # one entry for each combination of cues: at most 2**7
def _runnable(cues: frozenset[str]) -> tuple[tuple[str, re.Pattern, re.Pattern | None, HeadScan | None], ...]:
    """The patterns, in order, whose needs are all among ``cues``, each with its search for where it may begin or
    its HeadScan."""
    return tuple(
        (kind, pattern, _STARTS.get(kind), _SCANS.get(kind)) for kind, pattern in _PATTERNS if _NEEDS[kind] <= cues
    )


def _matches(pattern: re.Pattern, text: str, starts: re.Pattern | None) -> Iterator[re.Match]:
    """``pattern.finditer(text)``; where every match begins at a match of ``starts``, the pattern is tried at those
    offsets only, skipping those inside the match before (as finditer resumes after a match)."""
    if starts is None:
        yield from pattern.finditer(text)
        return
    resume = 0
    for head in starts.finditer(text):
        at = head.start()
        if at >= resume and (match := pattern.match(text, at)):
            resume = match.end()
            yield match


def _cues(text: str, low: str | None = None) -> set[str]:
    """What of the patterns' needs ``text`` holds: a digit, a year's four digits, a month name (its first three
    letters, as _MONTH writes them), the 'day' of a weekday, a word of 'relative', the 'month' or 'year' of
    'period', the 'last' or 'this past' of 'last_month'. The case-insensitive words are looked for in the lowered
    text (``low``, else lowered here); where lowering may hide a case-insensitive match (see app.ingest.scan.lowered),
    they count as present. A month is only looked for beside a digit or a 'last': every pattern that needs one needs
    one of those too (see _NEEDS)."""
    cues = set()
    if _DIGIT.search(text):
        cues.add("digit")
        if _YEAR_DIGITS.search(text):
            cues.add("year")
    if "day" in text:
        cues.add("day")
    if "last" in text or "this past" in text:
        cues.add("last")
    if cues and ("digit" in cues or "last" in cues) and _MONTH_START.search(text):
        cues.add("month")
    if low is None:
        low = lowered(text)
    if low is None or "today" in low or "yesterday" in low or "tomorrow" in low or "tonight" in low:
        cues.add("relative")
    if low is None or "month" in low or "year" in low:
        cues.add("period")
    return cues


def find_dates(text: str, anchor: date | None, low: str | None = None) -> list[DateMention]:
    """Every date expression in ``text``; relative ones ('on Monday', 'tomorrow') need an anchor. ``low`` is
    ``lowered(text)`` if the caller has it (see app.ingest.scan.lowered)."""
    found: list[DateMention] = []
    if low is None:
        low = lowered(text)
    cues = _cues(text, low)
    if not cues:  # the text holds nothing any pattern needs (most sentences)
        return found
    taken: list[tuple[int, int]] = []
    for kind, pattern, starts, scan in _runnable(frozenset(cues)):
        for match in scan.finditer(text, low) if scan is not None else _matches(pattern, text, starts):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            mention = _resolve(kind, match, text, anchor)
            if mention is not None:
                found.append(mention)
                taken.append((start, end))
    return sorted(found, key=lambda m: m.start) if len(found) > 1 else found


def _resolve(kind: str, match: re.Match, text: str, anchor: date | None) -> DateMention | None:
    g = match.groupdict()
    start, end = match.span()
    precision, explicit, value = "day", True, None
    if kind == "iso":
        value = _safe(int(g["y"]), int(g["m"]), int(g["d"]))
    elif kind == "dmy_num":
        # Day first, as most of the world writes it; month first when that is the only valid reading.
        value = _safe(int(g["y"]), int(g["m"]), int(g["d"])) or _safe(int(g["y"]), int(g["d"]), int(g["m"]))
    elif kind in {"mdy", "dmy"}:
        value = _safe(int(g["y"]), month_number(g["m"]), int(g["d"]))
    elif kind == "my":
        value, precision = _safe(int(g["y"]), month_number(g["m"]), 1), "month"
    elif kind in {"md", "dm"}:
        explicit = False
        value = _closest_year(month_number(g["m"]), int(g["d"]), anchor)
    elif kind == "year":
        value, precision = _safe(int(g["y"]), 1, 1), "year"
    elif anchor is None:
        return None
    elif kind == "weekday":
        explicit = False
        value = _weekday(anchor, WEEKDAYS[g["w"].lower()], looks_future(text, start))
    elif kind == "relative":
        explicit = False
        offset = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1}[g["r"].lower()]
        value = anchor + timedelta(days=offset)
    elif kind == "last_month":
        explicit, precision = False, "month"
        month = month_number(g["m"])
        year = anchor.year if month < anchor.month else anchor.year - 1
        value = date(year, month, 1)
    elif kind == "period":
        explicit = False
        value, precision = _period(anchor, g["p"].lower(), g["u"].lower())
    if value is None:
        return None
    return DateMention(start, end, value, precision, explicit, match.group())


def _weekday(anchor: date, weekday: int, future: bool) -> date:
    if future:
        return anchor + timedelta(days=(weekday - anchor.weekday()) % 7)
    return anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


def _period(anchor: date, which: str, unit: str) -> tuple[date, str]:
    step = {"last": -1, "this": 0, "next": 1}[which]
    if unit == "year":
        return date(anchor.year + step, 1, 1), "year"
    month_index = anchor.year * 12 + anchor.month - 1 + step
    return date(month_index // 12, month_index % 12 + 1, 1), "month"
