"""`plan` against the sandbox: word diffs in the terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.commands.conftest import Repo
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
