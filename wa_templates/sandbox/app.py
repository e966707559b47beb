"""The sandbox as an ASGI app: 8x8's template, upload and Webhook Configuration endpoints, and
the admin API (admin.py).

Starlette rather than FastAPI: the shapes to serve are fixed by 8x8's OpenAPI rather than
generated from models, every error must be 8x8's `{code, message, errorId, timestamp}` (FastAPI's
own 422 bodies would have to be overridden anyway), and Starlette is already a dependency.

Every API request settles the state to the sandbox clock first (reviews, pauses, locks, the
rate-limit window), then does its work in one locked load-change-save of the state file; a list
with nothing to settle only reads the state the Store keeps parsed while the file is unchanged.
Changes queue webhook events in the state file; `notify` tells a delivery worker to look.
"""

from __future__ import annotations

import hmac
import random
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from wa_templates.sandbox import errors as codes
from wa_templates.sandbox import operations, uploads, webhook_config
from wa_templates.sandbox.admin import admin_routes
from wa_templates.sandbox.endpoints import (
    SUBACCOUNT_ID,
    account_id_of,
    bearer_check,
    channel_ids,
    endpoint,
    http_error,
    limited_body,
    read_json,
)
from wa_templates.sandbox.errors import ApiError
from wa_templates.sandbox.faults import FaultInjector
from wa_templates.sandbox.lifecycle import settle, unsettled
from wa_templates.sandbox.listing import ListCache
from wa_templates.sandbox.outbox import Report, Sender
from wa_templates.sandbox.state import SandboxState, Store, StoredFile
from wa_templates.sandbox.worker import catch_up

TEMPLATES = "/api/v1/accounts/{accountId}/channels/{channelId}/templates"
UPLOADS = "/api/v1/subaccounts/{subAccountId}/files"
WEBHOOKS = "/api/v1/accounts/{accountId}/webhooks"


def create_app(
    store: Store,
    api_key: str,
    rng: random.Random | None = None,
    *,
    notify: Callable[[], None] | None = None,
    deliver: Callable[[], Report] | None = None,
) -> ASGIApp:
    """The sandbox on `store`, answering requests that carry `Authorization: Bearer <api_key>`.

    `notify` is called after every change (a delivery worker's wake-up); `deliver` serves
    `POST /_sandbox/webhooks/deliver` (by default a sender made for the one call).
    """
    authorised = bearer_check(api_key)

    def changed() -> None:
        if notify is not None:
            notify()

    listed = ListCache()

    def list_body(state: SandboxState, account_id: str, channel_id: str) -> Response:
        channel = state.existing_channel(account_id, channel_id)
        body = listed.response(channel, extras=state.config.list_extras)
        return Response(body, media_type="application/json")

    @endpoint
    async def list_templates(request: Request) -> Response:
        authorised(request)
        account_id, channel_id = channel_ids(request)
        # Most lists find nothing due: those need neither the file lock nor a write.
        with store.view() as state:
            if not unsettled(state, state.now()):
                return list_body(state, account_id, channel_id)
        try:
            with store.transaction() as state:
                settle(state, state.now())
                return list_body(state, account_id, channel_id)
        finally:
            changed()

    @endpoint
    async def create_template(request: Request) -> Response:
        authorised(request)
        account_id, channel_id = channel_ids(request)
        payload = operations.check_payload(await read_json(request))
        with store.transaction() as state:
            now = state.now()
            settle(state, now)
            operations.create(state, state.channel(account_id, channel_id), payload, now)
        changed()
        return JSONResponse({})

    @endpoint
    async def delete_template(request: Request) -> Response:
        authorised(request)
        account_id, channel_id = channel_ids(request)
        name = request.path_params["templateName"]
        with store.transaction() as state:
            now = state.now()
            settle(state, now)
            operations.delete(state, state.existing_channel(account_id, channel_id), name, now)
        changed()
        return JSONResponse({})

    @endpoint
    async def upload_file(request: Request) -> Response:
        authorised(request)
        subaccount = request.path_params["subAccountId"]
        if not SUBACCOUNT_ID.match(subaccount):
            raise ApiError(400, codes.ILLEGAL_SUBACCOUNT, f"Illegal SubAccountId '{subaccount}'")
        body = await limited_body(request, uploads.MAX_UPLOAD_BYTES)
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

    @endpoint
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

    # --- Webhook Configuration API -------------------------------------------------------------

    @endpoint
    async def webhooks(request: Request) -> Response:
        authorised(request)
        account_id = account_id_of(request)
        if request.method == "GET":
            with store.view() as state:
                return JSONResponse(webhook_config.listed(state, account_id))
        body = await read_json(request)
        with store.transaction() as state:
            if request.method == "POST":
                webhook_config.replace(state, account_id, body)
            else:
                webhook_config.remove(state, account_id, body)
        return Response(status_code=200)

    def deliver_once() -> Report:
        sender = Sender()
        try:
            return catch_up(store, sender)
        finally:
            sender.close()

    routes = [
        Route(TEMPLATES, list_templates, methods=["GET"]),
        Route(TEMPLATES, create_template, methods=["POST"]),
        Route(TEMPLATES + "/{templateName}", delete_template, methods=["DELETE"]),
        Route(UPLOADS, upload_file, methods=["POST"]),
        Route("/files/{fileName}", get_file, methods=["GET"]),
        Route(WEBHOOKS, webhooks, methods=["GET", "POST", "DELETE"]),
        *admin_routes(store, authorised, changed, deliver or deliver_once),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    return FaultInjector(app, store, rng)
