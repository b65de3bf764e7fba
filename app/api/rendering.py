"""JSON answers serialised once, from plain data.

FastAPI answers a route that returns data by validating it against the route's ``response_model`` (building
every nested model again) and then serialising the result. The read services already build their answers in
the shape of those models (plain dicts in field order, see ``app/services/listing.py``), so the routes return
``json_response(data)`` instead: the bytes are the same (pydantic-core's serialiser, which FastAPI uses too),
and the ``response_model`` still documents the answer in OpenAPI.
"""

from typing import Any

from fastapi.responses import Response
from pydantic_core import to_json


def json_response(content: Any) -> Response:
    return Response(to_json(content), media_type="application/json")
