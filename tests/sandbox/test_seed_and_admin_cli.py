"""`wa-templates sandbox seed | template | phone | clock`: the walkthrough's set-up, for real.

seed fills the --sandbox channel from files (all or nothing; twice changes nothing); the admin
verbs are the admin routes, their errors one line, their webhook events delivered at once.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.helpers import run
from tests.sandbox.receiver import Receiver
from wa_templates.sandbox.embedded import SANDBOX_ACCOUNT_ID, SANDBOX_CHANNEL_ID
from wa_templates.sandbox.records import Webhook, account_key
from wa_templates.sandbox.state import Store

GREETING = """\
    name: greeting
    category: UTILITY
    languages:
      en_US:
        body:
          text: "Hello {{1}}, your order has shipped and will arrive on Tuesday."
          examples: [Ana]
      es_MX:
        body:
          text: "Hola {{1}}, tu pedido fue enviado y llegará el martes."
          examples: [Ana]
    """
PROMOTION = """\
    name: promotion
    category: UTILITY
    languages:
      en_US:
        body:
          text: "Hi {{1}}, get 50% off everything this weekend only: buy now!"
          examples: [Ana]
    """


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "wa-templates.toml").write_text("")
    (tmp_path / "templates").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(project: Path, name: str, text: str) -> None:
    (project / "templates" / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")


def channel_of(project: Path) -> dict[tuple[str, str], tuple[str, str]]:
    state = Store(project / ".wa-templates" / "sandbox.json").read()
    channel = state.existing_channel(SANDBOX_ACCOUNT_ID, SANDBOX_CHANNEL_ID)
    templates = channel.templates if channel else []
    return {(t.name, t.language): (t.status, t.category) for t in templates}


def test_seed_creates_every_language_approved_and_twice_changes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, "greeting", GREETING)
    write(project, "promotion", PROMOTION)
    code, out, err = run(capsys, "sandbox", "seed")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "seeded     greeting (en_US APPROVED, es_MX APPROVED)",
        "seeded     promotion (en_US APPROVED)",
        "Seeded 3 templates (2 names) into .wa-templates/sandbox.json.",
    ]
    # As written: the review's move to MARKETING is undone, as the portal's template was.
    assert channel_of(project)[("promotion", "en_US")] == ("APPROVED", "UTILITY")
    code, out, _ = run(capsys, "sandbox", "seed", "templates")
    assert code == 0
    assert out.splitlines()[0] == (
        "kept       greeting (en_US APPROVED, es_MX APPROVED: already on the channel)"
    )
    assert out.splitlines()[-1] == "Seeded 0 templates (0 names) into .wa-templates/sandbox.json."
    code, out, _ = run(capsys, "plan", "--sandbox")
    assert code == 0 and "No changes." in out


def test_seed_with_review_lets_meta_decide_and_with_status_sets_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, "promotion", PROMOTION)
    assert run(capsys, "sandbox", "seed", "--review")[0] == 0
    assert channel_of(project)[("promotion", "en_US")] == ("APPROVED", "MARKETING")
    write(project, "greeting", GREETING)
    code, out, _ = run(capsys, "sandbox", "seed", "--status", "PAUSED")
    assert code == 0 and "seeded     greeting (en_US PAUSED, es_MX PAUSED)" in out
    code, _, err = run(capsys, "sandbox", "seed", "--review", "--status", "PAUSED")
    assert code == 64 and "cannot be used together" in err


def test_a_file_with_errors_refuses_the_whole_seed(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, "greeting", GREETING)
    write(project, "broken", "name: broken\ncategory: UTILITY\nlanguages: {en_US: {body: 3}}\n")
    code, out, err = run(capsys, "sandbox", "seed")
    assert code == 1 and out == ""
    assert "templates/broken.yaml:3" in err and "Nothing seeded" in err
    assert channel_of(project) == {}


def test_a_refusal_by_the_channel_is_one_line_and_creates_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, "greeting", GREETING)
    write(project, "promotion", PROMOTION)
    assert run(capsys, "sandbox", "clock")[0] == 0  # creates the state file
    store = Store(project / ".wa-templates" / "sandbox.json")
    store.configure(max_templates=1)
    code, out, err = run(capsys, "sandbox", "seed")
    assert code == 1 and out == ""
    assert err.startswith("error: templates/promotion.yaml: en_US: not seeded: Template limit")
    assert len(err.splitlines()) == 1
    assert channel_of(project) == {}


def test_a_local_media_sample_is_uploaded_as_apply_uploads_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "templates" / "banner.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"0" * 64)
    write(
        project,
        "sale",
        """\
        name: sale
        category: MARKETING
        languages:
          en_US:
            header: {format: IMAGE, examples: [banner.jpg]}
            body: {text: "Our spring sale starts today. Reply STOP to unsubscribe."}
        """,
    )
    code, out, err = run(capsys, "sandbox", "seed")
    assert code == 0, err
    state = Store(project / ".wa-templates" / "sandbox.json").read()
    [stored] = state.files.values()
    assert stored.size == 68
    [template] = state.channels[f"{SANDBOX_ACCOUNT_ID}/{SANDBOX_CHANNEL_ID}"].templates
    header = template.components[0]
    assert header["examples"][0].startswith("https://") and "banner" not in out


def test_admin_verbs_change_the_channel_and_deliver_their_events_at_once(
    project: Path, capsys: pytest.CaptureFixture[str], receiver: Receiver
) -> None:
    write(project, "greeting", GREETING)
    code, out, _ = run(capsys, "sandbox", "clock", "--rate", "0", "--set", "2026-05-04T09:00:00Z")
    assert (code, out) == (0, "Sandbox clock: 2026-05-04T09:00:00.00Z (stopped)\n")
    assert run(capsys, "sandbox", "seed")[0] == 0
    store = Store(project / ".wa-templates" / "sandbox.json")
    with store.transaction() as state:
        state.webhooks[account_key(SANDBOX_ACCOUNT_ID)] = [
            Webhook(type="CABM", sub_account_id="*", url=receiver.url)
        ]
    code, out, _ = run(capsys, "sandbox", "template", "greeting", "--status", "FLAGGED")
    assert out == (
        "template.greeting[en_US]: FLAGGED, UTILITY, quality UNKNOWN, "
        "disable date 2026-05-11T09:00:00.00Z\n"
    )
    assert [e["eventType"] for e in receiver.events] == ["template_status_update"]
    code, out, _ = run(capsys, "sandbox", "phone", "--quality-rating", "RED")
    assert code == 0 and out.endswith(": quality RED, messaging limit TIER_250\n")
    assert len(receiver.events) == 2
    code, out, _ = run(capsys, "sandbox", "clock", "--advance-hours", "1")
    assert out == "Sandbox clock: 2026-05-04T10:00:00.00Z (stopped)\n"
    code, out, _ = run(capsys, "sandbox", "template", "greeting", "--language", "es_MX")
    assert out == "template.greeting[es_MX]: APPROVED, UTILITY, quality UNKNOWN\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["template", "nothing"], "error: sandbox: Template not found: 'nothing' in 'en_US'"),
        (
            ["template", "greeting", "--status", "PAUSED", "--reason", "LATER"],
            "error: sandbox: Invalid parameter 'reason': a pause is one of",
        ),
        (["clock", "--set", "tomorrow"], "error: sandbox: Invalid parameter 'at': 'tomorrow'"),
    ],
)
def test_a_refused_admin_change_is_one_line(
    project: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    write(project, "greeting", GREETING)
    assert run(capsys, "sandbox", "seed")[0] == 0
    code, out, err = run(capsys, "sandbox", *args)
    assert code == 1 and out == ""
    assert err.startswith(message) and len(err.splitlines()) == 1
