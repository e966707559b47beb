"""`wa-templates webhook serve`: the receiver over uvicorn, and a background one for tests.

uvicorn's access log names method, path and status, never headers: the Authorization value
8x8 sends stays out of the output (it is also registered with `redact`).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette

from wa_templates.sandbox.serve import Running, run_in_thread, run_until_stopped

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8089


@dataclass(frozen=True, slots=True)
class Receiver:
    """The receiver's uvicorn server (its notifier runs inside it, in the app's lifespan)."""

    server: uvicorn.Server

    def run(self, sock: socket.socket) -> None:
        self.server.run(sockets=[sock])


def make_server(app: Starlette, host: str, port: int, quiet: bool = False) -> Receiver:
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="on",  # the notifier runs in the app's lifespan
        log_level="warning" if quiet else "info",
        access_log=not quiet,
        server_header=False,
    )
    return Receiver(uvicorn.Server(config))


def serve(
    app: Starlette,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve until Ctrl-C or SIGTERM; `announce` gets the URL once bound."""
    run_until_stopped(make_server(app, host, port), host, port, announce)


def start_in_thread(
    app: Starlette, host: str = DEFAULT_HOST, port: int = 0, timeout: float = 10.0
) -> Running:
    """The receiver in a daemon thread (for tests): its URL and a stop function."""
    return run_in_thread(make_server(app, host, port, quiet=True), host, port, timeout, "receiver")
