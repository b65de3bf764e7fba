"""Domain errors and the one place that turns every error into the common JSON body."""

import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("drawdown")


class ErrorDetail(BaseModel):
    """One problem with the request, e.g. a query parameter that failed validation."""

    location: str = Field(description="Where the problem is, e.g. `query.limit`.", examples=["query.limit"])
    message: str = Field(description="What is wrong.", examples=["Input should be less than or equal to 500"])


class ErrorInfo(BaseModel):
    """What went wrong."""

    status: int = Field(description="The HTTP status code.", examples=[404])
    code: str = Field(description="A stable, machine-readable error code.", examples=["not_found"])
    message: str = Field(description="A human-readable explanation.", examples=["Event 999 not found."])
    details: list[ErrorDetail] = Field(default_factory=list, description="Per-field problems, if any.")


class ErrorBody(BaseModel):
    """The body of every 4xx and 5xx response."""

    error: ErrorInfo = Field(description="The error.")


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: list[ErrorDetail] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class NotFound(DomainError):
    status = 404
    code = "not_found"


class InvalidParameter(DomainError):
    status = 422
    code = "invalid_parameter"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotAcceptable(DomainError):
    status = 406
    code = "not_acceptable"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


def error_response(status: int, code: str, message: str, details: list[ErrorDetail] | None = None) -> JSONResponse:
    body = ErrorBody(error=ErrorInfo(status=status, code=code, message=message, details=details or []))
    return JSONResponse(status_code=status, content=jsonable_encoder(body))


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_parameter",
    429: "too_many_requests",
}

ERROR_RESPONSES = {
    404: {"model": ErrorBody, "description": "Not found."},
    422: {"model": ErrorBody, "description": "A parameter is invalid."},
    406: {"model": ErrorBody, "description": "The Accept header asks for a format this endpoint cannot produce."},
    401: {"model": ErrorBody, "description": "No API key was sent."},
    403: {"model": ErrorBody, "description": "The API key is not valid."},
    409: {"model": ErrorBody, "description": "The change conflicts with another article."},
    413: {"model": ErrorBody, "description": "The request body is over the size limit."},
    415: {"model": ErrorBody, "description": "The body is not JSON."},
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_request: Request, exc: DomainError) -> JSONResponse:
        response = error_response(exc.status, exc.code, exc.message, exc.details)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="drawdown"'
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            ErrorDetail(location=".".join(str(p) for p in err.get("loc", ())), message=err.get("msg", "invalid"))
            for err in exc.errors()
        ]
        summary = "; ".join(f"{d.location}: {d.message}" for d in details) or "Invalid request."
        return error_response(422, "invalid_parameter", summary, details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        if exc.status_code == 404 and message == "Not Found":
            message = "No such endpoint."
        if exc.status_code == 400 and message == "There was an error parsing the body":
            message = "The body could not be parsed: send UTF-8 encoded JSON."
        response = error_response(exc.status_code, _HTTP_CODES.get(exc.status_code, "error"), message)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_response(500, "internal_error", "Internal server error.")
