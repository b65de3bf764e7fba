"""The explorer page's targets, measured in a headless Chromium over loopback (see tests/browser.py):

    python bench/page_bench.py --database-url sqlite:///bench/out/bench100k.db     # the 100,000-article database
    python bench/page_bench.py --database-url ... --loads 10 --filters 10

* interactive: ``performance.mark("drawdown:interactive")`` (the page's first query drawn on the timeline and the
  map, every handler attached), in milliseconds since navigation started, for the first load (a cold server and
  browser cache) and the median of the next ``--loads`` (each a new navigation; files revalidated by ETag);
* redraw: ``performance.measure("drawdown:redraw")``, from a filter's submission to the new query drawn
  (requests included), for each of a list of filters, each applied ``--filters`` times;
* weight: the bytes of the page's own files (HTML, JS, CSS, map data), as the browser decoded them, and apart
  from them the API answers of the first view.

Build the database with ``python bench/corpus.py -o bench/out/corpus.jsonl`` and ``drawdown ingest`` into it.
"""

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db import make_engine  # noqa: E402
from tests.browser import chromium, missing_browser, serve, until  # noqa: E402

FILTERS = [
    {"forces_of": "Russia"},
    {"forces_of": "United States", "country": "Afghanistan"},
    {"date_from": "2016-01-01", "date_to": "2016-12-31"},
    {"actor": "putin"},
    {"base": "Hmeymim"},
    {"q": "withdraw* syria"},
    {"q": "troops"},
    {"q": "withdrawal", "forces_of": "Russia"},
    {},
]
STATIC = ("/static/page/",)


def interactive(driver) -> float:
    until(driver, lambda d: d.execute_script("return document.documentElement.dataset.state"), "never interactive")
    return driver.execute_script("return performance.getEntriesByName('drawdown:interactive')[0].startTime")


def weights(driver) -> tuple[int, int]:
    """(the page's own files, the API answers) in decoded bytes, from the Resource Timing entries."""
    navigation = driver.execute_script("return performance.getEntriesByType('navigation')[0].decodedBodySize")
    entries = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => [e.name, e.decodedBodySize])"
    )
    own = navigation + sum(size for name, size in entries if any(s in name for s in STATIC))
    api = sum(size for name, size in entries if not any(s in name for s in STATIC))
    return own, api


def redraw(driver, filters: dict[str, str]) -> float:
    before = int(driver.execute_script("return document.documentElement.dataset.loads"))
    driver.execute_script(
        """const values = arguments[0];
        for (const field of document.querySelectorAll('#filters input')) field.value = values[field.name] || '';
        document.querySelector('#filters button[type=submit]').click();""",
        filters,
    )
    until(
        driver, lambda d: int(d.execute_script("return document.documentElement.dataset.loads")) > before, "no redraw"
    )
    return driver.execute_script(
        "const m = performance.getEntriesByName('drawdown:redraw'); return m[m.length - 1].duration"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--loads", type=int, default=10)
    parser.add_argument("--filters", type=int, default=5)
    args = parser.parse_args()
    if missing := missing_browser():
        sys.exit(f"needs {', '.join(missing)}")
    engine = make_engine(args.database_url)
    with serve(engine) as url, chromium() as driver:
        driver.get(f"{url}/")
        first = interactive(driver)
        own, api = weights(driver)
        status = driver.find_element("id", "status").text
        warm = []
        for i in range(args.loads):
            driver.get(f"{url}/?load={i}")  # a new navigation each time (the page ignores the parameter)
            warm.append(interactive(driver))
        print(f"first view: {status}")
        print(
            f"interactive: first load {first:.0f} ms, then median {statistics.median(warm):.0f} ms "
            f"(max {max(warm):.0f}) over {len(warm)} loads"
        )
        print(f"weight: page files {own / 1000:.1f} KB (HTML, JS, CSS, map data); API answers {api / 1000:.1f} KB")
        worst = 0.0
        for filters in FILTERS:
            times = [redraw(driver, filters) for _ in range(args.filters)]
            worst = max(worst, statistics.median(times))
            shown = driver.find_element("id", "status").text
            print(
                f"redraw {filters or 'no filter'}: median {statistics.median(times):.0f} ms "
                f"(first {times[0]:.0f}, max {max(times):.0f}) - {shown}"
            )
        print(f"worst median redraw: {worst:.0f} ms")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
