"""The explorer page at /: served by the app with its files and the vendored map libraries and outlines, it
references nothing on another host, and in a headless Chromium that can reach no host but 127.0.0.1 (see
tests/browser.py) it draws the events on the timeline and the bases on the map, applies a filter (mirrored in
the page URL and the API link it shows), and opens an event with its evidence highlighted in each article's
text, on the seed database and on a generated corpus."""

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.db import make_engine
from app.ingest.sources import SourceRecord, records, to_raw
from app.page import PAGE_DIR
from app.schemas import ArticleCreate
from app.services.ingest import ingest_records
from bench.corpus import articles
from tests.browser import chromium, network_and_console, serve, skip_without_browser, until
from tests.conftest import ROOT, SEEDS, assert_packaged

REFERENCE = re.compile(r"""\b(?:src|href|data-atlas)\s*=\s*["']([^"']*)["']""")
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".txt": "text/plain"}
CORPUS_ARTICLES = 300


def references(html: str) -> list[str]:
    return REFERENCE.findall(html)


def test_page_is_html_that_names_no_other_host(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp and "script-src 'self'" in csp
    html = response.text
    assert not re.search(r"https?:|//[a-z0-9]", html, re.IGNORECASE), "the page names another host"
    refs = references(html)
    assert {"docs", "redoc", "openapi.json"} <= set(refs)
    for ref in refs:
        assert not ref.startswith(("/", "http")) or ref.startswith("data:"), ref


def test_every_file_the_page_references_is_served_with_a_cache_policy(client):
    refs = [ref for ref in references(client.get("/").text) if ref.startswith("static/")]
    assert {urlsplit(ref).path for ref in refs} >= {
        "static/page/page.js",
        "static/page/page.css",
        "static/page/vendor/d3-geo.min.js",
        "static/page/vendor/d3-array.min.js",
        "static/page/vendor/topojson-client.min.js",
        "static/page/vendor/countries-110m.json",
        "static/page/vendor/world-atlas.LICENSE.txt",
    }
    for ref in refs:
        response = client.get("/" + ref)
        assert response.status_code == 200, ref
        suffix = Path(urlsplit(ref).path).suffix
        assert response.headers["content-type"].startswith(CONTENT_TYPES[suffix]), ref
        assert response.headers["cache-control"] == "public, max-age=86400"


def test_page_scripts_call_only_the_public_api_with_relative_urls():
    script = (PAGE_DIR / "page.js").read_text()
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", script), "page.js names another host"
    called = set(re.findall(r"""getJSON\("([a-z]+)""", script))
    assert called == {"events", "bases", "articles"}


def test_vendored_map_files_match_their_pinned_versions_with_licenses_and_ship_as_package_data():
    vendor = PAGE_DIR / "vendor"
    versions = json.loads((vendor / "versions.json").read_text())
    script = (ROOT / "scripts" / "vendor_page_assets.sh").read_text()
    for package, variable in (
        ("world-atlas", "WORLD_ATLAS_VERSION"),
        ("topojson-client", "TOPOJSON_CLIENT_VERSION"),
        ("d3-geo", "D3_GEO_VERSION"),
        ("d3-array", "D3_ARRAY_VERSION"),
    ):
        assert f"{variable}={versions[package]}" in script
        assert (vendor / f"{package}.LICENSE.txt").read_text().strip(), package
    assert f"v{versions['d3-geo']}" in (vendor / "d3-geo.min.js").read_text()[:200]
    atlas = json.loads((vendor / "countries-110m.json").read_text())
    assert atlas["type"] == "Topology" and len(atlas["objects"]["countries"]["geometries"]) > 150
    assert_packaged(PAGE_DIR, at_least=12)


def test_page_files_weigh_under_a_megabyte():
    weight = sum(p.stat().st_size for p in PAGE_DIR.rglob("*") if p.suffix in (".html", ".js", ".css", ".json"))
    assert weight < 1_000_000


def test_page_is_not_in_the_schema_and_unknown_files_are_404s(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "/" not in paths and not [p for p in paths if p.startswith("/static")]
    response = client.get("/static/page/no-such-file.js")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


# --- in the browser -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator:
    skip_without_browser("page")
    with chromium() as driver:
        yield driver


def database(tmp_path_factory, sqlite_template, name: str, stream) -> Iterator[str]:
    path = tmp_path_factory.mktemp("page") / f"{name}.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    summary = ingest_records(engine, stream)
    assert summary.failed == 0, summary.failures
    with serve(engine) as url:
        yield url
    engine.dispose()


@pytest.fixture(scope="module")
def seeded_server(tmp_path_factory, sqlite_template) -> Iterator[str]:
    yield from database(tmp_path_factory, sqlite_template, "seeds", records([SEEDS]))


@pytest.fixture(scope="module")
def corpus_server(tmp_path_factory, sqlite_template) -> Iterator[str]:
    generated = (
        SourceRecord(f"corpus-{i}", to_raw(ArticleCreate(**article), source="bench-corpus"))
        for i, article in enumerate(articles(CORPUS_ARTICLES))
    )
    yield from database(tmp_path_factory, sqlite_template, "corpus", generated)


def open_page(driver, url: str) -> None:
    driver.get(url)
    until(driver, lambda d: d.execute_script("return document.documentElement.dataset.state"), "never interactive")
    assert not driver.find_element("id", "status").get_attribute("class"), driver.find_element("id", "status").text


def timeline(driver) -> list[tuple[int, str]]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#timeline .event'))"
        ".map(e => [Number(e.dataset.id), e.dataset.date])"
    )


def map_bases(driver) -> set[str]:
    return set(
        driver.execute_script("return Array.from(document.querySelectorAll('#map .base-mark'), e => e.dataset.name)")
    )


def map_events(driver) -> list[int]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#map .event'), e => Number(e.dataset.id))"
    )


def loads(driver) -> int:
    return int(driver.execute_script("return document.documentElement.dataset.loads || 0"))


def apply_filter(driver, **values: str) -> None:
    before = loads(driver)
    for name, value in values.items():
        field = driver.find_element("id", f"f-{name}")
        field.clear()
        field.send_keys(value)
    driver.find_element("css selector", "#filters button[type=submit]").click()
    until(driver, lambda d: loads(d) > before, "the filter was not applied")


def api_ids(url: str, path: str, **params) -> list[int]:
    items = httpx.get(f"{url}{path}", params={**params, "limit": 500, "sort": "-articles"}).json()["items"]
    return [item["id"] for item in items]


def check_evidence(driver, url: str, event_id: int) -> None:
    """The event panel shows the event, and each of its first articles' text with the evidence marked."""
    detail = httpx.get(f"{url}/events/{event_id}").json()
    until(driver, lambda d: d.find_element("id", "event").is_displayed(), "the event panel did not open")
    assert driver.find_element("id", "event-title").text == detail["title"]
    shown = min(3, len(detail["articles"]))
    assert shown >= 1
    marks = until(
        driver,
        lambda d: (
            (found := d.find_elements("css selector", "#event-articles mark.evidence"))
            and len(found) == shown
            and found
        ),
        "the evidence was not highlighted",
    )
    for mark, article in zip(marks, detail["articles"][:shown], strict=True):
        evidence = article["evidence"]
        clean = httpx.get(f"{url}/articles/{article['id']}").json()["clean_text"]
        text = driver.execute_script("return arguments[0].textContent", mark)
        assert text == clean[evidence["start"] : evidence["end"]] == evidence["sentence"]
        assert int(mark.get_attribute("data-start")) == evidence["start"]
    roles = driver.find_element("id", "event-actors").text
    for actor in detail["actors"]:
        assert actor["name"] in roles and actor["role"].replace("_", " ") in roles


def no_foreign_requests(driver, url: str) -> set[str]:
    requested, foreign, failed, errors = network_and_console(driver, url)
    assert foreign == [], "the page asked for other hosts"
    assert failed == []
    assert errors == []
    return requested


@pytest.mark.slow
@pytest.mark.browser
def test_page_on_the_seed_database(browser, seeded_server, tmp_path):
    from selenium.webdriver.common.by import By

    url = seeded_server
    open_page(browser, f"{url}/")
    assert sorted(date for _id, date in timeline(browser)) == ["2016-03-14", "2017-12-11"]
    assert map_bases(browser) >= {"Hmeimim", "Tartus"}
    assert sorted(map_events(browser)) == sorted(api_ids(url, "/events"))
    assert "2 events match" in browser.find_element(By.ID, "status").text

    # Hovering an event shows its title and date.
    from selenium.webdriver.common.action_chains import ActionChains

    dot = browser.find_element(By.CSS_SELECTOR, "#timeline .event[data-date='2017-12-11']")
    ActionChains(browser).move_to_element(dot).perform()
    tip = until(
        browser,
        lambda d: d.find_element(By.ID, "tooltip").is_displayed() and d.find_element(By.ID, "tooltip"),
        "no tooltip",
    )
    assert "Vladimir Putin orders withdrawal of Russian forces from Syria" in tip.text and "11 Dec 2017" in tip.text

    # A filter: only the 2017 order is left, and the page URL and the API link say so. (A date field takes the
    # date in the browser's locale from the keyboard: the value is set as ISO 8601 instead.)
    browser.execute_script("arguments[0].value = '2017-01-01'", browser.find_element(By.ID, "f-date_from"))
    apply_filter(browser, base="Hmeymim")
    assert [date for _id, date in timeline(browser)] == ["2017-12-11"]
    query = parse_qs(urlsplit(browser.current_url).query)
    assert query == {"date_from": ["2017-01-01"], "base": ["Hmeymim"]}
    api = browser.find_element(By.ID, "api-url").get_attribute("href")
    assert parse_qs(urlsplit(api).query) == query and urlsplit(api).path == "/events"
    assert httpx.get(api).json()["total"] == 1
    csv = browser.find_element(By.ID, "csv-url").get_attribute("href")
    assert parse_qs(urlsplit(csv).query) == {**query, "format": ["csv"]}

    # The shared URL opens the same view.
    browser.get(browser.current_url)
    until(browser, lambda d: loads(d) >= 1, "the shared view did not load")
    assert [date for _id, date in timeline(browser)] == ["2017-12-11"]
    assert browser.find_element(By.ID, "f-base").get_attribute("value") == "Hmeymim"

    # Back to every event; open the 2016 order from the timeline, by keyboard.
    browser.find_element(By.ID, "clear").click()
    until(browser, lambda d: len(timeline(d)) == 2, "clearing the filters did not bring both events back")
    svg = browser.find_element(By.ID, "timeline")
    svg.send_keys("\ue012")  # ArrowLeft: the last event in view... then Home: the first
    svg.send_keys("\ue011")
    svg.send_keys("\ue007")  # Enter
    march = next(i for i, date in timeline(browser) if date == "2016-03-14")
    check_evidence(browser, url, march)
    assert parse_qs(urlsplit(browser.current_url).query) == {"event": [str(march)]}

    # By mouse, from the map: the December order.
    december = next(i for i, date in timeline(browser) if date == "2017-12-11")
    browser.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))",
        browser.find_element(By.CSS_SELECTOR, f"#map .event[data-id='{december}']"),
    )
    until(browser, lambda d: "Hmeimim" in d.find_element(By.ID, "event-bases").text, "the December order did not open")
    check_evidence(browser, url, december)
    assert "venue" in browser.find_element(By.ID, "event-bases").text

    browser.save_screenshot(str(tmp_path / "page-seeds.png"))
    requested = no_foreign_requests(browser, url)
    assert {urlsplit(u).path for u in requested} >= {
        "/",
        "/events",
        "/bases",
        "/static/page/vendor/countries-110m.json",
    }


@pytest.mark.slow
@pytest.mark.browser
def test_page_on_a_generated_corpus(browser, corpus_server, tmp_path):
    from selenium.webdriver.common.by import By

    url = corpus_server
    open_page(browser, f"{url}/")
    every = api_ids(url, "/events")
    total = httpx.get(f"{url}/events", params={"limit": 1}).json()["total"]
    assert total > 20
    dated = {
        item["id"]
        for item in httpx.get(f"{url}/events", params={"limit": 500, "sort": "-articles"}).json()["items"]
        if item["date"]
    }
    assert {i for i, _date in timeline(browser)} == dated and set(every) >= dated
    assert map_bases(browser) >= {"Hmeimim", "Tartus"}
    placed = [
        f["id"]
        for f in httpx.get(f"{url}/events", params={"format": "geojson", "limit": 500, "sort": "-articles"}).json()[
            "features"
        ]
        if f["geometry"]
    ]
    assert sorted(map_events(browser)) == sorted(placed)

    apply_filter(browser, forces_of="Russia")
    russian = api_ids(url, "/events", forces_of="Russia")
    assert 0 < len(russian) < len(every)
    assert {i for i, _date in timeline(browser)} <= set(russian)
    assert {
        int(b.get_attribute("data-id")) for b in browser.find_elements(By.CSS_SELECTOR, "#event-list button")
    } == set(russian)
    assert parse_qs(urlsplit(browser.current_url).query) == {"forces_of": ["Russia"]}

    most_reported = russian[0]
    browser.find_element(By.CSS_SELECTOR, f"#event-list button[data-id='{most_reported}']").click()
    check_evidence(browser, url, most_reported)

    browser.save_screenshot(str(tmp_path / "page-corpus.png"))
    no_foreign_requests(browser, url)
