"""normalise: one canonical form per language, whatever shape it came in."""

from __future__ import annotations

import textwrap

import pytest

from tests.plan.catalogue import CATALOGUE
from tests.plan.channel import listed, source
from wa_templates.channel.normalise import UNCONFIRMABLE, align_samples, canonical, text
from wa_templates.channel.remote import parse
from wa_templates.files.model import Body, Button, Footer, Header, Language


def remote_canonical(item: dict[str, object]) -> dict[str, object]:
    parsed = parse(item)
    assert parsed.content is not None, parsed.unreadable
    return parsed.content


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_file_and_list_response_have_one_canonical_form(name: str) -> None:
    src = source(CATALOGUE[name])
    template = src.template
    for item in listed(src):
        lang = template.languages[str(item["language"])]
        local, remote = align_samples(canonical(lang, template.category), remote_canonical(item))
        assert local == remote, item["language"]


def test_text_folds_line_endings_and_strips() -> None:
    assert text("  a\r\nb\rc\n\n") == "a\nb\nc"
    assert text(None) is None


def test_block_scalar_trailing_newline_is_not_content() -> None:
    folded = Language(body=Body(text="Hello {{1}}\n", examples=["Ana"]))
    plain = Language(body=Body(text="Hello {{1}}", examples=["Ana"]))
    assert canonical(folded, "UTILITY") == canonical(plain, "UTILITY")


def test_authentication_preset_wording_collapses_to_the_options() -> None:
    listed_form = Language(
        body=Body(
            text="*{{1}}* is your verification code. For your security, do not share this code.",
            examples=["123456"],
        ),
        footer=Footer(text="This code expires in 10 minutes."),
    )
    as_written = Language(
        body=Body(add_security_recommendation=True, examples=["123456"]),
        footer=Footer(code_expiration_minutes=10),
    )
    assert canonical(listed_form, "AUTHENTICATION") == canonical(as_written, "AUTHENTICATION")
    assert canonical(as_written, "AUTHENTICATION")["footer"] == {"code_expiration_minutes": 10}


def test_absent_security_recommendation_is_false_for_authentication_only() -> None:
    lang = Language(body=Body())
    assert canonical(lang, "AUTHENTICATION")["body"] == {"add_security_recommendation": False}
    assert (
        "add_security_recommendation"
        not in canonical(Language(body=Body(text="Hi there")), "UTILITY")["body"]
    )


def test_named_samples_flatten_in_placeholder_order() -> None:
    lang = Language(body=Body(text="{{b}} then {{a}}", examples={"a": "1", "b": "2"}))
    assert canonical(lang, "UTILITY")["body"]["examples"] == ["2", "1"]


def test_media_header_samples_are_dropped_text_samples_kept() -> None:
    media = Language(header=Header(format="IMAGE", examples=["https://x.io/a.png"]))
    assert canonical(media, "MARKETING")["header"] == {"format": "IMAGE"}
    texty = Language(header=Header(format="TEXT", text="Order {{1}}", examples=["A-1"]))
    assert canonical(texty, "UTILITY")["header"]["examples"] == ["A-1"]


def test_flow_button_defaults_equal_their_explicit_values() -> None:
    implicit = Button(type="FLOW", text="Book", flow_id="1")
    explicit = Button(
        type="FLOW",
        text="Book",
        flow_id="1",
        flow_action="navigate",
        navigate_screen="FIRST_ENTRY_SCREEN",
    )
    assert canonical(Language(buttons=[implicit]), "UTILITY") == canonical(
        Language(buttons=[explicit]), "UTILITY"
    )
    other = Button(type="FLOW", text="Book", flow_id="1", navigate_screen="WELCOME")
    assert canonical(Language(buttons=[other]), "UTILITY") != canonical(
        Language(buttons=[explicit]), "UTILITY"
    )
    exchange = Button(type="FLOW", text="Book", flow_id="1", flow_action="data_exchange")
    assert "navigate_screen" not in canonical(Language(buttons=[exchange]), "UTILITY")["buttons"][0]


def test_button_text_is_stripped_but_urls_are_not_touched() -> None:
    button = Button(type="URL", text=" View ", url="https://x.io/{{1}}", examples=["a"])
    [out] = canonical(Language(buttons=[button]), "UTILITY")["buttons"]
    assert out == {"type": "URL", "text": "View", "url": "https://x.io/{{1}}", "examples": ["a"]}


def test_a_real_difference_survives() -> None:
    one = canonical(Language(body=Body(text="Hello {{1}}", examples=["Ana"])), "UTILITY")
    two = canonical(Language(body=Body(text="Hello, {{1}}", examples=["Ana"])), "UTILITY")
    assert one != two


def test_samples_the_channel_does_not_report_are_not_compared() -> None:
    local = {"body": {"text": "Hi {{1}}", "examples": ["Ana"]}, "header": {"format": "TEXT"}}
    remote = {"body": {"text": "Hi {{1}}"}, "header": {"format": "TEXT"}}
    aligned, same_remote = align_samples(local, remote)
    assert aligned == remote and same_remote is remote
    # Where the channel does report samples, a different sample is a difference.
    reported = {"body": {"text": "Hi {{1}}", "examples": ["Bob"]}}
    assert align_samples(local, reported)[0]["body"]["examples"] == ["Ana"]


def test_samples_inside_lists_are_aligned_position_by_position() -> None:
    local = {"buttons": [{"type": "URL", "examples": ["a"]}, {"type": "URL", "examples": ["b"]}]}
    remote = {"buttons": [{"type": "URL", "examples": ["a"]}, {"type": "URL"}]}
    assert align_samples(local, remote)[0] == {
        "buttons": [{"type": "URL", "examples": ["a"]}, {"type": "URL"}]
    }


def test_create_only_options_are_named_as_unconfirmable() -> None:
    assert "allow_category_change" in UNCONFIRMABLE
    assert "message_send_ttl_seconds" in UNCONFIRMABLE
    src = source(
        textwrap.dedent(
            """\
            name: t
            category: UTILITY
            allow_category_change: false
            message_send_ttl_seconds: 3600
            languages:
              en_US:
                body: {text: "Hello there, your parcel is on its way."}
            """
        )
    )
    form = canonical(src.template.languages["en_US"], "UTILITY")
    assert "allow_category_change" not in str(form) and "message_send_ttl" not in str(form)
