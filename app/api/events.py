import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import SessionDep, WindowDep
from app.errors import ERROR_RESPONSES
from app.schemas import EventDetail, EventPublic, Page
from app.services import events as service

router = APIRouter(prefix="/events", tags=["events"], responses={422: ERROR_RESPONSES[422]})


@router.get("", response_model=Page[EventPublic])
def list_events(
    session: SessionDep,
    window: WindowDep,
    date_from: Annotated[
        dt.date | None, Query(description="Events on or after this date.", examples=["2016-01-01"])
    ] = None,
    date_to: Annotated[
        dt.date | None, Query(description="Events on or before this date.", examples=["2016-12-31"])
    ] = None,
    actor: Annotated[
        list[str],
        Query(
            description="Actor id, canonical name or alias (any case or accents); repeat for all of several.",
            examples=["putin"],
        ),
    ] = [],  # noqa: B006 - FastAPI copies defaults
    base: Annotated[
        list[str],
        Query(description="Base id, canonical name or any spelling; repeat for all of several.", examples=["Hmeymim"]),
    ] = [],  # noqa: B006
) -> Page[EventPublic]:
    """List events, newest first."""
    filters = service.EventFilters(date_from=date_from, date_to=date_to, actor=actor, base=base)
    return service.list_events(session=session, filters=filters, window=window)


@router.get("/{event_id}", response_model=EventDetail, responses={404: ERROR_RESPONSES[404]})
def get_event(event_id: int, session: SessionDep) -> EventDetail:
    """One event with its articles, actors and bases, each with evidence."""
    return service.get_event(session=session, event_id=event_id)
