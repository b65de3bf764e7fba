"""POST, PATCH and DELETE /articles: every status code, idempotency (also under 20 parallel posts on a real
server), auth, validation, link counts after delete and patch, and API ingest == bulk ingest."""

import json
import os
import stat
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlmodel import Session

from app.api.auth import configured_keys, ensure_key_file
from app.config import Settings
from app.ingest.sources import records
from app.main import create_app
from app.models import Article
from app.services.ingest import ingest_records
from scripts.post_articles import payload, post_all
from tests.api.helpers import assert_error, recorded_statements
from tests.conftest import CORPUS, SEEDS
from tests.dump import dump
from tests.live import live_server

KEY = "test-key-0123456789"
AUTH = {"X-API-Key": KEY}
ARTICLE = {
    "text": (
        "MOSCOW, March 14 (Reuters) - President Vladimir Putin ordered the main part of Russia's military "
        "contingent in Syria to start withdrawing from Tuesday, saying the intervention had largely achieved "
        "its objectives.\n\nPutin gave the order at a Kremlin meeting with Defence Minister Sergei Shoigu and "
        "Foreign Minister Sergei Lavrov, the Kremlin said. Russia will keep its Hmeimim air base and its naval "
        "facility at Tartus, officials said."
    ),
    "outlet": "Reuters",
    "published_at": "2016-03-14",
    "url": "https://example.org/2016/03/14/putin-orders-withdrawal",
}


MORE = "\n\nThe withdrawal is expected to take several months, a defence ministry official told reporters in Moscow."


@pytest.fixture
def api(db):
    with TestClient(create_app(db.engine, api_keys=[KEY, "second-key"])) as client:
        yield client


def count_articles(db) -> int:
    with Session(db.engine) as session:
        return session.execute(select(func.count()).select_from(Article)).scalar_one()


def test_post_creates_the_article_with_its_links(api, db):
    response = api.post("/articles", json=ARTICLE, headers=AUTH)
    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == f"/articles/{body['id']}"
    assert body["title"] and body["outlet"] == "Reuters" and body["published_at"] == "2016-03-14"
    assert [(e["date"], e["relation"]) for e in body["events"]] == [("2016-03-14", "reports")]
    assert {"Vladimir Putin", "Sergei Shoigu"} <= {a["name"] for a in body["actors"]}
    assert {"Hmeimim", "Tartus"} <= {b["name"] for b in body["bases"]}
    for link in body["actors"]:
        ev = link["evidence"]
        assert body["clean_text"][ev["start"] : ev["end"]] == ev["sentence"]
    assert api.get(response.headers["location"]).json() == body
    assert count_articles(db) == 1


def test_posting_the_same_article_again_is_a_200_that_changes_nothing(api, db):
    first = api.post("/articles", json=ARTICLE, headers=AUTH).json()
    events = api.get("/events").json()
    again = api.post("/articles", json=ARTICLE, headers=AUTH)
    assert again.status_code == 200 and again.json() == first
    assert again.headers["location"] == f"/articles/{first['id']}"
    same_url = api.post("/articles", json={**ARTICLE, "text": "Completely different words here."}, headers=AUTH)
    assert same_url.status_code == 200 and same_url.json()["id"] == first["id"]
    same_text = {**ARTICLE, "url": "https://mirror.example.net/copy", "text": "  " + ARTICLE["text"].upper() + " "}
    assert api.post("/articles", json=same_text, headers=AUTH).json()["id"] == first["id"]
    assert count_articles(db) == 1 and api.get("/events").json() == events


def test_idempotency_key_replays_the_first_answer_and_refuses_another_body(api, db):
    headers = {**AUTH, "Idempotency-Key": "job-42"}
    first = api.post("/articles", json=ARTICLE, headers=headers)
    replay = api.post("/articles", json=ARTICLE, headers=headers)
    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.json()["id"] == first.json()["id"]
    other = {**ARTICLE, "url": "https://example.org/other", "text": "Another article entirely, about ships."}
    assert_error(
        api.post("/articles", json=other, headers=headers),
        422,
        "invalid_parameter",
        "This Idempotency-Key was already used with a different request body; use a new key.",
    )
    assert count_articles(db) == 1


def test_writes_need_a_valid_key(api, db):
    missing = api.post("/articles", json=ARTICLE)
    assert_error(
        missing,
        401,
        "unauthorized",
        "An API key is required for writes: send it as X-API-Key or Authorization: Bearer.",
    )
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert_error(
        api.post("/articles", json=ARTICLE, headers={"X-API-Key": "wrong"}),
        403,
        "forbidden",
        "The API key is not valid.",
    )
    assert_error(
        api.delete("/articles/1", headers={"Authorization": "Bearer wrong"}),
        403,
        "forbidden",
        "The API key is not valid.",
    )
    assert_error(api.patch("/articles/1", json={"title": "x"}), 401, "unauthorized", missing.json()["error"]["message"])
    assert count_articles(db) == 0
    assert api.post("/articles", json=ARTICLE, headers={"Authorization": "Bearer second-key"}).status_code == 201
    assert api.get("/articles").status_code == 200  # reads are public


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "body: Value error, give exactly one of 'text' and 'html'"),
        ({"text": "a", "html": "<p>a</p>"}, "body: Value error, give exactly one of 'text' and 'html'"),
        ({"text": "   \n "}, "body: Value error, the article body is empty"),
        (
            {"text": "x", "published_at": "2016-02-30"},
            "body.published_at: Input should be a valid date or datetime, day value is outside expected range",
        ),
        ({"text": "x", "url": "example.org/x"}, "body.url: Value error, url must be an absolute http or https URL"),
        (
            {"text": "x", "url": "javascript:alert(1)"},
            "body.url: Value error, url must be an absolute http or https URL",
        ),
        (
            {"text": "x", "language": "english"},
            "body.language: String should match pattern '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$'",
        ),
        ({"text": "x", "author": "me"}, "body.author: Extra inputs are not permitted"),
        ({"text": 42}, "body.text: Input should be a valid string"),
    ],
)
def test_bad_bodies_are_clear_422s(api, db, body, message):
    assert_error(api.post("/articles", json=body, headers=AUTH), 422, "invalid_parameter", message)
    assert count_articles(db) == 0


def test_body_over_the_limit_is_a_413_and_other_media_types_a_415(api):
    big = {"text": "word " * 250_000}
    assert_error(
        api.post("/articles", json=big, headers=AUTH),
        413,
        "payload_too_large",
        "The request body is larger than the limit of 1000000 bytes.",
    )

    def chunks():
        for _ in range(300):
            yield b"x" * 4096

    chunked = api.post("/articles", content=chunks(), headers={**AUTH, "Content-Type": "application/json"})
    assert chunked.status_code == 413
    assert_error(
        api.post("/articles", content=ARTICLE["text"], headers={**AUTH, "Content-Type": "text/plain"}),
        415,
        "unsupported_media_type",
        "Send the body as JSON with Content-Type: application/json (got 'text/plain').",
    )
    assert api.post("/articles", data={"text": "x"}, headers=AUTH).status_code == 415


def test_unparseable_bodies_are_400s_not_500s(api):
    for raw in (b'{"text": "\xff\xfe"}', b"[" * 100_000, b'{"text": '):
        response = api.post("/articles", content=raw, headers={**AUTH, "Content-Type": "application/json"})
        assert response.status_code in (400, 422), raw[:20]
        assert response.json()["error"]["status"] == response.status_code


def test_text_that_is_not_an_article_is_accepted_with_no_event(api):
    response = api.post("/articles", json={"text": "Hello there, world."}, headers=AUTH)
    assert response.status_code == 201 and response.json()["events"] == []


def _event(api, date):
    return next(e for e in api.get("/events").json()["items"] if e["date"] == date)


def test_a_later_post_does_not_look_up_the_actors_and_bases_an_earlier_post_stored(api, db):
    assert api.post("/articles", json=ARTICLE, headers=AUTH).status_code == 201
    later = {**ARTICLE, "url": ARTICLE["url"] + "-update", "text": ARTICLE["text"] + MORE}
    with recorded_statements(db.engine) as sent:
        response = api.post("/articles", json=later, headers=AUTH)
    statements = [statement.lower() for statement, _parameters in sent]
    assert response.status_code == 201
    names = {a["name"] for a in response.json()["actors"]} | {b["name"] for b in response.json()["bases"]}
    assert {"Vladimir Putin", "Sergei Shoigu", "Hmeimim"} <= names
    lookups = ("insert into actor", "insert into base", "where actor.name", "where base.name")
    touching = [s for s in statements if any(lookup in s for lookup in lookups)]
    assert touching == [], touching


def test_delete_recounts_events_and_removes_an_event_left_without_articles(api, db):
    first = api.post("/articles", json=ARTICLE, headers=AUTH).json()["id"]
    second_body = {
        **ARTICLE,
        "url": "https://example.net/b",
        "outlet": "BBC News",
        "text": ARTICLE["text"] + MORE,
    }
    second = api.post("/articles", json=second_body, headers=AUTH).json()["id"]
    event = _event(api, "2016-03-14")
    assert (event["article_count"], event["source_count"]) == (2, 2)
    assert api.delete(f"/articles/{first}", headers=AUTH).status_code == 204
    assert api.get(f"/articles/{first}").status_code == 404
    event = _event(api, "2016-03-14")
    assert (event["article_count"], event["source_count"]) == (1, 1)
    assert api.delete(f"/articles/{second}", headers=AUTH).status_code == 204
    assert api.get("/events").json()["total"] == 0
    with db.engine.connect() as conn:
        for table in ("article_event", "article_actor", "article_base", "event_actor", "event_base"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0, table
    assert_error(api.delete(f"/articles/{second}", headers=AUTH), 404, "not_found", f"Article {second} not found.")
    assert api.post("/articles", json=ARTICLE, headers=AUTH).status_code == 201  # may be posted again


def test_patch_corrects_metadata_and_relinks(api, db):
    created = api.post("/articles", json={**ARTICLE, "published_at": "2016-03-20"}, headers=AUTH).json()
    other = api.post(
        "/articles",
        json={**ARTICLE, "url": "https://example.net/b", "outlet": "BBC News", "text": ARTICLE["text"] + MORE},
        headers=AUTH,
    ).json()
    response = api.patch(
        f"/articles/{created['id']}",
        json={"published_at": "2016-03-14", "outlet": "BBC News", "title": "Corrected"},
        headers=AUTH,
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["outlet"], body["published_at"]) == ("Corrected", "BBC News", "2016-03-14")
    assert [(e["date"], e["relation"]) for e in body["events"]] == [("2016-03-14", "reports")]
    event = _event(api, "2016-03-14")
    assert event["article_count"] == 2 and event["source_count"] == 1  # both articles now from one outlet
    assert api.get("/events").json()["total"] == 1  # the event the wrong date made is gone
    cleared = api.patch(f"/articles/{created['id']}", json={"url": None}, headers=AUTH).json()
    assert cleared["url"] is None and cleared["id"] == created["id"]
    assert_error(
        api.patch(f"/articles/{created['id']}", json={"url": other["url"]}, headers=AUTH),
        409,
        "conflict",
        f"Another article already has the url {other['url']}.",
    )
    assert_error(
        api.patch(f"/articles/{created['id']}", json={}, headers=AUTH),
        422,
        "invalid_parameter",
        "body: Value error, give at least one of title, url, outlet, published_at",
    )
    assert_error(
        api.patch("/articles/999", json={"title": "x"}, headers=AUTH), 404, "not_found", "Article 999 not found."
    )


def test_serve_key_file_is_created_owner_only_and_read_back(tmp_path):
    path = tmp_path / "var" / "api-key"
    key, created = ensure_key_file(path)
    assert created and len(key) >= 40
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert ensure_key_file(path) == (key, False)
    assert configured_keys(Settings(api_keys="", api_key_file=path)) == [key]
    assert configured_keys(Settings(api_keys="a, b", api_key_file=path)) == ["a", "b"]


def test_twenty_parallel_posts_of_one_article_store_one_row(db):
    app = create_app(db.engine, api_keys=[KEY])
    with live_server(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as client:

        def post(_):
            return client.post("/articles", json=ARTICLE, headers=AUTH)

        with ThreadPoolExecutor(max_workers=20) as pool:
            responses = list(pool.map(post, range(20)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 19 + [201], [r.text for r in responses if r.status_code >= 300]
    assert len({r.json()["id"] for r in responses}) == 1
    assert count_articles(db) == 1
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM event")).scalar_one() == 1
        assert conn.execute(text("SELECT article_count FROM event")).scalar_one() == 1


def test_twenty_parallel_posts_with_one_idempotency_key_store_one_row(db):
    app = create_app(db.engine, api_keys=[KEY])
    headers = {**AUTH, "Idempotency-Key": "same"}
    with (
        live_server(app) as base_url,
        httpx.Client(base_url=base_url, timeout=30) as client,
        ThreadPoolExecutor(max_workers=20) as pool,
    ):
        responses = list(pool.map(lambda _: client.post("/articles", json=ARTICLE, headers=headers), range(20)))
    assert all(r.status_code in (200, 201) for r in responses), [r.text for r in responses]
    assert count_articles(db) == 1


def test_posting_the_corpus_through_the_api_builds_what_the_bulk_ingest_builds(
    db, tmp_path, sqlite_template, pg_migrated_template
):
    from tests.conftest import fresh_database

    paths = [SEEDS, CORPUS / "articles"]
    with TestClient(create_app(db.engine, api_keys=[KEY])) as client:
        report = post_all(client, records(paths), KEY)
    assert (report.created, report.failed) == (29, 0), report.failures
    with TestClient(create_app(db.engine, api_keys=[KEY])) as client:
        again = post_all(client, records(paths), KEY)
    assert (again.created, again.duplicate, again.failed) == (0, 29, 0)

    for bulk in fresh_database(db.backend, tmp_path, sqlite_template, pg_migrated_template):
        summary = ingest_records(bulk.engine, records(paths))
        assert summary.created == 29
        assert dump(db.engine) == dump(bulk.engine)
        with TestClient(create_app(bulk.engine, api_keys=[KEY])) as client:  # the CLI and the script agree
            assert post_all(client, records(paths), KEY).line() == "created 0, duplicate 29, failed 0"
        summary = ingest_records(db.engine, records(paths))
        assert (summary.created, summary.duplicate) == (0, 29)


def test_script_payload_carries_the_manifest_metadata():
    record = next(r for r in records([SEEDS]) if r.article.outlet)
    body = payload(record)
    assert body["outlet"] == record.article.outlet and body["published_at"] == record.article.published_at.isoformat()
    assert json.dumps(body)
