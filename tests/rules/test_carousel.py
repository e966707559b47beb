"""WA601-WA608: carousel rules, a failing and a passing case per rule at least."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import diagnose, only

CLEAN = """\
name: weekly_picks
category: MARKETING
languages:
  en_US:
    body:
      text: "Hi {{1}}, here are this week's picks. Reply STOP to opt out."
      examples: ["Ana"]
    carousel:
      - header: {format: IMAGE, examples: ["https://cdn.example.com/boots.jpg"]}
        body:
          text: "Leather boots, now {{1}}"
          examples: ["$89"]
        buttons:
          - {type: URL, text: View, url: "https://example.com/p/{{1}}", examples: ["boots"]}
          - {type: QUICK_REPLY, text: Not for me}
      - header: {format: IMAGE, examples: ["https://cdn.example.com/scarf.png"]}
        body:
          text: "Wool scarf, now {{1}}"
          examples: ["$25"]
        buttons:
          - {type: URL, text: View, url: "https://example.com/p/{{1}}", examples: ["scarf"]}
          - {type: QUICK_REPLY, text: Not for me}
"""

OWN = {f"WA60{n}" for n in range(1, 9)}


def card(
    header: str = 'header: {format: IMAGE, examples: ["https://x.io/a.png"]}',
    body: str = 'body: {text: "A fine product"}',
    buttons: str = "buttons: [{type: QUICK_REPLY, text: More}]",
) -> str:
    lines = [part for part in (header, body, buttons) if part]
    return "  - " + "\n    ".join(lines) + "\n"


def template(cards: str, category: str = "MARKETING", extra: str = "") -> str:
    lang = 'body: {text: "Our picks for you. Reply STOP to opt out."}\n' + extra
    lang += "carousel:\n" + cards if cards else "carousel: []\n"
    head = f"name: t\ncategory: {category}\nlanguages:\n  en_US:\n"
    return head + textwrap.indent(lang, "    ")


def line_of(text: str, marker: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(lines) == 1, f"marker {marker!r} must be on exactly one line"
    return lines[0]


TWO = card() + card()
ONLY = 'header: {format: IMAGE, examples: ["https://x.io/only.png"]}'
ELEVENTH = 'header: {format: IMAGE, examples: ["https://x.io/eleventh.png"]}'
URL_CARD = card(buttons='buttons: [{type: URL, text: Go, url: "%s", examples: %s}]')

FAILING = [
    ("WA601", template(TWO, "AUTHENTICATION"), "carousel:", "error"),
    ("WA602", template(card() * 10 + card(header=ELEVENTH)), "eleventh.png", "error"),
    # Meta creates carousels of 2 to 10 cards (its media card carousel page); 8x8 takes 1.
    ("WA602", template(card()), "carousel:", "error"),
    ("WA602", template(""), "carousel:", "error"),
    ("WA603", template(TWO, extra='header: {format: TEXT, text: "Picks"}\n'), "Picks", "error"),
    ("WA603", template(TWO, extra="footer: {text: Thanks}\n"), "Thanks", "error"),
    (
        "WA603",
        template(TWO, extra="buttons: [{type: QUICK_REPLY, text: Top}]\n"),
        "text: Top",
        "error",
    ),
    (
        "WA604",
        template(card() + card(header="", body='body: {text: "No header"}')),
        "No header",
        "error",
    ),
    (
        "WA604",
        template(
            card() + card(header='header: {format: DOCUMENT, examples: ["https://x.io/a.pdf"]}')
        ),
        "DOCUMENT",
        "error",
    ),
    (
        "WA604",
        template(card() + card(header='header: {format: VIDEO, examples: ["https://x.io/a.mp4"]}')),
        "VIDEO",
        "error",
    ),
    ("WA605", template(card(header=ONLY, body="")), "only.png", "warning"),
    ("WA605", template(card(header=ONLY, body='body: {text: " "}')), 'text: " "', "warning"),
    (
        "WA606",
        template(
            card()
            + card(
                buttons="buttons:\n      - {type: QUICK_REPLY, text: A}\n"
                "      - {type: QUICK_REPLY, text: B}\n"
                "      - {type: QUICK_REPLY, text: C}"
            )
        ),
        "text: C",
        "error",
    ),
    (
        "WA606",
        template(
            card()
            + card(
                buttons='buttons: [{type: PHONE_NUMBER, text: Call, phone_number: "+15551234567"}]'
            )
        ),
        "PHONE",
        # Meta's carousels take phone-number buttons; only 8x8's reference leaves them out.
        "warning",
    ),
    (
        "WA606",
        template(card() + card(buttons="buttons: [{type: FLOW, text: Book, flow_id: '1'}]")),
        "FLOW",
        "error",
    ),
    ("WA606", template(card(header=ONLY, buttons="")), "only.png", "warning"),
    (
        "WA607",
        template(card() + card(buttons='buttons: [{type: URL, text: Go, url: "https://x.io"}]')),
        "text: Go",
        "error",
    ),
    ("WA607", template(card() + card(header=ONLY, body="")), "only.png", "error"),
    ("WA608", template(URL_CARD % ("https://x.io/{{1}}/view", '["a"]')), "/view", "error"),
    ("WA608", template(URL_CARD % ("https://x.io/{{1}}{{2}}", '["a"]')), "{{2}}", "error"),
    ("WA608", template(URL_CARD % ("https://x.io/{{id}}", '["a"]')), "{{id}}", "error"),
    ("WA608", template(URL_CARD % ("https://x.io/page", '["a"]')), "/page", "error"),
]

PASSING = [
    ("WA601", template(TWO)),
    ("WA602", template(TWO)),
    ("WA602", template(card() * 10)),
    ("WA603", template(TWO)),
    (
        "WA604",
        template(card(header='header: {format: VIDEO, examples: ["https://x.io/a.mp4"]}') * 2),
    ),
    ("WA605", template(TWO)),
    # One card without a body beside cards with one is WA607's error, not WA605's warning too.
    ("WA605", template(card() + card(body=""))),
    (
        "WA606",
        template(
            card(
                buttons='buttons:\n      - {type: URL, text: Go, url: "https://x.io"}'
                "\n      - {type: QUICK_REPLY, text: Q}"
            )
            * 2
        ),
    ),
    ("WA607", template(TWO)),
    ("WA608", template(URL_CARD % ("https://x.io/{{1}}", '["a"]'))),
    ("WA608", template(URL_CARD % ("https://x.io/page", "[]"))),
]


@pytest.mark.parametrize(("rule", "text", "marker", "severity"), FAILING)
def test_rule_fires_at_the_offending_line(rule: str, text: str, marker: str, severity: str) -> None:
    found = only(text, rule)
    assert [(d.line, d.severity.value) for d in found] == [(line_of(text, marker), severity)], found


@pytest.mark.parametrize(("rule", "text"), PASSING)
def test_rule_stays_silent(rule: str, text: str) -> None:
    assert only(text, rule) == []


def test_clean_carousel_has_no_findings_from_these_rules() -> None:
    assert [d for d in diagnose(CLEAN) if d.rule in OWN] == []


def test_carousel_in_utility_is_wa521_not_wa601() -> None:
    found = {d.rule for d in diagnose(template(TWO, "UTILITY"))}
    assert "WA521" in found and "WA601" not in found


def test_header_format_mismatch_names_both_cards() -> None:
    text = template(
        card() + card(header='header: {format: VIDEO, examples: ["https://x.io/a.mp4"]}')
    )
    [d] = only(text, "WA604")
    assert "card 2" in d.message and "VIDEO" in d.message and "card 1 is IMAGE" in d.message


def test_button_difference_lists_both_sequences() -> None:
    text = template(card() + card(buttons='buttons: [{type: URL, text: Go, url: "https://x.io"}]'))
    [d] = only(text, "WA607")
    assert "[URL]" in d.message and "[QUICK_REPLY]" in d.message


def test_every_card_without_a_body_warns_once() -> None:
    text = template(card(body="") * 3)
    assert len(only(text, "WA605")) == 3
    assert only(text, "WA607") == []


def test_card_url_rules_are_not_reported_twice() -> None:
    text = template(URL_CARD % ("https://x.io/{{1}}/view", '["a"]'))
    assert {"WA313", "WA308"}.isdisjoint(d.rule for d in diagnose(text))


def test_phone_number_buttons_on_every_card_are_no_error() -> None:
    phone = 'buttons: [{type: PHONE_NUMBER, text: Call us, phone_number: "+15551234567"}]'
    text = template(card(buttons=phone) + card(buttons=phone))
    found = [d for d in diagnose(text) if d.rule.startswith("WA6")]
    assert [(d.rule, d.severity.value) for d in found] == [("WA606", "warning")] * 2
