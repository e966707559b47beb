"""Saved plans edited by hand, or by an attacker, against a sandbox channel of approved names.

Each kind of tampering is refused with its exit code (1: not a plan this version reads, 3: asks
for what `plan` would refuse on the channel now, 4: made for another channel), with one line
per refused change, and the channel is exactly as it was: nothing created, nothing deleted.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.commands.conftest import Outcome, Repo
from tests.plan.channel import simple
from tests.plan.test_sent import RAW as RAW_OFFER
from wa_templates.channel.payload import to_payload
from wa_templates.files.load import load_bytes
from wa_templates.plan.saved import MAX_PLAN_BYTES
from wa_templates.sandbox import embedded

NAMES = ("alpha", "beta", "gamma")
Document = dict[str, Any]


def _two(name: str, body: str | None = None) -> str:
    """A two-language template whose words are its own (Meta rejects duplicates)."""
    body = body or f"Hello {{{{1}}}}, your {name} order has shipped today."
    es = f"Hola {{{{1}}}}, tu pedido {name} ya ha salido hoy."
    return simple(name, body=body) + (
        f'  es_ES:\n    body:\n      text: "{es}"\n      examples: ["Ana"]\n'
    )


def _listing(repo: Repo) -> list[dict[str, Any]]:
    return repo.listing()


@pytest.fixture
def live(repo: Repo) -> Repo:
    """Three names, two languages each, approved on the sandbox; files that match them."""
    (repo.root / "templates" / "order_update.yaml").unlink()
    for name in NAMES:
        repo.write(name, _two(name))
    applied = repo.run("apply", "--sandbox", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err
    assert {t["status"] for t in _listing(repo)} == {"APPROVED"}
    return repo


def _saved(repo: Repo, *flags: str) -> Document:
    saved = repo.run("plan", "--sandbox", "--out", "plan.json", *flags)
    assert saved.code in (0, 3), saved.out + saved.err
    data: Document = json.loads((repo.root / "plan.json").read_text())
    return data


def _pruned_everything(repo: Repo, *flags: str, restore: bool = True) -> Document:
    """A plan that deletes every name (the folder emptied, --prune); the files come back unless
    `restore` is false (then the deletes are what --prune is for, and only the options and the
    safety threshold can stop them)."""
    for name in NAMES:
        (repo.root / "templates" / f"{name}.yaml").unlink()
    data = _saved(repo, "--prune", *flags)
    if restore:
        for name in NAMES:
            repo.write(name, _two(name))
    return data


def _applied(repo: Repo, data: Document) -> Outcome:
    """`apply plan.json` of the edited document, asserting the channel was not touched."""
    before = _listing(repo)
    (repo.root / "plan.json").write_text(json.dumps(data))
    outcome = repo.run("apply", "plan.json", "--auto-approve")
    assert "Traceback" not in outcome.err
    assert "created, pending" not in outcome.out and "Apply finished" not in outcome.out
    assert _listing(repo) == before
    return outcome


def _refused_lines(outcome: Outcome) -> list[str]:
    """The refused changes apply listed (exit 3), one per line."""
    assert outcome.code == 3, outcome.out + outcome.err
    head, *lines = outcome.err.splitlines()
    assert head == (
        "error: plan.json asks for what `wa-templates plan` would refuse on the channel as it is "
        "now, with the options the plan records; nothing was applied:"
    )
    assert all(line.startswith("  ") for line in lines)
    return [line.strip() for line in lines]


def _both(name: str, why: str, action: str = "delete") -> list[str]:
    return [f"template.{name}[{lang}]: {action} refused: {why}" for lang in ("en_US", "es_ES")]


def test_every_action_turned_into_delete_with_safety_cleared_is_refused(live: Repo) -> None:
    # The attacker keeps the real fingerprints (from a plan that touched every name), so the
    # plan is not stale: what stops it is that plan would make none of these deletes.
    fingerprints = _pruned_everything(live)["remote_state"]
    data = _saved(live)
    assert {c["action"] for c in data["resource_changes"]} == {"no-op"}
    for change in data["resource_changes"]:
        change.update(action="delete", action_reason="pruned", payload=None)
    data["remote_state"] = fingerprints
    data["safety"] = {"managed_names": 0}
    lines = _refused_lines(_applied(live, data))
    assert lines == [
        *[line for name in NAMES for line in _both(name, "the plan was made without --prune")],
        "safety: it would delete every managed name on the channel (3 of 3), and the plan was "
        "made without --force",
    ]


def test_forged_prune_and_force_cannot_delete_names_the_repository_defines(live: Repo) -> None:
    # The recorded options are in the file too: claiming --prune and --force gets past them.
    # The files the plan is applied from cannot be forged with it, and plan never prunes a name
    # a file defines.
    fingerprints = _pruned_everything(live)["remote_state"]
    data = _saved(live)
    for change in data["resource_changes"]:
        change.update(action="delete", action_reason="pruned", payload=None)
    data["remote_state"] = fingerprints
    data["options"].update(prune=True, force=True)
    lines = _refused_lines(_applied(live, data))
    why = "the repository defines '{}', and plan never prunes a name a file defines"
    assert lines == [line for name in NAMES for line in _both(name, why.format(name))]


def test_a_prune_is_refused_while_a_template_file_does_not_load(live: Repo) -> None:
    (live.root / "templates" / "gamma.yaml").unlink()
    data = _saved(live, "--prune")
    live.write("broken", "name: broken\ncategory: UTILITY\nlanguages: {}\n")
    (live.root / "templates" / "broken.yaml").write_text("name: [unclosed\n")
    first, *lines = _refused_lines(_applied(live, data))
    assert first == (
        "which names the repository defines is unknown: did not load: templates/broken.yaml"
    )
    why = (
        "a template file did not load (or one is hidden or a backup), so which names the "
        "repository defines is unknown"
    )
    assert lines == _both("gamma", why)


def test_a_delete_without_a_recorded_prune_is_refused(live: Repo) -> None:
    (live.root / "templates" / "gamma.yaml").unlink()
    data = _saved(live, "--prune")
    assert data["options"]["prune"] is True
    data["options"]["prune"] = False
    lines = _refused_lines(_applied(live, data))
    assert lines == _both("gamma", "the plan was made without --prune")


def test_a_recreate_of_an_approved_name_is_refused(live: Repo) -> None:
    live.write("alpha", _two("alpha", body="Hello {{1}}, other words entirely."))
    data = _saved(live)
    source, _ = load_bytes(_two("alpha", body="Hello {{1}}, other words entirely.").encode(), "a")
    assert source is not None
    alpha = [c for c in data["resource_changes"] if c["name"] == "alpha"]
    assert [c["action"] for c in alpha] == ["blocked", "no-op"]
    for change in alpha:
        change.update(action="recreate", action_reason="changed_never_approved")
        change["payload"] = to_payload(source.template, change["language"])
    lines = _refused_lines(_applied(live, data))
    assert lines == _both(
        "alpha",
        "deleting 'alpha' would drop every language of it (en_US APPROVED, es_ES APPROVED) and "
        "lock the name for 30 days",
        "recreate",
    )


def test_a_forged_safety_block_is_counted_again_on_the_channel(live: Repo) -> None:
    data = _pruned_everything(live, restore=False)
    assert data["applyable"] is False and data["safety"]["exceeded"] is True
    data["safety"].update(destructive_names=[], managed_names=1000, exceeded=False, forced=True)
    data["applyable"] = True
    lines = _refused_lines(_applied(live, data))
    assert lines == [
        *[line for name in NAMES for line in _both(name, "over the safety threshold")],
        "safety: it would delete every managed name on the channel (3 of 3), and the plan was "
        "made without --force",
    ]


def test_a_forged_forced_is_not_read(live: Repo) -> None:
    data = _pruned_everything(live, restore=False)
    data["safety"]["forced"] = True
    lines = _refused_lines(_applied(live, data))
    assert lines[-1] == (
        "safety: it would delete every managed name on the channel (3 of 3), and the plan was "
        "made without --force"
    )
    assert len(lines) == 7


def test_a_forged_delete_reason_is_refused(live: Repo) -> None:
    (live.root / "templates" / "gamma.yaml").unlink()
    data = _saved(live, "--prune")
    for change in data["resource_changes"]:
        if change["name"] == "gamma":
            change["action_reason"] = "language_removed"
    lines = _refused_lines(_applied(live, data))
    assert lines == _both("gamma", "a removed language is deleted only when its name is recreated")


def test_a_name_its_own_ignore_patterns_exclude_is_refused(live: Repo) -> None:
    (live.root / "templates" / "gamma.yaml").unlink()
    data = _saved(live, "--prune")
    data["options"]["ignore"] = ["g*"]
    lines = _refused_lines(_applied(live, data))
    assert lines == _both(
        "gamma", "the plan's ignore patterns exclude this name, so plan leaves it"
    )


def test_a_delete_that_hides_a_language_is_refused(live: Repo) -> None:
    (live.root / "templates" / "gamma.yaml").unlink()
    data = _saved(live, "--prune")
    data["resource_changes"] = [
        c for c in data["resource_changes"] if (c["name"], c["language"]) != ("gamma", "es_ES")
    ]
    lines = _refused_lines(_applied(live, data))
    assert lines == ["template.gamma[es_ES]: deleted with 'gamma', but the plan does not say so"]


def test_a_changed_channel_binding_is_refused_naming_both_channels(live: Repo) -> None:
    data = _saved(live)
    data["channel"]["account_id"] = "0f8e9d7c-6b5a-4e3d-8c2b-1a0f9e8d7c6b"
    outcome = _applied(live, data)
    assert outcome.code == 4 and outcome.out == ""
    [line] = outcome.err.splitlines()
    assert "was made for sandbox (.wa-templates/sandbox.json), channel" in line
    assert "of account 0f8e9d7c-6b5a-4e3d-8c2b-1a0f9e8d7c6b" in line
    assert f"is now channel {embedded.SANDBOX_CHANNEL_ID} of account " in line
    assert embedded.SANDBOX_ACCOUNT_ID in line


def _one_line(outcome: Outcome, expected: str) -> None:
    assert outcome.code == 1 and outcome.out == "", outcome.out + outcome.err
    [line] = outcome.err.splitlines()
    assert line.startswith("error: plan.json: "), line
    assert expected in line, line


Edit = Callable[[Document], None]


def _change(address: str, **values: Any) -> Edit:
    def edit(data: Document) -> None:
        for change in data["resource_changes"]:
            if change["address"] == address:
                change.update(values)

    return edit


def _payload(**values: Any) -> Edit:
    def edit(data: Document) -> None:
        for change in data["resource_changes"]:
            if change["action"] == "create":
                change["payload"].update(values)

    return edit


def _version(data: Document) -> None:
    data["format_version"] = "3.0"


MALFORMED: dict[str, tuple[Edit, str]] = {
    "unknown major version": (_version, "format_version 3.0 is a major version this"),
    "invalid name in a delete": (
        _change("template.gamma[en_US]", name="Gamma"),
        "resource_changes[{gamma}].name: name 'Gamma' must match ^[a-z0-9_]{{1,512}}$",
    ),
    "invalid language in a delete": (
        _change("template.gamma[es_ES]", language="es-ES"),
        "resource_changes[{gamma_es}].language: language 'es-ES' is not a Meta template "
        "language code; did you mean 'es_ES'?",
    ),
    "payload for another name": (
        _payload(name="gamma"),
        'resource_changes[{delta}].payload.name must be the change\'s name, "delta"',
    ),
    "payload for another language": (
        _payload(language="en_GB"),
        'resource_changes[{delta}].payload.language must be the change\'s language, "en_US"',
    ),
    "a change remote_state does not record": (
        lambda data: data["remote_state"].pop("gamma"),
        "resource_changes[{gamma}] changes 'gamma', which remote_state does not record",
    ),
}


@pytest.mark.parametrize("kind", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_plan_is_one_line_and_exit_1(live: Repo, kind: str) -> None:
    (live.root / "templates" / "gamma.yaml").unlink()
    live.write("delta", simple("delta"))
    data = _saved(live, "--prune")
    at = {c["address"]: i for i, c in enumerate(data["resource_changes"])}
    edit, expected = MALFORMED[kind]
    edit(data)
    _one_line(
        _applied(live, data),
        expected.format(
            gamma=at["template.gamma[en_US]"],
            gamma_es=at["template.gamma[es_ES]"],
            delta=at["template.delta[en_US]"],
        ),
    )


def _apply_path(repo: Repo, path: Path | str) -> Outcome:
    before = _listing(repo)
    outcome = repo.run("apply", str(path), "--auto-approve")
    assert _listing(repo) == before
    assert outcome.code == 1 and outcome.out == "", outcome.out + outcome.err
    assert "Traceback" not in outcome.err and "internal error" not in outcome.err
    [line] = outcome.err.splitlines()
    return Outcome(outcome.code, outcome.out, line)


def test_dev_zero_is_not_a_plan(live: Repo) -> None:
    line = _apply_path(live, "/dev/zero").err
    expected = (
        "error: /dev/zero: not a regular file (a character device); a saved plan is what "
        "`plan --out` writes"
    )
    assert line == expected
    shown = live.run("show", "/dev/zero")
    assert (shown.code, shown.out, shown.err) == (1, "", expected + "\n")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_not_waited_on(live: Repo) -> None:
    os.mkfifo(live.root / "plan.fifo")
    line = _apply_path(live, live.root / "plan.fifo").err
    assert line.endswith("plan.fifo: not a regular file (a FIFO); a saved plan is what `plan "
                         "--out` writes")  # fmt: skip


def test_a_folder_is_not_a_plan(live: Repo) -> None:
    (live.root / "plans").mkdir()
    assert "plans: not a regular file (a folder)" in _apply_path(live, live.root / "plans").err


def test_a_huge_file_is_refused_before_it_is_read(live: Repo) -> None:
    huge = live.root / "huge.json"
    with huge.open("wb") as handle:  # sparse: no disk space, and never read
        handle.truncate(MAX_PLAN_BYTES + 1)
    line = _apply_path(live, huge).err
    assert line.endswith(
        f"huge.json: {MAX_PLAN_BYTES + 1:,} bytes is over the 256 MiB a saved plan may be (a "
        "plan for 6,000 templates x 2 languages is under 50 MB): not a saved plan"
    )


def test_a_deeply_nested_file_is_one_line(live: Repo) -> None:
    deep = live.root / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    line = _apply_path(live, deep).err
    assert line.startswith(f"error: {deep}: not JSON: recursion limit exceeded at line 1 column ")


def test_nesting_deep_inside_a_valid_plan_is_one_line_too(live: Repo) -> None:
    data = _saved(live)
    text = json.dumps(data).replace(
        '"diagnostics": []', '"diagnostics": ' + "[" * 5000 + "]" * 5000
    )
    (live.root / "plan.json").write_text(text)
    line = _apply_path(live, "plan.json").err
    assert line.startswith("error: plan.json: not JSON: recursion limit exceeded at line 1 ")


# --- what a create sends is what the plan shows -----------------------------------------------

EVIL = "Hi {{1}}, CLICK http://evil.example now"
DELTA = """\
name: delta
category: UTILITY
message_send_ttl_seconds: 3600
languages:
  en_US:
    header:
      format: IMAGE
      examples: [https://cdn.example.com/delta.png]
    body:
      text: "Hi {{1}}, your delta order has shipped."
      examples: ["Ana"]
"""


def _delta(edit: Callable[[Document], None]) -> Edit:
    def edited(data: Document) -> None:
        [change] = [c for c in data["resource_changes"] if c["name"] == "delta"]
        edit(change)

    return edited


def _component(change: Document, kind: str) -> Document:
    [found] = [c for c in change["payload"]["components"] if c["type"] == kind]
    return found


def _sent_text(change: Document) -> None:
    _component(change, "BODY")["text"] = EVIL


def _shown_text(change: Document) -> None:
    change["change"]["after"]["body"]["text"] = EVIL


def _sample(change: Document) -> None:
    _component(change, "HEADER")["examples"] = ["https://evil.example/x.png"]


def _sent_only(**values: Any) -> Callable[[Document], None]:
    def edit(change: Document) -> None:
        change["change"]["sent_only"].update(values)

    return edit


def _sends(**values: Any) -> Callable[[Document], None]:
    def edit(change: Document) -> None:
        change["payload"].update(values)

    return edit


AT = "resource_changes[{delta}].payload"
SENT = f"{AT} does not send what change.sent_only shows (template.delta[en_US]): "
FORGED_PAYLOADS: dict[str, tuple[Callable[[Document], None], str]] = {
    "the payload's text": (
        _sent_text,
        f"{AT} does not send what change.after shows (template.delta[en_US]): body.text is "
        '"Hi {{{{1}}}}, CLICK http://evil.example now" in the payload, "Hi {{{{1}}}}, your '
        'delta order has shipped." in change.after',
    ),
    "the shown text (payload left alone)": (
        _shown_text,
        f"{AT} does not send what change.after shows (template.delta[en_US]): body.text is "
        '"Hi {{{{1}}}}, your delta order has shipped." in the payload, "Hi {{{{1}}}}, CLICK '
        'http://evil.example now" in change.after',
    ),
    "the payload's category": (
        _sends(category="MARKETING"),
        f'{AT}.category must be the change\'s category, "UTILITY"',
    ),
    "the payload's name": (_sends(name="alpha"), f'{AT}.name must be the change\'s name, "delta"'),
    "the payload's language": (
        _sends(language="es_ES"),
        f'{AT}.language must be the change\'s language, "en_US"',
    ),
    "the payload's message_send_ttl_seconds": (
        _sends(message_send_ttl_seconds=60),
        f"{SENT}message_send_ttl_seconds is 60 in the payload, 3600 in change.sent_only",
    ),
    "the payload's allow_category_change": (
        _sends(allow_category_change=True),
        f"{SENT}allow_category_change is true in the payload, absent in change.sent_only",
    ),
    "the payload's media sample": (
        _sample,
        f'{SENT}header.examples[0] is "https://evil.example/x.png" in the payload, '
        '"https://cdn.example.com/delta.png" in change.sent_only',
    ),
    "the recorded create-only option (payload left alone)": (
        _sent_only(message_send_ttl_seconds=60),
        f"{SENT}message_send_ttl_seconds is 3600 in the payload, 60 in change.sent_only",
    ),
}


@pytest.mark.parametrize("kind", FORGED_PAYLOADS, ids=list(FORGED_PAYLOADS))
def test_a_payload_that_is_not_what_the_plan_shows_is_refused(live: Repo, kind: str) -> None:
    live.write("delta", DELTA)
    data = _saved(live)
    at = {c["address"]: i for i, c in enumerate(data["resource_changes"])}
    edit, expected = FORGED_PAYLOADS[kind]
    _delta(edit)(data)
    line = f"error: plan.json: {expected.format(delta=at['template.delta[en_US]'])}"
    outcome = _applied(live, data)
    assert (outcome.code, outcome.out, outcome.err) == (1, "", line + "\n")
    shown = live.run("show", "plan.json")
    assert (shown.code, shown.out, shown.err) == (1, "", line + "\n")


def test_what_show_prints_is_what_apply_sends(live: Repo) -> None:
    # Both sides edited alike: then the plan shows the edit, and it is that text that is sent.
    live.write("delta", DELTA)
    data = _saved(live)

    def both(change: Document) -> None:
        _sent_text(change)
        _shown_text(change)
        _sends(message_send_ttl_seconds=60)(change)
        _sent_only(message_send_ttl_seconds=60)(change)

    _delta(both)(data)
    (live.root / "plan.json").write_text(json.dumps(data))
    shown = live.run("show", "plan.json")
    assert shown.code == 0, shown.err
    assert f"+ body.text: {json.dumps(EVIL)}" in shown.out
    assert "+ message_send_ttl_seconds (sent, never compared): 60" in shown.out
    assert '+ header.examples (sent, never compared): ["https://cdn.example.com/delta.png"]' in (
        shown.out
    )
    applied = live.run("apply", "plan.json", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err
    [delta] = [t for t in _listing(live) if t["templateName"] == "delta"]
    assert EVIL in json.dumps(delta["components"])


def test_a_genuine_plan_of_the_shipped_templates_and_raw_ones_applies(repo: Repo) -> None:
    """No false refusals: media samples (a local one too), carousels, AUTHENTICATION presets,
    create-only options and the raw `components:` form, saved, shown and applied."""
    shutil.rmtree(repo.root / "templates")
    shutil.copytree(REPO / "templates", repo.root / "templates")
    media = repo.root / "templates" / "marketing" / "media"
    media.mkdir()
    (media / "summer.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (repo.root / "templates" / "marketing" / "summer_offer.yaml").write_text(RAW_OFFER)
    saved = repo.run("plan", "--sandbox", "--out", "plan.json")
    assert saved.code == 0, saved.out + saved.err
    shown = repo.run("show", "plan.json")
    assert shown.code == 0, shown.err
    assert "+ message_send_ttl_seconds (sent, never compared): 86400" in shown.out
    assert "+ allow_category_change (sent, never compared): true" in shown.out
    local = '+ header.examples (sent, never compared): ["templates/marketing/media/summer.png"]'
    assert local in shown.out
    assert "carousel[2].header.examples (sent, never compared)" in shown.out
    applied = repo.run("apply", "plan.json", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err
    names = {t["templateName"] for t in _listing(repo)}
    expected = {p.stem for p in (repo.root / "templates").rglob("*.yaml")}
    assert names == expected and {"summer_offer", "login_code", "product_carousel"} <= names


REPO = Path(__file__).resolve().parents[2]
