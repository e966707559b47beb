"""untrusted: what never reaches a reader raw, how it is spelled out, JSON that keeps its data."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wa_templates.untrusted import UNSAFE, clip, escape, json_text, shown, to_json

# The characters the issue names, and others of Unicode's format category.
INVISIBLE = [
    pytest.param("\u200b", "\\u200b", id="zero-width-space"),
    pytest.param("\u200c", "\\u200c", id="zero-width-non-joiner"),
    pytest.param("\u200d", "\\u200d", id="zero-width-joiner"),
    pytest.param("\u2060", "\\u2060", id="word-joiner"),
    pytest.param("\ufeff", "\\ufeff", id="byte-order-mark-inside-text"),
    pytest.param("\u00ad", "\\xad", id="soft-hyphen"),
    pytest.param("\u200e", "\\u200e", id="left-to-right-mark"),
    pytest.param("\u061c", "\\u061c", id="arabic-letter-mark"),
    pytest.param("\U000e0041", "\\U000e0041", id="tag-latin-capital-a"),
    pytest.param("\u2028", "\\u2028", id="line-separator"),
    pytest.param("\u2029", "\\u2029", id="paragraph-separator"),
    pytest.param("\x85", "\\x85", id="next-line"),
    pytest.param("\x1b", "\\x1b", id="escape"),
    pytest.param("\x7f", "\\x7f", id="delete"),
    pytest.param("\t", "\\t", id="tab"),
    pytest.param("\n", "\\n", id="newline"),
    pytest.param("\r", "\\r", id="carriage-return"),
] + [
    pytest.param(chr(code), f"\\u{code:04x}", id=f"bidi-U+{code:04X}")
    for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
]


@pytest.mark.parametrize(("char", "spelled"), INVISIBLE)
def test_each_invisible_or_bidi_character_is_spelled_out(char: str, spelled: str) -> None:
    assert shown(f"a{char}b") == f"a{spelled}b"


def test_every_control_format_and_separator_character_is_unsafe_and_nothing_visible_is() -> None:
    # Planes 4-13 are unassigned and 15-16 private use: no control or format characters there.
    planes = (*range(0x40000), *range(0xE0000, 0xF0000))
    everything = "".join(map(chr, planes))
    matched = set(UNSAFE.findall(everything))
    wanted = {c for c in everything if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")}
    assert sorted(f"U+{ord(c):04X}" for c in wanted - matched) == []
    # A newer Unicode may make a code point unassigned here a format character.
    extra = {f"U+{ord(c):04X}" for c in matched - wanted if unicodedata.category(c) != "Cn"}
    assert extra == set()


def test_visible_text_in_any_script_and_emoji_is_left_alone() -> None:
    text = "Olá, 日本語, עברית, العربية, हिन्दी 👍🏽 ✓ \\u200b 100% <b>&"
    assert shown(text) == text


def test_an_emoji_sequence_shows_its_joiners() -> None:
    assert shown("👩\u200d💻") == "👩\\u200d💻"


def test_keep_spares_only_the_characters_named() -> None:
    assert shown("a\nb\tc\u200b", keep="\n") == "a\nb\\tc\\u200b"
    assert shown("a\r\nb", keep="\r\n") == "a\r\nb"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_shown_is_one_line_without_unsafe_characters_and_idempotent(text: str) -> None:
    once = shown(text)
    assert not UNSAFE.search(once)
    assert shown(once) == once


def test_escapes_are_what_yaml_double_quoted_strings_read_back() -> None:
    import yaml

    text = "a\x07\x1b\t\u200b\u202e\U000e0041\x85\u2028z"
    spelled = "".join(escape(c) if UNSAFE.match(c) else c for c in text)
    assert yaml.safe_load(f'"{spelled}"') == text


def test_clip_cuts_long_values_then_spells_out_what_is_left() -> None:
    assert clip("short") == "short"
    assert clip("x" * 40) == "x" * 40
    assert clip("x" * 41) == "x" * 37 + "..."
    assert clip("\u200b" * 50, width=5) == "\\u200b" * 2 + "..."
    assert clip("a\nb") == "a\\nb"


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.text(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=8,
    )
)
def test_json_text_keeps_the_data_and_shows_nothing_unsafe(data: object) -> None:
    for out in (to_json(data), to_json(data, indent=2)):
        assert json.loads(out) == data
        assert not UNSAFE.search(out.replace("\n", ""))


def test_json_escapes_astral_characters_as_surrogate_pairs() -> None:
    out = to_json({"k\u202e": "\U000e0041\u200b"})
    assert out == '{"k\\u202e": "\\udb40\\udc41\\u200b"}'
    assert json.loads(out) == {"k\u202e": "\U000e0041\u200b"}
    assert json_text('"\u00e9"') == '"\u00e9"'  # visible non-ASCII stays as it is
