from pathlib import Path

import pytest

from tests.importer.channel import ITEMS, body, item
from tests.plan.channel import made_for
from tests.wire import build, from_channel
from wa_templates.channel import remote
from wa_templates.files.diagnostics import Severity
from wa_templates.files.load import load_bytes, load_file
from wa_templates.files.model import Language, TemplateFile
from wa_templates.importer import to_files as importer
from wa_templates.plan.build import PlanOptions
from wa_templates.plan.model import Action
from wa_templates.rules.check import check_paths


def import_all(folder: Path, items: list[dict[str, object]], force: bool = False) -> list[str]:
    channel = from_channel(items)
    local = importer.local_files(folder)
    lines = []
    for name, imported in channel.templates.items():
        outcome = importer.place(imported, local, folder, "target test", force=force)
        importer.write(outcome)
        lines.append(f"{outcome.action} {name}")
    return lines


# --- the round trip: channel -> files -> validate and plan ------------------------------------


def test_every_component_type_round_trips_to_a_plan_without_changes(tmp_path: Path) -> None:
    assert all(line.startswith("created") for line in import_all(tmp_path, ITEMS))
    report = check_paths([tmp_path])
    assert report.files == len({i["templateName"] for i in ITEMS})
    plan = build(report.sources, ITEMS, made_for("test"))
    assert plan.changes and {c.action for c in plan.changes} == {Action.NOOP}
    assert not plan.unmanaged
    assert len(plan.changes) == len(ITEMS)


def test_templates_meta_approved_validate_without_errors(tmp_path: Path) -> None:
    import_all(tmp_path, ITEMS)
    report = check_paths([tmp_path])
    approved = {i["templateName"] for i in ITEMS if i["status"] == "APPROVED"}
    errors = [
        d
        for d in report.diagnostics
        if d.severity is Severity.ERROR and Path(d.file).stem in approved
    ]
    assert errors == []


def test_written_files_load_back_to_the_imported_model(tmp_path: Path) -> None:
    channel = from_channel(ITEMS)
    import_all(tmp_path, ITEMS)
    for name, imported in channel.templates.items():
        raw = (tmp_path / f"{name}.yaml").read_bytes()
        source, problems = load_bytes(raw, f"{name}.yaml", name)
        assert problems == [] and source is not None
        assert source.template == imported.template


def test_import_is_byte_identical_every_time(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    import_all(first, ITEMS)
    import_all(second, list(reversed(ITEMS)))  # the channel's order does not matter
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes()
    # Importing again over the result finds every file unchanged and rewrites none.
    before = {p.name: p.stat().st_mtime_ns for p in first.iterdir()}
    assert all(line.startswith("unchanged") for line in import_all(first, ITEMS))
    assert {p.name: p.stat().st_mtime_ns for p in first.iterdir()} == before
    # Forcing a rewrite of a changed file gives the same bytes as a fresh import.
    path = first / "order_update.yaml"
    fresh = path.read_bytes()
    path.write_text(path.read_text().replace("Track order", "Track it"))
    assert "updated order_update" in import_all(first, ITEMS, force=True)
    assert path.read_bytes() == fresh
    assert not [p for p in first.iterdir() if p.name.startswith(".")]  # no temporary files


def test_house_style_of_a_written_file(tmp_path: Path) -> None:
    import_all(tmp_path, ITEMS)
    text = (tmp_path / "order_update.yaml").read_text()
    assert text.startswith(
        "# Imported from target test: en_US APPROVED, es_MX APPROVED.\n"
        "name: order_update\ncategory: UTILITY\nlanguages:\n  en_US:\n    header:\n"
        "      text: Order {{1}}\n      examples: [NW-1]\n    body:\n      text: |-\n"
        "        Hi {{1}}, your order {{2}} has shipped.\n\n"
    )
    assert '        phone_number: "+14155550123"\n' in text
    login = (tmp_path / "login_code.yaml").read_text()
    # AUTHENTICATION comes back as the options, not Meta's wording.
    assert "verification code" not in login
    assert "add_security_recommendation: true" in login
    assert "code_expiration_minutes: 10" in login
    named = (tmp_path / "welcome_named.yaml").read_text()
    assert "      examples:\n        first_name: Ana\n        account_id: AC-7\n" in named


# --- from_channel ---------------------------------------------------------------------------


def test_languages_are_grouped_by_name_with_their_statuses() -> None:
    channel = from_channel(ITEMS)
    order = channel.templates["order_update"]
    assert list(order.template.languages) == ["en_US", "es_MX"]
    assert order.statuses == {"en_US": "APPROVED", "es_MX": "APPROVED"}
    assert channel.templates["gif_teaser"].statuses == {"en_US": "REJECTED"}


def test_mixed_categories_take_an_approved_languages_and_say_so() -> None:
    items = [
        item("promo", "en_US", "MARKETING", [body("Hello there, see our news.")]),
        item("promo", "es_MX", "UTILITY", [body("Hola, mira las novedades.")], status="PENDING"),
        item("promo", "fr", "UTILITY", [body("Bonjour, voici les nouvelles.")], status="PENDING"),
    ]
    imported = from_channel(items).templates["promo"]
    assert imported.template.category == "MARKETING"
    assert imported.notes == (
        "its languages have different categories on the channel (en_US MARKETING, es_MX "
        "UTILITY, fr UTILITY); imported as MARKETING, the category of approved en_US",
    )


def test_mixed_categories_without_an_approved_language_take_the_most_common() -> None:
    items = [
        item("promo", "en_US", "MARKETING", [body("Hello there.")], status="PENDING"),
        item("promo", "es_MX", "UTILITY", [body("Hola.")], status="REJECTED"),
        item("promo", "fr", "UTILITY", [body("Bonjour.")], status="PENDING"),
    ]
    imported = from_channel(items).templates["promo"]
    assert imported.template.category == "UTILITY"
    assert "the category most of its languages have" in imported.notes[0]


def test_mixed_categories_with_only_a_paused_language_take_its_category() -> None:
    items = [
        item("promo", "en_US", "MARKETING", [body("Hello there.")], status="PAUSED"),
        item("promo", "es_MX", "UTILITY", [body("Hola.")], status="PENDING"),
    ]
    imported = from_channel(items).templates["promo"]
    assert imported.template.category == "MARKETING"
    assert "the category of paused en_US" in imported.notes[0]


def test_ignore_patterns_leave_names_out() -> None:
    channel = from_channel(ITEMS, ignore=["order_*", "login_code"])
    assert "order_update" not in channel.templates and "login_code" not in channel.templates
    assert channel.ignored == {"order_update", "login_code"}
    assert "spring_promo" in channel.templates


def test_a_language_that_cannot_be_read_keeps_the_whole_name_out() -> None:
    items = [
        item("broken", "en_US", "UTILITY", [body("Fine text here.")]),
        item("broken", "es_MX", "UTILITY", [body("Uno."), body("Dos.")]),
        item("odd", "en_US", "UTILITY", "not a list"),  # type: ignore[arg-type]
        item("fine", "en_US", "UTILITY", [body("All good here.")]),
    ]
    channel = from_channel(items)
    assert list(channel.templates) == ["fine"]
    assert channel.unreadable["broken"] == (
        "es_MX: more than one BODY component (at components[1].type)"
    )
    assert channel.unreadable["odd"].startswith("en_US: components must be a list")


def test_a_bug_reading_an_item_is_not_taken_for_an_unreadable_template(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only PayloadError means "the channel sent what the model cannot hold"; anything else is a
    # bug of this tool and must stop the import, not quietly leave a name out.
    def broken(components: object) -> None:
        raise KeyError("type")

    monkeypatch.setattr(remote, "language_from_components", broken)
    with pytest.raises(KeyError, match="type"):
        from_channel([item("x", "en_US", "UTILITY", [body("Hello.")])])


def test_versions_fold_into_the_base_name_when_versioning_is_on() -> None:
    items = [
        item("order_note", "en_US", "UTILITY", [body("Your order is on its way.")]),
        item("order_note_v2", "en_US", "UTILITY", [body("Your order has left us.")]),
        item("order_note_v3", "en_US", "UTILITY", [body("Your parcel has left us.")], "PENDING"),
        item("order_note_v1", "en_US", "UTILITY", [body("A name of its own.")]),
        item("other_v2", "en_US", "UTILITY", [body("Not versioned.")]),
    ]
    channel = from_channel(items, versioned=lambda base: base == "order_note")
    folded = channel.templates["order_note"]
    assert folded.registered == "order_note_v3"
    assert folded.versions == ("order_note", "order_note_v2", "order_note_v3")
    assert folded.template.name == "order_note"
    assert folded.template.languages["en_US"].body.text == "Your parcel has left us."  # type: ignore[union-attr]
    assert folded.statuses == {"en_US": "PENDING"}
    assert folded.notes == (
        "imported order_note_v3, the current version; earlier versions stay on the channel: "
        "order_note, order_note_v2",
    )
    # plan's reading of the suffix: _v1 is no version, and other_v2 is not versioned.
    assert sorted(channel.templates) == ["order_note", "order_note_v1", "other_v2"]
    assert channel.owner("order_note_v2") == "order_note"
    assert channel.owner("nothing") is None


def test_folded_versions_plan_without_changes(tmp_path: Path) -> None:
    items = [
        item("order_note", "en_US", "UTILITY", [body("Your order is on its way.")]),
        item("order_note_v2", "en_US", "UTILITY", [body("Your order has left us.")]),
    ]
    channel = from_channel(items, versioned=lambda base: True)
    outcome = importer.place(
        channel.templates["order_note"], importer.local_files(tmp_path), tmp_path, "t"
    )
    importer.write(outcome)
    assert outcome.text is not None and "(order_note_v2)" in outcome.text.splitlines()[0]
    report = check_paths([tmp_path])
    plan = build(report.sources, items, made_for("t"), PlanOptions(versioning="suffix"))
    assert {c.action for c in plan.changes} == {Action.NOOP}
    assert [c.name for c in plan.changes] == ["order_note_v2"]
    assert not plan.unmanaged


def test_a_base_whose_current_version_cannot_be_read_is_unreadable() -> None:
    items = [
        item("note", "en_US", "UTILITY", [body("Fine.")]),
        item("note_v2", "en_US", "UTILITY", [body("One."), body("Two.")]),
    ]
    channel = from_channel(items, versioned=lambda base: True)
    assert channel.templates == {}
    assert channel.unreadable == {
        "note": "note_v2 en_US: more than one BODY component (at components[1].type)"
    }


def test_an_unreadable_earlier_version_does_not_matter() -> None:
    items = [
        item("note", "en_US", "UTILITY", [body("One."), body("Two.")]),
        item("note_v2", "en_US", "UTILITY", [body("Fine.")]),
    ]
    channel = from_channel(items, versioned=lambda base: True)
    assert list(channel.templates) == ["note"] and channel.unreadable == {}


# --- place: where a file goes and whether it may be written ---------------------------------

EXISTING = """\
# A comment a person wrote.
name: order_update
category: UTILITY
message_send_ttl_seconds: 3600
allow_category_change: false
ignore:
  WA411: on purpose
languages:
  en_US:
    header:
      text: "Order {{1}}\\n"
      examples: [NW-1]
    body:
      text: |
        Hi {{1}}, your order {{2}} has shipped.

        It should arrive by {{3}}. Thanks for shopping with us.
      examples: [Maria, NW-1, Friday]
    footer:
      text: Northwind Outfitters
    buttons:
      - type: URL
        text: Track order
        url: https://example.com/t/{{1}}
        examples: [NW-1]
      - type: PHONE_NUMBER
        text: Call us
        phone_number: "+14155550123"
  es_MX:
    header:
      text: Pedido {{1}}
      examples: [NW-1]
    body:
      text: >-
        Hola {{1}}, tu pedido {{2}} fue enviado.

        Debería llegar el {{3}}. Gracias por tu compra.
      examples: [María, NW-1, viernes]
    footer:
      text: Northwind Outfitters
    buttons:
      - type: URL
        text: Rastrear
        url: https://example.com/t/{{1}}
        examples: [NW-1]
      - type: PHONE_NUMBER
        text: Llamar
        phone_number: "5555550123"
        country: MX
"""


def order_update() -> importer.Imported:
    return from_channel(ITEMS).templates["order_update"]


def test_a_file_that_already_says_what_the_channel_holds_is_unchanged(tmp_path: Path) -> None:
    # Different bytes (comments, block styles, trailing newlines, local-only options) but the
    # same template as plan compares it.
    path = tmp_path / "orders" / "order_update.yaml"
    path.parent.mkdir()
    path.write_text(EXISTING)
    outcome = importer.place(order_update(), importer.local_files(tmp_path), tmp_path, "t")
    assert (outcome.action, outcome.path, outcome.text) == ("unchanged", path, None)


def test_a_file_that_differs_is_refused_naming_what_differs(tmp_path: Path) -> None:
    path = tmp_path / "orders" / "order_update.yaml"
    path.parent.mkdir()
    path.write_text(EXISTING.replace("Track order", "Track it").replace("Llamar", "Llame"))
    outcome = importer.place(order_update(), importer.local_files(tmp_path), tmp_path, "t")
    assert outcome.action == "refused" and outcome.path == path
    assert outcome.detail == (
        "differs from the channel (en_US buttons[0].text, es_MX buttons[1].text); "
        "--force changes the keys that differ"
    )
    assert outcome.text is None


def test_force_replaces_it_in_place_keeping_what_the_channel_cannot_tell(tmp_path: Path) -> None:
    path = tmp_path / "orders" / "order_update.yaml"
    path.parent.mkdir()
    path.write_text(EXISTING.replace("Track order", "Track it"))
    outcome = importer.place(
        order_update(), importer.local_files(tmp_path), tmp_path, "t", force=True
    )
    assert (outcome.action, outcome.path) == ("updated", path)
    assert outcome.changed == ("en_US buttons[0].text",)
    assert outcome.text == EXISTING  # only that line changed back; comments and styles stay
    importer.write(outcome)
    source, problems = load_file(path)
    assert source is not None and problems == []
    template = source.template
    assert template.message_send_ttl_seconds == 3600
    assert template.allow_category_change is False
    assert template.ignore == {"WA411": "on purpose"}
    assert template.languages["en_US"].buttons[0].text == "Track order"


def test_more_differences_are_counted(tmp_path: Path) -> None:
    (tmp_path / "order_update.yaml").write_text(
        "name: order_update\ncategory: MARKETING\nlanguages:\n  fr:\n    body: {text: Salut}\n"
    )
    outcome = importer.place(order_update(), importer.local_files(tmp_path), tmp_path, "t")
    assert outcome.detail.startswith(
        "differs from the channel (category, en_US (not in the file), es_MX (not in the file) "
        "and 1 more)"
    )


def test_a_name_defined_twice_is_refused_even_with_force(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "order_update.yaml").write_text(EXISTING)
    outcome = importer.place(
        order_update(), importer.local_files(tmp_path), tmp_path, "t", force=True
    )
    assert outcome.action == "refused"
    assert outcome.detail.startswith("defined in more than one file (")


def test_a_new_name_gets_its_own_file_at_the_top(tmp_path: Path) -> None:
    outcome = importer.place(order_update(), importer.local_files(tmp_path), tmp_path, "t")
    assert (outcome.action, outcome.path) == ("created", tmp_path / "order_update.yaml")


def test_a_file_that_does_not_load_is_refused_unless_forced(tmp_path: Path) -> None:
    broken = tmp_path / "orders" / "order_update.yaml"
    broken.parent.mkdir()
    broken.write_text("name: [unclosed\n")
    local = importer.local_files(tmp_path)
    refused = importer.place(order_update(), local, tmp_path, "t")
    assert refused.action == "refused" and refused.path == broken
    assert refused.detail.startswith("the file does not load (line ")
    assert refused.detail.endswith("); --force replaces it")
    forced = importer.place(order_update(), local, tmp_path, "t", force=True)
    assert (forced.action, forced.path) == ("updated", broken)


def test_two_broken_files_named_like_the_template_are_refused(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "order_update.yaml").write_text("- a list\n")
    outcome = importer.place(
        order_update(), importer.local_files(tmp_path), tmp_path, "t", force=True
    )
    assert outcome.action == "refused"
    assert outcome.detail.startswith("several files that do not load are named ")


def test_a_file_holding_another_template_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "order_update.yaml").write_text(
        "name: something_else\ncategory: UTILITY\nlanguages:\n  en_US:\n    body: {text: Hi}\n"
    )
    outcome = importer.place(
        order_update(), importer.local_files(tmp_path), tmp_path, "t", force=True
    )
    assert outcome.action == "refused"
    assert outcome.detail == "the file holds template 'something_else'"


def test_a_folder_where_the_file_would_go_is_refused(tmp_path: Path) -> None:
    (tmp_path / "order_update.yaml").mkdir()
    outcome = importer.place(
        order_update(), importer.local_files(tmp_path), tmp_path, "t", force=True
    )
    assert (outcome.action, outcome.detail) == ("refused", "it exists and is not a file")


@pytest.mark.parametrize("name", ["../escape", "a/b", "Upper", "", "x" * 513])
def test_a_channel_name_that_is_no_file_name_is_refused(tmp_path: Path, name: str) -> None:
    imported = importer.Imported(
        TemplateFile(name=name, category="UTILITY", languages={"en_US": Language()}),
        {"en_US": "APPROVED"},
        name,
    )
    outcome = importer.place(imported, importer.local_files(tmp_path), tmp_path, "t")
    assert outcome.action == "refused" and outcome.text is None
    assert list(tmp_path.iterdir()) == []


def test_the_schema_comment_points_at_the_schema_from_the_files_folder(tmp_path: Path) -> None:
    schema = tmp_path / "schema" / "template.schema.json"
    folder = tmp_path / "templates"
    outcome = importer.place(
        order_update(), importer.local_files(folder), folder, "target prod", schema
    )
    assert outcome.text is not None
    assert outcome.text.splitlines()[:3] == [
        "# yaml-language-server: $schema=../schema/template.schema.json",
        "#",
        "# Imported from target prod: en_US APPROVED, es_MX APPROVED.",
    ]


def test_local_files_of_a_missing_folder_are_none(tmp_path: Path) -> None:
    found = importer.local_files(tmp_path / "missing")
    assert (found.by_name, found.unreadable) == ({}, {})


def test_write_ignores_outcomes_without_content(tmp_path: Path) -> None:
    importer.write(importer.Outcome("unchanged", "x", tmp_path / "x.yaml"))
    assert not (tmp_path / "x.yaml").exists()


def test_write_leaves_no_temporary_file_when_it_fails(tmp_path: Path) -> None:
    target = tmp_path / "a_folder.yaml"
    target.mkdir()  # os.replace onto a folder fails
    with pytest.raises(OSError):
        importer.write(importer.Outcome("created", "x", target, text="name: x\n"))
    assert [p.name for p in tmp_path.iterdir()] == ["a_folder.yaml"]
