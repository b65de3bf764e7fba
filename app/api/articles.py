from fastapi import APIRouter, Path, Request

from app.api.deps import SessionDep, WindowDep
from app.api.export import EXPORT_RESPONSES, FormatParam, respond
from app.api.params import ArticleFiltersDep, ArticleSortParam, EventFiltersDep, EventSortParam
from app.errors import ERROR_RESPONSES
from app.schemas import ArticleDetail, ArticlePublic, EventPublic, Page
from app.services import articles as service
from app.services import events as event_service
from app.services.lookup import ensure_exists

router = APIRouter(
    prefix="/articles", tags=["articles"], responses={422: ERROR_RESPONSES[422], 406: ERROR_RESPONSES[406]}
)
ArticleId = Path(description="Article id.", examples=[1])


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
def get_article(session: SessionDep, article_id: int = ArticleId) -> ArticleDetail:
    """One article with its clean text, and its events, actors and bases with evidence sentences and offsets."""
    return service.get_article(session=session, article_id=article_id)


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
