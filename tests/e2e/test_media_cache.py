"""Over HTTP: a cached upload the channel no longer serves is uploaded again, `--debug` says so
and shows no token, and two applies of the same change at once both succeed."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import httpx
import pytest

from tests.apply.test_media import MEDIA
from tests.e2e.conftest import ACCOUNT, CHANNEL, KEY, SUBACCOUNT, Project, Sandbox, fast_client
from tests.e2e.test_operations import stored_components
from tests.plan.channel import made_for
from wa_templates.apply.execute import ApplyOptions, Report, apply_plan
from wa_templates.config.project import find_project
from wa_templates.plan.prepare import make_plan, plan_options

pytestmark = pytest.mark.e2e


def with_media(linked: Project) -> None:
    (linked.templates / "media").mkdir()
    (linked.templates / "media" / "banner.png").write_bytes(b"\x89PNG\r\n\x1a\n banner")
    linked.write("spring_sale", MEDIA.format(name="spring_sale", sample="media/banner.png"))


def tokens(sandbox: Sandbox) -> set[str]:
    return {stored.token for stored in sandbox.state().files.values()}


def test_after_a_sandbox_reset_apply_uploads_again_and_the_sample_is_served(
    linked: Project, sandbox: Sandbox
) -> None:
    with_media(linked)
    first = linked.run("apply", "--auto-approve")
    assert first.code == 0, first.out + first.err
    old_tokens = tokens(sandbox)
    assert len(old_tokens) == 1
    assert sandbox.http.post("/_sandbox/reset").status_code == 200  # files and templates gone

    again = linked.spawn("--debug", "apply", "--auto-approve")
    assert again.code == 0, again.out + again.err
    assert "the cached URL of banner.png is no longer served: uploading again" in again.err
    sample = stored_components(sandbox, "spring_sale")[0]["examples"][0]
    assert httpx.get(sample).status_code == 200  # the header sample Meta gets is served
    new_tokens = tokens(sandbox)
    assert len(new_tokens) == 1 and new_tokens != old_tokens
    shown = again.out + again.err
    assert "token=***" in shown  # the check and its URL were logged, masked
    assert not [token for token in old_tokens | new_tokens if token in shown]


def test_a_cached_upload_still_served_is_reused_and_debug_says_so(
    linked: Project, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    with_media(linked)
    assert linked.run("apply", "--auto-approve").code == 0
    linked.write("summer_sale", MEDIA.format(name="summer_sale", sample="media/banner.png"))
    caplog.set_level(logging.DEBUG)
    again = linked.run("--debug", "apply", "--auto-approve")
    assert again.code == 0, again.out + again.err
    assert "banner.png is still served at its cached URL: not uploaded" in caplog.text
    assert len(sandbox.state().files) == 1
    [token] = tokens(sandbox)
    assert token not in caplog.text + again.out + again.err


def test_two_applies_of_the_same_change_at_once_both_succeed(
    linked: Project, sandbox: Sandbox, tmp_path: Path
) -> None:
    # Two CI runs (or a run and a person) planned the same change before either applied it:
    # whichever creates second meets 8x8's "already exists", sees the same content, and is done.
    with_media(linked)
    for word in ("summer", "autumn"):
        linked.write(f"{word}_sale", MEDIA.format(name=f"{word}_sale", sample="media/banner.png"))
    project = find_project()
    options = plan_options(project)
    clients = [
        fast_client(
            base_url=sandbox.url,
            account_id=ACCOUNT,
            channel_id=CHANNEL,
            subaccount_id=SUBACCOUNT,
            api_key=KEY,
        )
        for _ in range(2)
    ]
    plans = [make_plan(project, client, made_for("local"), options) for client in clients]
    assert [len(plan.pending) for plan in plans] == [3, 3]
    start = threading.Barrier(2)
    reports: list[Report] = []

    def run(index: int) -> None:
        start.wait()
        cache = tmp_path / f"uploads-{index}.json"  # each run its own checkout
        options = ApplyOptions(project_root=project.root, upload_cache=cache)
        reports.append(apply_plan(plans[index], clients[index], options))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for client in clients:
        client.close()
    assert len(reports) == 2
    for report in reports:
        assert report.failures == [], report.failures
        assert len(report.created) == 3
    assert sorted(name for name, _ in sandbox.listed()) == [
        "autumn_sale",
        "spring_sale",
        "summer_sale",
    ]


def test_an_apply_meeting_the_same_name_with_other_content_still_fails(
    linked: Project, sandbox: Sandbox
) -> None:
    with_media(linked)
    project = find_project()
    with fast_client(
        base_url=sandbox.url,
        account_id=ACCOUNT,
        channel_id=CHANNEL,
        subaccount_id=SUBACCOUNT,
        api_key=KEY,
    ) as client:
        plan = make_plan(project, client, made_for("local"), plan_options(project))
        # Someone else registers the name, with other words, while the plan waits.
        sandbox.create("spring_sale", "Other words for {{1}}, from someone else.", "en_US")
        report = apply_plan(plan, client, ApplyOptions(project_root=project.root))
    [failure] = report.failures
    assert failure.address == "template.spring_sale[en_US]"
    assert "template 'spring_sale' (en_US) exists with different content" in failure.message
