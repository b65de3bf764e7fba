"""Stage 1, clean: raw text or HTML in, normalised article text without page furniture out.

What counts as page furniture is app/knowledge/furniture.json: regular expressions per kind of line, compiled
once per Knowledge (see Furniture).
"""

import re
import unicodedata
from datetime import date
from functools import lru_cache

from app.ingest.text import alternation
from app.ingest.types import CleanDocument, RawArticle, Span
from app.knowledge import Knowledge

# Cyrillic and Greek letters that look like Latin ones; replaced only inside words that also hold Latin letters.
_LOOK_ALIKES = "АВЕКМНОРСТХУаеорсхуіјѕԁԛԝІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧαοιν"
_HOMOGLYPHS = str.maketrans(_LOOK_ALIKES, "ABEKMHOPCTXYaeopcxyijsdqwIJSABEZHIKMNOPTYXaoiv")
_WORD_WITH_LOOK_ALIKE = re.compile(rf"\b\w*[{_LOOK_ALIKES}]\w*")
_LOOK_ALIKE = re.compile(f"[{_LOOK_ALIKES}]")
_QUOTES = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
}
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # (ASCII white space among them: \t, \x1c...)
_UNICODE_SPACE = re.compile("[\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")  # the rest of \s but \x85
_SPACES = re.compile("  +")
_FRACTION = re.compile(r"(\d)(\d)\u2044(\d)")  # NFKC writes '5½' as '51⁄2'


def normalise_unicode(text: str) -> str:
    """NFKC, straight quotes, plain spaces, no control or invisible characters, no homoglyphs in Latin words."""
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.isascii():  # (ASCII text is in NFKC, and holds none of the characters below)
        text = unicodedata.normalize("NFKC", text)
        if "\u2044" in text:
            text = _FRACTION.sub(r"\1 \2/\3", text).replace("\u2044", "/")
        for curly, straight in _QUOTES.items():
            text = text.replace(curly, straight)
        text = _UNICODE_SPACE.sub(" ", _INVISIBLE.sub("", text))
        if _LOOK_ALIKE.search(text):  # (most texts hold none: no need to look at each word)
            text = _WORD_WITH_LOOK_ALIKE.sub(_latin_word, text)
    return _SPACES.sub(" ", text)


def _latin_word(word: re.Match) -> str:
    text = word.group()
    return text.translate(_HOMOGLYPHS) if any("a" <= c.lower() <= "z" for c in text) else text


def html_to_text(html: str) -> tuple[str, str | None, date | None, str | None]:
    """Main text, title, date and site name of an HTML page, via trafilatura (no network access)."""
    import trafilatura

    document = trafilatura.bare_extraction(
        html,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        with_metadata=True,
        deduplicate=False,
    )
    if document is None:
        return "", None, None, None
    published = None
    if document.date:
        try:
            published = date.fromisoformat(document.date[:10])
        except ValueError:
            published = None
    return document.text or "", document.title, published, document.sitename


# The furniture.json lists that name each kind of line. A line longer than LONG_LINE can only be a boilerplate
# paragraph or where comments begin.
KINDS = {
    "cut": ["cut_from"],
    "related": ["related_from"],
    "drop": ["drop_line", "drop_paragraph", "caption_credit_line", "byline"],
}
LONG_LINE_KINDS = {"cut": ["cut_from"], "drop": ["drop_paragraph"]}
LONG_LINE = 200


class Furniture:
    """furniture.json compiled: what kind of furniture a line is, where a credit is, whether a line is a date."""

    def __init__(self, furniture: dict, lexicon: dict) -> None:
        self.short = self._kinds(furniture, KINDS)
        self.long = self._kinds(furniture, LONG_LINE_KINDS)
        self.credit = re.compile("|".join(f"(?:{p})" for p in furniture["credit"]), re.IGNORECASE)
        # The page's date alone on a line, perhaps after a label and a weekday, perhaps with a clock time. Any
        # word that begins with a month's or a weekday's first three letters will do, as pages abbreviate them.
        label = alternation(furniture["date_line_labels"])
        month = rf"(?:{alternation({name[:3].lower() for name in lexicon['month_names']})})[a-z]*\.?"
        weekday = rf"(?:{alternation({name[:3].lower() for name in lexicon['weekdays']})})[a-z]*"
        day_month_year = rf"\d{{1,2}}\s+{month},?\s+\d{{4}}"
        month_day_year = rf"{month}\s+\d{{1,2}},?\s+\d{{4}}"
        numbers = r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}"
        clock = r"(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:am|pm)?\s*(?:[a-z]{2,4})?"
        self.date_line = re.compile(
            rf"(?:(?:{label})(?: on)?:?\s*)?(?:{weekday},?\s+)?(?:{day_month_year}|{month_day_year}|{numbers})"
            rf"(?:,?\s+{clock})?\.?",
            re.IGNORECASE,
        )

    @staticmethod
    def _kinds(furniture: dict, kinds: dict[str, list[str]]) -> tuple[re.Pattern, re.Pattern]:
        """The patterns anchored at the start of a line ('^...') and the others, each a named group per kind."""

        def combined(anchored: bool) -> re.Pattern:
            groups = []
            for kind, keys in kinds.items():
                patterns = [
                    p.removeprefix("^") for key in keys for p in furniture[key] if p.startswith("^") == anchored
                ]
                if patterns:
                    groups.append(f"(?P<{kind}>" + "|".join(f"(?:{p})" for p in patterns) + ")")
            return re.compile("|".join(groups) or "(?!)", re.IGNORECASE)

        return combined(True), combined(False)

    def kind(self, line: str) -> str | None:
        """'cut', 'related', 'drop' or None for a stripped line: a pattern matching at its start first, in the
        order of KINDS, then one matching anywhere."""
        start, anywhere = self.long if len(line) > LONG_LINE else self.short
        found = start.match(line) or anywhere.search(line)
        return found.lastgroup if found else None

    def is_date_line(self, line: str) -> bool:
        """A line that is only a date (the page's publication stamp): metadata reads it, the text drops it."""
        return len(line) <= 60 and self.date_line.fullmatch(line) is not None


@lru_cache(maxsize=4)
def furniture(knowledge: Knowledge) -> Furniture:
    """The furniture of ``knowledge``, compiled once."""
    return Furniture(knowledge.furniture, knowledge.lexicon)


def clean(raw: RawArticle, knowledge: Knowledge) -> CleanDocument:
    html_title = html_date = html_outlet = None
    if raw.html is not None:
        body, html_title, html_date, html_outlet = html_to_text(raw.html)
    else:
        body = raw.text or ""
    lines = [line.strip() for line in normalise_unicode(body).split("\n")]
    header = tuple(line for line in lines[:20] if line)
    page = furniture(knowledge)
    kept: list[str] = []
    kept_body: list[bool] = []  # whether each kept line reads as running text
    dropped: list[str] = []
    body_started = in_related = False
    for line in filter(None, lines):
        kind = page.kind(line)
        if kind == "cut":
            dropped.append(line)
            if body_started:
                break
            continue
        if kind == "related":
            dropped.append(line)
            in_related = body_started
            continue
        body_like = _body_like(line)
        if in_related and not body_like:
            dropped.append(line)
            continue
        in_related = False
        if kind == "drop" or (not body_started and len(line.split()) <= 2) or page.is_date_line(line):
            dropped.append(line)
            continue
        kept_like = body_like
        cut = page.credit.sub("", line).strip()
        if cut != line:
            line, kept_like = cut, _body_like(cut)
        if not any(c.isalnum() for c in line):
            continue
        if kept and line.casefold() == kept[-1].casefold():  # the same line again
            continue
        kept.append(line)
        kept_body.append(kept_like)
        body_started = body_started or body_like

    # Headlines left at the very end are related links or a footer, not the article.
    while len(kept) > 1 and not kept_body[-1] and any(kept_body):
        kept_body.pop()
        dropped.append(kept.pop())
    paragraphs, offset = [], 0
    for line in kept:
        paragraphs.append(Span(offset, offset + len(line)))
        offset += len(line) + 2
    return CleanDocument(
        text="\n\n".join(kept),
        paragraphs=tuple(paragraphs),
        header_lines=header,
        html_title=normalise_unicode(html_title).strip() if html_title else None,
        html_date=html_date,
        html_outlet=html_outlet,
        dropped=tuple(dropped),
    )


def _body_like(line: str) -> bool:
    """A paragraph of running text, as opposed to a headline, a menu entry or a link."""
    return line.rstrip()[-1:] in ".!?\"')" and len(line.split()) >= 12
