"""Queries and writes per resource. Routes call these with a keyword-only ``session``."""
