"""Crash safety: `drawdown ingest` killed with SIGKILL in the middle of a bulk ingest, then run again, leaves
each article stored exactly once with all its links and correct counts - the same database as a run that
was never interrupted."""

import json
import os
import signal
import subprocess
import sys
import time
from itertools import islice

from sqlalchemy import text

from app.ingest.sources import records
from app.services.ingest import ingest_records
from bench.corpus import variants
from tests.conftest import ROOT, fresh_database
from tests.dump import dump

N = 300


def _count(engine) -> int:
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM article")).scalar_one()
    except Exception:  # the writer may hold a lock for a moment
        return 0


def _ingest(url: str, path) -> subprocess.Popen:
    # Batches of 50 (DRAWDOWN_INGEST_BATCH_ARTICLES), so that the kill lands between two of them.
    env = {**os.environ, "DRAWDOWN_DATABASE_URL": url, "DRAWDOWN_INGEST_BATCH_ARTICLES": "50"}
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "ingest", "-q", str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sigkill_during_bulk_ingest_then_rerun_stores_every_article_once(
    db, tmp_path, sqlite_template, pg_migrated_template
):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(v) + "\n" for v in islice(variants(N), N)), encoding="utf-8")

    process = _ingest(db.url, corpus)
    deadline = time.monotonic() + 120
    while _count(db.engine) < N // 3:
        assert process.poll() is None, "the ingest finished before it could be killed: raise N"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    interrupted_at = _count(db.engine)
    assert 0 < interrupted_at < N

    rerun = _ingest(db.url, corpus)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    summary = out.strip().splitlines()[-1]
    created, duplicate = (int(part.split()[1]) for part in summary.split(", ")[:2])
    assert created + duplicate == N and duplicate >= interrupted_at, summary

    for reference in fresh_database(db.backend, tmp_path, sqlite_template, pg_migrated_template):
        ingest_records(reference.engine, records([corpus]))
        assert dump(db.engine) == dump(reference.engine)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM article")).scalar_one() == created + interrupted_at
        stale = conn.execute(
            text(
                "SELECT count(*) FROM event e WHERE article_count != "
                "(SELECT count(*) FROM article_event l WHERE l.event_id = e.id)"
            )
        ).scalar_one()
        assert stale == 0


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_server_killed_during_a_stream_of_posts_keeps_every_acknowledged_article(db):
    import httpx

    port, key = _free_port(), "crash-test-key"
    env = {**os.environ, "DRAWDOWN_DATABASE_URL": db.url, "DRAWDOWN_API_KEYS": key, "DRAWDOWN_LOG_LEVEL": "warning"}
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    acknowledged: dict[str, tuple[int, int]] = {}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.05)
            for i, article in enumerate(islice(variants(200), 200)):
                url = f"https://example.org/crash/{i}"
                if i == 40:
                    server.send_signal(signal.SIGKILL)  # mid-stream: some posts are in flight or refused
                try:
                    response = client.post("/articles", json={**article, "url": url}, headers={"X-API-Key": key})
                except httpx.TransportError:
                    break
                if response.status_code in (200, 201):
                    acknowledged[url] = (response.status_code, response.json()["id"])
    finally:
        server.kill()
        server.wait(timeout=10)
    assert len(acknowledged) >= 30
    with db.engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT id, url FROM article")).all())
    for url, (status, article_id) in acknowledged.items():
        assert article_id in stored, url
        if status == 201:  # created under this url (a 200 is a duplicate of an earlier article)
            assert stored[article_id] == url
