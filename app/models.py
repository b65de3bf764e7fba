"""Table models. The Alembic migrations in ``migrations/`` are the only source of the schema."""

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, Text, UniqueConstraint, text
from sqlalchemy import true as sa_true
from sqlmodel import Field, SQLModel

# Stable constraint names, so migrations read the same on SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Timestamped(SQLModel):
    created_at: dt.datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: dt.datetime = Field(default_factory=utcnow, nullable=False)


class Evidence(SQLModel):
    """The sentence that supports a link, with character offsets into the article's clean text."""

    evidence_sentence: str = Field(default="", sa_type=Text, nullable=False)
    evidence_start: int = Field(default=0, nullable=False)
    evidence_end: int = Field(default=0, nullable=False)
    confidence: float = Field(default=1.0, nullable=False)
    extractor_version: str = Field(default="", max_length=32, nullable=False)


def _fk(target: str, ondelete: str = "CASCADE") -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), primary_key=True)


class Article(Timestamped, table=True):
    __tablename__ = "article"
    __table_args__ = (
        Index("ix_article_published_id", "published_at", "id"),
        Index("ix_article_updated_at", "updated_at"),
        Index("ix_article_language", "language"),
        Index("ix_article_outlet_published", text("lower(outlet)"), "published_at", "id"),  # the outlet filter
    )

    id: int | None = Field(default=None, primary_key=True)
    url: str | None = Field(default=None, max_length=2048, unique=True)
    title: str = Field(default="", max_length=1000)
    outlet: str | None = Field(default=None, max_length=200, index=True)
    published_at: dt.date | None = Field(default=None)
    language: str = Field(default="en", max_length=16)
    source: str | None = Field(default=None, max_length=1000)
    raw_format: str = Field(default="text", max_length=8)
    raw_text: str = Field(sa_type=Text)
    clean_text: str = Field(sa_type=Text)
    content_hash: str = Field(max_length=64, unique=True)
    extractor_version: str = Field(max_length=32)
    given: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Actor(Timestamped, table=True):
    __tablename__ = "actor"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300, unique=True)
    kind: str = Field(max_length=32, index=True)
    title: str | None = Field(default=None, max_length=300)
    country: str | None = Field(default=None, max_length=100)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    origin: str = Field(default="gazetteer", max_length=32)


class MilitaryBase(Timestamped, table=True):
    __tablename__ = "base"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300, unique=True)
    kind: str = Field(max_length=32, index=True)
    province: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, max_length=100, index=True)
    latitude: float | None = None
    longitude: float | None = None
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class ActorAlias(SQLModel, table=True):
    """Normalised lookup keys (case-, accent- and punctuation-free) for an actor's names."""

    __tablename__ = "actor_alias"
    __table_args__ = (UniqueConstraint("actor_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int = Field(sa_column=Column(Integer, ForeignKey("actor.id", ondelete="CASCADE"), nullable=False))
    key: str = Field(max_length=300, index=True)


class BaseAlias(SQLModel, table=True):
    __tablename__ = "base_alias"
    __table_args__ = (UniqueConstraint("base_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    base_id: int = Field(sa_column=Column(Integer, ForeignKey("base.id", ondelete="CASCADE"), nullable=False))
    key: str = Field(max_length=300, index=True)


class Event(Timestamped, table=True):
    """A withdrawal order, or an observed pull-out (``carries_out_id``: the order it carries out, when known).

    ``date`` is NULL exactly when ``date_precision`` is ``none``: no report dates the event. An undated event's
    ``month_day`` (``--MM-DD``) keeps the day and month that reports give without a year, and its ``weekday``
    (0 Monday to 6) the weekday they give without a week ('said Tuesday'), so that a later report can be matched
    by them."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_date_id", "date", "id"),
        Index("ix_event_updated_at", "updated_at"),
        Index("ix_event_article_count", "article_count", "id"),
        Index("ix_event_forces_country", "forces_of", "country"),  # the ingest's event matching reads by both
        CheckConstraint("date_precision IN ('day', 'month', 'year', 'none')", name="date_precision"),
        CheckConstraint("(date IS NULL) = (date_precision = 'none')", name="undated"),
        CheckConstraint(
            "month_day IS NULL OR (date IS NULL AND length(month_day) = 7 AND month_day LIKE '--__-__')",
            name="month_day",
        ),
        CheckConstraint("carries_out_id <> id", name="carries_out_other"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, unique=True)
    type: str = Field(max_length=64, index=True)
    cameo_code: str | None = Field(default=None, max_length=8, index=True)
    title: str = Field(max_length=500)
    date: dt.date | None = Field(default=None)
    date_precision: str = Field(default="day", max_length=8)
    month_day: str | None = Field(default=None, max_length=7)
    weekday: int | None = Field(default=None)  # of an undated event only
    # False when the date is a report's publication date, for want of a date in the text: a report that states
    # the day refines it.
    date_stated: bool = Field(default=True, sa_column_kwargs={"server_default": sa_true()})
    effective_date: dt.date | None = None
    place: str | None = Field(default=None, max_length=300)
    country: str | None = Field(default=None, max_length=100, index=True)
    forces_of: str | None = Field(default=None, max_length=100, index=True)
    summary: str | None = Field(default=None, sa_type=Text)
    ordering_actor_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("actor.id", ondelete="SET NULL"), index=True)
    )
    figures: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    article_count: int = Field(default=0)
    source_count: int = Field(default=0)
    carries_out_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("event.id", ondelete="SET NULL"), index=True)
    )


class ArticleEvent(Evidence, table=True):
    __tablename__ = "article_event"
    __table_args__ = (Index("ix_article_event_event", "event_id", "article_id"),)

    article_id: int = Field(sa_column=_fk("article.id"))
    event_id: int = Field(sa_column=_fk("event.id"))
    relation: str = Field(max_length=16)


class ArticleActor(Evidence, table=True):
    __tablename__ = "article_actor"
    __table_args__ = (Index("ix_article_actor_actor", "actor_id", "article_id"),)

    article_id: int = Field(sa_column=_fk("article.id"))
    actor_id: int = Field(sa_column=_fk("actor.id"))
    mentions: int = Field(default=1)


class ArticleBase(Evidence, table=True):
    __tablename__ = "article_base"
    __table_args__ = (Index("ix_article_base_base", "base_id", "article_id"),)

    article_id: int = Field(sa_column=_fk("article.id"))
    base_id: int = Field(sa_column=_fk("base.id"))
    mentions: int = Field(default=1)


class EventActor(Evidence, table=True):
    """An actor's role in an event, as one article supports it (one row per article, so nothing is lost)."""

    __tablename__ = "event_actor"
    __table_args__ = (
        Index("ix_event_actor_actor", "actor_id", "event_id"),
        Index("ix_event_actor_article", "article_id"),
    )

    event_id: int = Field(sa_column=_fk("event.id"))
    actor_id: int = Field(sa_column=_fk("actor.id"))
    role: str = Field(sa_column=Column("role", nullable=False, primary_key=True, type_=Text))
    article_id: int = Field(sa_column=_fk("article.id"))


class EventBase(Evidence, table=True):
    __tablename__ = "event_base"
    __table_args__ = (
        Index("ix_event_base_base", "base_id", "event_id"),
        Index("ix_event_base_article", "article_id"),
    )

    event_id: int = Field(sa_column=_fk("event.id"))
    base_id: int = Field(sa_column=_fk("base.id"))
    role: str = Field(sa_column=Column("role", nullable=False, primary_key=True, type_=Text))
    article_id: int = Field(sa_column=_fk("article.id"))


class IdempotencyKey(SQLModel, table=True):
    """A client's Idempotency-Key for POST /articles: the same key replays the first answer."""

    __tablename__ = "idempotency_key"

    key: str = Field(max_length=200, primary_key=True)
    request_hash: str = Field(max_length=64)
    article_id: int = Field(sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), nullable=False))
    status: int = Field(default=201)
    created_at: dt.datetime = Field(default_factory=utcnow, nullable=False)
