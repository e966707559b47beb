"""`wa-templates drift` on a project against the embedded sandbox: apply, change the channel as
Meta or someone in WhatsApp Manager would (the sandbox's admin route), then drift."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.plan.channel import simple
from wa_templates.channel.remote import ChannelTemplate
from wa_templates.cli import target as cli_target
from wa_templates.cli.commands import drift as drift_command
from wa_templates.cli.main import main
from wa_templates.config.project import Project
from wa_templates.provider.base import CreatePayload, Provider
from wa_templates.sandbox import embedded

ADMIN = (
    f"/_sandbox/accounts/{embedded.SANDBOX_ACCOUNT_ID}/channels/{embedded.SANDBOX_CHANNEL_ID}"
    "/templates"
)
PROMO = textwrap.dedent(
    """\
    name: promo
    category: MARKETING
    languages:
      en_US:
        body:
          text: "Hello {{1}}, our summer sale starts today. Reply STOP to opt out."
          examples: ["Ana"]
    """
)


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.out)
        return data

    def kinds(self) -> list[tuple[str, str]]:
        return [(f["name"], f["kind"]) for f in self.json()["findings"]]


class Repo:
    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.root = root
        self.capsys = capsys
        (root / "templates").mkdir(parents=True)
        (root / "wa-templates.toml").write_text("")

    def write(self, name: str, text: str) -> None:
        (self.root / "templates" / f"{name}.yaml").write_text(text, encoding="utf-8")

    def remove(self, name: str) -> None:
        (self.root / "templates" / f"{name}.yaml").unlink()

    def run(self, *args: str) -> Outcome:
        self.capsys.readouterr()
        code = main(list(args))
        captured = self.capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    def apply(self) -> None:
        outcome = self.run("apply", "--sandbox", "--auto-approve")
        assert outcome.code == 0, outcome.out + outcome.err

    def drift(self, *args: str) -> Outcome:
        return self.run("drift", "--sandbox", *args)

    def _client(self) -> httpx.Client:
        transport = embedded.open_transport(embedded.default_state_path(self.root))
        return httpx.Client(
            transport=transport,
            base_url=embedded.SANDBOX_BASE_URL,
            headers={"Authorization": f"Bearer {embedded.SANDBOX_API_KEY}"},
        )

    def patch(self, name: str, language: str = "en_US", **changes: Any) -> None:
        """Change a template as Meta (status, reason, category) or WhatsApp Manager would."""
        with self._client() as client:
            response = client.patch(f"{ADMIN}/{name}/{language}", json=changes)
        assert response.status_code == 200, response.text

    def older_data(self) -> None:
        """List reasons, pause titles and disable dates, as 8x8's list never does (they come
        through its webhooks): the sandbox's switch for tests of older data only."""
        with self._client() as client:
            response = client.patch("/_sandbox/config", json={"list_extras": True})
        assert response.status_code == 200, response.text


@pytest.fixture
def repo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Repo:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    made = Repo(tmp_path, capsys)
    made.write("order_update", simple("order_update"))
    made.write("promo", PROMO)
    made.apply()
    return made


def test_clean_channel_exits_0_in_every_format(repo: Repo) -> None:
    text = repo.drift()
    assert text.code == 0, text.out + text.err
    assert "2 synced and healthy, not listed" in text.out
    assert "No drift" in text.out and text.err == ""
    data = repo.drift("--format", "json").json()
    assert data["drift"] is False and data["findings"] == [] and data["unmanaged"] == []
    assert data["summary"]["sync"]["Synced"] == 2
    markdown = repo.drift("--format", "markdown")
    assert markdown.code == 0
    assert markdown.out.startswith("<!-- wa-templates-drift:sandbox__.wa-templates/sandbox.json_")


@pytest.mark.parametrize(
    ("reason", "step"),
    [
        ("RATE_LIMITING_PAUSE", "pacing pause"),
        ("FIRST_PAUSE", "auto-unpauses after 3 h"),
        (None, "pacing pause"),
    ],
)
def test_paused_template_is_drift_by_default(repo: Repo, reason: str | None, step: str) -> None:
    if reason:
        repo.older_data()
    repo.patch("promo", status="PAUSED", **({"reason": reason} if reason else {}))
    outcome = repo.drift("--format", "json")
    assert outcome.code == 2
    [finding] = outcome.json()["findings"]
    assert (finding["kind"], finding["health"], finding["sync"]) == (
        "paused",
        "Suspended",
        "Synced",
    )
    assert step in finding["next_step"]
    assert (reason or "paused by Meta:") in finding["detail"]
    # A scheduled job that only cares about errors lets a pause pass; one naming it does not.
    assert repo.drift("--fail-on", "error").code == 0
    assert repo.drift("--fail-on", "paused").code == 2
    assert repo.drift("--fail-on", "none").code == 0


def test_edited_outside_git_then_recategorised(repo: Repo) -> None:
    repo.patch(
        "order_update",
        components=[
            {"type": "BODY", "text": "Hello {{1}}, your order left today.", "examples": ["Ana"]}
        ],
    )
    edited = repo.drift()
    assert edited.code == 2
    assert "out_of_sync: differs from the repository in body.text" in edited.out
    assert "~ body.text: Hello {{1}}, your order [-left today.-]{+" in edited.out

    repo.patch("order_update", category="MARKETING")
    data = repo.drift("--format", "json").json()
    assert [(f["kind"], f["sync"]) for f in data["findings"]] == [
        ("out_of_sync", "OutOfSync"),
        ("category_changed", "OutOfSync"),
    ]
    assert (
        "`category: MARKETING` in templates/order_update.yaml" in (data["findings"][1]["next_step"])
    )
    markdown = repo.drift("--format", "markdown").out
    assert "<code>body.text</code>: Hello {{1}}, your order <del>left today.</del><ins>" in markdown


@pytest.mark.parametrize(
    ("status", "reason", "kind", "detail", "code_on_error"),
    [
        ("REJECTED", "INCORRECT_CATEGORY", "rejected", "rejected by Meta: INCORRECT_CATEGORY", 2),
        ("DISABLED", None, "disabled", "disabled by Meta for good", 2),
        ("FLAGGED", "2030-01-31", "flagged", "will be disabled on 2030-01-31", 0),
        ("IN_APPEAL", None, "in_appeal", "rejection under appeal", 0),
        ("PENDING_DELETION", None, "pending_deletion", "being deleted on the channel", 0),
    ],
)
def test_statuses_set_by_meta(
    repo: Repo, status: str, reason: str | None, kind: str, detail: str, code_on_error: int
) -> None:
    if reason:
        repo.older_data()
    repo.patch("order_update", status=status, **({"reason": reason} if reason else {}))
    outcome = repo.drift("--format", "json")
    assert outcome.code == (0 if kind == "in_appeal" else 2)
    [finding] = outcome.json()["findings"]
    assert finding["kind"] == kind and detail in finding["detail"]
    assert repo.drift("--fail-on", "error").code == code_on_error


def test_missing_and_unmanaged(repo: Repo) -> None:
    repo.write("brand_new", simple("brand_new", body="Hi {{1}}, your invoice is ready to view."))
    repo.remove("promo")
    outcome = repo.drift("--format", "json")
    assert outcome.code == 2
    data = outcome.json()
    assert [(f["name"], f["kind"], f["sync"]) for f in data["findings"]] == [
        ("brand_new", "missing", "Missing")
    ]
    assert data["unmanaged"] == [
        {"name": "promo", "language": "en_US", "status": "APPROVED", "category": "MARKETING"}
    ]
    repo.write("brand_new", simple("brand_new", body="Hi {{1}}, your invoice is ready to view."))
    repo.apply()
    assert repo.drift().code == 0  # unmanaged is listed, not counted by default
    assert repo.drift("--fail-on", "unmanaged").code == 2
    text = repo.drift().out
    assert "Unmanaged: on the channel, not in the repository (not counted):" in text
    assert "? promo (MARKETING): en_US APPROVED" in text
    (repo.root / "wa-templates.toml").write_text('ignore = ["promo"]\n')
    assert repo.drift("--format", "json", "--fail-on", "unmanaged").json()["unmanaged"] == []


def test_versioned_template_after_a_new_version(repo: Repo) -> None:
    repo.write("order_update", simple("order_update", versioning="suffix"))
    assert repo.drift().code == 0
    repo.write(
        "order_update",
        simple("order_update", body="Hello {{1}}, your order is on its way.", versioning="suffix"),
    )
    changed = repo.drift("--format", "json")
    assert changed.code == 2
    [finding] = changed.json()["findings"]
    assert finding["kind"] == "out_of_sync" and "'order_update_v2'" in finding["next_step"]
    repo.apply()
    repo.patch("order_update", status="PAUSED", reason="FIRST_PAUSE")
    after = repo.drift("--format", "json")
    # order_update_v2 is approved and is what is sent: the paused version 1 is neither drift
    # nor unmanaged.
    assert after.code == 0, after.out
    assert after.json()["findings"] == [] and after.json()["unmanaged"] == []


class ReadOnly:
    """The real sandbox client, refusing every call that would change the channel."""

    def __init__(self, inner: Provider) -> None:
        self.inner = inner
        self.description = inner.description
        self.lists = 0

    def list_templates(self) -> list[ChannelTemplate]:
        self.lists += 1
        return self.inner.list_templates()

    def create_template(self, payload: CreatePayload) -> None:
        raise AssertionError(f"drift created {payload.get('name')}")

    def delete_template(self, name: str) -> None:
        raise AssertionError(f"drift deleted {name}")

    def upload_file(self, path: Path) -> str:
        raise AssertionError(f"drift uploaded {path}")

    def close(self) -> None:
        self.inner.close()


def test_drift_never_writes_to_the_channel(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[ReadOnly] = []
    real = cli_target.open_provider

    def read_only(project: Project, target: str | None, sandbox: bool) -> Provider:
        opened.append(ReadOnly(real(project, target, sandbox)))
        return opened[-1]

    monkeypatch.setattr(drift_command, "open_provider", read_only)
    repo.write("brand_new", simple("brand_new", body="Hi {{1}}, your invoice is ready to view."))
    repo.patch("order_update", status="REJECTED")
    repo.remove("promo")
    state = embedded.default_state_path(repo.root).read_bytes()
    for fmt in ("text", "markdown", "json"):
        assert repo.drift("--format", fmt, "--fail-on", "info,unmanaged").code == 2
    assert [p.lists for p in opened] == [1, 1, 1]
    assert embedded.default_state_path(repo.root).read_bytes() == state


def test_invalid_templates_exit_1_before_the_channel_is_read(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> Provider:
        raise AssertionError("the channel was opened")

    monkeypatch.setattr(drift_command, "open_provider", refuse)
    repo.write("broken", "name: broken\ncategory: UTILITY\nlanguages: {}\n")
    outcome = repo.drift()
    assert outcome.code == 1 and outcome.out == ""
    assert "the templates have errors; nothing on the channel was read" in outcome.err


def test_usage_and_configuration_errors(repo: Repo) -> None:
    bogus = repo.drift("--fail-on", "paused,bogus")
    assert bogus.code == 64 and "unknown 'bogus'" in bogus.err and bogus.out == ""
    both = repo.run("drift", "--sandbox", "--target", "prod")
    assert both.code == 64 and "cannot be used together" in both.err
    no_target = repo.run("drift")
    assert no_target.code == 1 and no_target.err.startswith("error: ")
    assert "Traceback" not in no_target.err
    (repo.root / "wa-templates.toml").write_text('ignore = "promo"\n')
    bad_config = repo.drift()
    assert bad_config.code == 1 and "wa-templates.toml:1: 'ignore' must be a list" in bad_config.err


def test_help_documents_the_default_fail_on() -> None:
    import click.testing

    from wa_templates.cli.main import _register, cli

    _register()
    result = click.testing.CliRunner().invoke(cli, ["drift", "--help"])
    assert result.exit_code == 0
    flat = " ".join(result.output.split())
    assert "[default: warning]" in flat and "pending_review and in_appeal" in flat
