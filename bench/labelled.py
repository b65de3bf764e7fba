"""Ingest a labelled folder (tests/corpus, tests/heldout, seeds) and read back what each article became.

Shared by bench/extraction_eval.py and the tests, so that both score articles the same way.
"""

import json
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from app.ingest.sources import records
from app.knowledge import load_knowledge
from app.models import Actor, Article, ArticleActor, ArticleBase, ArticleEvent, Event, MilitaryBase
from app.services.ingest import IngestSummary, ingest_records


@dataclass
class Result:
    article: Article
    events: list[tuple[Event, str]]  # (event, relation)
    persons: set[str]
    others: set[str]
    bases: set[str]


def load_labels(path: Path) -> dict:
    return json.loads(path.read_text())


def ingest_labelled(
    engine, articles: Path, labels: dict, given: bool = True
) -> tuple[IngestSummary, dict[str, Result]]:
    """Ingest every labelled article; with ``given``, its labelled publication date is passed as a crawler would."""
    stream = []
    for record in records([articles]):
        label = labels["articles"].get(Path(record.label).name)
        if label is None:
            continue
        raw = record.article
        if raw is None:
            continue
        if given and raw.published_at is None:
            raw = replace(raw, published_at=date.fromisoformat(label["published"]))
        stream.append(replace(record, article=raw))
    summary = ingest_records(engine, stream)
    results = {}
    with Session(engine) as session:
        for article in session.execute(select(Article)).scalars():
            events = session.execute(
                select(Event, ArticleEvent.relation)
                .join(ArticleEvent, ArticleEvent.event_id == Event.id)
                .where(ArticleEvent.article_id == article.id)
            ).all()
            for event, _relation in events:
                session.expunge(event)
            actors = session.execute(
                select(Actor.name, Actor.kind)
                .join(ArticleActor, ArticleActor.actor_id == Actor.id)
                .where(ArticleActor.article_id == article.id)
            ).all()
            bases = set(
                session.execute(
                    select(MilitaryBase.name)
                    .join(ArticleBase, ArticleBase.base_id == MilitaryBase.id)
                    .where(ArticleBase.article_id == article.id)
                ).scalars()
            )
            session.expunge(article)
            results[Path(article.source).name] = Result(
                article,
                [(e, rel) for e, rel in events],
                {name for name, kind in actors if kind == "person"},
                {name for name, kind in actors if kind != "person"},
                bases,
            )
    return summary, results


def same_entity(a: str, b: str) -> bool:
    """Whether two names are spellings of one entity (Sergei/Sergey Shoigu, al-Assad/Assad)."""
    knowledge = load_knowledge()
    return bool(knowledge.variants(a) & knowledge.variants(b))


def found(name: str, names: set[str]) -> bool:
    return any(same_entity(name, other) for other in names)


def event_label(event: Event, labelled: dict) -> str:
    """The labelled event a stored event is: same day (or month, for a month-precision event) and country."""
    for key, gold in labelled.items():
        same_day = gold["date"] == event.date.isoformat()
        same_month = event.date_precision == "month" and gold["date"][:7] == event.date.isoformat()[:7]
        if (same_day or same_month) and gold.get("withdraw_from", event.country) == event.country:
            return key
    return f"unlabelled {event.date} {event.country}"


def expected_links(label: dict) -> set[tuple[str, str]]:
    wanted = {(label["reports"], "reports")} if label["reports"] else set()
    return wanted | {(key, "mentions") for key in label["mentions"]}


def actual_links(result: Result, labelled: dict) -> set[tuple[str, str]]:
    return {(event_label(event, labelled), relation) for event, relation in result.events}
