"""`plan --prune` / `apply --prune` never delete a name because its file was not read.

A template file the tool skipped (an upper-case suffix, once), or could not read, leaves its name
on the channel looking unmanaged: the one thing --prune must never conclude from that is that it
may be deleted.
"""

from __future__ import annotations

import pytest

from tests.commands.conftest import Repo
from tests.plan.channel import simple

SECRET = "SECRET-CANARY-77c1"


def names(repo: Repo) -> set[str]:
    return {t["templateName"] for t in repo.listing()}


def applied(repo: Repo) -> None:
    repo.write("order_paid", simple("order_paid", body="Hello {{1}}, we received your payment."))
    done = repo.run("apply", "--sandbox", "--auto-approve")
    assert done.code == 0, done.out + done.err
    assert names(repo) == {"order_update", "order_paid"}


def test_an_upper_case_suffix_is_a_template_so_prune_keeps_its_name(repo: Repo) -> None:
    applied(repo)
    templates = repo.root / "templates"
    (templates / "order_paid.yaml").rename(templates / "order_paid.YAML")
    (templates / "order_update.yaml").rename(templates / "order_update.Yml")
    plan = repo.run("plan", "--sandbox", "--prune", "--detailed-exitcode")
    assert plan.code == 0, plan.out + plan.err
    assert "No changes." in plan.out
    pruned = repo.run("apply", "--sandbox", "--prune", "--auto-approve")
    assert pruned.code == 0, pruned.out + pruned.err
    assert names(repo) == {"order_update", "order_paid"}


def test_a_file_that_does_not_load_stops_prune_before_the_channel_is_read(repo: Repo) -> None:
    applied(repo)
    templates = repo.root / "templates"
    (templates / "order_paid.yaml").write_text("name: order_paid\ncategory: [unclosed\n")
    outcome = repo.run("apply", "--sandbox", "--prune", "--auto-approve")
    assert outcome.code == 1
    assert "order_paid.yaml:2:" in outcome.err and "WA001" in outcome.err
    assert "nothing on the channel was read" in outcome.err
    assert names(repo) == {"order_update", "order_paid"}


def test_a_template_linked_out_of_the_project_is_refused_unread_and_prune_deletes_nothing(
    repo: Repo,
) -> None:
    applied(repo)
    outside = repo.root.parent / f"{repo.root.name}-outside"
    outside.mkdir()
    (outside / "order_paid.yaml").write_text(simple("order_paid") + f"# {SECRET}\n")
    templates = repo.root / "templates"
    (templates / "order_paid.yaml").unlink()
    (templates / "order_paid.yaml").symlink_to(outside / "order_paid.yaml")
    outcome = repo.run("plan", "--sandbox", "--prune")
    assert outcome.code == 1
    assert "order_paid.yaml:1:1: WA013 [error] file resolves outside the project root" in (
        outcome.err
    )
    assert SECRET not in outcome.out + outcome.err
    assert names(repo) == {"order_update", "order_paid"}


@pytest.mark.parametrize(
    "moved_to",
    [".drafts/order_paid.yaml", ".order_paid.yaml", "order_paid.yaml.bak", "order_paid.yml~"],
)
def test_a_template_moved_aside_stops_prune_and_a_saved_prune(repo: Repo, moved_to: str) -> None:
    # Hidden, in a hidden folder, or a backup: not a template, but what it holds is live.
    applied(repo)
    templates = repo.root / "templates"
    target = templates / moved_to
    target.parent.mkdir(parents=True, exist_ok=True)
    (templates / "order_paid.yaml").rename(target)
    outcome = repo.run("plan", "--sandbox", "--prune")
    assert outcome.code == 1, outcome.out
    assert "--prune refused: 1 file(s) under the templates folder look like templates" in (
        outcome.err
    )
    assert moved_to.split("/")[-1] in outcome.err
    assert names(repo) == {"order_update", "order_paid"}
    # A saved plan made before it was moved aside still deletes nothing.
    target.rename(templates / "order_paid.yaml")
    (templates / "order_paid.yaml").unlink()
    assert repo.run("plan", "--sandbox", "--prune", "--out", "prune.json").code == 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(simple("order_paid"))
    outcome = repo.run("apply", "prune.json")
    assert outcome.code == 3, outcome.out + outcome.err
    assert "hidden or a backup" in outcome.err
    assert f"look like templates but are skipped: templates/{moved_to}" in outcome.err
    assert names(repo) == {"order_update", "order_paid"}


def test_plain_files_beside_templates_do_not_stop_prune(repo: Repo) -> None:
    applied(repo)
    templates = repo.root / "templates"
    (templates / "README.md").write_text("notes\n")
    (templates / "media").mkdir()
    (templates / "media" / "banner.png").write_bytes(b"\x89PNG")
    (templates / "order_paid.yaml").unlink()
    outcome = repo.run("apply", "--sandbox", "--prune", "--auto-approve")
    assert outcome.code == 0, outcome.out + outcome.err
    assert names(repo) == {"order_update"}
