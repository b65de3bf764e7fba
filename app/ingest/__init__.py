"""The ingest pipeline's pure stages (clean, metadata, entities, events); persistence is app.services.persist."""

EXTRACTOR_VERSION = "0.1.0"
