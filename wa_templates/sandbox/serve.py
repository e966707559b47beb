"""The sandbox over real HTTP with uvicorn: `wa-templates sandbox serve`, and a background
server for tests (`start_in_thread`), so end-to-end tests exercise real sockets.

uvicorn's access log names method, path and status, never headers, so the API key stays out of
the output.
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from wa_templates.errors import WaError
from wa_templates.sandbox.app import create_app
from wa_templates.sandbox.state import Store

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


def make_server(
    state_path: Path,
    *,
    api_key: str,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    max_templates: int | None = None,
    review_delay_minutes: float | None = None,
    rng: random.Random | None = None,
    quiet: bool = False,
) -> uvicorn.Server:
    """A configured uvicorn server; `serve`/`start_in_thread` run it on a socket they bind."""
    store = Store(state_path)
    store.configure(max_templates=max_templates, review_delay_minutes=review_delay_minutes)
    config = uvicorn.Config(
        create_app(store, api_key, rng),
        host=host,
        port=port,
        lifespan="off",
        log_level="warning" if quiet else "info",
        access_log=not quiet,
        server_header=False,
    )
    return uvicorn.Server(config)


def url_of(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(
    state_path: Path,
    *,
    api_key: str,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    max_templates: int | None = None,
    review_delay_minutes: float | None = None,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM); `announce` gets the URL once bound."""
    server = make_server(
        state_path,
        api_key=api_key,
        host=host,
        port=port,
        max_templates=max_templates,
        review_delay_minutes=review_delay_minutes,
    )
    sock = bind(host, port)
    if announce is not None:
        announce(url_of(host, sock.getsockname()[1]))
    # uvicorn shuts down cleanly on Ctrl-C, then re-raises it; stopping is the normal end.
    with sock, contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])


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
    max_templates: int | None = None,
    review_delay_minutes: float | None = None,
    rng: random.Random | None = None,
    timeout: float = 10.0,
) -> Running:
    """Start `sandbox serve` in a daemon thread; returns its URL and a stop function.

    For tests: `running = start_in_thread(tmp_path / "s.json", api_key="k")`, then
    `running.stop()` (idempotent) when done.
    """
    server = make_server(
        state_path,
        api_key=api_key,
        host=host,
        port=port,
        max_templates=max_templates,
        review_delay_minutes=review_delay_minutes,
        rng=rng,
        quiet=True,
    )
    sock = bind(host, port)
    bound_port = sock.getsockname()[1]
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="wa-templates-sandbox", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise WaError(f"the sandbox server did not start on {host}:{bound_port}")
        time.sleep(0.01)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout)
        sock.close()

    return Running(url_of(host, bound_port), stop)
