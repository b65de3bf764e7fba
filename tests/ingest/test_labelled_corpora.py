"""The pipeline against labelled articles: the gold seeds, our own corpus and a held-out set.

tests/corpus was written for development; tests/heldout was written independently afterwards and is only
measured, so its thresholds are recall floors rather than exact expectations.
"""

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from app.db import make_engine
from app.ingest.clean import normalise_unicode
from app.migrate import upgrade
from app.models import Actor, Event, EventActor, EventBase, MilitaryBase
from bench.labelled import actual_links, expected_links, found, ingest_labelled, load_labels
from tests.conftest import CORPUS, ROOT, SEEDS

GOLD = load_labels(ROOT / "tests" / "gold" / "seeds.json")
OWN = load_labels(CORPUS / "labels.json")
HELDOUT_DIR = ROOT / "tests" / "heldout"
HELDOUT = load_labels(HELDOUT_DIR / "labels.json")


def _ingest(tmp_path_factory, name: str, folder: Path, labels: dict):
    path = tmp_path_factory.mktemp(name) / "db.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    summary, results = ingest_labelled(engine, folder, labels)
    assert summary.failed == 0, summary.failures
    return engine, results


@pytest.fixture(scope="module")
def gold(tmp_path_factory):
    engine, results = _ingest(tmp_path_factory, "gold", SEEDS, GOLD)
    yield engine, results
    engine.dispose()


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    engine, results = _ingest(tmp_path_factory, "own", CORPUS / "articles", OWN)
    yield results
    engine.dispose()


@pytest.fixture(scope="module")
def heldout(tmp_path_factory):
    engine, results = _ingest(tmp_path_factory, "heldout", HELDOUT_DIR / "articles", HELDOUT)
    yield results
    engine.dispose()


# --- the gold seeds, every field ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLD["articles"]))
def test_gold_title_outlet_date_and_events(gold, name):
    _engine, results = gold
    label, result = GOLD["articles"][name], results[name]
    assert result.article.title == label["title"]
    assert result.article.outlet == label["outlet"]
    assert result.article.published_at.isoformat() == label["published"]
    assert actual_links(result, GOLD["events"]) == expected_links(label)


@pytest.mark.parametrize("name", sorted(GOLD["articles"]))
def test_gold_persons_must_and_must_not(gold, name):
    _engine, results = gold
    label, result = GOLD["articles"][name], results[name]
    assert [p for p in label["persons_must"] if not found(p, result.persons)] == []
    assert [p for p in label["persons_must_not"] if found(p, result.persons)] == []


@pytest.mark.parametrize("name", sorted(GOLD["articles"]))
def test_gold_organisations_and_named_bases(gold, name):
    _engine, results = gold
    label, result = GOLD["articles"][name], results[name]
    assert [o for o in label["organisations_should"] if not found(o, result.others)] == []
    assert set(label["bases_named"]) <= result.bases


def _roles(session: Session, event: Event) -> set[tuple[str, str]]:
    rows = session.execute(
        select(Actor.name, EventActor.role)
        .join(EventActor, EventActor.actor_id == Actor.id)
        .where(EventActor.event_id == event.id)
    ).all()
    bases = session.execute(
        select(MilitaryBase.name, EventBase.role)
        .join(EventBase, EventBase.base_id == MilitaryBase.id)
        .where(EventBase.event_id == event.id)
    ).all()
    return set(rows) | set(bases)


def test_gold_event_details(gold):
    engine, _results = gold
    with Session(engine) as session:
        events = {e.date.isoformat(): e for e in session.execute(select(Event)).scalars()}
        e1, e2 = events[GOLD["events"]["E1"]["date"]], events[GOLD["events"]["E2"]["date"]]
        assert (e1.effective_date.isoformat(), e2.effective_date) == (GOLD["events"]["E1"]["effective_date"], None)
        assert (e1.cameo_code, e1.country, e1.forces_of) == ("0874", "Syria", "Russia")
        roles1, roles2 = _roles(session, e1), _roles(session, e2)
        orderer = session.get(Actor, e1.ordering_actor_id).name
    assert orderer == GOLD["events"]["E1"]["announced_by"]
    assert {(p, "present") for p in GOLD["events"]["E1"]["participants"]} <= roles1
    assert {(p, "informed") for p in GOLD["events"]["E1"]["informed"]} <= roles1
    assert {(b, "retained") for b in GOLD["events"]["E1"]["bases_retained"]} <= roles1
    assert {("Vladimir Putin", "ordered_by"), ("Sergei Shoigu", "ordered_to")} <= roles1
    assert {(p, "present") for p in GOLD["events"]["E2"]["participants"]} <= roles2
    assert {(b, "retained") for b in GOLD["events"]["E2"]["bases_retained"]} <= roles2
    assert ("Hmeimim", "venue") in roles2
    assert (e1.place, e2.place) == ("Kremlin", "Hmeimim")
    assert e2.figures == {"warplanes": 23, "helicopter gunships": 2}


# --- our own corpus: every article exactly ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(OWN["articles"]))
def test_own_corpus_events(own, name):
    assert actual_links(own[name], OWN["events"]) == expected_links(OWN["articles"][name])


@pytest.mark.parametrize("name", sorted(OWN["articles"]))
def test_own_corpus_persons_and_bases(own, name):
    label, result = OWN["articles"][name], own[name]
    assert [p for p in label["persons_must"] if not found(p, result.persons)] == []
    assert [p for p in label["persons_must_not"] if found(p, result.persons)] == []
    assert set(label["bases_named"]) <= result.bases
    assert result.bases <= set(label["bases_named"]) | set(label["bases_implied"])


@pytest.mark.parametrize("name", sorted(OWN["articles"]))
def test_own_corpus_title_and_date(own, name):
    label, result = OWN["articles"][name], own[name]
    assert result.article.title == normalise_unicode(label["title"])
    assert result.article.published_at.isoformat() == label["published"]


NO_OUTLET_CUE = {"22_skynews_breaking_putin_syria.txt"}  # a bare headline: nothing on the page names Sky News


@pytest.mark.parametrize("name", sorted(set(OWN["articles"]) - NO_OUTLET_CUE))
def test_own_corpus_outlet_read_from_the_page(own, name):
    assert own[name].article.outlet == OWN["articles"][name]["outlet"]


# --- the held-out set: measured, with floors ----------------------------------------------------------


def test_heldout_events_are_all_found(heldout):
    wrong = {
        name: (actual_links(heldout[name], HELDOUT["events"]), expected_links(label))
        for name, label in HELDOUT["articles"].items()
        if actual_links(heldout[name], HELDOUT["events"]) != expected_links(label)
    }
    assert wrong == {}


def test_heldout_persons_precision_and_recall(heldout):
    must = [(n, p) for n, label in HELDOUT["articles"].items() for p in label["persons_must"]]
    hits = sum(found(p, heldout[n].persons) for n, p in must)
    forbidden = [
        (n, p)
        for n, label in HELDOUT["articles"].items()
        for p in label["persons_must_not"]
        if found(p, heldout[n].persons)
    ]
    assert forbidden == []
    assert hits / len(must) >= 0.9


def test_heldout_named_bases_recall(heldout):
    named = [(n, b) for n, label in HELDOUT["articles"].items() for b in label["bases_named"]]
    hits = sum(b in heldout[n].bases for n, b in named)
    assert hits / len(named) >= 0.7
