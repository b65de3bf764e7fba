"""Many readers and writers at once against a real server on loopback, for a bounded time, on SQLite (WAL,
busy timeout, writers taking the lock up front) and PostgreSQL: no error reaches a client, no duplicate is
stored and no acknowledged write is lost."""

import threading
import time
from itertools import islice

import httpx
from sqlalchemy import text

from app.main import create_app
from bench.corpus import variants
from tests.live import live_server

KEY = "load-key"
SECONDS = 4
READERS, WRITERS = 8, 4
MIN_POSTS = 4  # per writer, even past SECONDS on a slow machine, so there is always enough to check
READ_PATHS = [
    "/events",
    "/articles?limit=20",
    "/articles?q=withdrawal",
    "/actors?q=pu",
    "/events?format=csv",
    "/health",
]


def test_readers_and_writers_at_once_lose_nothing_and_see_no_errors(db):
    articles = list(islice(variants(400), 400))
    failures: list[str] = []
    acknowledged: dict[int, str] = {}
    reads = [0]
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS
    writers_done = threading.Event()

    with live_server(create_app(db.engine, api_keys=[KEY])) as base_url:

        def reader(n: int) -> None:
            with httpx.Client(base_url=base_url, timeout=30) as client:
                i = n
                while not writers_done.is_set():
                    response = client.get(READ_PATHS[i % len(READ_PATHS)])
                    i += 1
                    with lock:
                        reads[0] += 1
                        if response.status_code != 200:
                            failures.append(f"GET {response.status_code} {response.text[:200]}")

        def writer(n: int) -> None:
            with httpx.Client(base_url=base_url, timeout=30) as client:
                for posted, i in enumerate(range(n, len(articles), WRITERS)):
                    if time.monotonic() >= stop and posted >= MIN_POSTS:
                        return
                    body = {**articles[i], "url": f"https://example.org/load/{i}"}
                    response = client.post("/articles", json=body, headers={"X-API-Key": KEY})
                    with lock:
                        if response.status_code == 201:
                            acknowledged[response.json()["id"]] = body["url"]
                        elif response.status_code != 200:
                            failures.append(f"POST {response.status_code} {response.text[:200]}")
                    # the same article again, at once: must be a duplicate, never a second row
                    again = client.post("/articles", json=body, headers={"X-API-Key": KEY})
                    with lock:
                        if again.status_code != 200:
                            failures.append(f"re-POST {again.status_code} {again.text[:200]}")

        readers = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
        writers = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for thread in readers + writers:
            thread.start()
        for thread in writers:
            thread.join(timeout=120)
        writers_done.set()
        for thread in readers:
            thread.join(timeout=120)

    print(
        f"\n{db.backend}: {reads[0]} reads and {len(acknowledged)} created (+ as many duplicate) posts in {SECONDS} s"
    )
    assert not failures, failures[:5]
    assert reads[0] > 50 and len(acknowledged) > 10, (reads[0], len(acknowledged))
    with db.engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, url FROM article")).all())
        stale = conn.execute(
            text(
                "SELECT count(*) FROM event e WHERE article_count != (SELECT count(*) FROM article_event l WHERE l.event_id = e.id)"
            )
        ).scalar_one()
        keys = conn.execute(text("SELECT count(*), count(DISTINCT key) FROM event")).one()
    for article_id, url in acknowledged.items():
        assert rows.get(article_id) == url
    assert len(rows) == len(set(rows.values())) >= len(acknowledged)
    assert stale == 0 and keys[0] == keys[1]
