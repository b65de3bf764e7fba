import pytest

from tests.api.helpers import article_ids_by_seed, assert_error, event_ids_by_date

ALL = {"000", "001", "002", "003", "004"}
E1_REPORTS = {"000", "001", "003", "004"}


def seeds(client, params) -> set[str]:
    response = client.get("/articles", params=params)
    assert response.status_code == 200, response.text
    return {a["source"].rsplit("/", 1)[-1][:3] for a in response.json()["items"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ALL),
        ({"outlet": "CBC News"}, {"001"}),
        ({"outlet": "cbc news"}, {"001"}),
        ({"outlet": ["CBC News", "Sputnik"]}, {"001", "004"}),
        ({"outlet": "Nowhere Gazette"}, set()),
        ({"published_from": "2017-01-01"}, {"002"}),
        ({"published_to": "2016-03-14"}, E1_REPORTS),
        ({"published_from": "2016-03-15", "published_to": "2017-12-10"}, set()),
        ({"actor": "Dmitry Peskov"}, {"000", "003", "004"}),
        ({"actor": "peskov"}, {"000", "003", "004"}),
        ({"actor": "Sergey Lavrov"}, {"004"}),
        ({"actor": "Staffan de Mistura"}, {"001"}),
        ({"actor": "surovikin"}, {"002"}),
        ({"actor": ["putin", "obama"]}, {"001"}),
        ({"base": "Hmeynim"}, ALL),
        ({"base": "Tartous"}, {"000", "002", "003", "004"}),
        ({"base": ["tartus"], "outlet": "Sputnik"}, {"004"}),
    ],
)
def test_article_filters(client, query, expected):
    assert seeds(client, query) == expected


def test_article_filter_by_event(client):
    events = event_ids_by_date(client)
    assert seeds(client, {"event": events["2016-03-14"]}) == ALL
    assert seeds(client, {"event": events["2017-12-11"]}) == {"002"}
    assert seeds(client, {"event": [events["2016-03-14"], events["2017-12-11"]]}) == {"002"}


def test_article_list_items_carry_their_events(client):
    ids = article_ids_by_seed(client)
    items = {a["id"]: a for a in client.get("/articles").json()["items"]}
    rfe = items[ids["002"]]
    assert {(e["date"], e["relation"]) for e in rfe["events"]} == {
        ("2017-12-11", "reports"),
        ("2016-03-14", "mentions"),
    }
    for field in ("id", "title", "outlet", "url", "published_at", "language", "events"):
        assert field in rfe


def test_article_detail_has_clean_text_and_evidence_offsets_into_it(client):
    ids = article_ids_by_seed(client)
    detail = client.get(f"/articles/{ids['001']}").json()
    assert detail["title"] == "Putin orders Russian troops to start withdrawing from Syria"
    text = detail["clean_text"]
    assert "Pseudonyms will no longer be permitted" not in text
    for link in detail["events"] + detail["actors"] + detail["bases"]:
        ev = link["evidence"]
        assert text[ev["start"] : ev["end"]] == ev["sentence"]
    names = {a["name"] for a in detail["actors"]}
    assert {"Vladimir Putin", "Barack Obama", "Jeff Davis"} <= names
    assert not {"Alexei Nikolsky", "Pavel Golovkin"} & names


def test_articles_are_sorted_by_publication_date_newest_first(client):
    dates = [a["published_at"] for a in client.get("/articles").json()["items"]]
    assert dates == sorted(dates, reverse=True)


def test_unknown_article_is_a_404_with_the_common_error_body(client):
    assert_error(client.get("/articles/424242"), 404, "not_found", "Article 424242 not found.")


def test_non_numeric_article_id_is_a_422(client):
    response = client.get("/articles/abc")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["location"] == "path.article_id"
