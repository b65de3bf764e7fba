import pytest

from tests.api.helpers import assert_error, entity_id


def names(client, path, params=None) -> set[str]:
    response = client.get(path, params=params or {})
    assert response.status_code == 200, response.text
    return {item["name"] for item in response.json()["items"]}


def test_actors_list_has_canonical_actors_with_aliases(client):
    items = {a["name"]: a for a in client.get("/actors", params={"limit": 500}).json()["items"]}
    assert "Putin" in items["Vladimir Putin"]["aliases"]
    assert items["Vladimir Putin"]["kind"] == "person"
    assert items["Kremlin"]["kind"] == "organisation"
    assert items["Islamic State"]["kind"] == "armed_group"


@pytest.mark.parametrize(
    ("params", "included", "excluded"),
    [
        ({"kind": "person"}, {"Vladimir Putin", "Jeff Davis", "Rob Manning"}, {"Kremlin", "Russia"}),
        ({"kind": "organisation"}, {"Kremlin", "Pentagon"}, {"Vladimir Putin"}),
        ({"kind": "state"}, {"Russia", "Syria"}, {"Kremlin"}),
        ({"kind": ["state", "armed_group"]}, {"Russia", "Islamic State"}, {"Kremlin"}),
    ],
)
def test_actor_kind_filter(client, params, included, excluded):
    found = names(client, "/actors", {**params, "limit": 500})
    assert included <= found
    assert not excluded & found


def test_actor_detail_lists_events_with_roles(client):
    putin = entity_id(client, "/actors", "Vladimir Putin")
    detail = client.get(f"/actors/{putin}").json()
    assert detail["article_count"] == 5
    assert {(e["date"], e["role"]) for e in detail["events"]} >= {
        ("2016-03-14", "ordered_by"),
        ("2017-12-11", "ordered_by"),
    }


def test_bases_list_and_detail(client):
    items = {b["name"]: b for b in client.get("/bases").json()["items"]}
    assert set(items) == {"Hmeimim", "Tartus"}
    hmeimim = items["Hmeimim"]
    assert (hmeimim["kind"], hmeimim["province"], hmeimim["country"]) == ("air_base", "Latakia", "Syria")
    assert hmeimim["latitude"] == pytest.approx(35.40, abs=0.05)
    assert items["Tartus"]["kind"] == "naval_facility"
    detail = client.get(f"/bases/{hmeimim['id']}").json()
    assert {e["role"] for e in detail["events"]} >= {"venue", "retained"}
    assert detail["article_count"] == 5


def test_base_kind_filter(client):
    assert names(client, "/bases", {"kind": "naval_facility"}) == {"Tartus"}


def test_unknown_actor_and_base_are_404s(client):
    assert_error(client.get("/actors/987654"), 404, "not_found", "Actor 987654 not found.")
    assert_error(client.get("/bases/987654"), 404, "not_found", "Base 987654 not found.")


def test_unknown_actor_kind_is_a_422(client):
    assert client.get("/actors", params={"kind": "planet"}).status_code == 422
