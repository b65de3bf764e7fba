"""Writes through the API: create (idempotent), correct and delete articles, each in one transaction."""

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.db import retrying
from app.errors import Conflict, InvalidParameter, NotFound
from app.ingest.extraction import EmptyArticle
from app.ingest.sources import to_raw
from app.knowledge import load_knowledge
from app.models import Article, IdempotencyKey
from app.schemas import ArticleCreate, ArticlePatch
from app.services.ingest import ingest_article, relink
from app.services.persist import EntityCache, drop_orphan_events, refresh_counts, shared_ids, unlink_article


@dataclass(frozen=True)
class Written:
    article_id: int
    created: bool
    status: int


def request_hash(payload: ArticleCreate) -> str:
    return hashlib.sha256(json.dumps(payload.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


def create_article(session: Session, payload: ArticleCreate, idempotency_key: str | None = None) -> Written:
    """Ingest one article like the bulk ingest does; a duplicate (same url or same normalised content) or a
    repeated Idempotency-Key returns the stored article and changes nothing."""
    digest = request_hash(payload)
    if idempotency_key and (replay := _replay(session, idempotency_key, digest)):
        return replay
    raw, knowledge = to_raw(payload, source="api"), load_knowledge()
    cache = EntityCache(shared_ids(session.get_bind()))
    try:
        result = retrying(session, lambda: ingest_article(session=session, raw=raw, knowledge=knowledge, cache=cache))
    except EmptyArticle as exc:
        raise InvalidParameter(f"The article is empty: {exc}.") from None
    status = 201 if result.created else 200
    if idempotency_key:
        try:
            session.add(
                IdempotencyKey(key=idempotency_key, request_hash=digest, article_id=result.article_id, status=status)
            )
            session.commit()
        except IntegrityError:  # the same key, sent in parallel: the first one recorded wins
            session.rollback()
            if replay := _replay(session, idempotency_key, digest):
                return replay
            raise
    return Written(result.article_id, result.created, status)


def _replay(session: Session, key: str, digest: str) -> Written | None:
    stored = session.get(IdempotencyKey, key)
    if stored is None:
        return None
    if stored.request_hash != digest:
        raise InvalidParameter("This Idempotency-Key was already used with a different request body; use a new key.")
    return Written(stored.article_id, created=False, status=200)  # a replay creates nothing: 200, like a duplicate


def update_article(session: Session, article_id: int, patch: ArticlePatch) -> None:
    """Correct given metadata, then re-read and re-link the article with it (its id stays)."""
    article = _get(session, article_id)
    given = dict(article.given or {})
    for name in patch.model_fields_set:
        value = getattr(patch, name)
        if value is None:
            given.pop(name, None)
        else:
            given[name] = value.isoformat() if name == "published_at" else value
    if (
        given.get("url")
        and session.execute(select(Article.id).where(Article.url == given["url"], Article.id != article_id)).first()
    ):
        raise Conflict(f"Another article already has the url {given['url']}.")

    def work() -> None:
        stored = _get(session, article_id)
        stored.given = given
        relink(session, stored, load_knowledge())
        session.commit()

    try:
        retrying(session, work)
    except IntegrityError:
        session.rollback()
        raise Conflict("Another article already has this url.") from None


def delete_article(session: Session, article_id: int) -> None:
    """Remove an article and its links, recount the events it touched, and drop events left without articles."""

    def work() -> None:
        _get(session, article_id)
        touched = unlink_article(session, article_id)
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.article_id == article_id))
        session.execute(delete(Article).where(Article.id == article_id))
        refresh_counts(session, touched)
        drop_orphan_events(session, touched)
        session.commit()

    retrying(session, work)


def _get(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"Article {article_id} not found.")
    return article
