"""The receiver: 8x8's CABM events at `POST /webhooks/8x8`, stored before the answer.

Answers, in the order the checks run:

- 401: the `Authorization` header is not exactly the configured value (compared in constant
  time; 8x8 sends the `httpAuthorization` it was registered with);
- 413: a body over `max_body` bytes (8x8's events are a few hundred bytes);
- 400: the body is not a JSON object (or nests deeper than 200 levels); 422: it is JSON but not
  a CABM event (a field missing or of the wrong type, a template name or language that no
  template can have);
- 403: the event is for an account or WABA no configured target has;
- 422 for an unknown `eventType` from a configured account: the event is *kept raw and flagged*
  (events.flag = 'unknown_event_type', stored once by eventId, applied to no history, notifying
  no one) so a newer tool can still read it; the 4xx tells 8x8 it was not understood;
- 503: the store cannot be written: 8x8 retries later (1, 10, 30, 90 s);
- 200 `{"status": "stored"}`, or `{"status": "duplicate"}` for an eventId already stored.

Nothing but the flagged unknown event is stored on any 4xx. 8x8 retries a 4xx just as it does
a 5xx or a timeout, after 1, 10, 30 and 90 s, then gives up (the "Retry logic" of its CABM
webhook pages): a refused event costs four more identical requests, refused the same way, and
is then dropped, never resent forever. A 4xx is still the true answer for a body that cannot be
an event: a 5xx would say the receiver failed, and an alert on 5xx would page for 8x8's (or an
attacker's) bad input; only 503 means "retry, it may work then".

Notifications are written with the event in one transaction and sent afterwards by the
`Notifier`, which this app runs beside it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from wa_templates import __version__
from wa_templates.history.events import (
    Envelope,
    Event,
    MalformedEvent,
    UnknownEventType,
    parse_event,
)
from wa_templates.history.queries import History, Recollection
from wa_templates.history.recording import utc_now
from wa_templates.history.store import HistoryStore, StoreError
from wa_templates.webhook.accounts import Accounts
from wa_templates.webhook.deliver import Notifier
from wa_templates.webhook.notify import notifications

log = logging.getLogger(__name__)

PATH = "/webhooks/8x8"
MAX_BODY = 64 * 1024
UNKNOWN_FLAG = "unknown_event_type"


@dataclass
class Receiver:
    store: HistoryStore
    accounts: Accounts
    authorization: str
    destinations: Mapping[str, str]
    notifier: Notifier | None
    clock: Callable[[], datetime]
    max_body: int

    def authorised(self, given: str | None) -> bool:
        expected = self.authorization.encode()
        # compare_digest on bytes: constant time whatever the header holds.
        return hmac.compare_digest(expected, (given or "").encode("utf-8", "replace"))


def create_app(
    store: HistoryStore,
    accounts: Accounts,
    authorization: str,
    destinations: Mapping[str, str] | None = None,
    *,
    notifier: Notifier | None = None,
    clock: Callable[[], datetime] = utc_now,
    max_body: int = MAX_BODY,
) -> Starlette:
    """The ASGI app; `notifier` defaults to one for `destinations` (none: nothing is sent)."""
    destinations = dict(destinations or {})
    if notifier is None and destinations:
        notifier = Notifier(store, destinations, clock=clock)
    receiver = Receiver(store, accounts, authorization, destinations, notifier, clock, max_body)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(notifier.run()) if notifier is not None else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def receive(request: Request) -> JSONResponse:
        return await _receive(receiver, request)

    async def health(_request: Request) -> JSONResponse:
        try:
            await anyio.to_thread.run_sync(_ping, store)
        except StoreError:
            return JSONResponse({"status": "store unavailable", "version": __version__}, 503)
        return JSONResponse({"status": "ok", "version": __version__})

    return Starlette(
        routes=[Route(PATH, receive, methods=["POST"]), Route("/health", health, methods=["GET"])],
        lifespan=lifespan,
    )


def _ping(store: HistoryStore) -> None:
    with store.transaction() as connection:
        connection.execute(text("SELECT 1"))


def _refuse(status: int, message: str) -> JSONResponse:
    log.warning("refused an event: HTTP %d: %s", status, message)
    return JSONResponse({"error": message}, status)


async def _receive(receiver: Receiver, request: Request) -> JSONResponse:
    if not receiver.authorised(request.headers.get("authorization")):
        return JSONResponse(
            {"error": "wrong or missing Authorization"}, 401, {"WWW-Authenticate": "Bearer"}
        )
    body = await _body(request, receiver.max_body)
    if body is None:
        return _refuse(413, f"body over {receiver.max_body} bytes")
    try:
        event = parse_event(body)
    except UnknownEventType as unknown:
        return await _keep_unknown(receiver, unknown.envelope, body)
    except MalformedEvent as exc:
        status = 400 if str(exc).startswith("the body is not") else 422
        return _refuse(status, str(exc))
    target = receiver.accounts.target_for(event.envelope)
    if target is None:
        return _refuse(403, _unconfigured(event.envelope))
    try:
        stored, notes = await anyio.to_thread.run_sync(_store, receiver, event, target)
    except StoreError as exc:
        log.error("cannot store event %s: %s", event.event_id, exc)
        return JSONResponse({"error": "the history store is unavailable; retry"}, 503)
    if stored and notes and receiver.notifier is not None:
        receiver.notifier.wake()
    log.info(
        "%s %s event %s for %s",
        "stored" if stored else "duplicate",
        event.event_type,
        event.event_id,
        target,
    )
    return JSONResponse(
        {"status": "stored" if stored else "duplicate", "eventId": event.event_id}, 200
    )


def _store(
    receiver: Receiver, event: Event, target: str
) -> tuple[bool, list[tuple[str, dict[str, Any]]]]:
    """Store the event with its notifications, worded with what the history knows (it may
    read the store, so this runs in a worker thread)."""
    memory = Recollection(History(receiver.store, target))
    notes = notifications(event, target, receiver.destinations, memory)
    return receiver.store.ingest(event, target, receiver.clock(), notes), notes


async def _keep_unknown(receiver: Receiver, envelope: Envelope, body: bytes) -> JSONResponse:
    target = receiver.accounts.target_for(envelope)
    if target is None:
        return _refuse(403, _unconfigured(envelope))
    raw = body.decode("utf-8")  # it parsed as JSON: valid UTF-8
    try:
        await anyio.to_thread.run_sync(
            lambda: receiver.store.keep_flagged(
                envelope, raw, target, receiver.clock(), UNKNOWN_FLAG
            )
        )
    except StoreError as exc:
        log.error("cannot keep event %s: %s", envelope.event_id, exc)
        return JSONResponse({"error": "the history store is unavailable; retry"}, 503)
    return _refuse(
        422, f"unknown event type '{envelope.event_type}': kept raw and flagged, not applied"
    )


def _unconfigured(envelope: Envelope) -> str:
    return (
        f"account {envelope.account_id} / WABA {envelope.business_account_id} "
        "is not a configured target"
    )


async def _body(request: Request, limit: int) -> bytes | None:
    """The body, or None once it is over `limit` (read no further than that)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
    except ClientDisconnect:
        return b""
    return b"".join(chunks)
