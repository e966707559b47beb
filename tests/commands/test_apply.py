"""`wa-templates apply`: what a saved plan already decided, the summary's wording, and when a
saved plan is checked against the channel."""

from __future__ import annotations

import io
import json

import httpx
import pytest

from tests.commands.conftest import Repo
from tests.plan.channel import simple
from wa_templates.sandbox import embedded

TEMPLATES = (
    f"/api/v1/accounts/{embedded.SANDBOX_ACCOUNT_ID}/channels/{embedded.SANDBOX_CHANNEL_ID}"
    "/templates"
)


def _channel(repo: Repo) -> httpx.Client:
    """The embedded sandbox as someone else sees it: another client on the same state."""
    return httpx.Client(
        transport=embedded.open_transport(embedded.default_state_path(repo.root)),
        base_url=embedded.SANDBOX_BASE_URL,
        headers={"Authorization": f"Bearer {embedded.SANDBOX_API_KEY}"},
    )


def _names(repo: Repo) -> set[str]:
    with _channel(repo) as client:
        response = client.get(TEMPLATES)
    assert response.status_code == 200, response.text
    return {t["templateName"] for t in response.json()["templates"]}


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


def test_a_saved_plan_is_checked_against_the_channel_after_the_prompt(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The user reads the plan and sits at the prompt; meanwhile someone registers the name.
    # What they confirm must still be true when apply starts, so the check comes after it.
    repo.saved_plan()
    shown: list[tuple[str, str]] = []

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

        def readline(self, size: int | None = -1) -> str:
            shown.append(capsys.readouterr())
            with _channel(repo) as client:
                payload = {
                    "name": "order_update",
                    "language": "en_US",
                    "category": "UTILITY",
                    "components": [{"type": "BODY", "text": "Someone else's text."}],
                }
                assert client.post(TEMPLATES, json=payload).status_code == 200
            return "y\n"

    monkeypatch.setattr("sys.stdin", Terminal())
    outcome = repo.run("apply", "plan.json", "--sandbox")
    [(before_prompt, errors_before)] = shown
    assert "Plan: 1 to create, 0 to recreate, 0 to delete, 0 blocked." in before_prompt
    assert before_prompt.endswith("Apply these changes? [y/N]: ") and errors_before == ""
    assert outcome.code == 4
    stale, changed, advice = outcome.err.splitlines()
    assert stale == "error: plan.json is stale: the channel changed since the plan was made:"
    assert changed.startswith("  order_update[en_US]: appeared on the channel (")
    assert advice == "Run `wa-templates plan` again and review the new plan."
    assert "created" not in outcome.out


def test_a_saved_plan_for_another_target_is_refused_before_it_is_shown(repo: Repo) -> None:
    data = repo.saved_plan()
    data["target"] = "target prod"
    (repo.root / "plan.json").write_text(json.dumps(data))
    outcome = repo.run("apply", "plan.json", "--sandbox")
    assert outcome.code == 1 and outcome.out == ""
    assert outcome.err == "error: plan.json was made for target prod, not sandbox " + (
        "(.wa-templates/sandbox.json)\n"
    )
