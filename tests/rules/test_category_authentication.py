"""WA501-WA507: AUTHENTICATION rules, a failing and a passing case per rule at least."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import diagnose, only

CLEAN = """\
name: login_code
category: AUTHENTICATION
message_send_ttl_seconds: 600
languages:
  en_US:
    body:
      add_security_recommendation: true
      examples: ["482913"]
    footer:
      code_expiration_minutes: 10
    buttons:
      - type: OTP
        otp_type: COPY_CODE
        text: Copy code
  es:
    body:
      add_security_recommendation: false
    buttons:
      - {type: OTP, otp_type: COPY_CODE}
"""

OWN = {f"WA50{n}" for n in range(1, 8)}


def template(lang: str, top: str = "") -> str:
    """An AUTHENTICATION template with one language; `lang` is its YAML block at column 0."""
    head = f"name: t\ncategory: AUTHENTICATION\n{top}languages:\n  en_US:\n"
    return head + textwrap.indent(textwrap.dedent(lang), "    ")


def line_of(text: str, marker: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(lines) == 1, f"marker {marker!r} must be on exactly one line"
    return lines[0]


BODY = "body: {add_security_recommendation: true}\n"
OTP = "buttons:\n  - {type: OTP, otp_type: COPY_CODE}\n"

# (rule, template, marker on the line the finding must point at, severity)
FAILING = [
    (
        "WA501",
        template('body: {text: "Your code is {{1}}.", examples: ["123"]}\n' + OTP),
        "Your code is",
        "error",
    ),
    (
        "WA501",
        template('body:\n  text: "*{{1}}* is your verification code."\n' + OTP),
        "verification code",
        "error",
    ),
    ("WA502", template("header: {format: TEXT, text: Login}\n" + BODY + OTP), "header:", "error"),
    ("WA502", template(BODY + "footer: {text: Expires soon}\n" + OTP), "Expires soon", "error"),
    (
        "WA502",
        template(BODY + 'buttons:\n  - {type: URL, text: Open, url: "https://x.io"}\n'),
        "type: URL",
        "error",
    ),
    (
        "WA502",
        template(BODY + "buttons:\n  - type: OTP\n    otp_type: COPY_CODE\n    text: Copy 🔑\n"),
        "Copy 🔑",
        "error",
    ),
    (
        "WA503",
        template(BODY + "footer:\n  code_expiration_minutes: 91\n" + OTP),
        "code_expiration_minutes",
        "error",
    ),
    (
        "WA503",
        template(BODY + "footer:\n  code_expiration_minutes: 0\n" + OTP),
        "code_expiration_minutes",
        "error",
    ),
    ("WA504", template(BODY), "en_US:", "error"),
    (
        "WA504",
        template(
            BODY + "buttons:\n  - {type: OTP, otp_type: COPY_CODE}\n"
            "  - {type: OTP, otp_type: COPY_CODE}  # second\n"
        ),
        "# second",
        "error",
    ),
    (
        "WA504",
        template(BODY + "buttons:\n  - {type: OTP, otp_type: TWO_TAP}\n"),
        "TWO_TAP",
        "error",
    ),
    ("WA504", template(BODY + "buttons:\n  - {type: OTP}\n"), "type: OTP", "error"),
    (
        "WA504",
        template(
            BODY + "buttons:\n  - type: OTP\n    otp_type: COPY_CODE\n"
            "    autofill_text: Fill in the code automatically\n"
        ),
        "autofill_text",
        "error",
    ),
    (
        "WA505",
        template(BODY + "buttons:\n  - {type: OTP, otp_type: ONE_TAP}\n"),
        "ONE_TAP",
        "error",
    ),
    (
        "WA505",
        template(
            BODY + "buttons:\n  - type: OTP\n    otp_type: ONE_TAP\n"
            "    supported_apps:\n"
            "      - {package_name: com.example.app, signature_hash: abc}\n"
        ),
        "signature_hash",
        "error",
    ),
    (
        "WA505",
        template(
            BODY + "buttons:\n  - type: OTP\n    otp_type: ONE_TAP\n"
            "    supported_apps:\n"
            "      - {package_name: app, signature_hash: K8a/AINcGX7}\n"
        ),
        "package_name",
        "error",
    ),
    (
        "WA505",
        template(
            BODY + "buttons:\n  - type: OTP\n    otp_type: ZERO_TAP\n"
            "    zero_tap_terms_accepted: false\n    supported_apps:\n"
            "      - {package_name: com.example.app, signature_hash: K8a/AINcGX7}"
            "\n"
        ),
        "zero_tap_terms_accepted",
        "error",
    ),
    (
        "WA506",
        template(
            BODY + "buttons:\n  - type: OTP\n    otp_type: ONE_TAP\n"
            "    supported_apps:\n"
            "      - {package_name: com.example.app, signature_hash: K8a/AINcGX7}"
            "\n"
        ),
        "otp_type",
        "warning",
    ),
    (
        "WA507",
        template(BODY + OTP, top="message_send_ttl_seconds: 901\n"),
        "message_send_ttl_seconds",
        "error",
    ),
    (
        "WA507",
        template(BODY + OTP, top="message_send_ttl_seconds: 43200\n"),
        "message_send_ttl_seconds",
        "error",
    ),
]

# (rule, template): the rule must stay silent.
PASSING = [
    ("WA501", template(BODY + OTP)),
    ("WA501", template("body: {examples: ['123456']}\n" + OTP)),
    ("WA502", template(BODY + "footer: {code_expiration_minutes: 5}\n" + OTP)),
    # A URL beside the OTP button is WA404's ("the OTP button must be alone"), not again WA502's.
    (
        "WA502",
        template(
            BODY + "buttons:\n  - {type: OTP, otp_type: COPY_CODE}\n"
            '  - {type: URL, text: Open, url: "https://x.io"}\n'
        ),
    ),
    ("WA503", template(BODY + "footer: {code_expiration_minutes: 1}\n" + OTP)),
    ("WA503", template(BODY + "footer: {code_expiration_minutes: 90}\n" + OTP)),
    (
        "WA504",
        template(
            BODY + "buttons:\n  - type: OTP\n    otp_type: COPY_CODE\n    autofill_text: Autofill\n"
        ),
    ),
    (
        "WA505",
        template(
            BODY + "buttons:\n  - type: OTP\n    otp_type: ZERO_TAP\n"
            "    zero_tap_terms_accepted: true\n    supported_apps:\n"
            "      - {package_name: com.example.app, signature_hash: K8a/AINcGX7}"
            "\n"
        ),
    ),
    ("WA505", template(BODY + OTP)),
    ("WA506", template(BODY + OTP)),
    ("WA507", template(BODY + OTP, top="message_send_ttl_seconds: 30\n")),
    ("WA507", template(BODY + OTP, top="message_send_ttl_seconds: 900\n")),
    ("WA507", template(BODY + OTP, top="message_send_ttl_seconds: -1\n")),
]


@pytest.mark.parametrize(("rule", "text", "marker", "severity"), FAILING)
def test_rule_fires_at_the_offending_line(rule: str, text: str, marker: str, severity: str) -> None:
    found = only(text, rule)
    assert [(d.line, d.severity.value) for d in found] == [(line_of(text, marker), severity)], found
    assert found[0].message and "\n" not in found[0].message


@pytest.mark.parametrize(("rule", "text"), PASSING)
def test_rule_stays_silent(rule: str, text: str) -> None:
    assert only(text, rule) == []


def test_clean_authentication_template_has_no_findings() -> None:
    assert diagnose(CLEAN) == []


def test_rules_are_scoped_to_authentication() -> None:
    text = CLEAN.replace("AUTHENTICATION", "UTILITY")
    assert not [d for d in diagnose(text) if d.rule in OWN]


def test_ttl_no_category_accepts_is_wa801_not_wa507() -> None:
    text = template(BODY + OTP, top="message_send_ttl_seconds: 0\n")
    assert [d.rule for d in diagnose(text) if d.rule in {"WA507", "WA801"}] == ["WA801"]


def test_preset_wording_in_body_points_to_the_option() -> None:
    text = template('body: {text: "*{{1}}* is your verification code."}\n' + OTP)
    [d] = only(text, "WA501")
    assert "add_security_recommendation: false" in d.message


def test_quoted_values_stay_on_one_line() -> None:
    text = template('body: {text: "Code {{1}}\\nDo not share"}\n' + OTP)
    [d] = only(text, "WA501")
    assert "\n" not in d.message and "Code {{1}}\\nDo not share" in d.message


def test_autofill_message_names_the_value_and_the_limit() -> None:
    text = template(
        BODY + "buttons:\n  - type: OTP\n    otp_type: COPY_CODE\n"
        "    autofill_text: Fill in the code automatically\n"
    )
    [d] = only(text, "WA504")
    assert "'Fill in the code automatically'" in d.message and "25" in d.message


def test_one_tap_without_apps_reports_each_problem_once() -> None:
    text = template(BODY + "buttons:\n  - {type: OTP, otp_type: ZERO_TAP}\n")
    messages = [d.message for d in only(text, "WA505")]
    assert len(messages) == 2
    assert any("supported_apps" in m for m in messages)
    assert any("zero_tap_terms_accepted" in m for m in messages)


def test_authentication_options_outside_authentication_are_errors() -> None:
    from tests.helpers import only

    text = (
        "name: t\ncategory: UTILITY\nlanguages:\n  en_US:\n    body:\n"
        "      text: Your parcel is on its way.\n      add_security_recommendation: true\n"
        "    footer:\n      text: Example Co\n      code_expiration_minutes: 5\n"
    )
    found = only(text, "WA508")
    assert [(d.line, d.severity.value) for d in found] == [(7, "error"), (10, "error")]
    assert only(text.replace("UTILITY", "AUTHENTICATION"), "WA508") == []
