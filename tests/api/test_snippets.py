"""A search's snippets: a short passage of each article around the words of ``q``, HTML-escaped, every match in
the passage in <mark>, as the search matched it (stemmed, prefixes, phrases), on both databases."""

import re

import pytest
from fastapi.testclient import TestClient

from app.ingest.sources import SourceRecord, to_raw
from app.main import create_app
from app.schemas import ArticleCreate
from app.services.ingest import ingest_records
from app.services.snippets import WORDS

FILLER = " ".join(
    f"Paragraph {n} of the report describes the weather, the harvest and the roads near the town in some detail."
    for n in range(12)
)
ARTICLES = {
    "title only": (
        "Quorvex convoy leaves the valley",
        "Officials said on Monday that the last vehicles had gone and that the roads were open again.",
    ),
    "stems": (
        "Ministry statement",
        "The ministry announced the withdrawal of its brigade. Soldiers were withdrawing from the northern posts, "
        "and the air base near the coast will close. Air traffic resumes next week, the base commander said.",
    ),
    "long": (
        "A long report",
        f"{FILLER} Near the border, the Zentrovan garrison began to pack. {FILLER} Much later, the Zentrovan "
        f"regiment and its Plorbic allies pulled back together. {FILLER}",
    ),
    "markup": (
        "Markup in the text",
        "Troops <b>regroup</b> & rest: the Kelvaran <unit> was moved \"south\" while 'regrouping' went on for days.",
    ),
}


@pytest.fixture
def snippets_client(db):
    summary = ingest_records(
        db.engine,
        [
            SourceRecord(name, to_raw(ArticleCreate(title=title, text=body), source=name))
            for name, (title, body) in ARTICLES.items()
        ],
    )
    assert (summary.created, summary.failed) == (len(ARTICLES), 0), summary.failures
    with TestClient(create_app(db.engine)) as client:
        yield client


def snippets(client: TestClient, q: str) -> list[str]:
    return [item["snippet"] for item in client.get("/articles", params={"q": q}).json()["items"]]


def marked(snippet: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", snippet)


def words(snippet: str) -> int:
    return len(re.findall(r"\w+", re.sub(r"</?mark>|&\w+;", " ", snippet)))


def test_a_word_found_only_in_the_title_gives_the_title(snippets_client):
    assert snippets(snippets_client, "quorvex") == ["<mark>Quorvex</mark> convoy leaves the valley"]


def test_stemmed_words_prefixes_and_phrases_are_marked_as_the_search_matched_them(snippets_client):
    [stemmed] = snippets(snippets_client, "withdraw")
    assert marked(stemmed) == ["withdrawal", "withdrawing"]
    [prefixed] = snippets(snippets_client, "withdr*")
    assert marked(prefixed) == ["withdrawal", "withdrawing"]
    [phrase] = snippets(snippets_client, '"air base" ministry')
    # The phrase where its words follow each other, not each word wherever it stands.
    assert marked(phrase) == ["ministry", "air base"]
    [either] = snippets(snippets_client, "soldiers OR brigade -quorvex")
    assert marked(either) == ["brigade", "Soldiers"]


def test_a_long_article_gives_a_short_passage_where_the_terms_are_close_together(snippets_client):
    [passage] = snippets(snippets_client, "zentrovan plorbic")
    # Zentrovan first stands alone; the passage is where both words are.
    assert marked(passage) == ["Zentrovan", "Plorbic"]
    assert passage.startswith("…") and passage.endswith("…")
    assert words(passage) <= WORDS
    assert "regiment" in passage


def test_the_passage_is_html_escaped_around_the_marks(snippets_client):
    [passage] = snippets(snippets_client, "kelvaran regroup")
    assert marked(passage) == ["regroup", "Kelvaran", "regrouping"]
    without_marks = passage.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in without_marks and ">" not in without_marks
    assert "&amp;" in passage
    assert "&lt;b&gt;" in passage or "b&gt;" not in passage  # PostgreSQL's cleaning may drop the tags themselves


def test_an_excluded_word_drops_the_article_and_is_never_marked(snippets_client):
    assert snippets(snippets_client, "troops -kelvaran") == []
    found = snippets(snippets_client, "regroup -withdrawal")
    assert found and all("withdrawal" not in marked(s) for s in found)
