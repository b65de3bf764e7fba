"""The API docs work offline: /docs (Swagger UI) and /redoc (ReDoc) reference only same-origin URLs, the app
serves every one of them, and a headless Chromium that can reach no host but 127.0.0.1 renders both pages from
a server over the seeded database (see tests/browser.py for what the browser tests need).
"""

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from app.db import make_engine
from app.docs import ASSETS_DIR
from app.ingest.sources import records
from app.services.ingest import ingest_records
from tests.browser import chromium, network_and_console, serve, skip_without_browser, until
from tests.conftest import ROOT, SEEDS, assert_packaged

PAGES = ("/docs", "/redoc")
# Where a page may point: src/href/spec-url attributes, and the `url: '...'` Swagger UI is given.
REFERENCE = re.compile(r"""(?:\b(?:src|href|spec-url)\s*=\s*["']([^"']*)["']|\burl:\s*["']([^"']*)["'])""")
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png", ".json": "application/json"}


def references(html: str) -> list[str]:
    return [a or b for a, b in REFERENCE.findall(html)]


@pytest.mark.parametrize("page", PAGES)
def test_docs_page_references_only_same_origin_urls(client, page):
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert not re.search(r"https?:|//[a-z0-9]", html, re.IGNORECASE), "the page names another host"
    refs = references(html)
    assert "/openapi.json" in refs
    assert any(ref.startswith("/static/docs/") and ".js" in ref for ref in refs)
    for ref in refs:
        assert ref.startswith("/") and not ref.startswith("//"), ref


@pytest.mark.parametrize("page", PAGES)
def test_every_asset_a_docs_page_references_is_served(client, page):
    for ref in references(client.get(page).text):
        assert ref.startswith("/") and not ref.startswith("//"), ref
        response = client.get(ref)
        assert response.status_code == 200, ref
        suffix = Path(urlsplit(ref).path).suffix
        assert response.headers["content-type"].startswith(CONTENT_TYPES[suffix]), (ref, response.headers)
        if ref.startswith("/static/"):
            assert response.headers["cache-control"] == "public, max-age=86400"
            assert response.content, ref


def test_docs_routes_and_assets_are_not_in_the_schema(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith(("/docs", "/redoc", "/static"))]
    assert client.get("/docs/oauth2-redirect").status_code == 200


def test_unknown_asset_is_a_404_with_the_common_error_body(client):
    response = client.get("/static/docs/swagger-ui/no-such-file.js")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_vendored_assets_match_their_pinned_versions_and_ship_as_package_data():
    versions = json.loads((ASSETS_DIR / "versions.json").read_text())
    script = (ROOT / "scripts" / "vendor_docs_assets.sh").read_text()
    assert f"SWAGGER_UI_VERSION={versions['swagger-ui-dist']}" in script
    assert f"REDOC_VERSION={versions['redoc']}" in script
    # ReDoc's side menu logo would come from Redocly's CDN: the vendoring script blanks it.
    assert "cdn.redoc.ly" not in (ASSETS_DIR / "redoc" / "redoc.standalone.js").read_text()
    assert_packaged(ASSETS_DIR, at_least=8)


# --- the browser --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, sqlite_template) -> Iterator[str]:
    """The app on a free 127.0.0.1 port over a SQLite copy holding the seed articles."""
    path = tmp_path_factory.mktemp("docs") / "seeded.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    summary = ingest_records(engine, records([SEEDS]))
    assert (summary.created, summary.failed) == (5, 0), summary.failures
    with serve(engine) as url:
        yield url
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    skip_without_browser("docs")
    with chromium() as driver:
        yield driver


def schema_operations(base_url: str) -> dict[tuple[str, str], dict]:
    paths = httpx.get(f"{base_url}/openapi.json").json()["paths"]
    return {(method.upper(), path): op for path, methods in paths.items() for method, op in methods.items()}


@pytest.mark.slow
@pytest.mark.browser
def test_swagger_ui_renders_every_operation_offline(browser, live_server):
    from selenium.webdriver.common.by import By

    bundle = "/static/docs/swagger-ui/swagger-ui-bundle.js"
    expected = set(schema_operations(live_server))
    assert {path for _method, path in expected} >= {"/events", "/articles"}
    browser.get(f"{live_server}/docs")

    def rendered(driver) -> set[tuple[str, str]]:
        return {
            (block.find_element(By.CSS_SELECTOR, ".opblock-summary-method").text.strip(),
             block.find_element(By.CSS_SELECTOR, ".opblock-summary-path").get_attribute("data-path"))
            for block in driver.find_elements(By.CSS_SELECTOR, ".opblock")
        }  # fmt: skip

    until(browser, lambda d: rendered(d) == expected, f"Swagger UI did not render the {len(expected)} operations")
    assert browser.title == "Drawdown - Swagger UI"

    # "Try it out" on GET /events: the browser calls the API, which answers from the seeded database.
    block = browser.find_element(By.CSS_SELECTOR, ".opblock-get:has(.opblock-summary-path[data-path='/events'])")
    block.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    until(browser, lambda _d: block.find_element(By.CSS_SELECTOR, ".try-out__btn").click() or True, "no Try it out")
    until(browser, lambda _d: block.find_element(By.CSS_SELECTOR, ".execute").click() or True, "no Execute")
    until(
        browser,
        lambda _d: "2017-12-11" in block.find_element(By.CSS_SELECTOR, ".live-responses-table").text,
        "Try it out on GET /events did not show the seeded events",
    )

    requested, foreign, failed, errors = network_and_console(browser, live_server)
    assert {urlsplit(url).path for url in requested} >= {bundle, "/openapi.json"}
    assert foreign == [], "the page asked for other hosts"
    assert failed == []
    assert errors == []


@pytest.mark.slow
@pytest.mark.browser
def test_redoc_renders_every_operation_offline(browser, live_server):
    from selenium.webdriver.common.by import By

    bundle = "/static/docs/redoc/redoc.standalone.js"
    operations = schema_operations(live_server)
    browser.get(f"{live_server}/redoc")

    def headings(driver) -> dict[str, str]:
        found = {}
        for section in driver.find_elements(By.CSS_SELECTOR, "[data-section-id^='operation/']"):
            h2 = section.find_elements(By.CSS_SELECTOR, "h2")
            found[section.get_attribute("data-section-id").removeprefix("operation/")] = h2[0].text if h2 else ""
        return found

    expected = {op["operationId"]: op["summary"] for op in operations.values()}
    until(browser, lambda d: headings(d) == expected, f"ReDoc did not render the {len(expected)} operations")
    assert browser.title == "Drawdown - ReDoc"
    page = browser.find_element(By.TAG_NAME, "body").text
    for path in ("/events", "/articles"):
        assert path in page

    requested, foreign, failed, errors = network_and_console(browser, live_server)
    assert {urlsplit(url).path for url in requested} >= {bundle, "/openapi.json"}
    assert foreign == [], "the page asked for other hosts"
    assert failed == []
    assert errors == []
