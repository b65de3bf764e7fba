"""One shape for every list endpoint: a filtered query, a named sort, and a batch builder of API items.

Services build a ``Listing``; the API turns it into a JSON page (``page``) or streams every row for an
export (``stream``). Both go through the same keyset pagination, so filters, sorts and cursors behave the
same in every format.

Items are plain dicts holding exactly the fields of the list's API model (``ArticlePublic``, ...), in the
model's field order: a page is serialised once, as it is, without building a pydantic model per row and
validating it again (tests/api/test_json_fast_path.py holds every list's answer to its response model).
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import bindparam, func, inspect, select
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from app.errors import InvalidParameter
from app.services import search
from app.services.lookup import actor_ids, base_ids, reference
from app.services.pagination import Paged, SortKey, Window, paginate, walk

Item = dict[str, Any]


@dataclass(frozen=True)
class Listing:
    paged: Paged  # the filtered query (selecting the columns that ``build`` reads, in order) and its sort keys
    params: dict[str, Any]  # the values of the query's bound parameters (see Bound)
    sort_name: str
    # (session, rows, counted) -> items; counted: the rows matching over all pages, up to the count's limit
    # (``Paged.count_limit``) + 1; None when not counted (exports)
    build: Callable[[Session, list[tuple], int | None], list[Item]]

    @property
    def keys(self) -> list[SortKey]:
        return self.paged.keys


def page(session: Session, listing: Listing, window: Window) -> Item:
    """One page as the API answers it: ``{"items": [...], "total": N, "total_relation": "eq" | "gte", "next":
    cursor}`` (see ``Page``). A count that stops at its limit (a search's) makes ``total`` a lower bound."""
    rows, counted, next_cursor = paginate(session, listing.paged, listing.params, window, tag=listing.sort_name)
    items = listing.build(session, rows, counted)
    limit = listing.paged.count_limit
    if limit is not None and counted > limit:
        return {"items": items, "total": limit, "total_relation": "gte", "next": next_cursor}
    return {"items": items, "total": counted, "total_relation": "eq", "next": next_cursor}


def stream(
    sessions: Callable[[], AbstractContextManager[Session]], listing: Listing, *, start: str | None, limit: int | None
) -> Iterator[Item]:
    """Every matching row, in order, built in batches (constant memory, whatever the number of rows), each batch
    read in a session of its own from ``sessions`` (see ``pagination.walk``)."""
    batches = walk(sessions, listing.paged, listing.params, tag=listing.sort_name, start=start, limit=limit)
    for session, rows in batches:
        items = listing.build(session, rows, None)
        session.close()  # before the items go out: the client may be slow to take them
        yield from items


class Bound:
    """The filters of one list request as bound parameters: their values, and the shape of the query they
    make (which filters are given, and how each is written, e.g. an actor by id or by name), not their values.

    A service builds its query once per shape, with ``bindparam(name)`` for each value, and caches it
    (``Paged``); every request of that shape runs it with its own ``values``."""

    def __init__(self) -> None:
        self.shape: list[tuple[str, Hashable]] = []
        self.values: dict[str, Any] = {}

    def bind(self, name: str, value: Any, form: Hashable = None) -> None:
        """Bind ``value`` (a list for an IN) to ``name``, unless it is None or an empty list (no filter)."""
        if value is None or (isinstance(value, list) and not value):
            return
        self.shape.append((name, form))
        self.values[name] = value

    def each(self, name: str, values: list, form: Callable[[Any], tuple[Hashable, Any]] | None = None) -> None:
        """Bind each of ``values`` (filters that must all hold) as ``name_0``, ``name_1``, ...; ``form`` turns a
        value into its (form, bound value)."""
        for i, value in enumerate(values):
            written, bound = form(value) if form else (None, value)
            self.bind(f"{name}_{i}", bound, written)


Shape = tuple[tuple[str, Hashable], ...]  # Bound.shape as a cache key


def given(shape: Shape, prefix: str) -> list[tuple[str, Hashable]]:
    """The (name, form) of the values bound in ``shape`` whose names start with ``prefix``, in order."""
    return [(name, form) for name, form in shape if name.startswith(prefix)]


def bind_shared(bound: Bound, dialect: str, filters) -> None:
    """Bind the filters that events and articles share: actors and bases (each one that must be linked), the
    full-text query and ``updated_after``."""
    bound.each("actor", filters.actor, reference)
    bound.each("base", filters.base, reference)
    bound.bind("q", search.bound_query(dialect, filters.q) if filters.q else None)
    bound.bind("updated_after", filters.updated_after)


def narrow_shared(
    query: Select, shape: Shape, dialect: str, model, keys: list[SortKey] | None, actor_link: tuple, base_link: tuple
) -> Paged:
    """``query`` (of ``model``: Event or Article) narrowed by the filters of ``bind_shared`` given in ``shape``,
    and sorted by ``keys`` (None: by relevance to the full-text query). ``actor_link`` and ``base_link`` are the
    (model id, actor or base id) columns of the link tables."""
    for prefix, (own_id, other_id), ids_of in (("actor_", actor_link, actor_ids), ("base_", base_link, base_ids)):
        for name, form in given(shape, prefix):
            query = query.where(model.id.in_(select(own_id).where(other_id.in_(ids_of(name, form)))))
    names = dict(shape)
    if "updated_after" in names:
        query = query.where(model.updated_at > bindparam("updated_after"))
    if "q" not in names:
        return Paged(query, keys)
    alone = set(names) == {"q"}
    narrowed = search.restrict(dialect, query, model.__tablename__, model.id, "q", keys is None, alone)
    return Paged(
        narrowed.query,
        narrowed.keys or keys,
        counted=narrowed.counted,
        count_limit=search.TOTAL_LIMIT,
        counted_in_rows=narrowed.counted_in_rows,
        widen=narrowed.widen,
    )


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


def any_of_ignoring_case(column, name: str) -> ColumnElement[bool]:
    """``column`` equals one of the values bound to ``name`` (see ``folded``), compared without case."""
    return func.lower(column).in_(bindparam(name, expanding=True))


def folded(values: list[str]) -> list[str]:
    """Values for ``any_of_ignoring_case``: without case or surrounding spaces."""
    return [value.strip().lower() for value in values]


def choose_sort(sort: str | None, q: str | None, default: str) -> str:
    """The sort to use: ``relevance`` needs ``q``, and is the default when ``q`` is given."""
    if sort == "relevance" and not q:
        raise InvalidParameter("sort=relevance needs a full-text query: add q=...")
    return sort or ("relevance" if q else default)
