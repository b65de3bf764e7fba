"""Helpers that turn API answers into stable names (event dates, seed file prefixes), not database ids, and
record the SQL an engine runs."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event


def event_ids_by_date(client: TestClient) -> dict[str, int]:
    return {e["date"]: e["id"] for e in client.get("/events").json()["items"]}


def article_ids_by_seed(client: TestClient) -> dict[str, int]:
    items = client.get("/articles", params={"limit": 500}).json()["items"]
    return {a["source"].rsplit("/", 1)[-1][:3]: a["id"] for a in items}


def entity_id(client: TestClient, path: str, name: str) -> int:
    items = client.get(path, params={"limit": 500}).json()["items"]
    return next(item["id"] for item in items if item["name"] == name)


def assert_error(response, status: int, code: str, message: str) -> None:
    assert response.status_code == status
    body = response.json()
    assert body["error"]["status"] == status
    assert body["error"]["code"] == code
    assert body["error"]["message"] == message
    assert set(body) == {"error"}


@contextmanager
def recorded_statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every (SQL, parameters) sent through ``engine``'s connections inside the block, in order."""
    sent: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)
