"""Helpers that turn API answers into stable names (event dates, seed file prefixes), not database ids."""

from fastapi.testclient import TestClient


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
