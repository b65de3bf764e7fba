"""/docs (Swagger UI) and /redoc (ReDoc) served with their JavaScript, CSS and favicon from this package, so the
API documentation works without internet access. The files are vendored by scripts/vendor_docs_assets.sh."""

import json
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

ASSETS_DIR = Path(__file__).resolve().parent / "static" / "docs"
ASSETS_URL = "/static/docs"
CACHE_CONTROL = "public, max-age=86400"


class CachedStaticFiles(StaticFiles):
    """StaticFiles with a Cache-Control header; the ETag and Last-Modified it already sends serve revalidation."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = CACHE_CONTROL
        return response


def install_docs(app: FastAPI, docs_url: str = "/docs", redoc_url: str = "/redoc") -> None:
    """Mount the vendored assets and add the docs pages; create the app with ``docs_url=None, redoc_url=None``."""
    versions = json.loads((ASSETS_DIR / "versions.json").read_text())
    oauth2_redirect_url = f"{docs_url}/oauth2-redirect"
    app.mount(ASSETS_URL, CachedStaticFiles(directory=ASSETS_DIR), name="docs-assets")

    def asset(root: str, name: str, package: str) -> str:
        # The version in the query string makes a browser fetch the new file after an update.
        return f"{root}{ASSETS_URL}/{name}?v={versions[package]}"

    @app.get(docs_url, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=asset(root, "swagger-ui/swagger-ui-bundle.js", "swagger-ui-dist"),
            swagger_css_url=asset(root, "swagger-ui/swagger-ui.css", "swagger-ui-dist"),
            swagger_favicon_url=asset(root, "swagger-ui/favicon-32x32.png", "swagger-ui-dist"),
            oauth2_redirect_url=f"{root}{oauth2_redirect_url}",
            # No "valid" badge fetched from validator.swagger.io.
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get(oauth2_redirect_url, include_in_schema=False)
    def swagger_ui_oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(redoc_url, include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=asset(root, "redoc/redoc.standalone.js", "redoc"),
            redoc_favicon_url=asset(root, "swagger-ui/favicon-32x32.png", "swagger-ui-dist"),
            with_google_fonts=False,
        )
