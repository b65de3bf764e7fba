"""Event queries."""

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Bundle, load_only
from sqlmodel import Session

from app.errors import NotFound
from app.models import Actor, Article, ArticleEvent, Event, EventActor, EventBase, MilitaryBase
from app.schemas import (
    ActorPublic,
    BasePublic,
    EventArticleLink,
    EventDetail,
    EventPublic,
    LinkedActor,
    LinkedBase,
)
from app.services import search
from app.services.evidence import evidence_of, linked_rows
from app.services.listing import Listing, any_of_ignoring_case, choose_sort, model_builder
from app.services.lookup import actor_ids, base_ids
from app.services.pagination import SortKey


@dataclass(frozen=True)
class EventFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    type: list[str] = field(default_factory=list)
    cameo_code: list[str] = field(default_factory=list)
    actor: list[str] = field(default_factory=list)
    base: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    forces_of: list[str] = field(default_factory=list)
    article: list[int] = field(default_factory=list)
    min_articles: int | None = None
    q: str | None = None
    updated_after: dt.datetime | None = None


SORTS = {
    "-date": [SortKey(Event.date, descending=True), SortKey(Event.id, descending=True)],
    "date": [SortKey(Event.date), SortKey(Event.id)],
    "-articles": [SortKey(Event.article_count, descending=True), SortKey(Event.id, descending=True)],
    "articles": [SortKey(Event.article_count), SortKey(Event.id)],
}
DEFAULT_SORT = "-date"
# The columns a list shows of an event, read as plain rows (no ORM instances to build).
LISTED = Bundle("event", *(getattr(Event, name) for name in EventPublic.model_fields))


def events_listing(session: Session, filters: EventFilters, sort: str | None = None) -> Listing[EventPublic]:
    sort = choose_sort(sort, filters.q, DEFAULT_SORT)
    query = select(LISTED)
    if filters.date_from:
        query = query.where(Event.date >= filters.date_from)
    if filters.date_to:
        query = query.where(Event.date <= filters.date_to)
    if filters.type:
        query = query.where(Event.type.in_(filters.type))
    if filters.cameo_code:
        query = query.where(Event.cameo_code.in_(filters.cameo_code))
    for value in filters.actor:
        query = query.where(Event.id.in_(select(EventActor.event_id).where(EventActor.actor_id.in_(actor_ids(value)))))
    for value in filters.base:
        query = query.where(Event.id.in_(select(EventBase.event_id).where(EventBase.base_id.in_(base_ids(value)))))
    if filters.country:
        query = query.where(any_of_ignoring_case(Event.country, filters.country))
    if filters.forces_of:
        query = query.where(any_of_ignoring_case(Event.forces_of, filters.forces_of))
    for article_id in filters.article:
        query = query.where(Event.id.in_(select(ArticleEvent.event_id).where(ArticleEvent.article_id == article_id)))
    if filters.min_articles is not None:
        query = query.where(Event.article_count >= filters.min_articles)
    if filters.updated_after:
        query = query.where(Event.updated_at > filters.updated_after)
    keys = SORTS.get(sort)
    if filters.q:
        query, ranked = search.restrict(session, query, "event", Event.id, filters.q, sort == "relevance")
        keys = ranked or keys
    return Listing(query=query, sort_name=sort, keys=keys, build=model_builder(EventPublic))


def with_article(filters: EventFilters, article_id: int) -> EventFilters:
    return replace(filters, article=[*filters.article, article_id])


def with_actor(filters: EventFilters, actor_id: int) -> EventFilters:
    return replace(filters, actor=[*filters.actor, str(actor_id)])


def with_base(filters: EventFilters, base_id: int) -> EventFilters:
    return replace(filters, base=[*filters.base, str(base_id)])


def get_event(*, session: Session, event_id: int) -> EventDetail:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"Event {event_id} not found.")
    articles = session.execute(
        select(Article, ArticleEvent)
        .options(
            load_only(Article.id, Article.title, Article.outlet, Article.url, Article.published_at, raiseload=True)
        )
        .join(ArticleEvent, ArticleEvent.article_id == Article.id)
        .where(ArticleEvent.event_id == event_id)
        .order_by(Article.published_at, Article.id)
    ).all()
    actors = linked_rows(
        session,
        Actor,
        EventActor.actor_id,
        EventActor.event_id == event_id,
        EventActor.confidence.desc(),
        EventActor.article_id,
    )
    bases = linked_rows(
        session,
        MilitaryBase,
        EventBase.base_id,
        EventBase.event_id == event_id,
        EventBase.confidence.desc(),
        EventBase.article_id,
    )
    orderer = session.get(Actor, event.ordering_actor_id) if event.ordering_actor_id else None
    return EventDetail(
        **EventPublic.model_validate(event).model_dump(),
        figures=event.figures or {},
        ordering_actor=ActorPublic.model_validate(orderer) if orderer else None,
        articles=[
            EventArticleLink(
                id=a.id,
                title=a.title,
                outlet=a.outlet,
                url=a.url,
                published_at=a.published_at,
                relation=link.relation,
                evidence=evidence_of(link, a.id),
            )
            for a, link in articles
        ],
        actors=_strongest(
            (LinkedActor(**ActorPublic.model_validate(a).model_dump(), role=link.role, evidence=evidence_of(link)))
            for a, link in actors
        ),
        bases=_strongest(
            (LinkedBase(**BasePublic.model_validate(b).model_dump(), role=link.role, evidence=evidence_of(link)))
            for b, link in bases
        ),
    )


def _strongest(links) -> list:
    """One entry per (entity, role): the best-supported one (rows arrive strongest first)."""
    seen, kept = set(), []
    for link in links:
        if (link.id, link.role) not in seen:
            seen.add((link.id, link.role))
            kept.append(link)
    return sorted(kept, key=lambda link: (link.role or "", link.name))
