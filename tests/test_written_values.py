"""What a file says is what Meta gets: unquoted values YAML 1.1 would type, field by field.

Text fields keep the characters written; whole-number fields take plain decimal digits only;
boolean fields take true or false only; `null` and `~` mean absent only where no text belongs.
Each case goes from the file's bytes to the create payload that is sent to 8x8.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

import pytest

from wa_templates.channel.payload import to_payload
from wa_templates.files.diagnostics import Diagnostic
from wa_templates.files.load import load_bytes
from wa_templates.files.model import TemplateFile

# Everyday samples, each as written unquoted, that YAML 1.1 reads as something else.
EVERYDAY = [
    pytest.param("02134", id="zip-code-with-leading-zero"),  # YAML 1.1: octal 1116
    pytest.param("00501", id="zip-code-all-octal-digits"),
    pytest.param("09", id="leading-zero-not-octal"),
    pytest.param("12:30", id="time-of-day"),  # YAML 1.1: base 60, 750
    pytest.param("1:00:00", id="duration"),
    pytest.param("0x1F", id="hex-looking-code"),  # YAML 1.1: 31
    pytest.param("0b101", id="binary-looking-code"),
    pytest.param("1_000", id="underscore-digits"),  # YAML 1.1: 1000
    pytest.param("1.50", id="price-with-trailing-zero"),  # YAML 1.1: 1.5
    pytest.param("000123", id="order-number-with-leading-zeros"),
    pytest.param("1e3", id="exponent"),
    pytest.param("-0", id="minus-zero"),
    pytest.param("+44", id="plus-sign"),
    pytest.param(".inf", id="infinity"),
    pytest.param(".NaN", id="not-a-number"),
    pytest.param("12345", id="plain-digits"),
    pytest.param("2024-02-30", id="date-that-does-not-exist"),
    pytest.param("2024-05-01 10:00:00", id="date-and-time"),
]
# YAML 1.1's booleans (PyYAML reads on/off/yes/no; the spec also lists y/n) and null words.
WORDS = ["on", "On", "OFF", "yes", "Yes", "no", "NO", "y", "Y", "n", "N", "true", "False"]
NULL_WORDS = ["null", "Null", "NULL", "~"]


def load(text: str) -> tuple[TemplateFile | None, list[Diagnostic]]:
    source, problems = load_bytes(textwrap.dedent(text).encode(), "t.yaml", "t")
    return (source.template if source else None), problems


def loaded(text: str) -> TemplateFile:
    template, problems = load(text)
    assert template is not None and not problems, problems
    return template


def sent(template: TemplateFile) -> dict[str, Any]:
    """The create payload as it goes over the wire."""
    payload: dict[str, Any] = json.loads(json.dumps(to_payload(template, "en_US")))
    return payload


def everywhere(value: str) -> str:
    """A template with `value`, unquoted, in every kind of text field."""
    return f"""\
        name: t
        category: UTILITY
        ignore: {{WA520: {value}}}
        languages:
          en_US:
            header:
              text: Order {{{{1}}}}
              examples: [{value}]
            body:
              text: Hi {{{{name}}}}, your code is {{{{code}}}}.
              examples:
                name: {value}
                code: {value}
            footer:
              text: {value}
            buttons:
              - type: URL
                text: {value}
                url: https://example.com/o/{{{{1}}}}
                examples:
                  - {value}
              - type: PHONE_NUMBER
                text: Call
                phone_number: {value}
                country: {value}
        """


def assert_sent_as_written(value: str) -> None:
    template = loaded(everywhere(value))
    payload = sent(template)
    header, body, footer, buttons = payload["components"]
    assert header["examples"] == [value]
    assert body["examples"] == [value, value]
    assert footer["text"] == value
    url, phone = buttons["buttons"]
    assert (url["text"], url["examples"]) == (value, [value])
    assert (phone["phoneNumber"], phone["country"]) == (value, value)
    assert template.ignore == {"WA520": value}
    for text in (header["examples"][0], footer["text"], template.ignore["WA520"]):
        assert type(text) is str  # not the loader's tagged str, which must stay inside


@pytest.mark.parametrize("value", EVERYDAY)
def test_everyday_samples_reach_meta_exactly_as_written(value: str) -> None:
    assert_sent_as_written(value)


@pytest.mark.parametrize("value", WORDS)
def test_yaml_1_1_booleans_written_unquoted_are_text_in_text_fields(value: str) -> None:
    assert_sent_as_written(value)


@pytest.mark.parametrize("value", NULL_WORDS)
def test_null_words_where_text_is_expected_are_the_text(value: str) -> None:
    assert_sent_as_written(value)


def test_the_issue_example_list_is_sent_as_its_five_texts() -> None:
    template = loaded("""\
        name: t
        category: UTILITY
        languages:
          en_US:
            body:
              text: "{{1}} {{2}} {{3}} {{4}} {{5}} are the samples."
              examples: [02134, 12:30, 0x1F, 1_000, 1.50]
        """)
    [body] = sent(template)["components"]
    assert body["examples"] == ["02134", "12:30", "0x1F", "1_000", "1.50"]


def test_keys_and_unquoted_words_in_flow_mappings_are_text() -> None:
    languages = (
        "{en_US: {header: {format: text, text: On}, buttons: [{type: quick_reply, text: no}]}}"
    )
    template = loaded(f"name: t\ncategory: utility\nlanguages: {languages}\n")
    lang = template.languages["en_US"]
    assert lang.header is not None and (lang.header.format, lang.header.text) == ("TEXT", "On")
    assert [b.text for b in lang.buttons] == ["no"]
    assert template.category == "UTILITY"


# --- whole numbers ------------------------------------------------------------------------

TTL = """\
    name: t
    category: UTILITY
    message_send_ttl_seconds: {value}
    languages:
      en_US:
        body:
          text: Your order has shipped.
          examples: []
        footer: {{text: Thanks}}
        buttons:
          - {{type: VOICE_CALL, text: Call us, ttl_minutes: {value}}}
    """
AUTH = """\
    name: t
    category: AUTHENTICATION
    languages:
      en_US:
        body: {{add_security_recommendation: true}}
        footer: {{code_expiration_minutes: {value}}}
        buttons: [{{type: OTP, otp_type: COPY_CODE}}]
    """


@pytest.mark.parametrize(("written", "number"), [("3600", 3600), ("-1", -1), ("0", 0)])
def test_whole_number_fields_take_plain_decimal_digits(written: str, number: int) -> None:
    template = loaded(TTL.format(value=written))
    assert template.message_send_ttl_seconds == number
    assert template.languages["en_US"].buttons[0].ttl_minutes == number
    footer = loaded(AUTH.format(value=written)).languages["en_US"].footer
    assert footer is not None and footer.code_expiration_minutes == number
    payload = sent(template)
    assert payload["message_send_ttl_seconds"] == number
    assert payload["components"][-1]["buttons"][0]["ttlMinutes"] == number


REFUSED_NUMBERS = [
    pytest.param("1:00:00", "not '1:00:00', which YAML 1.1 reads as 3600 in base 60; write 3600"),
    pytest.param("0x10", "not '0x10', which YAML 1.1 reads as 16 in hexadecimal; write 16"),
    pytest.param("0b11", "not '0b11', which YAML 1.1 reads as 3 in binary; write 3"),
    pytest.param("1_000", "not '1_000', which YAML 1.1 reads as 1000; write 1000"),
    pytest.param("+10", "not '+10', which YAML 1.1 reads as 10; write 10"),
    pytest.param(
        "010",
        "not '010': YAML 1.1 reads a leading zero as octal (8), other readers as 10; "
        "write the number without the zero",
    ),
    pytest.param("09", "not the text '09'; write 9, without quotes or leading zeros"),
    pytest.param('"3600"', "not the text '3600'; write 3600, without quotes or leading zeros"),
    pytest.param("3600.0", "must be a whole number, not the number 3600.0; write 3600"),
    pytest.param("1e3", "must be a whole number, not the text '1e3'"),  # YAML 1.2: a float
    pytest.param("2.5", "must be a whole number, not the number 2.5"),
    pytest.param("yes", "must be a whole number, not yes"),
    pytest.param("2024-05-01", "must be a whole number, not the date 2024-05-01"),
    pytest.param("1h", "must be a whole number, not the text '1h'"),
]


@pytest.mark.parametrize(("written", "says"), REFUSED_NUMBERS)
def test_other_ways_to_write_a_number_are_wa004_with_the_number_to_write(
    written: str, says: str
) -> None:
    _, problems = load(TTL.format(value=written))
    found = {(d.rule, d.line, d.message.split(" must ")[0]) for d in problems}
    assert found == {
        ("WA004", 3, "'message_send_ttl_seconds'"),
        ("WA004", 11, "'ttl_minutes'"),
    }
    assert all(says in d.message for d in problems), problems
    _, problems = load(AUTH.format(value=written))
    [d] = problems
    assert (d.rule, d.line) == ("WA004", 6) and says in d.message


# --- booleans -----------------------------------------------------------------------------

FLAGS = """\
    name: t
    category: AUTHENTICATION
    allow_category_change: {value}
    languages:
      en_US:
        body: {{add_security_recommendation: {value}}}
        buttons:
          - type: OTP
            otp_type: ZERO_TAP
            zero_tap_terms_accepted: {value}
            supported_apps: [{{package_name: com.example, signature_hash: abcdefghijk}}]
        call_permission_request: {value}
    """


@pytest.mark.parametrize(
    ("written", "truth"),
    [("true", True), ("false", False), ("True", True), ("FALSE", False)],
)
def test_boolean_fields_take_true_and_false(written: str, truth: bool) -> None:
    template = loaded(FLAGS.format(value=written))
    lang = template.languages["en_US"]
    assert template.allow_category_change is truth
    assert lang.body is not None and lang.body.add_security_recommendation is truth
    assert lang.buttons[0].zero_tap_terms_accepted is truth
    assert lang.call_permission_request is truth
    assert sent(template)["allow_category_change"] is truth


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("yes", "not yes, which only YAML 1.1 reads as true; write true"),
        ("on", "not on, which only YAML 1.1 reads as true; write true"),
        ("Off", "not Off, which only YAML 1.1 reads as false; write false"),
        ("no", "not no, which only YAML 1.1 reads as false; write false"),
        ("y", "not the text 'y'"),
        ("n", "not the text 'n'"),
        ('"true"', "not the text 'true'; remove the quotes"),
        ("1", "not the number 1"),
        ("0", "not the number 0"),
    ],
)
def test_other_ways_to_write_a_boolean_are_wa004(written: str, says: str) -> None:
    _, problems = load(FLAGS.format(value=written))
    assert [(d.rule, d.line) for d in problems] == [
        ("WA004", 3),
        ("WA004", 6),
        ("WA004", 10),
        ("WA004", 12),
    ]
    assert all("must be true or false, " + says == d.message.split(" ", 1)[1] for d in problems)


# --- null and empty -----------------------------------------------------------------------


@pytest.mark.parametrize("word", [*NULL_WORDS, ""])
def test_null_where_a_mapping_list_option_number_or_boolean_belongs_is_absent(word: str) -> None:
    template = loaded(f"""\
        name: t
        category: MARKETING
        allow_category_change: {word}
        message_send_ttl_seconds: {word}
        versioning: {word}
        languages:
          en_US:
            header: {word}
            body:
              text: Spring sale! Reply STOP to opt out.
              add_security_recommendation: {word}
            footer: {word}
            carousel: {word}
            buttons:
              - type: OTP
                otp_type: COPY_CODE
                supported_apps: {word}
                zero_tap_terms_accepted: {word}
                ttl_minutes: {word}
        """)
    lang = template.languages["en_US"]
    assert (template.allow_category_change, template.message_send_ttl_seconds) == (None, None)
    assert (template.versioning, lang.header, lang.footer, lang.carousel) == (None,) * 4
    button = lang.buttons[0]
    assert (button.supported_apps, button.zero_tap_terms_accepted, button.ttl_minutes) == (
        None,
        None,
        None,
    )
    assert lang.body is not None and lang.body.add_security_recommendation is None


def test_null_where_a_required_mapping_belongs_is_named_as_written() -> None:
    _, problems = load("name: t\ncategory: UTILITY\nlanguages: {en_US: ~}\n")
    [d] = problems
    assert (d.rule, d.line, d.message) == ("WA004", 3, "'en_US' must be a mapping, not ~")
