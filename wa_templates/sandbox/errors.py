"""Errors as 8x8 answers them: an HTTP status and a `{code, message, errorId, timestamp}` body.

Codes come from 8x8's api-error-codes.md. Where 8x8 documents no code for a situation (the
hourly creation limit, the template count limit, a duplicate name + language) the sandbox picks
the nearest documented one; the README's error table lists every choice.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from starlette.responses import JSONResponse

INVALID_PARAMETER = 1000
ILLEGAL_SUBACCOUNT = 1001
ALREADY_EXISTS = 1005
LIMIT_REACHED = 1100
UNAUTHORIZED = 1200
NOT_FOUND = 1300
INTERNAL = 2000
INVALID_CONTENT_TYPE = 3010
EMPTY_TEMPLATE = 3030
NAME_LENGTH = 3031
INVALID_NAME = 3032
COMPONENT_COMBINATION = 3034
EMPTY_LANGUAGE = 3036
INVALID_LANGUAGE = 3037
TEMPLATE_NOT_FOUND = 3038
INVALID_COMPONENT_TYPE = 3039
BEING_DELETED = 3060
TOO_LARGE = 7001


class ApiError(Exception):
    """A refusal the sandbox answers with an error body instead of doing the request."""

    def __init__(
        self, status: int, code: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def timestamp(moment: datetime) -> str:
    """8x8's format: yyyy-MM-ddTHH:mm:ss.ffZ (two fractional digits, UTC)."""
    # isoformat is a third faster than strftime, which counts with a list of 12,000 items x 2.
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds")[:22] + "Z"


def error_body(code: int, message: str, moment: datetime) -> dict[str, object]:
    return {
        "code": code,
        "message": message,
        "errorId": str(uuid.uuid4()),
        "timestamp": timestamp(moment),
    }


def error_response(error: ApiError, moment: datetime) -> JSONResponse:
    return JSONResponse(
        error_body(error.code, error.message, moment),
        status_code=error.status,
        headers=error.headers,
    )


def for_status(status: int) -> ApiError:
    """An injected failure with the status it asks for and the code 8x8 pairs with it."""
    if status == 429:
        return ApiError(429, LIMIT_REACHED, "Too many requests", {"Retry-After": "1"})
    if status == 401:
        return ApiError(401, UNAUTHORIZED, "Request was not authenticated properly")
    if status == 404:
        return ApiError(404, NOT_FOUND, "Object wasn't found or is already expired")
    if status < 500:
        return ApiError(status, INVALID_PARAMETER, "Invalid parameter")
    return ApiError(status, INTERNAL, "Internal Error")
