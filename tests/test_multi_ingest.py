"""Several `drawdown ingest` processes writing into one database at once (as on several machines), with disjoint
and overlapping inputs, store the same articles, events and links as one process given every input: no event
stored twice by two processes creating it at once, no lost link, no record failed by a deadlock.

Which report of an event is stored first decides its date within the matching window (and so its key, title and
summary), and depends on the order the articles arrive in, even in one process: events are compared by the
articles they gather (see tests/dump.py), their dates within the window."""

import json
import os
import subprocess
import sys
from itertools import islice
from pathlib import Path

import pytest

from app.ingest.sources import records
from app.services.ingest import ingest_records
from app.services.persist import MATCH_WINDOW
from bench.corpus import variants
from tests.conftest import ROOT, fresh_database
from tests.dump import dump, events_by_articles

N = 240
PROCESSES = 3
UNORDERED = ("articles", "actors", "bases", "article_actor", "article_base")  # the same whatever the order


def write_jsonl(path: Path, bodies: list[dict]) -> Path:
    path.write_text("".join(json.dumps(body) + "\n" for body in bodies))
    return path


def inputs(tmp_path: Path, bodies: list[dict], overlapping: bool) -> list[Path]:
    if overlapping:  # each process takes two thirds of the corpus, from its own starting point
        share = 2 * len(bodies) // PROCESSES
        parts = [(bodies + bodies)[k * len(bodies) // PROCESSES :][:share] for k in range(PROCESSES)]
    else:
        parts = [bodies[k::PROCESSES] for k in range(PROCESSES)]
    return [write_jsonl(tmp_path / f"part{k}.jsonl", part) for k, part in enumerate(parts)]


@pytest.mark.slow
@pytest.mark.parametrize("overlapping", [False, True], ids=["disjoint", "overlapping"])
def test_ingest_processes_at_once_store_what_one_process_stores(
    db, tmp_path, sqlite_template, pg_migrated_template, overlapping
):
    # Generated reports of a few dozen orders, so that the processes create and match the same events.
    bodies = [{**body, "url": f"https://example.org/multi/{i}"} for i, body in enumerate(islice(variants(N), N))]
    env = {
        **os.environ,
        "DRAWDOWN_DATABASE_URL": db.url,
        "DRAWDOWN_INGEST_BATCH_ARTICLES": "8",  # many small transactions, so that the processes interleave
    }
    command = [sys.executable, "-m", "app.cli", "ingest", "-q", "--workers", "1"]
    processes = [
        subprocess.Popen(
            [*command, str(path)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for path in inputs(tmp_path, bodies, overlapping)
    ]
    created = 0
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        assert out.strip().endswith("failed 0"), (out, err)
        created += int(out.split("created ")[1].split(",")[0])
    assert created == N

    (tmp_path / "single").mkdir()
    for single in fresh_database(db.backend, tmp_path / "single", sqlite_template, pg_migrated_template):
        summary = ingest_records(single.engine, records([write_jsonl(tmp_path / "all.jsonl", bodies)]))
        assert (summary.created, summary.failed) == (N, 0)
        expected, expected_events = dump(single.engine), events_by_articles(single.engine)
    stored, stored_events = dump(db.engine), events_by_articles(db.engine)
    for table in UNORDERED:
        assert stored[table] == expected[table], table
    assert len(stored["article_event"]) == len(expected["article_event"])
    for table in ("events", "event_actor", "event_base"):
        assert stored_events[table] == expected_events[table], table
    for event, day in expected_events["dates"].items():
        stored_day = stored_events["dates"][event]
        assert stored_day == day if None in (day, stored_day) else abs(stored_day - day) <= MATCH_WINDOW, event
    with db.engine.connect() as conn:
        keys = conn.exec_driver_sql("SELECT count(*), count(DISTINCT key) FROM event").one()
    assert keys[0] == keys[1] == len(expected["events"])
