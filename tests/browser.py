"""A headless Chromium that can reach 127.0.0.1 and nothing else, and a server to point it at: shared by the
browser tests of the docs pages (tests/test_docs_offline.py) and of the explorer page (tests/test_page.py), and
by bench/page_bench.py.

The tests drive Debian's Chromium (`apt-get install chromium chromium-driver`; .ci/run installs them). Without
them the browser tests are skipped, saying how to run them, so that `make test` passes on a machine with only
Python and make; CI sets DRAWDOWN_REQUIRE_BROWSER_TESTS=1, and then they fail instead. Elsewhere, point
DRAWDOWN_CHROMIUM and DRAWDOWN_CHROMEDRIVER at a Chromium and its matching chromedriver.
"""

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import uvicorn
from sqlalchemy import Engine

from app.main import create_app

CHROMIUM = os.environ.get("DRAWDOWN_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("DRAWDOWN_CHROMEDRIVER", "/usr/bin/chromedriver")
REQUIRE_BROWSER = os.environ.get("DRAWDOWN_REQUIRE_BROWSER_TESTS", "") not in ("", "0")
RENDER_TIMEOUT = 60


def missing_browser() -> list[str]:
    """What the browser tests need and this machine lacks."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (os.path.isfile(p) and os.access(p, os.X_OK))]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package (pip install -e '.[dev]')")
    return missing


def skip_without_browser(what: str) -> None:
    """Skip the calling test (fail it when DRAWDOWN_REQUIRE_BROWSER_TESTS is set) if Chromium is missing."""
    import pytest

    missing = missing_browser()
    if not missing:
        return
    reason = (
        f"the {what} browser tests need {', '.join(missing)}: to run them, `apt-get install -y chromium "
        "chromium-driver` (Debian) and run `make test` again"
    )
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (DRAWDOWN_REQUIRE_BROWSER_TESTS is set)", pytrace=False)
    pytest.skip(reason)


@contextmanager
def serve(engine: Engine) -> Iterator[str]:
    """uvicorn on a free 127.0.0.1 port, in a thread, over ``engine``; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(engine), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def chromium(window: str = "1280,1024") -> Iterator:
    """Headless Chromium (a selenium driver) that can reach 127.0.0.1 and nothing else."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        f"--window-size={window}",
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


def until(driver, condition, message: str, timeout: float = RENDER_TIMEOUT):
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
    return WebDriverWait(driver, timeout, ignored_exceptions=rendering).until(condition, message)
