"""Events no report dates (date null, date_precision none) and observed pull-outs linked to their orders, in
every read: lists (filters, both date orders, keyset paging), exports, details, and the links of articles and
actors. Events are added to the seed database directly (the extractor's side is tested in tests/ingest)."""

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select
from sqlmodel import Session

from app.main import create_app
from app.models import Actor, ArticleEvent, Event, EventActor
from tests.api.helpers import entity_id
from tests.conftest import Database

# name -> (date, date_precision, month_day); the two seed events are E1 (2016-03-14) and E2 (2017-12-11)
ADDED = {
    "year-2016": (dt.date(2016, 1, 1), "year", None),
    "same-day-as-E1": (dt.date(2016, 3, 14), "day", None),
    "month-2017": (dt.date(2017, 12, 1), "month", None),
    "undated-a": (None, "none", "--03-15"),
    "undated-b": (None, "none", None),
    "undated-c": (None, "none", None),
}
NEWEST_FIRST = ["E2", "month-2017", "same-day-as-E1", "E1", "year-2016", "undated-c", "undated-b", "undated-a"]
OLDEST_FIRST = ["year-2016", "E1", "same-day-as-E1", "month-2017", "E2", "undated-a", "undated-b", "undated-c"]
UNDATED = ["undated-a", "undated-b", "undated-c"]


class Calendar:
    def __init__(self, client: TestClient, ids: dict[str, int]) -> None:
        self.client, self.ids = client, ids
        self.names = {event_id: name for name, event_id in ids.items()}

    def get(self, path: str, **params) -> dict:
        response = self.client.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def walk(self, limit: int, **params) -> list[str]:
        """Every page of /events, followed through ``next``: the names of the events, in order."""
        names, cursor = [], None
        while True:
            body = self.get("/events", limit=limit, **params, **({"cursor": cursor} if cursor else {}))
            names += [self.names[e["id"]] for e in body["items"]]
            if not (cursor := body["next"]):
                return names


@pytest.fixture(scope="module")
def calendar(seeded: Database) -> Iterator[Calendar]:
    """The seed events, three more dated ones and three undated ones; undated-a is seen carrying out E1 on a
    15 March of no stated year, reported by the first seed article, with Putin as the one who ordered it."""
    with Session(seeded.engine) as session:
        ids = {"E1": _event_on(session, dt.date(2016, 3, 14)), "E2": _event_on(session, dt.date(2017, 12, 11))}
        for name, (date, precision, month_day) in ADDED.items():
            event = Event(key=name, type="withdrawal", title=f"Pull-out {name}", date=date, date_precision=precision)
            event.month_day = month_day
            session.add(event)
            session.flush()
            ids[name] = event.id
        session.get(Event, ids["undated-a"]).carries_out_id = ids["E1"]
        article_id, putin = _first_article(session, ids["E1"]), _actor(session, "Vladimir Putin")
        session.execute(
            insert(ArticleEvent), [{"article_id": article_id, "event_id": ids["undated-a"], "relation": "reports"}]
        )
        session.execute(
            insert(EventActor),
            [{"event_id": ids["undated-a"], "actor_id": putin, "role": "ordered_by", "article_id": article_id}],
        )
        session.commit()
    with TestClient(create_app(seeded.engine)) as client:
        yield Calendar(client, ids)


def _event_on(session: Session, day: dt.date) -> int:
    return session.execute(select(Event.id).where(Event.date == day)).scalar_one()


def _first_article(session: Session, event_id: int) -> int:
    linked = select(ArticleEvent.article_id).where(ArticleEvent.event_id == event_id)
    return session.execute(linked.order_by(ArticleEvent.article_id).limit(1)).scalar_one()


def _actor(session: Session, name: str) -> int:
    return session.execute(select(Actor.id).where(Actor.name == name)).scalar_one()


@pytest.mark.parametrize(("sort", "expected"), [("-date", NEWEST_FIRST), ("date", OLDEST_FIRST)])
@pytest.mark.parametrize("limit", [1, 2, 3, 5, 7, 8, 50])
def test_both_date_orders_put_undated_events_last_and_paging_visits_each_once(calendar, sort, expected, limit):
    assert calendar.walk(limit, sort=sort) == expected


def test_newest_first_is_the_default_order(calendar):
    assert calendar.walk(3) == NEWEST_FIRST


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, NEWEST_FIRST),
        ({"date_from": "2016-01-01"}, NEWEST_FIRST[:5]),
        ({"date_to": "2016-12-31"}, ["same-day-as-E1", "E1", "year-2016"]),
        ({"date_from": "2017-01-01", "date_to": "2017-12-31"}, ["E2", "month-2017"]),
        ({"date_precision": "none"}, ["undated-c", "undated-b", "undated-a"]),
        ({"date_precision": "none", "sort": "date"}, UNDATED),
        ({"date_precision": ["year", "month"]}, ["month-2017", "year-2016"]),
        ({"date_precision": "none", "date_from": "2000-01-01"}, []),
        ({"actor": "putin", "sort": "date"}, ["E1", "E2", "undated-a"]),
        ({"actor": "putin", "date_to": "2020-01-01"}, ["E2", "E1"]),
    ],
)
def test_date_filters_leave_undated_events_out_and_other_filters_keep_them(calendar, params, expected):
    body = calendar.get("/events", limit=50, **params)
    assert [calendar.names[e["id"]] for e in body["items"]] == expected
    assert body["total"] == len(expected)


def test_an_undated_event_shows_null_date_precision_none_and_its_day_and_month(calendar):
    event = calendar.get(f"/events/{calendar.ids['undated-a']}")
    assert (event["date"], event["date_precision"], event["month_day"]) == (None, "none", "--03-15")
    assert event["carries_out_id"] == calendar.ids["E1"]
    assert event["carried_out_by"] == []
    assert [a["name"] for a in event["actors"]] == ["Vladimir Putin"]
    listed = calendar.get("/events", date_precision="none", sort="date")["items"][0]
    assert {k: listed[k] for k in ("date", "date_precision", "month_day", "carries_out_id")} == {
        "date": None,
        "date_precision": "none",
        "month_day": "--03-15",
        "carries_out_id": calendar.ids["E1"],
    }


def test_an_order_lists_the_pull_outs_that_carry_it_out(calendar):
    order = calendar.get(f"/events/{calendar.ids['E1']}")
    assert order["carries_out_id"] is None and order["month_day"] is None
    assert order["carried_out_by"] == [
        {
            "id": calendar.ids["undated-a"],
            "type": "withdrawal",
            "title": "Pull-out undated-a",
            "date": None,
            "date_precision": "none",
        }
    ]
    assert calendar.get(f"/events/{calendar.ids['E2']}")["carried_out_by"] == []


def test_articles_and_actors_list_undated_events_after_the_dated_ones(calendar):
    article = calendar.get(f"/events/{calendar.ids['undated-a']}")["articles"][0]["id"]
    linked = calendar.get(f"/articles/{article}")["events"]
    assert [(calendar.names[e["id"]], e["date"]) for e in linked if e["relation"] == "reports"] == [
        ("E1", "2016-03-14"),
        ("undated-a", None),
    ]
    putin = entity_id(calendar.client, "/actors", "Vladimir Putin")
    events = calendar.get(f"/actors/{putin}")["events"]
    assert [calendar.names[e["id"]] for e in events if e["role"] == "ordered_by"] == ["E1", "E2", "undated-a"]
    assert events[-1]["date"] is None and events[-1]["date_precision"] == "none"
    dated = calendar.get(f"/actors/{putin}/events", date_from="2000-01-01")["items"]
    assert [calendar.names[e["id"]] for e in dated] == ["E2", "E1"]


@pytest.mark.parametrize("sort", ["-date", "date"])
def test_exports_write_an_undated_event_with_an_empty_date(calendar, sort):
    expected = NEWEST_FIRST if sort == "-date" else OLDEST_FIRST
    response = calendar.client.get("/events", params={"format": "csv", "sort": sort})
    rows = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))
    assert [calendar.names[int(row["id"])] for row in rows] == expected
    undated = next(row for row in rows if int(row["id"]) == calendar.ids["undated-a"])
    # A spreadsheet would compute --03-15 as a formula: the CSV defuses it, like any cell starting with "-"
    assert (undated["date"], undated["date_precision"], undated["month_day"]) == ("", "none", "'--03-15")
    assert undated["carries_out_id"] == str(calendar.ids["E1"])
    lines = calendar.client.get("/events", params={"format": "ndjson", "sort": sort}).text.splitlines()
    items = [json.loads(line) for line in lines]
    assert [calendar.names[item["id"]] for item in items] == expected
    assert [item["date"] for item in items[-3:]] == [None, None, None]


@pytest.mark.parametrize(
    "params", [{}, {"sort": "date"}, {"date_precision": "none"}, {"format": "csv"}, {"format": "ndjson"}]
)
def test_lists_with_undated_events_answer_304_to_their_etag(calendar, params):
    first = calendar.client.get("/events", params=params)
    again = calendar.client.get("/events", params=params, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_a_cursor_that_stops_among_the_undated_events_resumes_there(calendar):
    page = calendar.get("/events", limit=6)
    assert [calendar.names[e["id"]] for e in page["items"]][-1] == "undated-c"
    rest = calendar.get("/events", limit=6, cursor=page["next"])
    assert [calendar.names[e["id"]] for e in rest["items"]] == ["undated-b", "undated-a"]
    assert rest["next"] is None and rest["total"] == 8
