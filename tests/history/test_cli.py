"""History from the command line: runs record what they saw, and `history NAME` shows it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests import cabm
from tests.plan.channel import simple
from wa_templates.cli.main import main
from wa_templates.history.events import parse_event
from wa_templates.history.store import HistoryStore, StoreError, open_store
from wa_templates.sandbox import embedded

ADMIN = (
    f"/_sandbox/accounts/{embedded.SANDBOX_ACCOUNT_ID}/channels/{embedded.SANDBOX_CHANNEL_ID}"
    "/templates"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "order_update.yaml").write_text(simple("order_update"))
    (tmp_path / "wa-templates.toml").write_text(
        cabm.target_table(history="sqlite:///.wa-templates/history.db")
    )
    return tmp_path


def pause(root: Path) -> None:
    transport = embedded.open_transport(embedded.default_state_path(root))
    with httpx.Client(
        transport=transport,
        base_url=embedded.SANDBOX_BASE_URL,
        headers={"Authorization": f"Bearer {embedded.SANDBOX_API_KEY}"},
    ) as client:
        response = client.patch(f"{ADMIN}/order_update/en_US", json={"status": "PAUSED"})
    assert response.status_code == 200, response.text


def test_apply_plan_and_drift_record_what_they_saw(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{project / 'runs.db'}"
    code, out, err = run(capsys, "apply", "--sandbox", "--auto-approve", "--history", db)
    assert code == 0, out + err
    assert run(capsys, "plan", "--sandbox", "--history", db)[0] == 0
    pause(project)
    assert run(capsys, "drift", "--sandbox", "--history", db)[0] == 2
    code, out, err = run(
        capsys, "history", "order_update", "--sandbox", "--history", db, "--format", "json"
    )
    assert code == 0, err
    document = json.loads(out)
    assert document["target"] == "sandbox"
    seen = [(e["command"], e["kind"], e.get("status")) for e in document["entries"]]
    # apply listed an empty channel before creating it; plan then saw it approved.
    assert seen == [("plan", "listed", "APPROVED"), ("drift", "listed", "PAUSED")]
    summary = document["summary"]["en_US"]
    assert summary["status"] == "PAUSED" and summary["pauses"] == 1
    assert summary["ever_approved"] == document["entries"][0]["at"]

    code, out, _ = run(capsys, "history", "order_update", "--sandbox", "--history", db)
    assert code == 0
    assert "History of order_update for sandbox" in out
    assert "plan saw     listed APPROVED UTILITY" in out
    assert "drift saw    listed PAUSED UTILITY" in out
    assert "order_update [en_US]: status PAUSED; first seen approved 20" in out
    assert "; 1 quality pause(s); last heard 20" in out


def test_a_targets_history_key_is_read_from_the_project_without_its_api_key(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store("sqlite:///.wa-templates/history.db", project)
    for event in (
        cabm.status("APPROVED", reason="NONE", timestamp="2026-01-01T10:00:00Z"),
        cabm.paused(timestamp="2026-01-02T10:00:00Z"),
        cabm.status(
            "FLAGGED", disableInfo={"disableDate": "2026-02-01"}, timestamp="2026-01-03T10:00:00Z"
        ),
        cabm.quality("GREEN", "RED", timestamp="2026-01-03T11:00:00Z"),
        cabm.category("UTILITY", "MARKETING", timestamp="2026-01-04T10:00:00Z"),
        cabm.status("REJECTED", reason="SCAM", language="es_MX", timestamp="2026-01-05T10:00:00Z"),
    ):
        store.ingest(parse_event(cabm.body(event)), "prod", datetime.now(UTC))
    store.close()
    (project / "sub").mkdir()
    monkeypatch.chdir(project / "sub")
    code, out, err = run(capsys, "history", "order_update", "--language", "en_US")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("History of order_update [en_US] for prod (sqlite:///")
    assert lines[1:6] == [
        "  2026-01-01 10:00:00Z  en_US  8x8 event    status APPROVED",
        "  2026-01-02 10:00:00Z  en_US  8x8 event    status PAUSED"
        " (FIRST_PAUSE; Pause description)",
        "  2026-01-03 10:00:00Z  en_US  8x8 event    status FLAGGED (disables on 2026-02-01)",
        "  2026-01-03 11:00:00Z  en_US  8x8 event    quality GREEN -> RED",
        "  2026-01-04 10:00:00Z  en_US  8x8 event    category UTILITY -> MARKETING",
    ]
    assert "es_MX" not in out
    code, out, _ = run(capsys, "history", "order_update")
    assert "status REJECTED (reason SCAM)" in out
    assert "order_update [es_MX]: status REJECTED; never seen approved; 0 quality pause(s)" in out
    assert (
        "order_update [en_US]: status FLAGGED; first seen approved 2026-01-01T10:00:00+00:00; "
        "quality RED; 1 quality pause(s); 1 category change(s); last heard 2026-01-04T10:00:00"
    ) in out
    code, out, _ = run(capsys, "history", "never_heard_of")
    assert code == 0 and out.startswith("No history of never_heard_of for prod")


def test_without_a_history_store_history_says_how_to_get_one(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "history", "order_update", "--sandbox")
    assert code == 1
    # The sandbox has no [targets.sandbox] table to set `history` in.
    assert err == "error: no history store for sandbox: pass --history DB\n"
    (project / "wa-templates.toml").write_text(cabm.target_table())
    code, _, err = run(capsys, "history", "order_update")
    assert code == 1
    assert err == (
        "error: no history store for prod: set `history` in its [targets.prod] table, "
        "or pass --history DB\n"
    )


@pytest.mark.parametrize("given", ["--history", "key"])
def test_history_refuses_a_sqlite_store_that_does_not_exist_and_creates_none(
    project: Path, capsys: pytest.CaptureFixture[str], given: str
) -> None:
    # A mistyped path would be a new, empty store saying "No history of ...", exit 0.
    if given == "key":
        args: tuple[str, ...] = ()
        missing = project / ".wa-templates" / "history.db"
    else:
        missing = project / "mistyped.db"
        args = ("--sandbox", "--history", str(missing))
    code, out, err = run(capsys, "history", "order_update", *args)
    assert (code, out) == (1, "")
    assert err == f"error: no history store at sqlite:///{missing}: the file does not exist\n"
    assert not missing.exists() and not missing.parent.joinpath("mistyped.db-wal").exists()
    # The writers still create it: webhook serve, and the runs that record what they saw.
    db = f"sqlite:///{project / 'runs.db'}"
    assert run(capsys, "plan", "--sandbox", "--history", db)[0] == 0
    assert run(capsys, "history", "order_update", "--sandbox", "--history", db)[0] == 0


def test_history_of_a_name_no_template_can_have_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "history", "Bad Name!", "--sandbox", "--history", "x.db")
    assert (code, out) == (64, "")
    assert "name 'Bad Name!' must match ^[a-z0-9_]{1,512}$" in err
    assert not (project / "x.db").exists()


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (("history",), "The history store to read"),
        (("plan",), "to ask what 8x8's list leaves out"),
        (("apply",), "to ask what 8x8's list leaves out"),
        (("drift",), "to ask what 8x8's list leaves out"),
        (("names",), "Record the statuses this run sees"),
        (("import",), "Record the statuses this run sees"),
    ],
)
def test_each_commands_history_option_says_what_it_does_with_the_store(
    capsys: pytest.CaptureFixture[str], command: tuple[str, ...], says: str
) -> None:
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0
    option = " ".join(out[out.index("--history DB") :].split("--", 2)[1].split())
    assert says in option, option


def test_webhook_register_takes_no_history_store(capsys: pytest.CaptureFixture[str]) -> None:
    # It talks to 8x8's webhook API only: a store given to it was silently ignored.
    code, out, _ = run(capsys, "webhook", "register", "--help")
    assert code == 0 and "--history" not in out


def test_a_history_that_cannot_be_written_warns_once_and_the_run_goes_on(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: HistoryStore, *args: object) -> int:
        raise StoreError("history store x: disk I/O error")

    monkeypatch.setattr(HistoryStore, "record_listing", broken)
    db = f"sqlite:///{project / 'runs.db'}"
    code, out, err = run(capsys, "apply", "--sandbox", "--auto-approve", "--history", db)
    assert code == 0, out + err
    assert err.count("warning: this run's statuses were not recorded") == 1


def test_a_history_store_that_cannot_be_opened_stops_before_the_channel(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "plan", "--sandbox", "--history", "mysql://x/y")
    assert code == 1
    assert "unsupported history store 'mysql'" in err


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            'history = "mysql://u:pw@h/db"',
            "wa-templates.toml:6: 'targets.prod.history': must be a sqlite:///FILE or postgresql://",
        ),
        (
            'waba_id = "abc"',
            "wa-templates.toml:6: 'targets.prod.waba_id': 'abc' is not a WhatsApp Business "
            "Account id",
        ),
    ],
)
def test_bad_history_or_waba_keys_are_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    line: str,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wa-templates.toml").write_text(
        f'[targets.prod]\naccount_id = "{cabm.ACCOUNT}"\nchannel_id = "c"\nregion = "eu"\n'
        f'api_key_env = "K"\n{line}\n'
    )
    code, _, err = run(capsys, "history", "x")
    assert code == 1
    assert message in err and "pw" not in err
