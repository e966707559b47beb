"""`--format json` everywhere: stdout holds one document and nothing else, real output is valid
against the schemas published under schema/, and a command that stops early (templates with
errors) still says why on stdout."""

from __future__ import annotations

import json
from typing import Any

import click
import pytest

from tests.commands.conftest import TEMPLATES, Repo
from tests.helpers import assert_valid
from tests.plan.channel import simple
from wa_templates.cli.main import cli
from wa_templates.errors import WaError

BROKEN = "name: broken\ncategory: UTILITY\nlanguages: {}\n"


def _json(text: str) -> Any:
    """The whole of stdout is one JSON document (json.loads refuses anything around it)."""
    return json.loads(text)


@pytest.mark.parametrize(
    "command",
    [("plan",), ("apply", "--auto-approve"), ("drift",), ("names",)],
)
def test_invalid_templates_give_their_diagnostics_as_json_on_stdout(
    repo: Repo, command: tuple[str, ...]
) -> None:
    repo.write("broken", BROKEN)
    outcome = repo.run(*command, "--sandbox", "--format", "json")
    assert outcome.code == 1
    document = _json(outcome.out)
    assert_valid(document, "invalid")
    assert document["error"] == "the templates have errors; nothing on the channel was read"
    assert document["errors"] == 1 and document["files"] == 2
    [diagnostic] = document["diagnostics"]
    assert diagnostic["file"] == "templates/broken.yaml" and diagnostic["rule"] == "WA005"
    # People still read the diagnostics on stderr, as without --format json.
    assert "templates/broken.yaml:3:" in outcome.err
    assert repo.listing() == []


def test_validate_json_is_valid_against_its_schema(repo: Repo) -> None:
    repo.write("broken", BROKEN)
    outcome = repo.run("validate", "--format", "json")
    assert outcome.code == 1
    document = _json(outcome.out)
    assert_valid(document, "validate")
    assert [d["rule"] for d in document] == ["WA005"]


def test_plan_json_is_valid_against_the_plan_schema(repo: Repo) -> None:
    outcome = repo.run("plan", "--sandbox", "--format", "json")
    assert outcome.code == 0
    assert_valid(_json(outcome.out), "plan")


def test_apply_json_has_a_record_per_change_and_nothing_else_on_stdout(repo: Repo) -> None:
    repo.write("second", simple("second", body="Hello {{1}}, your parcel left our warehouse."))
    applied = repo.run("apply", "--sandbox", "--auto-approve", "--format", "json")
    assert applied.code == 0, applied.err
    document = _json(applied.out)
    assert_valid(document, "apply")
    assert document["outcome"] == "applied" and document["exit_code"] == 0
    assert document["target"] == "sandbox (.wa-templates/sandbox.json)"
    assert document["plan_file"] is None and document["channel"]["sandbox"]
    assert [(c["address"], c["action"], c["result"]) for c in document["changes"]] == [
        ("template.order_update[en_US]", "create", "created"),
        ("template.second[en_US]", "create", "created"),
    ]
    record = document["changes"][0]
    assert record["name"] == record["template"] == "order_update"
    assert record["message"] == "created, pending Meta's review" and record["error"] is None
    assert document["summary"]["created"] == 2 and document["summary"]["failed"] == 0
    # What apply says for people went to stderr: the plan and a line per result.
    assert "Plan for sandbox" in applied.err
    assert "  + template.second[en_US]: created, pending Meta's review" in applied.err

    (repo.root / "templates" / "second.yaml").unlink()
    pruned = repo.run("apply", "--sandbox", "--auto-approve", "--prune", "--format", "json")
    document = _json(pruned.out)
    assert_valid(document, "apply")
    assert [(c["address"], c["action"], c["result"]) for c in document["changes"]] == [
        ("template.second[en_US]", "delete", "deleted")
    ]

    nothing = repo.run("apply", "--sandbox", "--auto-approve", "--format", "json")
    document = _json(nothing.out)
    assert document["outcome"] == "no_changes" and document["changes"] == []


def test_a_refused_create_carries_8x8s_status_code_and_message(repo: Repo) -> None:
    # order_update was approved and then deleted outside git: its name is locked for 30 days,
    # and 8x8 refuses the create with 409, code 3060.
    assert repo.run("apply", "--sandbox", "--auto-approve").code == 0
    with repo.channel() as client:
        assert client.delete(f"{TEMPLATES}/order_update").status_code == 200
    outcome = repo.run("apply", "--sandbox", "--auto-approve", "--format", "json")
    assert outcome.code == 1, outcome.out + outcome.err
    document = _json(outcome.out)
    assert_valid(document, "apply")
    [record] = document["changes"]
    assert record["result"] == "failed" and record["action"] == "create"
    assert record["error"]["http_status"] == 409 and record["error"]["code"] == 3060
    assert "30 days" in record["error"]["message"]
    assert "(HTTP 409, code 3060" in record["message"]
    assert document["summary"]["failed"] == 1


def test_a_blocked_plan_is_reported_with_each_change(repo: Repo) -> None:
    assert repo.run("apply", "--sandbox", "--auto-approve").code == 0
    repo.write("order_update", simple("order_update", body="Hello {{1}}, entirely new words."))
    repo.write("newcomer", simple("newcomer", body="Hello {{1}}, a brand new template."))
    outcome = repo.run("apply", "--sandbox", "--auto-approve", "--format", "json")
    assert outcome.code == 3
    document = _json(outcome.out)
    assert_valid(document, "apply")
    assert document["outcome"] == "blocked"
    results = {c["name"]: (c["action"], c["result"]) for c in document["changes"]}
    assert results == {
        "newcomer": ("create", "not_attempted"),
        "order_update": ("blocked", "blocked"),
    }


def test_a_stale_saved_plan_in_json(repo: Repo) -> None:
    repo.saved_plan()
    repo.register("order_update", "Someone else's words.")
    outcome = repo.run("apply", "plan.json", "--format", "json")
    assert outcome.code == 4
    document = _json(outcome.out)
    assert_valid(document, "apply")
    assert document["outcome"] == "stale" and document["plan_file"] == "plan.json"
    assert document["problems"] and "order_update[en_US]" in document["problems"][0]
    assert "plan.json is stale" in outcome.err


def test_an_error_in_json_mode_is_still_a_document_and_one_line(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.saved_plan()

    def unreachable(*args: Any) -> Any:
        raise WaError("cannot reach the 8x8 API: connection refused")

    monkeypatch.setattr("wa_templates.apply.run.recheck", unreachable)
    outcome = repo.run("apply", "plan.json", "--format", "json")
    assert outcome.code == 1
    document = _json(outcome.out)
    assert_valid(document, "apply")
    assert document["outcome"] == "error"
    assert document["error"] == "cannot reach the 8x8 API: connection refused"
    assert outcome.err.endswith("error: cannot reach the 8x8 API: connection refused\n")


def test_drift_json_is_valid_against_its_schema(repo: Repo) -> None:
    assert repo.run("apply", "--sandbox", "--auto-approve").code == 0
    outcome = repo.run("drift", "--sandbox", "--format", "json")
    document = _json(outcome.out)
    assert_valid(document, "drift")
    assert document["summary"]["resources"] == 1


def test_import_json_has_a_record_per_template(repo: Repo) -> None:
    assert repo.run("apply", "--sandbox", "--auto-approve").code == 0
    (repo.root / "templates" / "order_update.yaml").unlink()
    outcome = repo.run("import", "--sandbox", "--format", "json")
    assert outcome.code == 0, outcome.err
    document = _json(outcome.out)
    assert_valid(document, "import")
    assert document["templates"] == [
        {
            "name": "order_update",
            "action": "created",
            "path": "templates/order_update.yaml",
            "detail": "",
            "statuses": {"en_US": "APPROVED"},
            "registered": "order_update",
            "notes": [],
            "changed": [],
        }
    ]
    assert document["summary"]["created"] == 1 and document["dry_run"] is False
    assert outcome.err.startswith("created    templates/order_update.yaml")
    again = _json(repo.run("import", "--sandbox", "--format", "json").out)
    assert [t["action"] for t in again["templates"]] == ["unchanged"]


def test_import_json_says_what_a_dry_run_would_change(repo: Repo) -> None:
    assert repo.run("apply", "--sandbox", "--auto-approve").code == 0
    path = repo.root / "templates" / "order_update.yaml"
    edited = path.read_text(encoding="utf-8").replace("{{1}}", "{{1}} (edited)", 1)
    assert edited != path.read_text(encoding="utf-8")
    path.write_text(edited, encoding="utf-8")
    outcome = repo.run("import", "--sandbox", "--force", "--dry-run", "--format", "json")
    document = _json(outcome.out)
    assert_valid(document, "import")
    assert document["dry_run"] is True
    (record,) = document["templates"]
    assert record["action"] == "updated" and record["changed"], record
    assert path.read_text(encoding="utf-8") == edited  # nothing written
    assert "+++ b/templates/order_update.yaml" in outcome.err  # the diff is for people


def test_import_json_of_an_empty_channel(repo: Repo) -> None:
    outcome = repo.run("import", "--sandbox", "--format", "json")
    document = _json(outcome.out)
    assert document["templates"] == [] and document["exit_code"] == 0
    assert "nothing to import" in outcome.err


JSON_COMMANDS = (
    "validate",
    "plan",
    "apply",
    "show",
    "drift",
    "names",
    "import",
    "rules",
    "history",
)


@pytest.mark.parametrize("name", JSON_COMMANDS)
def test_every_command_that_reports_takes_format_json(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    [option] = [p for p in command.params if p.name == "fmt"]
    assert isinstance(option.type, click.Choice) and "json" in option.type.choices
