"""Writing articles: the bulk ingest, single articles and reprocessing all go through here."""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.ingest.persist import (
    EntityCache,
    drop_orphan_events,
    persist,
    refresh_counts,
    unlink_article,
    write_links,
)
from app.ingest.pipeline import extract, extractor_version
from app.ingest.sources import SourceRecord
from app.ingest.types import RawArticle
from app.knowledge import Knowledge, load_knowledge
from app.models import Article, utcnow

log = logging.getLogger("drawdown.ingest")


class EmptyArticle(ValueError):
    """Nothing is left of the article once page furniture is removed."""


@dataclass(frozen=True)
class IngestResult:
    article_id: int
    created: bool


@dataclass
class IngestSummary:
    created: int = 0
    duplicate: int = 0
    failed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        return f"created {self.created}, duplicate {self.duplicate}, failed {self.failed}"


def ingest_article(
    *, session: Session, raw: RawArticle, knowledge: Knowledge | None = None, cache: EntityCache | None = None
) -> IngestResult:
    """Extract and store one article in one transaction; an existing duplicate is returned unchanged."""
    knowledge = knowledge or load_knowledge()
    cache = cache if cache is not None else EntityCache()
    extraction = extract(raw, knowledge)
    if not extraction.clean.text.strip():
        raise EmptyArticle("no article text left after removing page furniture")
    try:
        persisted = persist(session, extraction, knowledge, cache)
        session.commit()
        cache.commit()
    except IntegrityError:
        session.rollback()
        cache.discard()
        persisted = persist(session, extraction, knowledge, cache)
        if persisted.created:
            raise
    except Exception:
        cache.discard()
        raise
    return IngestResult(persisted.article_id, persisted.created)


def ingest_records(
    engine: Engine,
    records: Iterable[SourceRecord],
    *,
    on_progress: Callable[[SourceRecord, str], None] | None = None,
) -> IngestSummary:
    """Bulk ingest: each record in its own transaction; a bad record is reported and skipped."""
    knowledge = load_knowledge()
    cache = EntityCache()
    summary = IngestSummary()
    with Session(engine) as session:
        for record in records:
            outcome = "failed"
            if record.error is not None:
                summary.failures.append((record.label, record.error))
            else:
                try:
                    result = ingest_article(session=session, raw=record.article, knowledge=knowledge, cache=cache)
                    outcome = "created" if result.created else "duplicate"
                except Exception as exc:  # one bad record must never abort a bulk run
                    session.rollback()
                    if not isinstance(exc, EmptyArticle | ValueError):
                        log.exception("failed to ingest %s", record.label)
                    summary.failures.append((record.label, f"{type(exc).__name__}: {str(exc).splitlines()[0]}"))
            setattr(summary, outcome, getattr(summary, outcome) + 1)
            if on_progress:
                on_progress(record, outcome)
    return summary


def article_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(Article)).scalar_one()


def raw_of(article: Article) -> RawArticle:
    """Rebuild the raw article from what was stored, given metadata included."""
    given = article.given or {}
    body = {"html": article.raw_text} if article.raw_format == "html" else {"text": article.raw_text}
    published = given.get("published_at")
    return RawArticle(
        **body,
        title=given.get("title"),
        url=given.get("url"),
        outlet=given.get("outlet"),
        published_at=date.fromisoformat(published) if published else None,
        language=given.get("language"),
        source=article.source,
    )


def relink(session: Session, article: Article, knowledge: Knowledge) -> None:
    """Re-read a stored article (raw text plus given metadata) and replace its links; the id stays. Caller commits."""
    extraction = extract(raw_of(article), knowledge)
    touched = unlink_article(session, article.id)
    meta = extraction.metadata
    article.url = meta.url
    article.title, article.outlet, article.published_at = meta.title, meta.outlet, meta.published_at
    article.language, article.clean_text = meta.language, extraction.clean.text
    article.extractor_version, article.updated_at = extraction.extractor_version, utcnow()
    session.add(article)
    session.flush()
    touched |= write_links(session, article.id, extraction, knowledge)
    refresh_counts(session, touched)
    drop_orphan_events(session, touched)


def reprocess(engine: Engine, *, only_stale: bool = False, on_progress: Callable[[int], None] | None = None) -> int:
    """Re-run extraction over stored articles (ids stay the same); returns how many were reprocessed."""
    knowledge = load_knowledge()
    version = extractor_version(knowledge)
    done = 0
    with Session(engine) as session:
        query = select(Article.id).order_by(Article.id)
        if only_stale:
            query = query.where(Article.extractor_version != version)
        ids = list(session.execute(query).scalars())
        for article_id in ids:
            relink(session, session.get(Article, article_id), knowledge)
            session.commit()
            done += 1
            if on_progress:
                on_progress(article_id)
    return done
