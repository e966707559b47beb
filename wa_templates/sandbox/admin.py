"""The admin API under /_sandbox: act as Meta or as someone in WhatsApp Manager, move the clock,
inject faults, change settings, and watch or force webhook deliveries. README.md beside this
file documents every route."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wa_templates.sandbox import account, operations
from wa_templates.sandbox import errors as codes
from wa_templates.sandbox.endpoints import account_id_of, channel_ids, endpoint, read_json
from wa_templates.sandbox.errors import timestamp
from wa_templates.sandbox.lifecycle import settle
from wa_templates.sandbox.listing import admin_item
from wa_templates.sandbox.outbox import Report
from wa_templates.sandbox.state import SandboxState, Store, apply_settings

ADMIN = "/_sandbox"
CHANNEL = ADMIN + "/accounts/{accountId}/channels/{channelId}"


def admin_routes(
    store: Store,
    check: Callable[[Request], None],
    notify: Callable[[], None],
    deliver: Callable[[], Report],
) -> list[Route]:
    """The routes; `notify` is called after a change that may have queued events, `deliver`
    settles and delivers what is due (the worker's, or a one-off sender's)."""

    @contextlib.contextmanager
    def changing() -> Iterator[tuple[SandboxState, datetime]]:
        with store.transaction() as state:
            now = state.now()
            settle(state, now)
            yield state, now
        notify()

    @endpoint
    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    @endpoint
    async def template(request: Request) -> Response:
        check(request)
        account_id, channel_id = channel_ids(request)
        body = await read_json(request) if request.method == "PATCH" else None
        params = request.path_params
        with changing() as (state, now):
            channel = state.existing_channel(account_id, channel_id)
            name, language = params["name"], params["language"]
            if request.method == "PATCH":
                found = operations.patch(state, channel, name, language, body, now)
            else:
                found = operations.existing(channel, name, language)
            assert channel is not None  # existing() raised otherwise
            return JSONResponse(admin_item(channel, found))

    @endpoint
    async def phone_number(request: Request) -> Response:
        check(request)
        account_id, channel_id = channel_ids(request)
        body = await read_json(request) if request.method == "PATCH" else None
        with changing() as (state, now):
            channel = state.channel(account_id, channel_id)
            if request.method == "PATCH":
                account.patch_phone(state, channel, body, now)
            return JSONResponse(account.phone_view(channel))

    @endpoint
    async def account_update(request: Request) -> Response:
        check(request)
        account_id = account_id_of(request)
        body = await read_json(request)
        with changing() as (state, now):
            event = account.account_update(state, account_id, body, now)
        return JSONResponse({"event": event})

    @endpoint
    async def clock(request: Request) -> Response:
        check(request)
        body = await read_json(request)
        with changing() as (state, _):
            now = operations.advance_clock(state, body)
            settle(state, now)
            return JSONResponse({"now": timestamp(now)})

    @endpoint
    async def faults(request: Request) -> Response:
        check(request)
        body = await read_json(request)
        with changing() as (state, _):
            return JSONResponse(operations.set_faults(state, body).model_dump())

    @endpoint
    async def config(request: Request) -> Response:
        check(request)
        body = await read_json(request) if request.method == "PATCH" else {}
        if not isinstance(body, dict):
            raise operations.bad_request(
                codes.INVALID_PARAMETER, "Invalid request: the body must be an object"
            )
        with changing() as (state, _):
            try:
                apply_settings(state, body)
            except ValidationError as exc:
                raise operations.invalid(exc) from None
            return JSONResponse(state.config.model_dump())

    @endpoint
    async def reset(request: Request) -> Response:
        check(request)
        with changing() as (state, _):
            names = list(state.files)
            operations.reset(state)
        for name in names:
            (store.files_dir / name).unlink(missing_ok=True)
        return JSONResponse({})

    @endpoint
    async def deliver_now(request: Request) -> Response:
        check(request)
        report = await run_in_threadpool(deliver)
        return JSONResponse(report.as_json())

    @endpoint
    async def deliveries(request: Request) -> Response:
        check(request)
        with store.view() as state:
            return JSONResponse(_deliveries(state))

    return [
        Route(ADMIN + "/health", health, methods=["GET"]),
        Route(CHANNEL + "/templates/{name}/{language}", template, methods=["GET", "PATCH"]),
        Route(CHANNEL + "/phone-number", phone_number, methods=["GET", "PATCH"]),
        Route(ADMIN + "/accounts/{accountId}/account-updates", account_update, methods=["POST"]),
        Route(ADMIN + "/clock", clock, methods=["POST"]),
        Route(ADMIN + "/faults", faults, methods=["PUT"]),
        Route(ADMIN + "/config", config, methods=["GET", "PATCH"]),
        Route(ADMIN + "/reset", reset, methods=["POST"]),
        Route(ADMIN + "/webhooks/deliver", deliver_now, methods=["POST"]),
        Route(ADMIN + "/webhooks/deliveries", deliveries, methods=["GET"]),
    ]


def _deliveries(state: SandboxState) -> dict[str, Any]:
    """The outbox and the latest finished deliveries; never a webhook's credentials."""
    pending = [
        {
            "event_id": delivery.event_id,
            "event_type": delivery.event.get("eventType"),
            "sub_account_id": delivery.sub_account_id,
            "attempts": delivery.attempts,
            "next_attempt": timestamp(delivery.next_attempt),
            "errors": delivery.errors,
            "event": delivery.event,
        }
        for delivery in state.outbox
    ]
    finished = [
        {
            "event_id": done.event_id,
            "event_type": done.event_type,
            "sub_account_id": done.sub_account_id,
            "url": done.url,
            "outcome": done.outcome,
            "attempts": done.attempts,
            "errors": done.errors,
            "finished": timestamp(done.finished),
        }
        for done in state.finished
    ]
    return {"pending": pending, "finished": finished}
