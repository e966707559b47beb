"""Several targets in one run, on one `sandbox serve` holding a channel per target: plan and
apply with `--target` repeated or `--all-targets`, a section and a document per target, the
worst exit code, saved plans per target."""

from __future__ import annotations

import json
import socket

import pytest

from tests.e2e.conftest import ACCOUNT, KEY_ENV, Project, Sandbox, simple
from tests.helpers import assert_valid, target_table

pytestmark = pytest.mark.e2e

CHANNELS = {"dev": "dev-channel", "prod": "prod-channel", "stage": "stage-channel"}


def closed() -> str:
    """A local URL nothing answers at: a port just bound and let go."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def configure(project: Project, urls: dict[str, str]) -> None:
    """A target per name, each on its own channel at its URL."""
    tables = [
        target_table(name, ACCOUNT, CHANNELS[name], KEY_ENV, base_url=url)
        for name, url in urls.items()
    ]
    (project.root / "wa-templates.toml").write_text("\n".join(tables), encoding="utf-8")


def listed(sandbox: Sandbox, target: str) -> set[tuple[str, str]]:
    path = f"/api/v1/accounts/{ACCOUNT}/channels/{CHANNELS[target]}/templates"
    response = sandbox.http.get(path)
    assert response.status_code == 200, response.text
    return {(t["templateName"], t["language"]) for t in response.json()["templates"]}


def register(sandbox: Sandbox, target: str, name: str, text: str) -> None:
    """A template someone registered on that channel (the sandbox approves it at once)."""
    path = f"/api/v1/accounts/{ACCOUNT}/channels/{CHANNELS[target]}/templates"
    payload = {
        "name": name,
        "language": "en_US",
        "category": "UTILITY",
        "components": [{"type": "BODY", "text": text, "examples": ["Ana"]}],
    }
    response = sandbox.http.post(path, json=payload)
    assert response.status_code == 200, response.text


@pytest.fixture
def two(project: Project, sandbox: Sandbox) -> Project:
    configure(project, {"dev": sandbox.url, "prod": sandbox.url})
    project.write("order_update", simple("order_update"))
    return project


def test_plan_has_a_section_per_target_and_exits_with_the_worst(
    two: Project, sandbox: Sandbox
) -> None:
    # prod already holds order_update, approved, with other text: blocked there (3); dev gets
    # a create (2 with --detailed-exitcode). The worst is 3.
    register(sandbox, "prod", "order_update", "Hi {{1}}, this text was approved long ago here.")
    planned = two.run("plan", "--target", "dev", "--target", "prod", "--detailed-exitcode")
    assert planned.code == 3, planned.out + planned.err
    out = planned.out
    dev, prod = out.index("Plan for target dev"), out.index("Plan for target prod")
    assert dev < prod
    assert "+ template.order_update[en_US]  create" in out[dev:prod]
    assert "! template.order_update[en_US]  blocked" in out[prod:]
    assert out.rstrip().endswith(
        "Targets (2, planned at once):\n"
        "  dev   1 to create, 0 to recreate, 0 to delete, 0 blocked (exit 2)\n"
        "  prod  0 to create, 0 to recreate, 0 to delete, 1 blocked; not applyable (exit 3)"
    )
    # Without --detailed-exitcode a plan with changes exits 0: still the worst, 3.
    assert two.run("plan", "--all-targets").code == 3
    assert two.run("plan", "--target", "dev").code == 0


def test_a_target_that_cannot_be_reached_is_reported_and_the_others_planned(
    two: Project, sandbox: Sandbox
) -> None:
    # stage points where nothing answers: its plan fails, the others do not.
    configure(two, {"dev": sandbox.url, "prod": sandbox.url, "stage": closed()})
    planned = two.run("plan", "--all-targets", "--format", "json")
    assert planned.code == 1, planned.out + planned.err
    document = json.loads(planned.out)
    assert_valid(document, "plan-targets")
    assert document["exit_code"] == 1
    entries = {t["target"]: t for t in document["targets"]}
    assert list(entries) == ["dev", "prod", "stage"]
    assert entries["dev"]["exit_code"] == entries["prod"]["exit_code"] == 0
    assert entries["dev"]["plan"]["summary"]["create"] == 1
    assert entries["stage"]["plan"] is None and entries["stage"]["exit_code"] == 1
    assert "no answer from http://127.0.0.1:" in entries["stage"]["error"]
    shown = two.run("plan", "--all-targets")
    assert "Plan for target stage\nerror: no answer from http://127.0.0.1:" in shown.out
    assert "  stage  error (exit 1)" in shown.out


def test_the_json_holds_each_targets_plan_as_planned_alone(two: Project) -> None:
    together = two.run("plan", "--target", "prod", "--target", "dev", "--format", "json")
    assert together.code == 0, together.err
    document = json.loads(together.out)
    assert [t["target"] for t in document["targets"]] == ["prod", "dev"]  # as given
    for entry in document["targets"]:
        alone = two.run("plan", "--target", entry["target"], "--format", "json")
        assert entry["plan"] == json.loads(alone.out)
        assert entry["description"] == f"target {entry['target']}" and entry["error"] is None


def test_one_target_named_twice_is_planned_once(two: Project) -> None:
    planned = two.run("plan", "--target", "dev", "--target", "dev", "--format", "json")
    assert [t["target"] for t in json.loads(planned.out)["targets"]] == ["dev"]


def test_an_unknown_or_keyless_target_stops_the_run_before_any_channel_is_read(
    two: Project, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    typo = two.run("plan", "--target", "dev", "--target", "prdo")
    assert typo.code == 1 and typo.out == ""
    assert "unknown target 'prdo' (did you mean 'prod'?" in typo.err
    monkeypatch.delenv(KEY_ENV)
    keyless = two.run("plan", "--all-targets")
    assert keyless.code == 1 and keyless.out == ""
    assert f"environment variable {KEY_ENV} is not set" in keyless.err
    assert listed(sandbox, "dev") == set()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("plan", "--all-targets", "--target", "dev"), "--all-targets already selects every"),
        (("plan", "--sandbox", "--target", "dev"), "--target and --sandbox cannot be used"),
        (("apply", "--sandbox", "--all-targets"), "--all-targets and --sandbox cannot be used"),
    ],
)
def test_selections_that_contradict_themselves_are_usage_errors(
    two: Project, args: tuple[str, ...], said: str
) -> None:
    outcome = two.run(*args)
    assert outcome.code == 64 and said in outcome.err


def test_plans_saved_per_target_are_applied_each_to_its_channel(
    two: Project, sandbox: Sandbox
) -> None:
    saved = two.run("plan", "--all-targets", "--out", "plans")
    assert saved.code == 0, saved.err
    assert sorted(p.name for p in (two.root / "plans").iterdir()) == ["dev.json", "prod.json"]
    dev = json.loads((two.root / "plans" / "dev.json").read_text())
    assert dev["channel"]["channel_id"] == CHANNELS["dev"]
    applied = two.run("apply", "plans/dev.json", "plans/prod.json", "--format", "json")
    assert applied.code == 0, applied.out + applied.err
    document = json.loads(applied.out)
    assert_valid(document, "apply-targets")
    assert [t["target"] for t in document["targets"]] == ["dev", "prod"]
    for entry in document["targets"]:
        assert entry["apply"]["plan_file"] == f"plans/{entry['target']}.json"
        assert entry["apply"]["summary"]["created"] == 1
    assert listed(sandbox, "dev") == listed(sandbox, "prod") == {("order_update", "en_US")}
    # What apply says for people went to stderr, each line naming its target.
    assert "dev:   + template.order_update[en_US]: created" in applied.err


def test_a_target_without_a_plan_this_run_loses_its_older_file(
    two: Project, sandbox: Sandbox
) -> None:
    assert two.run("plan", "--all-targets", "--out", "plans").code == 0
    configure(two, {"dev": sandbox.url, "prod": closed()})
    again = two.run("plan", "--all-targets", "--out", "plans")
    assert again.code == 1
    # prod could not be planned: its plan of the run before must not pass for this run's.
    assert sorted(p.name for p in (two.root / "plans").iterdir()) == ["dev.json"]


def test_out_with_several_targets_is_a_folder(two: Project) -> None:
    (two.root / "plans").write_text("not a folder")
    outcome = two.run("plan", "--all-targets", "--out", "plans")
    assert outcome.code == 64 and "a folder for their plans" in outcome.err


def test_a_target_name_that_is_no_file_name_is_refused_before_planning(
    two: Project, sandbox: Sandbox
) -> None:
    toml = two.root / "wa-templates.toml"
    toml.write_text(toml.read_text().replace("[targets.prod]", '[targets."../prod"]'))
    outcome = two.run("plan", "--all-targets", "--out", "plans")
    assert outcome.code == 1 and 'target "../prod" cannot name a plan file' in outcome.err
    assert not (two.root / "plans").exists() and not (two.root / "prod.json").exists()


def test_apply_of_several_targets_applies_each_and_says_which(
    two: Project, sandbox: Sandbox
) -> None:
    register(sandbox, "prod", "order_update", "Hi {{1}}, this text was approved long ago here.")
    applied = two.run("apply", "--all-targets", "--auto-approve")
    assert applied.code == 3, applied.out + applied.err  # prod is blocked: the worst
    assert "dev:   + template.order_update[en_US]: created, pending Meta's review" in applied.out
    assert "dev: Apply finished: 1 created, 0 names deleted, 0 failed." in applied.out
    assert applied.out.rstrip().endswith(
        "Targets (2, applied at once):\n"
        "  dev   1 created, 0 names deleted, 0 failed (exit 0)\n"
        "  prod  blocked (exit 3)"
    )
    assert listed(sandbox, "dev") == {("order_update", "en_US")}
    assert sandbox.http.get("/_sandbox/health").status_code == 200


def test_saved_plans_with_other_flags_are_usage_errors(two: Project) -> None:
    assert two.run("plan", "--all-targets", "--out", "plans").code == 0
    files = ("plans/dev.json", "plans/prod.json")
    every = two.run("apply", *files, "--all-targets")
    assert every.code == 64 and "--all-targets cannot be used with plan files" in every.err
    other = two.run("apply", "plans/dev.json", "--target", "prod")
    assert other.code == 64 and "plans/dev.json was made for target prod" not in other.err
    assert "plans/dev.json was made for target dev" in other.err
    missing = two.run("apply", "plans/dev.json", "--target", "dev", "--target", "prod")
    assert missing.code == 64 and "--target prod: none of the plan files was made for it" in (
        missing.err
    )
    twice = two.run("apply", "plans/dev.json", "plans/dev.json")
    assert twice.code == 64 and "were both made for target dev" in twice.err
