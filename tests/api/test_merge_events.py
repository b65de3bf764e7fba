"""merge_events folds one record of a real event into another: every link and its evidence kept, one row per
link, the better date, empty fields filled, counts recounted, pull-outs repointed, and readers see the change."""

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import Session

from app.data_version import DataVersionProbe
from app.errors import InvalidParameter, NotFound
from app.main import create_app
from app.models import Actor, Article, ArticleEvent, Event, EventActor, EventBase, MilitaryBase
from app.services.events import merge_events
from tests.conftest import Database

KEEP, MERGE, PULL_OUT = "keep", "merge", "pull-out"
# The links of the two records, as (article, relation or role, confidence); each link's evidence sentence names
# the record and the article it came from, so that the test can tell whose evidence stayed.
ARTICLE_LINKS = {
    KEEP: [("a1", "reports", 0.9), ("a2", "mentions", 0.6)],
    MERGE: [("a1", "mentions", 0.95), ("a2", "reports", 0.8), ("a3", "reports", 0.7)],
}
ACTOR_LINKS = {  # all of actor Surovikin, but a3's (Shoigu)
    KEEP: [("a1", "ordered_by", 0.5), ("a2", "ordered_by", 0.9)],
    MERGE: [("a1", "ordered_by", 0.9), ("a2", "ordered_by", 0.4), ("a3", "present", 0.6)],
}
BASE_LINKS = {
    KEEP: [("a1", "venue", 0.8)],
    MERGE: [("a1", "venue", 0.8), ("a3", "retained", 0.5)],
}
OUTLETS = {"a1": "Reuters", "a2": "TASS", "a3": "Reuters"}


class Store:
    """Ids by name in a database holding the two records, their articles, actors and bases."""

    def __init__(self, database: Database) -> None:
        self.engine = database.engine
        self.ids: dict[str, int] = {}
        self.names: dict[tuple[type, int], str] = {}

    def add(self, session: Session, name: str, row) -> None:
        session.add(row)
        session.flush()
        self.ids[name] = row.id
        self.names[type(row), row.id] = name

    def links(self, model, entity: type | None = None) -> set[tuple]:
        """The link rows of ``model`` as (event, article, [entity,] relation or role, confidence, evidence)."""
        with Session(self.engine) as session:
            rows = session.scalars(select(model)).all()
        kind = "relation" if model is ArticleEvent else "role"
        entity_id = {Actor: "actor_id", MilitaryBase: "base_id"}.get(entity)
        found = [
            (
                self.names[Event, row.event_id],
                self.names[Article, row.article_id],
                *((self.names[entity, getattr(row, entity_id)],) if entity else ()),
                getattr(row, kind),
                row.confidence,
                row.evidence_sentence,
            )
            for row in rows
        ]
        assert len(set(found)) == len(found), found  # no link twice
        return set(found)

    def event(self, name: str) -> Event | None:
        with Session(self.engine) as session:
            return session.get(Event, self.ids[name])

    def merge(self, keep: str = KEEP, merge: str = MERGE) -> None:
        with Session(self.engine) as session:
            merge_events(session, keep_id=self.ids[keep], merge_id=self.ids[merge])
            session.commit()


def two_records(database: Database, keep: dict, merge: dict) -> Store:
    """The records ``keep`` and ``merge`` (Event fields), the links of the tables above, and a pull-out that
    carries out ``merge``."""
    store = Store(database)
    with Session(database.engine) as session:
        for name, outlet in OUTLETS.items():
            text = f"Article {name}."
            store.add(
                session,
                name,
                Article(outlet=outlet, raw_text=text, clean_text=text, content_hash=name, extractor_version="t"),
            )
        store.add(session, "surovikin", Actor(name="Sergei Surovikin", kind="person"))
        store.add(session, "shoigu", Actor(name="Sergei Shoigu", kind="person"))
        store.add(session, "hmeimim", MilitaryBase(name="Hmeimim", kind="air_base"))
        for name, fields in ((KEEP, keep), (MERGE, merge)):
            store.add(session, name, Event(key=name, type="withdrawal_order", title=f"Order {name}", **fields))
        pull_out = Event(key=PULL_OUT, type="withdrawal", title="Pull-out", date=None, date_precision="none")
        pull_out.carries_out_id = store.ids[MERGE]
        store.add(session, PULL_OUT, pull_out)
        for name in (KEEP, MERGE):
            event_id = store.ids[name]
            for article, relation, confidence in ARTICLE_LINKS[name]:
                evidence = {"evidence_sentence": f"{name} {article}", "confidence": confidence}
                session.add(
                    ArticleEvent(article_id=store.ids[article], event_id=event_id, relation=relation, **evidence)
                )
            for article, role, confidence in ACTOR_LINKS[name]:
                actor = store.ids["shoigu" if article == "a3" else "surovikin"]
                evidence = {"evidence_sentence": f"{name} {article}", "confidence": confidence}
                session.add(
                    EventActor(event_id=event_id, actor_id=actor, role=role, article_id=store.ids[article], **evidence)
                )
            for article, role, confidence in BASE_LINKS[name]:
                evidence = {"evidence_sentence": f"{name} {article}", "confidence": confidence}
                session.add(
                    EventBase(
                        event_id=event_id,
                        base_id=store.ids["hmeimim"],
                        role=role,
                        article_id=store.ids[article],
                        **evidence,
                    )
                )
        session.commit()
    return store


UNDATED = {"date": None, "date_precision": "none", "month_day": "--03-14"}
ON_THE_DAY = {"date": dt.date(2016, 3, 14), "date_precision": "day"}
IN_THE_MONTH = {"date": dt.date(2016, 3, 1), "date_precision": "month"}


@pytest.fixture
def store(db) -> Store:
    return two_records(
        db,
        keep={**UNDATED, "country": "Syria", "summary": None},
        merge={**ON_THE_DAY, "country": "Iraq", "place": "Kremlin", "summary": "Putin ordered the withdrawal."},
    )


def test_every_link_moves_to_the_kept_event_with_the_better_evidence_once(store):
    store.merge()
    assert store.links(ArticleEvent) == {
        (KEEP, "a1", "reports", 0.9, "keep a1"),  # a report outranks a more confident mention
        (KEEP, "a2", "reports", 0.8, "merge a2"),
        (KEEP, "a3", "reports", 0.7, "merge a3"),
    }
    assert store.links(EventActor, Actor) == {
        (KEEP, "a1", "surovikin", "ordered_by", 0.9, "merge a1"),
        (KEEP, "a2", "surovikin", "ordered_by", 0.9, "keep a2"),
        (KEEP, "a3", "shoigu", "present", 0.6, "merge a3"),
    }
    assert store.links(EventBase, MilitaryBase) == {
        (KEEP, "a1", "hmeimim", "venue", 0.8, "keep a1"),  # a tie keeps the kept event's evidence
        (KEEP, "a3", "hmeimim", "retained", 0.5, "merge a3"),
    }


def test_the_merged_event_goes_and_the_kept_one_is_recounted(store):
    store.merge()
    assert store.event(MERGE) is None
    kept = store.event(KEEP)
    assert (kept.article_count, kept.source_count) == (3, 2)


def test_the_kept_event_takes_the_finer_date_with_its_key_and_fills_what_it_lacks(store):
    store.merge()
    kept = store.event(KEEP)
    assert (kept.date, kept.date_precision, kept.month_day, kept.key) == (dt.date(2016, 3, 14), "day", None, MERGE)
    assert (kept.country, kept.place, kept.summary) == ("Syria", "Kremlin", "Putin ordered the withdrawal.")


@pytest.mark.parametrize(
    ("keep", "merge", "expected"),
    [
        (ON_THE_DAY, IN_THE_MONTH, (dt.date(2016, 3, 14), "day", None, KEEP)),
        (IN_THE_MONTH, ON_THE_DAY, (dt.date(2016, 3, 14), "day", None, MERGE)),
        (
            IN_THE_MONTH,
            {"date": dt.date(2016, 3, 1), "date_precision": "year"},
            (dt.date(2016, 3, 1), "month", None, KEEP),
        ),
        (
            ON_THE_DAY,
            {"date": dt.date(2016, 3, 20), "date_precision": "day"},
            (dt.date(2016, 3, 14), "day", None, KEEP),
        ),
        (UNDATED, IN_THE_MONTH, (dt.date(2016, 3, 1), "month", None, MERGE)),
        (ON_THE_DAY, UNDATED, (dt.date(2016, 3, 14), "day", None, KEEP)),
        ({"date": None, "date_precision": "none"}, UNDATED, (None, "none", "--03-14", KEEP)),
        (UNDATED, {"date": None, "date_precision": "none", "month_day": "--03-15"}, (None, "none", "--03-14", KEEP)),
    ],
)
def test_the_kept_date_is_the_finer_one(db, keep, merge, expected):
    store = two_records(db, keep=keep, merge=merge)
    store.merge()
    kept = store.event(KEEP)
    assert (kept.date, kept.date_precision, kept.month_day, kept.key) == expected


def test_pull_outs_of_the_merged_event_carry_out_the_kept_one(store):
    store.merge()
    assert store.event(PULL_OUT).carries_out_id == store.ids[KEEP]


def test_merging_an_order_into_its_pull_out_leaves_no_event_carrying_itself_out(store):
    store.merge(keep=PULL_OUT, merge=MERGE)
    pull_out = store.event(PULL_OUT)
    assert pull_out.carries_out_id is None
    assert pull_out.article_count == 3


def test_merging_a_pull_out_into_its_order_takes_no_link_to_itself(store):
    store.merge(keep=MERGE, merge=PULL_OUT)
    assert store.event(MERGE).carries_out_id is None
    assert store.event(KEEP).carries_out_id is None


@pytest.mark.parametrize(
    ("keep", "merge", "error", "message"),
    [
        (KEEP, KEEP, InvalidParameter, "cannot be merged into itself"),
        (KEEP, 999_999, NotFound, "Event 999999 not found."),
        (999_999, KEEP, NotFound, "Event 999999 not found."),
    ],
)
def test_merging_an_event_into_itself_or_a_missing_one_changes_nothing(store, keep, merge, error, message):
    before = store.links(ArticleEvent)
    with Session(store.engine) as session, pytest.raises(error, match=message):
        merge_events(session, keep_id=store.ids.get(keep, keep), merge_id=store.ids.get(merge, merge))
    assert store.links(ArticleEvent) == before


@pytest.fixture
def client(store) -> Iterator[TestClient]:
    with TestClient(create_app(store.engine)) as test_client:
        yield test_client


def test_readers_see_the_merge_at_once(store, client):
    """The data version moves at the merge's commit, so the response cache (on by default) and ETags answer
    from the merged data."""
    keep, merge = store.ids[KEEP], store.ids[MERGE]
    probe = DataVersionProbe(store.engine)
    version = probe.current()
    before = client.get(f"/events/{keep}")
    listed = client.get("/events")
    assert len(before.json()["articles"]) == 2 and listed.json()["total"] == 3
    store.merge()
    assert probe.current() != version
    probe.close()
    after = client.get(f"/events/{keep}", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert sorted(a["id"] for a in after.json()["articles"]) == sorted(store.ids[a] for a in OUTLETS)
    assert after.json()["date"] == "2016-03-14"
    assert client.get(f"/events/{merge}").status_code == 404
    assert client.get("/events").json()["total"] == 2
    assert client.get(f"/events/{keep}").json()["carried_out_by"][0]["id"] == store.ids[PULL_OUT]
