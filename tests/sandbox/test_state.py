"""The state file: survives restarts, is written atomically, and loses no concurrent update."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.sandbox.conftest import (
    ADMIN_TEMPLATES,
    AUTH,
    TEMPLATES,
    client_for,
    create,
    error_code,
    item,
    listed,
    payload,
)
from wa_templates.errors import WaError
from wa_templates.sandbox import state as state_module
from wa_templates.sandbox.embedded import SANDBOX_BASE_URL, default_state_path, open_transport
from wa_templates.sandbox.serve import start_in_thread
from wa_templates.sandbox.state import SandboxState, Store


def test_default_state_path_is_under_the_project() -> None:
    assert default_state_path(Path("/repo")) == Path("/repo/.wa-templates/sandbox.json")


def test_state_survives_a_new_app_instance(state_path: Path) -> None:
    with client_for(state_path) as first:
        create(first)
        first.post("/_sandbox/clock", json={"advance_hours": 5})
        first.put("/_sandbox/faults", json={"latency_ms": 1})
        before = item(first)
    with client_for(state_path) as second:
        assert item(second) == before
        assert error_code(create(second)) == (400, 1005)
        assert second.put("/_sandbox/faults", json={}).json()["latency_ms"] == 0
    data = json.loads(state_path.read_text())
    assert data["version"] == 2 and data["clock_offset_seconds"] == 5 * 3600


def test_writes_leave_no_temporary_files(state_path: Path, client: httpx.Client) -> None:
    for index in range(3):
        create(client, name=f"t{index}")
    leftovers = sorted(p.name for p in state_path.parent.iterdir())
    assert leftovers == ["sandbox.json", "sandbox.json.lock"]
    # It holds webhook credentials: its owner's only.
    assert state_path.stat().st_mode & 0o777 == 0o600


def test_reads_that_change_nothing_do_not_rewrite_the_file(
    state_path: Path, client: httpx.Client
) -> None:
    create(client)
    stamp = state_path.stat().st_mtime_ns
    listed(client)
    assert state_path.stat().st_mtime_ns == stamp


def test_concurrent_creates_from_threads_lose_nothing(state_path: Path) -> None:
    # Two transports on one file stand for two processes; threads share each transport.
    with client_for(state_path) as one, client_for(state_path) as two:

        def make(index: int) -> int:
            return create(one if index % 2 else two, name=f"t{index}").status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(make, range(60)))
        assert statuses == [200] * 60
        assert set(listed(one)) == {(f"t{i}", "en_US") for i in range(60)}


def test_concurrent_duplicate_creates_make_one_template(state_path: Path) -> None:
    with client_for(state_path) as client, ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(lambda _: create(client).status_code, range(12)))
    assert statuses == [200] + [400] * 11


def test_unreadable_state_is_a_clear_error_not_a_traceback(state_path: Path) -> None:
    state_path.parent.mkdir(parents=True)
    state_path.write_text("{not json")
    with pytest.raises(WaError, match="not a sandbox state file"):
        open_transport(state_path)
    state_path.write_text(json.dumps({"version": 99}))
    with pytest.raises(WaError, match="version 99"):
        open_transport(state_path)


def test_state_broken_while_running_answers_500(state_path: Path, client: httpx.Client) -> None:
    create(client)
    state_path.write_text('{"channels": 5}')
    response = client.get(TEMPLATES)
    assert error_code(response) == (500, 2000)
    assert "not a sandbox state file" in response.json()["message"]


# --- the parsed state kept between requests ---------------------------------------------------


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    parsed: list[Path] = []
    original = state_module._parse

    def counting(path: Path, data: bytes) -> SandboxState:
        parsed.append(path)
        return original(path, data)

    monkeypatch.setattr(state_module, "_parse", counting)
    return parsed


def test_a_change_by_another_app_instance_is_seen_by_the_next_request(state_path: Path) -> None:
    # Two transports on one file, each with its own Store and cache, stand for two processes.
    with client_for(state_path) as first, client_for(state_path) as second:
        create(first, name="one")
        assert set(listed(first)) == {("one", "en_US")}
        create(second, name="two")
        assert set(listed(first)) == {("one", "en_US"), ("two", "en_US")}
        second.patch(ADMIN_TEMPLATES + "/one/en_US", json={"status": "PAUSED"})
        assert item(first, "one")["status"] == "PAUSED"
        second.delete(TEMPLATES + "/two")
        assert set(listed(first)) == {("one", "en_US")}
        # The first one's own writes go on from what the second one wrote.
        create(first, name="three")
        assert set(listed(second)) == {("one", "en_US"), ("three", "en_US")}


def test_fault_settings_by_another_app_instance_apply_at_once(state_path: Path) -> None:
    with client_for(state_path) as first, client_for(state_path) as second:
        assert first.get(TEMPLATES).status_code == 200
        second.put("/_sandbox/faults", json={"error_rate": 1.0, "error_status": 503})
        assert error_code(first.get(TEMPLATES)) == (503, 2000)
        second.put("/_sandbox/faults", json={})
        assert first.get(TEMPLATES).status_code == 200


def test_a_same_size_change_within_one_timestamp_tick_is_seen(
    state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file system whose inode, size and times all stay the same across the change (coarse
    # timestamps, an inode reused): only comparing the bytes of a recent file tells.
    monkeypatch.setattr(state_module, "_key", lambda info: (0, 0, 0, 0))
    with client_for(state_path) as first, client_for(state_path) as second:
        create(first)
        first.patch(ADMIN_TEMPLATES + "/order_shipped/en_US", json={"status": "APPROVED"})
        assert item(first)["status"] == "APPROVED"
        size = state_path.stat().st_size
        second.patch(ADMIN_TEMPLATES + "/order_shipped/en_US", json={"status": "DISABLED"})
        assert state_path.stat().st_size == size
        assert item(first)["status"] == "DISABLED"


def test_another_process_writing_the_file_is_seen_by_a_served_sandbox(state_path: Path) -> None:
    running = start_in_thread(state_path, api_key="k")
    try:
        with httpx.Client(base_url=running.url, headers={"Authorization": "Bearer k"}) as http:
            assert http.get(TEMPLATES).json() == {"templates": []}
            script = (
                "import sys, httpx; from pathlib import Path; "
                "from wa_templates.sandbox.embedded import open_transport; "
                "c = httpx.Client(transport=open_transport(Path(sys.argv[1])), "
                f"base_url={SANDBOX_BASE_URL!r}, headers={AUTH!r}); "
                f"r = c.post({TEMPLATES!r}, json={payload()!r}); r.raise_for_status()"
            )
            subprocess.run([sys.executable, "-c", script, str(state_path)], check=True, timeout=60)
            [listed_item] = http.get(TEMPLATES).json()["templates"]
            assert listed_item["templateName"] == "order_shipped"
    finally:
        running.stop()


def test_an_unchanged_file_is_not_parsed_again(
    state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client_for(state_path) as client:
        create(client)
        parsed = count_parses(monkeypatch)
        for _ in range(3):
            listed(client)
        client.put("/_sandbox/faults", json={"latency_ms": 0})
        create(client, name="another")  # its own writes keep the cache in step
        listed(client)
        assert parsed == []
        state_path.write_text(state_path.read_text())  # rewritten by someone else: same bytes
        listed(client)
        assert parsed == []


def test_a_failed_transaction_leaves_nothing_behind_in_the_cache(state_path: Path) -> None:
    store = Store(state_path)
    with store.transaction() as state:
        state.clock_offset_seconds = 60
    with pytest.raises(RuntimeError), store.transaction() as state:
        state.clock_offset_seconds = 120
        raise RuntimeError("the change is abandoned")
    assert store.read().clock_offset_seconds == 60
    with store.transaction() as state:
        state.config.max_templates = 7
    assert json.loads(state_path.read_text())["clock_offset_seconds"] == 60


def test_a_failed_transaction_that_changed_nothing_keeps_the_cache(
    state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(state_path)
    with store.transaction() as state:
        state.clock_offset_seconds = 60
    parsed = count_parses(monkeypatch)
    with pytest.raises(RuntimeError), store.transaction():
        raise RuntimeError("refused before changing anything")
    assert store.read().clock_offset_seconds == 60
    assert parsed == []


def test_a_deleted_state_file_starts_afresh(state_path: Path, client: httpx.Client) -> None:
    create(client)
    state_path.unlink()
    assert listed(client) == {}
    assert create(client).status_code == 200
