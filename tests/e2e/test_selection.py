"""`--only` and `--exclude` over HTTP against `sandbox serve`: ship one template while another
waits, say in every format what was left out, save it in the plan, never prune."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import Project, Sandbox, simple

pytestmark = pytest.mark.e2e

CHANGED = "Hello {{1}}, the text of this template was changed in git."


def blocked_and_new(project: Project, sandbox: Sandbox) -> None:
    """`waiting` is live and changed in the repository (blocked); `shipping` is new."""
    project.write("waiting", simple("waiting"))
    assert project.run("apply", "--auto-approve").code == 0
    assert sandbox.status("waiting") == "APPROVED"
    project.write("waiting", simple("waiting", body=CHANGED))
    project.write("shipping", simple("shipping"))
    sandbox.create("legacy_note", text="Hello {{1}}, a template made in WhatsApp Manager.")


def test_a_blocked_change_outside_the_selection_does_not_stop_apply(
    linked: Project, sandbox: Sandbox
) -> None:
    blocked_and_new(linked, sandbox)
    refused = linked.run("apply", "--auto-approve")
    assert refused.code == 3 and ("shipping", "en_US") not in sandbox.listed()

    applied = linked.run("apply", "--only", "ship*", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err
    assert "Partial plan: --only 'ship*' leaves out 1 template of the repository (waiting)" in (
        applied.out
    )
    assert "+ template.shipping[en_US]: created" in applied.out
    assert ("shipping", "en_US") in sandbox.listed()
    assert sandbox.listed()[("waiting", "en_US")]["components"][0]["text"] != CHANGED

    # The same with --exclude, and then nothing is left to do for it.
    again = linked.run("plan", "--exclude", "waiting", "--detailed-exitcode")
    assert again.code == 0, again.out
    assert again.out.rstrip().endswith(
        "No changes in the selected templates. The plan is partial (above)."
    )


def test_a_partial_plan_says_what_it_left_out_in_every_format(
    linked: Project, sandbox: Sandbox
) -> None:
    blocked_and_new(linked, sandbox)
    text = linked.run("plan", "--only", "shipping")
    assert text.code == 0
    assert text.out.splitlines()[1] == (
        "Partial plan: --only shipping leaves out 1 template of the repository (waiting) and 1 "
        "name on the channel that no file manages (legacy_note). A partial plan never prunes."
    )
    assert "waiting" not in text.out.split("A partial plan never prunes.")[1]
    assert "Unmanaged" not in text.out  # legacy_note is left out, not unmanaged
    assert text.out.rstrip().endswith(
        "Plan: 1 to create, 0 to recreate, 0 to delete, 0 blocked. The plan is partial (above)."
    )

    markdown = linked.run("plan", "--only", "shipping", "--format", "markdown")
    assert "📝 **1 change, applyable (partial plan)**" in markdown.out
    assert (
        "> [!NOTE]\n> **Partial plan**: --only shipping leaves out 1 template of the repository "
        "(waiting) and 1 name on the channel that no file manages (legacy&#95;note). A partial "
        "plan never prunes."
    ) in markdown.out

    document = json.loads(linked.run("plan", "--only", "shipping", "--format", "json").out)
    assert document["selection"] == {
        "only": ["shipping"],
        "exclude": [],
        "left_out": ["waiting"],
        "unmanaged_left_out": ["legacy_note"],
        "partial": True,
    }
    assert document["applyable"] is True
    assert [c["name"] for c in document["resource_changes"]] == ["shipping"]

    # Selecting the channel's own name lists it as unmanaged, as a full plan does.
    legacy = linked.run("plan", "--only", "legacy_*")
    assert "? legacy_note (UTILITY): en_US APPROVED" in legacy.out


def test_a_saved_partial_plan_records_its_selection_and_apply_honours_it(
    linked: Project, sandbox: Sandbox
) -> None:
    blocked_and_new(linked, sandbox)
    assert linked.run("plan", "--only", "shipping", "--out", "plan.json").code == 0
    saved = json.loads((linked.root / "plan.json").read_text())
    assert saved["format_version"] == "2.2" and saved["selection"]["only"] == ["shipping"]

    usage = linked.run("apply", "plan.json", "--only", "waiting")
    assert usage.code == 64
    assert "--only waiting cannot be used with a plan file: plan.json already decided it" in (
        usage.err
    )

    # The template left out stays blocked; the saved plan of the other one applies.
    applied = linked.run("apply", "plan.json")
    assert applied.code == 0, applied.out + applied.err
    assert ("shipping", "en_US") in sandbox.listed()


def test_a_tampered_change_outside_the_selection_is_refused_on_apply(
    linked: Project, sandbox: Sandbox
) -> None:
    linked.write("alpha", simple("alpha"))
    linked.write("beta", simple("beta", body="Hi {{1}}, a second template for this test."))
    assert linked.run("plan", "--only", "alpha", "--out", "plan.json").code == 0
    saved = json.loads((linked.root / "plan.json").read_text())
    full = json.loads(linked.run("plan", "--format", "json").out)
    saved["resource_changes"] += [c for c in full["resource_changes"] if c["name"] == "beta"]
    saved["remote_state"]["beta"] = {}
    (linked.root / "plan.json").write_text(json.dumps(saved))
    refused = linked.run("apply", "plan.json")
    assert refused.code == 3
    assert (
        "template.beta[en_US]: create refused: outside the plan's selection (--only alpha)"
        in refused.err
    )
    assert sandbox.listed() == {}


def test_pruning_is_refused_with_a_selection(linked: Project, sandbox: Sandbox) -> None:
    blocked_and_new(linked, sandbox)
    for command in (["plan"], ["apply", "--auto-approve"]):
        refused = linked.run(*command, "--prune", "--only", "shipping")
        assert refused.code == 64 and refused.out == ""
        assert refused.err.startswith(
            "error: --prune cannot be used with --only shipping: a plan of some templates only "
            "cannot know what the rest of the repository holds"
        )
    # `prune = true` in the configuration does not apply to a partial plan.
    linked.configure(sandbox.url, "prune = true")
    full = linked.run("plan")
    assert full.code == 3 and "- template.legacy_note[en_US]  delete" in full.out
    kept = linked.run("plan", "--exclude", "waiting")
    assert kept.code == 0 and "? legacy_note (UTILITY): en_US APPROVED" in kept.out
    partial = linked.run("apply", "--only", "shipping", "--auto-approve")
    assert partial.code == 0, partial.out + partial.err
    assert "A partial plan never prunes." in partial.out
    assert ("legacy_note", "en_US") in sandbox.listed()


def test_a_typo_in_a_pattern_is_an_error_before_anything_changes(
    linked: Project, sandbox: Sandbox
) -> None:
    linked.write("shipping", simple("shipping"))
    refused = linked.run("apply", "--only", "shiping", "--auto-approve")
    assert refused.code == 1 and refused.out == ""
    assert refused.err == (
        "error: --only shiping matches no template in the repository or on the channel; "
        "did you mean 'shipping'?\n"
    )
    assert sandbox.listed() == {}


def test_drift_of_some_templates_only(linked: Project, sandbox: Sandbox) -> None:
    blocked_and_new(linked, sandbox)
    report = linked.run("drift", "--exclude", "waiting", "--format", "json")
    assert report.code == 2  # shipping is missing on the channel
    document = json.loads(report.out)
    assert document["format_version"] == "1.1"
    assert {f["name"] for f in document["findings"]} == {"shipping"}
    assert document["selection"]["left_out"] == ["waiting"]
    assert document["unmanaged"][0]["name"] == "legacy_note"
    text = linked.run("drift", "--only", "waiting")
    assert text.out.splitlines()[1].startswith(
        "Partial report: --only waiting leaves out 1 template of the repository (shipping)"
    )
    markdown = linked.run("drift", "--only", "waiting", "--format", "markdown")
    assert "> [!NOTE]\n> Partial report: --only waiting leaves out" in markdown.out
