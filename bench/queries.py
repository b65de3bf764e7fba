"""The read benchmark's queries, defined once: their API URLs, the service listings behind the list queries
(for tests/test_query_plans.py) and the SQL our API runs for each (for the bare endpoint and Datasette).

The filter values are chosen for the corpus of ``bench/corpus.py`` (100,000 articles): each list query
matches a few hundred to a few thousand rows out of the whole table, as a real client's query would.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy import Engine, event, func, select
from sqlmodel import Session

from app.main import create_app
from app.models import Article, Event
from app.services.articles import ArticleFilters, articles_listing
from app.services.events import EventFilters, events_listing
from app.services.listing import Listing

PAGE = 50  # the API's default page size
EXPORT_ROWS = 10_000

EVENT_FILTERS = EventFilters(date_from=dt.date(2015, 1, 1), date_to=dt.date(2019, 12, 31), actor=["putin"])
ARTICLE_FILTERS = ArticleFilters(
    outlet=["BBC News"], published_from=dt.date(2014, 1, 1), published_to=dt.date(2018, 12, 31)
)
SEARCH_FILTERS = ArticleFilters(q="Hmeimim withdrawal")


@dataclass(frozen=True)
class ReadQuery:
    name: str
    description: str
    path: str
    listing: Callable[[Session], Listing] | None = None  # the service listing behind a list query


LIST_QUERIES = [
    ReadQuery(
        "events",
        "(a) events by date range and actor",
        "/events?" + urlencode({"date_from": "2015-01-01", "date_to": "2019-12-31", "actor": "putin"}),
        lambda session: events_listing(session, EVENT_FILTERS),
    ),
    ReadQuery(
        "articles",
        "(b) articles by outlet and date, -published",
        "/articles?"
        + urlencode(
            {"outlet": "BBC News", "published_from": "2014-01-01", "published_to": "2018-12-31", "sort": "-published"}
        ),
        lambda session: articles_listing(session, ARTICLE_FILTERS, "-published"),
    ),
    ReadQuery(
        "search",
        "(c) full-text search",
        "/articles?" + urlencode({"q": SEARCH_FILTERS.q}),
        lambda session: articles_listing(session, SEARCH_FILTERS),
    ),
]


def read_queries(engine: Engine) -> list[ReadQuery]:
    """The five benchmark queries: the three lists, an event detail and a CSV export of 10,000 articles.

    The detail is the first event at the 99th percentile of article counts (a popular event, answered with
    all its articles, actors and bases). The export is every article published since the day of the
    10,000th most recent one (``limit`` caps pages at 500, so the export is chosen by its filter)."""
    with Session(engine) as session:
        since = session.execute(
            select(Article.published_at).order_by(Article.published_at.desc()).offset(EXPORT_ROWS - 1).limit(1)
        ).scalar_one()
        counts = select(Event.article_count).order_by(Event.article_count)
        total = session.execute(select(func.count()).select_from(Event)).scalar_one()
        threshold = session.execute(counts.offset(int(total * 0.99)).limit(1)).scalar_one()
        event_id = session.execute(
            select(Event.id).where(Event.article_count == threshold).order_by(Event.id).limit(1)
        ).scalar_one()
    return [
        *LIST_QUERIES,
        ReadQuery("detail", f"(d) event detail ({threshold} articles)", f"/events/{event_id}"),
        ReadQuery(
            "export", f"(e) CSV export, {EXPORT_ROWS:,} articles", f"/articles?format=csv&published_from={since}"
        ),
    ]


def captured_sql(engine: Engine, path: str) -> list[tuple[str, tuple | dict]]:
    """Every (SQL, parameters) our API sends to the database to answer ``path``, in order."""
    from fastapi.testclient import TestClient  # imported here: only the read benchmark needs it

    statements: list[tuple[str, tuple]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK")):
            # SQLite's drivers take parameters in order, PostgreSQL's by name
            statements.append((statement, dict(parameters) if isinstance(parameters, dict) else tuple(parameters)))

    with TestClient(create_app(engine, api_keys=[])) as client:
        event.listen(engine, "before_cursor_execute", record)
        try:
            response = client.get(path)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    response.raise_for_status()
    return statements
