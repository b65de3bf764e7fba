"""Full-text search objects that live beside the tables but outside the models.

SQLite: external-content FTS5 tables ``article_fts`` (title, clean_text) and ``event_fts`` (title, summary),
kept in sync with their tables by triggers. PostgreSQL: a generated ``search`` tsvector column on ``article``
and ``event`` with a GIN index. The migrations create them from the statements below; Alembic's
autogenerate is told to ignore them (``include_object``), since the models do not describe them.
"""

FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"
TS_CONFIG = "english"

# table -> (weighted columns, most important first)
SEARCHED = {"article": ("title", "clean_text"), "event": ("title", "summary")}


def sqlite_statements(table: str) -> list[str]:
    fts = f"{table}_fts"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({', '.join(SEARCHED[table])}, content='{table}', content_rowid='id', "
        f"tokenize='{FTS_TOKENIZER}')",
        *(_trigger(table, name) for name in _TRIGGER_NAMES),
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


_TRIGGER_NAMES = ("ai", "ad", "au")


def _trigger(table: str, name: str, when: str = "") -> str:
    """The trigger (ai: after insert, ad: after delete, au: after update) that keeps ``table``'s FTS5 index in step
    with it; ``when`` is an optional "WHEN ... " clause."""
    cols = SEARCHED[table]
    fts, names = f"{table}_fts", ", ".join(cols)
    insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {', '.join(f'new.{c}' for c in cols)}); "
    delete = (
        f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {', '.join(f'old.{c}' for c in cols)}); "
    )
    event, body = {
        "ai": (f"AFTER INSERT ON {table}", insert),
        "ad": (f"AFTER DELETE ON {table}", delete),
        "au": (f"AFTER UPDATE OF {names} ON {table}", delete + insert),
    }[name]
    return f"CREATE TRIGGER {fts}_{name} {event} {when}BEGIN {body}END"


def sqlite_drop_statements(table: str) -> list[str]:
    fts = f"{table}_fts"
    return [f"DROP TRIGGER IF EXISTS {fts}_{t}" for t in _TRIGGER_NAMES] + [f"DROP TABLE IF EXISTS {fts}"]


def postgresql_statements(table: str) -> list[str]:
    weighted = " || ".join(
        f"setweight(to_tsvector('{TS_CONFIG}', coalesce({c}, '')), '{w}')"
        for c, w in zip(SEARCHED[table], "AB", strict=False)
    )
    return [
        f"ALTER TABLE {table} ADD COLUMN search tsvector GENERATED ALWAYS AS ({weighted}) STORED",
        f"CREATE INDEX ix_{table}_search ON {table} USING gin (search)",
    ]


def postgresql_drop_statements(table: str) -> list[str]:
    return [f"DROP INDEX IF EXISTS ix_{table}_search", f"ALTER TABLE {table} DROP COLUMN IF EXISTS search"]


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic autogenerate filter: the search objects are managed by hand, not by the models."""
    if type_ == "table" and name and "_fts" in name:
        return False
    unmodelled = compare_to is None and bool(name)
    if type_ == "column" and unmodelled and name == "search":
        return False
    return not (type_ == "index" and unmodelled and name.endswith("_search"))


# Bulk ingest on SQLite indexes each batch of new articles with one INSERT ... SELECT instead of one trigger call
# per article: FTS5 writes out its pending index at every statement savepoint, so indexing row by row costs much
# more. While the batch's own transaction holds a row in DEFERRED_TABLE (named for the articles, it now
# covers the events too) the insert triggers stand aside; the row is deleted before the commit (and vanishes with a
# rollback), so every other writer is indexed as before.
DEFERRED_TABLE = "article_fts_deferred"
DEFER_INDEXING = f"INSERT OR IGNORE INTO {DEFERRED_TABLE} (id) VALUES (1)"
RESUME_INDEXING = f"DELETE FROM {DEFERRED_TABLE}"


def _index_rows(table: str, ids: str) -> str:
    """Index the rows of ``table`` whose ids ``ids`` (a list or a SELECT) gives, in one statement."""
    names = ", ".join(SEARCHED[table])
    return f"INSERT INTO {table}_fts(rowid, {names}) SELECT id, {names} FROM {table} WHERE id IN ({ids}) ORDER BY id"


INDEX_ARTICLES = _index_rows("article", "{ids}")  # ids: filled in by the caller


# Events go the same way, with one difference: an event can change (its title or summary) in the batch that
# created it. So while indexing is deferred, the id of each new event waits in PENDING_EVENTS; the update and
# delete triggers leave a pending event alone (it is not in the index yet), and the batch indexes its pending
# events as they are at its end (INDEX_EVENTS), then forgets them (CLEAR_PENDING_EVENTS), before the commit.
PENDING_EVENTS = "event_fts_pending"
INDEX_EVENTS = _index_rows("event", f"SELECT id FROM {PENDING_EVENTS}")
CLEAR_PENDING_EVENTS = f"DELETE FROM {PENDING_EVENTS}"
_NOT_PENDING = f"WHEN NOT EXISTS (SELECT 1 FROM {PENDING_EVENTS} WHERE id = old.id) "


def sqlite_pending_event_statements() -> list[str]:
    """The deferred indexing of new events (a migration's upgrade)."""
    return [
        f"CREATE TABLE {PENDING_EVENTS} (id INTEGER PRIMARY KEY)",
        *(f"DROP TRIGGER IF EXISTS event_fts_{name}" for name in _TRIGGER_NAMES),
        *sqlite_event_triggers(),
    ]


def sqlite_event_triggers() -> list[str]:
    """The triggers that keep ``event_fts`` in step with ``event``, deferred indexing included: a migration that
    rebuilds the event table (SQLite's way to change a column) creates them again, as they go with the old table."""
    when = {
        "ai": f"WHEN NOT EXISTS (SELECT 1 FROM {DEFERRED_TABLE}) ",
        "ad": _NOT_PENDING,
        "au": _NOT_PENDING,
    }
    return [
        *(_trigger("event", name, when[name]) for name in _TRIGGER_NAMES),
        f"CREATE TRIGGER event_fts_ai_deferred AFTER INSERT ON event WHEN EXISTS (SELECT 1 FROM {DEFERRED_TABLE}) "
        f"BEGIN INSERT OR IGNORE INTO {PENDING_EVENTS} (id) VALUES (new.id); END",
    ]


def sqlite_pending_event_drop_statements() -> list[str]:
    """Back to indexing every event in its own trigger (the migration's downgrade)."""
    return [
        "DROP TRIGGER IF EXISTS event_fts_ai_deferred",
        *(f"DROP TRIGGER IF EXISTS event_fts_{name}" for name in _TRIGGER_NAMES),
        *(_trigger("event", name) for name in _TRIGGER_NAMES),
        f"DROP TABLE IF EXISTS {PENDING_EVENTS}",
    ]


def sqlite_deferred_statements() -> list[str]:
    return [
        f"CREATE TABLE {DEFERRED_TABLE} (id INTEGER PRIMARY KEY)",
        "DROP TRIGGER IF EXISTS article_fts_ai",
        _trigger("article", "ai", f"WHEN NOT EXISTS (SELECT 1 FROM {DEFERRED_TABLE}) "),
    ]


def sqlite_deferred_drop_statements() -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS article_fts_ai",
        _trigger("article", "ai"),
        f"DROP TABLE IF EXISTS {DEFERRED_TABLE}",
    ]
