"""The sandbox in-process: an httpx transport that runs the sandbox app without a server.

`--sandbox` on any command hands `open_transport(default_state_path(root))` to the real client,
which then talks to the sandbox exactly as it talks to 8x8 over HTTP: same requests, same
response bodies, same errors. A dropped connection (an injected fault) surfaces as
`httpx.RemoteProtocolError`, as it does from a real server.

Each request runs the app on its own short-lived event loop in the calling thread, so the
transport is safe to share between worker threads and needs no background thread to shut down.

Webhook events: a CLI process lives seconds, so it cannot keep a delivery worker. After each
request the transport delivers, in the calling thread, what is due (the first attempt of every
event the request queued; retries whose time has come); retries not yet due stay in the state
file for the next sandbox process, a later command or a `sandbox serve` on the same file.
"""

from __future__ import annotations

import random
import threading
from pathlib import Path

import anyio
import httpx

from wa_templates.errors import WaError
from wa_templates.sandbox.app import create_app
from wa_templates.sandbox.faults import ConnectionDropped
from wa_templates.sandbox.outbox import Report, Sender, deliver_due
from wa_templates.sandbox.state import Store
from wa_templates.sandbox.worker import catch_up

SANDBOX_ACCOUNT_ID = "5a9d3b1e-0c4f-4e8a-9b7d-2f6e1c3a8d40"
SANDBOX_CHANNEL_ID = "8f14e45f-ceea-4e7a-9b2d-3c1a7e6d5b90"
SANDBOX_SUBACCOUNT_ID = "wa-templates-sandbox"
SANDBOX_API_KEY = "sandbox"
SANDBOX_BASE_URL = "https://sandbox.wa-templates.invalid"
"""A base URL for the in-process transport (any URL works; nothing is resolved). It is https so
that uploaded media come back as https URLs, which Meta's review (and WA703) insists on."""


def default_state_path(project_root: Path) -> Path:
    return project_root / ".wa-templates" / "sandbox.json"


def open_transport(
    state_path: Path,
    *,
    api_key: str = SANDBOX_API_KEY,
    rng: random.Random | None = None,
) -> httpx.BaseTransport:
    """A transport answering like 8x8, from the sandbox state in `state_path`.

    Raises `StateError` (a WaError) at once if the state file exists but cannot be read.
    """
    store = Store(state_path)
    store.read()
    return EmbeddedTransport(store, api_key, rng)


class EmbeddedTransport(httpx.BaseTransport):
    def __init__(
        self,
        store: Store,
        api_key: str,
        rng: random.Random | None = None,
        sender: Sender | None = None,
    ) -> None:
        self.store = store
        self._sender = sender
        self._sender_lock = threading.Lock()
        self._asgi = httpx.ASGITransport(
            app=create_app(store, api_key, rng, deliver=self._catch_up)
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        try:
            status, headers, content = anyio.run(self._handle, request)
        except ConnectionDropped:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from None
        finally:
            self._deliver()
        return httpx.Response(status, headers=headers, content=content, request=request)

    def close(self) -> None:
        with self._sender_lock:
            sender, self._sender = self._sender, None
        if sender is not None:
            sender.close()

    def _deliver(self) -> None:
        try:
            with self.store.view() as state:
                queued = bool(state.outbox)
            if queued:
                deliver_due(self.store, self._get_sender())
        except WaError:
            pass  # an unreadable state file: the request itself has reported it

    def _catch_up(self) -> Report:
        return catch_up(self.store, self._get_sender())

    def _get_sender(self) -> Sender:
        with self._sender_lock:
            if self._sender is None:
                self._sender = Sender()
            return self._sender

    async def _handle(self, request: httpx.Request) -> tuple[int, httpx.Headers, bytes]:
        response = await self._asgi.handle_async_request(request)
        content = await response.aread()
        return response.status_code, response.headers, content
