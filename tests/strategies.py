"""Hypothesis strategies for 8x8 create payloads: every shape the create API accepts.

Payloads come out the way a client might write them, not the way `to_payload` does: types in any
letter case (`quick_reply`, `Image`), components and keys in any order, button samples under
`example` or `examples`, and nulls for optional fields. The categories stay coherent (an OTP
button only in AUTHENTICATION, whose body is Meta's preset) so that a payload can also be turned
into the list item Meta would report for it.
"""

from __future__ import annotations

import string
from typing import Any

from hypothesis import strategies as st

Payload = dict[str, Any]

LANGUAGES = ("en_US", "es_MX", "pt_BR", "de", "id", "prs_AF")
HEADER_FORMATS = ("TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION", "GIF")
MEDIA_URLS = (
    "https://chatapps.8x8.com/files/banner.png",
    "https://example.com/video/intro.mp4",
    "https://example.com/docs/invoice-0042.pdf",
)

# Plain words keep examples readable; `odd_text` adds what real text holds (accents, emoji,
# braces, newlines) so that nothing in the conversion depends on tidy input.
words = st.lists(
    st.text(string.ascii_letters + "áéñü", min_size=1, max_size=8), min_size=1, max_size=4
).map(" ".join)
odd_text = st.text(st.characters(codec="utf-8"), max_size=30)
texts = st.one_of(words, words, odd_text)
samples = st.one_of(words, odd_text)
names = st.builds(
    str.__add__,
    st.sampled_from(string.ascii_lowercase + "_"),
    st.text(string.ascii_lowercase + string.digits + "_", max_size=11),
)


@st.composite
def cased(draw: st.DrawFn, value: str) -> str:
    """`value` in upper, lower, capitalised or random case: 8x8 compares these alike."""
    style = draw(_STYLES)
    if style == "upper":
        return value.upper()
    if style == "lower":
        return value.lower()
    if style == "title":
        return value.capitalize()
    flips = draw(st.integers(0, 2 ** len(value) - 1))
    return "".join(c.upper() if flips >> i & 1 else c.lower() for i, c in enumerate(value))


_STYLES = st.sampled_from(("upper", "lower", "title", "random"))


@st.composite
def shuffled_keys(draw: st.DrawFn, mapping: Payload) -> Payload:
    keys = draw(st.permutations(list(mapping)))
    return {key: mapping[key] for key in keys}


@st.composite
def maybe(draw: st.DrawFn, mapping: Payload, key: str, value: st.SearchStrategy[Any]) -> None:
    """Set an optional key: absent, present, or (sometimes) an explicit null."""
    choice = draw(_PRESENCE)
    if choice == "present":
        mapping[key] = draw(value)
    elif choice == "null":
        mapping[key] = None


_PRESENCE = st.sampled_from(("absent", "present", "present", "null"))


def _join(parts: list[str], gaps: list[str]) -> str:
    out = gaps[0]
    for part, gap in zip(parts, gaps[1:], strict=True):
        out += part + gap
    return out


@st.composite
def positional_text(draw: st.DrawFn, max_vars: int = 4) -> tuple[str, int]:
    count = draw(st.integers(0, max_vars))
    gaps = draw(st.lists(words, min_size=count + 1, max_size=count + 1))
    return _join([f"{{{{{i}}}}}" for i in range(1, count + 1)], gaps), count


@st.composite
def named_text(draw: st.DrawFn) -> tuple[str, int]:
    unique = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    # A name may recur in the text; it still takes one sample.
    order = unique + draw(st.lists(st.sampled_from(unique), max_size=2))
    order = draw(st.permutations(order))
    gaps = draw(st.lists(words, min_size=len(order) + 1, max_size=len(order) + 1))
    return _join([f"{{{{{name}}}}}" for name in order], gaps), len(unique)


@st.composite
def sample_list(draw: st.DrawFn, count: int) -> list[str]:
    """Usually one sample per variable; sometimes a count that does not match (rules judge)."""
    if draw(st.integers(0, 9)) == 0:
        count = draw(st.integers(0, 5))
    return draw(st.lists(samples, min_size=count, max_size=count))


@st.composite
def body_component(draw: st.DrawFn, max_vars: int = 6) -> Payload:
    kind = draw(st.sampled_from(("positional", "named", "plain", "odd")))
    if kind == "positional":
        text, count = draw(positional_text(max_vars))
    elif kind == "named":
        text, count = draw(named_text())
    elif kind == "plain":
        text, count = draw(words), 0
    else:
        text, count = draw(odd_text), draw(st.integers(0, 2))
    component: Payload = {"text": text}
    examples = draw(sample_list(count))
    keep_empty = draw(st.booleans())
    if examples or keep_empty:
        component["examples"] = examples
    # The API's default component type is BODY, so it may be left out.
    if draw(st.integers(0, 5)):
        component["type"] = draw(cased("BODY"))
    return draw(shuffled_keys(component))


@st.composite
def header_component(draw: st.DrawFn, formats: tuple[str, ...] = HEADER_FORMATS) -> Payload:
    fmt = draw(st.sampled_from(formats))
    component: Payload = {"type": draw(cased("HEADER")), "format": draw(cased(fmt))}
    if fmt == "TEXT":
        text, count = draw(positional_text(max_vars=1))
        component["text"] = text
        if count or draw(st.booleans()):
            component["examples"] = draw(sample_list(count))
    elif fmt != "LOCATION":
        draw(maybe(component, "examples", st.lists(st.sampled_from(MEDIA_URLS), max_size=1)))
    return draw(shuffled_keys(component))


@st.composite
def footer_component(draw: st.DrawFn) -> Payload:
    component = {"type": draw(cased("FOOTER")), "text": draw(texts)}
    return draw(shuffled_keys(component))


def _button_samples(draw: st.DrawFn, button: Payload, values: st.SearchStrategy[list[str]]) -> None:
    # The OpenAPI names the key `example`, the docs and real payloads `examples`.
    key = draw(st.sampled_from(("examples", "example")))
    draw(maybe(button, key, values))


@st.composite
def quick_reply(draw: st.DrawFn) -> Payload:
    return {"type": draw(cased("QUICK_REPLY")), "text": draw(words)}


@st.composite
def url_button(draw: st.DrawFn) -> Payload:
    dynamic = draw(st.booleans())
    url = "https://shop.example.com/track/" + ("{{1}}" if dynamic else "latest")
    button = {"type": draw(cased("URL")), "text": draw(words), "url": url}
    _button_samples(draw, button, st.lists(samples, min_size=int(dynamic), max_size=1))
    return button


@st.composite
def phone_button(draw: st.DrawFn) -> Payload:
    button = {
        "type": draw(cased("PHONE_NUMBER")),
        "text": draw(words),
        "phoneNumber": draw(st.sampled_from(("+", ""))) + str(draw(st.integers(10**5, 10**15))),
    }
    draw(maybe(button, "country", st.sampled_from(("US", "MX", "SG", "GB"))))
    return button


@st.composite
def supported_app(draw: st.DrawFn) -> Payload:
    return {
        "package_name": "com.example."
        + draw(st.text(string.ascii_lowercase, min_size=2, max_size=8)),
        "signature_hash": draw(
            st.text(string.ascii_letters + string.digits, min_size=11, max_size=11)
        ),
    }


@st.composite
def otp_button(draw: st.DrawFn) -> Payload:
    otp_type = draw(st.sampled_from(("COPY_CODE", "ONE_TAP", "ZERO_TAP")))
    button: Payload = {"type": draw(cased("OTP")), "otp_type": draw(cased(otp_type))}
    draw(maybe(button, "text", words))
    if otp_type != "COPY_CODE":
        draw(maybe(button, "autofill_text", words))
        draw(maybe(button, "supported_apps", st.lists(supported_app(), min_size=1, max_size=2)))
    if otp_type == "ZERO_TAP":
        draw(maybe(button, "zero_tap_terms_accepted", st.booleans()))
    return button


@st.composite
def copy_code_button(draw: st.DrawFn) -> Payload:
    button: Payload = {"type": draw(cased("COPY_CODE"))}
    draw(maybe(button, "text", words))
    code = st.text(string.ascii_uppercase + string.digits, min_size=4, max_size=15)
    _button_samples(draw, button, st.lists(code, min_size=1, max_size=1))
    return button


@st.composite
def flow_button(draw: st.DrawFn) -> Payload:
    button: Payload = {
        "type": draw(cased("FLOW")),
        "text": draw(words),
        "flowId": str(draw(st.integers(10**14, 10**16 - 1))),
    }
    draw(maybe(button, "flowAction", st.sampled_from(("navigate", "data_exchange"))))
    draw(maybe(button, "navigateScreen", st.sampled_from(("FIRST_ENTRY_SCREEN", "RECOMMEND"))))
    return button


@st.composite
def voice_call_button(draw: st.DrawFn) -> Payload:
    button: Payload = {"type": draw(cased("VOICE_CALL"))}
    draw(maybe(button, "text", words))
    draw(maybe(button, "ttlMinutes", st.integers(1440, 43200)))
    return button


@st.composite
def contact_info_button(draw: st.DrawFn) -> Payload:
    return {"type": draw(cased("REQUEST_CONTACT_INFO")), "text": draw(words)}


non_otp_button = st.one_of(
    quick_reply(),
    url_button(),
    phone_button(),
    copy_code_button(),
    flow_button(),
    voice_call_button(),
    contact_info_button(),
)


@st.composite
def buttons_component(
    draw: st.DrawFn, button: st.SearchStrategy[Payload], max_size: int = 5
) -> Payload:
    raw = draw(st.lists(button, min_size=0, max_size=max_size))
    items = [draw(shuffled_keys(b)) for b in raw]
    return draw(shuffled_keys({"type": draw(cased("BUTTONS")), "buttons": items}))


@st.composite
def card(draw: st.DrawFn) -> Payload:
    components = [
        draw(header_component(("IMAGE", "VIDEO"))),
        draw(body_component(max_vars=2)),
        draw(buttons_component(st.one_of(quick_reply(), url_button()), max_size=2)),
    ]
    keep = draw(st.lists(st.booleans(), min_size=3, max_size=3))
    chosen = [c for c, k in zip(components, keep, strict=True) if k] or components[1:2]
    return {"components": draw(st.permutations(chosen))}


@st.composite
def carousel_component(draw: st.DrawFn) -> Payload:
    cards = draw(st.lists(card(), min_size=1, max_size=3))
    return draw(shuffled_keys({"type": draw(cased("CAROUSEL")), "cards": cards}))


@st.composite
def auth_components(draw: st.DrawFn) -> list[Payload]:
    """AUTHENTICATION: Meta writes the body and footer; the payload only sets their options."""
    body: Payload = {"type": draw(cased("BODY"))}
    draw(maybe(body, "add_security_recommendation", st.booleans()))
    if draw(st.booleans()):
        body["examples"] = [str(draw(st.integers(1000, 99_999_999)))]
    components = [draw(shuffled_keys(body))]
    if draw(st.booleans()):
        components.append(
            {"type": draw(cased("FOOTER")), "code_expiration_minutes": draw(st.integers(1, 90))}
        )
    components.append({"type": draw(cased("BUTTONS")), "buttons": [draw(otp_button())]})
    return components


@st.composite
def other_components(draw: st.DrawFn, category: str) -> list[Payload]:
    if category == "MARKETING" and draw(st.integers(0, 3)) == 0:
        return [draw(body_component()), draw(carousel_component())]
    components = [draw(body_component())]
    if draw(st.booleans()):
        components.append(draw(header_component()))
    if draw(st.booleans()):
        components.append(draw(footer_component()))
    if draw(st.booleans()):
        components.append(draw(buttons_component(non_otp_button)))
    if draw(st.integers(0, 3)) == 0:
        components.append({"type": draw(cased("CALL_PERMISSION_REQUEST"))})
    return components


@st.composite
def create_payloads(draw: st.DrawFn) -> Payload:
    category = draw(st.sampled_from(("AUTHENTICATION", "MARKETING", "UTILITY")))
    if category == "AUTHENTICATION":
        components = draw(auth_components())
    else:
        components = draw(other_components(category))
    payload: Payload = {
        "name": draw(names),
        "language": draw(st.sampled_from(LANGUAGES)),
        "category": draw(cased(category)),
        "components": draw(st.permutations(components)),
    }
    draw(maybe(payload, "allow_category_change", st.booleans()))
    draw(maybe(payload, "message_send_ttl_seconds", st.integers(-1, 2_592_000)))
    return draw(shuffled_keys(payload))
