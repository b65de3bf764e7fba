"""Stage 4, events: withdrawal-order statements found, dated against the publication date, and grouped.

A statement is a sentence holding a withdrawal term and an order cue (or a first-person order such as
"I order ..."). Statements with no date of their own, or dated close to publication, belong to the event
the article *reports*; statements dated well before publication are events the article *mentions*.
The cue words are the lexicon's (app/knowledge/lexicon.json), found by the knowledge's phrase matcher; the
shapes they stand in ('<country>'s ... forces', 'from ... <place>') are the regular expressions below.
"""

import dataclasses
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache

from app.ingest.dates import DateMention, find_dates, looks_future
from app.ingest.entities import Sentences, find_places, place_context, sentence_places
from app.ingest.matcher import Hit, alternation, leftmost_longest
from app.ingest.types import EntityRef, EventParticipant, Evidence, ExtractedEvent, Mention, Metadata, Span
from app.knowledge import Knowledge

REPORT_WINDOW_BEFORE = timedelta(days=10)
REPORT_WINDOW_AFTER = timedelta(days=1)
MAX_CUE_GAP = 120
MAX_DATE_GAP = 80
NEGATION_AFTER = 20  # how far back a negation reaches ('a pull-out was ruled out')
FUTURE_REACH = timedelta(days=31)  # how far after its report a day and month without a year may lie
ADDRESSEE_REACH = 100  # how far after 'ordered' the person ordered may be named
PEOPLE_TO_TERM = 12  # 'the Americans to leave': a people this close before the term is the one that leaves
TITLE_REACH = 40  # how far before a name its title may begin ('Foreign Minister <Jeppe Kofod>')
NEARBY_SENTENCES = 2  # how far from its statements an undated report may give the day and month of its story
ENTITY_LABELS = ("alias", "person_cues")  # phrases only the entity stage reads (names come here as mentions)
NOTHING = "(?!)"  # a pattern that never matches, for an empty list of an event type


class EventLexicon:
    """One event type's cues, and the shapes of the sentences around them, compiled from the lexicon."""

    def __init__(self, knowledge: Knowledge, event_type: str) -> None:
        lexicon = knowledge.lexicon
        spec = lexicon["event_types"][event_type]
        self.type = event_type
        self.cameo_code = spec["cameo_code"]
        self.label = spec["label"]
        self.needs_cue = spec.get("needs_cue", True)  # false for a pull-out: seen happening, not ordered
        self.needs_place = spec.get("needs_place", False)
        self.carries_out = spec.get("carries_out")
        self.knowledge = knowledge
        self.geo = knowledge.geo
        self.operators = {b["name"]: b["operator"] for b in knowledge.bases_data if b.get("operator")}
        # Labels of the event type's phrase lists in the knowledge's matcher (see Knowledge.phrases).
        self.terms, self.cues, self.negations = (
            f"{event_type}.{key}" for key in ("withdrawal_terms", "order_cues", "negations")
        )
        self.term_pattern = _one_of(spec["withdrawal_patterns"])
        self.cue_pattern = _one_of(spec["announcement_patterns"])
        self.first_person = re.compile(rf"\bI\s+(?:{alternation(spec['first_person_orders']) or NOTHING})\b")
        self.deadline = re.compile(
            rf"\b(?:{alternation(lexicon['deadline_words'])})\s+(?:(?:the\s+)?end(?:\s+of)?\s+)?$", re.IGNORECASE
        )
        forces = alternation(lexicon["forces_words"])
        self.forces_after = re.compile(rf"(?:'s)?\s+(?:[\w-]+\s+){{0,3}}?(?:{forces})\b")  # '<Russia>'s air forces'
        # Before a place: 'troops left <Syria>', 'forces stationed in <Syria>'.
        self.left_from = re.compile(
            rf"\b(?i:{alternation(lexicon['departure_words'])})\s+(?:the\s+)?(?:[\w'-]+\s+){{0,6}}?$"
        )
        self.not_left = re.compile(rf"\b(?:{alternation(lexicon['not_left_words'])})\s+(?:the\s+)?$")
        stationed = lexicon["stationed_in"]
        self.stationed = re.compile(
            rf"\b(?:{alternation(stationed['subjects'])})\s+(?:(?:(?:{alternation(stationed['adverbs'])})\s+)?"
            rf"(?:{alternation(stationed['verbs'])})\s+)?in\s+(?:the\s+)?$",
            re.IGNORECASE,
        )
        self.meeting_place = re.compile(
            rf"\b(?:{alternation(lexicon['meeting_words'])})(?:\s+with\s+[\w ,.'-]{{1,60}}?)?\s+(?:in|at)\s+"
            r"(?:the\s+)?([A-Z][\w-]+(?:\s+[A-Z][\w-]+)*)"
        )
        self.number_words = lexicon["number_words"]
        self.figures = re.compile(
            rf"\b(\d[\d,]*|{alternation(self.number_words)})\s+(?:(?:[A-Za-z-]+)\s+)??"
            rf"({alternation(lexicon['figure_units'])})\b",
            re.IGNORECASE,
        )
        self.minister_kinds = lexicon["minister_kinds"]
        kinds = alternation(self.minister_kinds)
        self.ministers_met = re.compile(  # 'with his defence and foreign ministers'
            rf"\bwith (?:his|the|[A-Z]\w+'s) ({kinds})(?: and ({kinds}))? minist(?:ers?|ries|ry)\b", re.IGNORECASE
        )
        self.speaker = re.compile(rf",?\s+(?:{alternation(lexicon['speech_verbs'])})\b")
        # The day of the statement, wherever it stands in the sentence ('..., Fomin said Tuesday').
        self.said_on = re.compile(rf"\b(?:{alternation(lexicon['speech_verbs'])})\s+(?:on\s+)?$")
        self.governed = re.compile(rf"\b(?:{alternation(lexicon['place_prepositions'])})\s+(?:the\s+)?$")
        self.person_governed = re.compile(
            rf"\b(?:{alternation(lexicon['place_prepositions'])})\s+(?:the\s+)?(?:[A-Z][\w.'-]*\s+){{0,4}}$"
        )
        # A title: capitalised words or role words ('Russian Deputy Defence Minister', 'his French counterpart').
        self.title_run = re.compile(
            rf"(?:'s)?(?:\s+(?:[A-Z][\w.-]*|(?i:{alternation(lexicon['person_cues'])}))){{0,5}}\s+"
        )
        orderers = lexicon["orderer_words"]
        title_words = r"(?:[\w.'-]+\s+){0,5}"  # 'ordered by President <Donald Trump>'
        self.addressee_verb = re.compile(rf"\b(?:{alternation(orderers['addressee_verbs'])})\s", re.IGNORECASE)
        self.told_passive = re.compile(
            rf",?\s+(?:has been|had been|have been|was|were|is|are)\s+(?:{alternation(orderers['addressee_verbs'])})\b"
        )
        self.agent = re.compile(rf"\b(?:{alternation(orderers['agents'])})\s+{title_words}$", re.IGNORECASE)
        self.pronoun = re.compile(rf"\b(?:{alternation(orderers['pronouns'])})\b[^,;]*$")
        self.collective = re.compile(
            rf"\bthe\s+(?:[\w-]+\s+){{0,2}}(?i:{alternation(orderers['collective_subjects'])})\b"
        )
        self.accepted = re.compile(rf"\b(?i:{alternation(lexicon['acceptances'])})\b[^.;]{{0,60}}$")
        self.office_title = re.compile(rf"\b(?i:{alternation(orderers['office_titles'])})\b")
        self.order_noun = re.compile(rf"\b(?:{alternation(lexicon['order_nouns'])})\b")


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


def _one_of(patterns: list[str]) -> re.Pattern:
    """The lexicon's patterns as one case-insensitive alternation: at each offset the first that matches. An
    empty list matches nothing (an empty alternation would match everywhere)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns) or NOTHING, re.IGNORECASE)


def extract_events(
    text: str,
    sentences: Sentences,
    mentions: list[Mention],
    metadata: Metadata,
    knowledge: Knowledge,
    phrases: list[Hit] | None = None,
) -> list[ExtractedEvent]:
    """The events the article reports or mentions. ``phrases`` is ``knowledge.phrases.find(text)`` where the
    caller has it (the entity stage needs it too)."""
    events: list[ExtractedEvent] = []
    hits = knowledge.phrases.find(text) if phrases is None else phrases
    article = ArticleView.of(text, sentences, mentions, hits, knowledge)
    published = metadata.reference_date
    ordered: set[int] = set()  # the sentences that state an order: a pull-out there is the order's, not seen
    lexicons = sorted((_lexicon(knowledge, t) for t in knowledge.lexicon["event_types"]), key=lambda x: not x.needs_cue)
    for lex in lexicons:
        terms = {}  # sentence index -> its withdrawal terms, for the sentences that hold one
        for i in range(len(sentences.spans)):
            if found := _leftmost(article.found(i, lex.terms), lex.term_pattern, article.sentence(i)):
                terms[i] = found
        skip = set() if lex.needs_cue else ordered
        statements = [
            s for i in sorted(terms) if i not in skip and (s := _statement(article, i, terms[i], published, lex))
        ]
        if lex.needs_cue:
            ordered |= {sentences.index(s.span.start) for s in statements}
        for group in _group(statements, published):
            event = _build(group, article, terms, metadata, lex, knowledge)
            if event is not None:
                events.append(event)
    return events


@lru_cache(maxsize=8)
def _lexicon(knowledge: Knowledge, event_type: str) -> EventLexicon:
    return EventLexicon(knowledge, event_type)


@dataclass(frozen=True)
class ArticleView:
    """One article's text, sentences, mentions and phrases, by sentence, for the event stage. The phrases
    (label -> hits) and places have offsets in their sentence, as the sentence's patterns do."""

    text: str
    sentences: Sentences
    mentions: list[Mention]
    by_sentence: list[list[Mention]]
    phrases: list[dict[str, list[Hit]]]
    named: list[list[Hit]]  # the countries, places and peoples of countries.json (payload: a Place)
    knowledge: Knowledge
    context: Counter  # country -> how often the article names it (see sentence_places)
    _places: dict[int, list[Hit]] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, text: str, sentences: Sentences, mentions: list[Mention], hits: list[Hit], knowledge: Knowledge):
        spans = sentences.spans
        by_sentence: list[list[Mention]] = [[] for _ in spans]
        for mention in mentions:
            if (i := sentences.index(mention.start)) is not None:
                by_sentence[i].append(mention)
        phrases: list[dict[str, list[Hit]]] = [defaultdict(list) for _ in spans]
        for hit in hits:  # each sentence is read on its own: a phrase across two is in neither
            if (
                hit.label not in ENTITY_LABELS
                and (i := sentences.index(hit.start)) is not None
                and hit.end <= spans[i].end
            ):
                origin = spans[i].start
                phrases[i][hit.label].append(Hit(hit.start - origin, hit.end - origin, hit.label, hit.payload))
        named = [
            find_places(text[span.start : span.end], knowledge, found["place"])
            for span, found in zip(spans, phrases, strict=True)
        ]
        context = place_context(text, knowledge, hits)
        return cls(text, sentences, mentions, by_sentence, phrases, named, knowledge, context)

    def places(self, i: int) -> list[Hit]:
        """The places of sentence ``i`` through the gazetteer too ('Kherson', 'northern Syria'), a name several
        places share being the one in the country the article names most; read for the sentences that need them
        (a statement's), as the gazetteer's longest-match walk is the event stage's dearest step."""
        if i not in self._places:
            span = self.sentences.spans[i]
            people = [
                (m.start - span.start, m.end - span.start) for m in self.by_sentence[i] if m.entity.type == "person"
            ]
            self._places[i] = sentence_places(
                self.sentence(i), self.knowledge, self.phrases[i]["place"], people=people, context=self.context
            )
        return self._places[i]

    def sentence(self, i: int) -> str:
        span = self.sentences.spans[i]
        return self.text[span.start : span.end]

    def found(self, i: int, label: str) -> list[Hit]:
        """The phrases of the list ``label`` in sentence ``i``."""
        return self.phrases[i].get(label, [])


def _leftmost(phrases: list[Hit], pattern: re.Pattern, sentence: str) -> list[Span]:
    """What one alternation of the phrases (longest first) and then the pattern finds in a sentence, as the
    lexicon means it: from left to right, at each offset the longest phrase there or else the pattern's match,
    and the search goes on after it."""
    longest: dict[int, int] = {}  # where a phrase begins -> the end of the longest there
    for hit in phrases:
        longest[hit.start] = max(hit.end, longest.get(hit.start, hit.end))
    found: list[Span] = []
    match = pattern.search(sentence)
    for start in [*sorted(longest), len(sentence) + 1]:
        while match and match.start() < start:  # the pattern matches before the phrase
            found.append(Span(*match.span()))
            resume = max(match.end(), match.start() + 1)  # past an empty match too, and never past the end
            match = pattern.search(sentence, resume) if resume <= len(sentence) else None
        if start in longest and (not found or start >= found[-1].end):
            found.append(Span(start, longest[start]))
            if match and match.start() < longest[start]:
                match = pattern.search(sentence, longest[start])
    return found


def _statement(article: ArticleView, i: int, terms: list[Span], published: date | None, lex: EventLexicon):
    """A withdrawal-order statement in one sentence: a withdrawal term close to an order cue."""
    span, inside = article.sentences.spans[i], article.by_sentence[i]
    sentence = article.sentence(i)
    first_person = lex.first_person.search(sentence)
    # A request accepted is a decision ('will respect the terms of Burkina Faso's request to withdraw').
    negations = [n for n in article.found(i, lex.negations) if not lex.accepted.search(sentence, 0, n.start)]
    terms = [t for t in terms if not any(_negates(n, t) for n in negations)]
    if not terms:
        return None
    pair = _closest_pair(terms, _leftmost(article.found(i, lex.cues), lex.cue_pattern, sentence))
    if pair is None and not first_person and lex.needs_cue:
        return None
    if pair is None:  # 'I order ...', or a pull-out (no cue: the term stands in for one)
        cue_span = Span(*first_person.span()) if first_person else terms[0]
    _gap, term, cue = pair or (0, terms[0], cue_span)

    stated, effective = None, None
    for mention in find_dates(sentence, published, knowledge=lex.knowledge):
        if not (_near_any(mention, terms) or lex.said_on.search(sentence, 0, mention.start)):
            continue
        if lex.deadline.search(sentence[max(0, mention.start - 25) : mention.start]):
            continue
        # A reported order was given by the time of its report: a later date is when something is to happen
        # ('before he leaves office next month'), but a day and month without a year months after the report is
        # last year's.
        future = looks_future(sentence, mention.start, knowledge=lex.knowledge)
        later = published is not None and mention.precision != "weekday" and mention.date > published
        if later and not future and _day_and_month(mention) and mention.date - published > FUTURE_REACH:
            mention, later = dataclasses.replace(mention, date=_year_before(mention.date)), False
        if later or future or _this_period(mention, published):
            effective = effective or mention.date
        elif stated is None:
            stated = mention

    orderer = _orderer(article, i, cue, first_person if pair is None else None, lex) if lex.needs_cue else None
    places = article.places(i)
    # 'Russian troops', "Russia's air force"; or a people sent off by the order ('ordered the Americans to leave').
    owners = [g for g in places if lex.forces_after.match(sentence, g.end)] or [
        g for g in places if g.payload.kind == "people" and 0 <= term.start - g.end <= PEOPLE_TO_TERM
    ]
    forces = min(owners, key=lambda g: abs(g.start - term.start), default=None)
    forces_of = forces.payload.country if forces else None
    if forces_of is None and orderer is not None:
        forces_of = orderer.entity.country or _nationality(places, orderer.start - span.start, sentence, lex)
    if forces_of is None:  # the subject: 'Russia says it will ...', 'the Pentagon ...', not 'talks in Istanbul'
        forces_of = _subject_country(places, inside, span.start, term.start, sentence, lex)
    if forces_of is None:  # 'the jets left Hmeimim': the forces of the country that runs the base
        forces_of = next((lex.operators[m.entity.name] for m in inside if m.entity.name in lex.operators), None)
    # Places forces go to ('left for Lithuania') are not where they leave from.
    named = [g for g in places if g.payload.kind == "place" and not lex.not_left.search(sentence, 0, g.start)]
    where = next(
        (g for g in named if g.start >= term.start - 10 and lex.left_from.search(sentence, 0, g.start)), None
    ) or next((g for g in named if lex.stationed.search(sentence, 0, g.start)), None)
    country = where.payload.country if where else None
    if country is not None and country == forces_of:
        country = None
    if lex.needs_place and country is None and not any(m.entity.kind == "base" for m in inside):
        return None
    # A withdrawal from a deal or a race is not a withdrawal of forces: such a sentence may only add to an
    # event that military statements establish.
    military = bool(first_person or country or article.found(i, "forces_words") or article.found(i, "military_words"))
    strength = 1.0 + (0.5 if orderer else 0) + (0.3 if stated else 0) + (0.2 if country else 0) + (0.3 if pair else 0)
    return Statement(
        span, sentence, stated, effective, orderer.entity if orderer else None, forces_of, country, strength, military
    )


def _subject_country(
    places: list[Hit], inside: list[Mention], origin: int, before: int, sentence: str, lex: EventLexicon
) -> str | None:
    """The country of the first place or organisation named before offset ``before`` of the sentence that no
    preposition governs ('in Istanbul, Turkey, Russia said ...' -> Russia)."""
    named = [(g.start, g.end, g.payload.country) for g in places if g.payload.kind == "place"]
    named += [
        (m.start - origin, m.end - origin, m.entity.country)
        for m in inside
        if m.entity.type == "organisation" and m.entity.country
    ]
    governed = (-1, None)  # the end and country of the last governed name: its country in apposition is too
    for start, end, country in sorted(named):
        if end > before:
            break
        in_apposition = country == governed[1] and re.fullmatch(r",\s*", sentence[governed[0] : start])
        if lex.governed.search(sentence, 0, start) or in_apposition:  # 'in Istanbul, Turkey'
            governed = (end, country)
            continue
        return country
    return None


def _nationality(places: list[Hit], at: int, sentence: str, lex: EventLexicon) -> str | None:
    """The country of a person named at ``at`` by the words before the name ('Russian Deputy Defence Minister
    Alexander Fomin', "Spain's Prime Minister ...")."""
    before = [g for g in places if g.end <= at and lex.title_run.fullmatch(sentence, g.end, at)]
    return before[-1].payload.country if before else None


def _this_period(mention: DateMention, published: date | None) -> bool:
    """Whether the mention is the report's own month or year, unwritten ('this year', 'this month'): when
    something is to happen ('to withdraw troops this year as planned'), not the day of an order."""
    if published is None or mention.explicit_year or mention.precision not in ("month", "year"):
        return False
    return mention.date.year == published.year and (
        mention.precision == "year" or mention.date.month == published.month
    )


def _day_and_month(mention: DateMention) -> bool:
    """Whether the mention is a day and month written without a year ('on December 3')."""
    return mention.precision == "day" and not mention.explicit_year and any(c.isdigit() for c in mention.text)


def _year_before(day: date) -> date:
    return day.replace(year=day.year - 1) if (day.month, day.day) != (2, 29) else day.replace(year=day.year - 1, day=28)


def _nationality_in_article(article: ArticleView, person: EntityRef, lex: EventLexicon) -> str | None:
    """The nationality the words before any mention of the person give (see _nationality)."""
    for mention in article.mentions:
        if mention.entity == person and (i := article.sentences.index(mention.start)) is not None:
            at = mention.start - article.sentences.spans[i].start
            if country := _nationality(article.places(i), at, article.sentence(i), lex):
                return country
    return None


def _negates(negation: Hit, term: Span) -> bool:
    """Whether a negation ('no plans to', 'denied') is about this term: anywhere before it, on it, or right
    after it ('a pull-out was ruled out'). A term well before it stands: a sentence may state one withdrawal and
    then deny another ('will pull out of Georgia, but has no plans to withdraw from South Ossetia')."""
    return negation.start <= term.end + NEGATION_AFTER


def _orderer(
    article: ArticleView, i: int, cue: Span, first_person: re.Match | None, lex: EventLexicon
) -> Mention | None:
    """The person who orders in sentence ``i``: the speaker of a quoted 'I order ...'; else the agent of a passive
    ('ordered by President X'); else the last person named before the cue who is not an addressee ('instructed
    Defence Minister Bono') nor governed by a preposition ('before King Juan Carlos') nor followed by a body that
    decides instead ('..., the federal government decided'); else the speaker named
    after it ('..., Fomin said'); else, for 'he'/'she' before the cue, the last person named just before; else,
    for an office named before the cue, the person the article gives that title."""
    span, sentence = article.sentences.spans[i], article.sentence(i)
    people = [m for m in article.by_sentence[i] if m.entity.type == "person"]
    if first_person:  # 'I order ...' in a quotation: the speaker, named outside it, orders
        quoted = _quoted_ranges(sentence)
        speakers = [m for m in people if not any(a <= m.start - span.start < b for a, b in quoted)]
        return speakers[-1] if speakers else None
    at = span.start + cue.start
    agents = [m for m in people if lex.agent.search(sentence, 0, m.start - span.start)]
    if agents:
        return agents[0]
    addressees = _addressees(people, sentence, span.start, lex)
    before = [
        m
        for m in people
        if m.start < at
        and m not in addressees
        and not lex.person_governed.search(sentence, 0, m.start - span.start)  # 'the oath before King X'
        and not lex.collective.search(sentence, m.end - span.start, cue.start)  # '..., the government decided'
    ]
    if before:
        return before[-1]
    if lex.collective.search(sentence, 0, cue.start):  # a body decides, and no person before it
        return None
    for m in people:
        if m.start >= at and lex.speaker.match(article.text, m.end):
            return m
    if lex.pronoun.search(sentence, 0, cue.start):
        earlier = [
            m
            for m in article.mentions
            if m.entity.type == "person" and m.start < span.start and article.sentences.index(m.start) >= i - 2
        ]
        return earlier[-1] if earlier else None
    return _titled(article, sentence[: cue.start], lex)


def _titled(article: ArticleView, before_cue: str, lex: EventLexicon) -> Mention | None:
    """For an office named instead of a person ('The Danish foreign minister said ...'), the person the article
    names with that title ('Foreign Minister Jeppe Kofod')."""
    for office in lex.office_title.finditer(before_cue):
        if re.match(r"\s+[A-Z]", before_cue[office.end() :]):  # 'Defence Minister Christine Lambrecht': named
            continue
        title = office.group().lower()
        for m in article.mentions:
            if m.entity.type == "person" and title in article.text[max(0, m.start - TITLE_REACH) : m.start].lower():
                return m
    return None


def _addressees(people: list[Mention], sentence: str, origin: int, lex: EventLexicon) -> list[Mention]:
    """The people orders are given to: the first person named after each addressee verb, not far after it
    ('ordered the commander of the armed forces, Major-General X, to bring ...'), and the subject of one in the
    passive ('Bono had been told to ...')."""
    found = [m for m in people if lex.told_passive.match(sentence, m.end - origin)]  # 'Bono had been told to'
    for verb in lex.addressee_verb.finditer(sentence):
        after = [m for m in people if 0 <= m.start - origin - verb.end() <= ADDRESSEE_REACH]
        found += after[:1]
    return found


def _closest_pair(terms: list[Span], cues: list[Span]) -> tuple[int, Span, Span] | None:
    """(gap, term, cue) of the term and the other cue closest together, within MAX_CUE_GAP characters (0 when
    they touch or overlap); of pairs as close, the first in term-then-cue order."""
    best = None
    for term in terms:
        for cue in cues:
            if cue == term:
                continue
            gap = max(0, max(term.start, cue.start) - min(term.end, cue.end))
            if gap <= MAX_CUE_GAP and (best is None or gap < best[0]):
                best = (gap, term, cue)
    return best


def _near_any(mention: DateMention, terms: list[Span]) -> bool:
    """Whether the date is within MAX_DATE_GAP characters of one of the terms."""
    return any(t.start - MAX_DATE_GAP <= mention.end and mention.start <= t.end + MAX_DATE_GAP for t in terms)


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
        if published is None and mention.precision in ("day", "month_day", "weekday"):
            reported.statements.append(statement)
            continue
        bucket = (mention.date if mention.precision == "day" else mention.date.replace(day=1), mention.precision)
        recalled.setdefault(bucket, Group("mentions")).statements.append(statement)
    groups = [reported, *recalled.values()]
    return [g for g in groups if any(s.military for s in g.statements)]


def _vote(group: Group, value_of):
    """The value the statements of a group support most, each weighted by how complete the statement is (the
    first counted among equals)."""
    weights: Counter = Counter()
    for statement in group.statements:
        value = value_of(statement)
        if value is not None:
            weights[value] += statement.strength
    return weights.most_common(1)[0][0] if weights else None


def _build(
    group: Group,
    article: ArticleView,
    terms: dict[int, list[Span]],
    metadata: Metadata,
    lex: EventLexicon,
    knowledge: Knowledge,
) -> ExtractedEvent | None:
    published = metadata.reference_date
    dated = [s.date for s in group.statements if s.date is not None]
    month_day, weekday, stated = None, None, True
    if group.relation == "reports":
        precision = "day"
        event_date = _vote(group, lambda s: _day_reported(s.date, published))
        if event_date is None:
            event_date, stated = published, False
        if event_date is None:  # no date to place the order in: keep the day and month it gives, if any
            precision = "none"
            month_day = _vote(group, lambda s: s.date.month_day if _yearless(s.date) else None)
            month_day = month_day or metadata.reference_month_day
            weekday = _vote(
                group, lambda s: s.date.date.weekday() if s.date and s.date.precision == "weekday" else None
            )
    else:
        event_date, precision = min(dated, key=lambda d: d.date).date, dated[0].precision
        if precision != "day":
            event_date = event_date.replace(day=1) if precision == "month" else event_date.replace(month=1, day=1)

    forces_of = _vote(group, lambda s: s.forces_of)

    # Only a leader of the withdrawing country orders it ('Sarkozy warned that Russia ...' does not), by what
    # the knowledge files or the article say of the person ('his French counterpart Nicolas Sarkozy').
    def own_leader(statement: Statement) -> EntityRef | None:
        person = statement.orderer
        if person is None or forces_of is None:
            return person
        country = person.country or _nationality_in_article(article, person, lex)
        return person if country in (None, forces_of) else None

    orderer = _vote(group, own_leader)
    if forces_of is None and orderer is not None:  # 'Israeli Prime Minister Ehud Barak' anywhere in the article
        forces_of = orderer.country or _nationality_in_article(article, orderer, lex)
    if precision == "none" and month_day is None:
        month_day = _nearby_month_day(group, article, terms, orderer, knowledge)
    country = _vote(group, lambda s: s.country) or _article_country(article, forces_of)
    if forces_of is None and group.relation == "reports":
        forces_of = _article_nationality(article, country)
    if orderer is None and group.relation == "reports" and lex.needs_cue:
        orderer = _fallback_orderer(article, terms, forces_of)

    best = group.best
    evidence = Evidence(best.sentence, best.span.start, best.span.end, min(1.0, best.strength / 2.3))
    effective, participants, bases, place, figures = None, [], [], None, {}
    if group.relation == "reports":
        effective = _effective_date(group, article, terms, event_date, published, knowledge)
        context = _context(group, article, terms, orderer, forces_of, event_date, lex, knowledge)
        participants, bases, place, figures = context
    elif orderer is not None:
        participants.append(EventParticipant(orderer, "ordered_by", evidence))
    return ExtractedEvent(
        type=lex.type,
        cameo_code=lex.cameo_code,
        relation=group.relation,
        date=event_date,
        date_precision=precision,
        month_day=month_day,
        weekday=weekday,
        date_stated=stated,
        carries_out=lex.carries_out,
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


def _day_reported(mention: DateMention | None, published: date | None) -> date | None:
    """The day a statement dates the order it reports: a day close to publication."""
    if mention and mention.precision == "day" and (published is None or _is_near(mention, published)):
        return mention.date
    return None


def _nearby_month_day(
    group: Group, article: ArticleView, terms: dict[int, list[Span]], orderer: EntityRef | None, knowledge: Knowledge
) -> str | None:
    """The day and month that the sentences around an undated report's statements give its story ('visiting the
    base on December 11'), the closest first; not a day they look forward to. Only sentences about the story
    count: those with a withdrawal term, the orderer or a base ('On Aug 8, Georgia launched an offensive' is
    background)."""
    statements = {article.sentences.index(s.span.start) for s in group.statements} - {None}
    last = len(article.sentences.spans) - 1
    distance = {
        j: min(abs(j - i) for i in statements)
        for i in statements
        for j in range(max(0, i - NEARBY_SENTENCES), min(last, i + NEARBY_SENTENCES) + 1)
    }
    around = sorted(distance, key=lambda j: (distance[j], j))
    on_day = _day_cue(knowledge)
    for j in around:
        about = j in terms or any(m.entity == orderer or m.entity.kind == "base" for m in article.by_sentence[j])
        if not about:
            continue
        sentence = article.sentence(j)
        for mention in find_dates(sentence, None, knowledge=knowledge):
            if (
                mention.precision == "month_day"
                and on_day.search(sentence, 0, mention.start)
                and not looks_future(sentence, mention.start, knowledge=knowledge)
            ):
                return mention.month_day
    return None


@lru_cache(maxsize=4)
def _day_cue(knowledge: Knowledge) -> re.Pattern:
    """The words that put an action on a day ('visiting the base on December 11'), unlike a day that names
    something ('the March 14 election'), just before a date."""
    return re.compile(rf"\b(?:{alternation(knowledge.lexicon['day_cues'])})\s+(?:the\s+)?$", re.IGNORECASE)


def _yearless(mention: DateMention | None) -> bool:
    return mention is not None and mention.precision == "month_day"


def _article_country(article: ArticleView, forces_of: str | None) -> str | None:
    """The country the article is most about (by names, places and demonyms), other than the withdrawing one."""
    return _most_named(article, forces_of)


def _article_nationality(article: ArticleView, country: str | None) -> str | None:
    """The people the article names most ('British', 'Danish'), other than the country left: in a report that
    never says whose forces leave, theirs."""
    return _most_named(article, country, kind="people")


def _most_named(article: ArticleView, other_than: str | None, kind: str | None = None) -> str | None:
    """The country the article's places (of one kind, if given) name most, other than ``other_than``."""
    counted = Counter(
        place.payload.country
        for places in article.named
        for place in places
        if place.payload.country != other_than and kind in (None, place.payload.kind)
    )
    return counted.most_common(1)[0][0] if counted else None


def _fallback_orderer(article: ArticleView, terms: dict[int, list[Span]], forces_of: str | None) -> EntityRef | None:
    """For want of anyone ordering in the statements: the leader of the withdrawing country whom the sentences
    about a withdrawal name most (not one the article names elsewhere: 'talks that Putin may join')."""
    people = Counter(
        m.entity
        for i in terms
        for m in article.by_sentence[i]
        if m.entity.type == "person" and m.entity.country == forces_of
    )
    return people.most_common(1)[0][0] if people else None


def _effective_date(
    group: Group,
    article: ArticleView,
    terms: dict[int, list[Span]],
    event_date: date | None,
    published: date | None,
    knowledge: Knowledge,
) -> date | None:
    if event_date is None:
        return None
    candidates = [s.effective for s in group.statements if s.effective]
    if not candidates:
        for i in sorted(terms):
            sentence = article.sentence(i)
            for mention in find_dates(sentence, published, knowledge=knowledge):
                if mention.precision == "day" and looks_future(sentence, mention.start, knowledge=knowledge):
                    candidates.append(mention.date)
    valid = Counter(d for d in candidates if event_date <= d <= event_date + timedelta(days=31))
    return valid.most_common(1)[0][0] if valid else None


def _context(
    group: Group,
    article: ArticleView,
    terms: dict[int, list[Span]],
    orderer: EntityRef | None,
    forces_of: str | None,
    event_date: date | None,
    lex: EventLexicon,
    knowledge: Knowledge,
):
    """Participants and bases in the roles of the lexicon's 'roles' (the person who ordered, the office holder
    ordered, people present and informed, the venue and the bases retained), the place and the figures."""
    text, spans = article.text, article.sentences.spans
    statement_idx = {article.sentences.index(s.span.start) for s in group.statements}
    nearby = {j for i in statement_idx for j in (i - 1, i, i + 1) if 0 <= j < len(spans)}
    participants: dict[tuple[str, str], EventParticipant] = {}
    bases: dict[tuple[str, str], EventParticipant] = {}
    place, figures = None, {}
    # Office holders ('the defence minister') belong to the orderer's country, else the withdrawing one.
    office_country = (orderer.country if orderer else None) or forces_of

    def add(store, entity, role, span, confidence):  # the first evidence of an entity in a role stands
        evidence = Evidence(text[span.start : span.end], span.start, span.end, confidence)
        store.setdefault((entity.name, role), EventParticipant(entity, role, evidence))

    def holder(office: str) -> EntityRef | None:
        return _office_holder(knowledge, office, office_country, event_date)

    if orderer is not None:
        add(participants, orderer, "ordered_by", group.best.span, 0.9)
    for i, span in enumerate(spans):
        inside = article.by_sentence[i]
        has_term = i in terms
        if not (inside or has_term or i in statement_idx):
            continue
        sentence = article.sentence(i)
        people = [
            m
            for m in inside
            if m.entity.type == "person" and m.entity != orderer and not lex.speaker.match(text, m.end)
        ]
        base_mentions = [m for m in inside if m.entity.kind == "base"]
        in_event = i in nearby or has_term or bool(base_mentions)
        if i in statement_idx:
            for office in leftmost_longest(article.found(i, "office_phrases")):
                if ordered := holder(office.payload):
                    add(participants, ordered, "ordered_to", span, 0.7)
        informed = article.found(i, "roles.informed")
        if people and informed and (has_term or lex.order_noun.search(sentence)):
            cue_start = min(hit.start for hit in informed)
            for m in people:
                if m.start - span.start > cue_start:
                    add(participants, m.entity, "informed", span, 0.8)
        if in_event and article.found(i, "roles.present"):
            for m in people:
                if text[m.end : m.end + 2] != "'s":
                    add(participants, m.entity, "present", span, 0.7)
            for match in lex.ministers_met.finditer(sentence):
                for kind in filter(None, match.groups()):
                    if minister := holder(lex.minister_kinds[kind.lower()]):
                        add(participants, minister, "present", span, 0.6)
        if base_mentions:
            retained = article.found(i, "roles.retained")
            venue = (in_event or i < 3) and article.found(i, "roles.venue")
            for m in base_mentions:
                if retained:
                    add(bases, m.entity, "retained", span, 0.8)
                if venue:
                    add(bases, m.entity, "venue", span, 0.7)
                    place = place or m.entity.name
        if i in nearby or has_term:
            if place is None and i in statement_idx and (meeting := lex.meeting_place.search(sentence)):
                place = meeting.group(1)
            if has_term:
                for number, unit in lex.figures.findall(sentence):
                    value = _number(number, lex)
                    if value and unit.lower() not in figures:
                        figures[unit.lower()] = value
    return list(participants.values()), list(bases.values()), place, figures


def _number(token: str, lex: EventLexicon) -> int | None:
    token = token.lower().replace(",", "")
    return int(token) if token.isdigit() else lex.number_words.get(token)


def _office_holder(knowledge: Knowledge, role: str, country: str | None, on: date | None) -> EntityRef | None:
    """Who held ``role`` in ``country`` on that day; nobody when the country or the day is unknown (a discovered
    leader has no country, and any country's or any year's holder would be a guess)."""
    if on is None:
        return None
    stamp = on.isoformat()
    for office in knowledge.offices:
        held = (office.start or "") <= stamp and (office.end is None or stamp < office.end)
        if (office.role, office.country) == (role, country) and held:
            return knowledge.actors[office.actor]
    return None


def _title(orderer: EntityRef | None, forces_of: str | None, country: str | None, lex: EventLexicon) -> str:
    forces = f"{lex.geo.adjectives.get(forces_of, forces_of)} forces" if forces_of else "forces"
    where = f" from {country}" if country else ""
    if not lex.needs_cue:  # seen happening: nobody to name as its author ('Pull-out of Russian forces from Syria')
        return f"{lex.label[:1].upper()}{lex.label[1:]} of {forces}{where}"
    who = orderer.name if orderer else (forces_of or "Unknown actor")
    return f"{who} {lex.label} of {forces}{where}"
