"""WA2xx: text lengths and content of header, body, footer and buttons."""

from __future__ import annotations

import re
from collections.abc import Iterator

from wa_templates.files.diagnostics import Severity
from wa_templates.files.model import Button
from wa_templates.rules.registry import Finding, LanguageContext, rule

HEADER_MAX = 60
BODY_MAX = 1024
FOOTER_MAX = 60
BUTTON_MAX = 25
BUTTON_WARN = 20
CARD_BODY_MAX = 160

# Pictographs, dingbats, flags and the variation selector: what renders as an emoji.
EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff\U00002b00-\U00002bff\ufe0f]"
)
MARKDOWN = re.compile(r"(^|\s)([*_~])\S.*?\S?\2(\s|$)|```")


@rule("WA201", "error", "TEXT header at most 60 characters", "L1")
def header_length(ctx: LanguageContext) -> Iterator[Finding]:
    header = ctx.lang.header
    if header is not None and header.text and len(header.text) > HEADER_MAX:
        yield Finding(
            ("header", "text"),
            f"header text is {len(header.text)} characters; the limit is {HEADER_MAX}",
        )


@rule("WA202", "error", "body at most 1024 characters, placeholders included", "L1")
def body_length(ctx: LanguageContext) -> Iterator[Finding]:
    body = ctx.lang.body
    if body is not None and body.text and len(body.text) > BODY_MAX:
        yield Finding(
            ("body", "text"), f"body is {len(body.text)} characters; the limit is {BODY_MAX}"
        )


@rule("WA203", "error", "footer at most 60 characters", "L1")
def footer_length(ctx: LanguageContext) -> Iterator[Finding]:
    footer = ctx.lang.footer
    if footer is not None and footer.text and len(footer.text) > FOOTER_MAX:
        yield Finding(
            ("footer", "text"),
            f"footer is {len(footer.text)} characters; the limit is {FOOTER_MAX}",
        )


@rule(
    "WA204",
    "error",
    "button text over 25 characters (error) or 21-25 (warning: 8x8's API says 20)",
    "L1, L4",
)
def button_length(ctx: LanguageContext) -> Iterator[Finding]:
    groups: list[tuple[tuple[str | int, ...], list[Button]]] = [
        (("buttons",), list(ctx.lang.buttons))
    ]
    for index, card in enumerate(ctx.lang.carousel or []):
        groups.append((("carousel", index, "buttons"), list(card.buttons)))
    for prefix, buttons in groups:
        for index, button in enumerate(buttons):
            size = len(button.text or "")
            path = (*prefix, index, "text")
            if size > BUTTON_MAX:
                yield Finding(
                    path,
                    f"button text '{button.text}' is {size} characters; the limit is {BUTTON_MAX}",
                )
            elif size > BUTTON_WARN:
                yield Finding(
                    path,
                    f"button text '{button.text}' is {size} characters; 8x8's API "
                    f"documents {BUTTON_WARN} (Meta allows {BUTTON_MAX})",
                    severity=Severity.WARNING,
                )


@rule("WA205", "error", "carousel card body at most 160 characters", "L1")
def card_body_length(ctx: LanguageContext) -> Iterator[Finding]:
    for index, card in enumerate(ctx.lang.carousel or []):
        if card.body is not None and card.body.text and len(card.body.text) > CARD_BODY_MAX:
            yield Finding(
                ("carousel", index, "body", "text"),
                f"card {index + 1} body is {len(card.body.text)} characters; "
                f"the limit is {CARD_BODY_MAX}",
            )


@rule("WA207", "warning", "header text with an emoji, a newline or markdown", "P")
def header_plain(ctx: LanguageContext) -> Iterator[Finding]:
    header = ctx.lang.header
    if header is None or not header.text:
        return
    text = header.text.strip()  # a block scalar's trailing newline is not content (Meta trims)
    if "\n" in text:
        yield Finding(
            ("header", "text"), "header text has a newline; Meta rejects multi-line headers"
        )
    elif EMOJI.search(text):
        yield Finding(("header", "text"), "header text has an emoji; Meta often rejects them")
    elif MARKDOWN.search(text):
        yield Finding(("header", "text"), "header text has *bold*/_italic_ markup, shown literally")


@rule(
    "WA208",
    "error",
    "empty or missing text for body (except AUTHENTICATION), TEXT header, footer",
    "L4",
)
def text_present(ctx: LanguageContext) -> Iterator[Finding]:
    lang = ctx.lang
    auth = ctx.category == "AUTHENTICATION"
    if lang.body is not None and not auth and not (lang.body.text or "").strip():
        yield Finding(("body",), "body has no text")
    header = lang.header
    if header is not None and header.format == "TEXT" and not (header.text or "").strip():
        yield Finding(("header",), "TEXT header has no text; set header.text or a media format")
    footer = lang.footer
    preset = auth and footer is not None and footer.code_expiration_minutes is not None
    if footer is not None and not (footer.text or "").strip() and not preset:
        yield Finding(("footer",), "footer has no text")
