"""The README's Quickstart and GitOps walkthrough, run as written: every output it shows is what
the commands print.

Each section runs in its own copy of the repository's templates (and wa-templates.toml, if
any), with the installed console script (tests.helpers.console_script) first on PATH, each
command through bash, its stdout and stderr together as a terminal shows them.

Markup, unseen in the rendered README:
- a fenced block whose first line starts with `$ ` is run: each `$ ` line is a command, and the
  lines after it, up to the next `$ ` line, are its output, which must match;
- `<!-- readme-test: file PATH -->` before a block: the block is the new content of PATH;
- `<!-- readme-test: patch -->` before a diff block: the diff is applied (`git apply`);
- `<!-- readme-test: skip: WHY -->` before a block: not run (installing; the test suite itself);
- any other block in the two sections fails the test, so none escapes it;
- `$ export NAME=VALUE` sets NAME for the commands after it (VALUE as bash expands it);
- a command ending in ` &` runs in the background until the section ends, and the next step
  waits until it listens on the receiver's port.

Placeholders: before comparing, both sides have
- a channel state fingerprint `sha256:` + 12 hex digits replaced (the Quickstart's sandbox clock
  runs, so its state's times, and with them its fingerprint, differ from run to run);
- a minute-precision time `YYYY-MM-DD HH:MMZ` replaced: the history store notes when it heard
  something by the receiving machine's clock, not the sandbox's;
- the receiver's port 8089 replaced by a free one (in commands and output), as other tests may
  hold 8089.
Everything else is exact: the walkthrough stops the sandbox's clock at a fixed moment, so the
sandbox's own times (a review, a flag's disable date) are the README's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import console_script
from tests.readme_steps import (
    Command,
    Mismatch,
    Runner,
    project_copy,
    section,
    steps,
)

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTIONS = ("Quickstart", "GitOps walkthrough")


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[Runner]:
    running = Runner(project_copy(ROOT, tmp_path / "project"), console_script())
    try:
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize("title", SECTIONS)
def test_the_section_runs_as_written(title: str, runner: Runner) -> None:
    found = steps(section(README, title))
    assert any(isinstance(step, Command) and step.expected for step in found)
    for step in found:
        runner.run(step)


def test_a_changed_output_line_fails_the_comparison(runner: Runner) -> None:
    [validate] = [
        step
        for step in steps(section(README, "Quickstart"))
        if isinstance(step, Command) and step.line == "wa-templates validate"
    ]
    runner.run(validate)  # as written, it matches
    changed = Command(validate.line, [*validate.expected], validate.where)
    changed.expected[-1] = changed.expected[-1].replace("0 errors", "1 errors")
    with pytest.raises(Mismatch, match=r"-10 files checked: 1 errors"):
        runner.run(changed)


def test_a_placeholder_stands_only_for_its_own_kind_of_text(runner: Runner) -> None:
    echo = Command("echo 'state sha256:0123456789ab at 2026-05-04 09:00Z'", [], 1)
    echo.expected = ["state sha256:ba9876543210 at 2031-01-01 00:00Z"]
    runner.run(echo)
    echo.expected = ["state sha256:ba9876543210 on 2031-01-01 00:00Z"]
    with pytest.raises(Mismatch):
        runner.run(echo)


def test_a_block_neither_run_nor_marked_fails() -> None:
    text = "## Demo\n\n```sh\nwa-templates plan --sandbox\n```\n"
    with pytest.raises(AssertionError, match="neither run"):
        steps(section(text, "Demo"))


def test_marked_blocks_are_files_patches_or_skipped() -> None:
    text = (
        "## Demo\n"
        "<!-- readme-test: skip: installs -->\n```sh\npip install .\n```\n"
        "<!-- readme-test: file templates/x.yaml -->\n```yaml\nname: x\n```\n"
        "<!-- readme-test: patch -->\n```diff\n--- a/x\n+++ b/x\n```\n"
        "```\n$ true\n$ echo hi\nhi\n```\n"
    )
    found = steps(section(text, "Demo"))
    assert [type(step).__name__ for step in found] == ["File", "Patch", "Command", "Command"]
    assert found[0] == found[0].__class__("templates/x.yaml", "name: x\n")
    assert isinstance(found[3], Command) and found[3].expected == ["hi"]
