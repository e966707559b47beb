"""`wa-templates apply`: what a saved plan already decided, the summary's wording, where a
saved plan goes, and when it is checked against the channel."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from tests.commands.conftest import TEMPLATES, Repo
from tests.plan.channel import simple
from wa_templates.apply import run as apply_run
from wa_templates.sandbox import embedded


def _names(repo: Repo) -> set[str]:
    return {t["templateName"] for t in repo.listing()}


@pytest.mark.parametrize("flag", ["--prune", "--force"])
def test_prune_and_force_with_a_plan_file_are_a_usage_error(repo: Repo, flag: str) -> None:
    repo.saved_plan()
    outcome = repo.run("apply", "plan.json", "--sandbox", "--auto-approve", flag)
    assert outcome.code == 64 and outcome.out == ""
    assert f"{flag} cannot be used with a plan file" in outcome.err
    assert "plan.json already decided" in outcome.err
    assert _names(repo) == set()


def test_the_summary_counts_names_in_good_english(repo: Repo) -> None:
    repo.write("second", simple("second", body="Hello {{1}}, your parcel left our warehouse."))
    repo.write("third", simple("third", body="Hello {{1}}, your parcel was delivered today."))
    applied = repo.run("apply", "--sandbox", "--auto-approve")
    assert "Apply finished: 3 created, 0 names deleted, 0 failed." in applied.out.splitlines()
    (repo.root / "templates" / "second.yaml").unlink()
    pruned = repo.run("apply", "--sandbox", "--auto-approve", "--prune")
    assert pruned.code == 0, pruned.out + pruned.err
    assert "Apply finished: 0 created, 1 name deleted, 0 failed." in pruned.out.splitlines()
    for name in ("order_update", "third"):
        (repo.root / "templates" / f"{name}.yaml").unlink()
    pruned = repo.run("apply", "--sandbox", "--auto-approve", "--prune", "--force")
    assert pruned.code == 0, pruned.out + pruned.err
    assert "Apply finished: 0 created, 2 names deleted, 0 failed." in pruned.out.splitlines()


def test_a_delete_that_finds_the_name_gone_is_reported_as_already_gone(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Someone deletes the name between the plan and its delete: 8x8 answers 404 (3038), and
    # apply says so instead of claiming it deleted something.
    assert repo.run("apply", "--sandbox", "--auto-approve").code == 0
    (repo.root / "templates" / "order_update.yaml").unlink()
    real = apply_run.apply_plan

    def deleted_meanwhile(*args: Any, **kwargs: Any) -> Any:
        with repo.channel() as client:
            assert client.delete(f"{TEMPLATES}/order_update").status_code == 200
        return real(*args, **kwargs)

    monkeypatch.setattr(apply_run, "apply_plan", deleted_meanwhile)
    pruned = repo.run("apply", "--sandbox", "--auto-approve", "--prune", "--force")
    assert pruned.code == 0, pruned.out + pruned.err
    lines = pruned.out.splitlines()
    assert "  - template.order_update: already gone: 8x8 has no such name to delete" in lines
    assert "Apply finished: 0 created, 0 names deleted, 1 already gone, 0 failed." in lines


def test_a_saved_plan_is_applied_without_a_prompt_and_checked_right_before(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Saving a plan and applying it is the approval, as in Terraform: even on a terminal, apply
    # asks nothing. Someone registers the name meanwhile: the plan is no longer true, and the
    # check against the channel right before applying says so.
    repo.saved_plan()

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

        def readline(self, size: int | None = -1) -> str:
            raise AssertionError("apply PLANFILE asked for confirmation")

    monkeypatch.setattr("sys.stdin", Terminal())
    repo.register("order_update", "Someone else's text.")
    outcome = repo.run("apply", "plan.json")
    assert "Plan: 1 to create, 0 to recreate, 0 to delete, 0 blocked." in outcome.out
    assert "Apply these changes?" not in outcome.out
    assert outcome.code == 4
    stale, changed, advice = outcome.err.splitlines()
    assert stale == "error: plan.json is stale: the channel changed since the plan was made:"
    assert changed.startswith("  order_update[en_US]: appeared on the channel (")
    assert advice == "Run `wa-templates plan` again and review the new plan."
    assert "created" not in outcome.out


def test_a_saved_plan_takes_its_target_from_the_plan(repo: Repo) -> None:
    # No --sandbox to repeat: the plan says where it goes. --auto-approve is accepted (CI
    # workflows pass it) and changes nothing.
    repo.saved_plan()
    outcome = repo.run("apply", "plan.json", "--auto-approve")
    assert outcome.code == 0, outcome.out + outcome.err
    assert _names(repo) == {"order_update"}


@pytest.mark.parametrize("target", ["prod", "sandbox"])
def test_a_target_that_disagrees_with_the_saved_plan_is_a_usage_error(
    repo: Repo, target: str
) -> None:
    repo.saved_plan()
    outcome = repo.run("apply", "plan.json", "--target", target)
    assert outcome.code == 64 and outcome.out == ""
    assert outcome.err == (
        f"error: --target {target}: plan.json was made for sandbox (.wa-templates/sandbox.json), "
        "and a saved plan is applied to the channel it was made for: leave it out\n"
    )
    assert _names(repo) == set()


def test_repeating_the_saved_plans_own_target_is_fine(repo: Repo) -> None:
    repo.saved_plan()
    outcome = repo.run("apply", "plan.json", "--sandbox")
    assert outcome.code == 0, outcome.out + outcome.err
    assert _names(repo) == {"order_update"}


def test_a_saved_plan_for_another_channel_is_refused_before_it_is_shown(repo: Repo) -> None:
    data = repo.saved_plan()
    data["channel"]["channel_id"] = "0e5c1a77-4f8b-4d2e-9a61-7b3c2d1e0f99"
    (repo.root / "plan.json").write_text(json.dumps(data))
    outcome = repo.run("apply", "plan.json")
    assert outcome.code == 4 and outcome.out == ""
    [line] = outcome.err.splitlines()
    sandbox = f"of account {embedded.SANDBOX_ACCOUNT_ID}, subaccount wa-templates-sandbox"
    assert line == (
        "error: plan.json was made for sandbox (.wa-templates/sandbox.json), channel "
        f"0e5c1a77-4f8b-4d2e-9a61-7b3c2d1e0f99 {sandbox} at {embedded.SANDBOX_BASE_URL}; "
        f"sandbox (.wa-templates/sandbox.json) is now channel {embedded.SANDBOX_CHANNEL_ID} "
        f"{sandbox} at {embedded.SANDBOX_BASE_URL}. Make the plan again with "
        "`wa-templates plan --out`"
    )
    assert _names(repo) == set()
