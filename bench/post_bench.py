"""POST /articles throughput: concurrent clients posting distinct corpus articles to a live server.

    python bench/post_bench.py                    # 2,000 articles, 8 clients, a fresh SQLite file
    createdb -h 127.0.0.1 -U postgres bench
    python bench/post_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

The server (``drawdown serve``, one uvicorn worker, its access log on) runs on core 0 over a freshly migrated
database (a PostgreSQL database must be empty) with a known API key; the clients (threads with keep-alive
httpx connections) run in this process on core 1. Each article is the JSON body of ``bench/corpus.py``
(text, outlet, published_at). Prints articles created per second and the p50 / p99 latency of a POST.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db import make_engine  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.services.ingest import article_count  # noqa: E402
from bench.corpus import variants  # noqa: E402
from bench.read_bench import BIN, free_port  # noqa: E402

KEY = "post-bench-key"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=2000, help="articles to post (default 2000)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file)")
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--client-core", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/post.db"
        engine = make_engine(url)
        upgrade(engine)
        if article_count(engine):
            engine.dispose()
            print(f"{url} already holds articles: give an empty database", file=sys.stderr)
            return 2
        engine.dispose()
        bodies = list(variants(args.n, seed=11))
        port = free_port()
        env = {**os.environ, "DRAWDOWN_DATABASE_URL": url, "DRAWDOWN_API_KEYS": KEY}
        server = subprocess.Popen(
            [
                "taskset",
                "-c",
                str(args.server_core),
                str(BIN / "drawdown"),
                "serve",
                "--port",
                str(port),
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base)
            os.sched_setaffinity(0, {args.client_core})
            latencies, statuses, elapsed = post_all(base, bodies, args.concurrency)
        finally:
            server.terminate()
            server.wait(timeout=30)
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"{backend}: {len(bodies)} articles, {args.concurrency} clients, statuses {dict(statuses)}")
    print(f"  {statuses[201] / elapsed:.0f} articles/s; p50 {statistics.median(latencies):.1f} ms, p99 {p99:.1f} ms")
    return 0 if statuses[201] == len(bodies) else 1


def wait_ready(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/health", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def post_all(base: str, bodies: list[dict], concurrency: int) -> tuple[list[float], Counter, float]:
    """Post every body from ``concurrency`` threads; returns latencies (ms), status counts and seconds."""
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    todo = iter(bodies)

    def client() -> None:
        with httpx.Client(base_url=base, headers={"X-API-Key": KEY}, timeout=60) as http:
            while True:
                with lock:
                    body = next(todo, None)
                if body is None:
                    return
                started = time.perf_counter()
                status = http.post("/articles", json=body).status_code
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    statuses[status] += 1

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
