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
from tests.api.test_writes import dump
from tests.conftest import ROOT, _fresh

N = 300


def _count(engine) -> int:
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM article")).scalar_one()
    except Exception:  # the writer may hold a lock for a moment
        return 0


def _ingest(url: str, path) -> subprocess.Popen:
    env = {**os.environ, "DRAWDOWN_DATABASE_URL": url}
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

    for reference in _fresh(db.backend, tmp_path, sqlite_template, pg_migrated_template):
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
