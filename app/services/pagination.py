"""Keyset pagination with opaque cursors: stable under inserts, every row visited exactly once."""

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from app.errors import InvalidParameter


@dataclass(frozen=True)
class SortKey:
    column: Any
    descending: bool = False


@dataclass(frozen=True)
class Window:
    limit: int
    cursor: str | None = None


def encode_cursor(values: list[Any]) -> str:
    packed = [{"d": v.isoformat()} if isinstance(v, dt.date) else v for v in values]
    raw = json.dumps(packed, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, expected: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        packed = json.loads(raw)
        if not isinstance(packed, list) or len(packed) != expected:
            raise ValueError
        values = [dt.date.fromisoformat(v["d"]) if isinstance(v, dict) else v for v in packed]
        if not all(v is None or isinstance(v, int | str | dt.date) for v in values):
            raise ValueError
        return values
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
        raise InvalidParameter("Invalid cursor: pass the 'next' value of a previous page unchanged.") from None


def _after(keys: list[SortKey], values: list[Any]) -> ColumnElement[bool]:
    clauses = []
    for i, key in enumerate(keys):
        equal = [keys[j].column == values[j] for j in range(i)]
        step = key.column < values[i] if key.descending else key.column > values[i]
        clauses.append(and_(*equal, step))
    return or_(*clauses)


def paginate(session: Session, query: Select, keys: list[SortKey], window: Window) -> tuple[list[Any], int, str | None]:
    """Run ``query`` (one entity selected) ordered by ``keys``; returns rows, total and the next cursor."""
    total = session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    ordered = query.order_by(*[k.column.desc() if k.descending else k.column.asc() for k in keys])
    if window.cursor:
        ordered = ordered.where(_after(keys, decode_cursor(window.cursor, len(keys))))
    labelled = ordered.add_columns(*[k.column.label(f"_k{i}") for i, k in enumerate(keys)])
    rows = session.execute(labelled.limit(window.limit + 1)).all()
    next_cursor = None
    if len(rows) > window.limit:
        rows = rows[: window.limit]
        last = rows[-1]
        next_cursor = encode_cursor(list(last[1:]))
    return [row[0] for row in rows], total, next_cursor
