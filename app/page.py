"""The explorer page at /: a timeline and a map of the events, with filters and an event panel, built on the
public API only (app/static/page/page.js calls /events, /bases and /articles like any client). Its files, and the
vendored map libraries and country outlines (scripts/vendor_page_assets.sh), are served from this package, so
the page works without internet access."""

import hashlib
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from app.docs import CachedStaticFiles

PAGE_DIR = Path(__file__).resolve().parent / "static" / "page"
PAGE_URL = "/static/page"
# The page loads nothing from another host, and runs only its own files: the policy says so to the browser too.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_ASSET = re.compile(r"\{\{ *([\w./-]+) *\}\}")


def render_page() -> str:
    """index.html with each ``{{ file }}`` replaced by that file's URL, versioned by its content (so a browser
    fetches a file again exactly when it changed). The URLs are relative, like the API calls of page.js, so the
    page also works behind a proxy that serves the app under a path prefix."""

    def url(match: re.Match) -> str:
        name = match.group(1)
        digest = hashlib.sha256((PAGE_DIR / name).read_bytes()).hexdigest()[:12]
        return f"{PAGE_URL.lstrip('/')}/{name}?v={digest}"

    return _ASSET.sub(url, (PAGE_DIR / "index.html").read_text(encoding="utf-8"))


def install_page(app: FastAPI) -> None:
    """Mount the page's files and serve the page at /."""
    app.mount(PAGE_URL, CachedStaticFiles(directory=PAGE_DIR), name="page-assets")
    html = render_page()

    @app.get("/", include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse(html, headers={"Content-Security-Policy": CSP})
