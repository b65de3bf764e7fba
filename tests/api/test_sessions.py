"""Read routes close their session in their own thread, so that the session dependency need not hop to the
threadpool to close it; a route that does not still gets its session closed (through the threadpool)."""

import pytest
from fastapi.testclient import TestClient

from app.api import deps
from app.main import create_app
from tests.api.helpers import article_ids_by_seed, entity_id, event_ids_by_date


@pytest.fixture
def closes_in_threadpool(monkeypatch) -> list:
    calls = []
    real = deps.run_in_threadpool

    async def counted(func, *args, **kwargs):
        calls.append(getattr(func, "__qualname__", func))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(deps, "run_in_threadpool", counted)
    return calls


def test_reads_hand_their_session_back_without_a_thread_hop(seeded, closes_in_threadpool):
    with TestClient(create_app(seeded.engine)) as client:
        urls = ["/events", "/articles?q=putin", "/actors", "/events?format=csv"]
        urls += [
            f"/events/{event_ids_by_date(client)['2016-03-14']}",
            f"/articles/{article_ids_by_seed(client)['001']}",
        ]
        urls.append("/events/999999")  # a 404 closes its session too
        closes_in_threadpool.clear()
        for url in urls:
            assert client.get(url).status_code in (200, 404), url
        assert closes_in_threadpool == []
        actor = entity_id(client, "/actors", "Vladimir Putin")
        closes_in_threadpool.clear()
        assert client.get(f"/actors/{actor}").status_code == 200
        assert closes_in_threadpool == ["Session.close"]
