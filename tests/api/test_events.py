import pytest

from tests.api.helpers import assert_error, entity_id, event_ids_by_date

E1, E2 = "2016-03-14", "2017-12-11"


def dates(response) -> set[str]:
    assert response.status_code == 200, response.text
    return {e["date"] for e in response.json()["items"]}


def test_events_list_shows_both_events_newest_first(client):
    body = client.get("/events").json()
    assert [e["date"] for e in body["items"]] == [E2, E1]
    assert body["total"] == 2
    assert body["next"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {E1, E2}),
        ({"date_from": "2017-01-01"}, {E2}),
        ({"date_to": "2016-12-31"}, {E1}),
        ({"date_from": "2016-03-14", "date_to": "2016-03-14"}, {E1}),
        ({"date_from": "2018-01-01"}, set()),
        ({"actor": "putin"}, {E1, E2}),
        ({"actor": "Vladimir Putin"}, {E1, E2}),
        ({"actor": "PUTIN"}, {E1, E2}),
        ({"actor": "Sergey Shoygu"}, {E1, E2}),
        ({"actor": "Sergei Surovikin"}, {E2}),
        ({"actor": "Barack Obama"}, {E1}),
        ({"actor": "bashar al assad"}, {E1, E2}),
        ({"actor": ["putin", "surovikin"]}, {E2}),
        ({"actor": ["obama", "surovikin"]}, set()),
        ({"actor": "nobody-we-know"}, set()),
        ({"base": "Hmeymim"}, {E1, E2}),
        ({"base": "hmeimim"}, {E1, E2}),
        ({"base": "Tartous"}, {E1, E2}),
        ({"base": ["Hmeimim", "Tartus"]}, {E1, E2}),
        ({"actor": "surovikin", "date_to": "2016-12-31"}, set()),
    ],
)
def test_event_filters(client, query, expected):
    assert dates(client.get("/events", params=query)) == expected


def test_actor_and_base_filters_accept_ids(client):
    surovikin = entity_id(client, "/actors", "Sergei Surovikin")
    hmeimim = entity_id(client, "/bases", "Hmeimim")
    assert dates(client.get("/events", params={"actor": str(surovikin)})) == {E2}
    assert dates(client.get("/events", params={"base": str(hmeimim)})) == {E1, E2}


def test_event_fields_clients_rely_on(client):
    event = client.get("/events").json()["items"][1]
    for field in ("id", "type", "cameo_code", "title", "date", "date_precision", "article_count", "source_count"):
        assert field in event
    assert event["type"] == "withdrawal_order"
    assert event["date_precision"] == "day"
    assert event["article_count"] == 5
    assert event["source_count"] == 5


def test_event_detail_nests_articles_actors_and_bases_with_evidence(client):
    ids = event_ids_by_date(client)
    detail = client.get(f"/events/{ids[E2]}").json()
    assert detail["date"] == E2
    assert [a["relation"] for a in detail["articles"]] == ["reports"]
    roles = {(a["name"], a["role"]) for a in detail["actors"]}
    assert ("Vladimir Putin", "ordered_by") in roles
    assert ("Sergei Surovikin", "present") in roles
    assert {(b["name"], b["role"]) for b in detail["bases"]} >= {("Hmeimim", "venue"), ("Tartus", "retained")}
    assert detail["figures"] == {"warplanes": 23, "helicopter gunships": 2}
    for link in detail["articles"] + detail["actors"] + detail["bases"]:
        assert link["evidence"]["sentence"]
        assert link["evidence"]["end"] > link["evidence"]["start"]
    first = client.get(f"/events/{ids[E1]}").json()
    assert {a["relation"] for a in first["articles"]} == {"reports", "mentions"}


def test_unknown_event_is_a_404_with_the_common_error_body(client):
    assert_error(client.get("/events/999999"), 404, "not_found", "Event 999999 not found.")


def test_bad_date_filter_is_a_422_with_the_common_error_body(client):
    response = client.get("/events", params={"date_from": "yesterday"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter"
    assert error["details"][0]["location"] == "query.date_from"
