"""Answer a list request as a JSON page, or stream every matching row as CSV or NDJSON.

The format comes from ``format=`` or, failing that, the ``Accept`` header. Exports use the same filters,
sort and cursor as the JSON pages; ``limit`` caps an export only when it is given.
"""

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlmodel import Session

from app.api.caching import DEFAULT_CACHE_CONTROL, data_stamp, etag_for, not_modified
from app.api.rendering import json_response
from app.errors import NotAcceptable
from app.services.listing import Item, Listing, page, stream
from app.services.pagination import Window, decode_cursor

Format = Literal["json", "csv", "ndjson"]
FormatParam = Annotated[
    Format | None,
    Query(
        description="Response format: `json` (a page), or `csv` / `ndjson` (every matching row, streamed). "
        "Defaults to the `Accept` header (`text/csv`, `application/x-ndjson`), else JSON.",
        examples=["csv"],
    ),
]
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson"}
EXPORT_RESPONSES = {
    200: {
        "description": "A page of results; with `format=csv` or `format=ndjson`, every matching row.",
        "content": {
            "text/csv": {"schema": {"type": "string"}, "example": "id,title\r\n1,...\r\n"},
            "application/x-ndjson": {"schema": {"type": "string"}, "example": '{"id": 1}\n'},
        },
    }
}
_ACCEPTED = {
    "*/*": "json",
    "application/*": "json",
    "application/json": "json",
    "text/*": "csv",
    "text/csv": "csv",
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
    "application/jsonl": "ndjson",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def negotiate(fmt: str | None, accept: str | None) -> str:
    if fmt:
        return fmt
    if not accept:
        return "json"
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if media.lower() in _ACCEPTED and quality > 0:
            ranges.append((quality, media.lower() != "*/*", _ACCEPTED[media.lower()]))
    if not ranges:
        raise NotAcceptable(
            "None of the media types in Accept can be produced: use application/json, text/csv or "
            "application/x-ndjson (or format=json|csv|ndjson)."
        )
    return max(ranges, key=lambda r: (r[0], r[1]))[2]


def respond(
    request: Request, session: Session, listing: Listing, window: Window, fmt: str | None, name: str
) -> Response:
    chosen = negotiate(fmt, request.headers.get("accept"))
    if chosen == "json":
        with session:  # closed here, in the route's thread (see get_session)
            answer = json_response(page(session, listing, window))
        answer.headers["Vary"] = "Accept"  # the same URL answers CSV or NDJSON to another Accept
        return answer
    etag = etag_for(request, data_stamp(session), chosen)
    cache_headers = {"ETag": etag, "Cache-Control": DEFAULT_CACHE_CONTROL, "Vary": "Accept"}
    if not_modified(request, etag):
        return Response(status_code=304, headers=cache_headers)
    limit = window.limit if "limit" in request.query_params else None
    # Refuse a bad cursor now, with a clean 422: once the stream has started, the status is sent.
    if window.cursor:
        decode_cursor(window.cursor, listing.keys, listing.sort_name)
    # The stream reads each batch through a short session of its own: hand this one's connection back now.
    session.close()
    engine = request.app.state.engine
    body = (
        _csv(engine, listing, window.cursor, limit)
        if chosen == "csv"
        else _ndjson(engine, listing, window.cursor, limit)
    )
    headers = dict(cache_headers)
    if chosen == "csv":
        headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return StreamingResponse(body, media_type=MEDIA_TYPES[chosen], headers=headers)


def _items(engine, listing: Listing, start: str | None, limit: int | None) -> Iterator[Item]:
    # The stream outlives the request's session: it reads each batch through a short session of its own.
    yield from stream(lambda: Session(engine), listing, start=start, limit=limit)


def _iso(value: dt.date) -> str:
    """Dates as the JSON pages show them (the only non-JSON type in an item)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _ndjson(engine, listing: Listing, start: str | None, limit: int | None) -> Iterator[str]:
    for item in _items(engine, listing, start, limit):
        yield json.dumps(item, ensure_ascii=False, default=_iso) + "\n"


def _csv(engine, listing: Listing, start: str | None, limit: int | None) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header_written = False
    yield "\ufeff"  # a byte-order mark, so that spreadsheets read the file as UTF-8
    for item in _items(engine, listing, start, limit):
        if not header_written:
            writer.writerow(item.keys())
            header_written = True
        # Most cells are plain text: they skip the call.
        writer.writerow(
            [v if v.__class__ is str and not v.startswith(_FORMULA_START) else _cell(v) for v in item.values()]
        )
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _cell(value) -> str:
    """One CSV cell: lists joined with '; ', links as id or id:relation, and nothing a spreadsheet would run."""
    if isinstance(value, str):  # the most common value first
        return "'" + value if value.startswith(_FORMULA_START) else value  # '=...' must not become a formula
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(
            (f"{v['id']}:{v['relation']}" if "relation" in v else str(v.get("id", "")))
            if isinstance(v, dict)
            else str(v)
            for v in value
        )
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
