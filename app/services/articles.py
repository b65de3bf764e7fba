"""Article queries."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Bundle
from sqlmodel import Session

from app.errors import NotFound
from app.models import Actor, Article, ArticleActor, ArticleBase, ArticleEvent, Event, MilitaryBase
from app.schemas import (
    ActorPublic,
    ArticleDetail,
    ArticleEventLink,
    ArticlePublic,
    BasePublic,
    LinkedActor,
    LinkedBase,
)
from app.services import search
from app.services.evidence import evidence_of, linked_rows
from app.services.listing import Listing, any_of_ignoring_case, choose_sort
from app.services.lookup import actor_ids, base_ids
from app.services.pagination import SortKey


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
LISTED = Bundle(
    "article", *(getattr(Article, name) for name in ArticlePublic.model_fields if name not in ("events", "snippet"))
)


def articles_listing(session: Session, filters: ArticleFilters, sort: str | None = None) -> Listing[ArticlePublic]:
    sort = choose_sort(sort, filters.q, DEFAULT_SORT)
    query = select(LISTED)
    for event_id in filters.event:
        linked = select(ArticleEvent.article_id).where(ArticleEvent.event_id == event_id)
        if filters.relation:
            linked = linked.where(ArticleEvent.relation == filters.relation)
        query = query.where(Article.id.in_(linked))
    if filters.relation and not filters.event:
        query = query.where(
            Article.id.in_(select(ArticleEvent.article_id).where(ArticleEvent.relation == filters.relation))
        )
    for value in filters.actor:
        query = query.where(
            Article.id.in_(select(ArticleActor.article_id).where(ArticleActor.actor_id.in_(actor_ids(value))))
        )
    for value in filters.base:
        query = query.where(
            Article.id.in_(select(ArticleBase.article_id).where(ArticleBase.base_id.in_(base_ids(value))))
        )
    if filters.outlet:
        query = query.where(any_of_ignoring_case(Article.outlet, filters.outlet))
    if filters.language:
        query = query.where(Article.language.in_([v.strip().lower() for v in filters.language]))
    if filters.published_from:
        query = query.where(Article.published_at >= filters.published_from)
    if filters.published_to:
        query = query.where(Article.published_at <= filters.published_to)
    if filters.updated_after:
        query = query.where(Article.updated_at > filters.updated_after)
    keys = SORTS.get(sort)
    if filters.q:
        query, ranked = search.restrict(session, query, "article", Article.id, filters.q, sort == "relevance")
        keys = ranked or keys
    q = filters.q

    def build(session: Session, rows: list) -> list[ArticlePublic]:
        ids = [a.id for a in rows]
        events = _events_of(session, ids)
        snippets = search.article_snippets(session, ids, q) if q else {}
        return [_public(a, events[a.id], snippets.get(a.id)) for a in rows]

    return Listing(query=query, sort_name=sort, keys=keys, build=build)


def with_event(filters: ArticleFilters, event_id: int) -> ArticleFilters:
    return replace(filters, event=[*filters.event, event_id])


def _public(article, events: list[ArticleEventLink], snippet: str | None = None) -> ArticlePublic:
    """An article (a model or a listed row) as the API shows it."""
    return ArticlePublic(
        id=article.id,
        title=article.title,
        outlet=article.outlet,
        url=article.url,
        published_at=article.published_at,
        language=article.language,
        source=article.source,
        extractor_version=article.extractor_version,
        events=events,
        snippet=snippet,
    )


def _events_of(session: Session, article_ids: list[int], with_evidence: bool = False) -> dict[int, list]:
    """The events of many articles in one query (no N+1), reading only the columns the links show."""
    grouped: dict[int, list[ArticleEventLink]] = defaultdict(list)
    if not article_ids:
        return grouped
    link = [ArticleEvent.article_id, ArticleEvent.relation]
    if with_evidence:
        link += [ArticleEvent.evidence_sentence, ArticleEvent.evidence_start, ArticleEvent.evidence_end]
        link += [ArticleEvent.confidence]
    rows = session.execute(
        select(*link, Event.id, Event.type, Event.title, Event.date, Event.date_precision)
        .join(Event, Event.id == ArticleEvent.event_id)
        .where(ArticleEvent.article_id.in_(article_ids))
        .order_by(ArticleEvent.relation.desc(), Event.date, Event.id)
    ).all()
    for row in rows:
        grouped[row.article_id].append(
            ArticleEventLink(
                id=row.id,
                type=row.type,
                title=row.title,
                date=row.date,
                date_precision=row.date_precision,
                relation=row.relation,
                evidence=evidence_of(row) if with_evidence else None,
            )
        )
    return grouped


def get_article(*, session: Session, article_id: int) -> ArticleDetail:
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"Article {article_id} not found.")
    actors = linked_rows(
        session,
        Actor,
        ArticleActor.actor_id,
        ArticleActor.article_id == article_id,
        ArticleActor.evidence_start,
        Actor.id,
    )
    bases = linked_rows(
        session,
        MilitaryBase,
        ArticleBase.base_id,
        ArticleBase.article_id == article_id,
        ArticleBase.evidence_start,
        MilitaryBase.id,
    )
    public = _public(article, _events_of(session, [article_id], with_evidence=True)[article_id])
    return ArticleDetail(
        **public.model_dump(),
        clean_text=article.clean_text,
        actors=[
            LinkedActor(
                **ActorPublic.model_validate(a).model_dump(), mentions=link.mentions, evidence=evidence_of(link)
            )
            for a, link in actors
        ],
        bases=[
            LinkedBase(**BasePublic.model_validate(b).model_dump(), mentions=link.mentions, evidence=evidence_of(link))
            for b, link in bases
        ],
    )
