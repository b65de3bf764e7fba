import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import SessionDep, WindowDep
from app.errors import ERROR_RESPONSES
from app.schemas import ArticleDetail, ArticlePublic, Page
from app.services import articles as service

router = APIRouter(prefix="/articles", tags=["articles"], responses={422: ERROR_RESPONSES[422]})


@router.get("", response_model=Page[ArticlePublic])
def list_articles(
    session: SessionDep,
    window: WindowDep,
    event: Annotated[list[int], Query(description="Event id; repeat for all of several.", examples=[1])] = [],  # noqa: B006
    actor: Annotated[
        list[str],
        Query(description="Actor id, canonical name or alias; repeat for all of several.", examples=["assad"]),
    ] = [],  # noqa: B006
    base: Annotated[
        list[str], Query(description="Base id, canonical name or any spelling; repeat for all.", examples=["Tartous"])
    ] = [],  # noqa: B006
    outlet: Annotated[
        list[str],
        Query(description="Outlet name (case-insensitive); repeat for any of several.", examples=["CBC News"]),
    ] = [],  # noqa: B006
    published_from: Annotated[
        dt.date | None, Query(description="Published on or after this date.", examples=["2016-03-01"])
    ] = None,
    published_to: Annotated[
        dt.date | None, Query(description="Published on or before this date.", examples=["2016-03-31"])
    ] = None,
) -> Page[ArticlePublic]:
    """List articles, most recently published first."""
    filters = service.ArticleFilters(
        event=event, actor=actor, base=base, outlet=outlet, published_from=published_from, published_to=published_to
    )
    return service.list_articles(session=session, filters=filters, window=window)


@router.get("/{article_id}", response_model=ArticleDetail, responses={404: ERROR_RESPONSES[404]})
def get_article(article_id: int, session: SessionDep) -> ArticleDetail:
    """One article with its clean text, events, actors and bases, each with evidence."""
    return service.get_article(session=session, article_id=article_id)
