"""WA401-WA411: buttons, one failing and one passing case per rule at least."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import diagnose, only
from wa_templates.rules.engine import all_rules

BODY = 'body: {text: "Your order is ready for pickup at the front desk today."}\n'
AUTH_BODY = "body: {add_security_recommendation: true}\n"


def template(lang: str, category: str = "UTILITY") -> str:
    """A one-language template; `lang` is the language's YAML block, written at column 0."""
    head = f"name: t\ncategory: {category}\nlanguages:\n  en_US:\n"
    return head + textwrap.indent(textwrap.dedent(lang), "    ")


def line_of(text: str, marker: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(lines) == 1, f"marker {marker!r} must be on exactly one line"
    return lines[0]


def _d(block: str) -> str:
    return textwrap.dedent(block)


def _card(block: str) -> str:
    """Buttons of the first card in CAROUSEL."""
    return textwrap.indent(textwrap.dedent(block), "      ")


def quick_replies(count: int, start: int = 1) -> str:
    return "".join(
        f"  - {{type: QUICK_REPLY, text: Reply {n}}}\n" for n in range(start, count + start)
    )


CAROUSEL = """\
body: {text: "See this week's picks from our shop, chosen for you."}
carousel:
  - header: {format: IMAGE, examples: ["https://example.com/a.jpg"]}
    body: {text: "Product A, our best seller"}
    buttons:
"""

# (rule, category, language block, marker on the expected line, severity)
FAILING = [
    (
        "WA401",
        "MARKETING",
        BODY + "buttons:\n" + quick_replies(10) + "  - {type: QUICK_REPLY, text: Eleven}\n",
        "Eleven",
        "error",
    ),
    (
        "WA402",
        "MARKETING",
        BODY
        + _d("""\
        buttons:
          - {type: URL, text: A, url: "https://example.com/a"}
          - {type: URL, text: B, url: "https://example.com/b"}
          - {type: URL, text: C, url: "https://example.com/c"}
        """),
        "text: C",
        "error",
    ),
    (
        "WA402",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: PHONE_NUMBER, text: A, phone_number: "+6562211521"}
          - {type: PHONE_NUMBER, text: B, phone_number: "+6562211522"}
        """),
        "text: B",
        "error",
    ),
    (
        "WA402",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: LINK, text: Open}
        """),
        "LINK",
        "error",
    ),
    (
        "WA402",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: QUICK_REPLY, text: "  "}
        """),
        "QUICK_REPLY",
        "error",
    ),
    (
        "WA402",
        "MARKETING",
        CAROUSEL
        + _card("""\
              - {type: URL, url: "https://example.com/a"}
        """),
        "type: URL",
        "error",
    ),
    (
        "WA403",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: URL, text: Track, url: "https://example.com/a"}
          - {type: QUICK_REPLY, text: Thanks}
          - {type: PHONE_NUMBER, text: Call, phone_number: "+6562211521"}
        """),
        "Call",
        "error",
    ),
    (
        "WA403",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: URL, text: Track, url: "https://example.com/a"}
          - {type: PHONE_NUMBER, text: Call, phone_number: "+6562211521"}
          - {type: URL, text: Help, url: "https://example.com/b"}
        """),
        "Help",
        "warning",
    ),
    (
        "WA404",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: OTP, otp_type: COPY_CODE}
        """),
        "OTP",
        "error",
    ),
    (
        "WA404",
        "AUTHENTICATION",
        AUTH_BODY
        + _d("""\
        buttons:
          - {type: OTP, otp_type: COPY_CODE}
          - {type: QUICK_REPLY, text: Not me}
        """),
        "Not me",
        "error",
    ),
    (
        "WA405",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: COPY_CODE, examples: ["SAVE25"]}
        """),
        "COPY_CODE",
        "error",
    ),
    (
        "WA405",
        "MARKETING",
        BODY
        + _d("""\
        buttons:
          - type: COPY_CODE
            examples: ["SAV"]
        """),
        "examples",
        "error",
    ),
    (
        "WA405",
        "MARKETING",
        BODY
        + _d("""\
        buttons:
          - type: COPY_CODE
            examples: ["SAVE25SAVE25SAVE"]
        """),
        "examples",
        "error",
    ),
    (
        "WA405",
        "MARKETING",
        BODY
        + _d("""\
        buttons:
          - type: COPY_CODE
        """),
        "COPY_CODE",
        "error",
    ),
    (
        "WA406",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - type: PHONE_NUMBER
            text: Call us
            phone_number: "62211521"
        """),
        "62211521",
        "error",
    ),
    (
        "WA406",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - type: PHONE_NUMBER
            text: Call us
            phone_number: "+651234567890123456789"
        """),
        "phone_number",
        "error",
    ),
    (
        "WA406",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - type: PHONE_NUMBER
            text: Call us
            phone_number: "62211521"
            country: SGP
        """),
        "SGP",
        "error",
    ),
    (
        "WA406",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: PHONE_NUMBER, text: Call us}
        """),
        "Call us",
        "error",
    ),
    (
        "WA406",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: PHONE_NUMBER, text: Call us, phone_number: "+"}
        """),
        "Call us",
        "error",
    ),
    (
        "WA407",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: URL, text: Track, url: "/track"}
        """),
        "Track",
        "error",
    ),
    (
        "WA407",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: URL, text: Track, url: "ftp://example.com/x"}
        """),
        "Track",
        "error",
    ),
    (
        "WA407",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - type: URL
            text: Track
            url: "https://example.com/a b"
        """),
        "url:",
        "error",
    ),
    (
        "WA407",
        "UTILITY",
        BODY
        + _d(f"""\
        buttons:
          - type: URL
            text: Track
            url: "https://example.com/{"a" * 2000}"
        """),
        "url:",
        "error",
    ),
    (
        "WA407",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: URL, text: Track}
        """),
        "Track",
        "error",
    ),
    (
        "WA407",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - type: URL
            text: Track
            url: "http://example.com/track"
        """),
        "url:",
        "warning",
    ),
    (
        "WA407",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - type: URL
            text: Track
            url: "https://www.bit.ly/abc"
        """),
        "url:",
        "warning",
    ),
    (
        "WA407",
        "MARKETING",
        CAROUSEL
        + _card("""\
              - type: URL
                text: Buy
                url: "http://example.com/a"
        """),
        "url:",
        "warning",
    ),
    (
        "WA408",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - type: URL
            text: Track
            url: "https://example.com/track/{{1}}"
        """),
        "url:",
        "error",
    ),
    (
        "WA408",
        "MARKETING",
        CAROUSEL
        + _card("""\
              - type: URL
                text: Buy
                url: "https://example.com/p/{{1}}"
                examples: [" "]
        """),
        'examples: [" "]',
        "error",
    ),
    (
        "WA409",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: FLOW, text: Book}
        """),
        "Book",
        "error",
    ),
    (
        "WA409",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - type: FLOW
            text: Book
            flow_id: "1234567890123456"
            flow_action: NAVIGATE
        """),
        "flow_action",
        "error",
    ),
    (
        "WA410",
        "AUTHENTICATION",
        AUTH_BODY
        + _d("""\
        buttons:
          - {type: VOICE_CALL, text: Call}
        """),
        "VOICE_CALL",
        "error",
    ),
    (
        "WA410",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - type: VOICE_CALL
            text: Call
            ttl_minutes: 60
        """),
        "ttl_minutes",
        "error",
    ),
    ("WA411", "UTILITY", BODY + "buttons:\n" + quick_replies(4), "Reply 4", "warning"),
    (
        "WA411",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: URL, text: Track, url: "https://example.com/a"}
          - {type: QUICK_REPLY, text: Thanks}
        """),
        "buttons:",
        "warning",
    ),
]

PASSING = [
    ("WA401", "MARKETING", BODY + "buttons:\n" + quick_replies(10)),
    (
        "WA402",
        "MARKETING",
        BODY
        + _d("""\
        buttons:
          - {type: URL, text: A, url: "https://example.com/a"}
          - {type: URL, text: B, url: "https://example.com/b"}
          - {type: PHONE_NUMBER, text: Call, phone_number: "+6562211521"}
          - {type: VOICE_CALL}
        """),
    ),
    (
        "WA403",
        "MARKETING",
        BODY
        + _d("""\
        buttons:
          - {type: PHONE_NUMBER, text: Call, phone_number: "+6562211521"}
          - {type: URL, text: A, url: "https://example.com/a"}
          - {type: QUICK_REPLY, text: Sure}
          - {type: QUICK_REPLY, text: Nope}
        """),
    ),
    (
        "WA403",
        "MARKETING",
        BODY
        + _d("""\
        buttons:
          - {type: COPY_CODE, examples: ["SAVE25"]}
          - {type: URL, text: A, url: "https://example.com/a"}
          - {type: QUICK_REPLY, text: Sure}
        """),
    ),
    (
        "WA404",
        "AUTHENTICATION",
        AUTH_BODY
        + _d("""\
        buttons:
          - {type: OTP, otp_type: COPY_CODE}
        """),
    ),
    (
        "WA405",
        "MARKETING",
        BODY
        + _d("""\
        buttons:
          - {type: COPY_CODE, examples: ["SAVE"]}
        """),
    ),
    (
        "WA406",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: PHONE_NUMBER, text: Call, phone_number: "+6562211521"}
        """),
    ),
    (
        "WA406",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: PHONE_NUMBER, text: Call, phone_number: "62211521", country: SG}
        """),
    ),
    (
        "WA407",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: URL, text: Track, url: "https://shop.example.com:8443/track?id=1#top"}
        """),
    ),
    (
        "WA407",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - {type: URL, text: Track, url: "https://notbit.ly/track"}
        """),
    ),
    (
        "WA408",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - type: URL
            text: Track
            url: "https://example.com/track/{{1}}"
            examples: ["A-1"]
        """),
    ),
    (
        "WA409",
        "UTILITY",
        BODY
        + _d("""\
        buttons:
          - type: FLOW
            text: Book
            flow_id: "1234567890123456"
            flow_action: data_exchange
        """),
    ),
    (
        "WA410",
        "MARKETING",
        BODY
        + _d("""\
        buttons:
          - {type: VOICE_CALL, text: Call, ttl_minutes: 43200}
        """),
    ),
    ("WA411", "UTILITY", BODY + "buttons:\n" + quick_replies(3)),
]


@pytest.mark.parametrize(
    ("rule", "category", "lang", "marker", "severity"), FAILING, ids=[c[0] for c in FAILING]
)
def test_rule_fires(rule: str, category: str, lang: str, marker: str, severity: str) -> None:
    text = template(lang, category)
    found = only(text, rule)
    assert found, f"{rule} did not fire; got {[(d.rule, d.message) for d in diagnose(text)]}"
    assert [(d.line, d.severity.value) for d in found if d.severity.value == severity] == [
        (line_of(text, marker), severity)
    ], found
    assert all("\n" not in d.message for d in found)


@pytest.mark.parametrize(("rule", "category", "lang"), PASSING, ids=[c[0] for c in PASSING])
def test_rule_passes(rule: str, category: str, lang: str) -> None:
    text = template(lang, category)
    found = diagnose(text)
    assert not [d for d in found if d.rule < "WA100"], found  # it loaded
    assert only(text, rule) == [], found


def test_clean_buttons_have_no_button_findings() -> None:
    text = template(
        BODY
        + _d("""\
        buttons:
          - type: URL
            text: Track
            url: "https://shop.example.com/track/{{1}}"
            examples: ["A-1"]
          - {type: PHONE_NUMBER, text: Call us, phone_number: "+6562211521"}
        """)
    )
    found = diagnose(text)
    assert not [d for d in found if d.rule < "WA100"], found
    assert [d for d in found if d.rule.startswith("WA4")] == []


def test_counts_report_once_at_the_first_button_over_the_limit() -> None:
    text = template(
        BODY
        + _d("""\
        buttons:
          - {type: FLOW, text: A, flow_id: "1"}
          - {type: FLOW, text: B, flow_id: "2"}
          - {type: FLOW, text: C, flow_id: "3"}
        """),
        "MARKETING",
    )
    [d] = only(text, "WA402")
    assert d.line == line_of(text, "text: B")
    assert "3 flow buttons" in d.message and "limit is 1" in d.message


def test_grouping_error_suppresses_the_weaker_warning() -> None:
    text = template(
        BODY
        + _d("""\
        buttons:
          - {type: QUICK_REPLY, text: Sure}
          - {type: URL, text: Track, url: "https://example.com/a"}
          - {type: QUICK_REPLY, text: Nope}
        """)
    )
    assert [d.severity.value for d in only(text, "WA403")] == ["error"]


def test_otp_count_is_left_to_wa504() -> None:
    text = template(
        AUTH_BODY
        + _d("""\
        buttons:
          - {type: OTP, otp_type: COPY_CODE}
          - {type: OTP, otp_type: COPY_CODE}
        """),
        "AUTHENTICATION",
    )
    assert only(text, "WA404") == []
    assert only(template(AUTH_BODY, "AUTHENTICATION"), "WA404") == []


def test_lowercase_country_is_accepted() -> None:
    text = template(
        BODY
        + _d("""\
        buttons:
          - {type: PHONE_NUMBER, text: Call, phone_number: "62211521", country: sg}
        """)
    )
    assert only(text, "WA406") == []


def test_card_buttons_skip_the_top_level_only_checks() -> None:
    text = template(
        CAROUSEL
        + _card("""\
              - {type: URL, text: Buy, url: "https://example.com/p/{{1}}", examples: ["a"]}
              - {type: QUICK_REPLY, text: More}
        """),
        "MARKETING",
    )
    found = diagnose(text)
    assert not [d for d in found if d.rule < "WA100"], found
    assert [d for d in found if d.rule.startswith("WA4")] == []


def test_messages_name_the_offending_value() -> None:
    text = template(
        BODY
        + _d("""\
        buttons:
          - {type: URL, text: Track, url: "https://bit.ly/abc"}
          - {type: PHONE_NUMBER, text: Call, phone_number: "62211521"}
        """)
    )
    [url] = only(text, "WA407")
    assert "bit.ly" in url.message
    [phone] = only(text, "WA406")
    assert "62211521" in phone.message and "country" in phone.message


RULES_TABLE = {
    "WA401": "error", "WA402": "error", "WA403": "error", "WA404": "error", "WA405": "error",
    "WA406": "error", "WA407": "error", "WA408": "error", "WA409": "error", "WA410": "error",
    "WA411": "warning",
}  # fmt: skip


def test_every_button_rule_is_registered_unscoped_with_its_severity() -> None:
    registered = {r.id: r for r in all_rules() if r.id.startswith("WA4")}
    assert {k: str(r.severity) for k, r in registered.items()} == RULES_TABLE
    # Category limits (OTP, COPY_CODE, VOICE_CALL) are checked inside: an out-of-place button
    # must be reported in the category it does not belong to.
    assert all(r.summary and r.source and not r.scope for r in registered.values())
