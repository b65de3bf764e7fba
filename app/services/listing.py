"""One shape for every list endpoint: a filtered query, a named sort, and a batch builder of API items.

Services build a ``Listing``; the API turns it into a JSON page (``page``) or streams every row for an
export (``stream``). Both go through the same keyset pagination, so filters, sorts and cursors behave the
same in every format.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import func
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from app.errors import InvalidParameter
from app.schemas import Page
from app.services.pagination import SortKey, Window, paginate, walk

T = TypeVar("T")


@dataclass(frozen=True)
class Listing(Generic[T]):
    query: Select
    sort_name: str
    keys: list[SortKey]
    build: Callable[[Session, list[Any]], list[T]]


def page(session: Session, listing: Listing[T], window: Window) -> Page[T]:
    rows, total, next_cursor = paginate(session, listing.query, listing.keys, window, tag=listing.sort_name)
    return Page[Any](items=listing.build(session, rows), total=total, next=next_cursor)


def stream(session: Session, listing: Listing[T], *, start: str | None, limit: int | None) -> Iterator[T]:
    """Every matching row, in order, built in batches (constant memory, whatever the number of rows)."""
    for rows in walk(session, listing.query, listing.keys, tag=listing.sort_name, start=start, limit=limit):
        yield from listing.build(session, rows)


def model_builder(model: type[T]) -> Callable[[Session, list[Any]], list[T]]:
    """A builder for lists whose items are the rows themselves, validated as ``model``."""

    def build(_session: Session, rows: list[Any]) -> list[T]:
        return [model.model_validate(row) for row in rows]

    return build


def any_of_ignoring_case(column, values: list[str]) -> ColumnElement[bool]:
    """``column`` equals one of ``values``, compared without case or surrounding spaces."""
    return func.lower(column).in_([value.strip().lower() for value in values])


def choose_sort(sort: str | None, q: str | None, default: str) -> str:
    """The sort to use: ``relevance`` needs ``q``, and is the default when ``q`` is given."""
    if sort == "relevance" and not q:
        raise InvalidParameter("sort=relevance needs a full-text query: add q=...")
    return sort or ("relevance" if q else default)
