"""What every sandbox route shares: 8x8's error bodies for whatever goes wrong, the path checks
8x8's OpenAPI makes, and bodies read with a size limit."""

from __future__ import annotations

import functools
import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from wa_templates.errors import WaError
from wa_templates.sandbox import errors as codes
from wa_templates.sandbox.errors import ApiError, error_response

log = logging.getLogger("wa_templates.sandbox")

# 8x8's OpenAPI patterns for the path parameters.
ACCOUNT_ID = re.compile(r"^[0-9A-Fa-f]{8}-?(?:[0-9A-Fa-f]{4}-?){3}[0-9A-Fa-f]{12}$")
SUBACCOUNT_ID = re.compile(r"^[A-Za-z0-9\-._&]{3,50}$")
CHANNEL_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
JSON_LIMIT = 10 * 1024 * 1024

Endpoint = Callable[[Request], Awaitable[Response]]


def endpoint(handler: Endpoint) -> Endpoint:
    """Errors become 8x8 error bodies; nothing escapes as a traceback to the client."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as exc:
            return error_response(exc, datetime.now(UTC))
        except WaError as exc:  # an unreadable or unwritable state file
            return error_response(
                ApiError(500, codes.INTERNAL, f"Internal Error: {exc}"), datetime.now(UTC)
            )
        except Exception:
            log.exception("sandbox: unexpected error on %s %s", request.method, request.url.path)
            return error_response(
                ApiError(500, codes.INTERNAL, "Internal Error"), datetime.now(UTC)
            )

    return wrapped


async def http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 404:
        error = ApiError(404, codes.NOT_FOUND, f"Not found: {request.method} {request.url.path}")
    elif status == 405:
        error = ApiError(405, codes.INVALID_PARAMETER, f"Method {request.method} not allowed")
    else:
        error = codes.for_status(status)
    return error_response(error, datetime.now(UTC))


def account_id_of(request: Request) -> str:
    account_id: str = request.path_params["accountId"]
    if not ACCOUNT_ID.match(account_id):
        raise ApiError(
            400,
            codes.INVALID_PARAMETER,
            f"Invalid parameter 'accountId': '{account_id}' is not an account id",
        )
    return account_id


def channel_ids(request: Request) -> tuple[str, str]:
    account_id = account_id_of(request)
    channel_id = request.path_params["channelId"]
    if not CHANNEL_ID.match(channel_id):
        raise ApiError(
            400,
            codes.INVALID_PARAMETER,
            f"Invalid parameter 'channelId': '{channel_id}' is not a channel id",
        )
    return account_id, channel_id


async def read_json(request: Request) -> Any:
    body = await limited_body(request, JSON_LIMIT)
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(
            400, codes.INVALID_PARAMETER, "Invalid request: the body is not valid JSON"
        ) from None


async def limited_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413, codes.TOO_LARGE, f"Request size must not exceed {limit // (1024 * 1024)} MB"
    )


def bearer_check(api_key: str) -> Callable[[Request], None]:
    """A check that a request carries `Authorization: Bearer <api_key>` (401 code 1200 if not)."""
    if not api_key:
        raise WaError("the sandbox needs a non-empty API key")
    key = api_key.encode()

    def check(request: Request) -> None:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), key):
            raise ApiError(
                401,
                codes.UNAUTHORIZED,
                "Request was not authenticated properly",
                {"WWW-Authenticate": "Bearer"},
            )

    return check
