"""The API docs work offline: /docs (Swagger UI) and /redoc (ReDoc) reference only same-origin URLs, the app
serves every one of them, and a headless Chromium that can reach no host but 127.0.0.1 renders both pages from
a server over the seeded database.

The browser test drives Debian's Chromium (`apt-get install chromium chromium-driver`; .ci/run installs them).
Without them the browser tests are skipped, saying how to run them, so that `make test` passes on a machine with
only Python and make; CI sets DRAWDOWN_REQUIRE_BROWSER_TESTS=1, and then they fail instead. Elsewhere, point
DRAWDOWN_CHROMIUM and DRAWDOWN_CHROMEDRIVER at a Chromium and its matching chromedriver.
"""

import json
import os
import re
import shutil
import socket
import threading
import time
import tomllib
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn

from app.db import make_engine
from app.docs import ASSETS_DIR
from app.ingest.sources import records
from app.main import create_app
from app.services.ingest import ingest_records
from tests.conftest import ROOT, SEEDS

PAGES = ("/docs", "/redoc")
# Where a page may point: src/href/spec-url attributes, and the `url: '...'` Swagger UI is given.
REFERENCE = re.compile(r"""(?:\b(?:src|href|spec-url)\s*=\s*["']([^"']*)["']|\burl:\s*["']([^"']*)["'])""")
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png", ".json": "application/json"}

CHROMIUM = os.environ.get("DRAWDOWN_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("DRAWDOWN_CHROMEDRIVER", "/usr/bin/chromedriver")
REQUIRE_BROWSER = os.environ.get("DRAWDOWN_REQUIRE_BROWSER_TESTS", "") not in ("", "0")
RENDER_TIMEOUT = 60


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
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["app"]
    files = [p.relative_to(ROOT / "app").as_posix() for p in ASSETS_DIR.rglob("*") if p.is_file()]
    assert len(files) >= 8
    for name in files:
        parts = name.split("/")
        assert any(
            len(parts) == len(pattern.split("/")) and all(map(fnmatch, parts, pattern.split("/")))
            for pattern in patterns
        ), f"app/{name} is not in pyproject's package-data, so `pip install .` would leave it out"


# --- the browser --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, sqlite_template) -> Iterator[str]:
    """uvicorn on a free 127.0.0.1 port, in a thread, over a SQLite copy holding the seed articles."""
    path = tmp_path_factory.mktemp("docs") / "seeded.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    summary = ingest_records(engine, records([SEEDS]))
    assert (summary.created, summary.failed) == (5, 0), summary.failures
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(engine), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Headless Chromium that can reach 127.0.0.1 and nothing else."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (os.path.isfile(p) and os.access(p, os.X_OK))]
    try:
        from selenium import webdriver
    except ImportError:
        missing.append("the selenium package (pip install -e '.[dev]')")
    if missing:
        reason = (
            f"the docs browser tests need {', '.join(missing)}: to run them, `apt-get install -y chromium "
            "chromium-driver` (Debian) and run `make test` again"
        )
        if REQUIRE_BROWSER:
            pytest.fail(f"{reason} (DRAWDOWN_REQUIRE_BROWSER_TESTS is set)", pytrace=False)
        pytest.skip(reason)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,1024",
        # Every host name fails to resolve, and every request that is not to 127.0.0.1 goes to a proxy on the
        # discard port, where nothing listens: nothing leaves this machine, and anything non-local fails.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=127.0.0.1",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def network_and_console(driver, origin: str) -> tuple[set[str], list[str], list[str], list[str]]:
    """Drain the logs since the last call: the URLs requested, those not to `origin`, the requests that failed or
    answered >= 400, and the console errors."""
    urls, foreign, failed = {}, [], []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        method, params = message["method"], message.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            urls[params["requestId"]] = url
            if not (url.startswith(origin + "/") or urlsplit(url).scheme in ("data", "blob", "about")):
                foreign.append(url)
        elif method == "Network.loadingFailed":
            failed.append(f"{urls.get(params['requestId'], params['requestId'])}: {params.get('errorText')}")
        elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
            failed.append(f"{params['response']['url']}: HTTP {params['response']['status']}")
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    return set(urls.values()), foreign, failed, errors


def until(driver, condition, message: str):
    """Wait for condition(driver) to be truthy, retrying while the page is still rendering."""
    from selenium.common.exceptions import (
        ElementClickInterceptedException,
        ElementNotInteractableException,
        NoSuchElementException,
        StaleElementReferenceException,
    )
    from selenium.webdriver.support.ui import WebDriverWait

    rendering = (
        NoSuchElementException,
        StaleElementReferenceException,
        ElementClickInterceptedException,
        ElementNotInteractableException,
    )
    return WebDriverWait(driver, RENDER_TIMEOUT, ignored_exceptions=rendering).until(condition, message)


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
