"""The response cache (app/api/response_cache.py) and the data version it is keyed on (app/data_version.py):
a repeated read runs no SQL, and any committed write (through the API, another connection or another
process) is seen by the very next read, on both backends."""

import subprocess
import sys
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from app.api.response_cache import ResponseCache
from app.config import ROOT
from app.data_version import VERSIONED_TABLES, DataVersionProbe
from app.db import make_engine
from app.ingest.sources import records
from app.main import create_app
from app.services.ingest import ingest_records
from tests.api.helpers import recorded_statements
from tests.conftest import CORPUS, SEEDS

KEY = "cache-test-key-0123456789"
PUTIN_EVENTS = "/events?actor=putin&date_from=2015-01-01"


@pytest.fixture
def seeded_db(db):
    summary = ingest_records(db.engine, records([SEEDS]))
    assert summary.created == 5
    return db


@pytest.fixture
def cached(seeded_db) -> Iterator[TestClient]:
    with TestClient(create_app(seeded_db.engine, api_keys=[KEY], response_cache_mb=16)) as client:
        yield client


def test_a_repeated_read_is_answered_without_sql_and_byte_for_byte_the_same(seeded_db, cached):
    # The statements are those the application runs through the engine: the probe reads beside it.
    for path in (PUTIN_EVENTS, "/articles?sort=-published", "/articles?q=Hmeimim", "/events/1", "/actors"):
        with recorded_statements(seeded_db.engine) as sent:
            first = cached.get(path)
        with recorded_statements(seeded_db.engine) as sent_again:
            again = cached.get(path)
        assert sent and not sent_again, path
        assert (again.status_code, again.content, again.headers["etag"]) == (200, first.content, first.headers["etag"])
        assert again.headers["content-type"] == first.headers["content-type"]
        assert again.headers["x-content-type-options"] == "nosniff"  # the security headers are still added


def test_a_cached_answer_serves_if_none_match_with_a_304(cached):
    etag = cached.get(PUTIN_EVENTS).headers["etag"]
    cached.get(PUTIN_EVENTS)  # now cached
    response = cached.get(PUTIN_EVENTS, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.content == b"" and response.headers["etag"] == etag


def test_the_accept_header_is_part_of_the_key(cached):
    as_json = cached.get("/articles")
    as_csv = cached.get("/articles", headers={"Accept": "text/csv"})
    assert as_json.headers["content-type"] == "application/json"
    assert as_csv.headers["content-type"].startswith("text/csv") and as_csv.text.startswith("\ufeff")
    assert cached.get("/articles").content == as_json.content


def test_answers_that_depend_on_accept_say_so_to_other_caches(cached):
    for headers in ({}, {"Accept": "text/csv"}, {"Accept": "application/x-ndjson"}):
        for _ in range(2):  # computed, then from the cache
            assert cached.get("/events", headers=headers).headers["vary"] == "Accept", headers
    etag = cached.get("/articles", headers={"Accept": "text/csv"}).headers["etag"]
    not_modified = cached.get("/articles", headers={"Accept": "text/csv", "If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.headers["vary"] == "Accept"


def test_an_export_is_kept_whole_once_streamed(seeded_db, cached):
    first = cached.get("/articles", params={"format": "csv"})
    with recorded_statements(seeded_db.engine) as sent:
        again = cached.get("/articles", params={"format": "csv"})
    assert sent == [] and again.content == first.content
    assert again.headers["content-length"] == str(len(first.content))
    assert again.headers["content-disposition"] == first.headers["content-disposition"]


def test_a_post_is_visible_to_the_next_read(cached):
    before = cached.get("/articles").json()["total"]
    cached.get("/articles")
    text_ = (
        "Washington, 3 May 2021 - President Joe Biden ordered the withdrawal of United States forces from "
        "Afghanistan, Defense Secretary Lloyd Austin said."
    )
    body = {"text": text_, "outlet": "Example Wire", "published_at": "2021-05-03", "url": "https://example.org/a"}
    assert cached.post("/articles", json=body, headers={"X-API-Key": KEY}).status_code == 201
    assert cached.get("/articles").json()["total"] == before + 1


def test_writes_by_another_connection_and_another_process_are_visible_to_the_next_read(seeded_db, cached):
    before = cached.get("/articles").json()["total"]
    other = make_engine(seeded_db.url)  # another pool: another writer, as the CLI would be
    try:
        assert (
            ingest_records(other, records([CORPUS / "articles" / "02_bbc_putin_main_part_of_forces.txt"])).created == 1
        )
    finally:
        other.dispose()
    assert cached.get("/articles").json()["total"] == before + 1
    deleted = subprocess.run(
        [sys.executable, "-c", _DELETE_NEWEST, seeded_db.url], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert deleted.returncode == 0, deleted.stderr
    assert cached.get("/articles").json()["total"] == before


_DELETE_NEWEST = """
import sys
from sqlalchemy import text
from app.db import make_engine
engine = make_engine(sys.argv[1])
with engine.begin() as conn:
    newest = conn.execute(text("SELECT max(id) FROM article")).scalar_one()
    for table in ("article_event", "article_actor", "article_base"):
        conn.execute(text(f"DELETE FROM {table} WHERE article_id = :id"), {"id": newest})
    conn.execute(text("DELETE FROM article WHERE id = :id"), {"id": newest})
engine.dispose()
"""


@pytest.mark.parametrize("table", VERSIONED_TABLES)
def test_a_committed_change_to_any_read_table_changes_the_version_and_a_rollback_does_not(seeded_db, table):
    probe = DataVersionProbe(seeded_db.engine)
    try:
        start = probe.current()
        assert start is not None
        touch = _a_real_change(seeded_db.engine, table)
        with seeded_db.engine.connect() as conn:
            conn.execute(touch)
            conn.rollback()
        assert probe.current() == start
        with seeded_db.engine.begin() as conn:
            assert conn.execute(touch).rowcount >= 1
        assert probe.current() != start
    finally:
        probe.close()


def test_a_truncate_changes_the_version(seeded_db):
    probe = DataVersionProbe(seeded_db.engine)
    try:
        start = probe.current()
        with seeded_db.engine.begin() as conn:
            if seeded_db.backend == "postgresql":
                conn.execute(text("TRUNCATE event_base"))
            else:  # SQLite has no TRUNCATE: a DELETE without WHERE is its form of it
                conn.execute(text("DELETE FROM event_base"))
        assert probe.current() != start
    finally:
        probe.close()


def _a_real_change(engine, table: str):
    """An UPDATE that changes some rows of ``table`` for real (SQLite writes nothing for a no-op update, and
    rightly leaves the version alone then)."""
    details = inspect(engine)
    columns = {c["name"] for c in details.get_columns(table)}
    key = details.get_pk_constraint(table)["constrained_columns"][0]
    if "updated_at" in columns:
        change = "updated_at = '2001-02-03 04:05:06'"
    elif "confidence" in columns:
        change = "confidence = confidence / 2"
    else:
        change = "key = key || '~'"
    return text(f"UPDATE {table} SET {change} WHERE {key} = (SELECT min({key}) FROM {table})")


def test_off_when_the_size_is_zero(seeded_db):
    with TestClient(create_app(seeded_db.engine, response_cache_mb=0)) as client:
        with recorded_statements(seeded_db.engine) as sent:
            client.get(PUTIN_EVENTS)
        with recorded_statements(seeded_db.engine) as sent_again:
            client.get(PUTIN_EVENTS)
    assert sent and len(sent_again) == len(sent)


def test_errors_and_health_are_not_kept(seeded_db, cached):
    for path in ("/events/999999", "/health"):
        cached.get(path)
        with recorded_statements(seeded_db.engine) as sent:
            cached.get(path)
        assert sent, path


def test_the_least_recently_used_answers_go_beyond_the_size(seeded_db):
    app = create_app(seeded_db.engine, response_cache_mb=0.02)  # 20 kB: a few small answers
    with TestClient(app) as client:
        cache = _cache_of(app)
        for limit in range(1, 30):
            client.get("/events", params={"limit": limit})
        assert 0 < cache.size <= cache.max_bytes
        assert len(cache.entries) < 29
        with recorded_statements(seeded_db.engine) as sent:
            client.get("/events", params={"limit": 29})  # the newest is still there
        assert sent == []
        with recorded_statements(seeded_db.engine) as sent:
            client.get("/events", params={"limit": 1})  # the oldest is gone
        assert sent


def test_an_answer_larger_than_an_entry_may_be_is_sent_whole_and_not_kept(seeded_db):
    app = create_app(seeded_db.engine, response_cache_mb=0.004)  # entries up to 500 bytes
    with TestClient(app) as client:
        first = client.get("/articles", params={"format": "csv"})
        assert len(first.content) > 500
        again = client.get("/articles", params={"format": "csv"})
        assert again.content == first.content
        assert _cache_of(app).entries == {}


def _cache_of(app):
    """The running application's cache (Starlette builds the middleware on the first request)."""
    layer = app.middleware_stack
    while not isinstance(layer, ResponseCache):
        layer = layer.app
    return layer
