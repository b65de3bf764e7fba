"""Case-insensitive word patterns tried only where a match can begin.

Python's regex engine tries a pattern such as ``\\b(?:withdraw|pull out|...)`` at every position of the text,
which makes a long alternation cost far more than the few places it can match. Every match of such a pattern
begins with one of a few literals (its *heads*: 'withdraw', 'pull', ...), which ``literal_heads`` reads off the
parsed pattern. ``HeadScan`` finds the heads with plain substring searches in the lower-case text and runs the
pattern at those offsets only, giving exactly the matches ``finditer`` gives. At each offset it runs the pattern
``narrowed`` to the head found there: without the alternatives that cannot begin with it, which the regex engine
would otherwise try one by one (for a case-insensitive alternation it has no quick test of their first letters).
"""

import bisect
import re
from collections.abc import Callable
from functools import lru_cache
from re import _compiler, _constants, _parser  # the regex parser: what a pattern's matches begin with

from app.ingest.types import Span

# Characters that a case-insensitive pattern takes for an ASCII letter although str.lower() does not give one
# (dotted and dotless i, long s, Kelvin sign). Where none occurs, a lower-case ASCII word missing from the
# lowered text cannot be matched by a case-insensitive pattern either.
CASE_TRAPS = frozenset("\u0130\u0131\u017f\u212a")


def lowered(text: str) -> str | None:
    """``text.lower()`` if it keeps every offset and can stand in for case-insensitive matching of ASCII words."""
    low = text.lower()
    if text.isascii():  # (a flag of the string, read at once) lowering ASCII keeps every offset, and holds no trap
        return low
    if len(low) != len(text) or any(trap in text for trap in CASE_TRAPS):
        return None
    return low


Head = tuple[str, bool]  # a lower-case literal, and whether a word boundary (\b) comes before it


def literal_heads(pattern: re.Pattern) -> tuple[Head, ...] | None:
    """The literals every match of a case-insensitive ``pattern`` begins with; None if some branch of the
    pattern begins with anything else (a class, a repeat)."""
    heads = _heads(list(_parser.parse(pattern.pattern, pattern.flags)))
    if not heads:
        return None
    kept: list[Head] = []
    for head, bounded in sorted(heads, key=lambda h: (len(h[0]), not h[1], h[0])):  # 'withdraw' covers 'withdrawal'
        if not any(head.startswith(k) and (b <= bounded) for k, b in kept):
            kept.append((head, bounded))
    return tuple(kept)


def _heads(items: list, bounded: bool = False) -> set[Head] | None:
    for index, (op, arg) in enumerate(items):
        if op is _constants.AT and arg is _constants.AT_BOUNDARY:
            bounded = True
        elif op in (_constants.ASSERT, _constants.ASSERT_NOT):
            continue  # a look-ahead or look-behind takes no characters: the match still begins with what follows
        elif op is _constants.LITERAL:
            literal = []
            for next_op, next_arg in items[index:]:
                if next_op is not _constants.LITERAL:
                    break
                literal.append(chr(next_arg))
            head = "".join(literal).lower()
            return {(head, bounded and is_word_char(head[0]))}  # a boundary before a non-word char: not used
        elif op is _constants.BRANCH:
            found: set[Head] = set()
            for branch in arg[1]:
                heads = _heads(list(branch), bounded)
                if not heads:
                    return None
                found |= heads
            return found
        elif op is _constants.SUBPATTERN:
            return _heads(list(arg[3]), bounded)
        else:
            return None
    return None


_REPEATS = (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT)


def required_literals(pattern: re.Pattern) -> tuple[frozenset[str], ...]:
    """Sets of lower-case literals such that every match of ``pattern`` (case-insensitive or not) holds one
    literal of each set: where the lowered text (see ``lowered``) holds no literal of some set, the pattern cannot
    match. Look-arounds are left out; the literals are made of ASCII and caseless characters only, for which the
    lowered text stands in exactly. Empty when nothing is required."""
    return tuple(_required(list(_parser.parse(pattern.pattern, pattern.flags))))


def may_hold(needs: tuple[frozenset[str], ...], low: str | None) -> bool:
    """False only when ``low`` (a lowered text, see ``lowered``) lacks every literal of one of the sets of
    ``needs`` (see ``required_literals``): then the pattern they were read off cannot match."""
    if low is None:
        return True
    for literals in needs:  # loops rather than all(any(...)): this runs for most sentences and lines
        for literal in literals:
            if literal in low:
                break
        else:
            return False
    return True


def _required(items: list) -> list[frozenset[str]]:
    found: list[frozenset[str]] = []
    run: list[str] = []  # consecutive literals: they are consecutive in every match
    for op, arg in [*items, (None, None)]:
        if op is _constants.LITERAL and _stands_in(chr(arg)):
            run.append(chr(arg).lower())
            continue
        if run:
            found.append(frozenset({"".join(run)}))
            run = []
        if op is _constants.SUBPATTERN:
            found += _required(list(arg[3]))
        elif op in _REPEATS and arg[0] >= 1:  # matched at least once
            found += _required(list(arg[2]))
        elif op is _constants.BRANCH:
            # Each branch holds one literal of each of its own sets: one set per branch, together, is required.
            options = [_required(list(branch)) for branch in arg[1]]
            if all(options):
                found.append(frozenset().union(*(max(sets, key=lambda s: min(map(len, s))) for sets in options)))
        elif op is _constants.IN and all(o is _constants.LITERAL and _stands_in(chr(a)) for o, a in arg):
            found.append(frozenset(chr(a).lower() for _, a in arg))
    return found


def _stands_in(char: str) -> bool:
    """An ASCII or caseless character: what a pattern matches for it, lowered, is it lowered (see ``lowered``)."""
    return char.isascii() or char.lower() == char == char.upper()


def scans_on(pattern: re.Pattern) -> bool:
    """Whether ``pattern`` opens with a repeat of any character or of a negated set (``.*``, ``[^.!?]{0,80}``):
    tried at one offset, it runs on through the text before it can fail."""
    items = list(_parser.parse(pattern.pattern, pattern.flags))
    while items and items[0][0] is _constants.SUBPATTERN:
        items = list(items[0][1][3])
    if not items or items[0][0] not in _REPEATS:
        return False
    body = list(items[0][1][2])
    return len(body) == 1 and (
        body[0][0] is _constants.ANY or (body[0][0] is _constants.IN and body[0][1][:1] == [(_constants.NEGATE, None)])
    )


def may_match(pattern: re.Pattern, text: str, low: str | None = None) -> bool:
    """Whether ``pattern.search(text)`` can succeed: False only when none of the pattern's heads occurs in the
    text, so that the search over a long text can be skipped. ``low`` is ``lowered(text)`` if the caller has it."""
    return _scan_of(pattern).may_occur(lowered(text) if low is None else low)


@lru_cache(maxsize=64)
def _scan_of(pattern: re.Pattern) -> "HeadScan":
    return HeadScan(pattern)


def is_word_char(char: str) -> bool:
    """What the regex ``\\w`` matches in a str pattern."""
    return char.isalnum() or char == "_"


def narrowed(pattern: re.Pattern, head: str) -> re.Pattern:
    """``pattern`` without the alternatives, among those a match begins with, that cannot begin where ``head``
    occurs (in the lowered text, see ``lowered``): those whose own heads (see ``literal_heads``) are neither a
    prefix of ``head`` nor begin with it. Tried where ``head`` occurs, it matches as ``pattern`` does (same span,
    same groups): the alternatives left out fail there, and the others are tried in the same order. A long
    alternation of words then costs a few, not one attempt per word."""
    parsed = _parser.parse(pattern.pattern, pattern.flags)
    narrow = _parser.SubPattern(parsed.state, _narrowed(list(parsed), head, parsed.state))
    return _compiler.compile(narrow, pattern.flags)


def _narrowed(items: list, head: str, state) -> list:
    """The items with the alternatives of the alternations they open with narrowed to ``head`` (see narrowed),
    walking them as ``_heads`` does."""
    items = list(items)
    for index, (op, arg) in enumerate(items):
        if op is _constants.AT or op in (_constants.ASSERT, _constants.ASSERT_NOT):
            continue  # takes no characters (_heads knows no other AT than \b, or gives no heads)
        if op is _constants.BRANCH:
            kept = [
                _parser.SubPattern(state, _narrowed(list(branch), head, state))
                for branch in arg[1]
                if _may_begin_with(_heads(list(branch)), head)
            ]
            items[index] = (op, (arg[0], kept))
        elif op is _constants.SUBPATTERN:
            group, add_flags, del_flags, sub = arg
            items[index] = (op, (group, add_flags, del_flags, _parser.SubPattern(state, _narrowed(sub, head, state))))
        return items  # a literal, or anything _heads gives no heads for: nothing more to narrow
    return items


def _may_begin_with(heads: set[Head] | None, head: str) -> bool:
    """Whether an alternative with these heads can match where ``head`` occurs: one of them and ``head`` agree."""
    return heads is None or any(h.startswith(head) or head.startswith(h) for h, _ in heads)


class HeadScan:
    """A compiled case-insensitive pattern with its heads.

    ``low`` is always ``text.lower()`` of the same length as ``text``, and only where lowering cannot hide a
    case-insensitive match (see ``lowered``); without it the pattern runs in full.
    """

    def __init__(self, pattern: re.Pattern) -> None:
        self.pattern = pattern
        self.heads = literal_heads(pattern)
        self._literals = tuple(head for head, _ in self.heads or ())
        # Each head with the ``match`` of the pattern narrowed to it (see narrowed): where a head occurs, that is
        # tried instead of the whole pattern, whose other alternatives cannot match there.
        self._scans = tuple((head, bounded, narrowed(pattern, head).match) for head, bounded in self.heads or ())

    def windows(self, text: str, low: str | None, spans: list[Span]) -> dict[int, list[re.Match]]:
        """Window index -> the matches of ``finditer(text[span.start:span.end])``, for the windows that have any.
        Offsets are relative to the window, as if each were a string of its own."""
        found: dict[int, list[re.Match]] = {}
        if low is None or self.heads is None:
            for i, span in enumerate(spans):
                matches = list(self.pattern.finditer(text[span.start : span.end]))
                if matches:
                    found[i] = matches
            return found
        for i, offsets in sorted(self._head_offsets(text, low, spans).items()):
            origin = spans[i].start
            starts = [(at - origin, match) for at, match in sorted(offsets.items())]
            matches = self._matches_at(text[origin : spans[i].end], starts)
            if matches:
                found[i] = matches
        return found

    def may_occur(self, low: str | None) -> bool:
        """False only when none of the heads occurs in ``low`` (so the pattern cannot match the text)."""
        return low is None or self.heads is None or any(head in low for head in self._literals)

    def finditer(self, text: str, low: str | None) -> list[re.Match]:
        """``list(pattern.finditer(text))``; ``windows`` for the whole text, without its bookkeeping."""
        if low is None or self.heads is None:
            return list(self.pattern.finditer(text))
        return self._matches_at(text, self._starts(text, low))

    def search(self, text: str, low: str | None, end: int | None = None) -> re.Match | None:
        """``pattern.search(text, 0, end)``: the match at the first offset where one begins, in the text up to
        ``end`` (where the pattern takes it to end) if given. A match begins with a head, before ``end``."""
        if end is None:
            end = len(text)
        if low is None or self.heads is None:
            return self.pattern.search(text, 0, end)
        for at, match_at in self._starts(text, low):
            if at >= end:
                break
            if match := match_at(text, at, end):
                return match
        return None

    def _starts(self, text: str, low: str) -> list[tuple[int, Callable]]:
        """(offset, the narrowed match of a head there) where a head occurs in ``low`` (after a word boundary, where
        the head needs one), in order. Where two heads occur at one offset either's narrowed pattern will do: each
        keeps every alternative that can match there."""
        starts: dict[int, Callable] = {}
        for at, _length, glued, match in self._occurrences(text, low):
            if not glued and at not in starts:
                starts[at] = match
        return sorted(starts.items()) if len(starts) > 1 else list(starts.items())

    def _head_offsets(self, text: str, low: str, spans: list[Span]) -> dict[int, dict[int, Callable]]:
        """Window index -> {offset in ``text`` where a head occurs inside the window (after a word boundary of
        the window, where the head needs one): the narrowed match of a head there}."""
        starts = [span.start for span in spans]
        offsets: dict[int, dict[int, Callable]] = {}
        for at, length, glued, match in self._occurrences(text, low):
            i = bisect.bisect_right(starts, at) - 1
            if i >= 0 and at + length <= spans[i].end and (not glued or at == starts[i]):
                offsets.setdefault(i, {}).setdefault(at, match)
        return offsets

    def _occurrences(self, text: str, low: str) -> list[tuple[int, int, bool, Callable]]:
        """(offset, length, whether the head needs a word boundary before it and has a word character there in
        ``text``, the narrowed match) of every occurrence of a head in ``low``, heads in order.

        A list built in a loop written out, with ``is_word_char`` inlined, rather than a generator: this runs for
        every sentence a pattern is looked for in, most hold few heads, and a generator's and calls' overhead was
        much of its cost."""
        found = []
        for head, bounded, match in self._scans:
            if head not in low:  # most heads are absent: one containment test each, not a call to find
                continue
            at = low.find(head)
            while at >= 0:
                glued = bounded and at > 0 and ((char := text[at - 1]).isalnum() or char == "_")
                found.append((at, len(head), glued, match))
                at = low.find(head, at + 1)
        return found

    def _matches_at(self, window: str, starts: list[tuple[int, Callable]]) -> list[re.Match]:
        """What ``finditer(window)`` gives when every match begins at one of the offsets of ``starts`` (in order,
        each with a match that stands in for the pattern's there): the pattern is tried at each, skipping those
        inside the match before (as finditer resumes after a match)."""
        found: list[re.Match] = []
        resume = 0
        for at, match_at in starts:
            if at >= resume and (match := match_at(window, at)):
                found.append(match)
                resume = match.end()
        return found


ASCII = frozenset(map(chr, range(128)))
_CLASS_ESCAPES = {
    _constants.CATEGORY_DIGIT: r"\d",
    _constants.CATEGORY_NOT_DIGIT: r"\D",
    _constants.CATEGORY_SPACE: r"\s",
    _constants.CATEGORY_NOT_SPACE: r"\S",
    _constants.CATEGORY_WORD: r"\w",
    _constants.CATEGORY_NOT_WORD: r"\W",
}


def first_chars(pattern: re.Pattern) -> frozenset[str] | None:
    """The ASCII characters a match of ``pattern`` can begin with (at least those): a text whose first character
    is ASCII and not among them gives no match of ``pattern.match(text)``. None where a match may be empty."""
    chars, empty = _edge(list(_parser.parse(pattern.pattern, pattern.flags)), pattern.flags, last=False)
    return None if empty else frozenset(chars)


def last_chars(pattern: str) -> frozenset[str] | None:
    """The ASCII characters that a text ``pattern`` matches (case-insensitively, from its start: re.match) can end
    with, for a pattern that must run to the end of the text (it ends with '$' or '\\Z'): a text whose last
    character is ASCII and not among them gives no match. None where that is not so, or a match may be empty.
    (The line break is always among them: '$' also matches before a final one.)"""
    items = _parser.parse(pattern, re.IGNORECASE)
    ends = (_constants.AT_END, _constants.AT_END_STRING)
    if items.state.flags & re.MULTILINE or not items or items[-1][0] is not _constants.AT or items[-1][1] not in ends:
        return None
    chars, empty = _edge(list(items)[:-1], items.state.flags, last=True)
    return None if empty else frozenset(chars | {"\n"})


def _edge(items: list, flags: int, *, last: bool) -> tuple[set[str], bool]:
    """(the ASCII characters the items' match can begin with, or end with if ``last``; whether it can be empty).
    Whatever is not worked out exactly counts as any character: the set is then larger than it need be, never
    smaller."""
    found: set[str] = set()
    for op, arg in reversed(items) if last else items:
        if op in (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT):
            continue  # takes no characters
        if op in (_constants.LITERAL, _constants.NOT_LITERAL, _constants.IN, _constants.ANY):
            chars, empty = _one_char(op, arg, flags), False
        elif op is _constants.SUBPATTERN:
            chars, empty = _edge(list(arg[3]), (flags | arg[1]) & ~arg[2], last=last)
        elif op is _constants.ATOMIC_GROUP:
            chars, empty = _edge(list(arg), flags, last=last)
        elif op is _constants.BRANCH:
            branches = [_edge(list(branch), flags, last=last) for branch in arg[1]]
            chars, empty = set().union(*(c for c, _ in branches)), any(e for _, e in branches)
        elif op in _REPEATS:
            chars, empty = _edge(list(arg[2]), flags, last=last)
            empty = empty or arg[0] == 0
        else:  # a group reference, a conditional: anything
            return set(ASCII), True
        found |= chars
        if not empty:
            return found, False
    return found, True


def _one_char(op, arg, flags: int) -> set[str]:
    """The ASCII characters one character item matches, asked of the regex engine itself (so that case folding
    is the engine's: under IGNORECASE 'k' also matches the Kelvin sign, which is not ASCII, 's' the long s)."""
    if op is _constants.ANY:
        return set(ASCII)
    if op is _constants.LITERAL:
        item = re.escape(chr(arg))
    elif op is _constants.NOT_LITERAL:
        item = "[^" + re.escape(chr(arg)) + "]"
    else:
        parts = []
        for part_op, part_arg in arg:
            if part_op is _constants.NEGATE:
                parts.append("^")
            elif part_op is _constants.LITERAL:
                parts.append(re.escape(chr(part_arg)))
            elif part_op is _constants.RANGE:
                parts.append(re.escape(chr(part_arg[0])) + "-" + re.escape(chr(part_arg[1])))
            elif part_op is _constants.CATEGORY and part_arg in _CLASS_ESCAPES:
                parts.append(_CLASS_ESCAPES[part_arg])
            else:
                return set(ASCII)
        item = "[" + "".join(parts) + "]"
    one = re.compile(item, flags & ~re.VERBOSE)
    return {char for char in ASCII if one.fullmatch(char)}
