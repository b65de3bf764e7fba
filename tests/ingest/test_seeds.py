"""The seed corpus, ingested end to end, against the expected normalisation in tests/gold/seeds.json."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from app.ingest.sources import records
from app.models import (
    Actor,
    Article,
    ArticleActor,
    ArticleBase,
    ArticleEvent,
    Event,
    EventActor,
    EventBase,
    MilitaryBase,
)
from app.services.ingest import ingest_records
from tests.conftest import SEEDS

GOLD = json.loads((Path(__file__).resolve().parent.parent / "gold" / "seeds.json").read_text())
TABLES = (Article, Event, Actor, MilitaryBase, ArticleEvent, ArticleActor, ArticleBase, EventActor, EventBase)


def counts(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {m.__tablename__: session.execute(select(func.count()).select_from(m)).scalar_one() for m in TABLES}


def gold_event_dates() -> dict[str, str]:
    return {key: event["date"] for key, event in GOLD["events"].items()}


def test_seeds_give_five_articles_and_two_events(seeded):
    assert counts(seeded.engine)["article"] == 5
    assert counts(seeded.engine)["event"] == 2


def test_reingesting_the_seeds_changes_nothing(db):
    first = ingest_records(db.engine, records([SEEDS]))
    before = counts(db.engine)
    second = ingest_records(db.engine, records([SEEDS]))
    assert (first.created, second.created, second.duplicate, second.failed) == (5, 0, 5, 0)
    assert counts(db.engine) == before


def _article(session: Session, name: str) -> Article:
    return session.execute(select(Article).where(Article.source.like(f"%{name}"))).scalar_one()


def _events_of(session: Session, article_id: int) -> dict[str, str]:
    rows = session.execute(
        select(Event.date, ArticleEvent.relation)
        .join(ArticleEvent, ArticleEvent.event_id == Event.id)
        .where(ArticleEvent.article_id == article_id)
    ).all()
    return {d.isoformat(): relation for d, relation in rows}


@pytest.mark.parametrize("name", sorted(GOLD["articles"]))
def test_each_seed_reports_and_mentions_the_gold_events(seeded, name):
    expected = GOLD["articles"][name]
    dates = gold_event_dates()
    with Session(seeded.engine) as session:
        article = _article(session, name)
        linked = _events_of(session, article.id)
    want = {dates[expected["reports"]]: "reports"} | {dates[k]: "mentions" for k in expected["mentions"]}
    assert linked == want


@pytest.mark.parametrize("name", sorted(GOLD["articles"]))
def test_each_seed_has_the_gold_title_outlet_and_date(seeded, name):
    expected = GOLD["articles"][name]
    with Session(seeded.engine) as session:
        article = _article(session, name)
    assert (article.title, article.outlet, article.published_at.isoformat()) == (
        expected["title"],
        expected["outlet"],
        expected["published"],
    )


def test_events_carry_the_gold_dates_and_effective_dates(seeded):
    with Session(seeded.engine) as session:
        events = {e.date.isoformat(): e for e in session.execute(select(Event)).scalars()}
    for gold in GOLD["events"].values():
        event = events[gold["date"]]
        assert event.date_precision == "day"
        assert (event.effective_date.isoformat() if event.effective_date else None) == gold["effective_date"]
        assert event.type == gold["type"]


def test_every_evidence_offset_indexes_the_clean_text(seeded):
    with Session(seeded.engine) as session:
        texts = {a.id: a.clean_text for a in session.execute(select(Article)).scalars()}
        for model in (ArticleEvent, ArticleActor, ArticleBase, EventActor, EventBase):
            for link in session.execute(select(model)).scalars():
                assert texts[link.article_id][link.evidence_start : link.evidence_end] == link.evidence_sentence
