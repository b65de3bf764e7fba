"""API models: what clients send and receive. Table models live in app/models.py."""

import datetime as dt
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of a list. Follow `next` (an opaque cursor) until it is null to visit every row once."""

    items: list[T]
    total: int = Field(description="Number of rows matching the filters, over all pages.", examples=[2])
    next: str | None = Field(description="Cursor for the next page, or null on the last page.", examples=[None])


class EvidenceOut(BaseModel):
    """The sentence supporting a link, with character offsets into the article's clean text."""

    sentence: str = Field(examples=["Putin said the order for withdrawal should become effective on Tuesday."])
    start: int = Field(description="Offset of the sentence's first character in the clean text.", examples=[412])
    end: int = Field(description="Offset just past the sentence's last character.", examples=[495])
    confidence: float = Field(ge=0, le=1, examples=[0.9])
    article_id: int | None = Field(default=None, description="The article the sentence comes from.")


class ActorPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(examples=[1])
    name: str = Field(description="Canonical name.", examples=["Vladimir Putin"])
    kind: str = Field(description="person, organisation, state or armed_group.", examples=["person"])
    title: str | None = Field(default=None, description="Title or role.", examples=["President of Russia"])
    country: str | None = Field(default=None, examples=["Russia"])
    aliases: list[str] = Field(description="Other names and spellings.", examples=[["Putin"]])


class BasePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(examples=[1])
    name: str = Field(description="Canonical name.", examples=["Hmeimim"])
    kind: str = Field(description="air_base, naval_facility, garrison.", examples=["air_base"])
    province: str | None = Field(default=None, examples=["Latakia"])
    country: str | None = Field(default=None, examples=["Syria"])
    latitude: float | None = Field(default=None, examples=[35.4011])
    longitude: float | None = Field(default=None, examples=[35.9486])
    aliases: list[str] = Field(description="Other spellings.", examples=[["Hmeymim", "Khmeimim"]])


class EventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(examples=[1])
    type: str = Field(description="Event type from the lexicon.", examples=["withdrawal_order"])
    cameo_code: str | None = Field(description="CAMEO event code.", examples=["0874"])
    title: str = Field(examples=["Vladimir Putin orders withdrawal of Russian forces from Syria"])
    date: dt.date = Field(description="When the order was given (see date_precision).", examples=["2016-03-14"])
    date_precision: Literal["day", "month", "year"] = Field(examples=["day"])
    effective_date: dt.date | None = Field(description="When the order takes effect.", examples=["2016-03-15"])
    place: str | None = Field(description="Where the order was given.", examples=["Kremlin"])
    country: str | None = Field(description="The country the forces withdraw from.", examples=["Syria"])
    forces_of: str | None = Field(description="Whose forces withdraw.", examples=["Russia"])
    summary: str | None = Field(description="The sentence that best states the order.")
    ordering_actor_id: int | None = Field(description="The actor who gave the order.", examples=[1])
    article_count: int = Field(description="Articles that report or mention the event.", examples=[5])
    source_count: int = Field(description="Distinct outlets among those articles.", examples=[5])


class ArticleEventLink(BaseModel):
    id: int = Field(description="Event id.", examples=[1])
    type: str = Field(examples=["withdrawal_order"])
    title: str
    date: dt.date = Field(examples=["2016-03-14"])
    date_precision: str = Field(examples=["day"])
    relation: Literal["reports", "mentions"] = Field(examples=["reports"])
    evidence: EvidenceOut | None = None


class ArticlePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(examples=[1])
    title: str = Field(examples=["Putin orders Russian troops to start withdrawing from Syria"])
    outlet: str | None = Field(examples=["CBC News"])
    url: str | None = Field(examples=[None])
    published_at: dt.date | None = Field(description="Publication date.", examples=["2016-03-14"])
    language: str = Field(examples=["en"])
    source: str | None = Field(description="Where the article came from (file or 'api').", examples=["seeds/001.txt"])
    extractor_version: str = Field(examples=["0.1.0+1a2b3c4d"])
    events: list[ArticleEventLink] = Field(description="Events the article reports or mentions.")
    snippet: str | None = Field(
        default=None,
        description="With `q`: a passage around the matching words, HTML-escaped, matches wrapped in `<mark>`.",
        examples=["Russian President Vladimir <mark>Putin</mark> has ordered ..."],
    )


class LinkedActor(ActorPublic):
    role: str | None = Field(default=None, description="Role in the event (ordered_by, ordered_to, present, informed).")
    mentions: int | None = Field(default=None, description="Times the article names the actor.")
    evidence: EvidenceOut | None = None


class LinkedBase(BasePublic):
    role: str | None = Field(default=None, description="Role in the event (venue, retained).")
    mentions: int | None = Field(default=None, description="Times the article names the base.")
    evidence: EvidenceOut | None = None


class EventArticleLink(BaseModel):
    id: int
    title: str
    outlet: str | None
    url: str | None
    published_at: dt.date | None
    relation: Literal["reports", "mentions"]
    evidence: EvidenceOut | None = None


class EventDetail(EventPublic):
    figures: dict[str, int] = Field(description="Figures stated with the order.", examples=[{"warplanes": 23}])
    ordering_actor: ActorPublic | None = None
    articles: list[EventArticleLink]
    actors: list[LinkedActor]
    bases: list[LinkedBase]


class ArticleDetail(ArticlePublic):
    clean_text: str = Field(description="The normalised text every evidence offset points into.")
    actors: list[LinkedActor]
    bases: list[LinkedBase]


class LinkedEvent(BaseModel):
    id: int
    title: str
    date: dt.date
    date_precision: str
    role: str | None = None


class ActorDetail(ActorPublic):
    origin: str = Field(description="gazetteer (curated) or discovered (found in an article).", examples=["gazetteer"])
    article_count: int = Field(description="Articles that name the actor.")
    events: list[LinkedEvent]


class BaseDetail(BasePublic):
    article_count: int = Field(description="Articles that name the base.")
    events: list[LinkedEvent]


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    database: str = Field(examples=["sqlite"])
    articles: int
    events: int
    version: str


class ArticleCreate(BaseModel):
    """An article to ingest: exactly one of `text` and `html`, plus any metadata the source knows."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, description="Plain article text.")
    html: str | None = Field(default=None, description="The article's HTML page.")
    title: str | None = Field(default=None, max_length=1000)
    url: str | None = Field(default=None, max_length=2048)
    outlet: str | None = Field(default=None, max_length=200)
    published_at: dt.date | None = Field(default=None, description="Publication date (ISO 8601).")
    language: str | None = Field(default=None, max_length=16)

    @model_validator(mode="after")
    def _one_body(self) -> "ArticleCreate":
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' and 'html'")
        body = self.text if self.text is not None else self.html
        if not body or not body.strip():
            raise ValueError("the article body is empty")
        return self
