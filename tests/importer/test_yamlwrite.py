import textwrap
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from wa_templates.files import write as yamlwrite
from wa_templates.files.scalar import typed
from wa_templates.files.write import WIDTH, WriteError, dump
from wa_templates.files.yamlsafe import parse
from wa_templates.untrusted import UNSAFE


def reads_back(text: str) -> dict[str, Any]:
    # The loader keeps the text written; as YAML 1.1 types it, PyYAML's safe_load must agree.
    data: dict[str, Any] = typed(parse(text).data)
    assert yaml.safe_load(text) == data
    return data


def test_house_style_layout() -> None:
    data = {
        "name": "spring_sale",
        "category": "MARKETING",
        "message_send_ttl_seconds": 86400,
        "languages": {
            "en_US": {
                "header": {
                    "format": "IMAGE",
                    "examples": ["https://chatapps.8x8.com/files/samples/spring-sale-banner.jpg"],
                },
                "body": {
                    "text": "Hi {{1}}, our Spring Sale starts today: take {{2}} off jackets, "
                    "boots and backpacks until {{3}}. Tap the button to copy your code.",
                    "examples": ["Sam", "25%", "Sunday, April 21", "4242", "yes"],
                },
                "footer": {"text": "Line one\n\nLine three"},
                "buttons": [
                    {"type": "COPY_CODE", "examples": ["SPRING25"]},
                    {"type": "URL", "text": "a: b", "url": "https://x.example/{{1}}"},
                ],
            }
        },
    }
    text = dump(data, ["yaml-language-server: $schema=../schema/template.schema.json", "", "Hi"])
    assert text == textwrap.dedent(
        """\
        # yaml-language-server: $schema=../schema/template.schema.json
        #
        # Hi
        name: spring_sale
        category: MARKETING
        message_send_ttl_seconds: 86400
        languages:
          en_US:
            header:
              format: IMAGE
              examples:
                - https://chatapps.8x8.com/files/samples/spring-sale-banner.jpg
            body:
              text: >-
                Hi {{1}}, our Spring Sale starts today: take {{2}} off jackets, boots
                and backpacks until {{3}}. Tap the button to copy your code.
              examples: [Sam, 25%, "Sunday, April 21", "4242", "yes"]
            footer:
              text: |-
                Line one

                Line three
            buttons:
              - type: COPY_CODE
                examples: [SPRING25]
              - type: URL
                text: "a: b"
                url: https://x.example/{{1}}
        """
    )
    assert reads_back(text) == data


@pytest.mark.parametrize(
    ("text", "header"),
    [
        ("one\ntwo", "text: |-"),
        ("one\ntwo\n", "text: |"),
        ("one\ntwo\n\n", "text: |+"),
        ("\n", "text: |2+"),
        ("  indented first line\nsecond", "text: |2-"),
        ("\nstarts with a blank line", "text: |2-"),
    ],
)
def test_literal_block_chomping_and_indentation_indicator(text: str, header: str) -> None:
    out = dump({"body": {"text": text}})
    assert out.splitlines()[1] == f"  {header}"
    assert reads_back(out) == {"body": {"text": text}}


@pytest.mark.parametrize(
    "text",
    [
        "trailing space on a line \nnext",  # block scalars cannot keep it
        "carriage\r\nreturn",
        "tab\tand\nnewline",
        "line\u2028separator",
        "nel\x85inside",
        "bell\x07and\x1bescape",
        "\ufeffbom first",
        "del\x7fchar",
        'quote " and backslash \\ ',
    ],
)
def test_strings_no_block_style_can_hold_are_double_quoted(text: str) -> None:
    out = dump({"text": text})
    assert out.startswith('text: "')
    assert reads_back(out) == {"text": text}


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("yes", '"yes"'),
        ("No", '"No"'),
        ("null", '"null"'),
        ("~", '"~"'),
        ("0123", '"0123"'),
        ("1e3", '"1e3"'),
        ("12:30", '"12:30"'),  # YAML 1.1 sexagesimal
        ("2024-05-01", '"2024-05-01"'),
        ("", '""'),
        ("- item", '"- item"'),
        ("#hash", '"#hash"'),
        ("{{1}} first", '"{{1}} first"'),
        ("@mention", '"@mention"'),
        ("plain words", "plain words"),
        ("$129", "$129"),
        ("María", "María"),
    ],
)
def test_scalars_that_would_read_as_something_else_are_quoted(value: str, written: str) -> None:
    out = dump({"v": value})
    assert out == f"v: {written}\n"
    assert reads_back(out) == {"v": value}


def test_flow_list_items_quote_what_flow_context_reserves() -> None:
    out = dump({"examples": ["a, b", "[x]", "https://x.example/p", "ok"]})
    assert out == 'examples: ["a, b", "[x]", "https://x.example/p", ok]\n'


def test_a_list_too_long_for_one_line_becomes_a_block_list() -> None:
    items = [f"sample number {i}" for i in range(8)]
    out = dump({"examples": items})
    assert out.splitlines()[0] == "examples:"
    assert all(len(line) <= WIDTH for line in out.splitlines())
    assert reads_back(out) == {"examples": items}


def test_a_multi_line_list_item_is_a_block_scalar_in_a_block_list() -> None:
    out = dump({"examples": ["one\ntwo", "x"]})
    assert out == "examples:\n  - |-\n    one\n    two\n  - x\n"


def test_folded_text_keeps_within_the_width_and_only_breaks_single_spaces() -> None:
    words = " ".join(f"word{i}" for i in range(60))
    out = dump({"languages": {"en_US": {"body": {"text": words}}}})
    lines = out.splitlines()
    assert lines[3] == "      text: >-"
    assert all(len(line) <= WIDTH for line in lines)
    assert reads_back(out)["languages"]["en_US"]["body"]["text"] == words


def test_long_text_that_cannot_fold_stays_on_one_line() -> None:
    for text in ("double  spaces " * 8, "x" * 120, " leading space" * 8):
        out = dump({"text": text})
        assert len(out.splitlines()) == 1
        assert reads_back(out) == {"text": text}


def test_numbers_bools_empty_collections_and_keys() -> None:
    data = {
        "n": 5,
        "t": True,
        "f": False,
        "empty": {},
        "none": [],
        "yes": "key that reads as a bool",
        "mapping": {"customer_name": "Ana", "on": "x"},
    }
    out = dump(data)
    assert '"yes": key that reads as a bool' in out
    assert reads_back(out) == data


def test_an_empty_document() -> None:
    assert dump({}) == "{}\n"


def test_comments_cannot_break_out_into_data() -> None:
    out = dump({"a": "b"}, ["status\nname: injected", "bell\x07"])
    assert out == "# status name: injected\n# bell\na: b\n"
    assert reads_back(out) == {"a": "b"}


def test_unwritable_values_are_refused() -> None:
    with pytest.raises(WriteError):
        dump({"x": float("nan")})
    with pytest.raises(WriteError):
        dump({"x": {1: "a"}})


@pytest.mark.parametrize("value", [1.5, 3.0, -2.5e-07, 1e20, 1e300])
def test_decimal_numbers_of_a_raw_component_read_back_as_numbers(value: float) -> None:
    # A raw component array (`components:`) may hold any JSON number the channel lists.
    data = {"limits": {"ratio": value, "steps": [value, 1]}}
    assert reads_back(dump(data)) == data


def test_falls_back_to_quoting_every_string_when_a_style_would_not_read_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Simulate a style choice that goes wrong: the fallback must still produce the same data.
    monkeypatch.setattr(yamlwrite, "_plain", lambda text, flow: True)
    data = {"v": "yes", "examples": ["a, b"]}
    out = dump(data)
    assert out == 'v: "yes"\nexamples: ["a, b"]\n'
    assert reads_back(out) == data


def test_falls_back_when_a_style_would_not_even_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlwrite, "_folded", lambda head, text, indent: [head, "bad: [", "x"])
    text = " ".join(["a folded text"] * 10)
    assert dump({"t": text}) == f't: "{text}"\n'  # every string double-quoted


def test_non_string_list_items_and_null() -> None:
    out = dump({"n": [1, True, "x"], "z": None})
    assert out == "n: [1, true, x]\nz: null\n"
    assert reads_back(out) == {"n": [1, True, "x"], "z": None}


def test_output_is_deterministic() -> None:
    data = {"b": ["x", "y"], "a": {"text": "one\ntwo"}}
    assert dump(data) == dump(dict(data))
    assert dump(data).index("b:") < dump(data).index("a:")  # order as given, never sorted


text_values = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=120
)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True),
        st.one_of(
            text_values,
            st.lists(text_values, max_size=4),
            st.integers(-(10**6), 10**6),
            st.booleans(),
            st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), text_values, max_size=3),
        ),
        max_size=5,
    )
)
def test_any_data_reads_back_exactly(data: dict[str, Any]) -> None:
    assert typed(parse(dump(data)).data) == data


@pytest.mark.parametrize(
    "text",
    [
        "Pay \u202e now",
        "zero\u200bwidth",
        "two\nlines \u2066isolated\u2069",
        "bom\ufeff",
        "x\u00ad",
    ],
)
def test_invisible_and_bidi_characters_are_escapes_a_reviewer_can_see(text: str) -> None:
    written = dump({"text": text, "list": [text]})
    assert UNSAFE.search(written.replace("\n", "")) is None, written
    assert typed(parse(written).data) == {"text": text, "list": [text]}


def test_emoji_and_accents_stay_as_they_are() -> None:
    assert dump({"text": "Olá 😀 café"}) == "text: Olá 😀 café\n"
