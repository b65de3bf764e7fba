"""Event queries."""

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
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
    Page,
)
from app.services.evidence import evidence_of, linked_rows
from app.services.lookup import actor_ids, base_ids
from app.services.pagination import SortKey, Window, paginate


@dataclass(frozen=True)
class EventFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor: list[str] = field(default_factory=list)
    base: list[str] = field(default_factory=list)


SORT = [SortKey(Event.date, descending=True), SortKey(Event.id, descending=True)]


def list_events(*, session: Session, filters: EventFilters, window: Window) -> Page[EventPublic]:
    query = select(Event)
    if filters.date_from:
        query = query.where(Event.date >= filters.date_from)
    if filters.date_to:
        query = query.where(Event.date <= filters.date_to)
    for value in filters.actor:
        query = query.where(Event.id.in_(select(EventActor.event_id).where(EventActor.actor_id.in_(actor_ids(value)))))
    for value in filters.base:
        query = query.where(Event.id.in_(select(EventBase.event_id).where(EventBase.base_id.in_(base_ids(value)))))
    rows, total, next_cursor = paginate(session, query, SORT, window)
    return Page[EventPublic](items=[EventPublic.model_validate(r) for r in rows], total=total, next=next_cursor)


def get_event(*, session: Session, event_id: int) -> EventDetail:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"Event {event_id} not found.")
    articles = session.execute(
        select(Article, ArticleEvent)
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
