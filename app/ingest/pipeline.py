"""The one code path from a raw article to an Extraction, shared by the CLI ingest and POST /articles."""

import hashlib

from app.ingest import EXTRACTOR_VERSION
from app.ingest.clean import clean
from app.ingest.entities import find_mentions, link_entities, split_sentences
from app.ingest.events import extract_events
from app.ingest.metadata import extract_metadata
from app.ingest.types import Extraction, RawArticle
from app.knowledge import Knowledge, load_knowledge


def content_hash(clean_text: str) -> str:
    """Identity of an article's content: the clean text, case- and whitespace-insensitive."""
    # str.split() splits at exactly the characters regex \s matches: the same as re.sub(r"\s+", " ", text).strip().
    return hashlib.sha256(_single_spaced(clean_text).casefold().encode()).hexdigest()


def _single_spaced(text: str) -> str:
    """ " ".join(text.split()), without splitting a clean text (single spaces, paragraphs joined by blank lines)."""
    # Every white-space character but the space is unprintable, so in a printable text with no double, leading or
    # trailing space the words are already joined by single spaces. A blank line is a run of white space like one.
    joined = text.replace("\n\n", " ")
    if joined.isprintable() and "  " not in joined and joined[:1] != " " and joined[-1:] != " ":
        return joined
    return " ".join(text.split())


def extractor_version(knowledge: Knowledge) -> str:
    return f"{EXTRACTOR_VERSION}+{knowledge.digest[:8]}"


def extract(raw: RawArticle, knowledge: Knowledge | None = None) -> Extraction:
    """Run the pure stages: clean -> metadata -> entities -> events. No I/O, no database."""
    knowledge = knowledge or load_knowledge()
    doc = clean(raw, knowledge)
    metadata = extract_metadata(raw, doc, knowledge)
    sentences = split_sentences(doc.text, knowledge)
    phrases = knowledge.phrases.find(doc.text)  # names, places and cue words, for both stages
    mentions = find_mentions(doc.text, knowledge, phrases)
    actors, bases = link_entities(mentions, sentences)
    events = extract_events(doc.text, sentences, mentions, metadata, knowledge, phrases)
    return Extraction(
        raw=raw,
        clean=doc,
        metadata=metadata,
        content_hash=content_hash(doc.text),
        actors=actors,
        bases=bases,
        events=events,
        extractor_version=extractor_version(knowledge),
    )
