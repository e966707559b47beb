"""The command line over HTTP: exit codes, confirmation, --sandbox and --target alike, and the
CLI as a separate process as CI runs it."""

from __future__ import annotations

import io
import json
import subprocess

import pytest

from tests.e2e.conftest import FAST_CLIENTS, KEY_ENV, Project, Sandbox, simple
from tests.helpers import console_script

pytestmark = pytest.mark.e2e


def test_plan_and_apply_as_ci_runs_them(linked: Project, sandbox: Sandbox) -> None:
    linked.write("order_update", simple("order_update"))
    planned = linked.spawn("plan", "--target", "local", "--detailed-exitcode")
    assert planned.code == 2, planned.err
    assert "+ template.order_update[en_US]  create" in planned.out

    # No terminal and no --auto-approve: a clear refusal, nothing changed.
    refused = linked.spawn("apply", "--target", "local")
    assert refused.code == 1
    assert "pass --auto-approve" in refused.err and "Traceback" not in refused.err
    assert sandbox.listed() == {}

    applied = linked.spawn("apply", "--target", "local", "--auto-approve")
    assert applied.code == 0, applied.err
    assert set(sandbox.listed()) == {("order_update", "en_US")}
    again = linked.spawn("plan", "--detailed-exitcode")
    assert again.code == 0 and "No changes" in again.out


def test_confirmation_in_process_without_a_terminal(linked: Project, sandbox: Sandbox) -> None:
    linked.write("order_update", simple("order_update"))
    refused = linked.run("apply")
    assert refused.code == 1 and "refusing to apply without confirmation" in refused.err
    assert sandbox.listed() == {}


def test_sandbox_flag_works_for_plan_apply_and_names(project: Project) -> None:
    project.write("order_update", simple("order_update"))
    (project.templates / "banner.png").write_bytes(b"\x89PNG\r\n\x1a\n banner")
    project.write(
        "sale",
        """\
        name: sale
        category: MARKETING
        languages:
          en_US:
            header: {format: IMAGE, examples: ["banner.png"]}
            body:
              text: "Our sale starts today, {{1}}. Reply STOP to opt out."
              examples: ["Ana"]
        """,
    )
    assert project.run("plan", "--sandbox", "--detailed-exitcode").code == 2
    applied = project.run("apply", "--sandbox", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err
    again = project.run("plan", "--sandbox", "--detailed-exitcode")
    assert again.code == 0 and "rejected" not in again.out  # the uploaded sample is https
    names = project.run("names", "--sandbox", "--format", "json")
    assert json.loads(names.out) == {
        "order_update": {"en_US": "order_update"},
        "sale": {"en_US": "sale"},
    }
    assert (project.root / ".wa-templates" / "sandbox.json").is_file()


def test_usage_errors_are_64(linked: Project) -> None:
    linked.write("order_update", simple("order_update"))
    both = linked.run("plan", "--sandbox", "--target", "local")
    assert both.code == 64 and "cannot be used together" in both.err
    assert linked.run("apply", "--timeout", "soon", "--auto-approve").code == 64
    assert linked.run("plan", "--format", "yaml").code == 64
    assert linked.run("apply", "--concurrency", "0").code == 64


def test_formats(linked: Project) -> None:
    linked.write("order_update", simple("order_update"))
    markdown = linked.run("plan", "--format", "markdown")
    assert markdown.code == 0 and "1 change, applyable" in markdown.out
    data = json.loads(linked.run("plan", "--format", "json").out)
    assert data["summary"]["create"] == 1 and data["target"] == "target local"


def test_invalid_templates_never_reach_the_channel(linked: Project, sandbox: Sandbox) -> None:
    linked.write(
        "broken",
        "name: broken\ncategory: UTILITY\nlanguages:\n  en_US:\n    body:\n"
        "      text: '" + "x" * 1100 + "'\n",
    )
    for command in (("plan",), ("apply", "--auto-approve")):
        outcome = linked.run(*command)
        assert outcome.code == 1
        assert "the templates have errors; nothing on the channel was read" in outcome.err
    assert sandbox.listed() == {}


def test_missing_key_and_unknown_target(linked: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    linked.write("order_update", simple("order_update"))
    assert linked.run("plan", "--target", "prod").code == 1
    monkeypatch.delenv(KEY_ENV)
    missing = linked.run("plan")
    assert missing.code == 1 and f"environment variable {KEY_ENV} is not set" in missing.err


def test_unreachable_target_is_one_line(linked: Project, sandbox: Sandbox) -> None:
    linked.write("order_update", simple("order_update"))
    linked.configure("http://127.0.0.1:9")  # discard port: nothing listens
    outcome = linked.run("plan")
    assert outcome.code == 1
    assert outcome.err.startswith("error: no answer from http://127.0.0.1:9 to list templates")
    assert len(outcome.err.strip().splitlines()) == 1


def test_wrong_key_is_one_line(linked: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    linked.write("order_update", simple("order_update"))
    monkeypatch.setenv(KEY_ENV, "not-the-key")
    outcome = linked.run("apply", "--auto-approve")
    assert outcome.code == 1 and "API key rejected" in outcome.err
    assert "not-the-key" not in outcome.err + outcome.out


def test_the_cli_opens_the_fast_test_client(linked: Project) -> None:
    """The e2e fixture patches `wa_templates.cli.target.Client` by its dotted path; this proves
    the CLI really builds its client through it (so fault tests do not wait on real backoff)."""
    made = len(FAST_CLIENTS)
    assert linked.run("plan").code == 0
    assert len(FAST_CLIENTS) == made + 1
    assert FAST_CLIENTS[-1].retry.max_delay == 0.01


def test_installed_entry_point_runs() -> None:
    done = subprocess.run(
        [console_script(), "apply", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "--auto-approve" in done.stdout


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "code", "created"), [("n\n", 1, 0), ("y\n", 0, 1)])
def test_apply_asks_on_a_terminal(
    linked: Project,
    sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    code: int,
    created: int,
) -> None:
    linked.write("order_update", simple("order_update"))
    monkeypatch.setattr("sys.stdin", Terminal(answer))
    outcome = linked.run("apply")
    assert outcome.code == code
    assert "Apply these changes?" in outcome.out
    assert len(sandbox.listed()) == created
    if not created:
        assert "Apply cancelled; nothing was changed." in outcome.out


def test_names_as_text(linked: Project, sandbox: Sandbox) -> None:
    linked.write("order_update", simple("order_update", es="Hola {{1}}, tu pedido va en camino."))
    linked.run("apply", "--auto-approve")
    sandbox.patch("order_update", "es_ES", status="PAUSED")
    names = linked.run("names")
    assert names.code == 0
    rows = [line.split() for line in names.out.splitlines()]
    assert rows == [
        ["order_update", "en_US", "order_update"],
        ["order_update", "es_ES", "(none", "sendable", "yet)"],
    ]
