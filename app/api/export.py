"""Answer a list request as a JSON page, or stream every matching row as CSV, NDJSON or (events and bases)
GeoJSON.

The format comes from ``format=`` or, failing that, the ``Accept`` header. Exports use the same filters,
sort and cursor as the JSON pages; ``limit`` caps an export only when it is given.
"""

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
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
GeoFormat = Literal["json", "csv", "ndjson", "geojson"]
GeoFormatParam = Annotated[
    GeoFormat | None,
    Query(
        description="Response format: `json` (a page), or `csv` / `ndjson` / `geojson` (every matching row, "
        "streamed; `geojson`: a FeatureCollection of points with the row's fields as properties). Defaults to the "
        "`Accept` header (`text/csv`, `application/x-ndjson`, `application/geo+json`), else JSON.",
        examples=["geojson"],
    ),
]
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson", "geojson": "application/geo+json"}
EXPORT_RESPONSES = {
    200: {
        "description": "A page of results; with `format=csv` or `format=ndjson`, every matching row.",
        "content": {
            "text/csv": {"schema": {"type": "string"}, "example": "id,title\r\n1,...\r\n"},
            "application/x-ndjson": {"schema": {"type": "string"}, "example": '{"id": 1}\n'},
        },
    }
}
_FEATURE_COLLECTION = {
    "type": "object",
    "description": "A GeoJSON FeatureCollection (RFC 7946): one Feature per row, in the list's order.",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"], "description": "Always `FeatureCollection`."},
        "features": {
            "type": "array",
            "description": "One Feature per matching row.",
            "items": {
                "type": "object",
                "description": "A row as a GeoJSON Feature.",
                "required": ["type", "id", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"], "description": "Always `Feature`."},
                    "id": {"type": "integer", "description": "The row's id."},
                    "geometry": {
                        "type": ["object", "null"],
                        "description": "A Point at `[longitude, latitude]` (WGS 84); null when the row has no "
                        "location.",
                        "properties": {
                            "type": {"type": "string", "enum": ["Point"], "description": "Always `Point`."},
                            "coordinates": {
                                "type": "array",
                                "items": {"type": "number"},
                                "minItems": 2,
                                "maxItems": 2,
                                "description": "Longitude, latitude.",
                            },
                        },
                    },
                    "properties": {"type": "object", "description": "The row's fields, as the JSON list shows them."},
                },
            },
        },
    },
}


def geo_export_responses(located: str, example: dict) -> dict:
    """EXPORT_RESPONSES with the GeoJSON answer of a list whose rows are located as ``located`` says; ``example``:
    the properties of an example feature."""
    answer = EXPORT_RESPONSES[200]
    return {
        200: {
            "description": f"{answer['description'][:-1]}; with `format=geojson`, every matching row as a point "
            f"feature ({located}).",
            "content": {
                **answer["content"],
                "application/geo+json": {
                    "schema": _FEATURE_COLLECTION,
                    "example": {
                        "type": "FeatureCollection",
                        "features": [
                            {
                                "type": "Feature",
                                "id": 1,
                                "geometry": {"type": "Point", "coordinates": [35.9486, 35.4011]},
                                "properties": example,
                            }
                        ],
                    },
                },
            },
        }
    }


EVENT_GEO_RESPONSES = geo_export_responses(
    "an event at the base that places it: its venue, else the best supported base it names; a null geometry "
    "when no located base does; properties `base_id`, `base`, `base_role` name that base",
    {
        "id": 2,
        "title": "Vladimir Putin orders withdrawal of Russian forces from Syria",
        "date": "2017-12-11",
        "base_id": 1,
        "base": "Hmeimim",
        "base_role": "venue",
    },
)
BASE_GEO_RESPONSES = geo_export_responses(
    "a base at its coordinates; a null geometry when it has none",
    {"id": 1, "name": "Hmeimim", "kind": "air_base", "latitude": 35.4011, "longitude": 35.9486},
)

_ACCEPTED = {
    "*/*": "json",
    "application/*": "json",
    "application/json": "json",
    "text/*": "csv",
    "text/csv": "csv",
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
    "application/jsonl": "ndjson",
    "application/geo+json": "geojson",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def negotiate(fmt: str | None, accept: str | None, geo: bool = False) -> str:
    """The format to answer in; ``geo``: the list can answer GeoJSON."""
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
        chosen = _ACCEPTED.get(media.lower())
        if chosen is not None and quality > 0 and (geo or chosen != "geojson"):
            ranges.append((quality, media.lower() != "*/*", chosen))
    if not ranges:
        raise NotAcceptable(
            "None of the media types in Accept can be produced: use application/json, text/csv, "
            "application/x-ndjson or application/geo+json (or format=json|csv|ndjson|geojson)."
            if geo
            else "None of the media types in Accept can be produced: use application/json, text/csv or "
            "application/x-ndjson (or format=json|csv|ndjson)."
        )
    return max(ranges, key=lambda r: (r[0], r[1]))[2]


def respond(
    request: Request,
    session: Session,
    listing: Listing,
    window: Window,
    fmt: str | None,
    name: str,
    features: Callable[[Listing], Listing] | None = None,
) -> Response:
    """The answer in the negotiated format; ``features`` turns the listing into one of GeoJSON features (see
    app.services.geo), for the lists that answer GeoJSON."""
    chosen = negotiate(fmt, request.headers.get("accept"), geo=features is not None)
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
    if chosen == "csv":
        body = _csv(engine, listing, window.cursor, limit)
    elif chosen == "geojson":
        body = _geojson(engine, features(listing), window.cursor, limit)
    else:
        body = _ndjson(engine, listing, window.cursor, limit)
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


def _geojson(engine, listing: Listing, start: str | None, limit: int | None) -> Iterator[str]:
    # Sent in chunks of about 64 KB, as the CSV is: a sync stream costs a thread hop per chunk it yields.
    parts, size, separator = ['{"type": "FeatureCollection", "features": ['], 0, ""
    for item in _items(engine, listing, start, limit):
        part = separator + json.dumps(item, ensure_ascii=False, default=_iso)
        parts.append(part)
        size += len(part)
        separator = ",\n"
        if size > 64_000:
            yield "".join(parts)
            parts, size = [], 0
    parts.append("]}\n")
    yield "".join(parts)


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
