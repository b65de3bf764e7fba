"""List queries are built once per shape (which filters are given, and how: an actor by id or by name) with
their values as bound parameters, and cached (app/services/listing.py, ``Bound``): requests of one shape share
one statement and still each get the rows of their own values."""

import datetime as dt

from sqlmodel import Session

from app.services.articles import ArticleFilters, articles_listing
from app.services.events import EventFilters, events_listing
from tests.api.helpers import entity_id


def test_requests_of_one_shape_share_their_statements(seeded):
    with Session(seeded.engine) as session:
        first = events_listing(session, EventFilters(min_articles=1, actor=["putin"]))
        second = events_listing(session, EventFilters(min_articles=5, actor=["shoigu"]))
        by_id = events_listing(session, EventFilters(min_articles=5, actor=["1"]))
        assert first.paged is second.paged and by_id.paged is not first.paged
        assert (first.params, second.params) == (
            {"min_articles": 1, "actor_0": "putin"},
            {"min_articles": 5, "actor_0": "shoigu"},
        )
        outlets = articles_listing(session, ArticleFilters(outlet=["A", "B"], published_from=dt.date(2016, 1, 1)))
        other = articles_listing(session, ArticleFilters(outlet=["C"], published_from=dt.date(2017, 1, 1)))
        assert outlets.paged is other.paged
        assert articles_listing(session, ArticleFilters(outlet=["C"]), "published").paged is not other.paged


def test_an_actor_or_base_by_id_by_name_or_past_any_id(client):
    putin = entity_id(client, "/actors", "Vladimir Putin")
    hmeimim = entity_id(client, "/bases", "Hmeimim")

    def dates(path, **params):
        return sorted(row.get("date") or row["id"] for row in client.get(path, params=params).json()["items"])

    for path in ("/events", "/articles"):
        by_name = dates(path, actor="putin")
        assert by_name and dates(path, actor=str(putin)) == by_name
        assert dates(path, actor=str(2**40)) == [] and dates(path, actor="putin") == by_name
        at_base = dates(path, base="Hmeymim")
        assert at_base and dates(path, base=str(hmeimim)) == at_base
        assert dates(path, base=str(2**40), actor="putin") == []
