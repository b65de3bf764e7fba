"""One shape for every list endpoint: a filtered query, a named sort, and a batch builder of API items.

Services build a ``Listing``; the API turns it into a JSON page (``page``) or streams every row for an
export (``stream``). Both go through the same keyset pagination, so filters, sorts and cursors behave the
same in every format.

Items are plain dicts holding exactly the fields of the list's API model (``ArticlePublic``, ...), in the
model's field order: a page is serialised once, as it is, without building a pydantic model per row and
validating it again (tests/api/test_json_fast_path.py holds every list's answer to its response model).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, inspect
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from app.errors import InvalidParameter
from app.services.pagination import SortKey, Window, paginate, walk

Item = dict[str, Any]


@dataclass(frozen=True)
class Listing:
    query: Select  # selects the columns that ``build`` reads, in order
    sort_name: str
    keys: list[SortKey]
    # (session, rows, total) -> items; total: the rows matching over all pages, None when not counted (exports)
    build: Callable[[Session, list[tuple], int | None], list[Item]]


def page(session: Session, listing: Listing, window: Window) -> Item:
    """One page as the API answers it: ``{"items": [...], "total": N, "next": cursor}`` (see ``Page``)."""
    rows, total, next_cursor = paginate(session, listing.query, listing.keys, window, tag=listing.sort_name)
    return {"items": listing.build(session, rows, total), "total": total, "next": next_cursor}


def stream(session: Session, listing: Listing, *, start: str | None, limit: int | None) -> Iterator[Item]:
    """Every matching row, in order, built in batches (constant memory, whatever the number of rows)."""
    for rows in walk(session, listing.query, listing.keys, tag=listing.sort_name, start=start, limit=limit):
        yield from listing.build(session, rows, None)


def listed_columns(model, schema: type[BaseModel], exclude: tuple[str, ...] = ()) -> list:
    """The columns of table ``model`` (a model or an alias of one) that a list shows, named and ordered as the
    fields of ``schema``.

    They are the table's own columns, not the model's attributes: a statement run on a connection matches the
    columns it selects to those of its cached compiled form, and the attributes' annotated copies compare (by
    building SQL expressions) where the columns themselves are simply the same objects."""
    columns = inspect(model).selectable.c
    return [columns[name] for name in schema.model_fields if name not in exclude]


def row_builder(schema: type[BaseModel]) -> Callable[[Session, list[tuple], int | None], list[Item]]:
    """A builder for lists whose items are the rows themselves (selected with ``listed_columns``)."""
    names = tuple(schema.model_fields)

    def build(_session: Session, rows: list[tuple], _total: int | None) -> list[Item]:
        return [dict(zip(names, row, strict=True)) for row in rows]

    return build


def any_of_ignoring_case(column, values: list[str]) -> ColumnElement[bool]:
    """``column`` equals one of ``values``, compared without case or surrounding spaces."""
    return func.lower(column).in_([value.strip().lower() for value in values])


def choose_sort(sort: str | None, q: str | None, default: str) -> str:
    """The sort to use: ``relevance`` needs ``q``, and is the default when ``q`` is given."""
    if sort == "relevance" and not q:
        raise InvalidParameter("sort=relevance needs a full-text query: add q=...")
    return sort or ("relevance" if q else default)
