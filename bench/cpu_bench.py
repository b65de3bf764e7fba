"""CPU time per request of the read benchmark's five queries, in-process (no server, no load generator).

    python bench/cpu_bench.py --db bench/out/bench20k.db               # median of 100 runs per query
    python bench/cpu_bench.py --runs 50 --only articles,detail
    python bench/cpu_bench.py --dump bench/out/answers-main             # also store each answer

Each request goes through the whole ASGI app (middlewares, routing, dependencies, the thread pool, the
database) with ``httpx.AsyncClient`` over ``ASGITransport``, one at a time; its cost is the process's CPU
time (``time.process_time``, every thread) from sending the request to reading the whole body. Measuring CPU
rather than wall time keeps the figures comparable on a machine whose cores other work is using.

``--dump DIR`` writes each query's status, headers and body to ``DIR/<name>.txt``, so that the answers of
two versions can be compared byte for byte (``diff -r``).
"""

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db import make_engine  # noqa: E402
from app.main import create_app  # noqa: E402
from bench.queries import read_queries  # noqa: E402


async def measure(app, path: str, runs: int, warmup: int) -> tuple[list[float], httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for _ in range(warmup):
            response = await client.get(path)
            response.raise_for_status()
        costs = []
        for _ in range(runs):
            start = time.process_time()
            response = await client.get(path)
            costs.append(time.process_time() - start)
        response.raise_for_status()
    return costs, response


def dump(directory: Path, name: str, path: str, response: httpx.Response) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    headers = "".join(f"{k}: {v}\n" for k, v in response.headers.multi_items())
    (directory / f"{name}.txt").write_bytes(
        f"GET {path}\n{response.status_code}\n{headers}\n".encode() + response.content
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="bench/out/bench20k.db", help="SQLite file built by drawdown ingest")
    parser.add_argument("--runs", type=int, default=100, help="measured requests per query (the export: a tenth)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--only", help="comma-separated query names: events,articles,search,detail,export")
    parser.add_argument("--dump", type=Path, help="directory to write each answer to")
    args = parser.parse_args()

    engine = make_engine(f"sqlite:///{args.db}")
    app = create_app(engine, api_keys=[])
    queries = read_queries(engine)
    if args.only:
        queries = [q for q in queries if q.name in args.only.split(",")]
    print(f"{'query':<10} {'median ms':>10} {'p10 ms':>8} {'p90 ms':>8} {'runs':>5}  bytes")
    for query in queries:
        runs = max(5, args.runs // 10) if query.name == "export" else args.runs
        warmup = 1 if query.name == "export" else args.warmup
        costs, response = asyncio.run(measure(app, query.path, runs, warmup))
        ms = sorted(c * 1000 for c in costs)
        deciles = statistics.quantiles(ms, n=10)
        print(
            f"{query.name:<10} {statistics.median(ms):>10.2f} {deciles[0]:>8.2f} {deciles[-1]:>8.2f} {runs:>5}"
            f"  {len(response.content):,}"
        )
        if args.dump:
            dump(args.dump, query.name, query.path, response)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
