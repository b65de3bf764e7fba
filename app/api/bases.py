from fastapi import APIRouter, Path, Request

from app.api.deps import SessionDep, WindowDep
from app.api.export import BASE_GEO_RESPONSES, EVENT_GEO_RESPONSES, GeoFormatParam, respond
from app.api.params import BaseFiltersDep, EventFiltersDep, EventSortParam, NameSortParam
from app.errors import ERROR_RESPONSES
from app.schemas import BaseDetail, BasePublic, EventPublic, Page
from app.services import actors as service
from app.services import events as event_service
from app.services.geo import base_features, event_features
from app.services.lookup import ensure_exists

router = APIRouter(prefix="/bases", tags=["bases"], responses={422: ERROR_RESPONSES[422], 406: ERROR_RESPONSES[406]})
BaseId = Path(description="Base id.", examples=[1], ge=1, le=2**31 - 1)


@router.get("", response_model=Page[BasePublic], responses=BASE_GEO_RESPONSES)
def list_bases(
    request: Request,
    session: SessionDep,
    window: WindowDep,
    filters: BaseFiltersDep,
    sort: NameSortParam = None,
    format: GeoFormatParam = None,
):
    """List military bases by name. Filters combine with AND."""
    listing = service.bases_listing(session, filters, sort)
    return respond(request, session, listing, window, format, "bases", base_features)


@router.get("/{base_id}", response_model=BaseDetail, responses={404: ERROR_RESPONSES[404]})
def get_base(session: SessionDep, base_id: int = BaseId) -> BaseDetail:
    """One base with the events it figures in and its roles (venue, retained)."""
    return service.get_base(session=session, base_id=base_id)


@router.get(
    "/{base_id}/events", response_model=Page[EventPublic], responses={404: ERROR_RESPONSES[404], **EVENT_GEO_RESPONSES}
)
def list_base_events(
    request: Request,
    session: SessionDep,
    window: WindowDep,
    filters: EventFiltersDep,
    base_id: int = BaseId,
    sort: EventSortParam = None,
    format: GeoFormatParam = None,
):
    """The events at or about one base: the same filters, sorts and formats as `/events`."""
    ensure_exists(session, "base", base_id)
    listing = event_service.events_listing(session, event_service.with_base(filters, base_id), sort)
    return respond(request, session, listing, window, format, f"base-{base_id}-events", event_features)
