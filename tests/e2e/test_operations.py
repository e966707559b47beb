"""Apply's operational paths over HTTP: the hourly creation limit, partial failure, waiting for
Meta's review, and media samples uploaded from local files."""

from __future__ import annotations

import functools
import json
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.conftest import ACCOUNT, CHANNEL, Project, Sandbox, simple
from wa_templates.sandbox.state import Store

pytestmark = pytest.mark.e2e


def fill_hourly_window(sandbox: Sandbox, used: int) -> None:
    """As if `used` templates had been created on the channel in the last minutes."""
    with Store(sandbox.state_path).transaction() as state:
        now = state.now()
        channel = state.channel(ACCOUNT, CHANNEL)
        channel.creations = [now - timedelta(minutes=5)] * used


def test_hourly_limit_stops_cleanly_then_a_rerun_converges(
    linked: Project, sandbox: Sandbox
) -> None:
    for i in range(3):
        linked.write(f"batch_{i}", simple(f"batch_{i}", body=f"Hello {{{{1}}}}, batch {i} left."))
    fill_hourly_window(sandbox, 99)
    stopped = linked.run("apply", "--auto-approve", "--concurrency", "1")
    assert stopped.code == 1
    assert "Apply finished: 1 created, 0 names deleted, 0 failed." in stopped.out
    assert "limit of 100 creations per hour: 2 create(s) remain" in stopped.out
    assert "Rerun after" in stopped.out and "UTC" in stopped.out
    assert len(sandbox.listed()) == 1

    sandbox.advance(1)
    rerun = linked.run("apply", "--auto-approve")
    assert rerun.code == 0 and "2 created" in rerun.out
    assert len(sandbox.listed()) == 3


def test_partial_failure_reports_8x8s_code_and_the_rest_goes_on(
    linked: Project, sandbox: Sandbox
) -> None:
    # An approved name that was deleted stays locked: 8x8 answers 409, code 3060.
    sandbox.create("locked_name")
    sandbox.http.delete(
        f"/api/v1/accounts/{ACCOUNT}/channels/{CHANNEL}/templates/locked_name"
    ).raise_for_status()
    linked.write("locked_name", simple("locked_name"))
    for i in range(3):
        linked.write(f"fine_{i}", simple(f"fine_{i}", body=f"Hello {{{{1}}}}, fine {i} it is."))
    applied = linked.run("apply", "--auto-approve")
    assert applied.code == 1
    assert "3 created, 0 names deleted, 1 failed" in applied.out
    [line] = [
        row
        for row in applied.out.splitlines()
        if "template.locked_name[en_US]" in row and "FAILED" in row
    ]
    assert "code 3060" in line and "can't be added while the existing content" in line
    assert "rerun `wa-templates apply` to converge" in applied.out

    sandbox.advance(24 * 31)
    assert linked.run("apply", "--auto-approve").code == 0
    assert linked.run("plan", "--detailed-exitcode").code == 0


def test_wait_reports_verdicts_and_fails_on_a_rejection(
    linked: Project, slow_review: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = slow_review
    linked.configure(sandbox.url)
    linked.write("good_one", simple("good_one"))
    otp = "Your verification code is {{1}}, it is valid for ten minutes today."
    linked.write("bad_one", simple("bad_one", body=otp))

    import wa_templates.apply.run as command

    polls: list[float] = []

    def review_passes(seconds: float) -> None:
        # Instead of sleeping between polls, let the sandbox's reviewers work for a while.
        polls.append(seconds)
        sandbox.advance(0.5)

    wait = functools.partial(command.wait_for_review, sleep=review_passes)
    monkeypatch.setattr(command, "wait_for_review", wait)
    applied = linked.run("apply", "--auto-approve", "--wait", "--timeout", "30m")
    assert applied.code == 1, applied.out
    assert "Waiting for Meta's review of 2 template(s)" in applied.out
    assert "approved  template.good_one[en_US]" in applied.out
    # 8x8's list has no reason (its webhook has).
    assert "REJECTED  template.bad_one[en_US]: reason not reported" in applied.out
    assert len(polls) == 2  # PENDING at first, still PENDING half an hour on, then decided


def test_wait_times_out_with_templates_still_pending(linked: Project, slow_review: Sandbox) -> None:
    linked.configure(slow_review.url)
    linked.write("slow_one", simple("slow_one"))
    applied = linked.run(
        "apply", "--auto-approve", "--wait", "--timeout", "0.2s", "--poll-interval", "0.05"
    )
    assert applied.code == 1
    assert "pending   template.slow_one[en_US] (still in review when --timeout ran out)" in (
        applied.out
    )


def test_local_media_sample_is_uploaded_once(linked: Project, sandbox: Sandbox) -> None:
    (linked.templates / "media").mkdir()
    (linked.templates / "media" / "banner.png").write_bytes(b"\x89PNG\r\n\x1a\n banner")
    media = """\
        name: {name}
        category: MARKETING
        languages:
          en_US:
            header: {{format: IMAGE, examples: ["media/banner.png"]}}
            body:
              text: "Our {word} sale starts today, {{{{1}}}}. Reply STOP to opt out."
              examples: ["Ana"]
        """
    linked.write("spring_sale", media.format(name="spring_sale", word="spring"))
    assert linked.run("apply", "--auto-approve").code == 0
    stored = sandbox.state()
    assert len(stored.files) == 1
    [file_name] = stored.files
    header = stored_components(sandbox, "spring_sale")[0]
    assert header["examples"][0].startswith(f"{sandbox.url}/files/{file_name}?token=")
    # Uploaded to the served sandbox over plain http on 127.0.0.1: reviewed as the https URL
    # 8x8 would have given, so not rejected for its sample (WA703).
    assert sandbox.status("spring_sale") == "APPROVED", sandbox.listed()
    assert linked.run("plan", "--detailed-exitcode").code == 0  # re-hosted media is no change

    linked.write("summer_sale", media.format(name="summer_sale", word="summer"))
    assert linked.run("apply", "--auto-approve").code == 0
    assert len(sandbox.state().files) == 1  # same bytes: the cached URL is reused
    assert stored_components(sandbox, "summer_sale")[0] == header
    assert sandbox.status("summer_sale") == "APPROVED"


def stored_components(sandbox: Sandbox, name: str) -> list[dict[str, Any]]:
    channel = sandbox.state().existing_channel(ACCOUNT, CHANNEL)
    assert channel is not None
    found = channel.find(name, "en_US")
    assert found is not None
    return found.components


def test_media_resolves_when_plan_and_apply_run_from_a_subfolder(
    linked: Project, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    (linked.templates / "media").mkdir()
    (linked.templates / "media" / "banner.png").write_bytes(b"\x89PNG\r\n\x1a\n banner")
    linked.write(
        "sale",
        """\
        name: sale
        category: MARKETING
        languages:
          en_US:
            header: {format: IMAGE, examples: ["media/banner.png"]}
            body:
              text: "Our sale starts today, {{1}}. Reply STOP to opt out."
              examples: ["Ana"]
        """,
    )
    monkeypatch.chdir(linked.templates)
    assert linked.run("plan", "--out", "../plan.json").code == 0
    data = json.loads((linked.root / "plan.json").read_text())
    assert data["resource_changes"][0]["source"] == "templates/sale.yaml"
    monkeypatch.chdir(linked.templates / "media")
    applied = linked.run("apply", "../../plan.json", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err
    assert len(sandbox.state().files) == 1
