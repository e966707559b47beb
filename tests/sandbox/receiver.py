"""A webhook receiver on 127.0.0.1 for the delivery tests: stdlib http.server in a thread,
recording every request; it can answer a chosen status, or be down (nothing listening on its
port) and come back on the same port."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body)
        return loaded


class Receiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.status = 200
        """What the next POSTs are answered with."""
        self.token_requests: list[Received] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.port = 0
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/8x8"

    @property
    def events(self) -> list[dict[str, Any]]:
        with self._lock:
            return [request.event for request in self.received]

    def start(self) -> None:
        """Listen (again) on the same port."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                request = Received(self.path, dict(self.headers.items()), self.rfile.read(length))
                with receiver._lock:
                    if self.path == "/oauth/token":
                        receiver.token_requests.append(request)
                    else:
                        receiver.received.append(request)
                    status = receiver.status
                if self.path == "/oauth/token":
                    body = json.dumps({"access_token": "tok-1", "expires_in": 3600}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def stop(self) -> None:
        """Down: nothing listens on the port, so a delivery is refused."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
