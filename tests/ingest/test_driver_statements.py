"""The statements persistence sends through the driver (DriverStatement) are what SQLAlchemy itself would send."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event

from app.models import Actor, MilitaryBase
from app.services.persist import _INSERT_ENTITY, _INSERT_EVENT, DriverStatement, _update_event

STAMP = datetime(2016, 3, 14, 17, 5, 0, tzinfo=UTC)  # no microseconds: SQLite's own adapter would drop them


def _event_row(**changes) -> dict:
    row = {
        "key": "withdrawal:russia:syria:2016-03-14",
        "type": "withdrawal",
        "cameo_code": "0874",
        "title": "Russia orders a withdrawal from Syria",
        "date": date(2016, 3, 14),
        "date_precision": "day",
        "effective_date": None,
        "place": "Hmeimim",
        "country": "Syria",
        "forces_of": "Russia",
        "summary": "Putin orders the main part of Russian forces out of Syria.",
        "ordering_actor_id": None,
        "figures": {"aircraft": 30, "note": "ünïcode"},
        "article_count": 0,
        "source_count": 0,
        "created_at": STAMP,
        "updated_at": STAMP.replace(microsecond=250),
    }
    return {**row, **changes}


def _entity_rows() -> list[tuple[type, dict]]:
    common = {"country": "Russia", "aliases": ["V. Putin", "Путин"], "created_at": STAMP, "updated_at": STAMP}
    actor = {"name": "Vladimir Putin", "kind": "person", "title": "President", "origin": "gazetteer", **common}
    base = {"name": "Hmeimim Air Base", "kind": "air_base", "province": "Latakia", "latitude": 35.4, **common}
    return [(Actor, actor), (MilitaryBase, {**base, "longitude": 35.95})]


def _sent_by_sqlalchemy(connection, statement, row) -> tuple[str, object]:
    """The SQL and parameters Connection.execute hands the driver for ``row`` (in a transaction rolled back)."""
    sent = []

    def record(_conn, _cursor, sql, parameters, _context, _executemany):
        sent.append((sql, parameters))

    savepoint = connection.begin_nested()
    event.listen(connection, "before_cursor_execute", record)
    try:
        connection.execute(statement, row)
    finally:
        event.remove(connection, "before_cursor_execute", record)
        savepoint.rollback()
    assert len(sent) == 1
    return sent[0]


def _comparable(parameters):
    """psycopg wraps a JSON value in a Json adapter, which compares by identity: compare what it wraps."""

    def unwrap(value):
        return (type(value).__name__, value.obj) if type(value).__name__ == "Json" else value

    if isinstance(parameters, dict):
        return {name: unwrap(value) for name, value in parameters.items()}
    return tuple(map(unwrap, parameters))


def _cases(dialect: str):
    yield _INSERT_EVENT[dialect], _event_row()
    yield _INSERT_EVENT[dialect], _event_row(effective_date=date(2016, 3, 15), figures={}, place=None)
    for model, row in _entity_rows():
        yield _INSERT_ENTITY[(dialect, model)], row
    update = {"event_id": 7, "new_date": date(2016, 3, 1), "new_figures": {"troops": 4000}, "new_updated_at": STAMP}
    yield _update_event(("date", "figures", "updated_at")), update


def test_driver_statements_send_what_sqlalchemy_sends(db):
    with db.engine.connect() as connection:
        dialect = connection.dialect
        for statement, row in _cases(dialect.name):
            driver = DriverStatement.of(statement, dialect, tuple(row))
            sql, parameters = _sent_by_sqlalchemy(connection, statement, row)
            assert driver.sql == sql
            assert _comparable(driver.parameters(row)) == _comparable(parameters)


def test_driver_statements_store_what_sqlalchemy_stores(db):
    """The row written through the driver reads back like the one written by Connection.execute."""
    with db.engine.connect() as connection:
        dialect = connection.dialect
        stored = []
        for via_driver in (False, True):
            row = _event_row(key=f"k{via_driver}")
            statement = _INSERT_EVENT[dialect.name]
            if via_driver:
                event_id = DriverStatement.run(connection, statement, row).scalar()
            else:
                event_id = connection.execute(statement, row).scalar()
            values = connection.exec_driver_sql(
                f"SELECT date, figures, created_at, updated_at FROM event WHERE id = {int(event_id)}"
            ).one()
            stored.append(tuple(values))
        connection.rollback()
    assert stored[0] == stored[1]


def test_a_driver_statement_refuses_a_row_without_a_value_it_needs(db):
    with db.engine.connect() as connection:
        row = _event_row()
        del row["article_count"]
        with pytest.raises(ValueError, match="article_count"):
            DriverStatement.of(_INSERT_EVENT[connection.dialect.name], connection.dialect, tuple(row))
