"""diff: field-level changes in file terms, before = channel, after = repository."""

from __future__ import annotations

from wa_templates.plan.diff import FieldChange, diff


def test_equal_forms_have_no_changes() -> None:
    form = {"body": {"text": "Hi", "examples": ["a"]}, "buttons": [{"type": "QUICK_REPLY"}]}
    assert diff(form, dict(form)) == []


def test_changed_value_is_named_by_its_file_path() -> None:
    before = {"body": {"text": "Hi {{1}}"}, "buttons": [{"type": "URL", "url": "https://a"}]}
    after = {"body": {"text": "Hello {{1}}"}, "buttons": [{"type": "URL", "url": "https://b"}]}
    assert diff(before, after) == [
        FieldChange("body.text", "Hi {{1}}", "Hello {{1}}"),
        FieldChange("buttons[0].url", "https://a", "https://b"),
    ]


def test_added_and_removed_fields_use_none_for_absent() -> None:
    before = {"body": {"text": "Hi"}, "footer": {"text": "Bye"}}
    after = {"body": {"text": "Hi"}, "header": {"format": "TEXT", "text": "Yo"}}
    changes = {c.path: (c.before, c.after) for c in diff(before, after)}
    assert changes == {
        "footer": ({"text": "Bye"}, None),
        "header": (None, {"format": "TEXT", "text": "Yo"}),
    }


def test_list_items_added_or_removed() -> None:
    before = {"buttons": [{"type": "QUICK_REPLY", "text": "A"}]}
    after = {
        "buttons": [{"type": "QUICK_REPLY", "text": "A"}, {"type": "QUICK_REPLY", "text": "B"}]
    }
    assert diff(before, after) == [
        FieldChange("buttons[1]", None, {"type": "QUICK_REPLY", "text": "B"})
    ]
    assert diff(after, before) == [
        FieldChange("buttons[1]", {"type": "QUICK_REPLY", "text": "B"}, None)
    ]


def test_type_change_and_whole_template() -> None:
    assert diff({"x": 1}, {"x": "1"}) == [FieldChange("x", 1, "1")]
    assert diff({}, {"body": {"text": "a"}})[0].path == "body"


def test_as_dict() -> None:
    assert FieldChange("body.text", "a", None).as_dict() == {
        "path": "body.text",
        "before": "a",
        "after": None,
    }


def test_a_template_changed_everywhere_still_diffs_field_by_field() -> None:
    from wa_templates.plan.diff import diff as field_diff

    before = {"body": {"text": "a", "examples": ["x"]}, "footer": {"text": "f"}}
    after = {"body": {"text": "b", "examples": ["y"]}, "header": {"format": "TEXT"}}
    assert [c.path for c in field_diff(before, after)] == [
        "body.examples[0]",
        "body.text",
        "footer",
        "header",
    ]
