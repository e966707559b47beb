"""`apply --format json` always reports, also when it stopped before it had a plan: an unreadable
plan file, a missing API key, a confirmation it could not ask; the exit code is the error's,
and the error is on stderr too, masked of secrets."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.commands.conftest import Outcome, Repo
from tests.helpers import assert_valid, target_table
from wa_templates.errors import WaError
from wa_templates.provider import redact

ACCOUNT = "0123456789abcdef0123456789abcdef"


def _targets(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    tables = [
        target_table(name, ACCOUNT, f"channel-{name}", f"{name.upper()}_KEY", region="eu")
        for name in ("dev", "stg")
    ]
    (repo.root / "wa-templates.toml").write_text("\n".join(tables))
    monkeypatch.delenv("DEV_KEY", raising=False)
    monkeypatch.delenv("STG_KEY", raising=False)


def _document(outcome: Outcome, schema: str = "apply", code: int = 1) -> Any:
    """stdout, one document valid against `schema`, of a run that exited with `code`."""
    assert outcome.code == code, outcome.err
    document = json.loads(outcome.out)
    assert_valid(document, schema)
    return document


def _stopped(document: Any, error: str) -> None:
    assert document["outcome"] == "error" and document["planned"] is False
    assert document["error"] == error
    assert document["changes"] == [] and set(document["summary"].values()) == {0}


def test_a_plan_file_with_an_unknown_field_is_reported(repo: Repo) -> None:
    repo.saved_plan()
    plan = json.loads((repo.root / "plan.json").read_text())
    (repo.root / "plan.json").write_text(json.dumps({**plan, "surprise": 1}))
    outcome = repo.run("apply", "plan.json", "--format", "json")
    document = _document(outcome)
    error = outcome.err.removeprefix("error: ").strip()
    assert "surprise" in error and outcome.err.count("\n") == 1
    _stopped(document, error)
    assert document["plan_file"] == "plan.json"
    assert document["target"] is None and document["channel"] is None


def test_a_missing_api_key_is_reported_with_the_channel(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _targets(repo, monkeypatch)
    outcome = repo.run("apply", "--target", "dev", "--format", "json", "--auto-approve")
    document = _document(outcome)
    assert "DEV_KEY is not set" in outcome.err
    _stopped(document, outcome.err.removeprefix("error: ").strip())
    assert document["target"] == "target dev"
    assert document["channel"]["channel_id"] == "channel-dev"
    assert document["plan_file"] is None


def test_several_targets_stopped_name_each_target_and_the_error(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _targets(repo, monkeypatch)
    monkeypatch.setenv("DEV_KEY", "a-key-for-dev-that-is-long")
    outcome = repo.run("apply", "--all-targets", "--format", "json", "--auto-approve")
    document = _document(outcome, "apply-targets")
    assert "STG_KEY is not set" in document["error"] and document["exit_code"] == 1
    assert [t["target"] for t in document["targets"]] == ["dev", "stg"]
    for each in document["targets"]:
        assert each["error"] == document["error"] and each["exit_code"] == 1
        _stopped(each["apply"], document["error"])


def test_an_unknown_target_leaves_no_channel_to_name(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _targets(repo, monkeypatch)
    outcome = repo.run("apply", "--target", "dve", "--format", "json", "--auto-approve")
    document = _document(outcome)
    assert "unknown target 'dve'" in document["error"] and document["channel"] is None
    several = repo.run("apply", "--target", "dve", "--target", "dev", "--format", "json")
    document = _document(several, "apply-targets")
    assert "unknown target 'dve'" in document["error"] and document["targets"] == []


def test_a_usage_error_of_apply_itself_keeps_its_exit_code(repo: Repo) -> None:
    repo.saved_plan()
    outcome = repo.run("apply", "plan.json", "--prune", "--format", "json")
    document = _document(outcome, code=64)
    assert document["exit_code"] == 64 and "--prune cannot be used" in document["error"]
    assert document["channel"]["sandbox"] == ".wa-templates/sandbox.json"


def test_a_secret_in_the_error_is_masked_in_the_document(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-live-0123456789abcdefghij"
    redact.register(secret)

    def refused(*args: Any) -> Any:
        raise WaError(f"8x8 refused the key {secret}")

    monkeypatch.setattr("wa_templates.cli.commands.plan.open_channel", refused)
    outcome = repo.run("apply", "--sandbox", "--format", "json", "--auto-approve")
    assert outcome.code == 1
    assert secret not in outcome.out + outcome.err
    assert json.loads(outcome.out)["error"] == f"8x8 refused the key {redact.MASK}"


def test_a_confirmation_that_cannot_be_asked_is_every_change_not_attempted(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    outcome = repo.run("apply", "--sandbox", "--format", "json")
    document = _document(outcome)
    assert document["outcome"] == "error" and document["planned"] is True
    assert "pass --auto-approve" in document["error"]
    assert [c["result"] for c in document["changes"]] == ["not_attempted"]
    assert repo.listing() == []
    text = repo.run("apply", "--sandbox")
    assert text.code == 1 and text.out.count("refusing to apply") == 0
    assert "error: refusing to apply without confirmation" in text.err
