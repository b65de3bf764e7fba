"""A full-text search ranks a bounded set of candidates and counts its matches up to a limit, on SQLite and
PostgreSQL; lists without ``q`` count exactly.

The database holds more articles than ``search.CANDIDATES`` (inserted directly, not through the pipeline, to
stay quick): every one says "troops" (a word matching everything, as common words do in a topical corpus),
one in three says "hmeimim", and a few recent ones name it in their title; two words match exactly as many
articles as the candidates, and one more.
"""

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlmodel import Session

from app.main import create_app
from app.models import Article
from app.services.search import CANDIDATES, TOTAL_LIMIT
from tests.conftest import BACKENDS, fresh_database

ARTICLES = CANDIDATES + 300
HMEIMIM_EVERY = 3
TITLED = {ARTICLES - 40, ARTICLES - 400, ARTICLES - 900}  # recent articles naming Hmeimim in their title
OUTLETS = ("BBC News", "Reuters")
# Words of the most recent articles from these ids on: as many matches as the candidates, and one more.
EDGES = {"edgeexact": ARTICLES - CANDIDATES + 1, "edgebeyond": ARTICLES - CANDIDATES}


def body(i: int) -> str:
    words = ["troops", "leave", "the", "base"] * 5
    if i % HMEIMIM_EVERY == 0:
        words[3] = "hmeimim"
    edge = [word for word, first in EDGES.items() if i >= first]
    return " ".join(words + edge) + f" report {i}."


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, tmp_path_factory, sqlite_template, pg_migrated_template) -> Iterator[TestClient]:
    for database in fresh_database(
        request.param, tmp_path_factory.mktemp("bounds"), sqlite_template, pg_migrated_template
    ):
        now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        rows = [
            {
                "id": i,
                "title": "Troops leave Hmeimim" if i in TITLED else f"Report {i}",
                "outlet": OUTLETS[i % 2],
                # Published in the opposite order of their ids: a date order is not the candidates' order.
                "published_at": dt.date(2024, 12, 31) - dt.timedelta(days=i),
                "language": "en",
                "raw_format": "text",
                "raw_text": body(i),
                "clean_text": body(i),
                "content_hash": f"{i:064x}",
                "extractor_version": "test",
                "given": {},
                "created_at": now,
                "updated_at": now,
            }
            for i in range(1, ARTICLES + 1)
        ]
        with Session(database.engine) as session:
            session.execute(insert(Article), rows)
            session.commit()
        with TestClient(create_app(database.engine, api_keys=[])) as test_client:
            yield test_client


def walk(client: TestClient, params: dict) -> tuple[list[dict], list[dict]]:
    """Every page of ``/articles`` with ``params`` (500 a page): the pages' bodies and all their items."""
    pages, items, cursor = [], [], None
    while True:
        answer = client.get("/articles", params={**params, "limit": 500, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.text
        pages.append(answer.json())
        items += pages[-1]["items"]
        cursor = pages[-1]["next"]
        if cursor is None:
            return pages, items


def test_a_search_matching_more_than_the_limit_counts_up_to_it_and_says_so(client):
    pages, items = walk(client, {"q": "troops"})
    assert {(p["total"], p["total_relation"]) for p in pages} == {(TOTAL_LIMIT, "gte")}
    # Relevance ranks the most recently added matches: every article is one, so the highest ids.
    assert sorted(item["id"] for item in items) == list(range(ARTICLES - CANDIDATES + 1, ARTICLES + 1))


def test_a_search_ranks_its_candidates_best_first_with_snippets(client):
    first = client.get("/articles", params={"q": "hmeimim troops"}).json()
    matching = [i for i in range(1, ARTICLES + 1) if i % HMEIMIM_EVERY == 0 or i in TITLED]
    assert (first["total"], first["total_relation"]) == (len(matching), "eq")
    ids = [item["id"] for item in first["items"]]
    assert set(ids[: len(TITLED)]) == TITLED  # title matches weigh more
    assert all("<mark>" in item["snippet"] for item in first["items"])
    _pages, items = walk(client, {"q": "hmeimim troops"})
    assert sorted(item["id"] for item in items) == matching  # fewer than the candidates: all of them, once


def test_a_search_in_date_order_pages_through_every_match(client):
    pages, items = walk(client, {"q": "troops", "sort": "-published"})
    assert {(p["total"], p["total_relation"]) for p in pages} == {(TOTAL_LIMIT, "gte")}
    assert [item["id"] for item in items] == list(range(1, ARTICLES + 1))
    assert all("<mark>troops</mark>" in item["snippet"] for item in items)


def test_a_search_with_another_filter_ranks_the_matches_that_pass_it(client):
    pages, items = walk(client, {"q": "troops", "outlet": "BBC News"})
    expected = [i for i in range(1, ARTICLES + 1) if OUTLETS[i % 2] == "BBC News"]
    assert {(p["total"], p["total_relation"]) for p in pages} == {(len(expected), "eq")}
    assert sorted(item["id"] for item in items) == expected


@pytest.mark.parametrize("params", [{}, {"outlet": "Reuters"}, {"published_from": "2022-01-01"}])
def test_lists_without_q_count_exactly_past_the_limit(client, params):
    answer = client.get("/articles", params=params).json()
    expected = {
        "outlet": lambda i: OUTLETS[i % 2] == "Reuters",
        "published_from": lambda i: dt.date(2024, 12, 31) - dt.timedelta(days=i) >= dt.date(2022, 1, 1),
    }
    count = sum(1 for i in range(1, ARTICLES + 1) if all(expected[name](i) for name in params))
    assert (answer["total"], answer["total_relation"]) == (count, "eq")


def test_openapi_documents_total_relation(client):
    page = client.get("/openapi.json").json()["components"]["schemas"]["Page_ArticlePublic_"]
    relation = page["properties"]["total_relation"]
    assert relation["enum"] == ["eq", "gte"]
    assert f"{TOTAL_LIMIT:,}" in relation["description"]
    assert "total_relation" in page["required"]


@pytest.mark.parametrize(("word", "relation"), [("edgeexact", "eq"), ("edgebeyond", "gte")])
def test_a_ranked_search_counts_its_matches_exactly_up_to_the_candidates(client, word, relation):
    """Matches as many as the candidates: all ranked, the total exact; one more: the total is a lower bound, and
    the oldest match is the one left out."""
    pages, items = walk(client, {"q": word})
    assert {(p["total"], p["total_relation"]) for p in pages} == {(CANDIDATES, relation)}
    assert sorted(item["id"] for item in items) == list(range(ARTICLES - CANDIDATES + 1, ARTICLES + 1))
    date_order = walk(client, {"q": word, "sort": "-published"})[0]
    assert {(p["total"], p["total_relation"]) for p in date_order} == {(CANDIDATES, relation)}
