"""importer.merge: an existing file edited where the channel differs, and nowhere else."""

from __future__ import annotations

import difflib
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from wa_templates.files.load import load_bytes
from wa_templates.files.model import TemplateFile
from wa_templates.importer.merge import MergeError, merge

REPO = Path(__file__).resolve().parents[2]

FILE = textwrap.dedent(
    """\
    # yaml-language-server: $schema=../schema/template.schema.json
    #
    # Hand-written: why this template exists.
    name: order_note
    category: UTILITY
    allow_category_change: false   # decided with legal
    languages:
      en_US:
        header:
          text: 'Order {{1}}'
          examples: ["0042"]
        body:
          # The body folds at sense boundaries, not at 80 columns.
          text: >-
            Hi {{1}}, your order has left our warehouse and is on its
            way to you. Reply to this message if anything looks wrong.
          examples: [Maria]
        buttons:
          - type: QUICK_REPLY     # the only button
            text: "All good"
          - type: QUICK_REPLY
            text: Something is wrong
    """
)


def load(text: str) -> TemplateFile:
    source, problems = load_bytes(text.encode(), "t.yaml", None)
    assert source is not None, problems
    return source.template


def edit(template: TemplateFile, code: str = "en_US", **parts: Any) -> TemplateFile:
    """`template` with components of one language replaced, as the channel would hold it."""
    data = template.model_dump(exclude_defaults=True)
    data["languages"][code].update(parts)
    return TemplateFile.model_validate(data)


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_a_changed_word_changes_its_line_only() -> None:
    current = load(FILE)
    body = current.languages["en_US"].body
    assert body is not None and body.text is not None
    wanted = edit(
        current,
        body={
            "text": body.text.replace("anything looks", "something looks"),
            "examples": ["Maria"],
        },
    )
    merged = merge(FILE, current, wanted)
    assert merged.changed == ["en_US body.text"]
    assert changed_lines(FILE, merged.text) == [
        "-        way to you. Reply to this message if anything looks wrong.",
        "+        way to you. Reply to this message if something looks wrong.",
    ]


def test_values_keep_their_quoting_and_comments_stay_put() -> None:
    current = load(FILE)
    wanted = edit(
        current,
        header={"text": "Order {{1}} sent", "examples": ["0042"]},
        buttons=[
            {"type": "QUICK_REPLY", "text": "Looks good"},
            {"type": "QUICK_REPLY", "text": "Something is wrong"},
        ],
    )
    merged = merge(FILE, current, wanted)
    assert merged.changed == ["en_US header.text", "en_US buttons[0].text"]
    assert changed_lines(FILE, merged.text) == [
        "-      text: 'Order {{1}}'",
        "+      text: 'Order {{1}} sent'",
        '-        text: "All good"',
        '+        text: "Looks good"',
    ]


def test_keys_are_added_and_removed_in_the_models_order() -> None:
    current = load(FILE)
    wanted = edit(
        current,
        header=None,
        footer={"text": "Northwind Outfitters"},
    )
    wanted = wanted.model_copy(update={"category": "MARKETING"})
    merged = merge(FILE, current, wanted)
    assert merged.changed == ["category", "en_US footer", "en_US header"]
    assert changed_lines(FILE, merged.text) == [
        "-category: UTILITY",
        "+category: MARKETING",
        "-    header:",
        "-      text: 'Order {{1}}'",
        '-      examples: ["0042"]',
        "+    footer:",
        "+      text: Northwind Outfitters",
    ]
    assert load(merged.text) == wanted


def test_a_language_added_or_removed_on_the_channel() -> None:
    current = load(FILE)
    data = current.model_dump(exclude_defaults=True)
    data["languages"]["es_MX"] = {
        "body": {"text": "Hola {{1}},\ntu pedido va en camino.", "examples": ["yes"]}
    }
    merged = merge(FILE, current, TemplateFile.model_validate(data))
    assert merged.changed == ["es_MX (added)"]
    assert merged.text.endswith(
        "  es_MX:\n    body:\n      text: |-\n        Hola {{1}},\n"
        '        tu pedido va en camino.\n      examples: ["yes"]\n'
    )
    back = merge(merged.text, load(merged.text), current)
    assert back.changed == ["es_MX (removed)"] and back.text == FILE


def test_what_the_channel_cannot_report_is_never_touched() -> None:
    # allow_category_change is create-only, the media sample is re-hosted by Meta, samples the
    # list leaves out are not reported: none of them is a difference, so none is written.
    text = FILE.replace(
        "    header:\n      text: 'Order {{1}}'\n      examples: [\"0042\"]\n",
        "    header:\n      format: IMAGE\n      examples: [media/banner.png]\n",
    )
    current = load(text)
    wanted = edit(
        current,
        header={"format": "IMAGE", "examples": ["https://cdn.example/hosted.png"]},
        body={"text": "Hi {{1}}, a new text."},
    ).model_copy(update={"allow_category_change": None})
    wanted = wanted.model_copy(update={"allow_category_change": False})
    merged = merge(text, current, wanted)
    assert merged.changed == ["en_US body.text"]
    assert "media/banner.png" in merged.text and "allow_category_change: false" in merged.text


def test_anchored_values_that_cannot_change_alone_are_refused() -> None:
    text = "name: a\ncategory: UTILITY\nlanguages:\n  en_US: &x\n    body:\n      text: Hi there\n"
    text += "  es_ES: *x\n"
    current = load(text)
    wanted = edit(current, "es_ES", body={"text": "Hola"})
    with pytest.raises(MergeError, match="would not read back as the channel's template"):
        merge(text, current, wanted)


TRICKY = [
    "yes", "No", "on", "OFF", "y", "null", "~", "", "0123", "0o17", "0x1F", "1_000", "1e3",
    ".inf", "12:30", "190:20:30", "2024-05-01", "2024-05-01 10:00:00", "true", "- item",
    "a: b", "#hash", "@at", "`tick`", "'quoted'", '"double"', "trailing ", " leading",
    "multi\nline", "tab\there", "€ 5,00", "{{1}}", "[list]", "{map}", "*star", "&amp", "!bang",
    "%percent", "|pipe", ">fold", "?q", "=", "<<",
]  # fmt: skip


@pytest.mark.parametrize("value", TRICKY)
def test_every_value_written_reads_back_exactly_in_yaml_1_1_too(value: str) -> None:
    current = load(FILE)
    wanted = edit(
        current,
        buttons=[{"type": "QUICK_REPLY", "text": value}, {"type": "QUICK_REPLY", "text": "x"}],
        header={"text": "Order {{1}}", "examples": [value]},
    )
    merged = merge(FILE, current, wanted)
    assert load(merged.text).languages["en_US"].buttons[0].text == value
    data = yaml.safe_load(merged.text)
    assert data["languages"]["en_US"]["buttons"][0]["text"] == value
    assert data["languages"]["en_US"]["header"]["examples"] == [value]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
def test_any_text_reads_back_exactly(value: str) -> None:
    current = load(FILE)
    wanted = edit(current, body={"text": value, "examples": ["Maria"]})
    try:
        merged = merge(FILE, current, wanted)
    except MergeError:
        pytest.fail(f"could not write {value!r}")
    data = yaml.safe_load(merged.text)
    assert data["languages"]["en_US"]["body"]["text"].strip() == value.strip()
    assert load(merged.text).languages["en_US"].body.text.strip() == value.strip()  # type: ignore[union-attr]


def test_folded_text_keeps_its_line_breaks_around_unchanged_words() -> None:
    current = load(FILE)
    longer = (
        "Hi {{1}}, your order has left our warehouse and is on its way to you, packed with care "
        "by our team in Leeds. Reply to this message if anything looks wrong."
    )
    merged = merge(FILE, current, edit(current, body={"text": longer, "examples": ["Maria"]}))
    assert changed_lines(FILE, merged.text) == [
        "-        way to you. Reply to this message if anything looks wrong.",
        "+        way to you, packed with care by our team in Leeds. Reply to this",
        "+        message if anything looks wrong.",
    ]
