"""`plan --out` then `apply PLANFILE`: exactly that plan, or exit 4 if the channel moved."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import ACCOUNT, CHANNEL, KEY_ENV, SUBACCOUNT, Project, Sandbox, simple

pytestmark = pytest.mark.e2e


def test_saved_plan_applies_exactly_what_it_holds(linked: Project, sandbox: Sandbox) -> None:
    linked.write("planned", simple("planned"))
    saved = linked.run("plan", "--out", "plan.json")
    assert saved.code == 0
    data = json.loads((linked.root / "plan.json").read_text())
    assert [c["address"] for c in data["resource_changes"]] == ["template.planned[en_US]"]
    # Files changed after the plan was saved do not leak into its apply.
    linked.write("afterthought", simple("afterthought", body="Hi {{1}}, a late addition here."))
    applied = linked.run("apply", "plan.json", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err
    assert set(sandbox.listed()) == {("planned", "en_US")}


def test_stale_saved_plan_is_refused_with_what_changed(linked: Project, sandbox: Sandbox) -> None:
    otp = "Your verification code is {{1}}, it is valid for ten minutes today."
    linked.write("fixme", simple("fixme", body=otp))
    linked.write("bystander", simple("bystander", body="Hi {{1}}, nothing to see here today."))
    linked.run("apply", "--auto-approve")
    assert sandbox.status("fixme") == "REJECTED"

    linked.write("fixme", simple("fixme", body="Hello {{1}}, your order has shipped today."))
    linked.write("newcomer", simple("newcomer"))
    assert linked.run("plan", "--out", "plan.json").code == 0

    # Someone acts on the channel between plan and apply.
    sandbox.patch("fixme", components=[{"type": "BODY", "text": "Edited in WhatsApp Manager."}])
    sandbox.create("newcomer", text="Hello {{1}}, created by someone else meanwhile.")
    sandbox.patch("bystander", status="PAUSED")  # not touched by the plan: does not matter

    creations = sandbox.creations()
    refused = linked.run("apply", "plan.json", "--auto-approve")
    assert refused.code == 4
    assert "plan.json is stale" in refused.err
    assert "fixme[en_US]: changed on the channel (now REJECTED)" in refused.err
    assert "newcomer[en_US]: appeared on the channel (APPROVED)" in refused.err
    assert "bystander" not in refused.err
    assert sandbox.creations() == creations and ("fixme", "en_US") in sandbox.listed()


def test_saved_plan_for_another_target_is_a_usage_error(linked: Project, sandbox: Sandbox) -> None:
    linked.write("planned", simple("planned"))
    assert linked.run("plan", "--out", "plan.json").code == 0
    refused = linked.run("apply", "plan.json", "--sandbox", "--auto-approve")
    assert refused.code == 64 and refused.out == ""
    assert refused.err == (
        "error: --sandbox: plan.json was made for target local, and a saved plan is applied to "
        "the channel it was made for: leave it out\n"
    )
    assert sandbox.listed() == {}


def test_a_saved_plan_is_refused_once_its_target_points_at_another_channel(
    linked: Project, sandbox: Sandbox
) -> None:
    # The plan was made for target local on e2e-channel; then wa-templates.toml was edited so
    # that local is another channel. Applying the old plan there would create everything on the
    # wrong channel.
    linked.write("planned", simple("planned"))
    assert linked.run("plan", "--out", "plan.json").code == 0
    config = linked.root / "wa-templates.toml"
    config.write_text(config.read_text().replace(f'"{CHANNEL}"', '"other-channel"'))
    refused = linked.run("apply", "plan.json", "--auto-approve")
    assert refused.code == 4 and refused.out == ""
    where = f"of account {ACCOUNT}, subaccount {SUBACCOUNT} at {sandbox.url}"
    assert refused.err == (
        f"error: plan.json was made for target local, channel {CHANNEL} {where}; target local "
        f"is now channel other-channel {where}. Make the plan again with "
        "`wa-templates plan --out`\n"
    )
    assert sandbox.listed() == {}


def test_show_renders_a_saved_plan_without_the_channel(
    linked: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    linked.write("planned", simple("planned"))
    planned = linked.run("plan", "--out", "plan.json")
    assert planned.code == 0
    # Without the API key no command can reach the channel: show reads the file only.
    monkeypatch.delenv(KEY_ENV)
    assert linked.run("plan").code == 1
    shown = linked.run("show", "plan.json")
    assert (shown.code, shown.out, shown.err) == (0, planned.out, "")
    as_json = linked.run("show", "plan.json", "--format", "json")
    assert json.loads(as_json.out) == json.loads((linked.root / "plan.json").read_text())
    markdown = linked.run("show", "plan.json", "--format", "markdown")
    assert markdown.out.startswith("<!-- wa-templates-plan:target_local -->\n")


@pytest.mark.parametrize("content", ["{not json", '{"format_version": "0.1"}', "[]"])
def test_unreadable_plan_file_is_one_line_error(linked: Project, content: str) -> None:
    (linked.root / "plan.json").write_text(content)
    refused = linked.run("apply", "plan.json", "--auto-approve")
    assert refused.code == 1 and refused.err.startswith("error: plan.json")
    missing = linked.run("apply", "missing.json", "--auto-approve")
    assert missing.code == 1 and "cannot read plan" in missing.err


def test_plan_out_to_an_unwritable_place_is_an_error(linked: Project) -> None:
    linked.write("planned", simple("planned"))
    refused = linked.run("plan", "--out", "no/such/dir/plan.json")
    assert refused.code == 1 and "cannot save the plan" in refused.err
