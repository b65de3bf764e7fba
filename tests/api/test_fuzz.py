"""Property-based API fuzzing with schemathesis against our own OpenAPI schema: for a bounded number of cases
per operation, with a valid key and without, no answer is a 5xx and every answer matches the schema (status
code, content type, headers and body all declared).

Schemathesis' "schema-valid data must be accepted" check is left out: some values the schema cannot express
are refused on purpose with a clear 422 (a cursor from another list, `q` without a word, `sort=relevance`
without `q`)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.ingest.sources import records
from app.main import create_app
from app.services.ingest import ingest_records
from tests.conftest import SEEDS

KEY = "fuzz-key"
CASES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def operations(db):
    ingest_records(db.engine, records([SEEDS]))
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(db.engine, api_keys=[KEY]))
    return [result.ok() for result in schema.get_all_operations()]


def fuzz(operation, headers: dict, done: list) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=CASES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)
        done.append(operation.label)

    run()


@pytest.mark.parametrize("with_key", [True, False], ids=["with-key", "without-key"])
def test_fuzz_every_operation(db, with_key):
    headers = {"X-API-Key": KEY} if with_key else {}
    done = []
    for operation in operations(db):
        fuzz(operation, headers, done)
    assert len(set(done)) >= 15, sorted(set(done))
