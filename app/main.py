"""create_app(): the FastAPI application, its routers and its error handlers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine

from app import __version__
from app.api import actors, articles, bases, events, health
from app.api.auth import configured_keys
from app.api.caching import ETagMiddleware
from app.api.limits import BodySizeLimit, RejectNulInQuery
from app.api.response_cache import ResponseCache
from app.api.security import install_security
from app.config import get_settings
from app.data_version import DataVersionProbe, supports_versioning
from app.db import get_engine
from app.docs import install_docs
from app.errors import install_error_handlers
from app.page import install_page

DESCRIPTION = """
Drawdown is an open event database of **announced military withdrawals**, normalised from news articles.

* `/events`: withdrawal orders, each dated (with a precision), with its articles, actors and bases.
* `/articles`: the news articles, each linked to the events it *reports* or *mentions*.
* `/actors` and `/bases`: canonical people, organisations, states, armed groups and military bases.

Lists answer `{"items": [...], "total": N, "total_relation": "eq", "next": cursor}`; follow `next` to page
(`total_relation` is `gte` when a full-text query matches more rows than it counts). Filters that take an actor
or a base accept an id, the canonical name or any alias (`actor=putin`, `base=Hmeymim`). Every error has the
same JSON body: `{"error": {"status", "code", "message", "details"}}`. Every list also exports CSV and NDJSON
(`format=csv|ndjson`), and every GET carries an `ETag` (send `If-None-Match` for a `304`).

Reads are public. Writes (`POST`, `PATCH`, `DELETE /articles`) need an API key in `X-API-Key` or
`Authorization: Bearer`.
"""

TAGS = [
    {"name": "events", "description": "Announced withdrawal orders."},
    {"name": "articles", "description": "Source articles and what was extracted from them."},
    {"name": "actors", "description": "People, organisations, states and armed groups."},
    {"name": "bases", "description": "Military bases and facilities."},
    {"name": "service", "description": "Health and service information."},
]


def create_app(
    engine: Engine | None = None,
    api_keys: list[str] | None = None,
    cors_origins: list[str] | None = None,
    response_cache_mb: float | None = None,
) -> FastAPI:
    """The application over ``engine`` (default: DRAWDOWN_DATABASE_URL); writes accept ``api_keys``
    (default: DRAWDOWN_API_KEYS, else the key file that ``drawdown serve`` creates); read answers are cached
    in up to ``response_cache_mb`` (default: DRAWDOWN_RESPONSE_CACHE_MB; 0: no cache)."""
    settings = get_settings()
    engine = engine or get_engine()
    cache_mb = settings.response_cache_mb if response_cache_mb is None else response_cache_mb
    probe = DataVersionProbe(engine) if cache_mb > 0 and supports_versioning(engine) else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if probe is not None:
            probe.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Drawdown",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        docs_url=None,  # /docs and /redoc come from install_docs(), with assets served from the package
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.api_keys = list(api_keys) if api_keys is not None else configured_keys(settings)
    install_error_handlers(app)
    app.add_middleware(ETagMiddleware)
    app.add_middleware(ResponseCache, probe=probe, max_bytes=int(cache_mb * 1_000_000))
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RejectNulInQuery)
    origins = cors_origins if cors_origins is not None else [o.strip() for o in settings.cors_origins.split(",")]
    install_security(app, [o for o in origins if o])
    for module in (events, articles, actors, bases, health):
        app.include_router(module.router)
    install_docs(app)
    install_page(app)
    return app
