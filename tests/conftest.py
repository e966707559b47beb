"""Fixtures for every test: the history store on each backend, and a Slack stand-in."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.databases import BACKENDS, database
from wa_templates.history.store import HistoryStore, open_store


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(store_url: str) -> Iterator[HistoryStore]:
    opened = open_store(store_url)
    yield opened
    opened.close()


@dataclass
class Chat:
    """A stand-in for Slack's incoming webhook: records each POST, answers from `answers`."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    """Statuses for the next requests, in order; 200 once they run out."""
    hold: threading.Event | None = None
    """When set, each request waits for it before answering (a slow Slack)."""
    arrived: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"got {len(self.received)} of {count}"
            time.sleep(0.01)
        return self.received


@pytest.fixture
def chat() -> Iterator[Chat]:
    state = Chat()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            payload = json.loads(self.rfile.read(length))
            with state.lock:
                state.received.append(payload)
                status = state.answers.pop(0) if state.answers else 200
            state.arrived.set()
            if state.hold is not None:
                state.hold.wait(30)
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    if state.hold is not None:
        state.hold.set()
    server.shutdown()
    server.server_close()
