"""Read answers are built as plain data and serialised once (``app/api/rendering.py``), without pydantic models.

Each JSON answer must be byte for byte what FastAPI sends when it validates data against the route's response
model and serialises the model; each export must hold exactly the rows of the JSON pages, flattened by the
rules the README gives (lists joined with ``; ``, event links as ``id:relation``, formulas defused).
"""

import csv
import io
import json

import pytest
from pydantic import TypeAdapter
from sqlalchemy import select
from sqlmodel import Session

from app.db import read
from app.models import Article
from app.schemas import (
    ActorPublic,
    ArticleDetail,
    ArticlePublic,
    BasePublic,
    EventDetail,
    EventPublic,
    Page,
)
from app.services.snippets import article_snippets
from tests.api.helpers import article_ids_by_seed, entity_id, event_ids_by_date

LISTS = [
    ("/events", {}, EventPublic),
    ("/events", {"sort": "date", "limit": 1}, EventPublic),
    ("/events", {"q": "syria", "sort": "relevance"}, EventPublic),
    ("/events", {"actor": "putin", "date_from": "2016-01-01"}, EventPublic),
    ("/articles", {}, ArticlePublic),
    ("/articles", {"sort": "published", "limit": 2}, ArticlePublic),
    ("/articles", {"q": "hmeimim withdrawal"}, ArticlePublic),
    ("/articles", {"q": "putin", "limit": 2}, ArticlePublic),
    ("/articles", {"outlet": ["CBC News", "Sputnik"], "published_from": "2016-01-01"}, ArticlePublic),
    ("/articles", {"relation": "mentions"}, ArticlePublic),
    ("/actors", {}, ActorPublic),
    ("/actors", {"q": "shoi", "sort": "-name"}, ActorPublic),
    ("/bases", {}, BasePublic),
    ("/bases", {"country": "Syria", "limit": 1}, BasePublic),
]


def _pages(client, path: str, params: dict) -> list[bytes]:
    """Every page of a list, following ``next``."""
    bodies, cursor = [], None
    while True:
        response = client.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.text
        bodies.append(response.content)
        if not (cursor := response.json()["next"]):
            return bodies


def _as_the_model_would_answer(model, body: bytes) -> bytes:
    adapter = TypeAdapter(model)
    return adapter.dump_json(adapter.validate_json(body))


@pytest.mark.parametrize(("path", "params", "item"), LISTS)
def test_every_page_is_its_response_model_serialised(client, path, params, item):
    pages = _pages(client, path, params)
    assert json.loads(pages[0])["items"]
    for body in pages:
        assert body == _as_the_model_would_answer(Page[item], body)


def test_details_are_their_response_models_serialised(client):
    urls = [(f"/events/{event_id}", EventDetail) for event_id in event_ids_by_date(client).values()]
    urls += [(f"/articles/{article_id}", ArticleDetail) for article_id in article_ids_by_seed(client).values()]
    for url, model in urls:
        body = client.get(url).content
        assert body == _as_the_model_would_answer(model, body), url
    details = [client.get(f"/events/{event_id}").json() for event_id in event_ids_by_date(client).values()]
    assert {d["ordering_actor"]["name"] for d in details} == {"Vladimir Putin"}
    assert any(d["figures"] for d in details) and all(d["actors"] and d["bases"] for d in details)


def test_linked_lists_are_their_response_models_serialised(client):
    event_id = event_ids_by_date(client)["2016-03-14"]
    article_id = article_ids_by_seed(client)["001"]
    paths = [
        (f"/events/{event_id}/articles", ArticlePublic),
        (f"/articles/{article_id}/events", EventPublic),
        (f"/actors/{entity_id(client, '/actors', 'Vladimir Putin')}/events", EventPublic),
        (f"/bases/{entity_id(client, '/bases', 'Hmeimim')}/events", EventPublic),
    ]
    for path, item in paths:
        body = client.get(path).content
        assert json.loads(body)["items"], path
        assert body == _as_the_model_would_answer(Page[item], body), path


def _cell(value) -> str:
    """One CSV cell of a JSON value, by the README's rules."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(
            (f"{v['id']}:{v['relation']}" if "relation" in v else str(v["id"])) if isinstance(v, dict) else str(v)
            for v in value
        )
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return str(value)


@pytest.mark.parametrize(("path", "params", "item"), [case for case in LISTS if "limit" not in case[1]])
def test_exports_hold_the_rows_of_the_json_pages(client, path, params, item):
    rows = [row for body in _pages(client, path, params) for row in json.loads(body)["items"]]
    expected = io.StringIO()
    writer = csv.writer(expected)
    writer.writerow(rows[0].keys())
    writer.writerows([_cell(value) for value in row.values()] for row in rows)
    exported = client.get(path, params={**params, "format": "csv"})
    assert exported.text == "\ufeff" + expected.getvalue()
    ndjson = client.get(path, params={**params, "format": "ndjson"})
    assert ndjson.text == "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


@pytest.mark.parametrize("q", ["hmeimim withdrawal", "putin", '"air base" OR troops', "withdraw* -kherson"])
def test_an_articles_snippet_is_the_same_on_any_page(seeded, q):
    """A snippet is made from its own article's text: the same whichever other articles share its page."""
    with Session(seeded.engine) as session:
        ids = [row[0] for row in read(session, select(Article.id)).all()]
        whole = article_snippets(session, ids, q)
        some = ids[1:-1:2]  # a page that is not the whole range
        assert article_snippets(session, some, q) == {i: whole[i] for i in some if i in whole}
    assert whole and all("<mark>" in snippet for snippet in whole.values())
