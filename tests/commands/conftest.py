"""A project in a temporary folder, run through the CLI in-process against the embedded sandbox."""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.plan.channel import simple
from wa_templates.cli import target as cli_target
from wa_templates.cli.main import main
from wa_templates.config.project import Project
from wa_templates.plan.model import ChannelBinding
from wa_templates.provider.base import Provider
from wa_templates.sandbox import embedded

TEMPLATES = (
    f"/api/v1/accounts/{embedded.SANDBOX_ACCOUNT_ID}/channels/{embedded.SANDBOX_CHANNEL_ID}"
    "/templates"
)


@dataclass
class Outcome:
    code: int
    out: str
    err: str


class Repo:
    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.root = root
        self.capsys = capsys
        (root / "templates").mkdir(parents=True)
        (root / "wa-templates.toml").write_text("")

    def write(self, name: str, text: str) -> None:
        (self.root / "templates" / f"{name}.yaml").write_text(text, encoding="utf-8")

    def run(self, *args: str) -> Outcome:
        self.capsys.readouterr()
        code = main(list(args))
        captured = self.capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    def channel(self) -> httpx.Client:
        """The embedded sandbox as someone else sees it: another client on the same state."""
        return httpx.Client(
            transport=embedded.open_transport(embedded.default_state_path(self.root)),
            base_url=embedded.SANDBOX_BASE_URL,
            headers={"Authorization": f"Bearer {embedded.SANDBOX_API_KEY}"},
        )

    def listing(self) -> list[dict[str, Any]]:
        """Everything the sandbox channel lists, in name and language order."""
        with self.channel() as client:
            response = client.get(TEMPLATES)
        assert response.status_code == 200, response.text
        templates: list[dict[str, Any]] = response.json()["templates"]
        return sorted(templates, key=lambda t: (t["templateName"], t["language"]))

    def register(self, name: str, text: str) -> None:
        """`name` registered on the channel by someone else, with other content (the sandbox
        approves it at once)."""
        payload = {
            "name": name,
            "language": "en_US",
            "category": "UTILITY",
            "components": [{"type": "BODY", "text": text}],
        }
        with self.channel() as client:
            assert client.post(TEMPLATES, json=payload).status_code == 200

    def saved_plan(self) -> dict[str, Any]:
        """A plan saved by `plan --out plan.json`, as its JSON."""
        saved = self.run("plan", "--sandbox", "--out", "plan.json")
        assert saved.code == 0, saved.out + saved.err
        data: dict[str, Any] = json.loads((self.root / "plan.json").read_text())
        return data


@pytest.fixture
def repo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Repo:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    made = Repo(tmp_path, capsys)
    made.write("order_update", simple("order_update"))
    return made


def count_channel_use(monkeypatch: pytest.MonkeyPatch, *commands: str) -> list[str]:
    """Every channel the given commands open ("opened") and every list call on it ("listed"),
    through `open_channel` or `open_provider`, whichever each command module calls."""
    calls: list[str] = []
    real_open = cli_target.open_channel

    def counted_channel(
        project: Project, target: str | None, sandbox: bool
    ) -> tuple[Provider, ChannelBinding]:
        calls.append("opened")
        provider, channel = real_open(project, target, sandbox)
        real_list = provider.list_templates

        def listed() -> list[object]:
            calls.append("listed")
            return list(real_list())

        monkeypatch.setattr(provider, "list_templates", listed)
        return provider, channel

    def counted(project: Project, target: str | None, sandbox: bool) -> Provider:
        return counted_channel(project, target, sandbox)[0]

    for command in commands:
        module = importlib.import_module(f"wa_templates.cli.commands.{command}")
        if hasattr(module, "open_channel"):
            monkeypatch.setattr(module, "open_channel", counted_channel)
        else:
            monkeypatch.setattr(module, "open_provider", counted)
    return calls
