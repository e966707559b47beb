from tests.helpers import only, rules_of

BASE = """\
name: t
category: UTILITY
languages:
  en_US:
    body:
      text: {body}
"""


def test_clean_template_has_no_findings() -> None:
    assert rules_of(BASE.format(body="Your parcel is on its way.")) == []


def test_body_over_1024_is_an_error_at_the_text_key() -> None:
    [d] = only(BASE.format(body="a" * 1025), "WA202")
    assert (d.line, d.column) == (6, 7)
    assert "1025" in d.message and "1024" in d.message


def test_button_text_between_21_and_25_warns_and_over_25_errors() -> None:
    text = BASE.format(body="Hello there, friend.") + (
        "    buttons:\n"
        "      - {type: QUICK_REPLY, text: " + "b" * 22 + "}\n"
        "      - {type: QUICK_REPLY, text: " + "c" * 26 + "}\n"
    )
    found = only(text, "WA204")
    assert [(d.line, d.severity.value) for d in found] == [(8, "warning"), (9, "error")]


def test_a_block_scalar_header_is_not_a_multi_line_header() -> None:
    text = (
        "name: t\ncategory: UTILITY\nlanguages:\n  en_US:\n    header:\n      text: |\n"
        "        Order update\n    body:\n      text: Your parcel is on its way.\n"
    )
    assert only(text, "WA207") == []
    assert [
        d.line for d in only(text.replace("Order update\n", "Order\n        update\n"), "WA207")
    ] == [6]
