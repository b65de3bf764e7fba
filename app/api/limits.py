"""Request guards for writes: a body size limit (413) and JSON-only bodies (415)."""

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import UnsupportedMediaType, error_response


def require_json(request: Request) -> None:
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise UnsupportedMediaType(
            f"Send the body as JSON with Content-Type: application/json (got {media or 'no content type'!r})."
        )


class BodySizeLimit:
    """Refuses bodies over ``max_bytes`` with a 413, by Content-Length or while reading a chunked body."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._too_large(scope, receive, send)
            return
        received = 0
        too_large = False
        started = False

        async def limited() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    return {"type": "http.disconnect"}  # stop reading; the answer below replaces the app's
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if too_large:
                return
            started = True
            await send(message)

        try:
            await self.app(scope, limited, guarded)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413, "payload_too_large", f"The request body is larger than the limit of {self.max_bytes} bytes."
        )
        await response(scope, receive, send)


class RejectNulInQuery:
    """A NUL character in the query string or path is refused with a 422 (databases cannot store or compare it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = scope.get("query_string", b"").lower()
            if b"%00" in query or b"\x00" in query or "\x00" in scope.get("path", ""):
                response = error_response(
                    422, "invalid_parameter", "Query parameters and paths cannot contain NUL (%00) characters."
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
