"""Stage 3, entities: actors and bases resolved to canonical records, plus people and bases the knowledge files
do not know, discovered from how the text names them."""

import bisect
import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import groupby

from app.ingest.matcher import WORD, Hit, alternation, leftmost_longest, phrase_key
from app.ingest.text import fold, lookup_key, sentence_spans
from app.ingest.types import EntityLink, EntityRef, Evidence, Mention, Span
from app.knowledge import Knowledge, Place
from app.knowledge.gazetteer import most_likely

CONFIDENCE = {"full": 1.0, "alias": 0.95, "surname": 0.9, "description": 0.7, "discovered": 0.75}
MAX_NAME_WORDS = 4  # a discovered person's name, without the titles before it
TOWN = re.compile(r"[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?")  # one town of a list ('Kidal, Tessalit and Timbuktu')
CONTEXT = 80  # characters either side of a name that its cues are looked for in


@dataclass(frozen=True)
class Sentences:
    text: str
    spans: list[Span]

    @cached_property
    def starts(self) -> list[int]:
        return [s.start for s in self.spans]

    def index(self, offset: int) -> int | None:
        """The index of the sentence that holds the offset, if one does."""
        index = bisect.bisect_right(self.starts, offset) - 1
        return index if index >= 0 and offset < self.spans[index].end else None

    def around(self, offset: int) -> Span:
        index = self.index(offset)
        return Span(offset, offset) if index is None else self.spans[index]

    def evidence(self, offset: int, confidence: float) -> Evidence:
        span = self.around(offset)
        return Evidence(self.text[span.start : span.end], span.start, span.end, confidence)


def split_sentences(text: str, knowledge: Knowledge | None = None) -> Sentences:
    return Sentences(text, sentence_spans(text, knowledge=knowledge))


@dataclass(frozen=True)
class Patterns:
    """The shapes of names and of the words around them, written with the lexicon's word lists."""

    compound: re.Pattern  # after a name: it is part of an adjective ('Obama-era')
    person: re.Pattern  # capitalised words that may be a name, titles included
    not_name: frozenset[str]  # words that are no part of a person's name, as written ('President', 'Gen.')
    cues: frozenset[str]  # role words (lower case) that are no part of a name either ('spokesman')
    cue_apposition: re.Pattern  # between a role word and the name: 'spokesman for the Pentagon, <name>'
    cue_after: re.Pattern  # '<name>, a Pentagon spokesman'
    relative: re.Pattern  # '<name>, who heads ...'
    speech_after: re.Pattern  # '<name> said'
    speech_before: re.Pattern  # 'said <name>'
    apposition: re.Pattern  # '<name>, an analyst at ...'
    preposition_before: re.Pattern  # 'officials in <place> said': the words before make the capitals no speaker
    bases: tuple[re.Pattern, ...]  # a base named with its kind ('Balad Air Base', 'Camp Lemonnier'): group 'name'
    # and a group named after the kind, holding its words
    not_base_name: frozenset[str]  # words that begin no base's name ('The', 'Russian')
    not_base_endings: tuple[str, ...]  # nor do words with these endings ('Leaving', 'Abandoned')
    town_bases: re.Pattern  # 'the bases at Kidal, Tessalit and Timbuktu': group 'towns' and a group per kind
    surname_title: re.Pattern  # before a surname that names a person alone: 'President <Reagan>'
    person_before: re.Pattern  # 'according to <name>'
    person_after: re.Pattern  # '<name> administration'
    lone_surname: re.Pattern  # 'the <Bush> administration': group 'name'
    quoted_speaker: re.Pattern  # '"... operations," <Bush> said': group 'name'
    speaker_after_quote: re.Pattern  # '"... that," said <Kofod>': group 'name'
    reporter_before: re.Pattern  # 'Correspondent <name>': a credit
    place_before: re.Pattern  # 'the town of <name>': a place
    dates: frozenset[str]  # month names and weekdays, which end no name ('Nicolas Sarkozy Sunday')


@lru_cache(maxsize=4)
def patterns(knowledge: Knowledge) -> Patterns:
    lexicon, discovery = knowledge.lexicon, knowledge.base_discovery
    cues = alternation(lexicon["person_cues"])
    particle = alternation(lexicon["name_particles"])
    word = r"(?:(?:al|el|ad|Al|El)-)?(?:Mc|Mac|O'|D')?[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*"
    speech, ends = alternation(lexicon["speech_verbs"]), alternation(lexicon["apposition_ends"])
    base_name = r"\b[A-Z][\w'-]*(?:\s+(?:al-|el-)?[A-Z0-9][\w'-]*){0,3}"  # 'Diyarbakir 8th Main Jet Base'
    abbreviation = r"(?:\s+\([A-Z0-9]{1,5}\))?"  # 'Karshi-Khanabad (K2) air base'
    town_list = r"(?P<towns>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?(?:(?:,\s+|,?\s+and\s+)[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)*)"
    after, before = discovery["after_name"], discovery["before_name"]

    def kind_words(words):  # a word written in lower case may be written in any case; others only as written
        return "|".join(f"(?i:{alternation([w])})" if w.islower() else alternation([w]) for w in words)

    # One pattern for the kinds whose words follow the name, one for those whose words come before it; a named
    # group for each kind's words.
    kinds = "|".join(f"(?P<{kind}>{kind_words(words)})" for kind, words in after.items())
    name_then_kind = re.compile(rf"(?P<name>{base_name}){abbreviation}\s+(?:{kinds})\b")
    kinds = "|".join(f"(?P<{kind}>{kind_words(words)})" for kind, words in before.items())
    kind_then_name = re.compile(rf"\b(?:{kinds})\s+(?P<name>(?:[A-Z][\w'-]+|\d+)(?:\s+[A-Z][\w'-]+)?)")
    return Patterns(
        compound=re.compile(rf"-(?:{alternation(lexicon['compound_endings'])})\b"),
        # One line holds a name ('World Notes Soviet Union' over 'Mikhail Gorbachev' is none); an initial may go
        # without its full stop ('George W Bush').
        person=re.compile(rf"\b{word}(?:[^\S\n]+(?:(?:{particle})[^\S\n]+)?(?:[A-Z]\.?[^\S\n]+)?{word}){{1,6}}\b"),
        not_name=frozenset(lexicon["not_name_words"]) | {w for title in lexicon["titles"] for w in title.split()},
        cues=frozenset(lexicon["person_cues"]),
        cue_apposition=re.compile(
            rf"\s+(?:{alternation(lexicon['role_prepositions'])})\s+[\w .'-]{{1,60}},\s*", re.IGNORECASE
        ),
        cue_after=re.compile(rf",\s+(?:(?:a|an|the|who is|who was)\s+)?(?:[\w.'-]+\s+){{0,5}}(?:{cues})\b", re.I),
        relative=re.compile(rf",\s+who\s+(?:{alternation(lexicon['relative_clause_verbs'])})\b"),
        speech_after=re.compile(rf",?\s+(?:{speech})\b"),
        speech_before=re.compile(rf"\b(?:{speech})\s+$"),
        apposition=re.compile(rf",\s+(?:a|an)\s+(?:[a-z][\w-]*\s+){{0,3}}[a-z][\w-]*\s*(?:[,.]|(?:{ends})\b)"),
        preposition_before=re.compile(rf"\b(?:{alternation(lexicon['prepositions'])})\s+$"),
        bases=(name_then_kind, kind_then_name),
        not_base_name=frozenset(discovery["not_name_words"]),
        not_base_endings=tuple(discovery["not_name_endings"]),
        town_bases=re.compile(
            r"\b(?:"
            + "|".join(f"(?P<{kind}>(?i:{alternation(words)}))" for kind, words in discovery["by_town"].items())
            + rf")\s+(?:at|in)\s+{town_list}"
        ),
        surname_title=re.compile(rf"\b(?:{alternation(lexicon['surname_titles'])})\s+$"),
        person_before=re.compile(rf"\b(?i:{alternation(lexicon['person_before'])})\s+$"),
        person_after=re.compile(rf"\s+(?:{alternation(lexicon['person_after'])})\b"),
        reporter_before=re.compile(rf"\b(?i:{alternation(lexicon['reporter_cues'])})\s+$"),
        place_before=re.compile(rf"\b(?i:{alternation(lexicon['place_before'])})\s+$"),
        dates=frozenset([*lexicon["month_names"], *lexicon["weekdays"]]),
        quoted_speaker=re.compile(rf"[,.!?][\"\u201d][^\S\n]+(?P<name>{word})[^\S\n]+(?:{speech})\b"),
        speaker_after_quote=re.compile(
            rf"[,.!?][\"\u201d][^\S\n]+(?:{speech})[^\S\n]+(?P<name>{word}(?:[^\S\n]+{word}){{0,2}})[^\S\n]*(?:[.,]|$)",
            re.MULTILINE,
        ),
        lone_surname=re.compile(rf"\bthe\s+(?P<name>{word})\s+(?:{alternation(lexicon['person_after'])})\b"),
    )


def find_mentions(text: str, knowledge: Knowledge, phrases: list[Hit] | None = None) -> list[Mention]:
    """Known names (any spelling) and discovered persons and bases, leftmost-longest, without overlaps.
    ``phrases`` is ``knowledge.phrases.find(text)`` where the caller has it (the event stage needs it too)."""
    folded = fold(text)  # accents off, same offsets: 'Mevlüt Çavuşoğlu' has the shape of a name
    found = patterns(knowledge)
    hits = knowledge.phrases.find(text) if phrases is None else phrases
    gazetteer = _gazetteer_mentions(folded, [h for h in hits if h.label == "alias"], knowledge, found)
    cues = [(h.start, h.end) for h in hits if h.label == "person_cues"]
    discovered = _discover_persons(text, folded, gazetteer, cues, found, knowledge)
    discovered += _discover_bases(text, folded, gazetteer + discovered, found, knowledge)
    spans = [(m.start, m.end) for m in discovered]
    # A discovered full name ('Gennady Gerasimov') outranks a gazetteer surname inside it ('Gerasimov').
    gazetteer = [m for m in gazetteer if not any(s <= m.start and m.end <= e for s, e in spans)]
    return _resolve_surnames(sorted(gazetteer + discovered, key=lambda m: m.start), text, knowledge, found)


def find_places(text: str, knowledge: Knowledge, phrases: list[Hit] | None = None) -> list[Hit]:
    """Countries, places in them and their peoples (payload: a Place) where the text writes them as the
    gazetteer does, in the same case and accents ('Turkey', not 'turkey'), leftmost-longest. ``phrases``:
    ``knowledge.phrases.find(text)`` (or its place hits) where the caller has it."""
    hits = knowledge.phrases.find(text) if phrases is None else phrases
    written = (h for h in hits if h.label == "place" and tuple(WORD.findall(text[h.start : h.end])) == h.payload.words)
    return leftmost_longest(written)


def sentence_places(
    sentence: str,
    knowledge: Knowledge,
    phrases: list[Hit] | None = None,
    *,
    people: Iterable[tuple[int, int]] = (),
    context: Mapping[str, int] | None = None,
) -> list[Hit]:
    """The places a sentence names, in textual order, each a Hit (offsets in ``sentence``) whose payload is a
    Place with its country: the countries, places and peoples of countries.json as find_places reads them, and
    where those name nothing, the cities and regions of the gazetteer ('Kherson', 'Tessalit', 'Helmand').
    A qualifier written before a place is part of it ('northern Syria'). ``phrases``: the sentence's phrase hits
    (or its place hits), offsets in the sentence, where the caller has them; ``people``: (start, end) of the
    people the sentence names, which are no place ('Obama'); ``context``: country -> how often the article
    names it (place_context), so that a name several places share is the one in the article's country, else
    the likeliest (a place's own name, the bigger place)."""
    people = list(people)
    gazetteer = knowledge.gazetteer
    found = [
        _where(hit, knowledge)
        for hit in find_places(sentence, knowledge, phrases)
        if not _overlaps(people, hit.start, hit.end)
    ]
    taken = [(h.start, h.end) for h in found]
    for start, end, candidates in gazetteer.find(sentence):
        if _overlaps(taken, start, end) or _overlaps(people, start, end):
            continue
        place = most_likely(candidates, context or {})
        words = tuple(WORD.findall(sentence[start:end]))
        payload = Place(place.country, "place", words, place.name, place.latitude, place.longitude)
        found.append(Hit(start, end, "place", payload))
    return [
        hit._replace(start=gazetteer.qualified(sentence, hit.start)) if hit.payload.kind == "place" else hit
        for hit in sorted(found, key=lambda h: h.start)
    ]


def _where(hit: Hit, knowledge: Knowledge) -> Hit:
    """A place in a country, of countries.json, with the name and coordinates the gazetteer has for it there."""
    place = hit.payload
    if place.kind != "place" or " ".join(place.words) in knowledge.geo.names:  # a country: no one place
        return hit
    same = [
        p for p in knowledge.gazetteer.places.get(phrase_key(" ".join(place.words)), ()) if p.country == place.country
    ]
    if not same:
        return hit
    return hit._replace(
        payload=dataclasses.replace(place, name=same[0].name, latitude=same[0].latitude, longitude=same[0].longitude)
    )


def place_context(text: str, knowledge: Knowledge, phrases: list[Hit] | None = None) -> Counter[str]:
    """Country -> how many times the text names it or a place of countries.json in it (sentence_places'
    ``context``)."""
    return Counter(hit.payload.country for hit in find_places(text, knowledge, phrases))


def _gazetteer_mentions(folded: str, hits: list[Hit], knowledge: Knowledge, found: Patterns) -> list[Mention]:
    """The actors and bases the knowledge files name, where the text writes a name as it may be written."""
    written = [hit for hit in hits if _written_as_name(folded, hit, knowledge.alias_lower_words)]
    mentions: list[Mention] = []
    for (start, end), same_span in groupby(leftmost_longest(written), key=lambda hit: (hit.start, hit.end)):
        entries = [hit.payload for hit in same_span]
        if found.compound.match(folded, end):  # 'an Obama-era policy' names no one
            continue
        if folded[end : end + 1] == "." and any("." in s for e in entries for s in e.case_surfaces):
            end += 1  # the final full stop of 'U.S.' is part of the name
        mentions += [Mention(entry.entity, start, end, entry.kind) for entry in entries]
    return mentions


def _written_as_name(folded: str, hit: Hit, lower_words: frozenset[str]) -> bool:
    """Whether the alias is written as a name: its first word capitalised or a number, or one of the lower-case
    words aliases begin with ('al-Tanf'); a short or all-capital alias ('US', 'IS') exactly as the files write it."""
    first = WORD.match(folded, hit.start).group()
    if not (first[0].isupper() or first[0].isdigit() or first in lower_words):
        return False
    surfaces = hit.payload.case_surfaces
    surface = folded[hit.start : hit.end]
    return not surfaces or surface in surfaces or surface + folded[hit.end : hit.end + 1] in surfaces


def _discover_persons(
    text: str, folded: str, known: list[Mention], cues: list[tuple[int, int]], found: Patterns, knowledge: Knowledge
) -> list[Mention]:
    """People named with a role cue ('Pentagon spokesman Jeff Davis', 'Rob Manning, a spokesman', 'X said').

    Names are found on the accent-folded text (so 'Mevlüt Çavuşoğlu' is seen) and kept as written.
    """
    taken = [(m.start, m.end) for m in known if m.surface != "surname"]
    surnames = [(m.start, m.end) for m in known if m.surface == "surname"]  # 'Mr Shoigu' is the known Shoigu
    people: list[Mention] = []
    for match in found.person.finditer(folded):
        words, start, end = match.group().split(), match.start(), match.end()
        if words[-1].endswith("'s"):  # 'Mikhail Gorbachev's decision'
            words[-1], end = words[-1][:-2], end - 2
        while len(words) > 1 and words[-1] in found.dates:  # 'told Nicolas Sarkozy Sunday'
            end = folded.rindex(words.pop(), start, end)
            end = len(folded[:end].rstrip())
        # The name is the run of words after the last title or common word ('Iraqi Prime Minister Nouri al-Maliki').
        cut = _title_words(words, found)
        if not 1 <= len(words) - cut <= MAX_NAME_WORDS:
            continue
        start = _after_words(folded, start, words[:cut])
        if re.search(r"'(?![A-Z])", folded[start:end]) or _overlaps(taken, start, end):  # not "D'Alema"
            continue
        window = max(text.rfind("\n", 0, start) + 1, start - CONTEXT)  # the cues before it are on its line
        before = folded[window:start]
        if found.reporter_before.search(before) or found.place_before.search(before):
            continue
        # A surname alone is a person's after a title that says so ('President Reagan'); a name, with a cue.
        titled = bool(found.surname_title.search(before))
        if len(words) - cut == 1 and (
            not titled or _overlaps(surnames, start, end) or re.match(r"[^\S\n]+[A-Z]", folded[end:])
        ):
            continue
        written = text[start:end].split()
        if (titled or _cued(text, window, start, end, cues, found)) and not _place_name(written, knowledge):
            people.append(Mention(_person(written), start, end, "discovered"))
    lone = [
        *found.lone_surname.finditer(folded),
        *found.quoted_speaker.finditer(folded),
        *found.speaker_after_quote.finditer(folded),
    ]
    for match in lone:  # 'the Bush administration', '"... operations," Bush said', '"...," said Kofod.'
        start, end = match.span("name")
        name = text[start:end]
        if _not_name(name, found) or re.search(rf"\b{name.lower()}\b", text):  # 'Officials said', 'He said'
            continue
        found_here = [(m.start, m.end) for m in people]
        if not _overlaps(taken + surnames + found_here, start, end) and not _place_name(name.split(), knowledge):
            people.append(Mention(_person(name.split()), start, end, "discovered"))
    return people + _full_names(text, folded, people, taken, found, knowledge)


def _full_names(
    text: str, folded: str, people: list[Mention], taken: list[tuple[int, int]], found: Patterns, knowledge: Knowledge
) -> list[Mention]:
    """The full names of people found by their surname alone ('Mr Zapatero'): capitalised names that end in that
    surname, without a cue of their own ('José Luis Rodríguez Zapatero did not wait')."""
    surnames = {fold(m.entity.name) for m in people if " " not in m.entity.name}
    if not surnames:
        return []
    # Name words on one line, none an abbreviation ('World War II. Koizumi', 'UK Barak').
    run = re.compile(rf"\b(?:[A-Z][a-z][\w-]*[^\S\n]+){{1,{MAX_NAME_WORDS - 1}}}(?:{alternation(surnames)})\b")
    full = []
    taken = taken + [(m.start, m.end) for m in people]
    for match in run.finditer(folded):
        words, start, end = match.group().split(), match.start(), match.end()
        cut = _title_words(words[:-1], found)  # the surname itself is never a title
        if len(words) - cut < 2:
            continue
        start = _after_words(folded, start, words[:cut])
        written = text[start:end].split()
        if not _overlaps(taken, start, end) and not _place_name(written, knowledge):
            full.append(Mention(_person(written), start, end, "discovered"))
    return full


def _title_words(words: list[str], found: Patterns) -> int:
    """How many of the words, up to the last title or common word among them, come before a name."""
    return max((i for i, w in enumerate(words, 1) if _not_name(w, found)), default=0)


def _after_words(folded: str, start: int, words: list[str]) -> int:
    """Where the text goes on after these words, which it holds from ``start`` on, and the space after them."""
    for word in words:
        start = folded.index(word, start) + len(word)
    while folded[start].isspace():
        start += 1
    return start


def _person(written: list[str]) -> EntityRef:
    return EntityRef(kind="actor", name=" ".join(written), type="person", aliases=(written[-1],), origin="discovered")


def _place_name(words: list[str], knowledge: Knowledge) -> bool:
    """Whether capitalised words taken for a name are a place's ('Phnom Penh', 'Saudi Arabia') or end in a
    country's or a people's ('Radio-Television Burkina', 'New Spanish')."""
    places = knowledge.geo.places
    if tuple(WORD.findall(" ".join(words))) in places or tuple(WORD.findall(words[-1])) in places:
        return True
    return len(words) > 1 and phrase_key(" ".join(words)) in knowledge.gazetteer.places


def _not_name(word: str, found: Patterns) -> bool:
    low = word.lower()
    if "-" in word.strip("-"):  # 'Major-General'
        return all(_not_name(part, found) for part in word.split("-") if part)
    return word in found.not_name or low in found.cues or low.rstrip(".") in found.cues


def _cued(text: str, window: int, start: int, end: int, cues: list[tuple[int, int]], found: Patterns) -> bool:
    """Whether the words around the name text[start:end] say it is a person's: a role cue right before it
    ('spokesman John Doe', 'Gen. John Doe') or, after a comma, with what it is of ('spokesman for the Pentagon,
    John Doe'), a role or a relative clause after it, or a speech verb before it. ``cues``: (start, end) of
    the role cues in the text; those from ``window`` on count."""
    before, after = text[window:start], text[end : end + CONTEXT]
    for cue_start, cue_end in cues:
        between = text[cue_end:start] if window <= cue_start and cue_end <= start else None
        if between is not None and len(between) <= 2 and not WORD.search(between):
            return True
        if between is not None and before.rstrip().endswith(",") and found.cue_apposition.fullmatch(between):
            return True
    return bool(
        found.person_before.search(before)
        or found.person_after.match(after)
        or found.cue_after.match(after)
        or found.relative.match(after)
        or found.speech_before.search(before)
        or found.apposition.match(after)
        or (found.speech_after.match(after) and not found.preposition_before.search(before))
    )


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in spans)


def _discover_bases(
    text: str, folded: str, known: list[Mention], found: Patterns, knowledge: Knowledge
) -> list[Mention]:
    """Bases the knowledge files do not know, named with their kind ('Balad Air Base', 'Camp Lemonnier'),
    placed where their name names a place ('Kidal Air Base')."""
    taken = [(m.start, m.end) for m in known]
    bases: list[Mention] = []
    for pattern in found.bases:
        for match in pattern.finditer(folded):
            kind = next(group for group, words in match.groupdict().items() if words and group != "name")
            start, end = match.span()
            if match.end(kind) == end and match.group(kind).islower():
                end = match.end("name")  # 'Baledogle airfield': the kind word is a description, not part of the name
            words = text[start:end].split()
            while words and (words[0] in found.not_base_name or words[0].endswith(found.not_base_endings)):
                start += len(words[0]) + 1
                words = words[1:]
            if not words or _overlaps(taken, start, end):
                continue
            if len(words) == 1 and not _one_word_base(words[0], knowledge):
                continue
            bases.append(Mention(_base(" ".join(words), kind, knowledge), start, end, "discovered"))
            taken.append((start, end))
    for match in found.town_bases.finditer(folded):  # 'the bases at Kidal, Tessalit and Timbuktu'
        kind = next(group for group, words in match.groupdict().items() if words and group != "towns")
        for town in TOWN.finditer(folded, match.start("towns"), match.end("towns")):
            start, end = town.span()
            name = text[start:end]
            if _overlaps(taken, start, end) or name in knowledge.geo.names:
                continue
            base = _base(name, kind, knowledge)
            if base.country is not None:  # a place the gazetteer knows, not any capitalised word
                bases.append(Mention(base, start, end, "discovered"))
                taken.append((start, end))
    return bases


def _base(name: str, kind: str, knowledge: Knowledge) -> EntityRef:
    country, latitude, longitude = _located(name, knowledge)
    return EntityRef(
        kind="base",
        name=name,
        type=kind,
        country=country,
        latitude=latitude,
        longitude=longitude,
        origin="discovered",
    )


def _one_word_base(word: str, knowledge: Knowledge) -> bool:
    """One word names a base where it is a town the gazetteer knows ('Baledogle airbase'), not a people or a
    country ('Turkish airbase') nor any capitalised word ('Another airbase')."""
    return word not in knowledge.geo.names and _located(word, knowledge)[0] is not None


def _located(name: str, knowledge: Knowledge) -> tuple[str | None, float | None, float | None]:
    """The country and coordinates of the first place a name names ('Kidal Air Base': Kidal, Mali)."""
    place = next((hit.payload for hit in sentence_places(name, knowledge) if hit.payload.kind == "place"), None)
    return (place.country, place.latitude, place.longitude) if place else (None, None, None)


def _resolve_surnames(mentions: list[Mention], text: str, knowledge: Knowledge, found: Patterns) -> list[Mention]:
    """Keep a surname alone only where it may stand alone (or after a title: 'President Medvedev'); give
    discovered people their surname mentions; a surname discovered alone ('President Reagan') is the
    person the article names in full ('Ronald Reagan')."""
    named_in_full = [
        m.entity
        for m in mentions
        if m.surface == "discovered" and m.entity.type == "person" and len(m.entity.name.split()) > 1
    ]
    # By the surname, and by the last name of a double one ('Rodriguez Zapatero', 'Zapatero').
    full = {lookup_key(ref.name.split()[-1]): ref for ref in named_in_full}
    full |= {lookup_key(ref.aliases[0]): ref for ref in named_in_full}
    mentions = [
        dataclasses.replace(m, entity=full[lookup_key(m.entity.name)], surface="surname")
        if m.surface == "discovered" and m.entity.type == "person" and lookup_key(m.entity.name) in full
        else m
        for m in mentions
    ]
    resolved: list[Mention] = []
    # A surname alone is the person the article names in full anywhere, before or after: a headline often
    # gives the surname of someone its first paragraph names in full ('Zapatero orders troops home').
    named = {m.entity.name for m in mentions if m.surface in {"full", "alias", "discovered"}}
    surnames: dict[str, EntityRef] = {}
    for mention in mentions:
        needs_full = mention.surface == "surname" and mention.entity.name in knowledge.surname_after_full
        before = fold(text[max(0, mention.start - CONTEXT) : mention.start])
        titled = found.surname_title.search(before)
        if needs_full and mention.entity.name not in named and not titled and not _initialled(before, mention):
            continue
        if mention.surface == "discovered" and mention.entity.type == "person":
            surnames.setdefault(lookup_key(mention.entity.aliases[0]), mention.entity)
        resolved.append(mention)
    if surnames:
        taken = [(m.start, m.end) for m in resolved]
        alone = re.compile(r"\b(?:" + "|".join(re.escape(ref.aliases[0]) for ref in surnames.values()) + r")\b")
        for match in alone.finditer(text):
            start, end = match.span()
            if not _overlaps(taken, start, end):
                resolved.append(Mention(surnames[lookup_key(match.group())], start, end, "surname"))
    return sorted(resolved, key=lambda m: m.start)


def _initialled(before: str, mention: Mention) -> bool:
    """Whether a known person's surname follows their first name and a middle initial ('Mikhail S. Gorbachev')."""
    first = fold(mention.entity.name.split()[0])
    return re.search(rf"\b{re.escape(first)}\s+[A-Z]\.\s+$", before) is not None


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
