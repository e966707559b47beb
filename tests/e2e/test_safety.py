"""The safety threshold over HTTP: refused with exit 3 unless --force, the plan still in full."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Project, Sandbox, simple

pytestmark = pytest.mark.e2e


def test_mass_prune_is_refused_unless_forced(linked: Project, sandbox: Sandbox) -> None:
    linked.write("keeper", simple("keeper"))
    for i in range(11):
        sandbox.create(f"stray_{i:02d}", text=f"Hello {{{{1}}}}, stray number {i} is here.")
    planned = linked.run("plan", "--prune")
    assert planned.code == 3
    assert planned.out.count("delete") >= 11  # every delete still listed
    assert "11 names deleted or recreated" in planned.out and "--force" in planned.out

    refused = linked.run("apply", "--prune", "--auto-approve")
    assert refused.code == 3
    assert len(sandbox.listed()) == 11

    forced = linked.run("apply", "--prune", "--force", "--auto-approve")
    assert forced.code == 0, forced.out
    assert set(sandbox.listed()) == {("keeper", "en_US")}


def test_percentage_applies_once_there_are_ten_managed_names(
    linked: Project, sandbox: Sandbox
) -> None:
    otp = "Your verification code is {{{{1}}}}, number {i} of ten, valid ten minutes."
    for i in range(10):
        linked.write(f"code_{i}", simple(f"code_{i}", body=otp.format(i=i)))
    assert linked.run("apply", "--auto-approve").code == 0
    for i in range(4):
        linked.write(f"code_{i}", simple(f"code_{i}", body=f"Hello {{{{1}}}}, order {i} shipped."))
    planned = linked.run("plan")
    assert planned.code == 3 and "30%" in planned.out
    assert linked.run("plan", "--force", "--detailed-exitcode").code == 2
    assert linked.run("apply", "--force", "--auto-approve").code == 0
    assert linked.run("plan", "--detailed-exitcode").code == 0
