"""WA301-WA315: placeholders and samples, one failing and one passing case per rule at least."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import diagnose, only
from wa_templates.files.model import Body, Language
from wa_templates.rules import variable_sites
from wa_templates.rules.engine import all_rules


def template(lang: str, category: str = "UTILITY", code: str = "en_US") -> str:
    """A one-language template; `lang` is the language's YAML block, written at column 0."""
    head = f"name: t\ncategory: {category}\nlanguages:\n  {code}:\n"
    return head + textwrap.indent(textwrap.dedent(lang), "    ")


def line_of(text: str, marker: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(lines) == 1, f"marker {marker!r} must be on exactly one line"
    return lines[0]


GOOD_BODY = """\
body:
  text: "Hello {{1}}, your order {{2}} ships on Friday. Thank you for shopping with us."
  examples: ["Maria", "A-1234"]
"""

# (rule, category, language block, marker on the expected line, severity)
FAILING = [
    (
        "WA301",
        "UTILITY",
        """\
        body:
          text: "Hello {{ 1 }}, your order is ready for pickup today."
          examples: ["Maria"]
        """,
        "text:",
        "error",
    ),
    (
        "WA301",
        "UTILITY",
        """\
        body:
          text: "Hello {{1}, your order is ready for pickup today."
        """,
        "text:",
        "error",
    ),
    (
        "WA301",
        "UTILITY",
        """\
        body:
          text: "Hello {{First-Name}}, your order is ready for pickup today."
          examples: ["Maria"]
        """,
        "text:",
        "error",
    ),
    (
        "WA301",
        "MARKETING",
        """\
        body: {text: "See our new arrivals in the shop today, friend."}
        buttons:
          - type: URL
            text: Shop
            url: "https://shop.example.com/{{#1}}"
            examples: ["x"]
        """,
        "url:",
        "error",
    ),
    (
        "WA302",
        "UTILITY",
        """\
        body:
          text: "Hello {{1}}, your order {{3}} is ready for pickup at the front desk."
          examples: ["Maria", "A-1"]
        """,
        "text:",
        "error",
    ),
    (
        "WA302",
        "UTILITY",
        """\
        header:
          text: "Order {{2}} update"
          examples: ["A-1"]
        body: {text: "Your order is ready for pickup at the front desk."}
        """,
        'text: "Order',
        "error",
    ),
    (
        "WA316",
        "UTILITY",
        """\
        body:
          text: "Hello {{first_name}}, your order is ready for pickup today."
          examples: {first_name: Maria}
        """,
        "text:",
        "warning",
    ),
    (
        "WA303",
        "UTILITY",
        """\
        body:
          text: "Hello {{name}}, your order is ready, {{name}}, at the front desk."
          examples: {name: Maria}
        """,
        "text:",
        "error",
    ),
    (
        "WA304",
        "UTILITY",
        """\
        body:
          text: "Hello {{1}}, your order {{order_id}} is ready for pickup at the desk."
          examples: ["Maria", "A-1"]
        """,
        "text:",
        "error",
    ),
    (
        "WA304",
        "UTILITY",
        """\
        header:
          text: "Order {{1}}"
          examples: ["A-1"]
        body:
          text: "Hello {{first_name}}, your order is ready for pickup at the desk."
          examples: {first_name: Maria}
        """,
        'text: "Hello',
        "error",
    ),
    (
        "WA305",
        "UTILITY",
        """\
        body:
          text: "{{1}}, your order is ready for pickup at the front desk."
          examples: ["Maria"]
        """,
        "text:",
        "error",
    ),
    (
        "WA305",
        "UTILITY",
        """\
        body:
          text: "Your order is ready for pickup at the front desk, {{1}}."
          examples: ["Maria"]
        """,
        "text:",
        "error",
    ),
    (
        "WA305",
        "UTILITY",
        """\
        body:
          text: |
            Your order is ready for pickup at the front desk:
            *{{1}}*
          examples: ["Maria"]
        """,
        "text:",
        "error",
    ),
    (
        "WA306",
        "UTILITY",
        """\
        body:
          text: "Hello {{1}} {{2}}, your order is ready for pickup at the front desk."
          examples: ["Maria", "Lopez"]
        """,
        "text:",
        "error",
    ),
    (
        "WA306",
        "UTILITY",
        """\
        body:
          text: "Hello {{1}}{{2}}, your order is ready for pickup at the front desk."
          examples: ["Maria", "Lopez"]
        """,
        "text:",
        "error",
    ),
    (
        "WA307",
        "UTILITY",
        """\
        body:
          text: "Dear {{1}}, {{2}}: {{3}} done."
          examples: ["a", "b", "c"]
        """,
        "text:",
        "warning",
    ),
    (
        "WA308",
        "UTILITY",
        """\
        body:
          text: "Hello {{1}}, your order {{2}} is ready for pickup at the front desk."
          examples: ["Maria"]
        """,
        "examples:",
        "error",
    ),
    (
        "WA308",
        "UTILITY",
        """\
        body:
          text: "Hello {{1}}, your order is ready for pickup at the front desk."
        """,
        "text:",
        "error",
    ),
    (
        "WA308",
        "UTILITY",
        """\
        body:
          text: "Hello {{1}}, your order is ready for pickup at the front desk."
          examples:
            - Maria
            - Lopez
        """,
        "- Lopez",
        "error",
    ),
    (
        "WA308",
        "UTILITY",
        """\
        body:
          text: "Hello {{name}}, your order {{order}} is ready for pickup at the desk."
          examples:
            name: Maria
            orders: A-1
        """,
        "orders:",
        "error",
    ),
    (
        "WA308",
        "UTILITY",
        """\
        header:
          text: "Order {{1}}"
        body: {text: "Your order is ready for pickup at the front desk."}
        """,
        'text: "Order',
        "error",
    ),
    (
        "WA308",
        "MARKETING",
        """\
        body: {text: "See this week's picks from our shop, chosen for you."}
        carousel:
          - header: {format: IMAGE, examples: ["https://example.com/a.jpg"]}
            body:
              text: "Product A, now only {{1}} this week"
            buttons: [{type: QUICK_REPLY, text: More}]
        """,
        'text: "Product',
        "error",
    ),
    (
        "WA308",
        "MARKETING",
        """\
        body: {text: "See our new arrivals in the shop today, friend."}
        buttons:
          - type: URL
            text: Shop
            url: "https://shop.example.com/new"
            examples: ["x"]
        """,
        "examples:",
        "error",
    ),
    (
        "WA309",
        "UTILITY",
        """\
        body:
          text: "Hello {{1}}, your order is ready for pickup at the front desk."
          examples: ["Maria\\nLopez"]
        """,
        "examples:",
        "error",
    ),
    (
        "WA309",
        "UTILITY",
        """\
        body:
          text: "Hello {{1}}, your order is ready for pickup at the front desk."
          examples: ["Maria     Lopez"]
        """,
        "examples:",
        "error",
    ),
    (
        "WA309",
        "UTILITY",
        """\
        body:
          text: "Hello {{name}}, your order is ready for pickup at the front desk."
          examples:
            name: "Maria\\tLopez"
        """,
        "Lopez",
        "error",
    ),
    (
        "WA310",
        "UTILITY",
        """\
        body:
          text: "Hello {{1}}, your order is ready for pickup at the front desk."
          examples: [""]
        """,
        "examples:",
        "warning",
    ),
    (
        "WA310",
        "UTILITY",
        """\
        body:
          text: "Hello {{1}}, your order is ready for pickup at the front desk."
          examples: ["{{1}}"]
        """,
        "examples:",
        "warning",
    ),
    (
        "WA310",
        "UTILITY",
        """\
        body:
          text: "Hello {{name}}, your order is ready for pickup at the front desk."
          examples: {name: name}
        """,
        "examples:",
        "warning",
    ),
    (
        "WA311",
        "UTILITY",
        """\
        header:
          text: "Order {{1}} for {{2}}"
          examples: ["A-1", "Maria"]
        body: {text: "Your order is ready for pickup at the front desk."}
        """,
        'text: "Order',
        "error",
    ),
    (
        "WA312",
        "UTILITY",
        """\
        body: {text: "Your order is ready for pickup at the front desk."}
        footer: {text: "Reference {{1}}"}
        """,
        "footer:",
        "error",
    ),
    (
        "WA313",
        "MARKETING",
        """\
        body: {text: "See our new arrivals in the shop today, friend."}
        buttons:
          - type: URL
            text: Shop
            url: "https://shop.example.com/{{1}}/new"
            examples: ["x"]
        """,
        "url:",
        "error",
    ),
    (
        "WA313",
        "MARKETING",
        """\
        body: {text: "See our new arrivals in the shop today, friend."}
        buttons:
          - type: URL
            text: Shop
            url: "https://shop.example.com/{{1}}?ref={{2}}"
            examples: ["x", "y"]
        """,
        "url:",
        "error",
    ),
    (
        "WA313",
        "MARKETING",
        """\
        body: {text: "See our new arrivals in the shop today, friend."}
        buttons:
          - type: URL
            text: Shop
            url: "https://shop.example.com/{{item}}"
            examples: ["x"]
        """,
        "url:",
        "error",
    ),
    (
        "WA314",
        "AUTHENTICATION",
        """\
        body:
          add_security_recommendation: true
          examples: ["1234567890123456"]
        buttons: [{type: OTP, otp_type: COPY_CODE}]
        """,
        "examples:",
        "error",
    ),
    (
        "WA315",
        "UTILITY",
        f"""\
        body:
          text: "Hello {{{{1}}}}, {"word " * 200}end."
          examples: ["{"n" * 30}"]
        """,
        "text:",
        "warning",
    ),
]

PASSING = [
    ("WA301", "UTILITY", GOOD_BODY),
    ("WA302", "UTILITY", GOOD_BODY),
    ("WA303", "UTILITY", GOOD_BODY),
    (
        "WA304",
        "UTILITY",
        """\
        header:
          text: "Order {{order}}"
          examples: ["A-1"]
        body:
          text: "Hello {{first_name}}, your order is ready for pickup at the desk."
          examples: {first_name: Maria}
        """,
    ),
    ("WA305", "UTILITY", GOOD_BODY),
    (
        "WA305",
        "MARKETING",
        """\
        body: {text: "See this week's picks from our shop, chosen for you."}
        carousel:
          - header: {format: IMAGE, examples: ["https://example.com/a.jpg"]}
            body:
              text: "Product A - Now {{1}}"
              examples: ["$49.99"]
            buttons: [{type: QUICK_REPLY, text: More}]
        """,
    ),
    ("WA306", "UTILITY", GOOD_BODY),
    ("WA307", "UTILITY", GOOD_BODY),
    ("WA308", "UTILITY", GOOD_BODY),
    (
        "WA308",
        "UTILITY",
        """\
        body:
          text: "Hello {{name}}, your order {{order}} is ready for pickup at the desk."
          examples: {order: A-1, name: Maria}
        """,
    ),
    (
        "WA308",
        "AUTHENTICATION",
        """\
        body:
          add_security_recommendation: true
          examples: ["123456"]
        buttons: [{type: OTP, otp_type: COPY_CODE}]
        """,
    ),
    ("WA309", "UTILITY", GOOD_BODY),
    ("WA310", "UTILITY", GOOD_BODY),
    (
        "WA311",
        "UTILITY",
        """\
        header:
          text: "Order {{1}}"
          examples: ["A-1"]
        body: {text: "Your order is ready for pickup at the front desk."}
        """,
    ),
    ("WA312", "UTILITY", GOOD_BODY + "footer: {text: 'Reply STOP to opt out {1}'}\n"),
    (
        "WA313",
        "MARKETING",
        """\
        body: {text: "See our new arrivals in the shop today, friend."}
        buttons:
          - type: URL
            text: Shop
            url: "https://shop.example.com/item/{{1}}"
            examples: ["x"]
        """,
    ),
    (
        "WA314",
        "AUTHENTICATION",
        """\
        body:
          add_security_recommendation: true
          examples: ["123456789012345"]
        buttons: [{type: OTP, otp_type: COPY_CODE}]
        """,
    ),
    ("WA315", "UTILITY", GOOD_BODY),
]


def _id(case: tuple[str, ...]) -> str:
    return case[0]


@pytest.mark.parametrize(
    ("rule", "category", "lang", "marker", "severity"), FAILING, ids=[_id(c) for c in FAILING]
)
def test_rule_fires(rule: str, category: str, lang: str, marker: str, severity: str) -> None:
    text = template(lang, category)
    found = only(text, rule)
    assert found, f"{rule} did not fire; got {[(d.rule, d.message) for d in diagnose(text)]}"
    assert [(d.line, d.severity.value) for d in found if d.severity.value == severity] == [
        (line_of(text, marker), severity)
    ], found
    assert all("\n" not in d.message for d in found)


@pytest.mark.parametrize(("rule", "category", "lang"), PASSING, ids=[_id(c) for c in PASSING])
def test_rule_passes(rule: str, category: str, lang: str) -> None:
    text = template(lang, category)
    found = diagnose(text)
    assert not [d for d in found if d.rule < "WA100"], found  # it loaded
    assert only(text, rule) == [], found


def test_unspaced_languages_count_characters_not_runs() -> None:
    lang = """\
        body:
          text: "ご注文{{1}}は本日発送されました。お届けまで少々お待ちください。{{2}}様"
          examples: ["A-1", "田中"]
        """
    assert only(template(lang, code="ja"), "WA307") == []
    assert [d.severity.value for d in only(template(lang, code="en_US"), "WA307")] == ["warning"]


def test_clean_template_has_no_variable_findings() -> None:
    text = template(
        GOOD_BODY
        + textwrap.dedent("""\
        header:
          text: "Order {{1}} update"
          examples: ["A-1"]
        footer: {text: "Reply STOP to opt out"}
        buttons:
          - type: URL
            text: Track
            url: "https://shop.example.com/track/{{1}}"
            examples: ["A-1"]
        """)
    )
    found = diagnose(text)
    assert not [d for d in found if d.rule < "WA100"], found
    assert [d for d in found if d.rule.startswith("WA3")] == []


def test_messages_name_the_value_and_the_limit() -> None:
    gap = template("""\
        body:
          text: "Hello {{1}}, your order {{3}} is ready for pickup at the desk."
          examples: ["Maria", "A-1"]
        """)
    [d] = only(gap, "WA302")
    assert "{{1}}, {{3}}" in d.message and "{{2}} is missing" in d.message
    count = template("""\
        body:
          text: "Hello {{1}}, your order {{2}} is ready for pickup at the desk."
          examples: ["Maria"]
        """)
    [d] = only(count, "WA308")
    assert "2 variables" in d.message and "1 sample" in d.message and "{{2}}" in d.message


def test_named_variables_warn_once_and_duplicates_error() -> None:
    text = template("""\
        body:
          text: "Hello {{name}}, your order is ready, {{name}}, at the front desk."
          examples: {name: Maria}
        """)
    assert [d.severity.value for d in only(text, "WA303")] == ["error"]
    assert [d.severity.value for d in only(text, "WA316")] == ["warning"]
    # Suppressing the warning leaves the error.
    ignored = text.replace("languages:", 'ignore: {WA316: "verified with 8x8"}\nlanguages:')
    assert [d.rule for d in only(ignored, "WA303")] == ["WA303"]
    assert only(ignored, "WA316") == []


def test_huge_positional_number_does_not_enumerate_every_gap() -> None:
    text = template("""\
        body:
          text: "Hello {{1}}, your order {{999999999999}} is ready for pickup at the desk."
          examples: ["Maria", "A-1"]
        """)
    [d] = only(text, "WA302")
    assert "{{2}}" in d.message and len(d.message) < 300


def test_card_body_and_header_variables_are_checked_per_card() -> None:
    text = template(
        """\
        body: {text: "See this week's picks from our shop, chosen for you."}
        carousel:
          - header: {format: IMAGE, examples: ["https://example.com/a.jpg"]}
            body:
              text: "Product A is {{1}} {{2}} today"
              examples: ["only", "$5"]
            buttons: [{type: QUICK_REPLY, text: More}]
          - header: {format: IMAGE, examples: ["https://example.com/b.jpg"]}
            body:
              text: "Product B is {{2}} today only"
              examples: ["$5"]
            buttons: [{type: QUICK_REPLY, text: More}]
        """,
        "MARKETING",
    )
    assert [d.line for d in only(text, "WA306")] == [line_of(text, "Product A")]
    [gap] = only(text, "WA302")
    assert gap.line == line_of(text, "Product B") and gap.message.startswith("card 2 body")


def test_authentication_body_without_text_is_skipped() -> None:
    text = template(
        """\
        body: {add_security_recommendation: true}
        footer: {code_expiration_minutes: 10}
        buttons: [{type: OTP, otp_type: COPY_CODE}]
        """,
        "AUTHENTICATION",
    )
    assert [d for d in diagnose(text) if d.rule.startswith("WA3")] == []


def test_code_sample_limit_applies_only_to_authentication() -> None:
    lang = """\
        body:
          text: "Your code {{1}} is valid for ten minutes from now."
          examples: ["1234567890123456"]
        """
    assert only(template(lang, "UTILITY"), "WA314") == []


def test_media_header_examples_are_not_variable_samples() -> None:
    text = template(
        GOOD_BODY
        + textwrap.dedent("""\
        header:
          format: IMAGE
          examples: ["https://example.com/a.jpg"]
        """)
    )
    assert [d for d in diagnose(text) if d.rule in ("WA308", "WA309", "WA310")] == []


def test_analysis_is_reused_for_the_same_language() -> None:
    lang = Language(body=Body(text="Hello {{1}}, welcome.", examples=["Ann"]))
    first = variable_sites.analyse(lang)
    assert variable_sites.analyse(lang) is first
    other = Language(body=Body(text="Hello {{1}}, welcome.", examples=["Ann"]))
    assert variable_sites.analyse(other) is not first


def test_misspelt_sample_key_gets_a_hint_instead_of_two_findings() -> None:
    text = template("""\
        body:
          text: "Hello {{name}}, your order {{order}} is ready for pickup at the desk."
          examples:
            name: Maria
            orders: A-1
        """)
    [d] = only(text, "WA308")
    assert "did you mean {{order}}?" in d.message


def test_missing_named_sample_points_at_the_examples() -> None:
    text = template("""\
        body:
          text: "Hello {{name}}, your order {{order}} is ready for pickup at the desk."
          examples:
            name: Maria
        """)
    [d] = only(text, "WA308")
    assert d.line == line_of(text, "examples:") and "{{order}}" in d.message


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        ("01", "without leading zeros"),
        ("Name", "lower-case (write {{name}})"),
        (" name ", "remove the spaces (write {{name}})"),
        ("order-id", "no spaces, #, $, %"),
    ],
)
def test_invalid_placeholder_messages_say_how_to_fix_it(raw: str, hint: str) -> None:
    text = template(f"""\
        body:
          text: "Hello {{{{{raw}}}}}, your order is ready for pickup at the front desk."
          examples: ["Maria"]
        """)
    [d] = only(text, "WA301")
    assert hint in d.message, d.message


def test_word_count_cuts_out_invalid_placeholders() -> None:
    # "{{order id}}" holds two word runs; they must not count as text.
    text = template("""\
        body:
          text: "Hi {{1}}, see {{order id}}."
          examples: ["a", "b"]
        """)
    [d] = only(text, "WA307")
    assert "2 words" in d.message


def test_filled_length_needs_the_real_fill_when_the_bound_is_exceeded() -> None:
    body = "Hello {{1}} and {{2}}, " + "x" * 975
    # The quick bound (text + 2 x longest sample) passes 1024; the filled text does not.
    lang = f"""\
        body:
          text: "{body}."
          examples: ["{"n" * 30}", "m"]
        """
    assert only(template(lang), "WA315") == []
    longer = lang.replace('"m"', '"' + "m" * 6 + '"')
    assert [d.severity.value for d in only(template(longer), "WA315")] == ["warning"]


def test_code_sample_in_a_mapping_is_checked_too() -> None:
    text = template(
        """\
        body:
          add_security_recommendation: true
          examples: {code: "1234567890123456"}
        buttons: [{type: OTP, otp_type: COPY_CODE}]
        """,
        "AUTHENTICATION",
    )
    [d] = only(text, "WA314")
    assert d.line == line_of(text, "examples:") and "16 characters" in d.message


def test_long_variable_lists_are_shortened_in_messages() -> None:
    numbers = " and ".join(f"{{{{{n}}}}}" for n in range(1, 8))
    text = template(f"""\
        body:
          text: "Hello, these are {numbers} in this long sentence about your order today."
        """)
    [d] = only(text, "WA308")
    assert "(2 more)" in d.message


RULES_TABLE = {
    "WA301": "error", "WA302": "error", "WA303": "error", "WA304": "error", "WA305": "error",
    "WA306": "error", "WA307": "warning", "WA308": "error", "WA309": "error", "WA310": "warning",
    "WA311": "error", "WA312": "error", "WA313": "error", "WA314": "error", "WA315": "warning",
    "WA316": "warning",
}  # fmt: skip


def test_every_variable_rule_is_registered_with_its_severity() -> None:
    registered = {r.id: r for r in all_rules() if r.id.startswith("WA3")}
    assert {k: str(r.severity) for k, r in registered.items()} == RULES_TABLE
    assert all(r.summary and r.source for r in registered.values())
    assert registered["WA314"].scope == ("AUTHENTICATION",)
