"""The sandbox over real HTTP: `sandbox serve`'s uvicorn server in a background thread."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.sandbox.conftest import ADMIN_TEMPLATES, TEMPLATES, error_code, payload
from wa_templates.sandbox.embedded import SANDBOX_SUBACCOUNT_ID
from wa_templates.sandbox.serve import Running, start_in_thread

KEY = "http-test-key"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    state = tmp_path_factory.mktemp("served") / "sandbox.json"
    running = start_in_thread(state, api_key=KEY, rng=random.Random(11))
    yield running
    running.stop()


@pytest.fixture
def http(server: Running) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {KEY}"}, timeout=10
    ) as client:
        client.post("/_sandbox/reset")
        yield client
        client.put("/_sandbox/faults", json={})


def test_binds_the_loopback_by_default(server: Running) -> None:
    assert server.url.startswith("http://127.0.0.1:")


def test_health_list_create_delete_over_http(http: httpx.Client) -> None:
    assert http.get("/_sandbox/health").json() == {"status": "ok"}
    assert http.post(TEMPLATES, json=payload()).json() == {}
    [found] = http.get(TEMPLATES).json()["templates"]
    assert (found["templateName"], found["status"]) == ("order_shipped", "APPROVED")
    assert http.delete(TEMPLATES + "/order_shipped").status_code == 200
    assert error_code(http.post(TEMPLATES, json=payload())) == (409, 3060)


def test_bad_key_over_http(http: httpx.Client) -> None:
    response = http.get(TEMPLATES, headers={"Authorization": "Bearer sandbox"})
    assert error_code(response) == (401, 1200)


def test_latency_fault_delays_api_requests_only(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    # The server runs in this process (a thread), so the patch reaches it; `slept` filling up
    # below is what proves it did.
    monkeypatch.setattr("wa_templates.sandbox.faults.sleep", record)
    http.put("/_sandbox/faults", json={"latency_ms": 300})
    assert http.get(TEMPLATES).status_code == 200
    assert slept == [0.3]
    assert http.get("/_sandbox/health").status_code == 200
    assert slept == [0.3]


def test_error_fault_over_http(http: httpx.Client) -> None:
    http.put("/_sandbox/faults", json={"error_rate": 1, "error_status": 500})
    assert error_code(http.get(TEMPLATES)) == (500, 2000)
    http.put("/_sandbox/faults", json={"error_rate": 1, "error_status": 429})
    response = http.post(TEMPLATES, json=payload())
    assert error_code(response) == (429, 1100)
    assert response.headers["Retry-After"] == "1"


def test_drop_fault_closes_the_connection_without_a_response(http: httpx.Client) -> None:
    http.put("/_sandbox/faults", json={"drop_rate": 1})
    for _ in range(4):
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            http.get(TEMPLATES)


def test_dropped_creates_over_http_never_duplicate(http: httpx.Client) -> None:
    http.put("/_sandbox/faults", json={"drop_rate": 1})
    for index in range(12):
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            http.post(TEMPLATES, json=payload(f"t{index}"))
    http.put("/_sandbox/faults", json={})
    names = [t["templateName"] for t in http.get(TEMPLATES).json()["templates"]]
    assert 0 < len(names) < 12
    assert len(names) == len(set(names))
    assert error_code(http.post(TEMPLATES, json=payload(names[0]))) == (400, 1005)


def test_upload_and_fetch_over_http(http: httpx.Client) -> None:
    response = http.post(
        f"/api/v1/subaccounts/{SANDBOX_SUBACCOUNT_ID}/files",
        files={"file": ("a.jpg", b"\xff\xd8\xff" + bytes(range(256)))},
    )
    assert response.status_code == 201
    fetched = httpx.get(http.base_url.join(response.headers["Location"]))
    assert fetched.content == b"\xff\xd8\xff" + bytes(range(256))
    assert fetched.headers["content-type"] == "image/jpeg"


def test_media_uploaded_to_the_served_sandbox_counts_as_https_in_review(
    http: httpx.Client,
) -> None:
    uploaded = http.post(
        f"/api/v1/subaccounts/{SANDBOX_SUBACCOUNT_ID}/files",
        files={"file": ("a.png", b"\x89PNG....", "image/png")},
    )
    local = str(http.base_url.join(uploaded.headers["Location"]))
    assert local.startswith("http://127.0.0.1:")
    for name, sample in (("local", local), ("remote", "http://example.com/a.png")):
        body = payload(name)
        body["components"].insert(0, {"type": "HEADER", "format": "IMAGE", "examples": [sample]})
        assert http.post(TEMPLATES, json=body).status_code == 200
    found = {t["templateName"]: t for t in http.get(TEMPLATES).json()["templates"]}
    assert found["local"]["status"] == "APPROVED"
    assert found["local"]["components"][0]["example"] == {"headerHandle": [local]}
    assert found["remote"]["status"] == "REJECTED"
    remote = http.get(f"{ADMIN_TEMPLATES}/remote/en_US").json()
    assert remote["reason"] == "INVALID_FORMAT"


def test_stop_releases_the_port(tmp_path: Path) -> None:
    running = start_in_thread(tmp_path / "s.json", api_key=KEY)
    assert httpx.get(running.url + "/_sandbox/health").status_code == 200
    running.stop()
    running.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(running.url + "/_sandbox/health", timeout=2)
