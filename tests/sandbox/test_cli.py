"""`wa-templates sandbox serve`: options, defaults, and a real run that never prints the key."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.sandbox.conftest import TEMPLATES, payload
from wa_templates.cli.commands import sandbox as command_module
from wa_templates.cli.main import main
from wa_templates.sandbox.serve import Settings, bind

SECRET = "s3cret-key-that-must-not-leak"


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []

    def fake_serve(path: Path, **kwargs: Any) -> None:
        seen.append({"path": path, **kwargs})

    monkeypatch.setattr(command_module, "serve", fake_serve)
    return seen


def test_defaults_bind_loopback_8088_with_state_under_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, calls: list[dict[str, Any]]
) -> None:
    (tmp_path / "wa-templates.toml").write_text("")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert main(["sandbox", "serve", "--api-key", SECRET]) == 0
    [call] = calls
    assert call["path"] == tmp_path / ".wa-templates" / "sandbox.json"
    assert (call["host"], call["port"], call["api_key"]) == ("127.0.0.1", 8088, SECRET)
    assert call["settings"] == Settings()  # every setting as the state file holds it


def test_key_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, calls: list[dict[str, Any]]
) -> None:
    monkeypatch.setenv("WA_SANDBOX_API_KEY", SECRET)
    state = tmp_path / "s.json"
    args = [
        "sandbox",
        "serve",
        "--state",
        str(state),
        "--max-templates",
        "6000",
        "--review-delay-minutes",
        "15",
        "--deletion-delay-minutes",
        "2.5",
        "--clock-rate",
        "60",
        "--list-extras",
        "--port",
        "9000",
    ]
    assert main(args) == 0
    assert calls[0] | {"path": state} == calls[0]
    assert (calls[0]["api_key"], calls[0]["port"]) == (SECRET, 9000)
    assert calls[0]["settings"] == Settings(
        max_templates=6000,
        review_delay_minutes=15,
        deletion_delay_minutes=2.5,
        clock_rate=60,
        list_extras=True,
    )
    calls.clear()
    assert main([*args[:-1], "9001", "--no-list-extras", "--clock-rate", "0"]) == 0
    assert (calls[0]["settings"].list_extras, calls[0]["settings"].clock_rate) == (False, 0)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--api-key", "  "],
        ["--api-key", "k", "--max-templates", "6001"],
        ["--api-key", "k", "--review-delay-minutes", "-1"],
        ["--api-key", "k", "--deletion-delay-minutes", "-1"],
        ["--api-key", "k", "--clock-rate", "-1"],
        ["--api-key", "k", "--clock-rate", "86401"],
        ["--api-key", "k", "--port", "70000"],
    ],
)
def test_bad_options_are_usage_errors(
    monkeypatch: pytest.MonkeyPatch, calls: list[dict[str, Any]], args: list[str]
) -> None:
    monkeypatch.delenv("WA_SANDBOX_API_KEY", raising=False)
    assert main(["sandbox", "serve", *args]) == 64
    assert calls == []


def test_port_in_use_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with bind("127.0.0.1", 0) as taken:
        taken.listen()
        port = taken.getsockname()[1]
        code = main(
            [
                "sandbox",
                "serve",
                "--api-key",
                "k",
                "--port",
                str(port),
                "--state",
                str(tmp_path / "s.json"),
            ]
        )
    assert code == 1
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "Traceback" not in err


def test_real_run_serves_and_never_prints_the_key(tmp_path: Path) -> None:
    with bind("127.0.0.1", 0) as probe:
        port = probe.getsockname()[1]
    state = tmp_path / "s.json"
    env = dict(os.environ, WA_SANDBOX_API_KEY=SECRET, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from wa_templates.cli.main import run; run()",
            "sandbox",
            "serve",
            "--port",
            str(port),
            "--state",
            str(state),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=tmp_path,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(url + "/_sandbox/health", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
        auth = {"Authorization": f"Bearer {SECRET}"}
        assert httpx.post(url + TEMPLATES, json=payload(), headers=auth).status_code == 200
        assert httpx.get(url + TEMPLATES, headers={"Authorization": "Bearer no"}).status_code == 401
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=15)
    text = output.decode()
    assert process.returncode == 0, text
    assert f"sandbox: serving http://127.0.0.1:{port} (state {state}" in text
    assert f'POST {TEMPLATES} HTTP/1.1" 200' in text
    assert SECRET not in text
    assert state.is_file()
