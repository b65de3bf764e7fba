"""API models: what clients send and receive. Table models live in app/models.py.

Every field carries a description and, where it helps, an example drawn from the seed data; a test holds
the OpenAPI document to that.
"""

import datetime as dt
from typing import Generic, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

T = TypeVar("T")

ID = "Stable numeric id."


class Page(BaseModel, Generic[T]):
    """A page of a list. Follow `next` (an opaque cursor) until it is null to visit every row once."""

    model_config = ConfigDict(
        json_schema_extra={"description": "A page of a list: follow `next` until it is null to visit every row once."}
    )

    items: list[T] = Field(description="The rows of this page, in the requested order.")
    total: int = Field(
        description="Number of rows matching the filters, over all pages; a lower bound when `total_relation` is "
        "`gte`.",
        examples=[2],
    )
    total_relation: Literal["eq", "gte"] = Field(
        description="`eq`: `total` is exact. `gte`: at least `total` rows match, which happens only with a full-text "
        "query `q` matching more than 1,000 rows (then, sorted by relevance, the pages hold the 1,000 most recently "
        "added matches, best first). Lists without `q` always count exactly.",
        examples=["eq"],
    )
    next: str | None = Field(description="Cursor for the next page, or null on the last page.", examples=[None])


class EvidenceOut(BaseModel):
    """The sentence supporting a link, with character offsets into the article's clean text."""

    sentence: str = Field(
        description="The supporting sentence, exactly as it appears in the clean text.",
        examples=["Putin said the order for withdrawal should become effective on Tuesday."],
    )
    start: int = Field(description="Offset of the sentence's first character in the clean text.", examples=[412])
    end: int = Field(description="Offset just past the sentence's last character.", examples=[495])
    confidence: float = Field(ge=0, le=1, description="How sure the extractor is of the link (0 to 1).", examples=[0.9])
    article_id: int | None = Field(default=None, description="The article the sentence comes from.", examples=[1])


class ActorPublic(BaseModel):
    """A person, organisation, state or armed group."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description=ID, examples=[1])
    name: str = Field(description="Canonical name.", examples=["Vladimir Putin"])
    kind: str = Field(description="person, organisation, state or armed_group.", examples=["person"])
    title: str | None = Field(default=None, description="Title or role.", examples=["President of Russia"])
    country: str | None = Field(default=None, description="Country the actor belongs to.", examples=["Russia"])
    aliases: list[str] = Field(description="Other names and spellings.", examples=[["Putin"]])


class BasePublic(BaseModel):
    """A military base or facility."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description=ID, examples=[1])
    name: str = Field(description="Canonical name.", examples=["Hmeimim"])
    kind: str = Field(description="air_base, naval_facility, garrison.", examples=["air_base"])
    province: str | None = Field(default=None, description="Province or region.", examples=["Latakia"])
    country: str | None = Field(default=None, description="Country the base is in.", examples=["Syria"])
    latitude: float | None = Field(default=None, description="WGS 84 latitude.", examples=[35.4011])
    longitude: float | None = Field(default=None, description="WGS 84 longitude.", examples=[35.9486])
    aliases: list[str] = Field(description="Other spellings.", examples=[["Hmeymim", "Khmeimim"]])


DATE = "When the order was given, or the pull-out seen (see date_precision); null when no report dates it."
DATE_PRECISION = (
    "How precise `date` is: `day`; `month` (dated on the 1st); `year` (dated on 1 January); "
    "`none` (no report dates the event: `date` is null)."
)
DatePrecision = Literal["day", "month", "year", "none"]


class EventPublic(BaseModel):
    """An announced withdrawal order, or an observed pull-out (linked to the order it carries out when known)."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description=ID, examples=[1])
    type: str = Field(
        description="Event type from the lexicon: an order or decision, or an observed pull-out.",
        examples=["withdrawal_order"],
    )
    cameo_code: str | None = Field(
        description="CAMEO event code (0874: retreat or surrender militarily).", examples=["0874"]
    )
    title: str = Field(
        description="Generated title: who ordered whose forces out of where.",
        examples=["Vladimir Putin orders withdrawal of Russian forces from Syria"],
    )
    date: dt.date | None = Field(description=DATE, examples=["2016-03-14"])
    date_precision: DatePrecision = Field(description=DATE_PRECISION, examples=["day"])
    effective_date: dt.date | None = Field(description="When the order takes effect.", examples=["2016-03-15"])
    place: str | None = Field(description="Where the order was given.", examples=["Kremlin"])
    country: str | None = Field(description="The country the forces withdraw from.", examples=["Syria"])
    forces_of: str | None = Field(description="Whose forces withdraw.", examples=["Russia"])
    summary: str | None = Field(
        description="The sentence that best states the order.",
        examples=[
            "Russian President Vladimir Putin has ordered the withdrawal of the main part of Russian forces from Syria."
        ],
    )
    ordering_actor_id: int | None = Field(description="The actor who gave the order.", examples=[1])
    article_count: int = Field(description="Articles that report or mention the event.", examples=[5])
    source_count: int = Field(description="Distinct outlets among those articles.", examples=[5])
    month_day: str | None = Field(
        description="For an undated event (`date` null), the day and month its reports give without a year, as "
        "a partial ISO 8601 date `--MM-DD`; null otherwise.",
        examples=[None, "--03-14"],
    )
    carries_out_id: int | None = Field(
        description="For an observed pull-out: the id of the order it carries out, when known; null otherwise.",
        examples=[None],
    )


class ArticleEventLink(BaseModel):
    """An event as one article relates to it."""

    id: int = Field(description="Event id.", examples=[1])
    type: str = Field(description="Event type.", examples=["withdrawal_order"])
    title: str = Field(
        description="Event title.", examples=["Vladimir Putin orders withdrawal of Russian forces from Syria"]
    )
    date: dt.date | None = Field(description="Event date; null when no report dates it.", examples=["2016-03-14"])
    date_precision: DatePrecision = Field(description=DATE_PRECISION, examples=["day"])
    relation: Literal["reports", "mentions"] = Field(
        description="`reports`: the article is about the event; `mentions`: it recalls it in passing.",
        examples=["reports"],
    )
    evidence: EvidenceOut | None = Field(
        default=None, description="The sentence linking article and event (detail view)."
    )


class ArticlePublic(BaseModel):
    """A news article and the events it reports or mentions."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description=ID, examples=[1])
    title: str = Field(
        description="Headline.", examples=["Putin orders Russian troops to start withdrawing from Syria"]
    )
    outlet: str | None = Field(description="Publishing outlet.", examples=["CBC News"])
    url: str | None = Field(description="Canonical URL, when known.", examples=[None])
    published_at: dt.date | None = Field(description="Publication date.", examples=["2016-03-14"])
    language: str = Field(description="ISO 639-1 language code.", examples=["en"])
    source: str | None = Field(description="Where the article came from (file or 'api').", examples=["seeds/001.txt"])
    extractor_version: str = Field(
        description="Version of the pipeline that normalised it.", examples=["0.1.0+1a2b3c4d"]
    )
    events: list[ArticleEventLink] = Field(description="Events the article reports or mentions.")
    snippet: str | None = Field(
        default=None,
        description="With `q`: a passage around the matching words, HTML-escaped, matches wrapped in `<mark>`.",
        examples=["Russian President Vladimir <mark>Putin</mark> has ordered ..."],
    )


class LinkedActor(ActorPublic):
    """An actor as linked to an event (with a role) or an article (with a mention count)."""

    role: str | None = Field(default=None, description="Role in the event (ordered_by, ordered_to, present, informed).")
    mentions: int | None = Field(default=None, description="Times the article names the actor.")
    evidence: EvidenceOut | None = Field(default=None, description="The sentence supporting the link.")


class LinkedBase(BasePublic):
    """A base as linked to an event (with a role) or an article (with a mention count)."""

    role: str | None = Field(default=None, description="Role in the event (venue, retained).")
    mentions: int | None = Field(default=None, description="Times the article names the base.")
    evidence: EvidenceOut | None = Field(default=None, description="The sentence supporting the link.")


class EventArticleLink(BaseModel):
    """An article as it relates to one event."""

    id: int = Field(description="Article id.", examples=[1])
    title: str = Field(
        description="Headline.", examples=["Putin orders Russian troops to start withdrawing from Syria"]
    )
    outlet: str | None = Field(description="Publishing outlet.", examples=["CBC News"])
    url: str | None = Field(description="Canonical URL, when known.", examples=[None])
    published_at: dt.date | None = Field(description="Publication date.", examples=["2016-03-14"])
    relation: Literal["reports", "mentions"] = Field(description="reports or mentions.", examples=["reports"])
    evidence: EvidenceOut | None = Field(default=None, description="The sentence linking article and event.")


class RelatedEvent(BaseModel):
    """An event as another one refers to it (an order and the pull-outs that carry it out)."""

    id: int = Field(description="Event id.", examples=[3])
    type: str = Field(description="Event type.", examples=["withdrawal"])
    title: str = Field(description="Event title.", examples=["Russian forces begin withdrawing from Syria"])
    date: dt.date | None = Field(description="Event date; null when no report dates it.", examples=["2016-03-15"])
    date_precision: DatePrecision = Field(description=DATE_PRECISION, examples=["day"])


class EventDetail(EventPublic):
    """An event with its figures, articles, actors and bases, each link with evidence."""

    figures: dict[str, int] = Field(description="Figures stated with the order.", examples=[{"warplanes": 23}])
    ordering_actor: ActorPublic | None = Field(default=None, description="The actor who gave the order.")
    carried_out_by: list[RelatedEvent] = Field(
        description="The observed pull-outs that carry out this order (their `carries_out_id` is its id), oldest "
        "first, undated last."
    )
    articles: list[EventArticleLink] = Field(description="Articles reporting or mentioning the event, oldest first.")
    actors: list[LinkedActor] = Field(description="Participants with their roles.")
    bases: list[LinkedBase] = Field(description="Bases with their roles.")


class ArticleDetail(ArticlePublic):
    """An article with its clean text and every extracted link with evidence offsets."""

    clean_text: str = Field(description="The normalised text every evidence offset points into.")
    actors: list[LinkedActor] = Field(description="Actors the article names, in order of first mention.")
    bases: list[LinkedBase] = Field(description="Bases the article names, in order of first mention.")


class LinkedEvent(BaseModel):
    """An event as one actor or base takes part in it."""

    id: int = Field(description="Event id.", examples=[1])
    title: str = Field(
        description="Event title.", examples=["Vladimir Putin orders withdrawal of Russian forces from Syria"]
    )
    date: dt.date | None = Field(description="Event date; null when no report dates it.", examples=["2016-03-14"])
    date_precision: DatePrecision = Field(description=DATE_PRECISION, examples=["day"])
    role: str | None = Field(
        default=None, description="The actor's or base's role in the event.", examples=["ordered_by"]
    )


class ActorDetail(ActorPublic):
    """An actor with the events it took part in."""

    origin: str = Field(description="gazetteer (curated) or discovered (found in an article).", examples=["gazetteer"])
    article_count: int = Field(description="Articles that name the actor.", examples=[5])
    events: list[LinkedEvent] = Field(description="Events the actor took part in, oldest first, undated last.")


class BaseDetail(BasePublic):
    """A base with the events it figures in."""

    article_count: int = Field(description="Articles that name the base.", examples=[5])
    events: list[LinkedEvent] = Field(description="Events at or about the base, oldest first, undated last.")


class Health(BaseModel):
    """Service status."""

    status: Literal["ok"] = Field(default="ok", description="Always `ok` when the service answers.")
    database: str = Field(description="Database backend.", examples=["sqlite"])
    articles: int = Field(description="Articles stored.", examples=[5])
    events: int = Field(description="Events stored.", examples=[2])
    version: str = Field(description="Service version.", examples=["0.1.0"])


_LANGUAGE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"


def _check_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value.strip()):
        raise ValueError("url must be an absolute http or https URL")
    return value.strip()


def _no_nul(value):
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL (\\u0000) characters")
    return value


class _Checked(BaseModel):
    """Checks shared by the write bodies: urls are absolute http(s), and no text holds a NUL character."""

    @field_validator("url", check_fields=False)
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return _check_url(value)

    @field_validator("*")
    @classmethod
    def _nul(cls, value):
        return _no_nul(value)


class ArticleCreate(_Checked):
    """An article to ingest: exactly one of `text` and `html`, plus any metadata the source knows.

    Metadata given here wins over what the pipeline reads in the text."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "MOSCOW, March 14 (Reuters) - President Vladimir Putin ordered the main part of Russia's "
                    "military contingent in Syria to start withdrawing from Tuesday...",
                    "title": "Putin orders main part of Russian forces out of Syria",
                    "url": "https://example.org/2016/03/14/putin-syria",
                    "outlet": "Reuters",
                    "published_at": "2016-03-14",
                    "language": "en",
                }
            ]
        },
    )

    text: str | None = Field(default=None, description="Plain article text (give this or `html`).")
    html: str | None = Field(default=None, description="The article's HTML page (give this or `text`).")
    title: str | None = Field(default=None, max_length=1000, description="Headline, if known.")
    url: str | None = Field(default=None, max_length=2048, description="Absolute http(s) URL, if known.")
    outlet: str | None = Field(default=None, max_length=200, description="Publishing outlet, if known.")
    published_at: dt.date | None = Field(default=None, description="Publication date (ISO 8601), if known.")
    language: str | None = Field(
        default=None, max_length=16, pattern=_LANGUAGE, description="ISO 639 language code, if known."
    )

    @model_validator(mode="after")
    def _one_body(self) -> "ArticleCreate":
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' and 'html'")
        body = self.text if self.text is not None else self.html
        if not body or not body.strip():
            raise ValueError("the article body is empty")
        return self


class ArticlePatch(_Checked):
    """Corrections to an article's metadata; the article is then re-read and re-linked with them."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"published_at": "2016-03-14"}]})

    title: str | None = Field(default=None, min_length=1, max_length=1000, description="Headline.")
    url: str | None = Field(default=None, max_length=2048, description="Absolute http(s) URL; null to clear.")
    outlet: str | None = Field(default=None, min_length=1, max_length=200, description="Publishing outlet.")
    published_at: dt.date | None = Field(default=None, description="Publication date; null to clear.")

    @model_validator(mode="after")
    def _something(self) -> "ArticlePatch":
        if not self.model_fields_set:
            raise ValueError("give at least one of title, url, outlet, published_at")
        for name in ("title", "outlet"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self
