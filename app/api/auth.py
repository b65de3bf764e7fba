"""API keys for writes: `X-API-Key: <key>` or `Authorization: Bearer <key>`, compared in constant time.

Keys come from ``DRAWDOWN_API_KEYS`` (comma-separated). With none configured, ``drawdown serve`` creates one
with ``ensure_key_file`` and stores it, readable by its owner only, in ``DRAWDOWN_API_KEY_FILE``
(``var/api-key``). Keys are never logged and never appear in an error message.
"""

import hmac
import os
import secrets
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from app.config import Settings
from app.errors import Forbidden, Unauthorized

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key for writes.")
_bearer = HTTPBearer(auto_error=False, description="An API key for writes, as a bearer token.")


def configured_keys(settings: Settings) -> list[str]:
    keys = [k.strip() for k in settings.api_keys.split(",") if k.strip()]
    if not keys and settings.api_key_file.is_file():
        keys = [k.strip() for k in settings.api_key_file.read_text(encoding="utf-8").splitlines() if k.strip()]
    return keys


def ensure_key_file(path: Path) -> tuple[str, bool]:
    """The key stored in ``path``, created (owner read/write only) if there is none; returns (key, created)."""
    if path.is_file():
        return path.read_text(encoding="utf-8").strip().splitlines()[0], False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key, True


def _matches(given: str, keys: list[str]) -> bool:
    # Compare against every key, always, so that timing reveals neither the key nor which one matched.
    found = False
    for key in keys:
        found |= hmac.compare_digest(given.encode(), key.encode())
    return found


def require_key(
    request: Request,
    header_key: Annotated[str | None, Security(_api_key_header)] = None,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
) -> None:
    given = header_key or (bearer.credentials if bearer else None)
    if not given:
        raise Unauthorized("An API key is required for writes: send it as X-API-Key or Authorization: Bearer.")
    if not _matches(given, request.app.state.api_keys):
        raise Forbidden("The API key is not valid.")


WriteAccess = Depends(require_key)
