"""The OpenAPI document is valid, complete and honest: every operation tagged and documented, every parameter
and field described (parameters with an example), and every error answer declared with the common body."""

import pytest
from openapi_spec_validator import validate

from app import __version__


@pytest.fixture(scope="module")
def schema(client) -> dict:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_schema_is_valid_openapi_3(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")


def test_title_version_description_and_tags(schema):
    info = schema["info"]
    assert info["title"] == "Drawdown" and info["version"] == __version__
    assert "withdrawal" in info["description"]
    declared = {t["name"] for t in schema["tags"]}
    assert all(t.get("description") for t in schema["tags"])
    for path, method, operation in operations(schema):
        assert operation.get("tags") and set(operation["tags"]) <= declared, (path, method)
        assert operation.get("summary") and operation.get("description"), (path, method)


def test_every_parameter_is_described_with_an_example(schema):
    for path, _method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), (path, parameter["name"])
            has_example = "example" in parameter or "examples" in parameter or "examples" in parameter["schema"]
            assert has_example, (path, parameter["name"])


def test_every_schema_and_field_is_described(schema):
    for name, component in schema["components"]["schemas"].items():
        assert component.get("description"), name
        for field, spec in component.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field}"


def test_every_error_response_uses_the_common_error_body(schema):
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for path, method, operation in operations(schema):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/ErrorBody", (path, method, status)


def test_list_endpoints_declare_their_export_formats_and_filters(schema):
    expected = {
        "/events": {
            "date_from",
            "date_to",
            "date_precision",
            "type",
            "cameo_code",
            "actor",
            "base",
            "country",
            "article",
            "min_articles",
            "q",
            "updated_after",
            "sort",
            "limit",
            "cursor",
            "format",
        },
        "/articles": {
            "event",
            "relation",
            "actor",
            "base",
            "outlet",
            "language",
            "published_from",
            "published_to",
            "q",
            "updated_after",
            "sort",
            "limit",
            "cursor",
            "format",
        },
        "/actors": {"q", "kind", "event", "article", "sort", "limit", "cursor", "format"},
        "/bases": {"q", "kind", "country", "event", "sort", "limit", "cursor", "format"},
    }
    for path, names in expected.items():
        operation = schema["paths"][path]["get"]
        assert names <= {p["name"] for p in operation["parameters"]}, path
        content = operation["responses"]["200"]["content"]
        assert {"application/json", "text/csv", "application/x-ndjson"} <= set(content), path
