"""docs/extending.md, followed as written: the edits of its worked example and of its event type recipe, read
from the doc itself and made to a copy of the knowledge files (DRAWDOWN_KNOWLEDGE_DIR), show up through
POST /articles; the same articles without the edits give nothing."""

import json
import os
import re
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import get_settings
from app.ingest.pipeline import extractor_version
from app.knowledge import HERE, load_knowledge
from app.main import create_app
from tests.conftest import ROOT

KEY = "test-key-0123456789"
DOC = (ROOT / "docs" / "extending.md").read_text(encoding="utf-8")
WORKED = DOC[DOC.index("## Worked example") :]


def doc_json(holding: str) -> dict:
    """The doc's JSON snippet that holds ``holding``: a member of an object, read as an object."""
    snippet = next(block for block in re.findall(r"```json\n(.*?)```", DOC, re.DOTALL) if holding in block)
    return json.loads("{" + snippet + "}")


# What the worked example adds (its steps 1 and 2) and posts (step 4), and the event type recipe's snippet.
NEW_SPELLING = re.search(r'add `"([^"]+)"` to Hmeimim', WORKED).group(1)
NEW_CUES = re.findall(r'`"([^"]+)"`', re.search(r"^2\. (.*?)^3\. ", WORKED, re.DOTALL | re.MULTILINE).group(1))
POSTED = json.loads(re.search(r"-d '(\{.*?\})'", WORKED).group(1))
NEW_TYPES = doc_json('"withdrawal_completed": {')


def edit(folder: Path, name: str, change: Callable[[dict], None]) -> None:
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


# Each edit first undoes what the doc adds, in case the shipped files hold it already (after someone followed the
# worked example for real): the test is about the difference the edit makes.
def without_example(bases_or_lexicon: dict) -> None:
    if "bases" in bases_or_lexicon:
        hmeimim = next(b for b in bases_or_lexicon["bases"] if b["name"] == "Hmeimim")
        hmeimim["aliases"] = [a for a in hmeimim["aliases"] if a != NEW_SPELLING]
    else:
        cues = bases_or_lexicon["event_types"]["withdrawal_order"]["order_cues"]
        cues[:] = [c for c in cues if c not in NEW_CUES]


def with_example(bases_or_lexicon: dict) -> None:
    without_example(bases_or_lexicon)
    if "bases" in bases_or_lexicon:
        next(b for b in bases_or_lexicon["bases"] if b["name"] == "Hmeimim")["aliases"].append(NEW_SPELLING)
    else:
        cues = bases_or_lexicon["event_types"]["withdrawal_order"]["order_cues"]
        cues[:] = sorted(cues + NEW_CUES)


def without_type(lexicon: dict) -> None:
    for name in NEW_TYPES:
        lexicon["event_types"].pop(name, None)


def with_type(lexicon: dict) -> None:
    lexicon["event_types"].update(NEW_TYPES)


def with_empty_pattern(lexicon: dict) -> None:
    lexicon["event_types"]["withdrawal_order"]["withdrawal_patterns"].append("(?:pull)?")


EDITS = {
    "without the example": [("bases.json", without_example), ("lexicon.json", without_example)],
    "with the example": [("bases.json", with_example), ("lexicon.json", with_example)],
    "without the type": [("lexicon.json", without_type)],
    "with the type": [("lexicon.json", with_type)],
    "a pattern that matches the empty string": [("lexicon.json", with_empty_pattern)],
}


@pytest.fixture
def use_knowledge(tmp_path, monkeypatch) -> Iterator[Callable[[str], None]]:
    """Point the app at a copy of app/knowledge with the named edits made to it, as DRAWDOWN_KNOWLEDGE_DIR."""

    def use(edits: str) -> None:
        folder = tmp_path / "knowledge"
        shutil.copytree(HERE, folder)
        for name, change in EDITS[edits]:
            edit(folder, name, change)
        monkeypatch.setenv("DRAWDOWN_KNOWLEDGE_DIR", str(folder))
        get_settings.cache_clear()

    yield use
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def api(db, use_knowledge) -> Callable[[str], TestClient]:
    """The API on a fresh database, reading the knowledge with the named edits."""

    def start(edits: str) -> TestClient:
        use_knowledge(edits)
        return TestClient(create_app(db.engine, api_keys=[KEY]))

    return start


def post(client: TestClient, body: dict) -> dict:
    response = client.post("/articles", json=body, headers={"X-API-Key": KEY})
    assert response.status_code == 201
    return response.json()


@pytest.mark.parametrize(
    ("edits", "bases", "events", "event_bases"),
    [
        ("with the example", ["Hmeimim"], [("withdrawal_order", "2017-12-11", "reports")], [("Hmeimim", "venue")]),
        ("without the example", [], [], None),
    ],
)
def test_the_worked_example_a_new_base_spelling_and_order_verb_show_up_through_post_articles(
    api, edits, bases, events, event_bases
):
    with api(edits) as client:
        article = post(client, POSTED)
        linked = [client.get(f"/events/{e['id']}").json() for e in article["events"]]
    assert [b["name"] for b in article["bases"]] == bases
    assert [(e["type"], e["date"], e["relation"]) for e in article["events"]] == events
    for event in linked:
        assert [(b["name"], b["role"]) for b in event["bases"]] == event_bases
        assert event["title"] == "Vladimir Putin orders withdrawal of Russian forces from Syria"
    # The extractor version stored with the article carries the digest of the files read.
    assert article["extractor_version"] == extractor_version(load_knowledge())


@pytest.mark.parametrize(
    ("edits", "text", "events"),
    [
        (
            "with the type",
            "Russian forces completed their withdrawal from Syria on Monday.",
            [("withdrawal_completed", "Russia completes withdrawal of Russian forces from Syria")],
        ),
        ("without the type", "Russian forces completed their withdrawal from Syria on Monday.", []),
        ("with the type", "Russia has not yet completed the withdrawal of its forces from Syria, officials said.", []),
        # The new type's empty pattern lists find nothing: a sentence without its phrases is none of its events.
        ("with the type", "I think the Russian troops will stay in Syria, an officer said on Monday.", []),
        # The existing type is unchanged.
        (
            "with the type",
            "President Vladimir Putin on Monday ordered the withdrawal of Russian forces from Syria.",
            [("withdrawal_order", "Vladimir Putin orders withdrawal of Russian forces from Syria")],
        ),
    ],
)
def test_a_new_event_type_shows_up_through_post_articles(api, edits, text, events):
    with api(edits) as client:
        article = post(client, {"text": text, "published_at": "2017-12-11"})
        found = [(e["type"], client.get(f"/events/{e['id']}").json()["title"]) for e in article["events"]]
        of_type = [client.get("/events", params={"type": kind}).json()["total"] for kind, _title in events]
    assert found == events
    assert of_type == [1] * len(events)


EXTRACT = """
from app.ingest.pipeline import extract
from app.ingest.types import RawArticle

extract(RawArticle(text="A headline here\\n\\nPutin ordered the troops out of Syria on Monday."))
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2_000_000_000, 2_000_000_000))


def test_a_pattern_that_matches_the_empty_string_does_not_stop_extraction(use_knowledge):
    use_knowledge("a pattern that matches the empty string")
    done = subprocess.run(
        [sys.executable, "-c", EXTRACT],
        env=os.environ,
        cwd=ROOT,
        capture_output=True,
        timeout=60,
        preexec_fn=_limit_memory,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
