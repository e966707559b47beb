"""WA50x: AUTHENTICATION category rules.

An authentication template is Meta's fixed design: the body is Meta's wording
("<code> is your verification code.", optionally followed by its security sentence), the footer
is Meta's "This code expires in N minutes.", and the only button is the OTP button. The file
says which of those presets to use, never the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wa_templates.channel.auth_presets import security_of
from wa_templates.files.model import OTP_TYPES
from wa_templates.rules.media import ttl_in_category
from wa_templates.rules.registry import Finding, LanguageContext, TemplateContext, rule
from wa_templates.rules.text import EMOJI
from wa_templates.untrusted import clip

AUTH = ("AUTHENTICATION",)
CODE_EXPIRATION = (1, 90)
AUTOFILL_MAX = 25
SIGNATURE_HASH_LENGTH = 11
TTL_RANGE = (30, 900)
# Android's rule for application ids, which Meta checks: two or more dot-separated segments, each
# starting with a letter.
PACKAGE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$")


@rule(
    "WA501",
    "error",
    "AUTHENTICATION body has no text: Meta supplies it; only "
    "add_security_recommendation (and the code sample) may be set",
    "L2, L6",
    scope=AUTH,
)
def body_preset(ctx: LanguageContext) -> Iterator[Finding]:
    body = ctx.lang.body
    if body is None or not body.text:
        return
    secure = security_of(body.text)
    if secure is not None:
        flag = "true" if secure else "false"
        message = (
            f"body text is Meta's preset wording; remove it and set "
            f"add_security_recommendation: {flag}"
        )
    else:
        message = (
            f"AUTHENTICATION body text '{clip(body.text)}' is not allowed: Meta sends "
            "'<code> is your verification code.'; remove text, keep "
            "add_security_recommendation"
        )
    yield Finding(("body", "text"), message)


@rule(
    "WA502",
    "error",
    "AUTHENTICATION has no header, URL buttons or emojis, and its footer is only "
    "code_expiration_minutes (any button beside the OTP button: WA404)",
    "L2",
    scope=AUTH,
)
def no_extras(ctx: LanguageContext) -> Iterator[Finding]:
    lang = ctx.lang
    if lang.header is not None:
        yield Finding(
            ("header",),
            f"AUTHENTICATION templates have no header (found a {clip(lang.header.format)} header); "
            "remove it",
        )
    if lang.footer is not None and lang.footer.text:
        yield Finding(
            ("footer", "text"),
            "AUTHENTICATION footer text is not allowed: use code_expiration_minutes for Meta's "
            "expiry line",
        )
    has_otp = any(button.type == "OTP" for button in lang.buttons)
    for index, button in enumerate(lang.buttons):
        if button.type == "URL" and not has_otp:
            yield Finding(
                ("buttons", index, "type"),
                "AUTHENTICATION templates have no URL buttons; use one OTP button",
            )
        if button.type != "OTP":
            continue
        for field in ("text", "autofill_text"):
            value = getattr(button, field)
            if value and EMOJI.search(value):
                yield Finding(
                    ("buttons", index, field),
                    f"OTP button {field.replace('_', ' ')} '{clip(value)}' has an emoji; "
                    "AUTHENTICATION allows none",
                )


@rule("WA503", "error", "code_expiration_minutes is 1-90", "L4, P", scope=AUTH)
def code_expiration(ctx: LanguageContext) -> Iterator[Finding]:
    footer = ctx.lang.footer
    if footer is None or footer.code_expiration_minutes is None:
        return
    minutes = footer.code_expiration_minutes
    low, high = CODE_EXPIRATION
    if not low <= minutes <= high:
        yield Finding(
            ("footer", "code_expiration_minutes"),
            f"code_expiration_minutes {minutes} is outside {low}-{high}",
        )


@rule(
    "WA504",
    "error",
    "exactly one OTP button; otp_type COPY_CODE, ONE_TAP or ZERO_TAP; "
    "autofill_text at most 25 characters",
    "P",
    scope=AUTH,
)
def otp_button(ctx: LanguageContext) -> Iterator[Finding]:
    otp = [index for index, button in enumerate(ctx.lang.buttons) if button.type == "OTP"]
    if not otp:
        path: tuple[str | int, ...] = ("buttons",) if ctx.lang.buttons else ()
        yield Finding(path, "AUTHENTICATION needs an OTP button ({type: OTP, otp_type: COPY_CODE})")
    for extra in otp[1:]:
        yield Finding(
            ("buttons", extra),
            f"OTP button {extra + 1} is one too many; AUTHENTICATION has exactly one",
        )
    for index in otp:
        button = ctx.lang.buttons[index]
        if button.otp_type is None:
            yield Finding(
                ("buttons", index), "OTP button needs otp_type: COPY_CODE, ONE_TAP or ZERO_TAP"
            )
        elif button.otp_type not in OTP_TYPES:
            yield Finding(
                ("buttons", index, "otp_type"),
                f"otp_type '{clip(button.otp_type)}' must be one of {', '.join(OTP_TYPES)}",
            )
        if button.autofill_text is not None and len(button.autofill_text) > AUTOFILL_MAX:
            yield Finding(
                ("buttons", index, "autofill_text"),
                f"autofill_text '{clip(button.autofill_text)}' is "
                f"{len(button.autofill_text)} characters; the limit is {AUTOFILL_MAX}",
            )


@rule(
    "WA505",
    "error",
    "ONE_TAP/ZERO_TAP need supported_apps [{package_name, signature_hash of "
    "11 chars}]; ZERO_TAP needs zero_tap_terms_accepted: true",
    "P",
    scope=AUTH,
)
def autofill_apps(ctx: LanguageContext) -> Iterator[Finding]:
    for index, button in enumerate(ctx.lang.buttons):
        if button.type != "OTP" or button.otp_type not in ("ONE_TAP", "ZERO_TAP"):
            continue
        if not button.supported_apps:
            path: tuple[str | int, ...] = ("buttons", index)
            if button.supported_apps is not None:
                path = (*path, "supported_apps")
            yield Finding(
                path,
                f"{button.otp_type} button needs supported_apps: "
                "[{package_name, signature_hash}] of your Android app",
            )
        for app_index, app in enumerate(button.supported_apps or []):
            at = ("buttons", index, "supported_apps", app_index)
            if not PACKAGE_NAME.match(app.package_name):
                yield Finding(
                    (*at, "package_name"),
                    f"package_name '{clip(app.package_name)}' is not an Android "
                    "application id (like com.example.app)",
                )
            if len(app.signature_hash) != SIGNATURE_HASH_LENGTH:
                yield Finding(
                    (*at, "signature_hash"),
                    f"signature_hash '{clip(app.signature_hash)}' is "
                    f"{len(app.signature_hash)} characters; it must be exactly "
                    f"{SIGNATURE_HASH_LENGTH}",
                )
        if button.otp_type == "ZERO_TAP" and button.zero_tap_terms_accepted is not True:
            path = ("buttons", index)
            if button.zero_tap_terms_accepted is not None:
                path = (*path, "zero_tap_terms_accepted")
            yield Finding(
                path, "ZERO_TAP button needs zero_tap_terms_accepted: true (Meta's zero-tap terms)"
            )


@rule(
    "WA506",
    "warning",
    "through 8x8 only COPY_CODE is documented; one-tap and zero-tap are "
    "set in WhatsApp Manager after approval",
    "L6",
    scope=AUTH,
)
def autofill_via_8x8(ctx: LanguageContext) -> Iterator[Finding]:
    for index, button in enumerate(ctx.lang.buttons):
        if button.type == "OTP" and button.otp_type in ("ONE_TAP", "ZERO_TAP"):
            yield Finding(
                ("buttons", index, "otp_type"),
                f"otp_type {button.otp_type} is not documented for 8x8's API; create "
                "with COPY_CODE and switch in WhatsApp Manager",
            )


@rule(
    "WA507",
    "error",
    "AUTHENTICATION message_send_ttl_seconds 30-900 or -1 (a value no category accepts is WA801)",
    "L4",
    scope=AUTH,
    level="template",
)
def ttl(ctx: TemplateContext) -> Iterator[Finding]:
    yield from ttl_in_category(ctx.template, *TTL_RANGE, default_ok=True)


@rule(
    "WA508",
    "error",
    "add_security_recommendation and code_expiration_minutes belong to AUTHENTICATION only",
    "L4",
)
def authentication_options_elsewhere(ctx: LanguageContext) -> Iterator[Finding]:
    if ctx.category == "AUTHENTICATION":
        return
    lang = ctx.lang
    if lang.body is not None and lang.body.add_security_recommendation is not None:
        yield Finding(
            ("body", "add_security_recommendation"),
            f"add_security_recommendation is for AUTHENTICATION templates, not {ctx.category}",
        )
    if lang.footer is not None and lang.footer.code_expiration_minutes is not None:
        yield Finding(
            ("footer", "code_expiration_minutes"),
            f"code_expiration_minutes is for AUTHENTICATION templates, not {ctx.category}",
        )
