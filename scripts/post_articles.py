"""Post a folder of articles to a Drawdown server, the way a cron job or a client script would.

    python scripts/post_articles.py seeds/ tests/corpus/articles --url http://localhost:8000 --key "$KEY"

Reads .txt, .html and .jsonl files (with a folder's manifest.csv for outlet, date and url) exactly as
`drawdown ingest` does, posts each article with an Idempotency-Key derived from its content (so a re-run or a
retry never duplicates anything), retries connection errors, 429 and 5xx answers with backoff, and prints
`created N, duplicate N, failed N`. The server and `drawdown ingest` agree on what a duplicate is: the same
url or the same normalised text. Exit status 1 if any article failed.
"""

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.ingest.sources import SourceRecord, records  # noqa: E402
from app.services.ingest import IngestSummary  # noqa: E402  (the summary `drawdown ingest` prints)

RETRY_STATUSES = {429, 500, 502, 503, 504}


def payload(record: SourceRecord) -> dict:
    raw = record.article
    body = {"html": raw.html} if raw.html is not None else {"text": raw.text}
    for name in ("title", "url", "outlet", "language"):
        if getattr(raw, name):
            body[name] = getattr(raw, name)
    if raw.published_at:
        body["published_at"] = raw.published_at.isoformat()
    return body


def idempotency_key(body: dict) -> str:
    return "post-articles-" + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:40]


def post_one(client: httpx.Client, body: dict, key: str, retries: int = 4, backoff: float = 0.5) -> httpx.Response:
    headers = {"X-API-Key": key, "Idempotency-Key": idempotency_key(body)}
    for attempt in range(retries + 1):
        try:
            response = client.post("/articles", json=body, headers=headers)
            if response.status_code not in RETRY_STATUSES or attempt == retries:
                return response
            wait = float(response.headers.get("retry-after", backoff * 2**attempt))
        except httpx.TransportError:
            if attempt == retries:
                raise
            wait = backoff * 2**attempt
        time.sleep(min(wait, 30))
    raise AssertionError("unreachable")


def post_all(
    client: httpx.Client, sources: Iterable[SourceRecord], key: str, *, verbose: bool = False
) -> IngestSummary:
    report = IngestSummary()
    for record in sources:
        if record.error is not None:
            report.failed += 1
            report.failures.append((record.label, record.error))
            continue
        try:
            response = post_one(client, payload(record), key)
        except httpx.HTTPError as exc:
            report.failed += 1
            report.failures.append((record.label, f"{type(exc).__name__}: {exc}"))
            continue
        if response.status_code == 201:
            report.created += 1
        elif response.status_code == 200:
            report.duplicate += 1
        else:
            report.failed += 1
            try:
                reason = response.json()["error"]["message"]
            except (ValueError, KeyError, TypeError):
                reason = response.text[:200]
            report.failures.append((record.label, f"{response.status_code}: {reason}"))
        if verbose:
            print(f"{response.status_code} {record.label}", file=sys.stderr)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", help="files or folders of .txt, .html, .jsonl articles")
    parser.add_argument("--url", default=os.environ.get("DRAWDOWN_URL", "http://localhost:8000"))
    parser.add_argument("--key", default=os.environ.get("DRAWDOWN_API_KEY"), help="API key (or DRAWDOWN_API_KEY)")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("-v", "--verbose", action="store_true", help="print each article's status")
    args = parser.parse_args(argv)
    if not args.key:
        parser.error("an API key is needed: --key or DRAWDOWN_API_KEY (drawdown serve prints one)")
    with httpx.Client(base_url=args.url, timeout=args.timeout) as client:
        report = post_all(client, records(args.paths), args.key, verbose=args.verbose)
    for label, reason in report.failures:
        print(f"  failed: {label}: {reason}", file=sys.stderr)
    print(report.line())
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
