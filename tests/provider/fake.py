"""A scripted stand-in for 8x8's templates API behind httpx.MockTransport.

It keeps templates like the real API (list, create with a duplicate check, delete by name) and
lets a test queue faults per method: answer with a status instead of doing the work, do the work
and then answer with a status, or raise a transport error before or after doing it (a request
that never arrived vs. an answer that was lost).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx

from wa_templates.provider.client import Client
from wa_templates.provider.retry import RetryPolicy

ACCOUNT = "0f8e2a6c-1d3b-4e5f-9a7b-8c6d5e4f3a21"
CHANNEL = "ec36a867-3dd4-e911-814a-02d85f55fce8"
SUBACCOUNT = "acme_wa"
KEY = "CANARY-KEY-0123456789"
BASE = "https://chatapps.8x8.com"
TEMPLATES = f"/api/v1/accounts/{ACCOUNT}/channels/{CHANNEL}/templates"


@dataclass
class Fault:
    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    error: type[httpx.TransportError] | None = None
    after: bool = False
    """True: do the work first, then answer with the fault (the answer was lost or replaced)."""


def error_body(code: int, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "errorId": "1cc1eda1-f5dd-ea11-8288-0263195dd35a",
        "timestamp": "2024-01-01T00:00:00.00Z",
    }


class Fake8x8:
    def __init__(self) -> None:
        self.templates: list[dict[str, Any]] = []
        self.requests: list[httpx.Request] = []
        self.faults: dict[str, list[Fault]] = defaultdict(list)
        self.uploads: list[bytes] = []
        self.expired: set[str] = set()
        """Uploaded file names the file host no longer serves."""
        self.sleeps: list[float] = []

    def fail(self, method: str, *faults: Fault) -> None:
        self.faults[method].extend(faults)

    def calls(self, method: str) -> int:
        return sum(r.method == method for r in self.requests)

    def client(self, **overrides: Any) -> Client:
        options: dict[str, Any] = {
            "base_url": BASE,
            "account_id": ACCOUNT,
            "channel_id": CHANNEL,
            "subaccount_id": SUBACCOUNT,
            "api_key": KEY,
            "transport": httpx.MockTransport(self.handle),
            "retry": RetryPolicy(base_delay=0.01, max_delay=0.05),
            "sleep": self.sleeps.append,
        }
        options.update(overrides)
        return Client(**options)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        queue = self.faults[request.method]
        fault = queue.pop(0) if queue else None
        if fault is not None and not fault.after:
            return self._fault(fault, request)
        response = self._serve(request)
        if fault is not None:
            return self._fault(fault, request)
        return response

    def _fault(self, fault: Fault, request: httpx.Request) -> httpx.Response:
        if fault.error is not None:
            raise fault.error("connection dropped", request=request)
        assert fault.status is not None
        if isinstance(fault.body, str):
            return httpx.Response(fault.status, text=fault.body, headers=fault.headers)
        return httpx.Response(fault.status, json=fault.body, headers=fault.headers)

    def _serve(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/files/") and request.method == "GET":
            return self._file(request)
        if request.headers.get("Authorization") != f"Bearer {KEY}":
            return httpx.Response(401, json=error_body(1200, "Request was not authenticated"))
        path = request.url.raw_path.decode().split("?")[0]
        if path == TEMPLATES and request.method == "GET":
            return httpx.Response(200, json={"templates": self.templates})
        if path == TEMPLATES and request.method == "POST":
            return self._create(request)
        if path.startswith(TEMPLATES + "/") and request.method == "DELETE":
            name = unquote(path[len(TEMPLATES) + 1 :])
            kept = [t for t in self.templates if t["templateName"] != name]
            if len(kept) == len(self.templates):
                return httpx.Response(404, json=error_body(3038, "Template not found"))
            self.templates = kept
            return httpx.Response(200, json={})
        if path == f"/api/v1/subaccounts/{SUBACCOUNT}/files" and request.method == "POST":
            self.uploads.append(request.content)
            name = f"f{len(self.uploads)}.png"
            return httpx.Response(
                201,
                json={"fileName": name, "token": "tok"},
                headers={"Location": f"/files/{name}?token=tok"},
            )
        return httpx.Response(404, json=error_body(1300, "Not found"))

    def _file(self, request: httpx.Request) -> httpx.Response:
        # The file host: the token in the query is the credential; no key is wanted here.
        name = request.url.path.removeprefix("/files/")
        uploaded = {f"f{n}.png" for n in range(1, len(self.uploads) + 1)}
        if name not in uploaded or name in self.expired:
            return httpx.Response(404, json=error_body(1300, "Object wasn't found"))
        if request.url.params.get("token") != "tok":
            return httpx.Response(401, json=error_body(1200, "Request was not authenticated"))
        data = self.uploads[int(name[1:-4]) - 1]
        if request.headers.get("Range") == "bytes=0-0":
            headers = {"Content-Range": f"bytes 0-0/{len(data)}"}
            return httpx.Response(206, content=data[:1], headers=headers)
        return httpx.Response(200, content=data)

    def _create(self, request: httpx.Request) -> httpx.Response:
        payload = json.loads(request.content)
        for item in self.templates:
            if (item["templateName"], item["language"]) == (payload["name"], payload["language"]):
                return httpx.Response(
                    400,
                    json=error_body(1005, "Template with this name and language already exists"),
                )
        self.templates.append(listed(payload))
        return httpx.Response(200, json={})


def listed(payload: dict[str, Any], status: str = "PENDING") -> dict[str, Any]:
    """The list item for a payload; samples stay in the create shape, which list reading accepts."""
    return {
        "templateName": payload["name"],
        "language": payload["language"],
        "category": payload["category"],
        "status": status,
        "components": payload["components"],
    }
