"""Injected faults on the API routes: latency, error statuses, and dropped connections.

Set through `PUT /_sandbox/faults` and kept in the state file. The admin routes are never
faulty, so faults can always be switched off again.

A drop closes the connection without a response. Half of the drops happen after the request has
been carried out, so a create whose answer is lost has still created the template: the client
must find that out by listing, not by sending the create again.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wa_templates.sandbox.errors import error_response, for_status
from wa_templates.sandbox.state import Faults, StateError, Store

FAULTY_PREFIXES = ("/api/", "/files/")
DROP_AFTER_SHARE = 0.5


sleep = anyio.sleep
"""How injected latency waits; a module attribute so tests can record it instead of waiting."""


class ConnectionDropped(Exception):
    """Raised where the server offers no way to close the connection (the in-process transport
    turns it into httpx.RemoteProtocolError, as a real dropped connection surfaces)."""


class FaultInjector:
    def __init__(self, app: ASGIApp, store: Store, rng: random.Random | None = None) -> None:
        self.app = app
        self.store = store
        self.rng = rng or random.Random()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(FAULTY_PREFIXES):
            await self.app(scope, receive, send)
            return
        faults = self._faults()
        if faults.latency_ms:
            await sleep(faults.latency_ms / 1000)
        if faults.drop_rate and self.rng.random() < faults.drop_rate:
            if self.rng.random() < DROP_AFTER_SHARE:
                await self.app(scope, receive, _discard)
            await drop(receive, send)
            return
        if faults.error_rate and self.rng.random() < faults.error_rate:
            response = error_response(for_status(faults.error_status), datetime.now(UTC))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _faults(self) -> Faults:
        try:
            return self.store.read().faults
        except StateError:
            return Faults()  # the route itself reports the unreadable state


async def _discard(message: Message) -> None:
    """The response of a request whose connection is dropped after it was carried out."""


async def drop(receive: Receive, send: Send) -> None:
    """Close the connection without a response.

    ASGI has no message for this. uvicorn's `send` is a method of its request cycle, which holds
    the connection's transport: closing that and waiting for the disconnect makes uvicorn send
    nothing (it answers a 500 for an app that returns or raises without responding).
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    close = getattr(transport, "close", None)
    if not callable(close):
        raise ConnectionDropped("connection dropped without a response")
    close()
    with anyio.move_on_after(5):
        while (await receive())["type"] != "http.disconnect":
            pass
