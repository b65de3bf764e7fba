"""HTTP caching: an ETag on every GET, 304 on a matching If-None-Match, and a Cache-Control policy.

JSON and HTML answers get an ETag from a hash of their body (``ETagMiddleware``). Streamed exports cannot be
hashed before they are sent, so they get an ETag from the state of the data instead (``data_stamp``): any
insert, update or delete of an article or event changes it.
"""

import hashlib

from fastapi import Request
from sqlalchemy import func, select
from sqlmodel import Session
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import __version__
from app.models import Actor, Article, Event, MilitaryBase

DEFAULT_CACHE_CONTROL = "no-cache"  # clients may keep responses but must revalidate (cheap with the ETag)


def data_stamp(session: Session) -> str:
    """Changes whenever an article, event, actor or base is inserted, updated or deleted."""
    row = session.execute(
        select(
            select(func.count()).select_from(Article).scalar_subquery(),
            select(func.max(Article.updated_at)).scalar_subquery(),
            select(func.count()).select_from(Event).scalar_subquery(),
            select(func.max(Event.updated_at)).scalar_subquery(),
            select(func.count()).select_from(Actor).scalar_subquery(),
            select(func.count()).select_from(MilitaryBase).scalar_subquery(),
        )
    ).one()
    return "|".join(str(v) for v in row)


def etag_for(request: Request, stamp: str, variant: str) -> str:
    digest = hashlib.sha256(f"{__version__}|{stamp}|{request.url.path}|{request.url.query}|{variant}".encode())
    return f'"{digest.hexdigest()[:32]}"'


def matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


# What a 304 leaves out of the answer it stands for: it has no body.
_BODY_HEADERS = (b"content-length", b"content-type", b"content-disposition")


async def send_not_modified(send: Send, headers: list[tuple[bytes, bytes]]) -> None:
    """A 304 with the (raw) headers of the 200 answer it stands for, less those that describe its body."""
    kept = [(name, value) for name, value in headers if name.lower() not in _BODY_HEADERS]
    await send({"type": "http.response.start", "status": 304, "headers": kept})
    await send({"type": "http.response.body", "body": b""})


def not_modified(request: Request, etag: str) -> bool:
    return matches(request.headers.get("if-none-match"), etag)


class ETagMiddleware:
    """Adds an ETag (a hash of the body) to single-part 200 answers of GET, and turns a request
    whose If-None-Match holds that tag into a 304. Answers that bring their own ETag pass untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        if_none_match = Headers(scope=scope).get("if-none-match")
        start: Message | None = None
        passthrough = False

        async def wrapped(message: Message) -> None:
            nonlocal start, passthrough
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if message["status"] != 200 or "etag" in headers:
                    passthrough = True
                    await send(message)
                    return
                headers.setdefault("cache-control", DEFAULT_CACHE_CONTROL)
                start = message
                return
            if passthrough or start is None:
                await send(message)
                return
            if message.get("more_body", False):  # a stream: no hash possible, send as it comes
                passthrough = True
                await send(start)
                await send(message)
                return
            body = message.get("body", b"")
            etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
            headers = MutableHeaders(scope=start)
            headers["etag"] = etag
            if matches(if_none_match, etag):
                await send_not_modified(send, start["headers"])
                return
            await send(start)
            await send(message)

        await self.app(scope, receive, wrapped)
