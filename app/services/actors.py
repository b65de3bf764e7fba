"""Actor and base queries: the two gazetteer-backed resources share one shape."""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlmodel import Session

from app.errors import InvalidParameter, NotFound
from app.ingest.text import lookup_key
from app.models import (
    Actor,
    ActorAlias,
    ArticleActor,
    ArticleBase,
    BaseAlias,
    Event,
    EventActor,
    EventBase,
    MilitaryBase,
)
from app.schemas import ActorDetail, ActorPublic, BaseDetail, BasePublic, LinkedEvent
from app.services.listing import Listing, folded, listed_columns, row_builder
from app.services.pagination import Paged, SortKey


@dataclass(frozen=True)
class ActorFilters:
    q: str | None = None
    kind: list[str] = field(default_factory=list)
    event: list[int] = field(default_factory=list)
    article: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class BaseFilters:
    q: str | None = None
    kind: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    event: list[int] = field(default_factory=list)


def _by_name(model) -> dict[str, list[SortKey]]:
    return {
        "name": [SortKey(model.name), SortKey(model.id)],
        "-name": [SortKey(model.name, descending=True), SortKey(model.id, descending=True)],
    }


ACTOR_SORTS, BASE_SORTS = _by_name(Actor), _by_name(MilitaryBase)
DEFAULT_SORT = "name"


def _prefix(alias_column, q: str):
    """Ids whose name or any alias starts with ``q`` (compared as lookup keys: no case, accents, punctuation)."""
    key = lookup_key(q)
    if not key:
        raise InvalidParameter("q needs at least one letter or digit.")
    return select(alias_column).where(alias_column.table.c.key.startswith(key, autoescape=True))


def actors_listing(_session: Session, filters: ActorFilters, sort: str | None = None) -> Listing:
    query = select(*listed_columns(Actor, ActorPublic))
    if filters.q:
        query = query.where(Actor.id.in_(_prefix(ActorAlias.actor_id, filters.q)))
    if filters.kind:
        query = query.where(Actor.kind.in_(filters.kind))
    for event_id in filters.event:
        query = query.where(Actor.id.in_(select(EventActor.actor_id).where(EventActor.event_id == event_id)))
    for article_id in filters.article:
        query = query.where(Actor.id.in_(select(ArticleActor.actor_id).where(ArticleActor.article_id == article_id)))
    sort = sort or DEFAULT_SORT
    return Listing(paged=Paged(query, ACTOR_SORTS[sort]), params={}, sort_name=sort, build=row_builder(ActorPublic))


def bases_listing(_session: Session, filters: BaseFilters, sort: str | None = None) -> Listing:
    query = select(*listed_columns(MilitaryBase, BasePublic))
    if filters.q:
        query = query.where(MilitaryBase.id.in_(_prefix(BaseAlias.base_id, filters.q)))
    if filters.kind:
        query = query.where(MilitaryBase.kind.in_(filters.kind))
    if filters.country:
        query = query.where(func.lower(MilitaryBase.country).in_(folded(filters.country)))
    for event_id in filters.event:
        query = query.where(MilitaryBase.id.in_(select(EventBase.base_id).where(EventBase.event_id == event_id)))
    sort = sort or DEFAULT_SORT
    return Listing(paged=Paged(query, BASE_SORTS[sort]), params={}, sort_name=sort, build=row_builder(BasePublic))


def _linked_events(session: Session, link_model, column, entity_id: int) -> list[LinkedEvent]:
    rows = session.execute(
        select(Event.id, Event.title, Event.date, Event.date_precision, link_model.role)
        .join(link_model, link_model.event_id == Event.id)
        .where(column == entity_id)
        .distinct()
        .order_by(Event.date.asc().nulls_last(), Event.id, link_model.role)
    ).all()
    return [LinkedEvent(id=i, title=t, date=d, date_precision=p, role=r) for i, t, d, p, r in rows]


def get_actor(*, session: Session, actor_id: int) -> ActorDetail:
    actor = session.get(Actor, actor_id)
    if actor is None:
        raise NotFound(f"Actor {actor_id} not found.")
    count = session.execute(select(func.count()).where(ArticleActor.actor_id == actor_id)).scalar_one()
    return ActorDetail(
        **ActorPublic.model_validate(actor).model_dump(),
        origin=actor.origin,
        article_count=count,
        events=_linked_events(session, EventActor, EventActor.actor_id, actor_id),
    )


def get_base(*, session: Session, base_id: int) -> BaseDetail:
    base = session.get(MilitaryBase, base_id)
    if base is None:
        raise NotFound(f"Base {base_id} not found.")
    count = session.execute(select(func.count()).where(ArticleBase.base_id == base_id)).scalar_one()
    return BaseDetail(
        **BasePublic.model_validate(base).model_dump(),
        article_count=count,
        events=_linked_events(session, EventBase, EventBase.base_id, base_id),
    )
