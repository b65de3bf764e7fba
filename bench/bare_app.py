"""The bare baseline of the read benchmark: a Starlette app that runs the same SQL as our API over raw sqlite3.

    DRAWDOWN_BENCH_DB=bench/out/bench.db uvicorn bench.bare_app:app --port 8002

At start-up it records, for each query of ``bench/queries.py``, every SQL statement our API runs to answer it
(through the API itself, see ``captured_sql``). ``GET /q/<name>`` then runs those statements again on one
sqlite3 connection and answers their rows as JSON (``{"results": [[row, ...], ...]}``), or as CSV for the
export; no ORM, no validation, no middleware. ``GET /ping`` answers ``{}`` without touching the database, to
measure what the load generator can do.
"""

import csv
import io
import json
import os
import sqlite3

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.db import make_engine
from bench.queries import captured_sql, read_queries

DATABASE = os.environ.get("DRAWDOWN_BENCH_DB", "bench/out/bench.db")


def _capture() -> dict[str, list[tuple[str, tuple]]]:
    engine = make_engine(f"sqlite:///{DATABASE}")
    try:
        return {query.name: captured_sql(engine, query.path) for query in read_queries(engine)}
    finally:
        engine.dispose()


STATEMENTS = _capture()
CONNECTION = sqlite3.connect(f"file:{DATABASE}?mode=ro", uri=True, check_same_thread=False)


async def run(request: Request) -> Response:
    # Blocking on purpose: one connection, one core, nothing between the request and the database.
    name = request.path_params["name"]
    results = [CONNECTION.execute(sql, params).fetchall() for sql, params in STATEMENTS[name]]
    if name != "export":
        return JSONResponse({"results": results})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for rows in results:
        writer.writerows(rows)
    return Response("\ufeff" + buffer.getvalue(), media_type="text/csv; charset=utf-8")


async def ping(_request: Request) -> Response:
    return Response(json.dumps({}), media_type="application/json")


app = Starlette(routes=[Route("/q/{name}", run), Route("/ping", ping)])
