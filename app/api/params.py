"""Query parameters shared by several routes, each declared once with its description and example.

The dependencies are ``async``: they only build values, and FastAPI would run a plain function in its thread
pool, a thread hop per dependency and request.
"""

import datetime as dt
from typing import Annotated, Literal

from fastapi import Depends, Query
from pydantic import Field

from app.schemas import DatePrecision
from app.services.actors import ActorFilters, BaseFilters
from app.services.articles import ArticleFilters
from app.services.events import EventFilters
from app.services.search import CANDIDATES, TOTAL_LIMIT

MAX_VALUES = 20  # values per repeated filter: more is a 422, not an ever larger query
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
ALL_OF = "Repeat to require all of several."
ANY_OF = "Repeat to accept any of several."
_Q_SYNTAX = (
    'Words must all match (stemmed: "withdraw" finds "withdrawal"); "quoted phrases", `OR` between two terms, '
    "`-word` to exclude, `word*` for a prefix."
)
_BOUNDED = (
    f"Relevance ranks the {CANDIDATES:,} most recently added matches; past {TOTAL_LIMIT:,} matches, `total` is a "
    "lower bound (`total_relation`: `gte`)."
)

EventSort = Literal["-date", "date", "-articles", "articles", "relevance"]
ArticleSort = Literal["-published", "published", "relevance"]
NameSort = Literal["name", "-name"]

MAX_Q = 500  # characters of a search or prefix query


def _text_param(description: str, example: str):
    """An optional text parameter (a search or a prefix), 1 to MAX_Q characters."""
    return Annotated[str | None, Query(min_length=1, max_length=MAX_Q, description=description, examples=[example])]


ActorRef = Annotated[
    list[str],
    Query(
        max_length=MAX_VALUES,
        description=f"Actor id, canonical name or any alias, in any case or accents. {ALL_OF}",
        examples=["putin"],
    ),
]
BaseRef = Annotated[
    list[str],
    Query(
        max_length=MAX_VALUES, description=f"Base id, canonical name or any spelling. {ALL_OF}", examples=["Hmeymim"]
    ),
]
UpdatedAfter = Annotated[
    dt.datetime | None,
    Query(
        description="Only rows created or changed after this instant (ISO 8601; UTC if no offset is given). "
        "Use it to sync incrementally.",
        examples=["2026-01-01T00:00:00Z"],
    ),
]


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


async def event_filters(
    date_from: Annotated[
        dt.date | None,
        Query(description="Events on or after this date (leaves out undated events).", examples=["2016-01-01"]),
    ] = None,
    date_to: Annotated[
        dt.date | None,
        Query(description="Events on or before this date (leaves out undated events).", examples=["2016-12-31"]),
    ] = None,
    date_precision: Annotated[
        list[DatePrecision],
        Query(
            max_length=MAX_VALUES,
            description=f"How precisely the event is dated: day, month, year, or none (undated). {ANY_OF}",
            examples=["none"],
        ),
    ] = [],  # noqa: B006
    type: Annotated[
        list[str], Query(max_length=MAX_VALUES, description=f"Event type. {ANY_OF}", examples=["withdrawal_order"])
    ] = [],  # noqa: B006 - FastAPI copies defaults
    cameo_code: Annotated[
        list[str], Query(max_length=MAX_VALUES, description=f"CAMEO event code. {ANY_OF}", examples=["0874"])
    ] = [],  # noqa: B006
    actor: ActorRef = [],  # noqa: B006
    base: BaseRef = [],  # noqa: B006
    country: Annotated[
        list[str],
        Query(
            max_length=MAX_VALUES,
            description=f"Country the forces withdraw from (any case). {ANY_OF}",
            examples=["Syria"],
        ),
    ] = [],  # noqa: B006
    forces_of: Annotated[
        list[str],
        Query(
            max_length=MAX_VALUES,
            description=f"Country whose forces withdraw (any case). {ANY_OF}",
            examples=["Russia"],
        ),
    ] = [],  # noqa: B006
    article: Annotated[
        list[Id],
        Query(
            max_length=MAX_VALUES,
            description=f"Id of an article that reports or mentions the event. {ALL_OF}",
            examples=[1],
        ),
    ] = [],  # noqa: B006
    min_articles: Annotated[
        int | None,
        Query(
            ge=0, le=2**31 - 1, description="Events reported or mentioned by at least this many articles.", examples=[2]
        ),
    ] = None,
    q: _text_param(f"Full-text search over the title and summary. {_Q_SYNTAX} {_BOUNDED}", "syria") = None,
    updated_after: UpdatedAfter = None,
) -> EventFilters:
    return EventFilters(
        date_from=date_from,
        date_to=date_to,
        date_precision=date_precision,
        type=type,
        cameo_code=cameo_code,
        actor=actor,
        base=base,
        country=country,
        forces_of=forces_of,
        article=article,
        min_articles=min_articles,
        q=q,
        updated_after=_utc(updated_after),
    )


async def article_filters(
    event: Annotated[
        list[Id],
        Query(
            max_length=MAX_VALUES, description=f"Id of an event the article reports or mentions. {ALL_OF}", examples=[1]
        ),
    ] = [],  # noqa: B006
    relation: Annotated[
        Literal["reports", "mentions"] | None,
        Query(
            description="Only articles that *report* (are about) or only *mention* (recall) the event(s).",
            examples=["reports"],
        ),
    ] = None,
    actor: ActorRef = [],  # noqa: B006
    base: BaseRef = [],  # noqa: B006
    outlet: Annotated[
        list[str], Query(max_length=MAX_VALUES, description=f"Outlet name (any case). {ANY_OF}", examples=["CBC News"])
    ] = [],  # noqa: B006
    language: Annotated[
        list[str], Query(max_length=MAX_VALUES, description=f"Language code. {ANY_OF}", examples=["en"])
    ] = [],  # noqa: B006
    published_from: Annotated[
        dt.date | None, Query(description="Published on or after this date.", examples=["2016-03-01"])
    ] = None,
    published_to: Annotated[
        dt.date | None, Query(description="Published on or before this date.", examples=["2016-03-31"])
    ] = None,
    q: _text_param(
        f"Full-text search over the title and body, ranked (title matches weigh more). {_Q_SYNTAX} "
        f"Each article then carries a highlighted `snippet`. {_BOUNDED}",
        "hmeimim",
    ) = None,
    updated_after: UpdatedAfter = None,
) -> ArticleFilters:
    return ArticleFilters(
        event=event,
        relation=relation,
        actor=actor,
        base=base,
        outlet=outlet,
        language=language,
        published_from=published_from,
        published_to=published_to,
        q=q,
        updated_after=_utc(updated_after),
    )


async def actor_filters(
    q: _text_param("Name or alias prefix (any case, accents or punctuation).", "shoi") = None,
    kind: Annotated[
        list[Literal["person", "organisation", "state", "armed_group"]],
        Query(max_length=MAX_VALUES, description=f"Actor kind. {ANY_OF}", examples=["person"]),
    ] = [],  # noqa: B006
    event: Annotated[
        list[Id],
        Query(max_length=MAX_VALUES, description=f"Id of an event the actor took part in. {ALL_OF}", examples=[1]),
    ] = [],  # noqa: B006
    article: Annotated[
        list[Id],
        Query(max_length=MAX_VALUES, description=f"Id of an article that names the actor. {ALL_OF}", examples=[1]),
    ] = [],  # noqa: B006
) -> ActorFilters:
    return ActorFilters(q=q, kind=list(kind), event=event, article=article)


async def base_filters(
    q: _text_param("Name or spelling prefix (any case or accents).", "hme") = None,
    kind: Annotated[
        list[str], Query(max_length=MAX_VALUES, description=f"Base kind. {ANY_OF}", examples=["air_base"])
    ] = [],  # noqa: B006
    country: Annotated[
        list[str],
        Query(max_length=MAX_VALUES, description=f"Country of the base (any case). {ANY_OF}", examples=["Syria"]),
    ] = [],  # noqa: B006
    event: Annotated[
        list[Id],
        Query(max_length=MAX_VALUES, description=f"Id of an event the base figures in. {ALL_OF}", examples=[1]),
    ] = [],  # noqa: B006
) -> BaseFilters:
    return BaseFilters(q=q, kind=kind, country=country, event=event)


EventFiltersDep = Annotated[EventFilters, Depends(event_filters)]
ArticleFiltersDep = Annotated[ArticleFilters, Depends(article_filters)]
ActorFiltersDep = Annotated[ActorFilters, Depends(actor_filters)]
BaseFiltersDep = Annotated[BaseFilters, Depends(base_filters)]


def _sort_param(kind, default: str, extra: str = ""):
    return Annotated[
        kind | None,
        Query(
            description=f"Order of the rows (`-` for descending; the id breaks ties). Default `{default}`.{extra}",
            examples=[default],
        ),
    ]


EventSortParam = _sort_param(
    EventSort,
    "-date",
    " Undated events come last in both date orders. `relevance` needs `q` and is the default with it.",
)
ArticleSortParam = _sort_param(ArticleSort, "-published", " `relevance` needs `q` and is the default with it.")
NameSortParam = _sort_param(NameSort, "name")
