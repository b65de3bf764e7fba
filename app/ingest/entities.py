"""Stage 3, entities: actors and bases resolved to canonical records, plus people the gazetteer does not know."""

import bisect
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache

from app.ingest.scan import HeadScan, is_word_char, lowered
from app.ingest.text import fold, lookup_key, sentence_spans
from app.ingest.types import EntityLink, EntityRef, Evidence, Mention, Span
from app.knowledge import ALIAS_SEPARATORS, Knowledge

_COMPOUND_ADJECTIVE = re.compile(
    r"-(?:like|era|style|esque|ite|ist|ism|led|backed|controlled|held|brokered|allied|aligned)\b"
)
_NEXT_TOKEN = re.compile(rf"{ALIAS_SEPARATORS}([A-Za-z0-9]+)")
# The runs of letters are possessive ([a-z]++): giving letters back leaves a letter next, which nothing after a
# run can match, so the engine is spared the retries and the matches are the same.
_NAME_TOKEN = r"(?:(?:al|el|ad|Al|El)-)?(?:Mc|Mac|O'|D')?[A-Z][a-z]++(?:[-'][A-Z]?[a-z]++)*"
_PARTICLES = ("de", "al", "el", "van", "von", "bin", "ibn", "der", "da", "di", "la", "le", "du", "dos")
_PARTICLE = "(?:" + "|".join(_PARTICLES) + ")"
# r"(?=[A-Zae])\b{_NAME_TOKEN}(?:...){1,6}\b", written to open with a character set (which the regex engine scans
# fast; a look-ahead it tries at every offset): the set holds the letters a name can begin with ('al-', 'el-',
# 'ad-' or a capital), the look-behind is the word boundary before it, and the first token goes on from its first
# letter, read back by look-behinds, with its branches in the order the plain token tries them.
_FIRST_NAME_TOKEN = (
    r"(?:(?:(?<=a)l|(?<=e)l|(?<=a)d|(?<=A)l|(?<=E)l)-(?:Mc|Mac|O'|D')?[A-Z]"
    r"|(?:(?<=M)c|(?<=M)ac|(?<=O)'|(?<=D)')[A-Z]"
    r"|(?<=[A-Z]))[a-z]++(?:[-'][A-Z]?[a-z]++)*"
)
# After the first token comes white space and a particle, an initial or a token: the look-ahead, which holds the
# letters these begin with ('al-', 'el-' and 'ad-' begin with a or e), turns the other words away at once.
_REST_LETTERS = "".join(sorted({p[0] for p in _PARTICLES} | {"a", "e"}))
_NAME_REST = rf"(?=\s+[A-Z{_REST_LETTERS}])(?:\s+(?:{_PARTICLE}\s+)?(?:[A-Z]\.\s+)?{_NAME_TOKEN}){{1,6}}\b"
# The first token is made of letters, '-' and "'" only, and what _NAME_REST's look-ahead wants comes right after
# it: so right after the whole run of such characters from the name's first letter. This look-ahead, tried just
# after that letter, tests it in one possessive scan: most capitalised words (followed by a lower-case word or by
# punctuation) fail it at once, before the look-behinds and the branches of the first token are tried.
_NAME_GOES_ON = rf"(?=[A-Za-z'-]*+\s+[A-Z{_REST_LETTERS}])"
_NAME = re.compile(rf"[A-Zae]{_NAME_GOES_ON}(?<!\w.){_FIRST_NAME_TOKEN}{_NAME_REST}")
# _NAME for texts without 'al-', 'el-' or 'ad-': only a name that begins with one of them begins with a or e, so
# the pattern need only be tried at capitals (most a's and e's are inside words, where it fails).
_NAME_CAPITALISED = re.compile(rf"[A-Z]{_NAME_GOES_ON}(?<!\w.){_FIRST_NAME_TOKEN}{_NAME_REST}")
_MAX_NAME_WORDS = 4
_APPOSITION = re.compile(r",\s+(?:a|an)\s+(?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*\s*(?:[,.]|who\b|with\b|at\b|in\b|from\b)")
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|of|at|for|from|to|on|by|the|via|with)\s+$")

CONFIDENCE = {"full": 1.0, "alias": 0.95, "surname": 0.9, "description": 0.7, "discovered": 0.75}


@dataclass(frozen=True)
class Sentences:
    text: str
    spans: list[Span]

    @cached_property
    def starts(self) -> list[int]:
        return [s.start for s in self.spans]

    def around(self, offset: int) -> Span:
        index = bisect.bisect_right(self.starts, offset) - 1
        if index >= 0 and self.spans[index].start <= offset < self.spans[index].end:
            return self.spans[index]
        return Span(offset, offset)

    def evidence(self, offset: int, confidence: float) -> Evidence:
        span = self.around(offset)
        return Evidence(self.text[span.start : span.end], span.start, span.end, confidence)


def split_sentences(text: str) -> Sentences:
    return Sentences(text, sentence_spans(text))


def find_mentions(text: str, knowledge: Knowledge) -> list[Mention]:
    """Gazetteer names (any spelling) and discovered persons, leftmost-longest, without overlaps."""
    folded = fold(text)
    gazetteer = _gazetteer_mentions(folded, knowledge)
    discovered = _discover_persons(text, folded, gazetteer, knowledge)
    discovered += _discover_bases(text, folded, gazetteer + discovered)
    spans = [(m.start, m.end) for m in discovered]
    # A discovered full name ('Gennady Gerasimov') outranks a gazetteer surname inside it ('Gerasimov').
    gazetteer = [m for m in gazetteer if not any(s <= m.start and m.end <= e for s, e in spans)]
    return _resolve_surnames(sorted(gazetteer + discovered, key=lambda m: m.start), text, knowledge)


def _gazetteer_mentions(folded: str, knowledge: Knowledge) -> list[Mention]:
    """Leftmost-longest alias matches on accent-folded text, tried only where a token can begin an alias."""
    aliases, next_tokens = knowledge.aliases, knowledge.alias_next_tokens
    mentions: list[Mention] = []
    firsts = knowledge.alias_first_tokens
    resume = 0
    for first in _alias_first_tokens(folded, knowledge):
        start = first.start()
        key = first.group().lower()
        if start < resume or key not in firsts:
            continue
        match = None
        end = first.end()
        while True:  # key is a prefix of some alias key: the longest alias is looked for token by token
            entries = aliases.get(key)
            if entries:
                surface = folded[start:end]
                usable = [e for e in entries if not e.case_surfaces or _surface_ok(surface, folded, end, e)]
                if usable:
                    match = (end, usable)
            # Where no longer key begins with key, or the next token does not go on with it, the key made with
            # the next token would be no prefix: it is not made.
            nexts = next_tokens.get(key)
            if nexts is None:
                break
            following = _NEXT_TOKEN.match(folded, end)
            if following is None or (word := following.group(1).lower()) not in nexts:
                break
            key, end = f"{key} {word}", following.end()
        if match is None:
            continue
        end, entries = match
        resume = end
        if _COMPOUND_ADJECTIVE.match(folded, end):
            continue
        if folded[end : end + 1] == "." and any("." in s for e in entries for s in e.case_surfaces):
            end += 1
        for entry in entries:
            mentions.append(Mention(entry.entity, start, end, entry.kind))
    return mentions


def _alias_first_tokens(folded: str, knowledge: Knowledge) -> list[re.Match] | Iterator[re.Match]:
    """The matches of ``knowledge.alias_first_token.finditer(folded)``, found with its parts (see
    Knowledge.alias_first_token_parts): the capitals' matches, and the lower-case words' put in their places."""
    parts = knowledge.alias_first_token_parts
    if parts is None:
        return knowledge.alias_first_token.finditer(folded)
    capitals, words = parts
    lower = [match for word in words for match in word.finditer(folded)]
    if not lower:
        return capitals.finditer(folded)
    return sorted([*capitals.finditer(folded), *lower], key=re.Match.start)


def _surface_ok(surface: str, folded: str, end: int, entry) -> bool:
    with_dot = surface + folded[end : end + 1]
    return surface in entry.case_surfaces or with_dot in entry.case_surfaces


@dataclass(frozen=True)
class _DiscoveryPatterns:
    stop: frozenset[str]
    cues: frozenset[str]
    cue_before: re.Pattern
    cue_before_reach: int  # the longest match of cue_before: it need only be tried that far from the end
    cue_before_reversed: re.Pattern  # cue_before read from its end: see _cue_before
    cue_apposition: re.Pattern
    cue_after: re.Pattern
    relative: re.Pattern
    speech: re.Pattern
    speech_before: re.Pattern


@lru_cache(maxsize=4)
def _discovery_patterns(knowledge: Knowledge) -> _DiscoveryPatterns:
    lexicon = knowledge.lexicon
    cues = sorted(lexicon["person_cues"], key=len, reverse=True)
    alternation = "|".join(re.escape(c) for c in cues)
    return _DiscoveryPatterns(
        stop=frozenset(lexicon["not_name_words"]),
        cues=frozenset(cues),
        cue_before=re.compile(r"(?:^|\W)(?:" + alternation + r")\W{0,2}$", re.IGNORECASE),
        cue_before_reach=1 + max(map(len, cues)) + 2,
        # '$' is the end or the place before a final newline; \W{0,2} before it; the cue; the character before it.
        cue_before_reversed=re.compile(
            r"\n?\W{0,2}(?:" + "|".join(re.escape(c[::-1]) for c in cues) + r")\W", re.IGNORECASE
        ),
        cue_apposition=re.compile(
            r"(?:^|\W)(?:" + alternation + r")\s+(?:of|for|at|in|to)\s+[\w .'-]{1,60},\s*$", re.IGNORECASE
        ),
        cue_after=re.compile(
            r"^,\s+(?:(?:a|an|the|who is|who was)\s+)?(?:[\w.'-]+\s+){0,5}(?:" + alternation + r")\b", re.IGNORECASE
        ),
        relative=re.compile(r"^,\s+who\s+(?:runs|heads|leads|directs|founded|chairs|commands|is|was)\b"),
        speech=re.compile(r"^,?\s+(?:" + "|".join(lexicon["speech_verbs"]) + r")\b"),
        speech_before=re.compile(r"\b(?:" + "|".join(lexicon["speech_verbs"]) + r")\s+$"),
    )


def _discover_persons(text: str, folded: str, known: list[Mention], knowledge: Knowledge) -> list[Mention]:
    """People named with a role cue ('Pentagon spokesman Jeff Davis', 'Rob Manning, a spokesman', 'X said').

    Names are found on the accent-folded text (so 'Mevlüt Çavuşoğlu' is seen) and kept as written.
    """
    patterns = _discovery_patterns(knowledge)
    stop, cues = patterns.stop, patterns.cues
    taken = [(m.start, m.end) for m in known if m.surface != "surname"]
    found: list[Mention] = []
    lower_start = "al-" in folded or "el-" in folded or "ad-" in folded
    for match in (_NAME if lower_start else _NAME_CAPITALISED).finditer(folded):
        words = match.group().split()
        start = match.start()
        # The name is the run of words after the last title or common word ('Iraqi Prime Minister Nouri al-Maliki').
        cut = 0
        for i, word in enumerate(words, 1):
            if word in stop or (low := word.lower()) in cues or low.rstrip(".") in cues:
                cut = i
        if not 2 <= len(words) - cut <= _MAX_NAME_WORDS:
            continue
        for word in words[:cut]:
            start = folded.index(word, start) + len(word)
        while folded[start : start + 1].isspace():
            start += 1
        end = match.end()
        # The words left are folded[start:end] with white space between them: one test for an apostrophe.
        if "'" in folded[start:end] or _overlaps(taken, start, end):
            continue
        line_start = text.rfind("\n", 0, start) + 1
        before, after = text[max(line_start, start - 80) : start], text[end : end + 80]
        # cue_before ends at the end of ``before``, so it is tried only within its longest reach of the end, read
        # from there by _cue_before; cue_apposition ends with a comma, so needs one.
        cued = _cue_before(patterns, before, max(0, len(before) - patterns.cue_before_reach))
        cued = cued or (before.rstrip().endswith(",") and patterns.cue_apposition.search(before))
        cued = cued or patterns.cue_after.match(after) or patterns.relative.match(after)
        cued = cued or patterns.speech_before.search(before) or _APPOSITION.match(after)
        if cued or (patterns.speech.match(after) and not _PREPOSITION_BEFORE.search(before)):
            written = text[start:end].split()
            ref = EntityRef(
                kind="actor", name=" ".join(written), type="person", aliases=(written[-1],), origin="discovered"
            )
            found.append(Mention(ref, start, end, "discovered"))
    return found


def _cue_before(patterns: _DiscoveryPatterns, before: str, pos: int) -> bool:
    """Whether ``patterns.cue_before.search(before, pos)`` finds a match.

    The pattern, tried at every offset from ``pos`` on, must end at the end of ``before``: one match of it
    reversed at the start of ``before`` reversed says the same. The offset before the cue is a non-word character
    at ``pos`` or later, or (for '^', tried only when ``pos`` is 0) the start of the text, which a space put before
    the text stands for. The cues are matched letter by letter ignoring case, so reversed ones match alike.
    """
    return patterns.cue_before_reversed.match((before[pos:] if pos else " " + before)[::-1]) is not None


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether start:end overlaps one of the spans (a loop: much cheaper than any() over a generator)."""
    for s, e in spans:  # noqa: SIM110 - the loop is the point
        if start < e and s < end:
            return True
    return False


# r"\b[A-Z][\w'-]*(?:\s+(?:al-|el-)?[A-Z][\w'-]*){0,3}", written to open with a character set (which the regex
# engine scans fast; the look-behind is the word boundary), with possessive runs of word characters: giving some
# back leaves a word character next, where only \s could follow, so the matches are the same.
_BASE_NAME = r"[A-Z](?<!\w.)[\w'-]*+(?:\s+(?:al-|el-)?[A-Z][\w'-]*+){0,3}"
_BASE_PATTERNS = [
    (
        re.compile(rf"({_BASE_NAME})\s+((?i:air\s+force\s+base|air\s+base|airbase|airfield|air\s+station))\b"),
        "air_base",
    ),
    (
        re.compile(rf"({_BASE_NAME})\s+(Naval\s+Base|Naval\s+Station|Naval\s+Air\s+Station|Naval\s+Facility)\b"),
        "naval_facility",
    ),
    (
        re.compile(
            r"\b(Camp|Fort|Forward\s+Operating\s+Base|Contingency\s+Operating\s+Base|Joint\s+Base|FOB|COB)"
            r"\s+([A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)"
        ),
        "garrison",
    ),
]
# One of these (lower case) is in every text a base pattern can match: each pattern's kind words are covered
# ('naval' for 'Rota Naval Station' and 'Souda Bay Naval Facility', which hold no other of them).
_BASE_WORDS = ("base", "airfield", "air station", "naval", "camp ", "fort ", "fob ", "cob ")
# What each base pattern cannot match without (its kind words), checked before the pattern is run.
_GARRISON_WORDS = ("Camp", "Fort", "Forward", "Contingency", "Joint", "FOB", "COB")  # (case-sensitive)
_BASE_PATTERN_NEEDS = {
    "air_base": HeadScan(re.compile(r"(?<=\s)(?i:air\s+force\s+base|air\s+base|airbase|airfield|air\s+station)\b")),
    "naval_facility": HeadScan(re.compile(r"(?<=\s)Naval\s")),
    "garrison": HeadScan(re.compile(r"\b(?:" + "|".join(_GARRISON_WORDS) + r")\s")),
}
# The characters an air base or naval facility match is made of (its names, kind words and the space between):
# every such match lies in one run of them, around one of its kind words.
_BASE_RUN = re.compile(r"[\w'\s-]*")
_BASE_STOP = frozenset(
    {"The", "A", "An", "Its", "Their", "Russian", "American", "French", "British", "Syrian", "US", "U.S."}
)


def _discover_bases(text: str, folded: str, known: list[Mention]) -> list[Mention]:
    """Bases the gazetteer does not know, named with their kind ('Balad Air Base', 'Camp Lemonnier')."""
    low = lowered(folded)
    if not any(word in (folded.lower() if low is None else low) for word in _BASE_WORDS):
        return []
    taken = [(m.start, m.end) for m in known]
    found: list[Mention] = []
    for pattern, kind in _BASE_PATTERNS:
        needs = _BASE_PATTERN_NEEDS[kind]
        if kind != "garrison":
            matches = _matches_around(pattern, folded, needs.finditer(folded, low))
        elif any(word in folded for word in _GARRISON_WORDS) and needs.search(folded, low):
            matches = pattern.finditer(folded)
        else:
            continue
        for match in matches:
            start, end = match.span()
            if kind != "garrison" and match.group(2).islower():
                end = match.end(1)  # 'Baledogle airfield': the kind word is a description, not part of the name
            words = text[start:end].split()
            while words and (words[0] in _BASE_STOP or words[0].endswith(("ing", "ed"))):
                start += len(words[0]) + 1
                words = words[1:]
            if len(words) < 2 or _overlaps(taken, start, end):
                continue
            name = " ".join(words)
            found.append(
                Mention(EntityRef(kind="base", name=name, type=kind, origin="discovered"), start, end, "discovered")
            )
            taken.append((start, end))
    return found


def _matches_around(pattern: re.Pattern, folded: str, kinds: list[re.Match]) -> list[re.Match]:
    """``list(pattern.finditer(folded))`` for an air base or naval facility pattern, given the matches of its kind
    words (``_BASE_PATTERN_NEEDS``): the pattern is run only on the runs of _BASE_RUN characters that hold them.

    A match's kind word starts where the kind pattern matches, so at or inside one of ``kinds`` (finditer skips
    only matches that overlap one it gives), in the same run. The runs are cut by characters no match holds, so
    finditer, scanning from a run's start to its end, finds there what it finds in the whole text (the look-behind
    sees the character before the run, and a word boundary at the run's end sees the same non-word character or end).
    """
    found: list[re.Match] = []
    end = 0
    for kind in kinds:
        at = kind.start()
        if at < end:
            continue  # in the run just searched
        start = at - _BASE_RUN.match(folded[:at][::-1]).end()
        end = _BASE_RUN.match(folded, at).end()
        found += pattern.finditer(folded, start, end)
    return found


def _resolve_surnames(mentions: list[Mention], text: str, knowledge: Knowledge) -> list[Mention]:
    """Keep a surname alone only where it may stand alone; give discovered people their later surname mentions."""
    resolved: list[Mention] = []
    named: set[str] = set()
    surnames: dict[str, EntityRef] = {}
    first: dict[str, int] = {}  # where each discovered person is first named (mentions come in text order)
    for mention in mentions:
        needs_full = mention.surface == "surname" and mention.entity.name in knowledge.surname_after_full
        if needs_full and mention.entity.name not in named:
            continue
        if mention.surface in {"full", "alias", "discovered"}:
            named.add(mention.entity.name)
        if mention.surface == "discovered" and mention.entity.type == "person":
            surnames[lookup_key(mention.entity.aliases[0])] = mention.entity
            first.setdefault(mention.entity.name, mention.start)
        resolved.append(mention)
    if surnames:
        taken = [(m.start, m.end) for m in resolved]
        for start, end in _words_found(text, [ref.aliases[0] for ref in surnames.values()]):
            ref = surnames[lookup_key(text[start:end])]
            if start > first[ref.name] and not _overlaps(taken, start, end):
                resolved.append(Mention(ref, start, end, "surname"))
    return sorted(resolved, key=lambda m: m.start)


def _words_found(text: str, words: list[str]) -> list[tuple[int, int]]:
    """The spans ``re.finditer(r"\\b(?:w1|w2|...)\\b", text)`` gives for these words, found with plain
    substring searches instead of a pattern compiled for each article's own set of words."""
    starts: dict[int, list[str]] = defaultdict(list)
    for word in words:
        at = text.find(word)
        while at >= 0:
            starts[at].append(word)
            at = text.find(word, at + 1)
    found: list[tuple[int, int]] = []
    resume = 0
    for at in sorted(starts):
        if at < resume or not _boundary(text, at):
            continue
        # As the alternation would: the first word, in the order given, that ends at a boundary.
        end = next((at + len(w) for w in words if w in starts[at] and _boundary(text, at + len(w))), None)
        if end is not None:
            found.append((at, end))
            resume = end
    return found


def _boundary(text: str, at: int) -> bool:
    """Whether the regex ``\\b`` matches at offset ``at`` of ``text``."""
    before = at > 0 and is_word_char(text[at - 1])
    after = at < len(text) and is_word_char(text[at])
    return before != after


def link_entities(mentions: list[Mention], sentences: Sentences) -> tuple[list[EntityLink], list[EntityLink]]:
    """One link per canonical entity, with its mention count and the sentence of its strongest first mention."""
    grouped: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for mention in mentions:
        grouped[(mention.entity.kind, mention.entity.name)].append(mention)
    actors, bases = [], []
    for (kind, _name), group in grouped.items():
        best = max(group, key=lambda m: (CONFIDENCE[m.surface], -m.start))
        link = EntityLink(group[0].entity, len(group), sentences.evidence(best.start, CONFIDENCE[best.surface]))
        (bases if kind == "base" else actors).append(link)
    return actors, bases
