"""The sandbox over real HTTP with uvicorn: `wa-templates sandbox serve`, and a background
server for tests (`start_in_thread`), so end-to-end tests exercise real sockets.

uvicorn's access log names method, path and status, never headers, so the API key stays out of
the output. Beside the server a DeliveryWorker thread settles the sandbox clock and delivers
webhook events; it stops with the server.
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import uvicorn

from wa_templates.errors import WaError
from wa_templates.sandbox.app import create_app
from wa_templates.sandbox.state import Store
from wa_templates.sandbox.worker import DeliveryWorker

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8088


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready socket on host:port (port 0: any free port)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except (OSError, UnicodeError) as exc:
        raise WaError(f"cannot listen on {host}:{port}: {exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise WaError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


@dataclass(frozen=True, slots=True)
class Settings:
    """`serve` options kept in the state file (None keeps what the file holds)."""

    max_templates: int | None = None
    review_delay_minutes: float | None = None
    deletion_delay_minutes: float | None = None
    clock_rate: float | None = None
    list_extras: bool | None = None


@dataclass(frozen=True, slots=True)
class Sandbox:
    """A configured uvicorn server, and the worker delivering webhooks beside it (if any)."""

    server: uvicorn.Server
    worker: DeliveryWorker | None

    def run(self, sock: socket.socket) -> None:
        """Serve on `sock` until told to exit; the worker runs for exactly as long."""
        if self.worker is not None:
            self.worker.start()
        try:
            self.server.run(sockets=[sock])
        finally:
            if self.worker is not None:
                self.worker.stop()


def make_server(
    state_path: Path,
    *,
    api_key: str,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    settings: Settings = Settings(),
    rng: random.Random | None = None,
    quiet: bool = False,
    deliver: bool = True,
) -> Sandbox:
    """The server and its delivery worker (`deliver=False`: none; events are then delivered
    only through POST /_sandbox/webhooks/deliver, for tests that drive it step by step)."""
    store = Store(state_path)
    store.configure(**asdict(settings))
    worker = DeliveryWorker(store) if deliver else None
    app = create_app(
        store,
        api_key,
        rng,
        notify=worker.notify if worker else None,
        deliver=worker.deliver if worker else None,
    )
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="off",
        log_level="warning" if quiet else "info",
        access_log=not quiet,
        server_header=False,
    )
    return Sandbox(uvicorn.Server(config), worker)


def url_of(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(
    state_path: Path,
    *,
    api_key: str,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    settings: Settings = Settings(),
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM); `announce` gets the URL once bound."""
    sandbox = make_server(state_path, api_key=api_key, host=host, port=port, settings=settings)
    run_until_stopped(sandbox, host, port, announce)


class Runnable(Protocol):
    """A uvicorn server with whatever runs beside it: the sandbox, or the webhook receiver."""

    @property
    def server(self) -> uvicorn.Server: ...

    def run(self, sock: socket.socket) -> None: ...


def run_until_stopped(
    runnable: Runnable, host: str, port: int, announce: Callable[[str], None] | None
) -> None:
    """Serve in this thread until Ctrl-C or SIGTERM; `announce` gets the URL once bound."""
    sock = bind(host, port)
    if announce is not None:
        announce(url_of(host, sock.getsockname()[1]))
    # uvicorn shuts down cleanly on Ctrl-C, then re-raises it; stopping is the normal end.
    with sock, contextlib.suppress(KeyboardInterrupt):
        runnable.run(sock)


@dataclass(frozen=True, slots=True)
class Running:
    """A sandbox serving in a background thread."""

    url: str
    """Base URL, e.g. http://127.0.0.1:54321 (no trailing slash)."""
    stop: Callable[[], None]


def start_in_thread(
    state_path: Path,
    *,
    api_key: str,
    host: str = DEFAULT_HOST,
    port: int = 0,
    rng: random.Random | None = None,
    timeout: float = 10.0,
    deliver: bool = True,
    **settings: Any,
) -> Running:
    """Start `sandbox serve` in a daemon thread; returns its URL and a stop function.

    For tests: `running = start_in_thread(tmp_path / "s.json", api_key="k")`, then
    `running.stop()` (idempotent) when done. Keyword arguments beyond these are `Settings`.
    """
    sandbox = make_server(
        state_path,
        api_key=api_key,
        host=host,
        port=port,
        settings=Settings(**settings),
        rng=rng,
        quiet=True,
        deliver=deliver,
    )
    return run_in_thread(sandbox, host, port, timeout, "sandbox")


def run_in_thread(runnable: Runnable, host: str, port: int, timeout: float, what: str) -> Running:
    """Serve in a daemon thread until the returned `stop` is called."""
    server = runnable.server
    sock = bind(host, port)
    bound_port = sock.getsockname()[1]
    thread = threading.Thread(
        target=runnable.run, args=(sock,), name=f"wa-templates-{what}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise WaError(f"the {what} server did not start on {host}:{bound_port}")
        time.sleep(0.01)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout)
        sock.close()

    return Running(url_of(host, bound_port), stop)
