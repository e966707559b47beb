"""`wa-templates webhook serve`: what it needs before it listens, and what it accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from starlette.applications import Starlette

from tests import cabm
from tests.webhook.conftest import AUTH, SECRET
from wa_templates.cli.main import main
from wa_templates.sandbox import embedded


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WA_TEMPLATES_WEBHOOK_SECRET", SECRET)
    monkeypatch.delenv("WA_TEMPLATES_NOTIFY_URL", raising=False)
    monkeypatch.delenv("WA_TEMPLATES_SLACK_WEBHOOK_URL", raising=False)
    prod = cabm.target_table(
        account_id=cabm.ACCOUNT.upper(),
        waba_id=cabm.WABA,
        history="sqlite:///.wa-templates/history.db",
    )
    staging = cabm.target_table(
        "staging", account_id="0f8e7f4c-2b6d-4c1e-9f3a-5d7b1e2c4a61", subaccount_id="acme_staging"
    )
    (tmp_path / "wa-templates.toml").write_text(f"{prod}\n{staging}")
    return tmp_path


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Instead of listening: the app and the announcement serve would have made."""
    seen: dict[str, Any] = {}

    def fake_serve(app: Starlette, host: str, port: int, announce: Any) -> None:
        seen.update(app=app, host=host, port=port)
        announce(f"http://{host}:{port}")

    monkeypatch.setattr("wa_templates.webhook.serve.serve", fake_serve)
    return seen


def post(app: Starlette, event: dict[str, Any]) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)

    async def send() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post(
                "/webhooks/8x8", content=cabm.body(event), headers={"Authorization": AUTH}
            )

    return anyio.run(send)


def test_serve_takes_each_targets_account_and_the_history_they_name(
    project: Path,
    served: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WA_TEMPLATES_SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T/B/x")
    assert main(["webhook", "serve", "--port", "9999"]) == 0
    err = capsys.readouterr().err
    assert "receiving at http://127.0.0.1:9999/webhooks/8x8 for prod, staging" in err
    assert "history sqlite:///" in err and "notifying slack" in err
    assert "hooks.slack.com" not in err
    app = served["app"]
    assert post(app, cabm.status("APPROVED")).json()["status"] == "stored"
    assert post(app, cabm.status("APPROVED", businessAccountId="1")).status_code == 403
    staging = cabm.status("APPROVED", accountId="acme_staging", businessAccountId="2")
    assert post(app, staging).status_code == 200
    assert (project / ".wa-templates" / "history.db").is_file()


def test_serve_for_the_sandbox_and_one_target(
    project: Path, served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(project / "other.db")
    assert main(["webhook", "serve", "--sandbox", "--target", "staging", "--db", db]) == 0
    assert "for sandbox, staging; history sqlite:///" in capsys.readouterr().err
    app = served["app"]
    sandbox = cabm.status("APPROVED", accountId=embedded.SANDBOX_ACCOUNT_ID)
    assert post(app, sandbox).status_code == 200
    assert post(app, cabm.status("APPROVED")).status_code == 403  # prod is not served


@pytest.mark.parametrize(
    ("args", "env", "code", "message"),
    [
        ([], {"WA_TEMPLATES_WEBHOOK_SECRET": ""}, 1, "WA_TEMPLATES_WEBHOOK_SECRET is not set"),
        ([], {"WA_TEMPLATES_WEBHOOK_SECRET": "has space in it 123"}, 1, "without spaces"),
        (["--target", "staging"], {}, 64, "no history store: pass --db"),
        (["--sandbox"], {}, 64, "no history store"),
        (["--target", "nope"], {}, 1, "unknown target nope (targets: prod, staging)"),
        (
            [],
            {"WA_TEMPLATES_NOTIFY_URL": "http://hooks.example.com/secret-path"},
            1,
            "WA_TEMPLATES_NOTIFY_URL is not an https URL",
        ),
        (
            [],
            {"WA_TEMPLATES_SLACK_WEBHOOK_URL": "not a url"},
            1,
            "WA_TEMPLATES_SLACK_WEBHOOK_URL is not an https URL",
        ),
        (["--db", "mysql://x/y"], {}, 1, "unsupported history store 'mysql'"),
    ],
)
def test_serve_refuses_to_start_without_what_it_needs(
    project: Path,
    served: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    code: int,
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["webhook", "serve", *args]) == code
    err = capsys.readouterr().err
    assert message in err
    assert "secret-path" not in err
    assert served == {}


def test_targets_naming_different_histories_need_db(
    project: Path, served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    config = project / "wa-templates.toml"
    config.write_text(config.read_text() + 'history = "sqlite:///elsewhere.db"\n')
    assert main(["webhook", "serve"]) == 64
    assert "different `history` stores" in capsys.readouterr().err
