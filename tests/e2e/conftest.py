"""End-to-end fixtures: `sandbox serve` on a real socket, a project whose target points at it,
and the CLI run in-process (or as a subprocess) against that target.

Retries keep their logic but lose their waiting: the client the CLI opens gets a policy with
millisecond backoff and a sleep capped at 10 ms, so a fault run takes seconds rather than the
minutes real backoff and Retry-After would cost.
"""

from __future__ import annotations

import functools
import os
import subprocess
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import console_script
from wa_templates.cli.main import main
from wa_templates.provider.client import Client
from wa_templates.provider.retry import RetryPolicy
from wa_templates.sandbox.serve import Running, start_in_thread
from wa_templates.sandbox.state import SandboxState, Store

KEY = "e2e-sandbox-key-0123456789"
KEY_ENV = "WA_E2E_API_KEY"
ACCOUNT = "5a9d3b1e-0c4f-4e8a-9b7d-2f6e1c3a8d40"
CHANNEL = "e2e-channel"
SUBACCOUNT = "e2e_files"
TEMPLATES = f"/api/v1/accounts/{ACCOUNT}/channels/{CHANNEL}/templates"
ADMIN = f"/_sandbox/accounts/{ACCOUNT}/channels/{CHANNEL}/templates"


@dataclass
class Outcome:
    code: int
    out: str
    err: str


class Sandbox:
    """The running server, and the admin and API calls a test makes as Meta or as someone else."""

    def __init__(self, running: Running, state_path: Path) -> None:
        self.url = running.url
        self.state_path = state_path
        self.http = httpx.Client(
            base_url=running.url, headers={"Authorization": f"Bearer {KEY}"}, timeout=10
        )

    def listed(self) -> dict[tuple[str, str], dict[str, Any]]:
        response = self.http.get(TEMPLATES)
        assert response.status_code == 200, response.text
        return {(t["templateName"], t["language"]): t for t in response.json()["templates"]}

    def status(self, name: str, language: str = "en_US") -> str:
        return str(self.listed()[(name, language)]["status"])

    def create(
        self,
        name: str,
        text: str = "Hello {{1}}, your parcel is on its way to you.",
        language: str = "en_US",
        category: str = "UTILITY",
    ) -> None:
        body: dict[str, Any] = {"type": "BODY", "text": text}
        if "{{1}}" in text:
            body["examples"] = ["Ana"]
        payload = {"name": name, "language": language, "category": category, "components": [body]}
        response = self.http.post(TEMPLATES, json=payload)
        assert response.status_code == 200, response.text

    def patch(self, name: str, language: str = "en_US", **changes: Any) -> None:
        response = self.http.patch(f"{ADMIN}/{name}/{language}", json=changes)
        assert response.status_code == 200, response.text

    def older_data(self) -> None:
        """List reasons, pause titles and disable dates, as 8x8's list never does (they come
        through its webhooks): the sandbox's switch for tests of older data only."""
        response = self.http.patch("/_sandbox/config", json={"list_extras": True})
        assert response.status_code == 200, response.text

    def advance(self, hours: float) -> None:
        response = self.http.post("/_sandbox/clock", json={"advance_hours": hours})
        assert response.status_code == 200, response.text

    def faults(self, **settings: Any) -> None:
        response = self.http.put("/_sandbox/faults", json=settings)
        assert response.status_code == 200, response.text

    def state(self) -> SandboxState:
        return Store(self.state_path).read()

    def creations(self) -> int:
        """Successful creates the channel counted (for the rolling-hour limit)."""
        channel = self.state().existing_channel(ACCOUNT, CHANNEL)
        return len(channel.creations) if channel else 0

    def close(self) -> None:
        self.http.close()


def start(tmp_path: Path, **options: Any) -> Iterator[Sandbox]:
    state_path = tmp_path / "sandbox" / "state.json"
    running = start_in_thread(state_path, api_key=KEY, **options)
    sandbox = Sandbox(running, state_path)
    try:
        yield sandbox
    finally:
        sandbox.close()
        running.stop()


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    yield from start(tmp_path)


@pytest.fixture
def slow_review(tmp_path: Path) -> Iterator[Sandbox]:
    """A sandbox whose reviews take an hour of sandbox clock (advance it to finish them)."""
    yield from start(tmp_path, review_delay_minutes=60)


class Project:
    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.root = root
        self.templates = root / "templates"
        self.templates.mkdir(parents=True, exist_ok=True)
        self._capsys = capsys

    def configure(self, url: str, extra: str = "") -> None:
        (self.root / "wa-templates.toml").write_text(
            textwrap.dedent(
                f"""\
                {extra}
                [targets.local]
                account_id = "{ACCOUNT}"
                channel_id = "{CHANNEL}"
                subaccount_id = "{SUBACCOUNT}"
                base_url = "{url}"
                api_key_env = "{KEY_ENV}"
                """
            ),
            encoding="utf-8",
        )

    def write(self, name: str, text: str) -> Path:
        path = self.templates / f"{name}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def remove(self, name: str) -> None:
        (self.templates / f"{name}.yaml").unlink()

    def run(self, *args: str) -> Outcome:
        """The CLI in this process (the working directory is the project)."""
        self._capsys.readouterr()
        code = main(list(args))
        captured = self._capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    def spawn(self, *args: str, stdin: int | None = subprocess.DEVNULL) -> Outcome:
        """The CLI as a separate process, as CI runs it."""
        env = dict(os.environ, NO_COLOR="1")
        done = subprocess.run(
            [console_script(), *args],
            cwd=self.root,
            env=env,
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return Outcome(done.returncode, done.stdout, done.stderr)


FAST_CLIENTS: list[Client] = []
"""Every client the patched CLI made: a test reads it to prove the patch below takes effect."""


def fast_client(**kwargs: Any) -> Client:
    FAST_CLIENTS.append(client := Client(**_fast(kwargs)))
    return client


def _fast(kwargs: dict[str, Any]) -> dict[str, Any]:
    kwargs.setdefault("retry", RetryPolicy(base_delay=0.002, max_delay=0.01))
    kwargs.setdefault("sleep", lambda seconds: time.sleep(min(seconds, 0.01)))
    return kwargs


@pytest.fixture
def project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Project:
    root = tmp_path / "project"
    proj = Project(root, capsys)
    monkeypatch.chdir(root)
    monkeypatch.setenv(KEY_ENV, KEY)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setattr("wa_templates.cli.target.Client", functools.partial(fast_client))
    return proj


@pytest.fixture
def linked(project: Project, sandbox: Sandbox) -> Project:
    """The project with its default target on the running sandbox."""
    project.configure(sandbox.url)
    return project


def simple(
    name: str,
    body: str = "Hello {{1}}, your order has shipped and is on its way.",
    category: str = "UTILITY",
    extra: str = "",
    es: str | None = None,
) -> str:
    text = (
        f"name: {name}\ncategory: {category}\n{extra}languages:\n  en_US:\n    body:\n"
        f'      text: "{body}"\n      examples: ["Ana"]\n'
    )
    if es is not None:
        text += f'  es_ES:\n    body:\n      text: "{es}"\n      examples: ["Ana"]\n'
    return text
