from fastapi import APIRouter, Path, Request

from app.api.deps import SessionDep, WindowDep
from app.api.export import EVENT_GEO_RESPONSES, EXPORT_RESPONSES, FormatParam, GeoFormatParam, respond
from app.api.params import ActorFiltersDep, EventFiltersDep, EventSortParam, NameSortParam
from app.errors import ERROR_RESPONSES
from app.schemas import ActorDetail, ActorPublic, EventPublic, Page
from app.services import actors as service
from app.services import events as event_service
from app.services.geo import event_features
from app.services.lookup import ensure_exists

router = APIRouter(prefix="/actors", tags=["actors"], responses={422: ERROR_RESPONSES[422], 406: ERROR_RESPONSES[406]})
ActorId = Path(description="Actor id.", examples=[1], ge=1, le=2**31 - 1)


@router.get("", response_model=Page[ActorPublic], responses=EXPORT_RESPONSES)
def list_actors(
    request: Request,
    session: SessionDep,
    window: WindowDep,
    filters: ActorFiltersDep,
    sort: NameSortParam = None,
    format: FormatParam = None,
):
    """List actors (people, organisations, states, armed groups) by name. Filters combine with AND."""
    listing = service.actors_listing(session, filters, sort)
    return respond(request, session, listing, window, format, "actors")


@router.get("/{actor_id}", response_model=ActorDetail, responses={404: ERROR_RESPONSES[404]})
def get_actor(session: SessionDep, actor_id: int = ActorId) -> ActorDetail:
    """One actor with the events it took part in and its roles."""
    return service.get_actor(session=session, actor_id=actor_id)


@router.get(
    "/{actor_id}/events", response_model=Page[EventPublic], responses={404: ERROR_RESPONSES[404], **EVENT_GEO_RESPONSES}
)
def list_actor_events(
    request: Request,
    session: SessionDep,
    window: WindowDep,
    filters: EventFiltersDep,
    actor_id: int = ActorId,
    sort: EventSortParam = None,
    format: GeoFormatParam = None,
):
    """The events one actor took part in: the same filters, sorts and formats as `/events`."""
    ensure_exists(session, "actor", actor_id)
    listing = event_service.events_listing(session, event_service.with_actor(filters, actor_id), sort)
    return respond(request, session, listing, window, format, f"actor-{actor_id}-events", event_features)
