"""The ingest pipeline: pure stages (clean, metadata, entities, events) and one persistence step."""

EXTRACTOR_VERSION = "0.1.0"
