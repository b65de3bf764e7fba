"""Keyset pagination with opaque cursors: stable under inserts, every row visited exactly once.

A page is the rows strictly after the last row of the previous page in a total order (the sort keys end
with the id), so rows inserted while a client pages through never shift the pages it has not seen yet.
A nullable key puts NULL where it says, the same on SQLite and PostgreSQL: as the smallest value (first
ascending, last descending), or last in both directions (``nulls_last``).
"""

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import and_, bindparam, false, func, or_, select
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from app.db import read
from app.errors import InvalidParameter

_INVALID_CURSOR = "Invalid cursor: pass the 'next' value of a previous page unchanged, with the same sort."


@dataclass(frozen=True)
class SortKey:
    column: Any
    descending: bool = False
    nullable: bool = False
    nulls_last: bool = False  # NULL after every value in both directions (otherwise NULL is the smallest value)

    @property
    def nulls_after(self) -> bool:
        """Whether NULLs come after the values in this key's order."""
        return self.nullable and (self.descending or self.nulls_last)

    def order(self):
        ordered = self.plain_order()
        if self.nullable:
            ordered = ordered.nulls_last() if self.nulls_after else ordered.nulls_first()
        return ordered

    def plain_order(self):
        """The order without a NULLS clause, for rows that are all NULL or all not NULL on this key: each database
        then orders as its index does (SQLite puts NULL first, PostgreSQL last), and can read the index in order."""
        return self.column.desc() if self.descending else self.column.asc()


@dataclass(frozen=True)
class Window:
    limit: int
    cursor: str | None = None


def encode_cursor(values: list[Any], tag: str = "") -> str:
    packed = [{"d": v.isoformat()} if isinstance(v, dt.date) else v for v in values]
    raw = json.dumps([tag, *packed], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# What a cursor value may be for a key of each column type (JSON has no dates: they arrive as {"d": ...}).
_ACCEPTED = {int: int, float: int | float, str: str, dt.date: dt.date}


def decode_cursor(cursor: str, keys: list[SortKey], tag: str = "") -> list[Any]:
    """The sort-key values of a cursor, checked against ``keys``: a forged cursor never reaches the database."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        packed = json.loads(raw)
        if not isinstance(packed, list) or len(packed) != len(keys) + 1 or packed[0] != tag:
            raise ValueError
        values = [dt.date.fromisoformat(v["d"]) if isinstance(v, dict) else v for v in packed[1:]]
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError, RecursionError):
        raise InvalidParameter(_INVALID_CURSOR) from None
    for key, value in zip(keys, values, strict=True):
        if value is None and key.nullable:
            continue
        accepted = _ACCEPTED.get(_python_type(key.column), int | float | str | dt.date)
        in_range = not isinstance(value, int) or -(2**63) <= value < 2**63
        if value is None or isinstance(value, bool) or not isinstance(value, accepted) or not in_range:
            raise InvalidParameter(_INVALID_CURSOR)
    return values


def _beyond(key: SortKey, value: Any) -> ColumnElement[bool]:
    """Rows strictly after ``value`` on one key, NULLs where the key puts them."""
    column = key.column
    if value is None:
        return false() if key.nulls_after else column.is_not(None)
    step = column < value if key.descending else column > value
    return or_(step, column.is_(None)) if key.nulls_after else step


def _equal(key: SortKey, value: Any) -> ColumnElement[bool]:
    return key.column.is_(None) if value is None else key.column == value


def _after(keys: list[SortKey], values: list[Any]) -> ColumnElement[bool]:
    clauses = []
    for i, key in enumerate(keys):
        equal = [_equal(keys[j], values[j]) for j in range(i)]
        clauses.append(and_(*equal, _beyond(key, values[i])))
    return or_(*clauses)


def _segments(keys: list[SortKey], values: list[Any] | None) -> list[ColumnElement[bool] | None]:
    """The rows after ``values`` (the cursor's values, or bound parameters for them and None where they are
    NULL; ``values`` None: every row), as conditions whose rows follow one another in the sort order (None:
    no condition).

    Together they mean the same as one ``_after`` condition, but each bounds the first key with a single
    range (``published_at <= :v AND (published_at < :v OR id < :id)``), so the database walks an index in
    order and stops at the page's end; an OR with ``published_at IS NULL`` would make it collect and sort
    every remaining row instead. NULLs of the first key form a segment of their own, so that in each segment
    the first key is all NULL or all not NULL, and its order needs no NULLS clause (see ``plain_order``).
    """
    first = keys[0]
    column = first.column
    if values is None:
        if not first.nullable:
            return [None]
        return [column.is_not(None), column.is_(None)] if first.nulls_after else [column.is_(None), column.is_not(None)]
    value = values[0]
    rest = _after(keys[1:], values[1:]) if len(keys) > 1 else false()
    if value is None:
        same = and_(column.is_(None), rest)
        return [same] if first.nulls_after else [same, column.is_not(None)]
    low, beyond = (column <= value, column < value) if first.descending else (column >= value, column > value)
    segments = [and_(low, or_(beyond, rest))]
    return [*segments, column.is_(None)] if first.nulls_after else segments


def _python_type(column) -> type | None:
    try:
        return column.type.python_type
    except (AttributeError, NotImplementedError):
        return None


class Paged:
    """A list's filtered query and sort keys, with the statements that page through it: the count, and the
    page statements after each shape of cursor (which of its values are NULL), built on first use.

    A service builds one ``Paged`` per shape of query (its filter values being bound parameters) and reuses it
    for every request of that shape: building statements again for every request (and SQLAlchemy's cache key
    of each) cost more than running them. The page statements bind the cursor's values as ``cursor_0``, ... and
    the page size as ``page_limit``."""

    def __init__(
        self,
        query: Select,
        keys: list[SortKey],
        *,
        counted: Select | None = None,
        count_limit: int | None = None,
        counted_in_rows: bool = False,
        widen: Callable[[Select], Select] | None = None,
    ) -> None:
        self.query, self.keys = query, keys
        # What ``count`` counts when not the rows of ``query`` themselves (the same rows, read more cheaply, or
        # only up to ``count_limit`` + 1 of them: the total is then a lower bound past ``count_limit``).
        self.counted, self.count_limit = counted, count_limit
        # ``counted_in_rows``: ``query``'s last column is that count, the same in every row, so a page that has
        # rows needs no count statement of its own.
        self.counted_in_rows = counted_in_rows
        # ``widen``: ``query`` selects few columns (the keys', the count), and each page statement, once ordered
        # and limited, is handed to ``widen``, which reads the page's rows with the columns to list (in the same
        # order, the keys last), so that only the page's rows are read in full.
        self.widen = widen
        self._pages: dict[tuple[bool, ...] | None, list[Select]] = {}

    @cached_property
    def count(self) -> Select:
        counted = self.query.order_by(None) if self.counted is None else self.counted
        return select(func.count()).select_from(counted.subquery())

    def pages(self, nulls: tuple[bool, ...] | None) -> list[Select]:
        """The statements that read the page after a cursor whose values are NULL where ``nulls`` says (``nulls``
        None: the first page), at most ``page_limit`` rows in all, to run in turn until enough rows are read: one
        per segment (see ``_segments``)."""
        if nulls not in self._pages:
            keys = self.keys
            ordered = self.query.order_by(keys[0].plain_order(), *[k.order() for k in keys[1:]])
            ordered = ordered.add_columns(*[k.column.label(f"_k{i}") for i, k in enumerate(keys)])
            ordered = ordered.limit(bindparam("page_limit"))
            values = (
                None if nulls is None else [None if null else bindparam(f"cursor_{i}") for i, null in enumerate(nulls)]
            )
            statements = [ordered if segment is None else ordered.where(segment) for segment in _segments(keys, values)]
            self._pages[nulls] = [self.widen(s) for s in statements] if self.widen else statements
        return self._pages[nulls]


def paginate(
    session: Session, paged: Paged, params: dict[str, Any], window: Window, *, tag: str = "", with_total: bool = True
) -> tuple[list[Any], int | None, str | None]:
    """Run ``paged``'s query (with the values ``params`` of its bound parameters) ordered by its keys; returns
    its rows (the columns it selects, as tuples), the total and the next cursor.

    ``tag`` names the sort order inside the cursor, so that a cursor is refused under another sort.
    """
    keys = paged.keys
    nulls, bound = None, dict(params)
    if window.cursor:
        values = decode_cursor(window.cursor, keys, tag)
        nulls = tuple(value is None for value in values)
        bound |= {f"cursor_{i}": value for i, value in enumerate(values) if value is not None}
    rows: list[Any] = []
    for statement in paged.pages(nulls):
        rows += read(session, statement, bound | {"page_limit": window.limit + 1 - len(rows)}).all()
        if len(rows) > window.limit:
            break
    total = None
    if with_total:
        in_rows = paged.counted_in_rows and rows
        total = rows[0][-len(keys) - 1] if in_rows else read(session, paged.count, params).scalar_one()
    next_cursor = None
    if len(rows) > window.limit:
        rows = rows[: window.limit]
        next_cursor = encode_cursor(list(rows[-1][-len(keys) :]), tag)
    end = -len(keys) - (1 if paged.counted_in_rows else 0)
    return [row[:end] for row in rows], total, next_cursor


def walk(
    sessions: Callable[[], AbstractContextManager[Session]],
    paged: Paged,
    params: dict[str, Any],
    *,
    tag: str = "",
    start: str | None = None,
    batch: int = 1000,
    limit: int | None = None,
) -> Iterator[tuple[Session, list[Any]]]:
    """Every row of ``paged``'s query in order, fetched in keyset batches (for exports); ``limit`` caps the rows.

    Each batch is read in a session of its own (``sessions()``), yielded with its rows while still open: a
    long export holds a connection only while it reads a batch, never while its client is slow to take the
    rows, so any number of exports can be in flight whatever the size of the connection pool."""
    cursor, left = start, limit
    while left is None or left > 0:
        size = batch if left is None else min(batch, left)
        with sessions() as session:
            rows, _total, cursor = paginate(session, paged, params, Window(size, cursor), tag=tag, with_total=False)
            if rows:
                yield session, rows
        if left is not None:
            left -= len(rows)
        if cursor is None:
            return
