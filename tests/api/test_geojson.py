"""GeoJSON answers of the event and base lists: a FeatureCollection of points, the same rows (filters, sort,
limit) as the JSON list, each row's fields as the properties, and a null geometry for what has no location."""

import pytest
from sqlalchemy import text

from app.ingest.sources import records
from app.services.ingest import ingest_records
from tests.api.helpers import assert_error
from tests.conftest import SEEDS

HMEIMIM = [35.9486, 35.4011]  # longitude, latitude, as GeoJSON orders them
TARTUS = [35.8717, 34.9064]


def geojson(client, path: str, **params) -> dict:
    response = client.get(path, params={**params, "format": "geojson"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    for feature in body["features"]:
        assert feature["type"] == "Feature" and feature["id"] == feature["properties"]["id"]
    return body


def every_row(client, path: str, **params) -> list[dict]:
    return client.get(path, params={**params, "limit": 500}).json()["items"]


def test_bases_are_points_at_their_coordinates_with_their_fields(client):
    body = geojson(client, "/bases")
    rows = every_row(client, "/bases")
    assert [f["properties"] for f in body["features"]] == rows
    located = {f["properties"]["name"]: f["geometry"] for f in body["features"]}
    assert located["Hmeimim"] == {"type": "Point", "coordinates": HMEIMIM}
    assert located["Tartus"] == {"type": "Point", "coordinates": TARTUS}


def test_events_are_placed_at_their_venue_else_at_a_base_they_name(client):
    body = geojson(client, "/events")
    assert [f["properties"]["date"] for f in body["features"]] == ["2017-12-11", "2016-03-14"]
    rows = every_row(client, "/events")
    by_date = {f["properties"]["date"]: f for f in body["features"]}
    for row in rows:
        properties = by_date[row["date"]]["properties"]
        assert {k: v for k, v in properties.items() if k in row} == row
        assert set(properties) - set(row) == {"base_id", "base", "base_role"}
    # Putin gave the 2017 order at Hmeimim; the 2016 one at the Kremlin, which is no base: the bases it keeps
    # (Hmeimim and Tartus, equally supported) place it, the first by id.
    hmeimim = next(row["id"] for row in every_row(client, "/bases") if row["name"] == "Hmeimim")
    december, march = by_date["2017-12-11"], by_date["2016-03-14"]
    assert december["geometry"] == {"type": "Point", "coordinates": HMEIMIM}
    assert (december["properties"]["base"], december["properties"]["base_role"]) == ("Hmeimim", "venue")
    assert december["properties"]["base_id"] == hmeimim
    assert march["geometry"]["type"] == "Point" and march["geometry"]["coordinates"] in (HMEIMIM, TARTUS)
    assert march["properties"]["base_role"] == "retained"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/events", {"date_from": "2017-01-01"}),
        ("/events", {"forces_of": "russia", "sort": "-articles"}),
        ("/events", {"actor": "putin", "country": "Syria", "sort": "date"}),
        ("/events", {"q": "syria"}),
        ("/events", {"base": "Tartous", "limit": 1}),
        ("/events", {"date_to": "2015-12-31"}),
        ("/bases", {"q": "tart"}),
        ("/bases", {"kind": "air_base", "sort": "-name"}),
        ("/bases", {"country": "syria", "limit": 1}),
        ("/actors/1/events", {"date_from": "2017-01-01"}),
        ("/bases/2/events", {}),
    ],
)
def test_geojson_holds_the_rows_of_the_json_list_with_the_same_filters_sort_and_limit(client, path, params):
    features = geojson(client, path, **params)["features"]
    rows = client.get(path, params=params).json()["items"]
    assert [f["id"] for f in features] == [row["id"] for row in rows]


def test_geojson_is_chosen_by_accept_too(client):
    by_param = client.get("/events", params={"format": "geojson"})
    by_accept = client.get("/events", headers={"Accept": "application/geo+json"})
    assert by_accept.headers["content-type"] == "application/geo+json"
    assert by_accept.json() == by_param.json()
    etag = by_accept.headers["etag"]
    again = client.get("/events", headers={"Accept": "application/geo+json", "If-None-Match": etag})
    assert again.status_code == 304


def test_lists_without_locations_refuse_geojson(client):
    assert_error(
        client.get("/articles", headers={"Accept": "application/geo+json"}),
        406,
        "not_acceptable",
        "None of the media types in Accept can be produced: use application/json, text/csv or "
        "application/x-ndjson (or format=json|csv|ndjson).",
    )
    response = client.get("/actors", params={"format": "geojson"})
    assert response.status_code == 422 and response.json()["error"]["details"][0]["location"] == "query.format"


def test_what_has_no_location_has_a_null_geometry(db, empty_client):
    ingest_records(db.engine, records([SEEDS]))
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE base SET latitude = NULL WHERE name = 'Tartus'"))
        conn.execute(text("UPDATE base SET longitude = NULL WHERE name = 'Hmeimim'"))
    bases = geojson(empty_client, "/bases")["features"]
    assert [f["geometry"] for f in bases] == [None, None]
    events = geojson(empty_client, "/events")["features"]
    assert [f["geometry"] for f in events] == [None, None]
    assert all(f["properties"]["base"] is None and f["properties"]["base_role"] is None for f in events)
    assert [f["properties"]["date"] for f in events] == ["2017-12-11", "2016-03-14"]


def test_an_empty_list_is_an_empty_collection(empty_client):
    assert geojson(empty_client, "/events") == {"type": "FeatureCollection", "features": []}


def test_openapi_documents_the_geojson_answers(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/events", "/bases", "/actors/{actor_id}/events", "/bases/{base_id}/events"):
        operation = paths[path]["get"]
        content = operation["responses"]["200"]["content"]["application/geo+json"]
        assert content["schema"]["properties"]["type"]["enum"] == ["FeatureCollection"], path
        assert content["example"]["features"][0]["geometry"]["type"] == "Point", path
        format_param = next(p for p in operation["parameters"] if p["name"] == "format")
        assert "geojson" in str(format_param["schema"]), path
    for path in ("/articles", "/actors"):
        assert "application/geo+json" not in paths[path]["get"]["responses"]["200"]["content"], path


@pytest.mark.parametrize("best", ["Hmeimim", "Tartus"])
def test_of_the_bases_an_event_names_the_one_an_article_supports_best_places_it(db, empty_client, best):
    ingest_records(db.engine, records([SEEDS]))
    with db.engine.begin() as conn:
        # The 2016 order names Hmeimim and Tartus as retained; one article's link to ``best`` is the strongest.
        event_id = conn.execute(text("SELECT id FROM event WHERE date = '2016-03-14'")).scalar_one()
        conn.execute(text("UPDATE event_base SET confidence = 0.5 WHERE event_id = :e"), {"e": event_id})
        article_id = conn.execute(
            text(
                "SELECT MIN(article_id) FROM event_base JOIN base ON base.id = event_base.base_id "
                "WHERE event_id = :e AND base.name = :name"
            ),
            {"e": event_id, "name": best},
        ).scalar_one()
        conn.execute(
            text(
                "UPDATE event_base SET confidence = 0.9 WHERE event_id = :e AND article_id = :a "
                "AND base_id = (SELECT id FROM base WHERE name = :name)"
            ),
            {"e": event_id, "a": article_id, "name": best},
        )
    march = next(f for f in geojson(empty_client, "/events")["features"] if f["id"] == event_id)
    assert (march["properties"]["base"], march["properties"]["base_role"]) == (best, "retained")
    assert march["geometry"]["coordinates"] == {"Hmeimim": HMEIMIM, "Tartus": TARTUS}[best]
