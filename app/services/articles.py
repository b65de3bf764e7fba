"""Article queries."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache

from sqlalchemy import bindparam, select
from sqlmodel import Session

from app.db import read
from app.errors import NotFound
from app.models import Actor, Article, ArticleActor, ArticleBase, ArticleEvent, Event, MilitaryBase
from app.schemas import ActorPublic, ArticlePublic, BasePublic
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
)
from app.services.pagination import Paged, SortKey
from app.services.snippets import article_snippets


@dataclass(frozen=True)
class ArticleFilters:
    event: list[int] = field(default_factory=list)
    relation: str | None = None
    actor: list[str] = field(default_factory=list)
    base: list[str] = field(default_factory=list)
    outlet: list[str] = field(default_factory=list)
    language: list[str] = field(default_factory=list)
    published_from: dt.date | None = None
    published_to: dt.date | None = None
    q: str | None = None
    updated_after: dt.datetime | None = None


SORTS = {
    "-published": [SortKey(Article.published_at, descending=True, nullable=True), SortKey(Article.id, descending=True)],
    "published": [SortKey(Article.published_at, nullable=True), SortKey(Article.id)],
}
DEFAULT_SORT = "-published"
# The columns a list shows of an article, read as plain rows (no ORM instances to build), and never the raw
# and clean texts (several kilobytes each).
LISTED = listed_columns(Article, ArticlePublic, exclude=("events", "snippet"))
LISTED_FIELDS = tuple(column.key for column in LISTED)


def articles_listing(session: Session, filters: ArticleFilters, sort: str | None = None) -> Listing:
    sort = choose_sort(sort, filters.q, DEFAULT_SORT)
    dialect = search.dialect_of(session)
    bound = Bound()
    bound.each("event", filters.event)
    bound.bind("relation", filters.relation)
    bound.bind("outlet", folded(filters.outlet))
    bound.bind("language", folded(filters.language))
    bound.bind("published_from", filters.published_from)
    bound.bind("published_to", filters.published_to)
    bind_shared(bound, dialect, filters)
    paged = _articles_query(tuple(bound.shape), sort, dialect)
    q = filters.q

    def build(session: Session, rows: list[tuple], counted: int | None) -> list[Item]:
        ids = [row[0] for row in rows]
        events = _events_of(session, ids)
        snippets = article_snippets(session, ids, q) if q else {}
        return [_public(row, events.get(row[0], []), snippets.get(row[0])) for row in rows]

    return Listing(paged=paged, params=bound.values, sort_name=sort, build=build)


@lru_cache(maxsize=256)
def _articles_query(shape: Shape, sort: str, dialect: str) -> Paged:
    """The filtered query of one shape of ``articles_listing`` (see ``Bound``)."""
    names = dict(shape)
    query = select(*LISTED)
    events = given(shape, "event_")
    for name, _form in events:
        linked = select(ArticleEvent.article_id).where(ArticleEvent.event_id == bindparam(name))
        if "relation" in names:
            linked = linked.where(ArticleEvent.relation == bindparam("relation"))
        query = query.where(Article.id.in_(linked))
    if "relation" in names and not events:
        linked = select(ArticleEvent.article_id).where(ArticleEvent.relation == bindparam("relation"))
        query = query.where(Article.id.in_(linked))
    if "outlet" in names:
        query = query.where(any_of_ignoring_case(Article.outlet, "outlet"))
    if "language" in names:
        query = query.where(Article.language.in_(bindparam("language", expanding=True)))
    if "published_from" in names:
        query = query.where(Article.published_at >= bindparam("published_from"))
    if "published_to" in names:
        query = query.where(Article.published_at <= bindparam("published_to"))
    actor_link = (ArticleActor.article_id, ArticleActor.actor_id)
    base_link = (ArticleBase.article_id, ArticleBase.base_id)
    return narrow_shared(query, shape, dialect, Article, SORTS.get(sort), actor_link, base_link)


def with_event(filters: ArticleFilters, event_id: int) -> ArticleFilters:
    return replace(filters, event=[*filters.event, event_id])


def _public(row: tuple, events: list[Item], snippet: str | None = None) -> Item:
    """An article (its ``LISTED`` columns) as ``ArticlePublic`` shows it."""
    article = dict(zip(LISTED_FIELDS, row, strict=True))
    article["events"] = events
    article["snippet"] = snippet
    return article


def _events_statement(with_evidence: bool):
    """The events of the articles ``bindparam("ids")`` (a list), with the columns the links show."""
    link = [ArticleEvent.article_id, Event.id, Event.type, Event.title, Event.date, Event.date_precision]
    link.append(ArticleEvent.relation)
    if with_evidence:
        link += evidence_columns(ArticleEvent)
    return (
        select(*link)
        .join(Event, Event.id == ArticleEvent.event_id)
        .where(ArticleEvent.article_id.in_(bindparam("ids", expanding=True)))
        .order_by(ArticleEvent.relation.desc(), Event.date.asc().nulls_last(), Event.id)
    )


# The statements behind the events of listed articles and the detail view, built once (see LinkedEntities).
_EVENTS, _EVENTS_WITH_EVIDENCE = _events_statement(False), _events_statement(True)
_DETAIL = select(*LISTED, Article.clean_text).where(Article.id == bindparam("article_id"))


def _linked_to_article(entity, schema, links, key: str) -> LinkedEntities:
    """The actors or bases of the article ``bindparam("article_id")``, in the order it first mentions them."""
    return LinkedEntities(
        entity, schema, links, key, links.c.article_id == bindparam("article_id"), links.c.evidence_start, entity.id
    )


_ACTORS = _linked_to_article(Actor, ActorPublic, ArticleActor.__table__, "actor_id")
_BASES = _linked_to_article(MilitaryBase, BasePublic, ArticleBase.__table__, "base_id")


def _events_of(session: Session, article_ids: list[int], with_evidence: bool = False) -> dict[int, list[Item]]:
    """The events of many articles in one query (no N+1), reading only the columns the links show, as
    ``ArticleEventLink`` shows them (with their evidence, or ``None`` in lists)."""
    grouped: dict[int, list[Item]] = defaultdict(list)
    if not article_ids:
        return grouped
    statement = _EVENTS_WITH_EVIDENCE if with_evidence else _EVENTS
    # A dict display, not dict(zip(...)): an export builds one for every link of 10,000 articles.
    for article_id, event_id, kind, title, date, precision, relation, *link in read(
        session, statement, {"ids": article_ids}
    ).all():
        grouped[article_id].append(
            {
                "id": event_id,
                "type": kind,
                "title": title,
                "date": date,
                "date_precision": precision,
                "relation": relation,
                "evidence": evidence(*link, article_id) if link else None,
            }
        )
    return grouped


def get_article(*, session: Session, article_id: int) -> Item:
    """The article as ``ArticleDetail`` shows it."""
    found = read(session, _DETAIL, {"article_id": article_id}).first()
    if found is None:
        raise NotFound(f"Article {article_id} not found.")
    detail = _public(found[:-1], _events_of(session, [article_id], with_evidence=True)[article_id])
    detail["clean_text"] = found[-1]
    detail["actors"] = _ACTORS(session, article_id=article_id)
    detail["bases"] = _BASES(session, article_id=article_id)
    return detail
