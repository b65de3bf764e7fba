"""Stage 4, events: withdrawal-order statements found, dated against the publication date, and grouped.

A statement is a sentence holding a withdrawal term and an order cue (or a first-person order such as
"I order ..."). Statements with no date of their own, or dated close to publication, belong to the event
the article *reports*; statements dated well before publication are events the article *mentions*.
"""

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache

from app.ingest.dates import DateMention, find_dates, looks_future
from app.ingest.entities import Sentences
from app.ingest.scan import HeadScan, lowered, may_hold, required_literals
from app.ingest.types import EntityRef, EventParticipant, Evidence, ExtractedEvent, Mention, Metadata, Span
from app.knowledge import Geography, Knowledge

REPORT_WINDOW_BEFORE = timedelta(days=10)
REPORT_WINDOW_AFTER = timedelta(days=1)
MAX_CUE_GAP = 120
MAX_DATE_GAP = 80
_FIRST_PERSON_ORDER = HeadScan(
    re.compile(r"\bI\s+(?:order|am ordering|'m ordering|have ordered|instruct|have made a decision|have decided)\b")
)
_DEADLINE = re.compile(r"\b(?:by|until|before|no later than)\s+(?:(?:the\s+)?end(?:\s+of)?\s+)?$", re.IGNORECASE)
_MEETING_MINISTERS = re.compile(
    r"\bwith (?:his|the|[A-Z]\w+'s) (defen[cs]e|foreign)(?: and (defen[cs]e|foreign))? minist(?:ers?|ries|ry)\b",
    re.IGNORECASE,
)


def _needs(pattern: re.Pattern) -> tuple[frozenset[str], ...]:
    """The sets of literals of which every match of ``pattern`` holds one each (app.ingest.scan.required_literals),
    those of the longest literals, which are the rarer, first."""
    return tuple(sorted(required_literals(pattern), key=lambda literals: -min(map(len, literals))))


_MEETING_MINISTERS_NEEDS = _needs(_MEETING_MINISTERS)
_SPEAKER = re.compile(r",?\s+(?:said|says|told|added)\b")
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a dozen": 12,
    "dozens of": None,
    "several": None,
}


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"[\s-]+") for w in sorted(words, key=len, reverse=True))


class EventLexicon:
    """Compiled patterns for one event type and the shared cue lists."""

    def __init__(self, knowledge: Knowledge, event_type: str) -> None:
        lexicon = knowledge.lexicon
        spec = lexicon["event_types"][event_type]
        self.type = event_type
        self.cameo_code = spec["cameo_code"]
        self.label = spec["label"]
        terms = [rf"\b(?:{_alternation(spec['withdrawal_terms'])})\b", *spec["withdrawal_patterns"]]
        self.term = HeadScan(re.compile("|".join(f"(?:{t})" for t in terms), re.IGNORECASE))
        cues = [rf"\b(?:{_alternation(spec['order_cues'])})\b", *spec["announcement_patterns"]]
        self.cue = HeadScan(re.compile("|".join(f"(?:{c})" for c in cues), re.IGNORECASE))
        self.negation = HeadScan(re.compile(rf"\b(?:{_alternation(spec['negations'])})\b", re.IGNORECASE))
        self.retain = HeadScan(re.compile(rf"\b(?:{_alternation(lexicon['retain_cues'])})\b", re.IGNORECASE))
        self.informed = HeadScan(re.compile(rf"\b(?:{_alternation(lexicon['informed_cues'])})\b", re.IGNORECASE))
        self.present = HeadScan(re.compile(rf"\b(?:{_alternation(lexicon['present_cues'])})\b", re.IGNORECASE))
        self.venue = HeadScan(
            re.compile(
                r"\b(?:visit(?:s|ed|ing)?|met at|meeting at|address at|speech at|(?:came|arrived|landed|flew) (?:to|at))\b",
                re.IGNORECASE,
            )
        )
        self.offices = HeadScan(re.compile(rf"\b(?:{_alternation(list(lexicon['office_phrases']))})\b", re.IGNORECASE))
        self.office_names = {k.lower(): v for k, v in lexicon["office_phrases"].items()}
        self.office_countries = frozenset(office.country for office in knowledge.offices)  # see _office_holder
        geo = knowledge.geo
        self.geo = geo
        forces = _alternation(lexicon["forces_words"])
        self.military = HeadScan(
            re.compile(
                rf"\b(?:{forces}|force|army|armed|soldiers|military|troop|pullout|pull-out|pullback|drawdown)\b",
                re.IGNORECASE,
            )
        )
        self.forces_after = re.compile(rf"(?:'s)?\s+(?:[\w-]+\s+){{0,3}}?(?:{forces})\b")
        # Searched for in the text before each place: tried only where a verb begins (see app.ingest.scan), not at
        # every offset before the place.
        self.from_verb = HeadScan(
            re.compile(
                r"\b(?i:from|out\s+of|leave|leaving|left|quit|quitting|exit|exiting)\s+(?:the\s+)?(?:[\w'-]+\s+){0,6}?$"
            )
        )
        self.stationed = HeadScan(
            re.compile(
                r"\b(?i:troops|forces|soldiers|contingent|presence|personnel|units|mission)\s+"
                r"(?:(?i:still\s+|currently\s+)?(?i:stationed|deployed|based|serving|remaining)\s+)?(?i:in)\s+(?:the\s+)?$"
            )
        )
        self.place = HeadScan(
            re.compile(
                r"\b(?:meeting|talks|address|speech|ceremony|session|visit)(?:\s+with\s+[\w ,.'-]{1,60}?)?\s+(?:in|at)\s+"
                r"(?:the\s+)?([A-Z][\w-]+(?:\s+[A-Z][\w-]+)*)"
            )
        )
        units = _alternation(lexicon["figure_units"])
        numbers = _alternation([w for w in _NUMBER_WORDS if _NUMBER_WORDS[w]])
        figures = rf"\b(\d[\d,]*|{numbers})\s+(?:(?:[A-Za-z-]+)\s+)??({units})\b"
        self.figures = re.compile(figures, re.IGNORECASE)
        # The same pattern, case-sensitive, for the lowered sentence (see _figures): its words are all lower case.
        words = [*lexicon["figure_units"], *_NUMBER_WORDS]
        self.figures_lowered = re.compile(figures) if all(w == w.lower() for w in words) else None
        # What a match holds, looked for in the lowered sentence before the search (most sentences lack a unit).
        self.figures_needs = _needs(self.figures)
        self.place_needs = _needs(self.place.pattern)

    def term_sentences(self, text: str, spans: list[Span], low: str | None = None) -> dict[int, list[re.Match]]:
        """The sentences that hold a withdrawal term: index -> the term matches in the sentence.

        ``low`` is ``text.lower()`` where it can stand in for case-insensitive matching (see app.ingest.scan.lowered);
        the term pattern then runs only where one of its heads begins (see app.ingest.scan).
        """
        return self.term.windows(text, low, spans)


@dataclass
class Statement:
    span: Span
    sentence: str
    date: DateMention | None
    effective: date | None
    orderer: EntityRef | None
    forces_of: str | None
    country: str | None
    strength: float
    military: bool


@dataclass
class Group:
    relation: str
    statements: list[Statement] = field(default_factory=list)

    @cached_property
    def best(self) -> Statement:
        return max(self.statements, key=lambda s: (s.strength, -s.span.start))


def extract_events(
    text: str, sentences: Sentences, mentions: list[Mention], metadata: Metadata, knowledge: Knowledge
) -> list[ExtractedEvent]:
    events: list[ExtractedEvent] = []
    spans = sentences.spans
    by_sentence = _by_sentence(mentions, spans)
    low = lowered(text)
    for event_type in knowledge.lexicon["event_types"]:
        lex = _lexicon(knowledge, event_type)
        terms = lex.term_sentences(text, spans, low)
        article = ArticleView(text, sentences, mentions, by_sentence, set(terms), terms, knowledge.geo, low)
        statements = [
            s for i in sorted(article.term_idx) if (s := _statement(article, i, metadata.reference_date, lex))
        ]
        for group in _group(statements, metadata.reference_date):
            event = _build(group, article, metadata, lex, knowledge)
            if event is not None:
                events.append(event)
    return events


@lru_cache(maxsize=8)
def _lexicon(knowledge: Knowledge, event_type: str) -> EventLexicon:
    return EventLexicon(knowledge, event_type)


@dataclass(frozen=True)
class ArticleView:
    """One article's text, sentences and mentions, indexed once for the event stage."""

    text: str
    sentences: Sentences
    mentions: list[Mention]
    by_sentence: list[list[Mention]]
    term_idx: set[int]
    terms: dict[int, list[re.Match]]  # sentence index -> its withdrawal-term matches
    geo: Geography
    low: str | None = None  # see app.ingest.scan.lowered
    _dates: dict = field(default_factory=dict, compare=False)
    _future: dict = field(default_factory=dict, compare=False)

    def sentence(self, i: int) -> str:
        span = self.sentences.spans[i]
        return self.text[span.start : span.end]

    def lower(self, i: int) -> str | None:
        """Sentence ``i`` of ``low`` (None where there is no ``low``)."""
        if self.low is None:
            return None
        span = self.sentences.spans[i]
        return self.low[span.start : span.end]

    def dates(self, i: int, anchor: date | None) -> list[DateMention]:
        """find_dates() of sentence ``i``, run once however many times the stage asks."""
        key = (i, anchor)
        if key not in self._dates:
            self._dates[key] = find_dates(self.sentence(i), anchor)
        return self._dates[key]

    def looks_future(self, i: int, start: int) -> bool:
        """looks_future() of sentence ``i`` at ``start``, asked once however many times the stage asks (a statement's
        dates, then the effective date's)."""
        key = (i, start)
        if key not in self._future:
            self._future[key] = looks_future(self.sentence(i), start)
        return self._future[key]

    @cached_property
    def country_counts(self) -> Counter:
        """Countries by how often the whole text names them, their places or their people."""
        return Counter(g.country for g in self.geo.find(self.text))


def _by_sentence(mentions: list[Mention], spans: list[Span]) -> list[list[Mention]]:
    """Mentions grouped by the sentence they start in (both lists are in text order)."""
    grouped: list[list[Mention]] = [[] for _ in spans]
    starts = [s.start for s in spans]
    for mention in mentions:
        i = bisect.bisect_right(starts, mention.start) - 1
        if i >= 0 and mention.start < spans[i].end:
            grouped[i].append(mention)
    return grouped


def _statement(article: ArticleView, i: int, published: date | None, lex: EventLexicon):
    """A withdrawal-order statement in one sentence: a withdrawal term close to an order cue."""
    terms = article.terms[i]
    if not terms:
        return None
    span, inside = article.sentences.spans[i], article.by_sentence[i]
    sentence = article.sentence(i)
    low = article.lower(i)
    first_person = _first_person_order(sentence)
    pair = _closest_pair(terms, lex.cue.finditer(sentence, low))
    # A negated sentence and one with neither a cue near a term nor a first-person order are both no statement;
    # the second test, which turns away more sentences, is made first.
    if (pair is None and not first_person) or lex.negation.search(sentence, low):
        return None
    _gap_size, term, cue = pair or (0, terms[0], first_person)

    stated, effective = None, None
    term_spans = [t.span() for t in terms]
    for mention in article.dates(i, published):
        if not _near_any(mention, term_spans):
            continue
        if _DEADLINE.search(sentence[max(0, mention.start - 25) : mention.start]):
            continue
        if article.looks_future(i, mention.start):
            effective = effective or mention.date
        elif stated is None:
            stated = mention

    people = [m for m in inside if m.entity.type == "person"]
    orderer = None
    if first_person and (pair is None or cue is first_person):
        quoted = _quoted_ranges(sentence)
        speakers = [m for m in people if not any(a <= m.start - span.start < b for a, b in quoted)]
        orderer = speakers[-1] if speakers else None
    else:
        before = [m for m in people if m.start < span.start + cue.start()]
        orderer = before[-1] if before else None
    geo_mentions = lex.geo.find(sentence)
    owners = [g for g in geo_mentions if lex.forces_after.match(sentence, g.end)]
    forces = min(owners, key=lambda g: abs(g.start - term.start()), default=None)
    forces_of = forces.country if forces else None
    if forces_of is None and orderer is not None:
        forces_of = orderer.entity.country
    if forces_of is None:
        subject = next((g for g in geo_mentions if g.kind == "place" and g.end <= term.start()), None)
        forces_of = subject.country if subject else None
    places = [g for g in geo_mentions if g.kind == "place"]
    where = next(
        (g for g in places if g.start >= term.start() - 10 and lex.from_verb.search(sentence, low, g.start)), None
    ) or next((g for g in places if lex.stationed.search(sentence, low, g.start)), None)
    country = where.country if where else None
    if country is not None and country == forces_of:
        country = None
    # A withdrawal from a deal or a race is not a withdrawal of forces: such a sentence may only add to an
    # event that military statements establish.
    military = bool(first_person or country or lex.military.search(sentence, low))
    strength = 1.0 + (0.5 if orderer else 0) + (0.3 if stated else 0) + (0.2 if country else 0) + (0.3 if pair else 0)
    return Statement(
        span, sentence, stated, effective, orderer.entity if orderer else None, forces_of, country, strength, military
    )


def _first_person_order(sentence: str) -> re.Match | None:
    """``_FIRST_PERSON_ORDER.search(sentence)``. The pattern is case-sensitive and every match begins with a capital
    'I' (after \\b, which ``match`` at an offset tests against the character before it): the pattern is tried at
    each 'I', in order, the first match being the search's, instead of at every offset ('Iraq', 'In' and 'It' put
    an 'I' in many sentences, and most sentences have none)."""
    match = _FIRST_PERSON_ORDER.pattern.match
    at = sentence.find("I")
    while at >= 0:
        if found := match(sentence, at):
            return found
        at = sentence.find("I", at + 1)
    return None


def _closest_pair(terms: list[re.Match], cues: list[re.Match]) -> tuple[int, re.Match, re.Match] | None:
    """(gap, term, cue) of the term and the other cue match closest together, within MAX_CUE_GAP characters
    (0 when they touch or overlap); of pairs as close, the first in term-then-cue order (as min() picks)."""
    best = None
    cue_spans = [(c.start(), c.end(), c) for c in cues]
    for term in terms:
        term_start, term_end = term.span()
        for cue_start, cue_end, cue in cue_spans:
            if cue_start == term_start and cue_end == term_end:
                continue
            gap = max(0, max(term_start, cue_start) - min(term_end, cue_end))
            if gap <= MAX_CUE_GAP and (best is None or gap < best[0]):
                best = (gap, term, cue)
    return best


def _near_any(mention: DateMention, term_spans: list[tuple[int, int]]) -> bool:
    """Whether the date is within MAX_DATE_GAP characters of one of the terms."""
    return any(start - MAX_DATE_GAP <= mention.end and mention.start <= end + MAX_DATE_GAP for start, end in term_spans)


def _quoted_ranges(sentence: str) -> list[tuple[int, int]]:
    marks = [i for i, c in enumerate(sentence) if c == '"']
    ranges = list(zip(marks[::2], marks[1::2], strict=False))
    if len(marks) % 2:
        ranges.append((marks[-1], len(sentence)) if marks[-1] > len(sentence) // 2 else (0, marks[-1]))
    return ranges


def _is_near(mention: DateMention, published: date) -> bool:
    if mention.precision == "day":
        return published - REPORT_WINDOW_BEFORE <= mention.date <= published + REPORT_WINDOW_AFTER
    if mention.precision == "month":
        return (mention.date.year, mention.date.month) == (published.year, published.month)
    return False


def _group(statements: list[Statement], published: date | None) -> list[Group]:
    reported = Group("reports")
    recalled: dict[tuple, Group] = {}
    for statement in statements:
        mention = statement.date
        if mention is None or (published is not None and _is_near(mention, published)):
            reported.statements.append(statement)
            continue
        if published is None and mention.precision == "day":
            reported.statements.append(statement)
            continue
        bucket = (mention.date if mention.precision == "day" else mention.date.replace(day=1), mention.precision)
        recalled.setdefault(bucket, Group("mentions")).statements.append(statement)
    groups = [reported, *recalled.values()]
    return [g for g in groups if any(s.military for s in g.statements)]


def _vote(group: Group, value_of):
    """The value the statements of a group support most, each weighted by how complete the statement is."""
    statements = group.statements
    if len(statements) == 1:  # the one value, or None
        return value_of(statements[0])
    weights: dict = {}
    for statement in statements:
        value = value_of(statement)
        if value is not None:
            weights[value] = weights.get(value, 0) + statement.strength
    return _first_max(weights)


def _common(values) -> object | None:
    counted: dict = {}
    for value in values:
        if value is not None:
            counted[value] = counted.get(value, 0) + 1
    return _first_max(counted)


def _first_max(weights: dict) -> object | None:
    """The key of the largest weight, the first counted among equals: ``Counter(weights).most_common(1)``'s."""
    return max(weights, key=weights.__getitem__) if weights else None


def _build(
    group: Group, article: ArticleView, metadata: Metadata, lex: EventLexicon, knowledge: Knowledge
) -> ExtractedEvent | None:
    mentions = article.mentions
    published = metadata.reference_date
    dated = [s.date for s in group.statements if s.date is not None]
    if group.relation == "reports":
        event_date = (
            _vote(
                group,
                lambda s: (
                    s.date.date
                    if s.date and s.date.precision == "day" and (published is None or _is_near(s.date, published))
                    else None
                ),
            )
            or published
        )
        precision = "day"
        if event_date is None:
            return None
    else:
        event_date, precision = min(dated, key=lambda d: d.date).date, dated[0].precision
        if precision != "day":
            event_date = event_date.replace(day=1) if precision == "month" else event_date.replace(month=1, day=1)

    orderer = _vote(group, lambda s: s.orderer)
    forces_of = _vote(group, lambda s: s.forces_of) or (orderer.country if orderer else None)
    country = _vote(group, lambda s: s.country) or _article_country(article, forces_of)
    if orderer is None and group.relation == "reports":
        orderer = _fallback_orderer(mentions, forces_of)

    best = group.best
    evidence = Evidence(best.sentence, best.span.start, best.span.end, min(1.0, best.strength / 2.3))
    effective = None
    participants: list[EventParticipant] = []
    bases: list[EventParticipant] = []
    place = None
    figures: dict[str, int] = {}
    if group.relation == "reports":
        effective = _effective_date(group, article, event_date, published)
        participants, bases, place, figures = _context(group, article, orderer, forces_of, event_date, lex, knowledge)
    elif orderer is not None:
        participants.append(EventParticipant(orderer, "ordered_by", evidence))
    return ExtractedEvent(
        type=lex.type,
        cameo_code=lex.cameo_code,
        relation=group.relation,
        date=event_date,
        date_precision=precision,
        effective_date=effective,
        country=country,
        forces_of=forces_of,
        place=place,
        title=_title(orderer, forces_of, country, lex),
        summary=best.sentence,
        orderer=orderer,
        evidence=evidence,
        actors=participants,
        bases=bases,
        figures=figures,
    )


def _article_country(article: ArticleView, forces_of: str | None) -> str | None:
    """The country the article is most about (by names, places and demonyms), other than the withdrawing one."""
    counted = article.country_counts.copy()
    counted.pop(forces_of, None)
    counted.pop(None, None)
    return counted.most_common(1)[0][0] if counted else None


def _fallback_orderer(mentions: list[Mention], forces_of: str | None) -> EntityRef | None:
    people = Counter(m.entity for m in mentions if m.entity.type == "person" and m.entity.country == forces_of)
    return people.most_common(1)[0][0] if people else None


def _effective_date(group: Group, article: ArticleView, event_date: date, published: date | None) -> date | None:
    candidates = [s.effective for s in group.statements if s.effective]
    if not candidates:
        for i in sorted(article.term_idx):
            for mention in article.dates(i, published):
                if mention.precision == "day" and article.looks_future(i, mention.start):
                    candidates.append(mention.date)
    valid = [d for d in candidates if event_date <= d <= event_date + timedelta(days=31)]
    return _common(valid)


def _context(
    group: Group,
    article: ArticleView,
    orderer,
    forces_of: str | None,
    event_date: date,
    lex: EventLexicon,
    knowledge: Knowledge,
):
    """Participants (ordered by, ordered to, present, informed), bases (venue, retained), place and figures."""
    text, spans = article.text, article.sentences.spans
    index = {s.start: i for i, s in enumerate(spans)}
    statement_idx = {index[s.span.start] for s in group.statements if s.span.start in index}
    nearby = {j for i in statement_idx for j in (i - 1, i, i + 1) if 0 <= j < len(spans)}
    participants: dict[tuple[str, str], EventParticipant] = {}
    bases: dict[tuple[str, str], EventParticipant] = {}
    place, figures = None, {}
    # Office holders ('the defence minister') belong to the orderer's country, else the withdrawing one.
    office_country = (orderer.country if orderer else None) or forces_of
    # Nobody holds an office of a country that the knowledge lists no office for (see _office_holder).
    has_offices = office_country in lex.office_countries

    def add(store, entity, role, span, confidence):
        key = (entity.name, role)
        if key not in store:
            store[key] = EventParticipant(
                entity, role, Evidence(text[span.start : span.end], span.start, span.end, confidence)
            )

    if orderer is not None:
        best = group.best.span
        add(participants, orderer, "ordered_by", best, 0.9)
    for i, span in enumerate(spans):
        inside = article.by_sentence[i]
        has_term = i in article.term_idx
        if not (inside or has_term or i in statement_idx):
            continue
        sentence, low = text[span.start : span.end], article.lower(i)
        people = [
            m for m in inside if m.entity.type == "person" and m.entity != orderer and not _SPEAKER.match(text, m.end)
        ]
        base_mentions = [m for m in inside if m.entity.kind == "base"]
        in_event = i in nearby or has_term or bool(base_mentions)
        if has_offices and i in statement_idx:
            for office in lex.offices.finditer(sentence, low):
                holder = _office_holder(knowledge, lex.office_names[office.group().lower()], office_country, event_date)
                if holder is not None:
                    add(participants, holder, "ordered_to", span, 0.7)
        informed = people and lex.informed.search(sentence, low)  # only people can be informed
        if informed and (has_term or re.search(r"\b(?:decision|move|order)\b", sentence)):
            for m in people:
                if m.start - span.start > informed.start():
                    add(participants, m.entity, "informed", span, 0.8)
        # Only people, or ministers met with, can be present: a sentence with neither needs no search for the cue.
        if in_event and (people or may_hold(_MEETING_MINISTERS_NEEDS, low)) and lex.present.search(sentence, low):
            for m in people:
                if text[m.end : m.end + 2] != "'s":
                    add(participants, m.entity, "present", span, 0.7)
            for match in _MEETING_MINISTERS.finditer(sentence):
                for word in filter(None, match.groups()):
                    office = "defence minister" if word.lower().startswith("defen") else "foreign minister"
                    holder = _office_holder(knowledge, office, office_country, event_date)
                    if holder is not None:
                        add(participants, holder, "present", span, 0.6)
        if base_mentions:
            retained = lex.retain.search(sentence, low)
            venue = (in_event or i < 3) and lex.venue.search(sentence, low)
            for m in base_mentions:
                if retained:
                    add(bases, m.entity, "retained", span, 0.8)
                if venue:
                    add(bases, m.entity, "venue", span, 0.7)
                    place = place or m.entity.name
        if i in nearby or has_term:
            if place is None and i in statement_idx and may_hold(lex.place_needs, low):
                found = lex.place.search(sentence, low)
                if found:
                    place = found.group(1)
            if has_term and may_hold(lex.figures_needs, low):
                for number, unit in _figures(lex, sentence, low):
                    value = _number(number)
                    if value and unit.lower() not in figures:
                        figures[unit.lower()] = value
    return list(participants.values()), list(bases.values()), place, figures


def _figures(lex: EventLexicon, sentence: str, low: str | None) -> list[tuple[str, str]]:
    """``lex.figures.findall(sentence)`` up to the case of the (number, unit) pairs, which are lowered where used.

    Where ``low`` (the sentence lowered, see app.ingest.scan.lowered) can stand in for case-insensitive matching,
    the case-sensitive pattern, all of whose words are lower case, finds in it the same matches lowered: the
    engine then compares characters as they are instead of folding the case of each.
    """
    if low is None or lex.figures_lowered is None:
        return lex.figures.findall(sentence)
    return lex.figures_lowered.findall(low)


def _number(token: str) -> int | None:
    token = token.lower().replace(",", "")
    if token.isdigit():
        return int(token)
    return _NUMBER_WORDS.get(token)


def _office_holder(knowledge: Knowledge, role: str, country: str | None, on: date) -> EntityRef | None:
    """Who held ``role`` in ``country`` on that day; nobody when the country is unknown (a discovered leader
    has none, and any country's holder would be a guess)."""
    if country is None:
        return None
    stamp = on.isoformat()
    for office in knowledge.offices:
        if office.role != role or office.country != country:
            continue
        if (office.start is None or office.start <= stamp) and (office.end is None or stamp < office.end):
            return knowledge.actors[office.actor]
    return None


def _title(orderer: EntityRef | None, forces_of: str | None, country: str | None, lex: EventLexicon) -> str:
    who = orderer.name if orderer else (forces_of or "Unknown actor")
    forces = f"{lex.geo.adjectives.get(forces_of, forces_of)} forces" if forces_of else "forces"
    where = f" from {country}" if country else ""
    return f"{who} {lex.label} of {forces}{where}"
