"""WA510-WA513: MARKETING rules, a failing and a passing case per rule at least."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import diagnose, only

CLEAN = """\
name: spring_collection
category: MARKETING
message_send_ttl_seconds: 86400
languages:
  en_US:
    header:
      format: IMAGE
      examples: ["https://cdn.example.com/spring.png"]
    body:
      text: "Hi {{1}}, our spring collection has arrived. Take a look at what is new in store."
      examples: ["Maria"]
    footer:
      text: Reply STOP to unsubscribe
    buttons:
      - type: URL
        text: See the collection
        url: "https://shop.example.com/spring"
  es:
    header:
      format: IMAGE
      examples: ["https://cdn.example.com/spring.png"]
    body:
      text: "Hola {{1}}, ya llegó nuestra colección de primavera. Descubre lo nuevo en tienda."
      examples: ["María"]
    footer:
      text: Responde BAJA para darte de baja
    buttons:
      - type: URL
        text: Ver la colección
        url: "https://shop.example.com/primavera"
"""

OWN = {"WA510", "WA512", "WA513"}


def template(lang: str, category: str = "MARKETING", top: str = "") -> str:
    head = f"name: t\ncategory: {category}\n{top}languages:\n  en_US:\n"
    return head + textwrap.indent(textwrap.dedent(lang), "    ")


def line_of(text: str, marker: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(lines) == 1, f"marker {marker!r} must be on exactly one line"
    return lines[0]


BODY = 'body: {text: "Our new season is here for you. Reply STOP to opt out."}\n'
GIF = 'header: {format: GIF, examples: ["https://cdn.example.com/a.mp4"]}\n'

FAILING = [
    (
        "WA510",
        template(GIF + 'body: {text: "Your parcel is on its way to you."}\n', "UTILITY"),
        "format: GIF",
        "error",
    ),
    ("WA512", template(BODY, top="message_send_ttl_seconds: 43199\n"), "ttl", "error"),
    ("WA512", template(BODY, top="message_send_ttl_seconds: 600\n"), "ttl", "error"),
    ("WA512", template(BODY, top="message_send_ttl_seconds: -1\n"), "ttl", "error"),
    (
        "WA513",
        template('body:\n  text: "Our new season is here, come and see it."\n'),
        "text:",
        "warning",
    ),
    ("WA513", template("body: {}\n"), "body:", "warning"),
    # A link that merely contains "stop" is not an instruction to the reader.
    (
        "WA513",
        template(
            'body:\n  text: "See what is new this week."\nbuttons:\n'
            '  - {type: URL, text: Open, url: "https://x.io/stop"}\n'
        ),
        "See what",
        "warning",
    ),
]

PASSING = [
    ("WA510", template(GIF + BODY)),
    (
        "WA510",
        template('header: {format: IMAGE, examples: ["https://x.io/a.png"]}\n' + BODY, "UTILITY"),
    ),
    # In AUTHENTICATION any header is WA502's finding.
    ("WA510", template(GIF + "body: {add_security_recommendation: true}\n", "AUTHENTICATION")),
    ("WA512", template(BODY, top="message_send_ttl_seconds: 43200\n")),
    ("WA512", template(BODY, top="message_send_ttl_seconds: 2592000\n")),
    ("WA512", template(BODY)),
    ("WA513", template(BODY)),
    (
        "WA513",
        template(
            'body: {text: "New arrivals this week."}\nfooter: {text: "Unsubscribe: '
            'reply UNSUBSCRIBE"}\n'
        ),
    ),
    (
        "WA513",
        template(
            'body: {text: "New arrivals."}\nbuttons:\n'
            "  - {type: QUICK_REPLY, text: Stop promotions}\n"
        ),
    ),
    ("WA513", template('body: {text: "Nouveautés. Pour vous désabonner, répondez NON."}\n')),
    ("WA513", template('body: {text: "Novidades. Responda PARAR para sair."}\n')),
    ("WA513", template('body: {text: "Your parcel is on its way."}\n', "UTILITY")),
]


@pytest.mark.parametrize(("rule", "text", "marker", "severity"), FAILING)
def test_rule_fires_at_the_offending_line(rule: str, text: str, marker: str, severity: str) -> None:
    found = only(text, rule)
    assert [(d.line, d.severity.value) for d in found] == [(line_of(text, marker), severity)], found


@pytest.mark.parametrize(("rule", "text"), PASSING)
def test_rule_stays_silent(rule: str, text: str) -> None:
    assert only(text, rule) == []


def test_clean_marketing_template_has_no_findings_from_these_rules() -> None:
    assert [d for d in diagnose(CLEAN) if d.rule in OWN or d.rule.startswith("WA5")] == []


def test_ttl_message_names_value_and_range() -> None:
    [d] = only(template(BODY, top="message_send_ttl_seconds: 600\n"), "WA512")
    assert "600" in d.message and "43,200-2,592,000" in d.message


def test_ttl_over_thirty_days_is_wa801_only() -> None:
    text = template(BODY, top="message_send_ttl_seconds: 2592001\n")
    assert [d.rule for d in diagnose(text) if d.rule in {"WA512", "WA801"}] == ["WA801"]


def test_opt_out_is_checked_per_language() -> None:
    text = template(BODY) + '  es:\n    body: {text: "Nueva temporada, ven a verla."}\n'
    [d] = only(text, "WA513")
    assert d.line == line_of(text, "Nueva temporada")
