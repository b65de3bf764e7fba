"""The read benchmark's list queries are answered through indexes, on SQLite and PostgreSQL.

Each query of ``bench/queries.py`` runs through its service (``page``, first and second page) while every SQL
statement it sends is recorded; each statement is then explained as sent. The database holds a few thousand
generated rows (inserted directly, not through the pipeline, to stay quick) with realistic proportions:
15 years of dates, 60 outlets, a common actor on a few percent of the events, a rare search term.

* SQLite (not analysed, like a database built by ``drawdown ingest``): no statement scans a table (``SCAN
  <table>``, with or without an index); only SEARCH through an index or the primary key, or the FTS5 table.
* PostgreSQL, after ANALYZE (real plans, not ``enable_seqscan = off``): no sequential scan of the filtered
  table, which is read through an Index Scan or a Bitmap Index Scan.

In both, the filtered table is read through the index that serves the query's filter (``EXPECTED``), so
dropping that index makes the test fail.
"""

import datetime as dt
import json
import random
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import insert, text
from sqlmodel import Session

from app.ingest.text import lookup_key
from app.models import Actor, ActorAlias, Article, ArticleEvent, Event, EventActor
from app.services.events import EventFilters, events_listing
from app.services.listing import page
from app.services.pagination import Window, encode_cursor
from app.services.persist import similar_events
from bench.draws import draws
from bench.queries import LIST_QUERIES, PAGE, captured_sql
from tests.api.helpers import recorded_statements
from tests.conftest import BACKENDS, Database, fresh_database

ARTICLES, EVENTS, ACTORS, OUTLETS = 6000, 4000, 300, 60
UNDATED_EVERY = 25  # one event in 25 has no date
# query -> (filtered table, the index that must read it: SQLite, PostgreSQL)
EXPECTED = {
    "events": ("event_actor", "ix_event_actor_actor", "ix_event_actor_actor"),
    "articles": ("article", "ix_article_outlet_published", "ix_article_outlet_published"),
    "search": ("article", "article_fts", "ix_article_search"),
}

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module", params=BACKENDS)
def populated(request, tmp_path_factory, sqlite_template, pg_migrated_template) -> Iterator[Database]:
    for database in fresh_database(
        request.param, tmp_path_factory.mktemp("plans"), sqlite_template, pg_migrated_template
    ):
        generate(database)
        yield database


def generate(database: Database) -> None:
    """Insert generated articles, events, actors and their links, then let PostgreSQL gather statistics."""
    rng = random.Random(3)
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    stamps = {"created_at": now, "updated_at": now}
    first_day = dt.date(2010, 1, 1)
    outlets = ["BBC News", *(f"Outlet {i}" for i in range(1, OUTLETS))]
    actors = [
        {"id": i, "name": "Vladimir Putin" if i == 1 else f"Actor {i}", "kind": "person", "aliases": [], **stamps}
        for i in range(1, ACTORS + 1)
    ]
    aliases = [{"actor_id": a["id"], "key": lookup_key(a["name"])} for a in actors] + [
        {"actor_id": 1, "key": lookup_key("putin")}
    ]
    groups = random.Random(5)  # (own generator: the other columns stay as they were)
    events = [
        {
            "id": i,
            "key": f"event-{i}",
            "type": "withdrawal_order",
            "country": None if i % 10 == 0 else f"Country {groups.randrange(70)}",
            "forces_of": None if i % 15 == 0 else f"Force {groups.randrange(30)}",
            "title": f"Order {i}",
            "date": first_day + dt.timedelta(days=rng.randrange(15 * 365)),
            "date_precision": "day",
            "figures": {},
            "article_count": 0,
            "source_count": 0,
            **stamps,
        }
        for i in range(1, EVENTS + 1)
    ]
    for event in events[::UNDATED_EVERY]:
        event["date"], event["date_precision"] = None, "none"
    articles, article_events, event_actors = [], [], []
    for i in range(1, ARTICLES + 1):
        words = ["troops", "withdrawal" if rng.random() < 0.4 else "deployment", "Hmeimim" if i % 40 == 0 else "base"]
        body = " ".join(rng.choice(words) for _ in range(30))
        articles.append(
            {
                "id": i,
                "title": f"Report {i}",
                "outlet": outlets[min(int(rng.paretovariate(1.0)) - 1, OUTLETS - 1)],
                "published_at": None if i % 50 == 0 else first_day + dt.timedelta(days=rng.randrange(15 * 365)),
                "language": "en",
                "raw_format": "text",
                "raw_text": body,
                "clean_text": body,
                "content_hash": f"{i:064x}",
                "extractor_version": "test",
                "given": {},
                **stamps,
            }
        )
        event_id = rng.randint(1, EVENTS)
        article_events.append({"article_id": i, "event_id": event_id, "relation": "reports"})
        orderer = 1 if rng.random() < 0.04 else rng.randint(2, ACTORS)
        event_actors.append({"event_id": event_id, "actor_id": orderer, "role": "ordered_by", "article_id": i})
    with Session(database.engine) as session:
        for model, rows in (
            (Actor, actors),
            (ActorAlias, aliases),
            (Event, events),
            (Article, articles),
            (ArticleEvent, article_events),
            (EventActor, event_actors),
        ):
            session.execute(insert(model), rows)
        session.commit()
    if database.backend == "postgresql":
        with database.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()


def page_selects(database: Database, query) -> list[tuple[str, object]]:
    """Every (SQL, parameters) the service sends for the first two pages of ``query``."""
    with Session(database.engine) as session:
        listing = query.listing(session)
        with recorded_statements(database.engine) as sent:
            first = page(session, listing, Window(PAGE))
            assert first["items"] and first["next"], f"{query.name}: the generated data should fill two pages"
            second = page(session, listing, Window(PAGE, first["next"]))
            assert second["items"]
    return [
        (statement, parameters) for statement, parameters in sent if statement.lstrip().upper().startswith("SELECT")
    ]


def sqlite_plan(database: Database, statement: str, parameters) -> list[str]:
    with database.engine.connect() as conn:
        return [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]


def postgresql_plan(database: Database, statement: str, parameters) -> list[dict]:
    """Every node of the plan, flattened."""
    with database.engine.connect() as conn:
        plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes, todo = [], [plan[0]["Plan"]]
    while todo:
        node = todo.pop()
        nodes.append(node)
        todo += node.get("Plans", [])
    return nodes


def table_scans(plan: list[str]) -> list[str]:
    """The steps of a SQLite plan that read a whole table. Reading the rows of a subquery (a bounded set, such as
    a search's candidates or the matches it counts) or the FTS5 table (through its index) is not one."""
    scans = [step for step in plan if step.startswith("SCAN ") and " VIRTUAL TABLE " not in step]
    subqueries = {step.split()[-1] for step in plan if step.startswith(("CO-ROUTINE ", "MATERIALIZE "))}
    return [step for step in scans if step != "SCAN CONSTANT ROW" and step.split()[1] not in subqueries]


@pytest.mark.parametrize("query", LIST_QUERIES, ids=lambda q: q.name)
def test_benchmark_list_query_reads_through_indexes(populated, query):
    table, sqlite_index, postgresql_index = EXPECTED[query.name]
    statements = page_selects(populated, query)
    # The statements that read the listed rows: the count (first) and the pages (with a LIMIT).
    listed = [statements[0]] + [(s, p) for s, p in statements if re.search(r"\bLIMIT\b", s)]
    assert len(listed) >= 3, statements
    for statement, parameters in statements:
        if populated.backend == "sqlite":
            plan = sqlite_plan(populated, statement, parameters)
            assert not table_scans(plan), (statement, plan)
            if (statement, parameters) in listed:
                assert any(table in step and sqlite_index in step for step in plan), (statement, plan)
        else:
            nodes = postgresql_plan(populated, statement, parameters)
            scans = [(n["Node Type"], n.get("Relation Name"), n.get("Index Name")) for n in nodes]
            assert ("Seq Scan", table, None) not in scans, (statement, scans)
            if (statement, parameters) in listed:
                indexed = {"Index Scan", "Index Only Scan", "Bitmap Index Scan"}
                assert any(kind in indexed and index == postgresql_index for kind, _rel, index in scans), (
                    statement,
                    scans,
                )


@pytest.mark.parametrize(
    ("country", "forces_of"), [("Country 1", "Force 1"), (None, "Force 1"), ("Country 1", None), (None, None)]
)
def test_ingest_event_matching_reads_one_group_through_its_index(populated, country, forces_of):
    """The ingest matches a statement to the stored events of its (country, forces_of), each given or missing:
    each form of the statement reads that group through ix_event_forces_country, not every event of the force."""
    params = {"country": country, "forces_of": forces_of}
    dated = {**params, "low": dt.date(2014, 1, 1), "high": dt.date(2016, 1, 1)}
    with Session(populated.engine) as session, recorded_statements(populated.engine) as sent:
        for parameters, in_range in ((params, False), (dated, True)):
            statement = similar_events(country is not None, forces_of is not None, dated=in_range)
            session.execute(statement, parameters).all()
    selects = [(statement, parameters) for statement, parameters in sent if statement.lstrip().startswith("SELECT")]
    assert len(selects) == 2, sent
    for statement, parameters in selects:
        if populated.backend == "sqlite":
            plan = sqlite_plan(populated, statement, parameters)
            assert any("SEARCH event USING INDEX ix_event_forces_country" in step for step in plan), plan
        else:
            nodes = postgresql_plan(populated, statement, parameters)
            indexes = {n.get("Index Name") for n in nodes if n["Node Type"] in {"Index Scan", "Bitmap Index Scan"}}
            assert "ix_event_forces_country" in indexes, [(n["Node Type"], n.get("Index Name")) for n in nodes]


@pytest.mark.parametrize("sort", ["-date", "date"])
@pytest.mark.parametrize(
    "cursor",
    [None, (dt.date(2015, 6, 1), 2001), (None, 2000)],
    ids=["first page", "after a dated event", "after an undated event"],
)
def test_events_in_date_order_read_the_date_index_in_order(populated, sort, cursor):
    """Undated events come last in both date orders. Each statement of a page reads either dated or undated
    events through ix_event_date_id, in the index's order, so that it stops at the page's end: none sorts the
    events (nor reads the whole table, as a NULLS LAST that the index does not keep would make it)."""
    with Session(populated.engine) as session:
        listing = events_listing(session, EventFilters(), sort)
        start = None if cursor is None else encode_cursor(list(cursor), sort)
        with recorded_statements(populated.engine) as sent:
            page(session, listing, Window(PAGE, start))
    pages = [(s, p) for s, p in sent if re.search(r"\bLIMIT\b", s)]
    assert pages, sent
    for statement, parameters in pages:
        if populated.backend == "sqlite":
            plan = sqlite_plan(populated, statement, parameters)
            assert not [step for step in plan if "TEMP B-TREE" in step], (statement, plan)
            assert any("ix_event_date_id" in step for step in plan), (statement, plan)
        else:
            nodes = postgresql_plan(populated, statement, parameters)
            kinds = [(n["Node Type"], n.get("Index Name")) for n in nodes]
            indexed = {"Index Scan", "Index Only Scan", "Bitmap Index Scan"}
            assert any(kind in indexed and index == "ix_event_date_id" for kind, index in kinds), (statement, kinds)
            assert ("Seq Scan", None) not in kinds, (statement, kinds)
            # After an undated cursor, PostgreSQL may fetch the few undated events left (a bitmap of the index)
            # and sort them; dated events, the bulk of the table, it reads in the index's order.
            if cursor is None or cursor[0] is not None:
                assert not [kind for kind, _index in kinds if "Sort" in kind], (statement, kinds)


VARIED_TABLES = {"articles": "article", "events": "event", "search": "article"}


@pytest.mark.parametrize("kind", ["articles", "events", "search"])
def test_varied_benchmark_queries_read_through_indexes(populated, kind):
    """The varied benchmark's requests (``bench/draws.py``), drawn from this database: none reads a whole table
    (SQLite: no SCAN of a table; PostgreSQL: no sequential scan of the table listed, but one that a LIMIT stops)."""
    requests = draws(populated.engine, kind, 12, seed=1)
    assert len({draw.ours for draw in requests}) > 6, requests  # varied: not one query again and again
    for draw in requests:
        selects = [(s, p) for s, p in captured_sql(populated.engine, draw.ours) if s.lstrip().startswith("SELECT")]
        assert len(selects) >= 2, (draw.ours, selects)
        for statement, parameters in selects:
            if populated.backend == "sqlite":
                plan = sqlite_plan(populated, statement, parameters)
                assert not table_scans(plan), (draw.ours, statement, plan)
            else:
                unbounded = unbounded_scans(populated, statement, parameters)
                assert VARIED_TABLES[kind] not in unbounded, (draw.ours, statement, unbounded)


def _joins_candidates(node: dict) -> bool:
    """A join of which one side is the candidates (maybe hashed)."""
    sides = node.get("Plans", [])
    sides += [grandchild for child in sides if child["Node Type"] == "Hash" for grandchild in child.get("Plans", [])]
    return any(side["Node Type"] == "Subquery Scan" and side.get("Alias") == "candidate" for side in sides)


BLOCKING = {"Sort", "Aggregate", "Hash", "HashAggregate", "Materialize", "WindowAgg", "Gather Merge"}


def unbounded_scans(database: Database, statement: str, parameters) -> set[str]:
    """The tables a PostgreSQL plan reads sequentially with no LIMIT above to stop it (for a common word, a
    search's bounded count may rightly read the table in order until it has enough matches).

    A search's candidates (at most ``CANDIDATES`` rows) joined to their articles is bounded too: on these few
    thousand rows PostgreSQL hashes the table rather than look up each candidate, as it would in a larger one."""
    with database.engine.connect() as conn:
        plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found, todo = set(), [(plan[0]["Plan"], False)]
    while todo:
        node, limited = todo.pop()
        # A LIMIT stops what is below it, unless a node in between reads all its input first (a sort).
        limited = (limited or node["Node Type"] == "Limit") and node["Node Type"] not in BLOCKING
        if node["Node Type"] == "Seq Scan" and not limited:
            found.add(node["Relation Name"])
        joins_candidates = node["Node Type"] == "Hash Join" and _joins_candidates(node)
        plans = node.get("Plans", [])
        todo += [(child, limited or (joins_candidates and child["Node Type"] == "Seq Scan")) for child in plans]
    return found
