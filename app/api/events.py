from fastapi import APIRouter, Path, Request, Response

from app.api.deps import SessionDep, WindowDep
from app.api.export import EVENT_GEO_RESPONSES, EXPORT_RESPONSES, FormatParam, GeoFormatParam, respond
from app.api.params import ArticleFiltersDep, ArticleSortParam, EventFiltersDep, EventSortParam
from app.api.rendering import json_response
from app.errors import ERROR_RESPONSES
from app.schemas import ArticlePublic, EventDetail, EventPublic, Page
from app.services import articles as article_service
from app.services import events as service
from app.services.geo import event_features
from app.services.lookup import ensure_exists

router = APIRouter(prefix="/events", tags=["events"], responses={422: ERROR_RESPONSES[422], 406: ERROR_RESPONSES[406]})
EventId = Path(description="Event id.", examples=[1], ge=1, le=2**31 - 1)


@router.get("", response_model=Page[EventPublic], responses=EVENT_GEO_RESPONSES)
def list_events(
    request: Request,
    session: SessionDep,
    window: WindowDep,
    filters: EventFiltersDep,
    sort: EventSortParam = None,
    format: GeoFormatParam = None,
):
    """List withdrawal events, newest first. Filters combine with AND."""
    listing = service.events_listing(session, filters, sort)
    return respond(request, session, listing, window, format, "events", event_features)


@router.get("/{event_id}", response_model=EventDetail, responses={404: ERROR_RESPONSES[404]})
def get_event(session: SessionDep, event_id: int = EventId) -> Response:
    """One event with its figures, and its articles, actors and bases, each with the evidence sentence."""
    with session:  # closed here, in the route's thread (see get_session)
        return json_response(service.get_event(session=session, event_id=event_id))


@router.get(
    "/{event_id}/articles",
    response_model=Page[ArticlePublic],
    responses={404: ERROR_RESPONSES[404], **EXPORT_RESPONSES},
)
def list_event_articles(
    request: Request,
    session: SessionDep,
    window: WindowDep,
    filters: ArticleFiltersDep,
    event_id: int = EventId,
    sort: ArticleSortParam = None,
    format: FormatParam = None,
):
    """The articles that report or mention one event: the same filters, sorts and formats as `/articles`."""
    ensure_exists(session, "event", event_id)
    filters = article_service.with_event(filters, event_id)
    listing = article_service.articles_listing(session, filters, sort)
    return respond(request, session, listing, window, format, f"event-{event_id}-articles")
