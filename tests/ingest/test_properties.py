"""Property-based tests of the pipeline (hypothesis): no input makes it raise, and every piece of evidence
indexes the clean text it is stored with."""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ingest.pipeline import extract
from app.ingest.types import RawArticle
from app.knowledge import load_knowledge

KNOWLEDGE = load_knowledge()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Words the pipeline reacts to, so that generated texts reach the entity and event stages.
VOCABULARY = [
    "Putin",
    "Vladimir",
    "ordered",
    "withdrawal",
    "of",
    "Russian",
    "forces",
    "from",
    "Syria",
    "Hmeimim",
    "Hmeymim",
    "Tartus",
    "on",
    "Monday",
    "March",
    "14",
    "2016",
    "Dec.",
    "11,",
    "2017",
    "Shoigu",
    "said",
    ".",
    "the",
    "troops",
    "Kremlin",
    "Assad",
    "base",
    "Mr",
    "President",
    "Defence",
    "Minister",
    "MOSCOW,",
    "(Reuters)",
    "-",
    "\n",
    "\n\n",
    '"',
    "'s",
    "I",
    "order",
    "pull",
    "out",
    "Trump",
    "U.S.",
    "23",
    "warplanes",
    "Share",
    "Comments",
    "Photo:",
    "AFP",
    "\u00a0",
    "\u200b",
    "Н",
    "ο",
    "\u2019",
    "\u201c",
    "\ufb01",
]
texts = st.one_of(
    st.text(max_size=3000),
    st.lists(st.sampled_from(VOCABULARY), max_size=400).map(" ".join),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=500),
    st.just(""),
    st.text(alphabet=" \t\n\r\u00a0\u2028\u2029\u200b", max_size=200),
    st.builds(lambda w, n: (w + " ") * n, st.sampled_from(VOCABULARY), st.integers(1, 20_000)),
)
fragments = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<div>",
                "<br>",
                "<script>x()</script>",
                "<!--",
                "-->",
                "<a href='",
                "&amp;",
                "&#0;",
                "<",
                ">",
            ]
        ),
        st.lists(st.sampled_from(VOCABULARY), max_size=30).map(" ".join),
        st.text(max_size=50),
    ),
    max_size=80,
).map("".join)
published = st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))


def check(extraction) -> None:
    text = extraction.clean.text
    evidences = [link.evidence for link in extraction.actors + extraction.bases]
    for event in extraction.events:
        evidences.append(event.evidence)
        evidences += [p.evidence for p in event.actors + event.bases]
    for evidence in evidences:
        assert 0 <= evidence.start <= evidence.end <= len(text)
        assert text[evidence.start : evidence.end] == evidence.sentence
        assert 0 <= evidence.confidence <= 1
    assert len(extraction.content_hash) == 64


@SETTINGS
@given(text=texts, day=published)
def test_any_text_extracts_without_error_and_evidence_indexes_the_clean_text(text, day):
    check(extract(RawArticle(text=text, published_at=day, source="hypothesis"), KNOWLEDGE))


@SETTINGS
@given(html=fragments, day=published)
def test_any_html_extracts_without_error(html, day):
    check(extract(RawArticle(html=html, published_at=day, source="hypothesis"), KNOWLEDGE))


@settings(max_examples=20, deadline=None)
@given(line=st.text(min_size=1, max_size=20).map(lambda s: s * 10_000))
def test_huge_single_lines_are_handled(line):
    check(extract(RawArticle(text=line, source="hypothesis"), KNOWLEDGE))
