"""Exports (CSV, NDJSON), HTTP caching (ETag, 304), full-text index sync, and paging while articles arrive."""

import csv
import io
import json
from collections.abc import Iterator
from itertools import islice

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session

from app.ingest.sources import SourceRecord, records, to_raw
from app.main import create_app
from app.schemas import ArticleCreate
from app.services.articles import ArticleFilters, articles_listing
from app.services.ingest import ingest_records
from app.services.listing import stream
from bench.corpus import variants
from tests.api.helpers import assert_error
from tests.conftest import SEEDS


def walk_ids(client, path, params) -> list[int]:
    ids, cursor = [], None
    while True:
        body = client.get(path, params={**params, "limit": 500, **({"cursor": cursor} if cursor else {})}).json()
        ids += [r["id"] for r in body["items"]]
        if not (cursor := body["next"]):
            return ids


def parse_csv(response) -> list[dict]:
    assert response.text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))


@pytest.fixture
def pool_of_one(seeded) -> Iterator[Engine]:
    """An engine over the seeded database whose pool holds a single connection (waits at most 1 s for it)."""
    sqlite = seeded.backend == "sqlite"
    engine = create_engine(
        seeded.url,
        pool_size=1,
        max_overflow=0,
        pool_timeout=1,
        connect_args={"check_same_thread": False} if sqlite else {},
    )
    yield engine
    engine.dispose()


def test_an_export_holds_one_database_connection_while_it_streams(pool_of_one):
    """The request's session hands its connection back before the stream opens its own: with a pool of one
    connection an export still completes (each export in flight used to hold two, and 8 parallel exports
    exhausted the default pool)."""
    with TestClient(create_app(pool_of_one)) as client:
        response = client.get("/articles", params={"format": "csv"})
    assert response.status_code == 200 and len(parse_csv(response)) == 5


def test_exports_in_flight_hold_no_connection_between_batches(pool_of_one):
    """An export reads each batch through a short session and hands the connection back before its rows go
    out: two exports part-way through their streams, on a pool of one connection, both finish (an export used
    to hold its connection until its client had read the last row, so 16 parallel exports of 10,000 rows
    exhausted the 15 connections of the default pool and the 16th waited 30 s for a 500)."""
    with Session(pool_of_one) as session:
        listing = articles_listing(session, ArticleFilters())
    first = stream(lambda: Session(pool_of_one), listing, start=None, limit=None)
    second = stream(lambda: Session(pool_of_one), listing, start=None, limit=None)
    started = [next(first), next(second)]  # both suspended mid-stream, as slow clients leave them
    rest = [*first], [*second]
    assert [item["id"] for item in [started[0], *rest[0]]] == [item["id"] for item in [started[1], *rest[1]]]
    assert len(rest[0]) == 4


@pytest.mark.parametrize("path", ["/events", "/articles", "/actors", "/bases"])
def test_csv_and_ndjson_hold_every_row_of_the_json_walk_in_order(client, path):
    expected = walk_ids(client, path, {})
    by_param = client.get(path, params={"format": "csv"})
    assert by_param.status_code == 200
    assert by_param.headers["content-type"] == "text/csv; charset=utf-8"
    assert by_param.headers["content-disposition"] == f'attachment; filename="{path.strip("/")}.csv"'
    assert [int(r["id"]) for r in parse_csv(by_param)] == expected
    by_accept = client.get(path, headers={"Accept": "text/csv"})
    assert by_accept.text == by_param.text
    ndjson = client.get(path, params={"format": "ndjson"})
    assert ndjson.headers["content-type"] == "application/x-ndjson"
    lines = ndjson.text.splitlines()
    assert [json.loads(line)["id"] for line in lines] == expected
    assert client.get(path, headers={"Accept": "application/x-ndjson"}).text == ndjson.text


def test_exports_apply_filters_sort_and_an_explicit_limit(client):
    json_rows = client.get("/articles", params={"outlet": ["CBC News", "Sputnik"], "sort": "published"}).json()
    rows = parse_csv(
        client.get("/articles", params={"outlet": ["CBC News", "Sputnik"], "sort": "published", "format": "csv"})
    )
    assert [int(r["id"]) for r in rows] == [a["id"] for a in json_rows["items"]]
    assert len(parse_csv(client.get("/articles", params={"format": "csv", "limit": 2}))) == 2


def test_csv_flattens_lists_and_links(client):
    rows = parse_csv(client.get("/bases", params={"format": "csv", "q": "hmeimim"}))
    assert "Hmeymim" in rows[0]["aliases"].split("; ")
    articles = parse_csv(client.get("/articles", params={"format": "csv"}))
    assert any(":reports" in r["events"] for r in articles)
    assert set(articles[0]) >= {"id", "title", "outlet", "published_at", "events"}


def test_csv_cells_never_start_a_spreadsheet_formula(empty_client, db):
    ingest_records(
        db.engine,
        [
            SourceRecord(
                "formula",
                to_raw(
                    ArticleCreate(
                        text="Officials said on Monday that the talks would continue next week in the capital city.",
                        title='=HYPERLINK("http://evil.invalid")',
                        outlet="+Outlet",
                    ),
                    source="test",
                ),
            )
        ],
    )
    row = parse_csv(empty_client.get("/articles", params={"format": "csv"}))[0]
    assert row["title"] == '\'=HYPERLINK("http://evil.invalid")'
    assert row["outlet"] == "'+Outlet"
    assert empty_client.get("/articles").json()["items"][0]["title"].startswith("=")  # JSON keeps the real value


def test_unsupported_accept_is_a_406(client):
    assert_error(
        client.get("/events", headers={"Accept": "application/xml"}),
        406,
        "not_acceptable",
        "None of the media types in Accept can be produced: use application/json, text/csv, "
        "application/x-ndjson or application/geo+json (or format=json|csv|ndjson|geojson).",
    )
    assert (
        client.get("/events", headers={"Accept": "text/html, */*;q=0.8"})
        .headers["content-type"]
        .startswith("application/json")
    )


@pytest.mark.parametrize(
    "url", ["/events", "/events?format=csv", "/articles?q=putin", "/actors/1", "/openapi.json", "/articles/1"]
)
def test_every_get_has_an_etag_and_answers_304_when_it_matches(client, url):
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"') and first.headers["cache-control"] == "no-cache"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get(url, headers={"If-None-Match": 'W/"other", ' + etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200


def test_etags_change_when_the_data_changes(db, empty_client):
    ingest_records(db.engine, records([SEEDS / "000_2859b6ca3b18d53e.txt"]))
    tags = {url: empty_client.get(url).headers["etag"] for url in ("/articles", "/articles?format=ndjson", "/events")}
    ingest_records(db.engine, records([SEEDS / "001_8e2a99875c5f3b1d.txt"]))
    for url, tag in tags.items():
        response = empty_client.get(url, headers={"If-None-Match": tag})
        assert response.status_code == 200 and response.headers["etag"] != tag, url


def test_errors_carry_no_etag(client):
    response = client.get("/events/999999")
    assert response.status_code == 404 and "etag" not in response.headers


def test_full_text_index_follows_inserts_updates_and_deletes(db, empty_client):
    ingest_records(db.engine, records([SEEDS]))

    def found(q):
        return {a["id"] for a in empty_client.get("/articles", params={"q": q}).json()["items"]}

    target = min(found("putin"))
    assert found("quuxwithdrawal") == set()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE article SET title = 'Quuxwithdrawal announced' WHERE id = :id"), {"id": target})
    assert found("quuxwithdrawal") == {target}
    with db.engine.begin() as conn:
        for table in ("event_actor", "event_base", "article_event", "article_actor", "article_base"):
            conn.execute(text(f"DELETE FROM {table} WHERE article_id = :id"), {"id": target})
        conn.execute(text("DELETE FROM article WHERE id = :id"), {"id": target})
    assert found("quuxwithdrawal") == set()
    assert target not in found("putin")


def test_snippets_escape_the_article_text(db, empty_client):
    body = "Troops <b>withdraw</b> & regroup near the river, the ministry said in a statement on Monday morning."
    ingest_records(db.engine, [SourceRecord("x", to_raw(ArticleCreate(text=body, title="Statement"), source="t"))])
    snippet = empty_client.get("/articles", params={"q": "regroup"}).json()["items"][0]["snippet"]
    assert "<b>" not in snippet and "&amp;" in snippet and "<mark>regroup</mark>" in snippet
    assert "&lt;b&gt;" in snippet or "<" not in snippet.replace("<mark>", "").replace("</mark>", "")  # PG drops tags


def _ingest_variants(engine, start: int, count: int) -> None:
    generated = list(islice(variants(start + count), start, None))
    summary = ingest_records(
        engine,
        (
            SourceRecord(f"v{start + i}", to_raw(ArticleCreate(**v), source=f"v{start + i}"))
            for i, v in enumerate(generated)
        ),
    )
    assert summary.failed == 0, summary.failures


@pytest.mark.parametrize("sort", ["-published", "published"])
def test_walking_every_page_visits_each_article_once_while_articles_arrive(db, sort):
    _ingest_variants(db.engine, 0, 240)
    client = TestClient(create_app(db.engine))
    before = set(walk_ids(client, "/articles", {}))
    assert len(before) >= 230
    seen: list[int] = []
    cursor, page = None, 0
    while True:
        params = {"limit": 37, "sort": sort, **({"cursor": cursor} if cursor else {})}
        body = client.get("/articles", params=params).json()
        seen += [a["id"] for a in body["items"]]
        page += 1
        if page <= 3:  # new articles land between pages, some sorting before and some after the cursor
            _ingest_variants(db.engine, 240 + 10 * page, 10)
        if not (cursor := body["next"]):
            break
    assert len(seen) == len(set(seen)), "an article was served twice"
    assert before <= set(seen), "an article that existed all along was skipped"
    assert client.get("/articles").json()["total"] == len(set(walk_ids(client, "/articles", {})))
