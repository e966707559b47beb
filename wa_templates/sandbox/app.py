"""The sandbox as an ASGI app: 8x8's template and upload endpoints, and the admin API.

Starlette rather than FastAPI: the shapes to serve are fixed by 8x8's OpenAPI rather than
generated from models, every error must be 8x8's `{code, message, errorId, timestamp}` (FastAPI's
own 422 bodies would have to be overridden anyway), and Starlette is already a dependency.

Every API request settles the state to the sandbox clock first (reviews, locks, the rate-limit
window), then does its work in one locked load-change-save of the state file; a list with
nothing to settle only reads the state the Store keeps parsed while the file is unchanged.
"""

from __future__ import annotations

import functools
import hmac
import json
import logging
import random
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from wa_templates.errors import WaError
from wa_templates.sandbox import errors as codes
from wa_templates.sandbox import operations, uploads
from wa_templates.sandbox.errors import ApiError, error_response
from wa_templates.sandbox.faults import FaultInjector
from wa_templates.sandbox.listing import ListCache, list_item
from wa_templates.sandbox.review import settle, unsettled
from wa_templates.sandbox.state import SandboxState, Store, StoredFile

log = logging.getLogger("wa_templates.sandbox")

TEMPLATES = "/api/v1/accounts/{accountId}/channels/{channelId}/templates"
UPLOADS = "/api/v1/subaccounts/{subAccountId}/files"
ADMIN = "/_sandbox"

# 8x8's OpenAPI patterns for the path parameters.
ACCOUNT_ID = re.compile(r"^[0-9A-Fa-f]{8}-?(?:[0-9A-Fa-f]{4}-?){3}[0-9A-Fa-f]{12}$")
SUBACCOUNT_ID = re.compile(r"^[A-Za-z0-9\-._&]{3,50}$")
CHANNEL_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

Endpoint = Callable[[Request], Awaitable[Response]]


def create_app(store: Store, api_key: str, rng: random.Random | None = None) -> ASGIApp:
    """The sandbox on `store`, answering requests that carry `Authorization: Bearer <api_key>`."""
    if not api_key:
        raise WaError("the sandbox needs a non-empty API key")
    key = api_key.encode()

    def authorised(request: Request) -> None:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), key):
            raise ApiError(
                401,
                codes.UNAUTHORIZED,
                "Request was not authenticated properly",
                {"WWW-Authenticate": "Bearer"},
            )

    listed = ListCache()

    def list_body(state: SandboxState, account_id: str, channel_id: str) -> Response:
        body = listed.response(state.existing_channel(account_id, channel_id))
        return Response(body, media_type="application/json")

    @_endpoint
    async def list_templates(request: Request) -> Response:
        authorised(request)
        account_id, channel_id = _channel_ids(request)
        # Most lists find nothing due: those need neither the file lock nor a write.
        with store.view() as state:
            if not unsettled(state, state.now()):
                return list_body(state, account_id, channel_id)
        with store.transaction() as state:
            settle(state, state.now())
            return list_body(state, account_id, channel_id)

    @_endpoint
    async def create_template(request: Request) -> Response:
        authorised(request)
        account_id, channel_id = _channel_ids(request)
        payload = operations.check_payload(await _json(request))
        with store.transaction() as state:
            now = state.now()
            settle(state, now)
            operations.create(state, state.channel(account_id, channel_id), payload, now)
        return JSONResponse({})

    @_endpoint
    async def delete_template(request: Request) -> Response:
        authorised(request)
        account_id, channel_id = _channel_ids(request)
        name = request.path_params["templateName"]
        with store.transaction() as state:
            now = state.now()
            settle(state, now)
            operations.delete(state.existing_channel(account_id, channel_id), name, now)
        return JSONResponse({})

    @_endpoint
    async def upload_file(request: Request) -> Response:
        authorised(request)
        subaccount = request.path_params["subAccountId"]
        if not SUBACCOUNT_ID.match(subaccount):
            raise ApiError(400, codes.ILLEGAL_SUBACCOUNT, f"Illegal SubAccountId '{subaccount}'")
        body = await _limited_body(request, uploads.MAX_UPLOAD_BYTES)
        part = uploads.parse_file_part(request.headers.get("content-type", ""), body)
        name, content_type = uploads.stored_name(part)
        token = uploads.new_token()
        try:
            uploads.write_blob(store.files_dir, name, part.data)
        except OSError as exc:
            raise ApiError(
                500, codes.INTERNAL, f"Internal Error: cannot store the file: {exc}"
            ) from None
        with store.transaction() as state:
            state.files[name] = StoredFile(
                token=token,
                content_type=content_type,
                size=len(part.data),
                subaccount_id=subaccount,
                created_at=state.now(),
            )
        return JSONResponse(
            {"fileName": name, "token": token},
            status_code=201,
            headers={
                "Location": f"/files/{name}?token={token}",
                "Cache-Control": "no-store,no-cache",
            },
        )

    @_endpoint
    async def get_file(request: Request) -> Response:
        # The token in the query is the only credential, as on 8x8. GET and HEAD, whole or one
        # byte range, as a file host answers: apply checks a cached upload with `bytes=0-0`.
        name = request.path_params["fileName"]
        stored = store.read().files.get(name)
        if stored is None or not (store.files_dir / name).is_file():
            raise ApiError(404, codes.NOT_FOUND, "Object wasn't found or is already expired")
        token = request.query_params.get("token", "")
        if not hmac.compare_digest(token.encode(), stored.token.encode()):
            raise ApiError(401, codes.UNAUTHORIZED, "Request was not authenticated properly")
        data = (store.files_dir / name).read_bytes()
        headers = {"Accept-Ranges": "bytes"}
        try:
            wanted = uploads.byte_range(request.headers.get("range"), len(data))
        except uploads.Unsatisfiable:
            headers["Content-Range"] = f"bytes */{len(data)}"
            return Response(status_code=416, headers=headers)
        if wanted is None:
            return Response(data, media_type=stored.content_type, headers=headers)
        first, last = wanted
        headers["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
        return Response(
            data[first : last + 1], 206, headers=headers, media_type=stored.content_type
        )

    # --- admin ---------------------------------------------------------------------------------

    @_endpoint
    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    @_endpoint
    async def admin_patch(request: Request) -> Response:
        authorised(request)
        account_id, channel_id = _channel_ids(request)
        body = await _json(request)
        with store.transaction() as state:
            now = state.now()
            settle(state, now)
            channel = state.existing_channel(account_id, channel_id)
            params = request.path_params
            template = operations.patch(channel, params["name"], params["language"], body, now)
            assert channel is not None  # patch raised 404 otherwise
            return JSONResponse(list_item(channel, template))

    @_endpoint
    async def admin_clock(request: Request) -> Response:
        authorised(request)
        body = await _json(request)
        with store.transaction() as state:
            now = operations.advance_clock(state, body)
            settle(state, now)
            return JSONResponse({"now": codes.timestamp(now)})

    @_endpoint
    async def admin_faults(request: Request) -> Response:
        authorised(request)
        body = await _json(request)
        with store.transaction() as state:
            faults = operations.set_faults(state, body)
            return JSONResponse(faults.model_dump())

    @_endpoint
    async def admin_reset(request: Request) -> Response:
        authorised(request)
        with store.transaction() as state:
            names = list(state.files)
            operations.reset(state)
        for name in names:
            (store.files_dir / name).unlink(missing_ok=True)
        return JSONResponse({})

    routes = [
        Route(TEMPLATES, list_templates, methods=["GET"]),
        Route(TEMPLATES, create_template, methods=["POST"]),
        Route(TEMPLATES + "/{templateName}", delete_template, methods=["DELETE"]),
        Route(UPLOADS, upload_file, methods=["POST"]),
        Route("/files/{fileName}", get_file, methods=["GET"]),
        Route(ADMIN + "/health", health, methods=["GET"]),
        Route(
            ADMIN + "/accounts/{accountId}/channels/{channelId}/templates/{name}/{language}",
            admin_patch,
            methods=["PATCH"],
        ),
        Route(ADMIN + "/clock", admin_clock, methods=["POST"]),
        Route(ADMIN + "/faults", admin_faults, methods=["PUT"]),
        Route(ADMIN + "/reset", admin_reset, methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    return FaultInjector(app, store, rng)


def _endpoint(handler: Endpoint) -> Endpoint:
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


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 404:
        error = ApiError(404, codes.NOT_FOUND, f"Not found: {request.method} {request.url.path}")
    elif status == 405:
        error = ApiError(405, codes.INVALID_PARAMETER, f"Method {request.method} not allowed")
    else:
        error = codes.for_status(status)
    return error_response(error, datetime.now(UTC))


def _channel_ids(request: Request) -> tuple[str, str]:
    account_id = request.path_params["accountId"]
    channel_id = request.path_params["channelId"]
    if not ACCOUNT_ID.match(account_id):
        raise ApiError(
            400,
            codes.INVALID_PARAMETER,
            f"Invalid parameter 'accountId': '{account_id}' is not an account id",
        )
    if not CHANNEL_ID.match(channel_id):
        raise ApiError(
            400,
            codes.INVALID_PARAMETER,
            f"Invalid parameter 'channelId': '{channel_id}' is not a channel id",
        )
    return account_id, channel_id


async def _json(request: Request) -> Any:
    body = await _limited_body(request, 10 * 1024 * 1024)
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(
            400, codes.INVALID_PARAMETER, "Invalid request: the body is not valid JSON"
        ) from None


async def _limited_body(request: Request, limit: int) -> bytes:
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
