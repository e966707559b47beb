"""`wa-templates import` end to end: against the embedded sandbox, and against a channel given as
hand-written list items, followed by `validate` and `plan` on what it wrote."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.importer.channel import ITEMS, body, item
from tests.plan.channel import made_for
from wa_templates.channel.remote import ChannelTemplate, parse_list
from wa_templates.cli.commands import import_, plan
from wa_templates.cli.main import main
from wa_templates.importer import to_files as importer

REPO = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


class FakeChannel:
    """A provider that lists the given items (and refuses to change anything)."""

    description = "target fake"

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items

    def list_templates(self) -> list[ChannelTemplate]:
        return parse_list(self.items)

    def close(self) -> None:
        pass


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "wa-templates.toml").write_text('templates_dir = "templates"\n')
    shutil.copytree(REPO / "schema", tmp_path / "schema")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


def channel(monkeypatch: pytest.MonkeyPatch, items: list[dict[str, Any]]) -> None:
    fake = FakeChannel(items)
    monkeypatch.setattr(import_, "open_provider", lambda *args, **kwargs: fake)
    monkeypatch.setattr(plan, "open_channel", lambda *args, **kwargs: (fake, made_for("fake")))


def test_sandbox_round_trip_of_the_shipped_examples(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(REPO / "templates", project / "templates")
    assert run(capsys, "apply", "--sandbox", "--auto-approve")[0] == 0
    shutil.rmtree(project / "templates")

    code, out, err = run(capsys, "import", "--sandbox")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 10 and all(line.startswith("created    templates/") for line in lines)
    assert "created    templates/login_code.yaml (en_US APPROVED, es_MX APPROVED)" in lines
    first = {p.name: p.read_bytes() for p in (project / "templates").iterdir()}
    assert first["spring_sale.yaml"].startswith(
        b"# yaml-language-server: $schema=../schema/template.schema.json\n#\n"
        b"# Imported from sandbox (.wa-templates/sandbox.json): en_US APPROVED.\n"
    )

    code, out, _ = run(capsys, "validate")
    assert code == 0, out
    assert "0 errors" in out
    code, out, _ = run(capsys, "plan", "--sandbox", "--detailed-exitcode")
    assert code == 0, out
    assert "No changes." in out

    # Again: every file unchanged and byte for byte the same.
    code, out, _ = run(capsys, "import", "--sandbox")
    assert code == 0 and out.count("unchanged  templates/") == 10
    assert {p.name: p.read_bytes() for p in (project / "templates").iterdir()} == first


def test_the_shipped_examples_themselves_import_as_unchanged(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(REPO / "templates", project / "templates")
    assert run(capsys, "apply", "--sandbox", "--auto-approve")[0] == 0
    before = {p: p.read_bytes() for p in (project / "templates").rglob("*.yaml")}
    code, out, _ = run(capsys, "import", "--sandbox")
    assert code == 0
    assert "unchanged  templates/orders/order_shipped.yaml (en_US APPROVED, es_MX APPROVED)" in out
    assert {p: p.read_bytes() for p in (project / "templates").rglob("*.yaml")} == before


def test_hand_written_channel_round_trip(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    channel(monkeypatch, ITEMS)
    code, out, err = run(capsys, "import")
    assert (code, err) == (0, "")
    assert "created    templates/gif_teaser.yaml (en_US REJECTED)" in out
    code, out, _ = run(capsys, "plan", "--detailed-exitcode")
    assert code == 0, out
    assert "No changes." in out


def test_a_differing_file_is_refused_with_exit_1_and_force_replaces_it(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    channel(monkeypatch, ITEMS)
    assert run(capsys, "import", "--only", "call_us")[0] == 0
    path = project / "templates" / "call_us.yaml"
    original = path.read_bytes()
    path.write_text(path.read_text().replace("Call now", "Ring us"))
    code, out, _ = run(capsys, "import", "--only", "call_us", "--only", "contact_request")
    assert code == 1
    assert out.splitlines() == [
        "refused    templates/call_us.yaml: differs from the channel (en_US buttons[0].text); "
        "--force changes the keys that differ",
        "created    templates/contact_request.yaml (en_US APPROVED)",
    ]
    code, out, _ = run(capsys, "import", "--only", "call_us", "--force")
    assert (code, out) == (
        0,
        "updated    templates/call_us.yaml (en_US APPROVED): en_US buttons[0].text\n",
    )
    assert path.read_bytes() == original


def test_only_names_a_template_that_is_not_on_the_channel(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    channel(monkeypatch, ITEMS)
    code, out, err = run(capsys, "import", "--only", "order_updat", "--only", "call_us")
    assert code == 1 and out == ""
    assert err == (
        "error: --only order_updat matches no template on the channel; "
        "did you mean 'order_update'?\n"
    )
    assert not (project / "templates").exists()


def test_ignore_patterns_from_the_config(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "wa-templates.toml").write_text('ignore = ["*_code", "order_*"]\n')
    channel(monkeypatch, ITEMS)
    code, out, _ = run(capsys, "import")
    assert code == 0
    written = sorted(p.stem for p in (project / "templates").iterdir())
    assert "login_code" not in written and "order_update" not in written
    assert "spring_promo" in written
    code, _, err = run(capsys, "import", "--only", "login_code")
    assert code == 1
    assert err == "error: --only login_code matches only names the `ignore` setting leaves out\n"
    code, out, _ = run(capsys, "plan", "--detailed-exitcode")
    assert code == 0, out


def test_versioned_templates_fold_into_the_base_with_versioning_suffix(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "wa-templates.toml").write_text('versioning = "suffix"\n')
    items = [
        item("order_note", "en_US", "UTILITY", [body("Your order is on its way now.")]),
        item("order_note_v2", "en_US", "UTILITY", [body("Your order has left our store.")]),
    ]
    channel(monkeypatch, items)
    # Patterns match template names: a version is selected through its template.
    code, out, err = run(capsys, "import", "--only", "order_note_v2")
    assert (code, out) == (1, "")
    assert err == (
        "error: --only order_note_v2 names a version of the template 'order_note': patterns "
        "match template names, so select it as 'order_note'\n"
    )
    code, out, _ = run(capsys, "import", "--only", "order_*")
    assert code == 0
    assert out == (
        "created    templates/order_note.yaml (en_US APPROVED)\n"
        "  note: imported order_note_v2, the current version; earlier versions stay on the "
        "channel: order_note\n"
    )
    code, out, _ = run(capsys, "plan", "--detailed-exitcode")
    assert code == 0, out


def test_a_file_that_sets_versioning_itself_folds_its_versions(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = project / "templates"
    folder.mkdir()
    (folder / "order_note.yaml").write_text(
        "name: order_note\ncategory: UTILITY\nversioning: suffix\nlanguages:\n"
        "  en_US:\n    body: {text: Your order is on its way now.}\n"
    )
    items = [
        item("order_note", "en_US", "UTILITY", [body("Your order is on its way now.")]),
        item("order_note_v2", "en_US", "UTILITY", [body("Your order has left our store.")]),
    ]
    channel(monkeypatch, items)
    code, out, _ = run(capsys, "import", "--force")
    assert code == 0 and out.startswith("updated    templates/order_note.yaml (en_US APPROVED)")
    text = (folder / "order_note.yaml").read_text()
    assert "versioning: suffix" in text and "Your order has left our store." in text
    assert run(capsys, "plan", "--detailed-exitcode")[0] == 0


def test_hostile_channel_data_never_escapes_the_folder_or_raises(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [
        item("../../escape", "en_US", "UTILITY", [body("Hello there, all of you.")]),
        item("two_bodies", "en_US", "UTILITY", [body("One."), body("Two.")]),
        item("bell\x07", "en_US", "UTILITY", [body("x")]),
        item(
            "weird_text",
            "en_US",
            "UTILITY",
            [body("Line\x1b[31m red\r\nnext\u2028line  \n# not a comment: {{1}}", "a: b")],
            status="APPROVED\x1b[2J",
        ),
    ]
    channel(monkeypatch, items)
    code, out, err = run(capsys, "import")
    assert code == 1 and err == ""
    assert "\x1b" not in out and "\x07" not in out
    assert "refused    ../../escape: '../../escape' is not a template name a file can take" in out
    assert (
        "refused    two_bodies: the channel's content cannot be read: en_US: more than one" in out
    )
    assert sorted(p.name for p in (project / "templates").iterdir()) == ["weird_text.yaml"]
    assert not (project.parent / "escape.yaml").exists()
    code, _, _ = run(capsys, "validate", "templates/weird_text.yaml")
    assert code in (0, 1)  # it loads (rules may judge it); it is never a crash


def test_a_file_that_cannot_be_written_fails_that_file_only(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    channel(monkeypatch, ITEMS)
    write = importer.write

    def refuse_one(outcome: importer.Outcome) -> None:
        if outcome.name == "call_us":
            raise PermissionError(13, "Permission denied")
        write(outcome)

    monkeypatch.setattr(importer, "write", refuse_one)
    code, out, err = run(capsys, "import", "--only", "call_us", "--only", "contact_request")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "failed     templates/call_us.yaml: cannot write it: Permission denied",
        "created    templates/contact_request.yaml (en_US APPROVED)",
    ]


def test_an_empty_channel(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    channel(monkeypatch, [])
    assert run(capsys, "import") == (0, "nothing to import: the channel has no templates\n", "")
    channel(monkeypatch, ITEMS[:1])
    (project / "wa-templates.toml").write_text('ignore = ["*"]\n')
    assert run(capsys, "import")[1] == (
        "nothing to import: the channel has no templates outside the `ignore` patterns\n"
    )


def test_dir_option_writes_elsewhere(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    channel(monkeypatch, ITEMS)
    code, out, _ = run(capsys, "import", "--only", "call_us", "--dir", "elsewhere/t")
    assert (code, out) == (0, "created    elsewhere/t/call_us.yaml (en_US APPROVED)\n")
    assert (
        (project / "elsewhere" / "t" / "call_us.yaml")
        .read_text()
        .startswith("# yaml-language-server: $schema=../../schema/template.schema.json\n")
    )


def test_without_a_schema_in_the_project_there_is_no_schema_line(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.rmtree(project / "schema")
    channel(monkeypatch, ITEMS)
    assert run(capsys, "import", "--only", "call_us")[0] == 0
    text = (project / "templates" / "call_us.yaml").read_text()
    assert text.startswith("# Imported from target fake: en_US APPROVED.\nname: call_us\n")


def test_target_and_sandbox_together_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "import", "--sandbox", "--target", "prod")[0] == 64
