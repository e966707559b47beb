"""`webhook register` against a stand-in for 8x8's Webhook Configuration API over real HTTP.

The stand-in follows the OpenAPI (webhooks-api.json): POST creates or replaces by subAccountId
and type, DELETE removes by subAccountId and type, and a body without a type means CADR and MSG,
which is why every request register sends must say CABM. GET masks httpAuthorization.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.webhook.conftest import SECRET
from wa_templates.cli.main import main
from wa_templates.sandbox.serve import run_in_thread
from wa_templates.webhook.register import plan_registration, wanted_webhook
from wa_templates.webhook.serve import make_server

ACCOUNT = "8a0e7f4c-2b6d-4c1e-9f3a-5d7b1e2c4a60"
KEY = "register-test-api-key-0123456789"
URL = "https://hooks.example.com/webhooks/8x8"
CADR = {
    "type": "CADR",
    "subAccountId": "Onion_Marketing",
    "url": "http://example.com/dr",
    "enabled": True,
}
MSG = {
    "type": "MSG",
    "subAccountId": "*",
    "url": "http://example.com/mo",
    "enabled": True,
    "httpAuthorization": "Basic dXNlcjpwYXNzd29yZA==",
}


@dataclass
class Fake8x8:
    url: str = ""
    hooks: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, Any]] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)

    def listed(self, kind: str) -> list[dict[str, Any]]:
        return [h for h in self.hooks if h["type"] == kind]


@pytest.fixture
def fake() -> Iterator[Fake8x8]:
    state = Fake8x8(hooks=[dict(CADR), dict(MSG)])

    async def webhooks(request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {KEY}":
            return JSONResponse({"code": 1200, "message": "Request was not authenticated"}, 401)
        if request.path_params["account"] != ACCOUNT:
            return JSONResponse({"code": 1001, "message": "no such account"}, 404)
        body = await request.json() if request.method != "GET" else None
        state.requests.append((request.method, body))
        if state.failures:
            return JSONResponse({"code": 2000, "message": "Internal"}, state.failures.pop(0))
        if request.method == "GET":
            masked = [
                {**h, **({"httpAuthorization": "***"} if h.get("httpAuthorization") else {})}
                for h in state.hooks
            ]
            return JSONResponse(masked)
        for item in body:
            kinds = [item["type"]] if item.get("type") else ["CADR", "MSG"]
            for kind in kinds:
                state.hooks = [
                    h
                    for h in state.hooks
                    if not (h["type"] == kind and h["subAccountId"] == item["subAccountId"])
                ]
                if request.method == "POST":
                    state.hooks.append({**item, "type": kind})
        return Response(status_code=200)

    app = Starlette(
        routes=[
            Route(
                "/api/v1/accounts/{account}/webhooks", webhooks, methods=["GET", "POST", "DELETE"]
            )
        ]
    )
    running = run_in_thread(
        make_server(app, "127.0.0.1", 0, quiet=True), "127.0.0.1", 0, 10, "fake-8x8"
    )
    state.url = running.url
    yield state
    running.stop()


@pytest.fixture
def project(tmp_path: Path, fake: Fake8x8, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "wa-templates.toml").write_text(
        textwrap.dedent(f"""\
        [targets.prod]
        account_id = "{ACCOUNT}"
        channel_id = "c"
        base_url = "{fake.url}"
        api_key_env = "WA_REGISTER_TEST_KEY"
        """)
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WA_REGISTER_TEST_KEY", KEY)
    monkeypatch.setenv("WA_TEMPLATES_WEBHOOK_SECRET", SECRET)
    return tmp_path


def register(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["webhook", "register", "--auto-approve", *args])
    out, err = capsys.readouterr()
    assert SECRET not in out + err and KEY not in out + err
    return code, out, err


def test_register_creates_only_a_cabm_webhook_and_a_rerun_changes_nothing(
    project: Path, fake: Fake8x8, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = register(capsys, "--url", URL)
    assert code == 0
    assert f"+ create CABM subAccountId=* {URL} (enabled, Authorization set)" in out
    assert "CADR subAccountId=Onion_Marketing http://example.com/dr (enabled)  (not touched)" in out
    assert fake.requests[-1] == (
        "POST",
        [
            {
                "type": "CABM",
                "subAccountId": "*",
                "url": URL,
                "enabled": True,
                "httpAuthorization": f"Bearer {SECRET}",
            }
        ],
    )
    assert fake.listed("CADR") == [CADR] and fake.listed("MSG") == [MSG]

    sent = len(fake.requests)
    code, out, _ = register(capsys, "--url", URL)
    assert code == 0
    assert "No changes: already registered." in out
    assert [m for m, _ in fake.requests[sent:]] == ["GET"]


def test_a_new_url_updates_it_and_force_resends_the_secret(
    project: Path, fake: Fake8x8, capsys: pytest.CaptureFixture[str]
) -> None:
    register(capsys, "--url", URL)
    code, out, _ = register(capsys, "--url", "https://new.example.com/webhooks/8x8")
    assert code == 0
    assert "~ update CABM subAccountId=* https://new.example.com/webhooks/8x8" in out
    assert "(url)" in out
    assert [h["url"] for h in fake.listed("CABM")] == ["https://new.example.com/webhooks/8x8"]
    code, out, _ = register(capsys, "--url", "https://new.example.com/webhooks/8x8", "--force")
    assert "--force: the secret is resent" in out
    assert fake.requests[-1][0] == "POST"


def test_remove_takes_away_only_the_cabm_webhook(
    project: Path, fake: Fake8x8, capsys: pytest.CaptureFixture[str]
) -> None:
    register(capsys, "--url", URL)
    code, out, _ = register(capsys, "--remove")
    assert code == 0
    assert "- delete CABM subAccountId=*" in out
    assert fake.requests[-1] == ("DELETE", [{"subAccountId": "*", "type": "CABM"}])
    assert fake.listed("CABM") == [] and fake.listed("CADR") == [CADR]
    code, out, _ = register(capsys, "--url", URL, "--remove")
    assert "No changes: no CABM webhook is registered." in out


def test_a_disabled_or_unauthenticated_webhook_is_updated() -> None:
    wanted = wanted_webhook(URL, "Bearer x", "*")
    current = {"type": "CABM", "subAccountId": "*", "url": URL, "enabled": False}
    change = plan_registration([current, CADR], wanted)
    assert (change.action, change.reason, change.others) == (
        "update",
        "enabled, httpAuthorization",
        [CADR],
    )
    oauth = {**current, "enabled": True, "httpAuthorization": "***", "oauth": {"url": "x"}}
    assert plan_registration([oauth], wanted).reason == "oauth"
    other_scope = {**current, "subAccountId": "acme"}
    assert plan_registration([other_scope], wanted).action == "create"


def test_server_errors_are_retried_by_the_client(
    project: Path,
    fake: Fake8x8,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("wa_templates.provider.client.time.sleep", lambda _s: None)
    monkeypatch.setattr("time.sleep", lambda _s: None)
    fake.failures = [503, 500]
    code, _, err = register(capsys, "--url", URL)
    assert code == 0, err
    assert len(fake.listed("CABM")) == 1


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ["--url", URL],
            {"WA_TEMPLATES_WEBHOOK_SECRET": ""},
            "WA_TEMPLATES_WEBHOOK_SECRET is not set",
        ),
        (["--url", URL], {"WA_TEMPLATES_WEBHOOK_SECRET": "short"}, "at least 16 printable"),
        (["--url", URL], {"WA_REGISTER_TEST_KEY": "wrong-key-0123456789"}, "API key rejected"),
    ],
)
def test_refusals_are_one_line(
    project: Path,
    fake: Fake8x8,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, _, err = register(capsys, *args)
    assert code == 1
    assert message in err and len(err.strip().splitlines()) == 1
    assert fake.listed("CABM") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "notaurl"], "--url 'notaurl': expected the receiver's https URL"),
        (["--url", "http://hooks.example.com/x"], "expected the receiver's https URL"),
        (["--url", "notaurl", "--remove"], "--url 'notaurl': expected"),
        ([], "--url is required: the receiver's public URL (only --remove needs none)"),
    ],
)
def test_a_missing_or_bad_url_is_a_usage_error(
    project: Path, fake: Fake8x8, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = register(capsys, *args)
    assert code == 64
    assert message in err and len(err.strip().splitlines()) == 1
    assert fake.requests == [] and fake.listed("CABM") == []


def test_without_auto_approve_and_no_terminal_nothing_changes(
    project: Path, fake: Fake8x8, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["webhook", "register", "--url", URL])
    assert code == 1
    assert "pass --auto-approve" in capsys.readouterr().err
    assert fake.listed("CABM") == []
