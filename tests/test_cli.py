"""The drawdown command as a user runs it: ingest of files and folders, bad records, idempotency, reprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from app.models import Article, ArticleEvent, Event
from tests.conftest import SEEDS

ARTICLE = (
    "Trump orders US troops out of Syria\n\n"
    "WASHINGTON, Dec. 19, 2018 (Reuters) - President Donald Trump on Wednesday ordered the withdrawal of all "
    "U.S. troops from Syria, a White House official said.\n\n"
    "The decision surprised Pentagon officials, who had argued for keeping about 2,000 troops in the country."
)


def run(db, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DRAWDOWN_DATABASE_URL": db.url}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_ingest_reports_a_summary_and_is_idempotent(db):
    first = run(db, "ingest", "-q", str(SEEDS))
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "created 5, duplicate 0, failed 0"
    second = run(db, "ingest", "-q", str(SEEDS))
    assert second.stdout.strip() == "created 0, duplicate 5, failed 0"


def test_ingest_shows_progress_on_stderr(db):
    result = run(db, "ingest", str(SEEDS))
    assert "5/5" in result.stderr


def test_progress_counts_the_articles_of_a_jsonl_file_not_the_file(db, tmp_path: Path):
    """A 100,000-article file used to show 0/1 file for minutes: the bar counts records, blank lines aside."""
    texts = [f"{ARTICLE} Report {i}." for i in range(3)]
    lines = [json.dumps({"text": t, "outlet": "Reuters", "published_at": "2018-12-19"}) for t in texts]
    (tmp_path / "batch.jsonl").write_text("\n".join([lines[0], "", lines[1], "{not json", lines[2]]) + "\n\n")
    (tmp_path / "one.txt").write_text(ARTICLE + " Standalone.")
    result = run(db, "ingest", str(tmp_path))
    assert result.stdout.strip() == "created 4, duplicate 0, failed 1"
    assert "5/5" in result.stderr and "article" in result.stderr
    assert "/6" not in result.stderr and "/1 " not in result.stderr


def test_a_jsonl_record_holding_a_raw_line_separator_stays_one_record(db, tmp_path: Path):
    record = {"text": ARTICLE + "\u2028Second paragraph.\x0cThird.", "published_at": "2018-12-19"}
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\r\n", encoding="utf-8")
    assert "\u2028" in path.read_text(encoding="utf-8")
    result = run(db, "ingest", str(path))
    assert result.stdout.strip() == "created 1, duplicate 0, failed 0", result.stderr
    assert "1/1" in result.stderr


def test_bad_jsonl_records_are_reported_and_skipped(db, tmp_path: Path):
    lines = [
        json.dumps({"text": ARTICLE, "outlet": "Reuters", "published_at": "2018-12-19"}),
        "{not json",
        json.dumps({"text": "a", "html": "<p>b</p>"}),
        json.dumps({"title": "no body"}),
        json.dumps({"text": "   "}),
        json.dumps({"text": ARTICLE + " Again.", "published_at": "19/12/2018"}),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = run(db, "ingest", "-q", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "created 1, duplicate 0, failed 5"
    assert f"{path}:2: not JSON" in result.stderr
    assert f"{path}:3:" in result.stderr and "exactly one of 'text' and 'html'" in result.stderr
    assert f"{path}:6: published_at" in result.stderr
    with Session(db.engine) as session:
        events = session.execute(select(Event)).scalars().all()
    assert [(e.date.isoformat(), e.country, e.forces_of) for e in events] == [("2018-12-19", "Syria", "United States")]


def test_html_files_and_folders_are_read(db, tmp_path: Path):
    (tmp_path / "nested").mkdir()
    html = (
        "<html><head><title>Trump orders US troops out of Syria</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>Trump orders US troops out of Syria</h1>"
        + "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n\n")[1:])
        + "</article><footer>Copyright 2018. All rights reserved.</footer></body></html>"
    )
    (tmp_path / "nested" / "page.html").write_text(html)
    (tmp_path / "notes.md").write_text("not an article")
    result = run(db, "ingest", "-q", str(tmp_path))
    assert result.stdout.strip() == "created 1, duplicate 0, failed 0"
    with Session(db.engine) as session:
        article = session.execute(select(Article)).scalar_one()
    assert article.title == "Trump orders US troops out of Syria"
    assert "All rights reserved" not in article.clean_text
    assert article.raw_format == "html"


def test_missing_path_is_a_clear_error(db, tmp_path: Path):
    result = run(db, "ingest", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr


def test_an_invalid_setting_is_a_clear_error_and_nothing_is_ingested(db, monkeypatch):
    monkeypatch.setenv("DRAWDOWN_INGEST_BATCH_ARTICLES", "0")
    result = run(db, "ingest", str(SEEDS))
    assert result.returncode == 2
    assert result.stderr.strip() == "invalid setting DRAWDOWN_INGEST_BATCH_ARTICLES=0: Input should be greater than 0"
    with Session(db.engine) as session:
        assert session.exec(select(Article)).first() is None


@pytest.mark.parametrize("workers", ["1", "3"])
def test_ingest_runs_with_the_workers_asked_for(db, workers):
    result = run(db, "ingest", "-q", "--workers", workers, str(SEEDS))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "created 5, duplicate 0, failed 0"


@pytest.mark.parametrize(
    ("args", "environment", "error"),
    [
        (["--workers", "0"], {}, "argument --workers: not a positive whole number: '0'"),
        (["--workers", "two"], {}, "argument --workers: not a positive whole number: 'two'"),
        (
            [],
            {"DRAWDOWN_INGEST_WORKERS": "0"},
            "invalid setting DRAWDOWN_INGEST_WORKERS=0: Input should be greater than 0",
        ),
    ],
)
def test_a_bad_number_of_workers_is_a_clear_error(db, monkeypatch, args, environment, error):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    result = run(db, "ingest", *args, str(SEEDS))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].endswith(error), result.stderr


def test_if_empty_skips_a_database_that_holds_articles(db):
    run(db, "ingest", "-q", str(SEEDS))
    result = run(db, "ingest", "--if-empty", str(SEEDS))
    assert result.returncode == 0
    assert "nothing ingested" in result.stderr


def test_reprocess_keeps_ids_and_links(db):
    run(db, "ingest", "-q", str(SEEDS))

    def snapshot():
        with Session(db.engine) as session:
            return (
                sorted((a.id, a.title) for a in session.execute(select(Article)).scalars()),
                sorted((e.id, e.date, e.article_count) for e in session.execute(select(Event)).scalars()),
                sorted(
                    (link.article_id, link.event_id, link.relation)
                    for link in session.execute(select(ArticleEvent)).scalars()
                ),
            )

    before = snapshot()
    result = run(db, "reprocess", "-q")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "reprocessed 5 articles"
    assert snapshot() == before


def test_a_jsonl_line_that_is_not_utf8_fails_alone(db, tmp_path: Path):
    good = json.dumps({"text": ARTICLE, "outlet": "Reuters", "published_at": "2018-12-19"}).encode()
    path = tmp_path / "broken.jsonl"
    later = json.dumps({"text": ARTICLE + " Later.", "published_at": "2018-12-20"}).encode()
    path.write_bytes(b"\xef\xbb\xbf" + good + b"\n" + b'{"text": "\xff\xfe broken"}\r\n' + later + b"\n")
    result = run(db, "ingest", "-q", str(path))
    assert result.stdout.strip() == "created 2, duplicate 0, failed 1", result.stderr
    assert f"{path}:2: not UTF-8" in result.stderr


@pytest.mark.parametrize(
    ("args", "environment", "error"),
    [
        (["--workers", "0"], {}, "argument --workers: not a positive whole number: '0'"),
        (
            [],
            {"DRAWDOWN_WORKERS": "none"},
            "invalid setting DRAWDOWN_WORKERS=none: Input should be a valid integer, unable to parse string as an integer",
        ),
    ],
)
def test_serve_refuses_a_bad_number_of_workers(db, monkeypatch, args, environment, error):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    result = run(db, "serve", "--port", "1", *args)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].endswith(error), result.stderr
