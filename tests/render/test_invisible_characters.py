"""Invisible and bidirectional characters are spelled out wherever a value is shown, and sent as
they are: text, JSON, markdown, GitHub annotations, the terminal and HTML previews."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests import cabm
from tests.drift.test_stage import ORDER, drift_of
from tests.helpers import source
from tests.plan.channel import listed, made_for
from tests.plan.channel import source as channel_source
from tests.wire import build
from wa_templates.apply.execute import Report, Result
from wa_templates.apply.run import Applied
from wa_templates.channel.payload import to_payload
from wa_templates.cli.commands.apply import _Progress, _Say
from wa_templates.cli.main import main
from wa_templates.history.events import parse_event
from wa_templates.history.store import open_store
from wa_templates.plan.many import TargetPlan
from wa_templates.render import apply as render_apply
from wa_templates.render import drift as render_drift
from wa_templates.render import plan as render_plan
from wa_templates.render import targets as render_targets
from wa_templates.render.preview import terminal
from wa_templates.render.preview_html import page
from wa_templates.webhook.notify import finding_for, slack_payload
from wa_templates.webhook.register import describe

HIDDEN = "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
SPELLED = "\\u200b\\u200c\\u200d\\u2060\\ufeff\\u202a"
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\U000e0000-\U000e007f]")

TEMPLATE = f"""\
name: hidden
category: UTILITY
languages:
  en_US:
    body:
      text: "Your order{HIDDEN} {{{{1}}}} has shipped."
      examples: ["A{HIDDEN}1"]
    buttons:
      - type: QUICK_REPLY
        text: "Track{HIDDEN} my parcel for me now"
"""


def visible(out: str) -> bool:
    """No invisible character but the zero-width space markdown puts after an @."""
    return not INVISIBLE.search(out.replace("@\u200b", "@"))


@pytest.fixture
def hidden_file(tmp_path: Path) -> Path:
    path = tmp_path / "hidden.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    return path


def test_validate_text_and_github_spell_out_what_a_message_quotes(
    hidden_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt in ("text", "github"):
        assert main(["validate", "--format", fmt, str(hidden_file)]) == 1
        out = capsys.readouterr().out
        assert "WA204" in out and f"Track{SPELLED}" in out
        assert visible(out), out


def test_validate_json_is_the_same_data_with_escapes_only(
    hidden_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--format", "json", str(hidden_file)]) == 1
    out = capsys.readouterr().out
    assert visible(out) and "\\u200b\\u200c" in out
    [item] = json.loads(out)
    # Only how the message is written changes: as data it is the message, every character kept.
    assert item["rule"] == "WA204" and f"Track{HIDDEN} my parcel" in item["message"]


def test_the_value_sent_to_meta_keeps_every_character() -> None:
    template = source(TEMPLATE).template
    [body, buttons] = to_payload(template, "en_US")["components"]
    assert body["text"] == f"Your order{HIDDEN} {{{{1}}}} has shipped."
    assert body["examples"] == [f"A{HIDDEN}1"]
    assert buttons["buttons"][0]["text"] == f"Track{HIDDEN} my parcel for me now"


def test_plan_text_markdown_and_json_show_escapes_and_keep_the_data() -> None:
    plan = build([source(TEMPLATE)], [], made_for("prod"))
    text = render_plan.text(plan, color=False)
    assert visible(text) and "\\\\u200b" not in text and "Your order\\u200b" in text
    markdown = render_plan.markdown(plan)
    assert visible(markdown), markdown
    # In the fenced diff and the preview alike.
    assert markdown.count("Your order\\u200b\\u200c") >= 2
    out = render_plan.as_json(plan)
    assert visible(out)
    data = json.dumps(json.loads(out), ensure_ascii=False)
    assert f"Your order{HIDDEN} {{{{1}}}} has shipped." in data


def test_drift_markdown_and_json_show_escapes_and_keep_the_data() -> None:
    src = channel_source(ORDER)
    report = drift_of([src], listed(src, status="REJECTED", reason=f"BAD{HIDDEN}"))
    markdown = render_drift.markdown(report)
    # Markdown writes the backslash as an entity, so GitHub shows it instead of escaping.
    assert visible(markdown) and f"BAD{SPELLED}".replace("\\", "&#92;") in markdown
    out = render_drift.as_json(report)
    assert visible(out)
    assert f"BAD{HIDDEN}" in json.dumps(json.loads(out), ensure_ascii=False)


def test_previews_in_the_terminal_and_in_html_spell_them_out() -> None:
    template = source(TEMPLATE).template
    html = page(template.name, template.category, list(template.languages.items()))
    assert visible(html) and f"Your order{SPELLED}" in html
    for color in (False, True):
        out = terminal(f"Your order{HIDDEN}\n*done*", color=color)
        assert visible(out) and f"order{SPELLED}" in out and "\n" in out


def test_an_error_line_spells_out_what_it_quotes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "wa-templates.toml").write_text(
        '[targets.prod]\naccount_id = "a\u202e"\nchannel_id = "c"\nregion = "eu"\n'
        'api_key_env = "X"\n',
        encoding="utf-8",
    )
    assert main(["plan", "--target", "prod"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: wa-templates.toml:2: ") and visible(err), err
    assert "'targets.prod.account_id': 'a\\u202e' is not an 8x8 account id" in err


def test_apply_progress_spells_out_what_the_channel_answered(
    capsys: pytest.CaptureFixture[str],
) -> None:
    progress = _Progress(1, _Say(as_json=False), bar=False)
    progress.show(Result("template.t[en_US]", "create", False, f"HTTP 400: bad{HIDDEN}"))
    out = capsys.readouterr().out
    assert out.startswith(f"  + template.t[en_US]: FAILED: HTTP 400: bad{SPELLED}")
    assert visible(out)


def test_webhooks_8x8_lists_are_described_with_escapes() -> None:
    line = describe({"type": "CABM", "url": f"https://example.com/{HIDDEN}", "enabled": True})
    assert visible(line) and f"https://example.com/{SPELLED}" in line


def test_a_slack_notification_spells_out_what_the_event_carries() -> None:
    # The name and language are refused unless valid; Meta's reason is free text.
    event = parse_event(cabm.body(cabm.status("REJECTED", reason=f"BAD{HIDDEN}")))
    finding = finding_for(event)
    assert finding is not None
    text = slack_payload(event, "prod", finding)["text"]
    assert visible(text) and f"BAD{SPELLED}" in text


def test_history_text_and_json_show_escapes_and_keep_the_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wa-templates.toml").write_text(cabm.target_table())
    db = f"sqlite:///{tmp_path / 'history.db'}"
    store = open_store(db)
    try:
        reason = f"BAD{HIDDEN}"
        event = parse_event(cabm.body(cabm.status("REJECTED", reason=reason)))
        store.ingest(event, "prod", datetime(2025, 1, 1, tzinfo=UTC))
    finally:
        store.close()
    assert main(["history", "order_update", "--target", "prod", "--history", db]) == 0
    out = capsys.readouterr().out
    assert visible(out) and f"reason BAD{SPELLED}" in out
    args = ["history", "order_update", "--target", "prod", "--history", db, "--format", "json"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert visible(out)
    assert json.loads(out)["entries"][0]["reason"] == reason


def test_the_json_of_several_targets_and_of_apply_show_escapes_and_keep_the_data() -> None:
    plan = build([source(TEMPLATE)], [], made_for("prod"))
    several = render_targets.as_json(
        [TargetPlan(target="prod", description=plan.target, exit_code=0, plan=plan)], 0
    )
    assert visible(several)
    assert f"Your order{HIDDEN}" in json.dumps(json.loads(several), ensure_ascii=False)
    applied = Applied("prod", plan.channel, plan)
    applied.report = Report(
        [Result("template.hidden[en_US]", "create", False, f"HTTP 400: bad{HIDDEN}")]
    )
    out = render_apply.as_json(applied)
    assert visible(out)
    [record] = json.loads(out)["changes"]
    assert record["result"] == "failed" and record["message"] == f"HTTP 400: bad{HIDDEN}"
