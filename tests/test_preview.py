import pytest

from tests.helpers import source
from wa_templates.channel.normalise import canonical
from wa_templates.files.model import Language
from wa_templates.render.preview import PreviewError, message_text, terminal


def lang(text: str) -> tuple[Language, str]:
    template = source(text).template
    return next(iter(template.languages.values())), template.category


def test_text_header_body_footer_and_url_button_with_samples_filled() -> None:
    language, category = lang(
        """
        name: order_update
        category: UTILITY
        languages:
          en_US:
            header: {format: TEXT, text: "Order {{1}}", examples: ["A-17"]}
            body:
              text: "Hi {{1}}, your order {{2}} ships today."
              examples: [Ana, A-17]
            footer: {text: Reply STOP to opt out}
            buttons:
              - {type: URL, text: Track order, url: "https://s.example/t/{{1}}", examples: [A-17]}
        """
    )
    assert message_text(language, category) == [
        "Order A-17",
        "Hi Ana, your order A-17 ships today.",
        "Reply STOP to opt out",
        "[ Track order ↗ ]  https://s.example/t/A-17",
    ]


def test_named_samples_from_a_mapping_and_from_the_canonical_flat_list_agree() -> None:
    language, category = lang(
        """
        name: t
        category: UTILITY
        languages:
          en_US:
            body:
              text: "Hi {{first_name}}, {{order_id}} is ready, {{first_name}}."
              examples: {order_id: B-2, first_name: Ana}
        """
    )
    expected = ["Hi Ana, B-2 is ready, Ana."]
    assert message_text(language, category) == expected
    flat = canonical(language, category)
    assert flat["body"]["examples"] == ["Ana", "B-2"]
    assert message_text(flat) == expected


def test_a_placeholder_without_a_sample_stays_as_written_and_multiline_bodies_split() -> None:
    language, _ = lang(
        """
        name: t
        category: UTILITY
        languages:
          en_US:
            body:
              text: "Line {{1}}\\n\\nthen {{2}}"
              examples: [one]
        """
    )
    assert message_text(language) == ["Line one", "", "then {{2}}"]


@pytest.mark.parametrize(
    ("header", "line"),
    [
        (
            {"format": "IMAGE", "examples": ["https://cdn.example/a.png"]},
            "[IMAGE] https://cdn.example/a.png",
        ),
        ({"format": "VIDEO"}, "[VIDEO]"),
        ({"format": "DOCUMENT", "examples": ["docs/invoice.pdf"]}, "[DOCUMENT] docs/invoice.pdf"),
        ({"format": "GIF"}, "[GIF]"),
        ({"format": "LOCATION"}, "[LOCATION]"),
        ({"format": "TEXT", "text": "Hello {{1}}", "examples": ["Ana"]}, "Hello Ana"),
        ({"format": "TEXT", "text": "Hello {{1}}"}, "Hello {{1}}"),
    ],
)
def test_each_header_kind(header: dict[str, object], line: str) -> None:
    content = {"header": header, "body": {"text": "Body"}}
    assert message_text(content, "MARKETING") == [line, "Body"]


def test_canonical_media_header_has_no_sample_because_meta_rehosts_it() -> None:
    language, category = lang(
        """
        name: t
        category: MARKETING
        languages:
          en_US:
            header: {format: image, examples: ["https://cdn.example/a.png"]}
            body: {text: Sale}
        """
    )
    assert message_text(language, category)[0] == "[IMAGE] https://cdn.example/a.png"
    assert message_text(canonical(language, category))[0] == "[IMAGE]"


def test_every_button_type_has_its_own_line() -> None:
    content = {
        "body": {"text": "Body"},
        "buttons": [
            {"type": "QUICK_REPLY", "text": "Yes please"},
            {"type": "PHONE_NUMBER", "text": "Call us", "phone_number": "+15550100"},
            {"type": "COPY_CODE", "examples": ["SAVE20"]},
            {"type": "FLOW", "text": "Book", "flow_id": "8812"},
            {"type": "VOICE_CALL", "text": "Call now", "ttl_minutes": 1440},
            {"type": "REQUEST_CONTACT_INFO"},
            {"type": "URL", "text": "Site", "url": "https://example.com/static"},
        ],
    }
    assert message_text(content, "MARKETING")[1:] == [
        "[ Yes please ↩ ]",
        "[ Call us ✆ ]  +15550100",
        "[ Copy offer code ⧉ ]  SAVE20",
        "[ Book ☰ ]  flow 8812",
        "[ Call now ✆ ]  valid 1440 min",
        "[ Share contact info ☺ ]",
        "[ Site ↗ ]  https://example.com/static",
    ]


def test_carousel_cards_follow_the_body_one_after_another() -> None:
    language, category = lang(
        """
        name: t
        category: MARKETING
        languages:
          en_US:
            body: {text: "Picks for {{1}}", examples: [Ana]}
            carousel:
              - header: {format: IMAGE}
                body: {text: "Shoes {{1}}", examples: ["-20%"]}
                buttons: [{type: QUICK_REPLY, text: More}]
              - header: {format: VIDEO}
                body: {text: Bags}
                buttons: [{type: URL, text: Shop, url: "https://s.example/{{1}}", examples: [bags]}]
        """
    )
    assert message_text(language, category) == [
        "Picks for Ana",
        "── card 1 of 2 ──",
        "[IMAGE]",
        "Shoes -20%",
        "[ More ↩ ]",
        "── card 2 of 2 ──",
        "[VIDEO]",
        "Bags",
        "[ Shop ↗ ]  https://s.example/bags",
    ]


def test_authentication_renders_metas_preset_wording_with_a_sample_code() -> None:
    language, category = lang(
        """
        name: login
        category: AUTHENTICATION
        languages:
          en_US:
            body: {add_security_recommendation: true}
            footer: {code_expiration_minutes: 5}
            buttons: [{type: OTP, otp_type: COPY_CODE, text: Copy code}]
        """
    )
    expected = [
        "*123456* is your verification code. For your security, do not share this code.",
        "This code expires in 5 minutes.",
        "[ Copy code ⧉ ]",
    ]
    assert message_text(language, category) == expected
    # The canonical form carries enough to tell it is AUTHENTICATION without the category.
    assert message_text(canonical(language, category)) == expected


def test_authentication_uses_the_files_code_sample_and_one_tap_label() -> None:
    content = {
        "body": {"examples": ["987654"], "add_security_recommendation": False},
        "buttons": [{"type": "OTP", "otp_type": "ONE_TAP", "autofill_text": "Autofill now"}],
    }
    assert message_text(content, "AUTHENTICATION") == [
        "*987654* is your verification code.",
        "[ Autofill now ⧉ ]",
    ]


def test_a_body_without_text_outside_authentication_shows_nothing() -> None:
    assert message_text({"body": {}}, "UTILITY") == []


def test_call_permission_request_is_shown() -> None:
    lines = message_text({"body": {"text": "Hi"}, "call_permission_request": True}, "UTILITY")
    assert lines[-1].startswith("[ Allow calls")


@pytest.mark.parametrize("bad", [{"body": {"text": 3.5j}}, {"bogus": 1}, ["body"], None])
def test_bad_content_is_a_preview_error_not_a_traceback(bad: object) -> None:
    with pytest.raises(PreviewError, match="not a template language"):
        message_text(bad)  # type: ignore[arg-type]


def test_terminal_turns_whatsapp_formatting_into_ansi() -> None:
    out = terminal("*bold* _it_ ~gone~ ```a *b*```", color=True)
    assert out == ("\x1b[1mbold\x1b[22m \x1b[3mit\x1b[23m \x1b[9mgone\x1b[29m \x1b[7ma *b*\x1b[27m")


def test_terminal_nests_and_leaves_intraword_and_spaced_markers_alone() -> None:
    assert terminal("*_both_*", color=True) == "\x1b[1m\x1b[3mboth\x1b[23m\x1b[22m"
    for plain in ("snake_case_name", "2*3*4", "* not bold *", "a*b"):
        assert terminal(plain, color=True) == plain


def test_terminal_without_colour_keeps_the_markers() -> None:
    text = "*bold* _it_ ~gone~ ```mono```"
    assert terminal(text, color=False) == text


def test_terminal_spells_out_control_characters_either_way() -> None:
    for color in (True, False):
        out = terminal("a\x1b[31mred\x07\nnext", color=color)
        assert "\x1b[31m" not in out and "\x07" not in out
        assert "\\x1b[31mred\\x07\nnext" in out


def test_mono_spans_lines() -> None:
    assert terminal("```a\nb```", color=True) == "\x1b[7ma\nb\x1b[27m"


def test_a_raw_language_is_previewed_as_far_as_its_parts_fit() -> None:
    language, category = lang(
        """
        name: picks
        category: MARKETING
        languages:
          en_US:
            components:
              - {type: HEADER, format: TEXT, text: "Picks for {{1}}", examples: [Ana]}
              - type: LIMITED_TIME_OFFER
                limited_time_offer: {text: Ends soon!, has_expiration: true}
              - {type: BODY, text: "Browse what is new. Reply STOP to opt out."}
              - {type: HOLOGRAM}
              - type: BUTTONS
                buttons:
                  - {type: MPM, text: View items}
                  - {type: URL, text: Go, url: "https://x.example"}
              - type: CAROUSEL
                cards:
                  - components:
                      - {type: HEADER, format: PRODUCT}
                      - {type: BUTTONS, buttons: [{type: SPM, text: View}]}
              - {type: CALL_PERMISSION_REQUEST}
        """
    )
    assert message_text(language, category) == [
        "Picks for Ana",
        "⏱ Ends soon! · offer expires",
        "[HOLOGRAM]",
        "Browse what is new. Reply STOP to opt out.",
        "[ View items ]",
        "[ Go ↗ ]  https://x.example",
        "[ Allow calls ✆ ]  (call permission request)",
        "── card 1 of 1 ──",
        "[PRODUCT]",
        "[ View ]",
    ]
    # A plan holds the raw canonical form: it previews the same.
    assert message_text(canonical(language, category), category) == message_text(language, category)


def test_authentication_wording_in_the_language_meta_documents_else_english() -> None:
    language, category = lang(
        """
        name: login
        category: AUTHENTICATION
        languages:
          es_MX:
            body: {add_security_recommendation: false, examples: ["123456"]}
            footer: {code_expiration_minutes: 7}
            buttons: [{type: OTP, otp_type: ONE_TAP}]
        """
    )
    assert message_text(language, category, "es_AR") == [
        "Tu código de verificación es *123456*.",
        "Este código caduca en 7 minutos.",
        "[ Autocompletar ⧉ ]",
    ]
    assert message_text(language, category, "pt_BR")[:2] == [
        "*123456* is your verification code.",
        "This code expires in 7 minutes.",
    ]
