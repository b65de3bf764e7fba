from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Request, Response

from app.api.auth import WriteAccess
from app.api.deps import SessionDep, WindowDep, WriteSessionDep
from app.api.export import EXPORT_RESPONSES, FormatParam, respond
from app.api.limits import require_json
from app.api.params import ArticleFiltersDep, ArticleSortParam, EventFiltersDep, EventSortParam
from app.api.rendering import json_response
from app.errors import ERROR_RESPONSES
from app.schemas import ArticleCreate, ArticleDetail, ArticlePatch, ArticlePublic, EventPublic, Page
from app.services import articles as service
from app.services import events as event_service
from app.services import writes
from app.services.listing import Item
from app.services.lookup import ensure_exists

router = APIRouter(
    prefix="/articles", tags=["articles"], responses={422: ERROR_RESPONSES[422], 406: ERROR_RESPONSES[406]}
)
ArticleId = Path(description="Article id.", examples=[1], ge=1, le=2**31 - 1)


@router.get("", response_model=Page[ArticlePublic], responses=EXPORT_RESPONSES)
def list_articles(
    request: Request,
    session: SessionDep,
    window: WindowDep,
    filters: ArticleFiltersDep,
    sort: ArticleSortParam = None,
    format: FormatParam = None,
):
    """List articles, most recently published first (best match first with `q`). Filters combine with AND."""
    listing = service.articles_listing(session, filters, sort)
    return respond(request, session, listing, window, format, "articles")


@router.get("/{article_id}", response_model=ArticleDetail, responses={404: ERROR_RESPONSES[404]})
def get_article(session: SessionDep, article_id: int = ArticleId) -> Response:
    """One article with its clean text, and its events, actors and bases with evidence sentences and offsets."""
    with session:  # closed here, in the route's thread (see get_session)
        return json_response(service.get_article(session=session, article_id=article_id))


@router.get(
    "/{article_id}/events",
    response_model=Page[EventPublic],
    responses={404: ERROR_RESPONSES[404], **EXPORT_RESPONSES},
)
def list_article_events(
    request: Request,
    session: SessionDep,
    window: WindowDep,
    filters: EventFiltersDep,
    article_id: int = ArticleId,
    sort: EventSortParam = None,
    format: FormatParam = None,
):
    """The events one article reports or mentions: the same filters, sorts and formats as `/events`."""
    ensure_exists(session, "article", article_id)
    listing = event_service.events_listing(session, event_service.with_article(filters, article_id), sort)
    return respond(request, session, listing, window, format, f"article-{article_id}-events")


WRITE_ERRORS = {status: ERROR_RESPONSES[status] for status in (401, 403, 413, 415, 422)}


@router.post(
    "",
    response_model=ArticleDetail,
    status_code=201,
    dependencies=[WriteAccess, Depends(require_json)],
    responses={
        200: {
            "model": ArticleDetail,
            "description": "A duplicate (same url or same normalised content): the stored article, unchanged.",
        },
        201: {"description": "Created: the article's detail view, with its events, actors and bases."},
        **WRITE_ERRORS,
    },
)
def create_article(
    payload: ArticleCreate,
    response: Response,
    session: WriteSessionDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=200,
            description="Any unique string: a retry with the same key (and body) replays the first answer.",
            examples=["2f1c6f0e-5d1b-4a55-9a43-8d0c7f1f9d10"],
        ),
    ] = None,
) -> Item:
    """Ingest one article through the same pipeline as the bulk ingest, in one transaction. Needs an API key.

    Posting the same article again (same url, or the same normalised text) answers 200 with the stored
    article and changes nothing."""
    written = writes.create_article(session, payload, idempotency_key)
    response.status_code = written.status
    response.headers["Location"] = f"/articles/{written.article_id}"
    return service.get_article(session=session, article_id=written.article_id)


@router.patch(
    "/{article_id}",
    response_model=ArticleDetail,
    dependencies=[WriteAccess, Depends(require_json)],
    responses={404: ERROR_RESPONSES[404], 409: ERROR_RESPONSES[409], **WRITE_ERRORS},
)
def update_article(patch: ArticlePatch, session: WriteSessionDep, article_id: int = ArticleId) -> Item:
    """Correct an article's metadata (title, outlet, url, published_at); the article is re-read with it and its
    events, actors and bases re-linked. Needs an API key."""
    writes.update_article(session, article_id, patch)
    return service.get_article(session=session, article_id=article_id)


@router.delete(
    "/{article_id}",
    status_code=204,
    response_class=Response,
    dependencies=[WriteAccess],
    responses={404: ERROR_RESPONSES[404], 401: ERROR_RESPONSES[401], 403: ERROR_RESPONSES[403]},
)
def delete_article(session: WriteSessionDep, article_id: int = ArticleId) -> Response:
    """Remove an article and its links; the counts of its events are recomputed, and an event left with no
    article is removed. Needs an API key."""
    writes.delete_article(session, article_id)
    return Response(status_code=204)
