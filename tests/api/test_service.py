from tests.api.helpers import assert_error


def test_health_reports_database_and_counts(client, seeded):
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["database"] == seeded.backend
    assert (body["articles"], body["events"]) == (5, 2)


def test_docs_pages_and_schema_are_served(client):
    assert client.get("/docs").status_code == 200
    assert client.get("/redoc").status_code == 200
    schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "Drawdown"
    for path in ("/events", "/events/{event_id}", "/articles", "/articles/{article_id}", "/actors", "/bases"):
        assert path in schema["paths"]
    assert "ErrorBody" in schema["components"]["schemas"]


def test_unknown_path_uses_the_common_error_body(client):
    assert_error(client.get("/no/such/thing"), 404, "not_found", "No such endpoint.")


def test_limit_over_the_maximum_is_a_clear_422(client):
    assert_error(
        client.get("/events", params={"limit": 501}),
        422,
        "invalid_parameter",
        "limit must be at most 500; follow 'next' to page through more rows.",
    )


def test_paging_with_cursor_visits_every_row_once(client):
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = client.get("/articles", params=params).json()
        assert body["total"] == 5
        seen.extend(a["id"] for a in body["items"])
        cursor = body["next"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5


def test_forged_cursor_is_a_422(client):
    assert_error(
        client.get("/articles", params={"cursor": "not-a-cursor"}),
        422,
        "invalid_parameter",
        "Invalid cursor: pass the 'next' value of a previous page unchanged, with the same sort.",
    )


def test_wrong_method_uses_the_common_error_body(client):
    response = client.put("/events")
    assert_error(response, 405, "method_not_allowed", "Method Not Allowed")
    assert response.headers["allow"] == "GET"


def test_unexpected_failure_is_a_500_with_the_common_body_and_no_trace(seeded, monkeypatch):
    from fastapi.testclient import TestClient

    from app.main import create_app
    from app.services import events

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(events, "events_listing", broken)
    with TestClient(create_app(seeded.engine), raise_server_exceptions=False) as client:
        response = client.get("/events")
    assert_error(response, 500, "internal_error", "Internal server error.")
    assert "secret" not in response.text


def test_health_is_never_cached(client):
    assert client.get("/health").headers["cache-control"] == "no-store"
