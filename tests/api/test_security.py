"""Security basics: headers on every answer, CORS off unless configured, keys never logged, no traces."""

import logging

from fastapi.testclient import TestClient

from app.main import create_app


def test_security_headers_on_data_errors_and_docs(client):
    for url in ("/events", "/events/999999", "/openapi.json", "/docs", "/events?format=csv"):
        response = client.get(url)
        assert response.headers["x-content-type-options"] == "nosniff", url
        assert response.headers["x-frame-options"] == "DENY", url
        assert response.headers["referrer-policy"] == "no-referrer", url
    assert client.get("/events").headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert "content-security-policy" not in client.get("/docs").headers  # the docs page runs its scripts


def test_cors_is_off_unless_configured(seeded):
    origin = {"Origin": "https://analyst.example"}
    with TestClient(create_app(seeded.engine, cors_origins=[])) as client:
        assert "access-control-allow-origin" not in client.get("/events", headers=origin).headers
        preflight = client.options("/events", headers={**origin, "Access-Control-Request-Method": "GET"})
        assert "access-control-allow-origin" not in preflight.headers
    with TestClient(create_app(seeded.engine, cors_origins=["https://analyst.example"])) as client:
        assert client.get("/events", headers=origin).headers["access-control-allow-origin"] == "https://analyst.example"
        other = client.get("/events", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_api_keys_never_reach_the_logs(seeded, caplog):
    secret = "very-secret-key-value"
    app = create_app(seeded.engine, api_keys=[secret])
    with TestClient(app, raise_server_exceptions=False) as client, caplog.at_level(logging.DEBUG):
        client.post("/articles", json={"text": "x"}, headers={"X-API-Key": secret + "-wrong"})
        client.post("/articles", json={"text": "Short text."}, headers={"Authorization": f"Bearer {secret}"})
    assert secret not in caplog.text
