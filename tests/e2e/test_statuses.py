"""Meta's message_template_status_update statuses, as plan and drift see them over HTTP."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Project, Sandbox, simple

pytestmark = pytest.mark.e2e


def test_metas_statuses_as_plan_and_drift_see_them(linked: Project, sandbox: Sandbox) -> None:
    names = ("back_soon", "full_up", "locked_in", "old_news")
    for name in names:
        linked.write(name, simple(name, body=f"Hello {{{{1}}}}, this is the {name} message."))
    assert linked.run("apply", "--auto-approve").code == 0
    for name, status in zip(
        names, ("REINSTATED", "LIMIT_EXCEEDED", "LOCKED", "ARCHIVED"), strict=True
    ):
        sandbox.patch(name, status=status)
    drift = linked.run("drift")
    assert drift.code == 2, drift.out
    assert "reinstated by Meta: no longer flagged or disabled, sendable again" in drift.out
    assert "not created: the account is at its template limit" in drift.out
    assert "locked by Meta: it cannot be edited (Meta does not say it stops sending)" in drift.out
    assert "ARCHIVED by Meta for inactivity: Meta deletes it on " in drift.out
    assert "not sendable" not in drift.out

    # A changed template: the one never created may be recreated; the others were approved.
    for name in names:
        linked.write(name, simple(name, body=f"Hi {{{{1}}}}, the {name} message, reworded."))
    plan = linked.run("plan")
    assert "template.full_up[en_US]  recreate" in plan.out, plan.out
    for name in ("back_soon", "locked_in", "old_news"):
        assert f"! template.{name}[en_US]  blocked" in plan.out, plan.out

    # 28 days on, Meta has deleted the archived template: the name is gone from the channel.
    sandbox.advance(29 * 24)
    assert ("old_news", "en_US") not in sandbox.listed()
