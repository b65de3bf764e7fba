"""Plain data passed between the pipeline stages: frozen dataclasses in, dataclasses out."""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class RawArticle:
    """One article as it arrives: text or HTML, plus whatever metadata the source gave."""

    text: str | None = None
    html: str | None = None
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published_at: date | None = None
    language: str | None = None
    source: str | None = None

    @property
    def raw(self) -> str:
        return self.html if self.html is not None else (self.text or "")

    @property
    def raw_format(self) -> str:
        return "html" if self.html is not None else "text"


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class CleanDocument:
    """Clean text (paragraphs joined by blank lines) and what cleaning saw on the way."""

    text: str
    paragraphs: tuple[Span, ...]
    header_lines: tuple[str, ...]
    html_title: str | None = None
    html_date: date | None = None
    html_outlet: str | None = None
    dropped: tuple[str, ...] = ()


@dataclass(frozen=True)
class Metadata:
    title: str
    outlet: str | None
    published_at: date | None
    language: str
    url: str | None
    reference_date: date | None = None  # what 'today' or 'on Monday' mean: the dateline's date, else publication
    reference_month_day: str | None = None  # '--MM-DD' of a dateline without a year, when nothing gives the year


@dataclass(frozen=True)
class Evidence:
    sentence: str
    start: int
    end: int
    confidence: float = 1.0


@dataclass(frozen=True)
class EntityRef:
    """A canonical actor or base: the gazetteer's record, or a person discovered in the text."""

    kind: str
    name: str
    type: str
    title: str | None = None
    country: str | None = None
    aliases: tuple[str, ...] = ()
    province: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    origin: str = "gazetteer"


@dataclass(frozen=True)
class Mention:
    entity: EntityRef
    start: int
    end: int
    surface: str


@dataclass(frozen=True)
class EntityLink:
    entity: EntityRef
    mentions: int
    evidence: Evidence


@dataclass(frozen=True)
class EventParticipant:
    entity: EntityRef
    role: str
    evidence: Evidence


@dataclass
class ExtractedEvent:
    type: str
    cameo_code: str
    relation: str
    date: date | None  # None when nothing dates the order (date_precision "none")
    date_precision: str
    effective_date: date | None
    country: str | None
    forces_of: str | None
    place: str | None
    title: str
    summary: str
    orderer: EntityRef | None
    evidence: Evidence
    actors: list[EventParticipant] = field(default_factory=list)
    bases: list[EventParticipant] = field(default_factory=list)
    figures: dict[str, int] = field(default_factory=dict)
    month_day: str | None = None  # '--MM-DD' when the reports give a day and month but nothing gives the year
    weekday: int | None = None  # 0 (Monday) to 6 when an undated report gives only the weekday ('said Tuesday')
    date_stated: bool = True  # False when the date is the report's own date, for want of one in the text
    carries_out: str | None = None  # for a pull-out: the type of the order it carries out


@dataclass
class Extraction:
    """Everything the pure stages found in one article; the persistence step writes it."""

    raw: RawArticle
    clean: CleanDocument
    metadata: Metadata
    content_hash: str
    actors: list[EntityLink]
    bases: list[EntityLink]
    events: list[ExtractedEvent]
    extractor_version: str
