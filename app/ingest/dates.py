"""Date expressions in text, resolved against an anchor date (usually the publication date).

The words come from app/knowledge/lexicon.json: 'month_names', 'weekdays', 'relative_days', 'relative_periods',
'number_words' ('two years ago'), 'past_month_cues', 'year_cues' (the expressions) and 'effective_cues',
'future_cues' (what makes a date look forward). Each function takes the Knowledge to read them from, by default
the loaded one.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from app.ingest.text import alternation
from app.knowledge import Knowledge, load_knowledge

NUMBER = re.compile(r"\d")


# The year of a day and month written without one, where nothing gives the year: a leap year, so that
# 29 February is a day too. Such a mention has precision "month_day" and its date must not be read as a year.
YEARLESS = 2000
# A weekday with nothing to say which week ('Fomin said Tuesday' in an undated report): that weekday of the week
# of this Monday, with precision "weekday". Only its weekday() means anything.
WEEKLESS = date(2000, 1, 3)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    date: date
    precision: str  # day | month | year | month_day (a day and month, no year: YEARLESS) | weekday (WEEKLESS)
    explicit_year: bool
    text: str

    @property
    def month_day(self) -> str:
        """The day and month as ISO 8601 writes them without a year ('--03-14')."""
        return month_day(self.date)


def month_day(day: date) -> str:
    """'--MM-DD', the day and month of ``day`` without its year."""
    return f"--{day.month:02d}-{day.day:02d}"


class DateWords:
    """The date expressions of one Knowledge, compiled: each a pattern, tried in order (an earlier kind of
    expression wins where two overlap)."""

    def __init__(self, lexicon: dict) -> None:
        # A month is written in title case or capitals ('March', 'MARCH'), never lower case: 'may' and 'march' are
        # verbs too. The patterns take any capitalised word where a month may stand; _resolve keeps the months.
        self.months = dict(lexicon["month_names"])
        self.months |= {form.upper(): number for form, number in self.months.items()}
        self.weekdays = {name.lower(): number for name, number in lexicon["weekdays"].items()}
        self.relative_days = {word.lower(): offset for word, offset in lexicon["relative_days"].items()}
        self.periods = {word.lower(): step for word, step in lexicon["relative_periods"].items()}
        self.numbers = {"a": 1, "an": 1} | {word.lower(): n for word, n in lexicon["number_words"].items()}
        month = r"(?P<m>[A-Z][A-Za-z]++\.?)"  # a whole word
        day = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
        year = r"(?P<y>(?:19|20)\d\d)"
        self.patterns = [  # (kind, pattern, whether it needs a number)
            ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"), True),
            ("dmy_num", re.compile(r"\b(?P<d>[0-3]?\d)([/.-])(?P<m>[0-3]?\d)\2(?P<y>(?:19|20)\d\d)\b"), True),
            ("mdy", re.compile(rf"\b{month}\s+{day}[,\u060c]?\s+{year}\b"), True),
            ("dmy", re.compile(rf"\b{day}\s+(?:of\s+)?{month}[,\u060c]?\s+{year}\b"), True),
            ("my", re.compile(rf"\b{month},?\s+(?:of\s+)?{year}\b"), True),
            ("md", re.compile(rf"\b{month}\s+{day}\b(?!:?\d)"), True),  # not a clock time ('May 5:30')
            ("dm", re.compile(rf"\b{day}\s+(?:of\s+)?{month}\b"), True),
            ("weekday", re.compile(rf"\b(?P<w>{alternation(lexicon['weekdays'])})\b"), False),
            ("relative", re.compile(rf"\b(?P<r>{alternation(self.relative_days)})\b", re.IGNORECASE), False),
            ("last_month", re.compile(rf"\b(?:{alternation(lexicon['past_month_cues'])})\s+{month}\b"), False),
            ("period", re.compile(rf"\b(?P<p>{alternation(self.periods)}) (?P<u>month|year)\b", re.IGNORECASE), False),
            (
                "ago",
                re.compile(rf"\b(?P<n>\d+|{alternation(self.numbers)})\s+(?P<u>year|month|week|day)s?\s+ago\b", re.I),
                False,
            ),
            ("year", re.compile(rf"\b(?:{alternation(lexicon['year_cues'])})\s+{year}\b"), True),
        ]
        # The words just before a date that put it forward ('from Tuesday', 'effective on 1 May'), or a little
        # further back ('will leave Syria on Tuesday').
        self.future = re.compile(
            rf"(?:\b(?:{alternation(lexicon['effective_cues'])})|\b(?:{alternation(lexicon['future_cues'])})\b[\w ]{{0,30}})"
            r"\s*(?:on\s+)?$",
            re.IGNORECASE,
        )

    def looks_future(self, text: str, start: int) -> bool:
        return self.future.search(text[max(0, start - 40) : start]) is not None


@lru_cache(maxsize=4)
def date_words(knowledge: Knowledge) -> DateWords:
    """The date expressions of ``knowledge``, compiled once."""
    return DateWords(knowledge.lexicon)


def month_number(name: str, *, knowledge: Knowledge | None = None) -> int:
    """The number of a month as written ('March', 'Dec.', 'SEPT')."""
    return date_words(knowledge or load_knowledge()).months[name.title()]


def looks_future(text: str, start: int, *, knowledge: Knowledge | None = None) -> bool:
    """Whether the words just before a date point forward ('from Tuesday', 'will begin on Tuesday')."""
    return date_words(knowledge or load_knowledge()).looks_future(text, start)


def find_dates(text: str, anchor: date | None, *, knowledge: Knowledge | None = None) -> list[DateMention]:
    """Every date expression in ``text``; relative ones ('on Monday', 'tomorrow') need an anchor. Without one, a
    day and month ('March 14') is found with precision "month_day", and a past weekday ('said Tuesday') with
    precision "weekday"."""
    return list(_find_dates(text, anchor, date_words(knowledge or load_knowledge())))


@lru_cache(maxsize=64)  # the event stage reads the dates of a sentence more than once
def _find_dates(text: str, anchor: date | None, words: DateWords) -> tuple[DateMention, ...]:
    found: list[DateMention] = []
    has_number = NUMBER.search(text) is not None  # most sentences hold none: no need to look for numbered dates
    for kind, pattern, numbered in words.patterns:
        if numbered and not has_number:
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < m.end and m.start < end for m in found):
                continue
            mention = _resolve(kind, match, text, anchor, words)
            if mention is not None:
                found.append(mention)
    return tuple(sorted(found, key=lambda m: m.start))


def _resolve(kind: str, match: re.Match, text: str, anchor: date | None, words: DateWords) -> DateMention | None:
    g = match.groupdict()
    precision, explicit, value = "day", True, None
    month = words.months.get(g.get("m"))  # None for a number, or a word that is no month
    if kind in {"mdy", "dmy", "my", "md", "dm", "last_month"} and month is None:
        return None
    if kind == "iso":
        value = _safe(int(g["y"]), int(g["m"]), int(g["d"]))
    elif kind == "dmy_num":
        # Day first, as most of the world writes it; month first when that is the only valid reading.
        value = _safe(int(g["y"]), int(g["m"]), int(g["d"])) or _safe(int(g["y"]), int(g["d"]), int(g["m"]))
    elif kind in {"mdy", "dmy"}:
        value = _safe(int(g["y"]), month, int(g["d"]))
    elif kind == "my":
        value, precision = _safe(int(g["y"]), month, 1), "month"
    elif kind in {"md", "dm"}:
        explicit = False
        if anchor is None:  # no year to place it in: keep the day and month
            value, precision = _safe(YEARLESS, month, int(g["d"])), "month_day"
        else:
            value = _closest_year(month, int(g["d"]), anchor)
    elif kind == "year":
        value, precision = _safe(int(g["y"]), 1, 1), "year"
    elif kind == "weekday" and anchor is None:  # a past weekday of some week: the weekday alone
        if words.looks_future(text, match.start()):
            return None
        explicit, precision = False, "weekday"
        value = WEEKLESS + timedelta(days=words.weekdays[g["w"].lower()])
    elif anchor is None:
        return None
    elif kind == "weekday":
        explicit = False
        value = _weekday(anchor, words.weekdays[g["w"].lower()], words.looks_future(text, match.start()))
    elif kind == "relative":
        explicit = False
        value = anchor + timedelta(days=words.relative_days[g["r"].lower()])
    elif kind == "last_month":
        explicit, precision = False, "month"
        value = date(anchor.year if month < anchor.month else anchor.year - 1, month, 1)
    elif kind == "ago":  # 'a year ago': as precise as its unit
        explicit, count, unit = False, g["n"].lower(), g["u"].lower()
        value, precision = _ago(anchor, int(count) if count.isdigit() else words.numbers[count], unit)
    elif kind == "period":
        explicit = False
        value, precision = _period(anchor, words.periods[g["p"].lower()], g["u"].lower())
    if value is None:
        return None
    return DateMention(match.start(), match.end(), value, precision, explicit, match.group())


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _closest_year(month: int, day: int, anchor: date | None) -> date | None:
    if anchor is None:
        return None
    candidates = [d for y in (anchor.year - 1, anchor.year, anchor.year + 1) if (d := _safe(y, month, day))]
    return min(candidates, key=lambda d: abs((d - anchor).days)) if candidates else None


def _weekday(anchor: date, weekday: int, future: bool) -> date:
    if future:
        return anchor + timedelta(days=(weekday - anchor.weekday()) % 7)
    return anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


def _ago(anchor: date, count: int, unit: str) -> tuple[date, str]:
    if unit in ("day", "week"):
        return anchor - timedelta(days=count * (7 if unit == "week" else 1)), "day"
    return _period(anchor, -count, unit)


def _period(anchor: date, step: int, unit: str) -> tuple[date, str]:
    if unit == "year":
        return date(anchor.year + step, 1, 1), "year"
    month_index = anchor.year * 12 + anchor.month - 1 + step
    return date(month_index // 12, month_index % 12 + 1, 1), "month"
