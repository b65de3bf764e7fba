"""A response cache for the read API: an answer is kept with the data version it was computed at, and sent
again, without touching the route, while the version is unchanged.

The data version (``app.data_version``) changes at the commit of any transaction that changed rows, from any
process, and the cache reads it at every request (microseconds on SQLite, one round trip on PostgreSQL), so an
answer is never older than the data: a write is visible to the very next read, through this process or
another. The version is read *before* the route runs, so an answer computed while a write commits is kept
under the older version, which no later request asks for.

Kept: the 200 answers of GET on the data endpoints (``/events``, ``/articles``, ``/actors``, ``/bases`` and
their sub-paths), JSON pages and exports alike, each at most ``max_entry_bytes`` (exports are passed on as
they stream and kept only if they fit), evicting the least recently used beyond ``max_bytes``. The key is the
path, the query string and the ``Accept`` header (it chooses the format). Answers carry their ETag (the one
``ETagMiddleware`` or the export computed), so a cached answer also serves ``If-None-Match`` with a 304.
"""

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.caching import matches, send_not_modified
from app.data_version import DataVersionProbe

CACHED_PREFIXES = ("/events", "/articles", "/actors", "/bases")


@dataclass(frozen=True)
class Entry:
    version: Hashable
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: str | None

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(name) + len(value) for name, value in self.headers) + 200


class ResponseCache:
    """ASGI middleware; ``max_bytes`` 0 turns it off."""

    def __init__(self, app: ASGIApp, probe: DataVersionProbe | None, max_bytes: int) -> None:
        self.app, self.probe = app, probe if max_bytes > 0 else None
        self.max_bytes, self.max_entry_bytes = max_bytes, max(max_bytes // 8, 1)
        self.entries: OrderedDict[tuple, Entry] = OrderedDict()
        self.size = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.probe is None or scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if not path.startswith(CACHED_PREFIXES):
            await self.app(scope, receive, send)
            return
        accept = if_none_match = None
        for name, value in scope["headers"]:
            if name == b"accept":
                accept = value
            elif name == b"if-none-match":
                if_none_match = value.decode("latin-1")
        version = self.probe.current()
        if version is None:  # unknown: neither serve nor keep
            await self.app(scope, receive, send)
            return
        key = (path, scope["query_string"], accept)
        entry = self.entries.get(key)
        if entry is not None and entry.version == version:
            self.entries.move_to_end(key)
            await self._replay(entry, if_none_match, send)
            return
        await self.app(scope, receive, self._recorder(key, version, send))

    async def _replay(self, entry: Entry, if_none_match: str | None, send: Send) -> None:
        if entry.etag is not None and matches(if_none_match, entry.etag):
            await send_not_modified(send, entry.headers)
            return
        await send({"type": "http.response.start", "status": 200, "headers": entry.headers})
        await send({"type": "http.response.body", "body": entry.body})

    def _recorder(self, key: tuple, version: Hashable, send: Send) -> Send:
        """``send``, keeping a copy of a 200 answer (up to ``max_entry_bytes``) to store once it is complete."""
        headers: list[tuple[bytes, bytes]] | None = None
        chunks: list[bytes] = []
        size = 0

        async def recording(message: Message) -> None:
            nonlocal headers, size
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    headers = [(bytes(n).lower(), bytes(v)) for n, v in message.get("headers", [])]
            elif message["type"] == "http.response.body" and headers is not None:
                body = message.get("body", b"")
                size += len(body)
                if size > self.max_entry_bytes:
                    headers = None  # too large to keep: passed on only
                else:
                    chunks.append(body)
                    if not message.get("more_body", False):
                        self._store(key, version, headers, b"".join(chunks))
            await send(message)

        return recording

    def _store(self, key: tuple, version: Hashable, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        if not any(name == b"content-length" for name, _ in headers):  # it was streamed: now it has a length
            headers = [*headers, (b"content-length", str(len(body)).encode())]
        etag = next((value.decode("latin-1") for name, value in headers if name == b"etag"), None)
        entry = Entry(version, headers, body, etag)
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= old.size
        self.entries[key] = entry
        self.size += entry.size
        while self.size > self.max_bytes and self.entries:
            _, evicted = self.entries.popitem(last=False)
            self.size -= evicted.size
