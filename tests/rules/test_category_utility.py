"""WA520-WA524: UTILITY rules and the public wording matchers."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import diagnose, only
from wa_templates.rules.category_utility import describe, otp_wording, promotional_words

CLEAN = """\
name: order_shipped
category: UTILITY
allow_category_change: false
message_send_ttl_seconds: 3600
languages:
  en_US:
    header:
      format: TEXT
      text: "Order {{1}} shipped"
      examples: ["A-1042"]
    body:
      text: "Hi {{1}}, order {{2}} left our warehouse today. Feel free to reply with questions."
      examples: ["Sam", "A-1042"]
    footer:
      text: Sent by Example Store
    buttons:
      - type: URL
        text: Track parcel
        url: "https://example.com/track/{{1}}"
        examples: ["A-1042"]
  pt_BR:
    body:
      text: "Olá {{1}}, seu pedido {{2}} saiu do nosso armazém hoje."
      examples: ["Sam", "A-1042"]
"""

OWN = {"WA520", "WA521", "WA522", "WA523", "WA524"}


def template(lang: str, category: str = "UTILITY", top: str = "") -> str:
    head = f"name: t\ncategory: {category}\n{top}languages:\n  en_US:\n"
    return head + textwrap.indent(textwrap.dedent(lang), "    ")


def line_of(text: str, marker: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(lines) == 1, f"marker {marker!r} must be on exactly one line"
    return lines[0]


BODY = 'body: {text: "Your parcel is on its way to you."}\n'
PROMO = 'body:\n  text: "Your parcel is on its way. Get 20% off your next order!"\n'
CARDS = """\
carousel:
  - header: {format: IMAGE, examples: ["https://x.io/a.png"]}
    body: {text: "Card"}
    buttons: [{type: QUICK_REPLY, text: Sure}]
  - header: {format: IMAGE, examples: ["https://x.io/b.png"]}
    body: {text: "Card"}
    buttons: [{type: QUICK_REPLY, text: Sure}]
"""

FAILING = [
    ("WA520", template(PROMO), "20% off", "warning"),
    (
        "WA520",
        template(BODY + "footer:\n  text: Free delivery on us\n"),
        "Free delivery",
        "warning",
    ),
    (
        "WA520",
        template(BODY + "buttons:\n  - {type: QUICK_REPLY, text: Shop now}\n"),
        "Shop now",
        "warning",
    ),
    (
        "WA520",
        template(
            BODY + "buttons:\n  - type: URL\n    text: Open\n"
            '    url: "https://wa.me/c/15551234567"\n'
        ),
        "wa.me",
        "warning",
    ),
    (
        "WA520",
        template('header: {format: TEXT, text: "Big news 🎉"}\n' + BODY),
        "Big news",
        "warning",
    ),
    (
        "WA521",
        template('body: {text: "Your parcel is on its way to you."}\n' + CARDS),
        "carousel:",
        "error",
    ),
    ("WA522", template(BODY, top="message_send_ttl_seconds: 43201\n"), "ttl", "error"),
    (
        "WA523",
        template('body: {text: "Your verification code is {{1}}, thanks."}\n'),
        "verification code",
        "warning",
    ),
    (
        "WA523",
        template('body: {text: "Hello, here is your OTP: {{1}}, thanks."}\n', "MARKETING"),
        "OTP",
        "warning",
    ),
    (
        "WA524",
        template(PROMO, top="allow_category_change: false\n"),
        "allow_category_change",
        "warning",
    ),
]

PASSING = [
    ("WA520", template(BODY)),
    ("WA520", template('body: {text: "Feel free to reply. Call our toll-free line."}\n')),
    ("WA520", template('body: {text: "Your offer_code is ready"}\n', "UTILITY")),
    ("WA520", template(PROMO, "MARKETING")),
    ("WA521", template(BODY)),
    ("WA521", template(BODY + CARDS, "MARKETING")),
    ("WA522", template(BODY, top="message_send_ttl_seconds: 30\n")),
    ("WA522", template(BODY, top="message_send_ttl_seconds: 43200\n")),
    ("WA522", template(BODY, top="message_send_ttl_seconds: -1\n")),
    ("WA523", template(BODY)),
    (
        "WA523",
        template(
            "body: {add_security_recommendation: true}\nbuttons:\n"
            "  - {type: OTP, otp_type: COPY_CODE}\n",
            "AUTHENTICATION",
        ),
    ),
    ("WA524", template(PROMO, top="allow_category_change: true\n")),
    ("WA524", template(PROMO)),
    ("WA524", template(BODY, top="allow_category_change: false\n")),
]


@pytest.mark.parametrize(("rule", "text", "marker", "severity"), FAILING)
def test_rule_fires_at_the_offending_line(rule: str, text: str, marker: str, severity: str) -> None:
    found = only(text, rule)
    assert [(d.line, d.severity.value) for d in found] == [(line_of(text, marker), severity)], found


@pytest.mark.parametrize(("rule", "text"), PASSING)
def test_rule_stays_silent(rule: str, text: str) -> None:
    assert only(text, rule) == []


def test_clean_utility_template_has_no_findings_from_these_rules() -> None:
    assert [d for d in diagnose(CLEAN) if d.rule in OWN] == []


def test_promotional_message_quotes_the_words() -> None:
    [d] = only(template(PROMO), "WA520")
    assert "'20% off'" in d.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Get 20% off today", ["20% off"]),
        ("Use PROMO CODE spring", ["PROMO CODE"]),
        ("A free gift, don't miss it", ["free", "gift", "don't miss"]),
        ("Don’t miss our SALE and deals", ["Don’t miss", "SALE", "deals"]),
        ("Limited-time offer: hurry!", ["Limited-time", "offer", "hurry"]),
        ("Book now, buy now, shop now", ["Book now", "buy now", "shop now"]),
        ("New arrivals in the contest, win big", ["New arrivals", "contest", "win"]),
        ("Exclusive cashback and a coupon", ["Exclusive", "cashback", "coupon"]),
        ("Party 🎉🔥 and bags 🛍️", ["🎉", "🔥", "🛍️"]),
        ("See https://example.com/catalog/shoes", ["/catalog"]),
        ("Oferta: 30% de descuento, envío gratis", ["Oferta", "descuento", "gratis"]),
        ("Feel free to call our toll-free number, sugar-free", []),
        ("Your sales representative will call. Windows update done.", []),
        ("The window was opened as offered", []),
        ("Every winner gets one", ["winner"]),
        ("Offer, offer, OFFER", ["Offer"]),
        ("", []),
    ],
)
def test_promotional_words(text: str, expected: list[str]) -> None:
    assert promotional_words(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your verification code is 1234", ["verification code"]),
        ("Enter the OTP", ["OTP"]),
        ("Your passcode and one-time password", ["passcode", "one-time password"]),
        ("Tu código de verificación", ["código de verificación"]),
        ("Seu código de verificação", ["código de verificação"]),
        (
            "Votre code de vérification, mot de passe unique",
            ["code de vérification", "mot de passe unique"],
        ),
        ("Your one-time PIN or one time code", ["one-time PIN", "one time code"]),
        ("ENTER THE PASS CODE", ["PASS CODE"]),
        ("Your order {{otp_code}} ships", []),
        ("Bottle top, topping", []),
    ],
)
def test_otp_wording(text: str, expected: list[str]) -> None:
    assert otp_wording(text) == expected


def test_describe_names_nested_paths() -> None:
    assert describe(("buttons", 1, "url")) == "button 2 URL"
    assert describe(("carousel", 0, "buttons", 1, "text")) == "card 1 button 2"
    assert describe(("body", "text")) == "body"


def test_category_change_warning_names_language_and_word() -> None:
    text = template(BODY, top="allow_category_change: false\n") + (
        '  es:\n    body: {text: "Tu pedido va en camino, con envío gratis."}\n'
    )
    [d] = only(text, "WA524")
    assert "es body" in d.message and "'gratis'" in d.message
