"""Stage 1, clean: raw text or HTML in, normalised article text without page furniture out."""

import re
import unicodedata
from datetime import date

from app.ingest.scan import lowered, may_hold
from app.ingest.types import CleanDocument, RawArticle, Span
from app.knowledge import Knowledge

# Cyrillic and Greek letters that look like Latin ones; replaced only inside words that also hold Latin letters.
_HOMOGLYPHS = str.maketrans(
    "АВЕКМНОРСТХУаеорсхуіјѕԁԛԝІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧαοιν",
    "ABEKMHOPCTXYaeopcxyijsdqwIJSABEZHIKMNOPTYXaoiv",
)
_HOMOGLYPH_SET = frozenset("АВЕКМНОРСТХУаеорсхуіјѕԁԛԝІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧαοιν")
_QUOTES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
}
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Any run of white space other than a line break becomes one space; single spaces are left as they are. (The
# same as r"[^\S\n]{2,}|[^\S\n ]", written to open with a character set, which the regex engine scans fast.)
_SPACES = re.compile(r"[^\S\n](?:(?<! )[^\S\n]*|[^\S\n]+)")
# Every white-space character (str.isspace, as \s) other than space and line break: with none of them and no
# double space in a text, _SPACES has nothing to do. (A plain character set is scanned much faster.)
_ODD_SPACE = re.compile("[\t\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_HOMOGLYPH_CHAR = re.compile("[" + "".join(sorted(_HOMOGLYPH_SET)) + "]")
# The four character sets above in one: a single scan of the text finds the characters the steps act on.
_SPECIAL = re.compile("[" + "".join(p.pattern[1:-1] for p in (_INVISIBLE, _CONTROL, _ODD_SPACE, _HOMOGLYPH_CHAR)) + "]")
_WORD_CHAR = re.compile(r"\w")
_WORD_REST = re.compile(r"\w*")
_SHORT_LINE = 200
_MAY_HAVE_CREDIT = re.compile(r"[)\]]\s*$|/|photo|foto|image|picture", re.IGNORECASE)
_FRACTION_SLASH = re.compile(r"(\d)(\d)\u2044(\d)")


def normalise_unicode(text: str) -> str:
    """NFKC, straight quotes, plain spaces, no control or invisible characters, no homoglyphs in Latin words."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():  # else it is NFKC already, with no quotes to straighten
        text = unicodedata.normalize("NFKC", text)
        if "\u2044" in text:
            text = _FRACTION_SLASH.sub(r"\1 \2/\3", text).replace("\u2044", "/")
        # str.translate looks up a dict per character; replace() on just the quotes present is much faster.
        for quote, straight in _QUOTES.items():
            if quote in text:
                text = text.replace(quote, straight)
    # Each special character once: the steps below run only when the text holds a character they act on. The
    # ASCII ones are all control characters (\t, \r, \x0b... among them), which str.isprintable finds much faster
    # than the regex scan: ASCII text printable but for its line breaks holds none.
    plain_ascii = text.isascii() and text.replace("\n", " ").isprintable()
    special = "" if plain_ascii else "".join(set(_SPECIAL.findall(text)))
    if special:
        if _INVISIBLE.search(special):
            text = _INVISIBLE.sub("", text)
        if "\t" in special or _CONTROL.search(special):
            text = _CONTROL.sub(" ", text.replace("\t", " "))
        if _HOMOGLYPH_CHAR.search(special):
            text = _fix_homoglyphs(text)
    if "  " in text or _ODD_SPACE.search(special):
        text = _SPACES.sub(" ", text)
    return text


def _fix_homoglyphs(text: str) -> str:
    """Latin letters for the Cyrillic and Greek look-alikes inside words that also hold Latin letters.

    Finds the look-alike characters first and widens each to its word (a run of \\w), rather than trying a
    word pattern at every position of the text.
    """
    pieces, done = [], 0
    for found in _HOMOGLYPH_CHAR.finditer(text):
        start = found.start()
        if start < done:
            continue
        while start > done and _WORD_CHAR.match(text, start - 1):
            start -= 1
        end = _WORD_REST.match(text, found.start()).end()
        word = text[start:end]
        if any("a" <= c.lower() <= "z" for c in word):
            word = word.translate(_HOMOGLYPHS)
        pieces += (text[done:start], word)
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


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


def clean(raw: RawArticle, knowledge: Knowledge) -> CleanDocument:
    html_title = html_date = html_outlet = None
    if raw.html is not None:
        body, html_title, html_date, html_outlet = html_to_text(raw.html)
    else:
        body = raw.text or ""
    text = normalise_unicode(body)
    lines = [line.strip() for line in text.split("\n")]
    header = tuple(line for line in lines[:20] if line)
    # The 'anywhere' patterns (boilerplate phrases) are the same for short and long lines and rarely match at
    # all: one search of the whole text tells whether they need trying line by line. They are searched for only
    # where the words they start with occur (HeadScan.search, the same as the pattern's search), in the text and
    # in each line.
    scans = knowledge.furniture_scans
    low = lowered(text)
    anywhere = scans["anywhere"].search(text, low) is not None
    # The anchored patterns that run on through a line are left out where the text lacks what they need; where
    # the text holds it, they are left out of each line that lacks it (a line is a text of its own). A line is
    # only looked at where the text kept some of them (its start pattern is not the one without all of them).
    # The start pattern is also narrowed to what a match can begin with and, for patterns that run to the end of
    # the line, end with: a table per first and last character of a line.
    starts = {size: knowledge.furniture_starts(size, low) for size in ("short", "long")}
    narrow = {size: table is not knowledge.furniture_starts(size, "") for size, table in starts.items()}
    anywhere_pattern = {size: scans[f"{size}_anywhere"] if anywhere else None for size in starts}
    # Per line size: what a line of that size is classified with, looked up once a line.
    short, long = ((size, narrow[size], starts[size], anywhere_pattern[size]) for size in ("short", "long"))
    # A line of an ASCII text holds '/' or a credit word (lowered) only if the text does: without them, a line
    # may have a credit only where it ends in ')' or ']' (_may_have_credit of a stripped line).
    credit_words = not text.isascii() or "/" in text or any(word in low for word in _CREDIT_WORDS)
    kept: list[str] = []
    kept_body: list[bool] = []  # _body_like of each kept line
    dropped: list[str] = []
    body_started = in_related = False
    last_folded = None  # kept[-1].casefold()
    for line in lines:
        if not line:
            continue
        size, narrowed, table, anywhere_line = long if len(line) > _SHORT_LINE else short
        if narrowed:
            table = knowledge.furniture_starts(size, lowered(line))
        found = table[line[0] + line[-1]].match(line) or (anywhere_line and anywhere_line.search(line, lowered(line)))
        # 'cut', 'related', 'drop' or None; the anywhere pattern is None where the text showed that it matches no line
        kind = found.lastgroup if found else None
        if kind == "cut":
            dropped.append(line)
            if body_started:
                break
            continue
        if kind == "related":
            dropped.append(line)
            in_related = body_started
            continue
        # The text is normalised (normalise_unicode): its only white space is the line break and single spaces,
        # so a stripped line's words (str.split) are its spaces and one.
        words = line.count(" ") + 1
        body_like = words >= 12 and line[-1] in _BODY_ENDS  # _body_like(line), the line being stripped
        if in_related and not body_like:
            dropped.append(line)
            continue
        in_related = False
        if kind == "drop" or (not body_started and words <= 2) or _is_date_line(line):
            dropped.append(line)
            continue
        kept_like = body_like
        # (The cheap tests of what a credit looks like first, then the literals the credit patterns need.)
        may_have_credit = line.endswith((")", "]")) or (credit_words and _may_have_credit(line))
        if may_have_credit and _holds_credit_literals(line, knowledge.credit_needs):
            cut = knowledge.credit_pattern.sub("", line).strip()
            if cut != line:
                line, kept_like = cut, _body_like(cut)
        if not line or not (line[0].isalnum() or any(c.isalnum() for c in line)):
            continue
        folded = line.casefold()
        if folded == last_folded:  # the same line again
            continue
        kept.append(line)
        kept_body.append(kept_like)
        last_folded = folded
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


_CREDIT_WORDS = ("photo", "foto", "image", "picture")


def _may_have_credit(line: str) -> bool:
    """_MAY_HAVE_CREDIT.search(line), answered without the regex for lines of plain ASCII (most of them)."""
    if not line.isascii():
        return bool(_MAY_HAVE_CREDIT.search(line))
    if "/" in line or line.rstrip().endswith((")", "]")):
        return True
    low = line.lower()
    return any(word in low for word in _CREDIT_WORDS)


def _holds_credit_literals(line: str, needs: tuple[tuple[frozenset[str], ...], ...]) -> bool:
    """Whether Knowledge.credit_pattern may match in ``line``: False where each of its patterns needs a literal
    (``needs``: Knowledge.credit_needs) the lowered line lacks. (The pattern is costly to try even where it fails:
    each of its patterns opens with \\s* and so is tried at every offset.)"""
    low = lowered(line)
    return any(may_hold(pattern_needs, low) for pattern_needs in needs)


_BODY_ENDS = frozenset(".!?\"')")


def _body_like(line: str) -> bool:
    """A paragraph of running text, as opposed to a headline, a menu entry or a link."""
    return line.rstrip()[-1:] in _BODY_ENDS and len(line.split()) >= 12


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_LINE = re.compile(
    rf"^(?:(?:published|posted|updated|first published|last updated)(?: on)?:?\s*)?"
    rf"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    rf"(?:\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{4}})"
    rf"(?:,?\s+(?:at\s+)?\d{{1,2}}[:.]\d{{2}}\s*(?:am|pm)?\s*(?:[a-z]{{2,4}})?)?\.?$",
    re.IGNORECASE,
)


def _is_date_line(line: str) -> bool:
    """A line that is only a date (the page's publication stamp): metadata reads it, the text drops it."""
    return len(line) <= 60 and bool(_DATE_LINE.match(line))
