"""The state file: survives restarts, is written atomically, and loses no concurrent update."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.sandbox.conftest import TEMPLATES, client_for, create, error_code, item, listed
from wa_templates.errors import WaError
from wa_templates.sandbox.embedded import default_state_path, open_transport


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
    assert data["version"] == 1 and data["clock_offset_seconds"] == 5 * 3600


def test_writes_leave_no_temporary_files(state_path: Path, client: httpx.Client) -> None:
    for index in range(3):
        create(client, name=f"t{index}")
    leftovers = sorted(p.name for p in state_path.parent.iterdir())
    assert leftovers == ["sandbox.json", "sandbox.json.lock"]


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
