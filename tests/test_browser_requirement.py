"""`make test` on a machine without Chromium: the docs browser tests are skipped and the summary says so and how
to run them; with DRAWDOWN_REQUIRE_BROWSER_TESTS=1 (CI) the same missing browser fails the run."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

BROWSER_TESTS = "tests/test_docs_offline.py::test_redoc_renders_every_operation_offline"


def run_pytest(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "DRAWDOWN_REQUIRE_BROWSER_TESTS"}
    environment.update(DRAWDOWN_CHROMIUM=str(ROOT / "no-such-chromium"), **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", BROWSER_TESTS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_without_chromium_the_browser_tests_skip_and_the_summary_says_how_to_run_them():
    result = run_pytest()
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.split("browser tests skipped", 1)[1]
    assert "1 browser test(s) did not run" in summary
    assert "apt-get install -y chromium chromium-driver" in summary
    assert "DRAWDOWN_REQUIRE_BROWSER_TESTS=1" in summary


@pytest.mark.slow
def test_when_required_a_missing_chromium_fails_the_run():
    result = run_pytest(DRAWDOWN_REQUIRE_BROWSER_TESTS="1")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "DRAWDOWN_REQUIRE_BROWSER_TESTS is set" in result.stdout
    assert "browser tests skipped" not in result.stdout
