"""Every filter and sort of the list endpoints, as query -> expected rows, on a library of 29 articles
(the five seeds and the labelled test corpus), on SQLite and PostgreSQL.

Rows are named, not numbered: events by their date, articles by the number their file name starts with.
"""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.ingest.sources import records
from app.main import create_app
from app.services.ingest import ingest_records
from tests.api.helpers import assert_error
from tests.conftest import BACKENDS, CORPUS, SEEDS, fresh_database

E2016, E2017, E2018, E2021, E2022 = (
    "2016-03-14",
    "2017-12-11",
    "2018-12-19",
    "2021-04-14",
    "2022-11-09",
)
ALL_EVENTS = {E2016, E2017, E2018, E2021, E2022}


@pytest.fixture(scope="module", params=BACKENDS)
def library(request, tmp_path_factory, sqlite_template, pg_migrated_template) -> Iterator[TestClient]:
    for database in fresh_database(
        request.param, tmp_path_factory.mktemp("library"), sqlite_template, pg_migrated_template
    ):
        summary = ingest_records(database.engine, records([SEEDS, CORPUS / "articles"]))
        assert (summary.created, summary.failed) == (29, 0), summary.failures
        with TestClient(create_app(database.engine)) as client:
            yield client


def key(article: dict) -> str:
    return article["source"].rsplit("/", 1)[-1].split("_", 1)[0]


def walk(client: TestClient, path: str, params: dict) -> list[dict]:
    """Every row of a list, following `next` (small pages, so that paging is exercised too)."""
    rows, cursor = [], None
    while True:
        response = client.get(path, params={**params, "limit": 7, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.text
        body = response.json()
        rows += body["items"]
        cursor = body["next"]
        if cursor is None:
            assert body["total"] == len(rows)
            return rows


def event_dates(client, params, path="/events") -> list[str]:
    return [e["date"] for e in walk(client, path, params)]


def article_keys(client, params, path="/articles") -> list[str]:
    return [key(a) for a in walk(client, path, params)]


def ids(client) -> tuple[dict[str, int], dict[str, int]]:
    events = {e["date"]: e["id"] for e in walk(client, "/events", {})}
    articles = {key(a): a["id"] for a in walk(client, "/articles", {})}
    return events, articles


# --- /events ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ALL_EVENTS),
        ({"date_from": "2018-01-01"}, {E2018, E2021, E2022}),
        ({"date_to": "2016-12-31"}, {E2016}),
        ({"date_from": "2017-01-01", "date_to": "2019-01-01"}, {E2017, E2018}),
        ({"type": "withdrawal_order"}, ALL_EVENTS),
        ({"type": "ceasefire"}, set()),
        ({"cameo_code": "0874"}, ALL_EVENTS),
        ({"cameo_code": ["0874", "1041"]}, ALL_EVENTS),
        ({"cameo_code": "1041"}, set()),
        ({"actor": "putin"}, {E2016, E2017}),
        ({"actor": "Donald J. Trump"}, {E2018}),
        ({"actor": "trump"}, {E2018}),
        ({"actor": "Shoygu"}, {E2016, E2017, E2022}),
        ({"actor": ["putin", "shoigu"]}, {E2016, E2017}),
        ({"actor": ["trump", "putin"]}, set()),
        ({"base": "Hmeymim"}, {E2016, E2017}),
        ({"base": "Khmeimim"}, {E2016, E2017}),
        ({"base": "no such base"}, set()),
        ({"country": "Syria"}, {E2016, E2017, E2018}),
        ({"country": "syria"}, {E2016, E2017, E2018}),
        ({"country": ["Ukraine", "Afghanistan"]}, {E2021, E2022}),
        ({"forces_of": "united states"}, {E2018, E2021}),
        ({"forces_of": "Russia", "country": "Syria"}, {E2016, E2017}),
        ({"min_articles": 3}, {E2016, E2017, E2018, E2022}),
        ({"min_articles": 5}, {E2016, E2017}),
        ({"min_articles": 100}, set()),
        ({"q": "Afghanistan"}, {E2021}),
        ({"q": "trump OR biden"}, {E2018, E2021}),
        ({"q": "withdrawal -russian"}, {E2018, E2021}),
        ({"q": '"Russian forces from Syria"'}, {E2016, E2017}),
        ({"q": "afghan*"}, {E2021}),
        ({"q": "zzzunknownword"}, set()),
        ({"updated_after": "2000-01-01T00:00:00Z"}, ALL_EVENTS),
        ({"updated_after": "2999-01-01T00:00:00"}, set()),
        ({"actor": "putin", "date_from": "2017-01-01", "min_articles": 2}, {E2017}),
    ],
)
def test_event_filters(library, params, expected):
    assert set(event_dates(library, params)) == expected


def test_event_filter_by_article_means_every_article_given(library):
    _events, articles = ids(library)
    # "06" (AP, Dec 2017) reports the 2017 visit and recalls the 2016 order; "08" (SANA) only reports 2017.
    assert set(event_dates(library, {"article": articles["06"]})) == {E2016, E2017}
    assert set(event_dates(library, {"article": [articles["06"], articles["08"]]})) == {E2017}
    assert set(event_dates(library, {"article": [articles["06"], articles["12"]]})) == set()  # no event in common


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (None, [E2022, E2021, E2018, E2017, E2016]),
        ("-date", [E2022, E2021, E2018, E2017, E2016]),
        ("date", [E2016, E2017, E2018, E2021, E2022]),
    ],
)
def test_event_sorts_by_date(library, sort, expected):
    assert event_dates(library, {"sort": sort} if sort else {}) == expected


def test_event_sort_by_articles_breaks_ties_by_id(library):
    rows = walk(library, "/events", {"sort": "-articles"})
    assert [(r["article_count"], r["id"]) for r in rows] == sorted(
        ((r["article_count"], r["id"]) for r in rows), reverse=True
    )
    ascending = walk(library, "/events", {"sort": "articles"})
    assert [r["id"] for r in ascending] == [r["id"] for r in reversed(rows)]
    assert rows[0]["date"] == E2016


def test_event_relevance_is_the_default_with_q_and_puts_the_best_match_first(library):
    rows = walk(library, "/events", {"q": "Afghanistan OR Syria"})
    assert {r["date"] for r in rows} == {E2016, E2017, E2018, E2021}
    explicit = walk(library, "/events", {"q": "Afghanistan OR Syria", "sort": "relevance"})
    assert [r["id"] for r in rows] == [r["id"] for r in explicit]
    by_date = walk(library, "/events", {"q": "Afghanistan OR Syria", "sort": "date"})
    assert [r["date"] for r in by_date] == sorted(r["date"] for r in rows)


# --- /articles -------------------------------------------------------------------------------------------

SEED_KEYS = {"000", "001", "002", "003", "004"}
MARCH_2016 = {"000", "001", "003", "004", "01", "02", "03", "04", "05"}
DEC_2017 = {"002", "06", "08", "09", "23"}
# Articles with no publication date that report the events all the same (matched by forces, country, orderer).
UNDATED_REPORTS = {"E2016": {"22"}, "E2017": {"07"}}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"relation": "mentions"}, {"002", "06", "09", "10", "11", "23"}),
        ({"outlet": "CBC News"}, {"001"}),
        ({"outlet": "cbc news"}, {"001"}),
        ({"outlet": ["Reuters", "BBC News"]}, {"01", "02"}),
        ({"outlet": "Nobody Times"}, set()),
        ({"language": "en", "published_from": "2022-01-01"}, {"15", "16", "17"}),
        ({"language": "fr"}, set()),
        ({"published_from": "2017-12-11", "published_to": "2017-12-11"}, DEC_2017),
        ({"published_to": "2016-03-14"}, MARCH_2016 - {"03"}),
        ({"actor": "Surovikin"}, {"002", "06", "07", "09", "15", "16", "17", "23"}),
        ({"actor": ["putin", "assad"], "published_from": "2017-12-11", "published_to": "2017-12-31"}, None),
        ({"base": "Tartous", "published_to": "2016-12-31"}, None),
        ({"q": "Kherson"}, {"15", "16", "17"}),
        ({"q": "Kherson Kadyrov"}, {"17"}),
        ({"q": "Mattis resign*"}, {"14"}),
        ({"q": "zzzunknownword"}, set()),
        ({"updated_after": "2999-01-01T00:00:00+00:00"}, set()),
    ],
)
def test_article_filters(library, params, expected):
    found = set(article_keys(library, params))
    if expected is None:  # a combination: checked against each filter alone
        parts = [set(article_keys(library, {k: v})) for k, v in params.items()]
        expected = set.intersection(*parts)
        assert expected and all(expected < part or expected == part for part in parts)
    assert found == expected


def test_article_filter_by_event_and_relation(library):
    events, _articles = ids(library)
    assert set(article_keys(library, {"event": events[E2017]})) == DEC_2017 | UNDATED_REPORTS["E2017"]
    reports_2016 = set(article_keys(library, {"event": events[E2016], "relation": "reports"}))
    mentions_2016 = set(article_keys(library, {"event": events[E2016], "relation": "mentions"}))
    assert reports_2016 == MARCH_2016 | UNDATED_REPORTS["E2016"]
    assert mentions_2016 == {"002", "06", "09", "10", "11", "23"}
    assert set(article_keys(library, {"event": [events[E2016], events[E2017]]})) == {"002", "06", "09", "23"}
    assert set(article_keys(library, {"event": [events[E2016], events[E2017]], "relation": "reports"})) == set()


def test_articles_sort_newest_first_undated_last_and_oldest_first_undated_first(library):
    rows = walk(library, "/articles", {})
    dated = [r["published_at"] for r in rows if r["published_at"]]
    assert dated == sorted(dated, reverse=True)
    assert {key(r) for r in rows[-2:]} == {"07", "22"} and rows[-1]["published_at"] is None
    ascending = walk(library, "/articles", {"sort": "published"})
    assert [r["id"] for r in ascending] == [r["id"] for r in reversed(rows)]
    same_day = [r["id"] for r in rows if r["published_at"] == "2016-03-14"]
    assert same_day == sorted(same_day, reverse=True)


def test_article_search_is_ranked_with_highlighted_snippets(library):
    rows = walk(library, "/articles", {"q": "Hmeimim"})
    assert rows and key(rows[0]) == "18"  # the one article with Hmeimim in its title
    for row in rows:
        assert "<mark>" in row["snippet"], row["snippet"]
    plain = library.get("/articles", params={"limit": 1}).json()["items"][0]
    assert plain["snippet"] is None


def test_search_stems_and_ignores_case(library):
    assert set(article_keys(library, {"q": "WITHDRAWING kherson"})) == set(
        article_keys(library, {"q": "withdraw Kherson"})
    )


# --- /actors and /bases ----------------------------------------------------------------------------------


def names(client, path, params) -> list[str]:
    return [r["name"] for r in walk(client, path, params)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "shoi"}, {"Sergei Shoigu"}),
        ({"q": "Shoygu"}, {"Sergei Shoigu"}),
        ({"q": "al asad"}, set()),
        ({"q": "bashar al-a"}, {"Bashar al-Assad"}),
        ({"q": "putin", "kind": "person"}, {"Vladimir Putin"}),
        ({"q": "putin", "kind": "state"}, set()),
        ({"q": "Kreml"}, {"Kremlin"}),
    ],
)
def test_actor_filters(library, params, expected):
    assert set(names(library, "/actors", params)) == expected


def test_actor_filters_by_event_article_and_kind(library):
    events, articles = ids(library)
    in_2017 = set(names(library, "/actors", {"event": events[E2017]}))
    assert {"Vladimir Putin", "Sergei Surovikin", "Bashar al-Assad"} <= in_2017
    both = set(names(library, "/actors", {"event": [events[E2016], events[E2017]]}))
    assert "Vladimir Putin" in both and "Sergei Surovikin" not in both and both < in_2017
    in_cbc = set(names(library, "/actors", {"article": articles["001"]}))
    assert "Vladimir Putin" in in_cbc
    people = names(library, "/actors", {"kind": "person"})
    states = names(library, "/actors", {"kind": "state"})
    assert people and states and not set(people) & set(states)


def test_actor_sorts(library):
    ascending = names(library, "/actors", {})
    assert ascending == sorted(ascending)
    assert names(library, "/actors", {"sort": "-name"}) == list(reversed(ascending))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Hmeimim", "Tartus", "al-Tanf"}),
        ({"q": "hme"}, {"Hmeimim"}),
        ({"q": "Khmeim"}, {"Hmeimim"}),
        ({"q": "tart"}, {"Tartus"}),
        ({"kind": "naval_facility"}, {"Tartus"}),
        ({"kind": ["air_base", "garrison"]}, {"Hmeimim", "al-Tanf"}),
        ({"country": "syria"}, {"Hmeimim", "Tartus", "al-Tanf"}),
        ({"country": "Russia"}, set()),
    ],
)
def test_base_filters(library, params, expected):
    assert set(names(library, "/bases", params)) == expected


def test_base_filter_by_event_and_sorts(library):
    events, _ = ids(library)
    assert set(names(library, "/bases", {"event": events[E2017]})) >= {"Hmeimim"}
    assert set(names(library, "/bases", {"event": events[E2022]})) == set()
    assert names(library, "/bases", {"sort": "-name"}) == list(reversed(names(library, "/bases", {})))


# --- sub-collections -------------------------------------------------------------------------------------


def test_sub_collections_match_the_filtered_top_level_lists(library):
    events, articles = ids(library)
    putin = next(a["id"] for a in walk(library, "/actors", {"q": "vladimir putin"}))
    hmeimim = next(b["id"] for b in walk(library, "/bases", {"q": "hmeimim"}))
    pairs = [
        (f"/events/{events[E2016]}/articles", "/articles", {"event": events[E2016]}),
        (f"/articles/{articles['06']}/events", "/events", {"article": articles["06"]}),
        (f"/actors/{putin}/events", "/events", {"actor": putin}),
        (f"/bases/{hmeimim}/events", "/events", {"base": hmeimim}),
    ]
    for sub, top, params in pairs:
        assert [r["id"] for r in walk(library, sub, {})] == [r["id"] for r in walk(library, top, params)]
    mentions = walk(library, f"/events/{events[E2016]}/articles", {"relation": "mentions", "sort": "published"})
    assert {key(r) for r in mentions} == {"002", "06", "09", "10", "11", "23"}
    dates = [r["published_at"] for r in mentions]
    assert dates == sorted(dates)


@pytest.mark.parametrize("path", ["/events/999999/articles", "/articles/999999/events", "/actors/999999/events"])
def test_sub_collection_of_a_missing_parent_is_a_404(library, path):
    kind = path.split("/")[1].rstrip("s").capitalize()
    assert_error(library.get(path), 404, "not_found", f"{kind} 999999 not found.")


# --- errors ----------------------------------------------------------------------------------------------


def test_relevance_without_q_is_a_422(library):
    for path in ("/events", "/articles"):
        assert_error(
            library.get(path, params={"sort": "relevance"}),
            422,
            "invalid_parameter",
            "sort=relevance needs a full-text query: add q=...",
        )


def test_unknown_sort_is_a_422_naming_the_choices(library):
    response = library.get("/events", params={"sort": "title"})
    assert_error(
        response,
        422,
        "invalid_parameter",
        "query.sort: Input should be '-date', 'date', '-articles', 'articles' or 'relevance'",
    )
    assert response.json()["error"]["details"] == [
        {"location": "query.sort", "message": "Input should be '-date', 'date', '-articles', 'articles' or 'relevance'"}
    ]


def test_q_without_a_searchable_word_is_a_422(library):
    assert_error(
        library.get("/articles", params={"q": '-putin "" ***'}),
        422,
        "invalid_parameter",
        "q has no word to search for: give at least one word that is not excluded.",
    )


def test_cursor_of_another_sort_is_refused(library):
    cursor = library.get("/events", params={"limit": 1}).json()["next"]
    assert_error(
        library.get("/events", params={"limit": 1, "cursor": cursor, "sort": "date"}),
        422,
        "invalid_parameter",
        "Invalid cursor: pass the 'next' value of a previous page unchanged, with the same sort.",
    )


def test_bad_filter_values_are_422s(library):
    assert_error(
        library.get("/events", params={"min_articles": -1}),
        422,
        "invalid_parameter",
        "query.min_articles: Input should be greater than or equal to 0",
    )
    assert_error(
        library.get("/articles", params={"relation": "cites"}),
        422,
        "invalid_parameter",
        "query.relation: Input should be 'reports' or 'mentions'",
    )
    response = library.get("/events", params={"updated_after": "yesterday"})
    assert response.status_code == 422 and response.json()["error"]["details"][0]["location"] == "query.updated_after"
