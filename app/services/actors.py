"""Actor and base queries: the two gazetteer-backed resources share one shape."""

from sqlalchemy import func, select
from sqlmodel import Session

from app.errors import NotFound
from app.models import Actor, ArticleActor, ArticleBase, Event, EventActor, EventBase, MilitaryBase
from app.schemas import ActorDetail, ActorPublic, BaseDetail, BasePublic, LinkedEvent, Page
from app.services.pagination import SortKey, Window, paginate


def list_actors(*, session: Session, kind: list[str], window: Window) -> Page[ActorPublic]:
    query = select(Actor)
    if kind:
        query = query.where(Actor.kind.in_(kind))
    rows, total, next_cursor = paginate(session, query, [SortKey(Actor.name), SortKey(Actor.id)], window)
    return Page[ActorPublic](items=[ActorPublic.model_validate(r) for r in rows], total=total, next=next_cursor)


def list_bases(*, session: Session, kind: list[str], window: Window) -> Page[BasePublic]:
    query = select(MilitaryBase)
    if kind:
        query = query.where(MilitaryBase.kind.in_(kind))
    rows, total, next_cursor = paginate(session, query, [SortKey(MilitaryBase.name), SortKey(MilitaryBase.id)], window)
    return Page[BasePublic](items=[BasePublic.model_validate(r) for r in rows], total=total, next=next_cursor)


def _linked_events(session: Session, link_model, column, entity_id: int) -> list[LinkedEvent]:
    rows = session.execute(
        select(Event.id, Event.title, Event.date, Event.date_precision, link_model.role)
        .join(link_model, link_model.event_id == Event.id)
        .where(column == entity_id)
        .distinct()
        .order_by(Event.date, Event.id, link_model.role)
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
