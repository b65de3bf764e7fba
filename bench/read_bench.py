"""Read throughput and latency of our API against Datasette and a bare endpoint, on the same SQLite file.

    python bench/corpus.py -o bench/out/corpus.jsonl
    DRAWDOWN_DATABASE_URL=sqlite:///bench/out/bench.db drawdown migrate
    DRAWDOWN_DATABASE_URL=sqlite:///bench/out/bench.db drawdown ingest bench/out/corpus.jsonl
    python bench/read_bench.py                       # varied draws: ours and Datasette, 10 s per query
    python bench/read_bench.py --mode repeated       # one URL per query, four systems (below)
    python bench/read_bench.py --database-url postgresql+psycopg://...   # varied, ours only, on PostgreSQL

**Varied** (the default, the headline): every request of a run is a different query, drawn by ``bench/draws.py``
from the database's own outlets, dates, actors and vocabulary with a fixed seed (``--seed``): (b) articles by
outlet and publication window, ``-published``; (a) events by date window, every other one with an actor; (c)
full-text search for two words of one article, by relevance with snippets. Datasette gets the same draws in its
own syntax (not for events: it has no equivalent of the actor filter's names and aliases). wrk reads the draws
from a file (``bench/wrk_report.lua``); the warm-up uses draws of another seed, so no measured request has been
answered before, and the response cache (on, as shipped) rarely helps: this is what a first request costs.

**Repeated** (``--mode repeated``): each query is one URL sent again and again, as below.

Four servers, one at a time, each pinned to core 0 (``taskset``), each with its access log on as it ships:

* **ours**: ``drawdown serve`` (uvicorn, one worker) over the file, as it ships: with its response cache, so
  after the first request of a query its answer comes from memory (the data version is checked every time);
* **ours-uncached**: the same with ``DRAWDOWN_RESPONSE_CACHE_MB=0``: every request runs the route and its SQL,
  which is what a query seen for the first time costs;
* **datasette**: ``datasette serve -i <file>`` with facets off (``allow_facet off``, ``suggest_facets off``,
  ``default_facet_size 0``), ``max_returned_rows 20000`` (so the export is not truncated) and a 10 s SQL time
  limit; ``_nofacet=1&_nocount=1`` on every URL;
* **bare**: ``bench/bare_app.py``, Starlette over raw sqlite3, running the very statements our API runs.

The load generator is wrk (one thread, 16 connections over loopback) pinned to core 1, with
``bench/wrk_report.lua`` reporting the percentiles, and the share of its core that wrk used is printed with
each run; before the measurements, wrk also runs against the bare app's ``/ping`` (no database), which shows
how many requests/s the client could drive. The export (e) runs three times as long as the other queries
(each answer takes seconds when 16 are in flight), with a 30 s request timeout.

The queries (``bench/queries.py``) and their equivalents. The SQL for Datasette and the bare app is not
retyped: it is recorded from our API answering the same URL (``captured_sql``), so all three run the same SQL.

* (a) ``/events?date_from=2015-01-01&date_to=2019-12-31&actor=putin`` (first page of 50, -date);
* (b) ``/articles?outlet=BBC News&published_from=2014-01-01&published_to=2018-12-31&sort=-published``;
* (c) ``/articles?q=Hmeimim withdrawal`` (full text, ranked by relevance, with snippets);
* (d) ``/events/<id>``: a popular event (99th percentile of article counts) with its articles, actors, bases;
* (e) ``/articles?format=csv&published_from=<day>``: a CSV export of the 10,000 most recent articles (-published;
  the day is the publication day of the 10,000th, so a few more may share it).

Our API runs several statements per request: for a list, the count (``total``), the page, and the events of
the page's articles (plus the snippets for (c)); for the detail, five. The bare app runs all of them. Datasette
runs one ``?sql=`` query: for (a)-(c) the page query (it has no ``total``: counting is off), for (d) the
event's articles joined to their links (the largest of the five), for (e) the first export page query
without its ``LIMIT`` (our export reads the same rows in keyset batches of 1,000, each with its articles'
events). Datasette's figures are therefore an upper bound for the same answer.

Printed: requests/s, p50 and p99 for each system and query; ours/Datasette and ours/bare throughput ratios
against the targets (each list query at least 3x Datasette and 25% of bare; p99 under 25 ms, 50 ms for the
full-text query); and each server's peak RSS (VmHWM) after the run (target: ours under 300 MB).
"""

import argparse
import json
import os
import re
import resource
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db import make_engine  # noqa: E402
from bench.draws import draws, write_paths  # noqa: E402
from bench.queries import EXPORT_ROWS, ReadQuery, captured_sql, read_queries  # noqa: E402

BIN = Path(sys.executable).parent
LUA = ROOT / "bench" / "wrk_report.lua"
SYSTEMS = ("ours", "ours-uncached", "datasette", "bare")
OURS = ("ours", "ours-uncached")
TARGET_VS_DATASETTE, TARGET_VS_BARE, TARGET_P99_MS, TARGET_P99_SEARCH_MS, TARGET_RSS_MB = 3.0, 0.25, 25, 50, 300
# Varied draws (issue 21): list p99 under 50 ms, search under 100 ms; articles 3x Datasette, search 1x.
VARIED_P99_MS, VARIED_P99_SEARCH_MS = 50, 100
VARIED_VS_DATASETTE = {"articles": 3.0, "search": 1.0}
VARIED = [
    ReadQuery("articles", "(b) articles by outlet and publication window, -published", ""),
    ReadQuery("events", "(a) events by date window (every other one with an actor)", ""),
    ReadQuery("search", "(c) full-text search, two words, relevance, snippets", ""),
]


@dataclass
class Result:
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int
    client_cpu: float  # the share of its core that wrk used


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "bench.db")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per query and system")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each measurement")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated subset of " + ", ".join(SYSTEMS))
    parser.add_argument("--only", help="comma-separated query names (events, articles, search, detail, export)")
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--client-core", type=int, default=1)
    parser.add_argument("--mode", choices=("varied", "repeated"), default="varied")
    parser.add_argument("--draws", type=int, default=20_000, help="varied: requests drawn per query")
    parser.add_argument("--seed", type=int, default=1, help="varied: the draws' seed (the warm-up uses the next)")
    parser.add_argument("--database-url", help="varied, ours only: another database (PostgreSQL) instead of --db")
    args = parser.parse_args()
    if args.mode == "varied":
        return varied(args)
    db = args.db.resolve()
    with sqlite3.connect(db) as conn:  # Datasette's immutable mode does not read the WAL: fold it in
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    engine = make_engine(f"sqlite:///{db}")
    queries = read_queries(engine)
    if args.only:
        queries = [q for q in queries if q.name in args.only.split(",")]
    datasette = {q.name: datasette_path(db.stem, q, captured_sql(engine, q.path)) for q in queries}
    engine.dispose()
    print(f"database: {db} ({db.stat().st_size / 1e6:.0f} MB); {args.concurrency} connections, {args.duration} s each")

    results: dict[tuple[str, str], Result] = {}
    peaks: dict[str, float] = {}
    for system in args.systems.split(","):
        with Server(system, db, args.server_core) as server:
            if system == "bare":
                ping = load(server.url("/ping"), args, args.duration)
                print(
                    f"client check: bare /ping (no database) {ping.rate:,.0f} requests/s with wrk using "
                    f"{ping.client_cpu:.0%} of core {args.client_core}: wrk could drive about "
                    f"{ping.rate / max(ping.client_cpu, 0.01):,.0f} requests/s"
                )
            for query in queries:
                path = {"bare": f"/q/{query.name}", "datasette": datasette[query.name]}.get(system, query.path)
                check(server.url(path), query)
                load(server.url(path), args, args.warmup)
                seconds = args.duration * (3 if query.name == "export" else 1)
                results[system, query.name] = load(server.url(path), args, seconds)
                r = results[system, query.name]
                print(
                    f"  {system:<9} {query.name:<8} {r.rate:8.1f}/s  p50 {r.p50_ms:7.1f} ms  p99 {r.p99_ms:7.1f} ms"
                    f"  (errors {r.errors}, wrk CPU {r.client_cpu:.0%})"
                )
            peaks[system] = server.peak_rss_mb()
    report(queries, results, peaks)
    return 0


def varied(args: argparse.Namespace) -> int:
    """Each query's requests drawn from the data (see the module docstring), against ours and Datasette."""
    url = args.database_url or f"sqlite:///{args.db.resolve()}"
    systems = ["ours"] if args.database_url else [s for s in args.systems.split(",") if s in ("ours", "datasette")]
    if not args.database_url:
        with sqlite3.connect(args.db.resolve()) as conn:  # Datasette's immutable mode does not read the WAL
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        read_through(args.db.resolve())
    queries = [q for q in VARIED if not args.only or q.name in args.only.split(",")]
    engine = make_engine(url)
    out = ROOT / "bench" / "out"
    files: dict[tuple[str, str, str], Path] = {}
    for query in queries:
        for phase, seed in (("warmup", args.seed + 1), ("run", args.seed)):
            drawn = draws(engine, query.name, args.draws, seed, args.db.stem)
            for system in systems:
                paths = [d.ours if system == "ours" else d.datasette for d in drawn]
                if None in paths:
                    continue
                files[system, query.name, phase] = out / f"draws-{query.name}-{system}-{phase}.txt"
                write_paths(paths, files[system, query.name, phase])
    engine.dispose()
    where = (
        args.database_url.split("@")[-1] if args.database_url else f"{args.db} ({args.db.stat().st_size / 1e6:.0f} MB)"
    )
    print(f"varied draws (seed {args.seed}); database: {where}; {args.concurrency} connections, {args.duration} s each")
    results: dict[tuple[str, str], Result] = {}
    peaks: dict[str, float] = {}
    for system in systems:
        with Server(system, args.db.resolve(), args.server_core, url) as server:
            for query in queries:
                if (system, query.name, "run") not in files:
                    continue
                load(server.url(""), args, args.warmup, files[system, query.name, "warmup"])
                results[system, query.name] = r = load(
                    server.url(""), args, args.duration, files[system, query.name, "run"]
                )
                print(
                    f"  {system:<9} {query.name:<8} {r.rate:8.1f}/s  p50 {r.p50_ms:7.1f} ms  p99 {r.p99_ms:7.1f} ms"
                    f"  (errors {r.errors}, wrk CPU {r.client_cpu:.0%})"
                )
            peaks[system] = server.peak_rss_mb()
    print(
        "\n| query (varied draws) | "
        + " | ".join(f"{s} req/s | {s} p50 / p99 ms" for s in systems)
        + " | ours/datasette |"
    )
    print("| --- " * (2 * len(systems) + 2) + "|")
    missed = []
    for query in queries:
        cells = []
        for system in systems:
            r = results.get((system, query.name))
            cells += (
                ["-", "-"]
                if r is None
                else [
                    f"{r.rate:,.0f}" + (f" ({r.errors} errors)" if r.errors else ""),
                    f"{r.p50_ms:.1f} / {r.p99_ms:.1f}",
                ]
            )
        ours, theirs = results.get(("ours", query.name)), results.get(("datasette", query.name))
        cells.append(f"{ours.rate / theirs.rate:.2f}x" if ours and theirs and theirs.rate else "-")
        print(f"| {query.description} | " + " | ".join(cells) + " |")
        limit = VARIED_P99_SEARCH_MS if query.name == "search" else VARIED_P99_MS
        if ours and ours.p99_ms >= limit:
            missed.append(f"{query.name}: p99 {ours.p99_ms:.1f} ms >= {limit} ms")
        target = VARIED_VS_DATASETTE.get(query.name)
        if ours and theirs and target and ours.rate < target * theirs.rate:
            missed.append(f"{query.name}: {ours.rate / theirs.rate:.2f}x Datasette < {target}x")
        if ours and ours.errors:
            missed.append(f"{query.name}: {ours.errors} errors")
    print("\npeak RSS (VmHWM): " + ", ".join(f"{s} {peaks[s]:.0f} MB" for s in systems))
    if peaks.get("ours", 0) >= TARGET_RSS_MB:
        missed.append(f"peak RSS {peaks['ours']:.0f} MB >= {TARGET_RSS_MB} MB")
    print("targets (ours, varied): " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
    return 0


def read_through(path: Path) -> None:
    """Read the file once, so that the first system measured does not pay for reading it from disk alone."""
    with path.open("rb") as file:
        while file.read(1 << 24):
            pass


def datasette_path(database: str, query: ReadQuery, statements: list[tuple[str, tuple]]) -> str:
    """Datasette's ``?sql=`` URL for the statement that stands for ``query`` (see the module docstring)."""
    if query.name == "detail":
        sql, params = next((s, p) for s, p in statements if "article_event" in s and "JOIN" in s)
    else:
        sql, params = next((s, p) for s, p in statements if " LIMIT " in s)
    if query.name == "export":  # every row at once: drop LIMIT ? (OFFSET ?), whose parameters come last
        limit = re.search(r"\s+LIMIT \?(?: OFFSET \?)?\s*$", sql)
        sql, params = sql[: limit.start()], params[: len(params) - limit.group().count("?")]
    names = iter(range(len(params)))
    named = re.sub(r"\?", lambda _m: f":p{next(names)}", sql)
    fields = {"sql": named, **{f"p{i}": v for i, v in enumerate(params)}, "_nofacet": 1, "_nocount": 1}
    return f"/{database}.{'csv' if query.name == 'export' else 'json'}?{urlencode(fields)}"


class Server:
    """One of the three systems, started pinned to a core and stopped on exit."""

    def __init__(self, system: str, db: Path, core: int, database_url: str | None = None) -> None:
        self.port = free_port()
        env = {**os.environ, "DRAWDOWN_DATABASE_URL": database_url or f"sqlite:///{db}"}
        env["DRAWDOWN_API_KEYS"] = "read-bench-unused"
        if system == "ours-uncached":
            env["DRAWDOWN_RESPONSE_CACHE_MB"] = "0"
        commands = {
            "ours": [BIN / "drawdown", "serve", "--port", self.port, "--workers", "1"],
            "ours-uncached": [BIN / "drawdown", "serve", "--port", self.port, "--workers", "1"],
            "bare": [BIN / "uvicorn", "bench.bare_app:app", "--port", self.port],
            "datasette": [BIN / "datasette", "serve", "-i", db, "--port", self.port]
            + [
                arg
                for name, value in (
                    ("allow_facet", "off"),
                    ("suggest_facets", "off"),
                    ("default_facet_size", "0"),
                    ("max_returned_rows", str(2 * EXPORT_ROWS)),
                    ("sql_time_limit_ms", "10000"),
                )
                for arg in ("--setting", name, value)
            ],
        }
        env["DRAWDOWN_BENCH_DB"] = str(db)
        command = ["taskset", "-c", str(core), *map(str, commands[system])]
        self.log = (ROOT / "bench" / "out" / f"{system}.log").open("wb")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> "Server":
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: see {self.log.name}")
            try:
                urllib.request.urlopen(self.url("/"), timeout=1)
                return self
            except urllib.error.HTTPError:
                return self  # answering (a 404 on / is fine)
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024

    def __exit__(self, *_exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # still answering requests that wrk gave up on
            self.process.kill()
            self.process.wait()
        self.log.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def check(url: str, query: ReadQuery) -> None:
    """One request before the load: it must succeed, and an export must hold its 10,000 rows."""
    with urllib.request.urlopen(url, timeout=60) as response:
        body = response.read()
    lines = body.count(b"\n")
    if query.name == "export" and lines < EXPORT_ROWS:
        raise RuntimeError(f"{url}: the export holds {lines} lines")
    if url.split("?")[0].endswith(".json") and not json.loads(body).get("ok", True):
        raise RuntimeError(f"{url}: {body[:500]!r}")


def load(url: str, args: argparse.Namespace, seconds: int, paths: Path | None = None) -> Result:
    """wrk against ``url``, or, given ``paths`` (a file of paths, one a line), a path of it per request."""
    command = ["taskset", "-c", str(args.client_core), "wrk", "-t1", f"-c{args.concurrency}", f"-d{seconds}s"]
    command += ["--timeout", "30s", "-s", str(LUA), url]
    if paths is not None:
        command += ["--", str(paths)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = json.loads(out.strip().splitlines()[-1])
    return Result(
        summary["requests"] / summary["seconds"],
        summary["p50_us"] / 1000,
        summary["p99_us"] / 1000,
        summary["errors"],
        cpu / summary["seconds"],
    )


def report(queries: list[ReadQuery], results: dict[tuple[str, str], Result], peaks: dict[str, float]) -> None:
    systems = [s for s in SYSTEMS if s in peaks]
    compared = [(mine, other) for mine in OURS for other in ("datasette", "bare") if {mine, other} <= set(systems)]
    print(
        "\n| query | "
        + " | ".join(f"{s} req/s | {s} p50 / p99 ms" for s in systems)
        + "".join(f" | {mine}/{other}" for mine, other in compared)
        + " |"
    )
    print("| --- " * (2 * len(systems) + len(compared) + 1) + "|")
    misses: dict[str, list[str]] = {mine: [] for mine in OURS}
    for query in queries:
        cells = []
        for system in systems:
            r = results[system, query.name]
            cells += [
                f"{r.rate:,.0f}" + (f" ({r.errors} errors)" if r.errors else ""),
                f"{r.p50_ms:.1f} / {r.p99_ms:.1f}",
            ]
        for mine, other in compared:
            theirs = results[other, query.name].rate
            cells.append(f"{results[mine, query.name].rate / theirs:.2f}x" if theirs else "-")
        print(f"| {query.description} | " + " | ".join(cells) + " |")
        for mine in OURS:
            if (mine, query.name) in results:
                misses[mine] += targets_missed(query, results[mine, query.name], results)
    print("\npeak RSS (VmHWM): " + ", ".join(f"{s} {peaks[s]:.0f} MB" for s in systems))
    for mine in OURS:
        if mine not in peaks:
            continue
        if peaks[mine] >= TARGET_RSS_MB:
            misses[mine].append(f"peak RSS {peaks[mine]:.0f} MB >= {TARGET_RSS_MB} MB")
        found = misses[mine]
        print(f"targets ({mine}): " + ("all met" if not found else "MISSED: " + "; ".join(found)))


def targets_missed(query: ReadQuery, ours: Result, results: dict[tuple[str, str], Result]) -> list[str]:
    missed = []
    limit = TARGET_P99_SEARCH_MS if query.name == "search" else TARGET_P99_MS
    if ours.p99_ms >= limit:
        missed.append(f"{query.name}: p99 {ours.p99_ms:.1f} ms >= {limit} ms")
    if query.listing is None:
        return missed
    for other, target in (("datasette", TARGET_VS_DATASETTE), ("bare", TARGET_VS_BARE)):
        theirs = results.get((other, query.name))
        if theirs and ours.rate < target * theirs.rate:
            missed.append(f"{query.name}: {ours.rate / theirs.rate:.2f}x {other} < {target}x")
    return missed


if __name__ == "__main__":
    sys.exit(main())
