"""`plan` against the sandbox: word diffs in the terminal, and `--format github`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.commands.conftest import Repo
from tests.drift.test_cli import ADMIN
from tests.plan.test_build import TWO_LANGS

TWO = "# Sent when the parcel leaves.\n" + TWO_LANGS


@pytest.fixture
def live(repo: Repo) -> Repo:
    """order_update, in two languages, approved on the sandbox."""
    repo.write("order_update", TWO)
    assert repo.run("apply", "--sandbox", "--auto-approve").code == 0
    return repo


def edit(old: str, new: str) -> None:
    path = Path("templates/order_update.yaml")
    path.write_text(path.read_text().replace(old, new))


@pytest.mark.parametrize(
    ("environment", "coloured"),
    [({"FORCE_COLOR": "1"}, True), ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False)],
)
def test_the_words_are_coloured_only_where_colour_is_allowed(
    live: Repo, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], coloured: bool
) -> None:
    edit("has shipped", "is on its way")
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    out = live.run("plan", "--sandbox").out
    assert ("\x1b[" in out) is coloured
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert "      ~ body.text: Hello {{1}}, your order " in plain
    assert ("[-has shipped.-]{+is on its way.+}" in plain) is not coloured


def test_github_annotates_the_blocked_change_and_the_finding_at_their_lines(live: Repo) -> None:
    edit("has shipped", "is on its way")
    with live.channel() as client:
        response = client.patch(f"{ADMIN}/order_update/es_ES", json={"status": "PAUSED"})
    assert response.status_code == 200, response.text
    outcome = live.run("plan", "--sandbox", "--format", "github")
    assert outcome.code == 3  # blocked, as with every format
    file = "templates/order_update.yaml"
    assert outcome.out.splitlines() == [
        f"::error file={file},line=5,col=3,title=blocked%3A template.order_update[en_US]::"
        "8x8 cannot edit a template, and deleting 'order_update' would drop every language of "
        "it (en_US APPROVED, es_ES PAUSED) and lock the name for 30 days. Ways out: give the "
        "new content a new name, or set `versioning: suffix` to create it as the next version",
        f"::warning file={file},line=9,col=3,title=paused%3A template.order_update[es_ES]::"
        "paused by Meta: not sendable; next: quality pause: auto-unpauses after 3 h (6 h the "
        "second time); a third pause disables it",
    ]


def test_github_prints_nothing_when_there_is_nothing_to_annotate(live: Repo) -> None:
    outcome = live.run("plan", "--sandbox", "--format", "github")
    assert (outcome.code, outcome.out) == (0, "")
