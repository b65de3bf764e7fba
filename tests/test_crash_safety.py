"""Crash safety: `drawdown ingest` killed with SIGKILL in the middle of a bulk ingest, then run again, leaves
each article stored exactly once with all its links and correct counts - the same database as a run that
was never interrupted - and leaves no worker process behind. Stopped with Ctrl-C, it says so and exits with
status 130, without a traceback and with its workers."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path

import pytest
from sqlalchemy import text

from app.ingest.sources import records
from app.services.ingest import ingest_records
from bench.corpus import articles, variants
from tests.conftest import ROOT, fresh_database
from tests.dump import dump

N = 300


def _count(engine) -> int:
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM article")).scalar_one()
    except Exception:  # the writer may hold a lock for a moment
        return 0


def _ingest(url: str, path, workers: int = 1, batch: int = 50) -> subprocess.Popen:
    """`drawdown ingest` in a session of its own (as a command typed in a terminal has), so that its processes
    can be told apart from any other, and with SIGINT handled as in a terminal (a test run in the background may
    have inherited it ignored). Batches of ``batch`` articles (DRAWDOWN_INGEST_BATCH_ARTICLES), so that a
    signal lands between two of them."""
    env = {
        **os.environ,
        "DRAWDOWN_DATABASE_URL": url,
        "DRAWDOWN_INGEST_BATCH_ARTICLES": str(batch),
        "DRAWDOWN_INGEST_WORKERS": str(workers),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "ingest", "-q", str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _running_in_session(session: int) -> list[int]:
    """The processes of a session that are still running (zombies aside: they have ended, and only wait for a
    parent to collect their status)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.getsid(int(entry.name)) == session:
                state = (entry / "stat").read_text().rpartition(")")[2].split()[0]
                if state != "Z":
                    found.append(int(entry.name))
        except (ProcessLookupError, PermissionError, FileNotFoundError):
            continue
    return found


def _assert_no_process_left(session: int) -> None:
    deadline = time.monotonic() + 10
    while left := _running_in_session(session):
        assert time.monotonic() < deadline, f"processes left running: {left}"
        time.sleep(0.05)


def _wait_for_articles(process: subprocess.Popen, engine, count: int) -> None:
    deadline = time.monotonic() + 120
    while _count(engine) < count:
        assert process.poll() is None, "the ingest finished before it could be stopped: raise N"
        assert time.monotonic() < deadline
        time.sleep(0.01)


@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_during_bulk_ingest_then_rerun_stores_every_article_once(
    db, tmp_path, sqlite_template, pg_migrated_template, workers
):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(v) + "\n" for v in islice(variants(N), N)), encoding="utf-8")

    process = _ingest(db.url, corpus, workers)
    _wait_for_articles(process, db.engine, N // 3)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    _assert_no_process_left(process.pid)
    interrupted_at = _count(db.engine)
    assert 0 < interrupted_at < N

    rerun = _ingest(db.url, corpus, workers)
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


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_stops_the_ingest_and_its_workers_cleanly_and_a_rerun_finishes_the_job(db, tmp_path, workers):
    n = 400
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in articles(n)), encoding="utf-8")

    process = _ingest(db.url, corpus, workers, batch=10)
    _wait_for_articles(process, db.engine, 10)
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C in a terminal: to every process of the foreground group
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert out == ""
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    message = err.strip().splitlines()[-1]
    assert re.fullmatch(
        r"interrupted: created (\d+), duplicate 0, failed 0 before the stop \(stored, whole\); "
        r"run the same command again to ingest the rest",
        message,
    ), message
    _assert_no_process_left(process.pid)
    interrupted_at = _count(db.engine)
    assert int(re.search(r"created (\d+)", message).group(1)) == interrupted_at
    assert 10 <= interrupted_at < n

    rerun = _ingest(db.url, corpus, workers)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    assert out.strip() == f"created {n - interrupted_at}, duplicate {interrupted_at}, failed 0"


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
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", "1"],  # the process that answers
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


def test_ctrl_c_during_a_commit_waits_until_the_batch_is_reported(db, tmp_path, monkeypatch):
    """The interrupted ingest tells how many articles it stored from what it reported: a SIGINT that lands while a
    batch commits must not stop it between the commit and the report."""
    from sqlmodel import Session

    commit = Session.commit
    signalled = []

    def commit_with_a_ctrl_c(self):
        if not signalled:
            signalled.append(True)
            signal.raise_signal(signal.SIGINT)  # arrives while the batch is written
        commit(self)

    monkeypatch.setattr(Session, "commit", commit_with_a_ctrl_c)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in articles(40)), encoding="utf-8")
    reported = []
    with pytest.raises(KeyboardInterrupt):
        ingest_records(
            db.engine,
            records([corpus]),
            on_progress=lambda _record, outcome: reported.append(outcome),
            batch_articles=10,
        )
    assert signalled
    assert reported == ["created"] * 10
    assert _count(db.engine) == 10
