"""Reports of one order cluster into one event however they are dated; different orders stay apart. Short
articles go through the bulk ingest into a fresh database (both backends), as clients send them."""

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from app.ingest.sources import SourceRecord
from app.ingest.types import RawArticle
from app.models import Actor, ArticleEvent, Event
from app.services.ingest import ingest_records


def _ingest(db, *articles: tuple[str, date | None]) -> list[set[int]]:
    """The events each article reports, in the order given."""
    stream = [
        SourceRecord(f"a{i}", RawArticle(text=text, published_at=published, source=f"a{i}"))
        for i, (text, published) in enumerate(articles)
    ]
    ingest_records(db.engine, stream)
    with Session(db.engine) as session:
        rows = session.execute(
            select(Event.id, ArticleEvent.article_id)
            .join(ArticleEvent, ArticleEvent.event_id == Event.id)
            .where(ArticleEvent.relation == "reports")
            .order_by(ArticleEvent.article_id)
        ).all()
    reported: dict[int, set[int]] = {}
    for event_id, article_id in rows:
        reported.setdefault(article_id, set()).add(event_id)
    return [reported.get(article_id, set()) for article_id in sorted(reported)]


KYIV = "Russia to scale back near Kyiv\n\nRussia said {day} it would drastically reduce its forces near Kyiv."
SNAKE = "Russia leaves Snake Island\n\nRussia's defence ministry said {day} its forces would leave Snake Island."


def test_an_undated_report_joins_the_event_of_the_weekday_it_gives_and_no_other(db):
    kyiv, snake, undated_tuesday, undated_thursday = _ingest(
        db,
        (KYIV.format(day="on Tuesday"), date(2022, 3, 29)),  # a Tuesday
        (SNAKE.format(day="on Thursday"), date(2022, 6, 30)),  # a Thursday
        (KYIV.format(day="Tuesday"), None),
        (SNAKE.format(day="Thursday"), None),
    )
    assert kyiv != snake
    assert undated_tuesday == kyiv
    assert undated_thursday == snake


def test_a_dated_report_does_not_join_an_undated_event_of_another_weekday(db):
    undated_tuesday, dated_thursday = _ingest(
        db, (KYIV.format(day="Tuesday"), None), (SNAKE.format(day="on Thursday"), date(2022, 6, 30))
    )
    assert undated_tuesday != dated_thursday
    with Session(db.engine) as session:
        (undated,) = [e for e in session.scalars(select(Event)) if e.date is None]
    assert (undated.date_precision, undated.weekday) == ("none", 1)


def test_a_person_named_in_the_other_order_is_the_same_actor_and_the_same_orderer(db):
    first, second = _ingest(
        db,
        ("Japan to leave Iraq\n\nPrime Minister Junichiro Koizumi ordered Japanese troops out of Iraq.", None),
        ("Troops to leave Samawah\n\nPrime Minister Koizumi Junichiro ordered Japanese troops out of Iraq.", None),
    )
    assert first == second
    with Session(db.engine) as session:
        people = session.scalars(select(Actor.name).where(Actor.kind == "person")).all()
    assert len([name for name in people if "Koizumi" in name]) == 1


def test_a_discovered_person_is_not_another_person_of_the_same_surname(db):
    _ingest(
        db,
        ("Poland\n\nPrime Minister Leszek Miller ordered Polish troops out of Iraq.", None),
        ("Somalia\n\nActing Defense Secretary Christopher Miller ordered US troops out of Somalia.", None),
    )
    with Session(db.engine) as session:
        people = set(session.scalars(select(Actor.name).where(Actor.kind == "person")).all())
    assert {"Leszek Miller", "Christopher Miller"} <= people


def test_an_article_that_gives_both_orders_of_a_name_links_the_person_once(db):
    text = (
        "Japan to leave Iraq\n\nPrime Minister Junichiro Koizumi ordered Japanese troops out of Iraq, and Prime "
        "Minister Koizumi Junichiro, as Japanese papers write his name, told parliament so."
    )
    (reported,) = _ingest(db, (text, None))
    assert reported
    with Session(db.engine) as session:
        people = session.scalars(select(Actor.name).where(Actor.kind == "person")).all()
    assert len([name for name in people if "Koizumi" in name]) == 1
