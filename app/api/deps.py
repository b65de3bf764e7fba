"""Shared route dependencies: the database session and the pagination window."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlmodel import Session

from app.config import get_settings
from app.db import writer
from app.services.pagination import Window


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_write_session(request: Request) -> Iterator[Session]:
    with Session(writer(request.app.state.engine)) as session:
        yield session


WriteSessionDep = Annotated[Session, Depends(get_write_session)]


def page_window(
    limit: Annotated[
        int,
        Query(
            ge=1,
            description="Rows per page (default 50, at most 500; more is a 422).",
            examples=[50],
            json_schema_extra={"maximum": get_settings().max_page_size},
        ),
    ] = 50,
    cursor: Annotated[
        str | None,
        Query(
            description="Opaque cursor: the `next` value of the previous page (with the same filters and sort).",
            max_length=1000,
            examples=["WyItZGF0ZSIseyJkIjoiMjAxNi0wMy0xNCJ9LDFd"],
        ),
    ] = None,
) -> Window:
    maximum = get_settings().max_page_size
    if limit > maximum:
        from app.errors import InvalidParameter

        raise InvalidParameter(f"limit must be at most {maximum}; follow 'next' to page through more rows.")
    return Window(limit=limit, cursor=cursor)


WindowDep = Annotated[Window, Depends(page_window)]
