"""Event queries, and the merge of two records of one real event."""

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import lru_cache

from sqlalchemy import Subquery, and_, bindparam, exists, func, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session

from app.db import read
from app.errors import InvalidParameter, NotFound
from app.models import Actor, Article, ArticleEvent, Event, EventActor, EventBase, MilitaryBase, utcnow
from app.schemas import ActorPublic, BasePublic, EventPublic, RelatedEvent
from app.services import search
from app.services.evidence import LinkedEntities, evidence, evidence_columns
from app.services.listing import (
    Bound,
    Item,
    Listing,
    Shape,
    any_of_ignoring_case,
    bind_shared,
    choose_sort,
    folded,
    given,
    listed_columns,
    narrow_shared,
    row_builder,
)
from app.services.pagination import Paged, SortKey
from app.services.persist import refresh_counts


@dataclass(frozen=True)
class EventFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    date_precision: list[str] = field(default_factory=list)
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


# Undated events come last in both date orders: a reader of a timeline looks for them after the dated ones.
SORTS = {
    "-date": [SortKey(Event.date, descending=True, nullable=True), SortKey(Event.id, descending=True)],
    "date": [SortKey(Event.date, nullable=True, nulls_last=True), SortKey(Event.id)],
    "-articles": [SortKey(Event.article_count, descending=True), SortKey(Event.id, descending=True)],
    "articles": [SortKey(Event.article_count), SortKey(Event.id)],
}
DEFAULT_SORT = "-date"
# The columns a list shows of an event, read as plain rows (no ORM instances to build).
LISTED = listed_columns(Event, EventPublic)
EVENT_FIELDS = tuple(EventPublic.model_fields)
ACTOR_FIELDS = tuple(ActorPublic.model_fields)
RELATED_FIELDS = tuple(RelatedEvent.model_fields)


def events_listing(session: Session, filters: EventFilters, sort: str | None = None) -> Listing:
    sort = choose_sort(sort, filters.q, DEFAULT_SORT)
    dialect = search.dialect_of(session)
    bound = Bound()
    bound.bind("date_from", filters.date_from)
    bound.bind("date_to", filters.date_to)
    bound.bind("date_precision", filters.date_precision)
    bound.bind("type", filters.type)
    bound.bind("cameo_code", filters.cameo_code)
    bound.bind("country", folded(filters.country))
    bound.bind("forces_of", folded(filters.forces_of))
    bound.each("article", filters.article)
    bound.bind("min_articles", filters.min_articles)
    bind_shared(bound, dialect, filters)
    paged = _events_query(tuple(bound.shape), sort, dialect)
    return Listing(paged=paged, params=bound.values, sort_name=sort, build=row_builder(EventPublic))


@lru_cache(maxsize=256)
def _events_query(shape: Shape, sort: str, dialect: str) -> Paged:
    """The filtered query of one shape of ``events_listing`` (see ``Bound``)."""
    names = dict(shape)
    query = select(*LISTED)
    if "date_from" in names:
        query = query.where(Event.date >= bindparam("date_from"))
    if "date_to" in names:
        query = query.where(Event.date <= bindparam("date_to"))
    if "date_precision" in names:
        query = query.where(Event.date_precision.in_(bindparam("date_precision", expanding=True)))
    if "type" in names:
        query = query.where(Event.type.in_(bindparam("type", expanding=True)))
    if "cameo_code" in names:
        query = query.where(Event.cameo_code.in_(bindparam("cameo_code", expanding=True)))
    if "country" in names:
        query = query.where(any_of_ignoring_case(Event.country, "country"))
    if "forces_of" in names:
        query = query.where(any_of_ignoring_case(Event.forces_of, "forces_of"))
    for name, _form in given(shape, "article_"):
        linked = select(ArticleEvent.event_id).where(ArticleEvent.article_id == bindparam(name))
        query = query.where(Event.id.in_(linked))
    if "min_articles" in names:
        query = query.where(Event.article_count >= bindparam("min_articles"))
    actor_link, base_link = (EventActor.event_id, EventActor.actor_id), (EventBase.event_id, EventBase.base_id)
    return narrow_shared(query, shape, dialect, Event, SORTS.get(sort), actor_link, base_link)


def with_article(filters: EventFilters, article_id: int) -> EventFilters:
    return replace(filters, article=[*filters.article, article_id])


def with_actor(filters: EventFilters, actor_id: int) -> EventFilters:
    return replace(filters, actor=[*filters.actor, str(actor_id)])


def with_base(filters: EventFilters, base_id: int) -> EventFilters:
    return replace(filters, base=[*filters.base, str(base_id)])


def _ranked_links(link, key: str) -> Subquery:
    """The links of one event (``bindparam("event_id")``) with their ``rank`` among the links of the same entity
    and role: 1 for the best supported (highest confidence, then the first article), the one an event shows (the
    others only repeat it)."""
    table = link.__table__
    rank = func.row_number().over(
        partition_by=(table.c[key], table.c.role), order_by=(table.c.confidence.desc(), table.c.article_id)
    )
    return select(table, rank.label("rank")).where(table.c.event_id == bindparam("event_id")).subquery()


# The statements of the detail view, built once (see LinkedEntities).
_ORDERER = aliased(Actor)
_DETAIL = (
    select(*LISTED, Event.figures, *listed_columns(_ORDERER, ActorPublic))
    .outerjoin(_ORDERER, _ORDERER.id == Event.ordering_actor_id)
    .where(Event.id == bindparam("event_id"))
)
_ARTICLES = (
    select(
        Article.id,
        Article.title,
        Article.outlet,
        Article.url,
        Article.published_at,
        ArticleEvent.relation,
        *evidence_columns(ArticleEvent),
    )
    .join(ArticleEvent, ArticleEvent.article_id == Article.id)
    .where(ArticleEvent.event_id == bindparam("event_id"))
    .order_by(Article.published_at, Article.id)
)
_CARRIED_OUT_BY = (
    select(Event.id, Event.type, Event.title, Event.date, Event.date_precision)
    .where(Event.carries_out_id == bindparam("event_id"))
    .order_by(Event.date.asc().nulls_last(), Event.id)
)
_RANKED_ACTORS, _RANKED_BASES = _ranked_links(EventActor, "actor_id"), _ranked_links(EventBase, "base_id")
_ACTORS = LinkedEntities(Actor, ActorPublic, _RANKED_ACTORS, "actor_id", _RANKED_ACTORS.c.rank == 1)
_BASES = LinkedEntities(MilitaryBase, BasePublic, _RANKED_BASES, "base_id", _RANKED_BASES.c.rank == 1)


def get_event(*, session: Session, event_id: int) -> Item:
    """The event as ``EventDetail`` shows it, read as plain rows (no ORM instances, no texts)."""
    found = read(session, _DETAIL, {"event_id": event_id}).first()
    if found is None:
        raise NotFound(f"Event {event_id} not found.")
    detail = dict(zip(EVENT_FIELDS, found[: len(EVENT_FIELDS)], strict=True))
    figures, *ordering_actor = found[len(EVENT_FIELDS) :]
    detail["figures"] = figures or {}
    detail["ordering_actor"] = dict(zip(ACTOR_FIELDS, ordering_actor, strict=True)) if ordering_actor[0] else None
    detail["carried_out_by"] = [
        dict(zip(RELATED_FIELDS, row, strict=True))
        for row in read(session, _CARRIED_OUT_BY, {"event_id": event_id}).all()
    ]
    detail["articles"] = [
        {
            "id": article_id,
            "title": title,
            "outlet": outlet,
            "url": url,
            "published_at": published_at,
            "relation": relation,
            "evidence": evidence(*link, article_id),
        }
        for article_id, title, outlet, url, published_at, relation, *link in read(
            session, _ARTICLES, {"event_id": event_id}
        ).all()
    ]
    detail["actors"] = _by_role(_ACTORS(session, event_id=event_id))
    detail["bases"] = _by_role(_BASES(session, event_id=event_id))
    return detail


def _by_role(links: list[Item]) -> list[Item]:
    return sorted(links, key=lambda link: (link["role"] or "", link["name"]))


# A finer precision wins when two records of one event are merged.
_PRECISION_RANK = {"day": 0, "month": 1, "year": 2, "none": 3}
# The fields the kept event of a merge fills from the other when its own are empty.
_FILLED = ("cameo_code", "effective_date", "place", "country", "forces_of", "summary")
# Each link table of events, with the columns that (beside event_id) make a link's key.
_EVENT_LINKS = (
    (ArticleEvent, ("article_id",)),
    (EventActor, ("actor_id", "role", "article_id")),
    (EventBase, ("base_id", "role", "article_id")),
)
_EVIDENCE = ("evidence_sentence", "evidence_start", "evidence_end", "confidence", "extractor_version")


def merge_events(session: Session, *, keep_id: int, merge_id: int) -> None:
    """Fold event ``merge_id`` into event ``keep_id``: two records of one real event become one.

    Every link of the merged event (its articles, actors and bases) moves to the kept one with its evidence;
    where the kept event has the same link already, one row stays, with the better evidence of the two (for an
    article: a report before a mention, then the higher confidence; for an actor or a base: the higher
    confidence). Pull-outs that carried out the merged event carry out the kept one. The kept event takes the
    finer date (with the key, which names it), fills its empty fields from the other, and is recounted; the
    merged event is deleted.

    The work runs in the session's transaction, which the caller commits: the commit changes the data version,
    so no cached answer from before the merge is served again (see app.data_version)."""
    if keep_id == merge_id:
        raise InvalidParameter(f"Event {keep_id} cannot be merged into itself.")
    kept, merged = _locked_events(session, keep_id, merge_id)
    for model, key in _EVENT_LINKS:
        _move_links(session, model.__table__, key, keep_id, merge_id)
    now = utcnow()
    table = Event.__table__
    session.execute(
        update(table)
        .where(table.c.carries_out_id == merge_id, table.c.id != keep_id)
        .values(carries_out_id=keep_id, updated_at=now)
    )
    changes = _taken_from(kept, merged)
    session.delete(merged)
    session.flush()  # the merged event's key is free before the kept one takes it
    for name, value in changes.items():
        setattr(kept, name, value)
    kept.updated_at = now
    session.flush()
    refresh_counts(session, [keep_id])
    session.expire(kept)  # its counts were written by a statement


def _locked_events(session: Session, keep_id: int, merge_id: int) -> tuple[Event, Event]:
    """Both events, locked on PostgreSQL (in id order, as every writer locks events) until the commit."""
    statement = select(Event).where(Event.id.in_([keep_id, merge_id])).order_by(Event.id).with_for_update()
    found = {event.id: event for event in session.scalars(statement)}
    for event_id in (keep_id, merge_id):
        if event_id not in found:
            raise NotFound(f"Event {event_id} not found.")
    return found[keep_id], found[merge_id]


def _move_links(session: Session, table, key: tuple[str, ...], keep_id: int, merge_id: int) -> None:
    """Move the merged event's rows of one link table to the kept event. A link the kept event has too keeps
    one row, with the better evidence; the merged event's copy goes with the merged event."""
    kept = table.alias("kept")
    same_link = and_(kept.c.event_id == keep_id, *(kept.c[column] == table.c[column] for column in key))
    copied = (*_EVIDENCE, "relation") if "relation" in table.c else _EVIDENCE
    pairs = session.execute(
        select(*(table.c[c] for c in (*key, *copied)), *(kept.c[c] for c in copied))
        .join_from(table, kept, same_link)
        .where(table.c.event_id == merge_id)
    ).all()
    for pair in pairs:
        link = dict(zip(key, pair[: len(key)], strict=True))
        theirs = dict(zip(copied, pair[len(key) : len(key) + len(copied)], strict=True))
        ours = dict(zip(copied, pair[len(key) + len(copied) :], strict=True))
        if _strength(theirs) > _strength(ours):
            session.execute(
                update(table)
                .where(table.c.event_id == keep_id, *(table.c[column] == value for column, value in link.items()))
                .values(theirs)
            )
    session.execute(
        update(table).where(table.c.event_id == merge_id, ~exists().where(same_link)).values(event_id=keep_id)
    )


def _strength(evidence: dict) -> tuple:
    """How well a link row is supported: a report before a mention (article links), then the confidence."""
    return (evidence.get("relation") == "reports", evidence["confidence"])


def _taken_from(kept: Event, merged: Event) -> dict:
    """The fields the kept event takes from the merged one: the finer date, and what it lacks."""
    changes = {}
    if _PRECISION_RANK[merged.date_precision] < _PRECISION_RANK[kept.date_precision]:
        changes.update(date=merged.date, date_precision=merged.date_precision, key=merged.key)
    if changes.get("date_precision", kept.date_precision) != "none":
        changes.update(month_day=None, weekday=None)  # only an undated event keeps a day or weekday without a year
    else:
        if kept.month_day is None:
            changes["month_day"] = merged.month_day
        if kept.weekday is None:
            changes["weekday"] = merged.weekday
    for name in _FILLED:
        if getattr(kept, name) is None and getattr(merged, name) is not None:
            changes[name] = getattr(merged, name)
    if not kept.figures and merged.figures:
        changes["figures"] = merged.figures
    if kept.ordering_actor_id is None and merged.ordering_actor_id is not None:
        changes.update(ordering_actor_id=merged.ordering_actor_id, title=merged.title)  # the title names the orderer
    if kept.carries_out_id == merged.id:
        changes["carries_out_id"] = None  # an event cannot carry itself out
    elif kept.carries_out_id is None and merged.carries_out_id not in (None, kept.id):
        changes["carries_out_id"] = merged.carries_out_id
    return changes
