"""WA4xx: buttons: counts, grouping, the fields each type needs, and category limits.

Top-level buttons get every check. Carousel card buttons are the carousel rules' business (count,
types and sameness: WA606-608), except the checks that apply to any button wherever it sits:
phone numbers (WA406), URLs (WA407), URL samples (WA408) and the text a type requires (WA402).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wa_templates.files.diagnostics import Severity
from wa_templates.files.model import BUTTON_TYPES, Button, Language
from wa_templates.files.placeholders import find
from wa_templates.rules.registry import Finding, LanguageContext, Path, rule
from wa_templates.untrusted import clip

MAX_BUTTONS = 10
PER_TYPE = {"QUICK_REPLY": 10, "URL": 2, "PHONE_NUMBER": 1, "COPY_CODE": 1, "FLOW": 1}
NEEDS_TEXT = ("QUICK_REPLY", "URL", "PHONE_NUMBER", "FLOW")
PHONE_MAX = 20
URL_MAX = 2000
OFFER_CODE_MIN, OFFER_CODE_MAX = 4, 15
FLOW_ACTIONS = ("navigate", "data_exchange")
VOICE_CATEGORIES = ("MARKETING", "UTILITY")
VOICE_TTL_MIN, VOICE_TTL_MAX = 1440, 43200
DESKTOP_MAX = 3

_SHORTENERS = "bit.ly tinyurl.com t.co goo.gl ow.ly is.gd buff.ly rebrand.ly cutt.ly shorturl.at"
SHORTENERS = frozenset(_SHORTENERS.split())
# scheme://authority, nothing else: enough to tell an absolute URL from a path or a typo.
_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#\s]+)")
_WHITESPACE = re.compile(r"\s")

# ISO 3166-1 alpha-2, plus XK (Kosovo), which phone-number libraries accept.
_COUNTRIES = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO
    DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU
    GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW
    KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU
    MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA
    ZM ZW XK"""
COUNTRIES = frozenset(_COUNTRIES.split())

_KNOWN = frozenset(BUTTON_TYPES)
_TYPE_NAMES = {
    "QUICK_REPLY": "quick reply",
    "URL": "URL",
    "PHONE_NUMBER": "phone number",
    "COPY_CODE": "copy code",
    "FLOW": "flow",
}


def _every(lang: Language, kind: str) -> Iterator[tuple[Path, str, Button]]:
    """Buttons of one type with their paths and how messages name them, top-level first."""
    for index, button in enumerate(lang.buttons):
        if button.type == kind:
            yield ("buttons", index), f"button {index + 1}", button
    for card_index, card in enumerate(lang.carousel or ()):
        for index, button in enumerate(card.buttons):
            if button.type == kind:
                yield _card_button(card_index, index), _card_label(card_index, index), button


def _card_button(card: int, index: int) -> Path:
    return ("carousel", card, "buttons", index)


def _card_label(card: int, index: int) -> str:
    return f"card {card + 1} button {index + 1}"


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


# --- counts and order --------------------------------------------------------------------------


@rule("WA401", "error", "at most 10 buttons", "L1")
def button_count(ctx: LanguageContext) -> Iterator[Finding]:
    count = len(ctx.lang.buttons)
    if count > MAX_BUTTONS:
        yield Finding(
            ("buttons", MAX_BUTTONS),
            f"template has {count} buttons; the limit is {MAX_BUTTONS} across all types",
        )


@rule(
    "WA402",
    "error",
    "per type: quick reply <= 10, URL <= 2, phone <= 1, copy code <= 1, flow <= 1; known type "
    "with the text it needs",
    "L1, P",
)
def button_types(ctx: LanguageContext) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for index, button in enumerate(ctx.lang.buttons):
        kind = button.type
        if kind not in _KNOWN:
            yield Finding(
                ("buttons", index, "type"),
                f"button {index + 1} has unknown type '{clip(kind)}'; use one of "
                f"{', '.join(BUTTON_TYPES)}",
            )
            continue
        limit = PER_TYPE.get(kind)
        seen[kind] = seen.get(kind, 0) + 1
        if limit is not None and seen[kind] == limit + 1:
            total = sum(b.type == kind for b in ctx.lang.buttons)
            yield Finding(
                ("buttons", index, "type"),
                f"template has {total} {_TYPE_NAMES[kind]} buttons; the limit is {limit}",
            )
    # Card button types are the carousel rules'; a missing label is wrong wherever it sits.
    groups: list[tuple[int | None, list[Button]]] = [(None, ctx.lang.buttons)]
    groups += [(i, card.buttons) for i, card in enumerate(ctx.lang.carousel or ())]
    for card, buttons in groups:
        for index, button in enumerate(buttons):
            if button.type in NEEDS_TEXT and _blank(button.text):
                path = ("buttons", index) if card is None else _card_button(card, index)
                label = f"button {index + 1}" if card is None else _card_label(card, index)
                yield Finding(
                    path,
                    f"{label} ({button.type}) has no text; {_TYPE_NAMES[button.type]} buttons "
                    "need a label",
                )


@rule(
    "WA403",
    "error",
    "quick replies in one block and other buttons in another (error); each type in one block "
    "(warning)",
    "L1, P",
)
def button_grouping(ctx: LanguageContext) -> Iterator[Finding]:
    kinds = [b.type for b in ctx.lang.buttons]
    if len(kinds) < 3:
        return
    # Meta: the quick-reply/other split may change only once.
    changes = 0
    for index in range(1, len(kinds)):
        if (kinds[index] == "QUICK_REPLY") != (kinds[index - 1] == "QUICK_REPLY"):
            changes += 1
            if changes == 2:
                group = "quick replies" if kinds[index] == "QUICK_REPLY" else "non-quick-reply"
                yield Finding(
                    ("buttons", index, "type"),
                    f"button {index + 1} ({kinds[index]}) is apart from the other {group} "
                    "buttons; Meta requires quick replies in one block and all other buttons "
                    "in another",
                )
                return
    # 8x8: each type in its own contiguous block.
    closed: set[str] = set()
    for index in range(1, len(kinds)):
        if kinds[index] != kinds[index - 1]:
            closed.add(kinds[index - 1])
            if kinds[index] in closed:
                yield Finding(
                    ("buttons", index, "type"),
                    f"button {index + 1} ({kinds[index]}) is apart from the other "
                    f"{kinds[index]} buttons; 8x8 asks for each type in one block",
                    severity=Severity.WARNING,
                )
                return


@rule(
    "WA411",
    "warning",
    "4+ buttons, or URL with quick reply, may not render on WhatsApp Desktop",
    "L1",
)
def desktop_rendering(ctx: LanguageContext) -> Iterator[Finding]:
    buttons = ctx.lang.buttons
    if len(buttons) > DESKTOP_MAX:
        yield Finding(
            ("buttons", DESKTOP_MAX),
            f"template has {len(buttons)} buttons; with more than {DESKTOP_MAX} WhatsApp Desktop "
            "may not render them",
        )
    kinds = {b.type for b in buttons}
    if "URL" in kinds and "QUICK_REPLY" in kinds:
        yield Finding(
            ("buttons",),
            "URL and QUICK_REPLY buttons together: WhatsApp Desktop may show 'View on phone' "
            "instead",
        )


# --- category-bound types ----------------------------------------------------------------------


@rule("WA404", "error", "OTP button only in AUTHENTICATION and alone (how many: WA504)", "L1")
def otp_placement(ctx: LanguageContext) -> Iterator[Finding]:
    buttons = ctx.lang.buttons
    otp = [i for i, b in enumerate(buttons) if b.type == "OTP"]
    if ctx.category != "AUTHENTICATION":
        for index in otp:
            yield Finding(
                ("buttons", index, "type"),
                f"button {index + 1} is an OTP button; OTP buttons are only allowed in "
                f"AUTHENTICATION templates (category is {ctx.category})",
            )
        return
    # How many OTP buttons an AUTHENTICATION template has is WA504's (with the OTP details).
    if not otp:
        return
    others = [i for i, b in enumerate(buttons) if b.type != "OTP"]
    if others:
        first = others[0]
        more = f" (and {len(others) - 1} more)" if len(others) > 1 else ""
        yield Finding(
            ("buttons", first, "type"),
            f"button {first + 1} ({clip(buttons[first].type)}){more} sits beside the OTP "
            "button; the OTP button must be the only button",
        )


@rule("WA405", "error", "COPY_CODE (offer code) only in MARKETING; sample 4-15 characters", "L1")
def offer_code(ctx: LanguageContext) -> Iterator[Finding]:
    for index, button in enumerate(ctx.lang.buttons):
        if button.type != "COPY_CODE":
            continue
        path: Path = ("buttons", index)
        if ctx.category != "MARKETING":
            yield Finding(
                (*path, "type"),
                f"button {index + 1} is a COPY_CODE (offer code) button; they are only allowed "
                f"in MARKETING templates (category is {ctx.category})",
            )
        if not button.examples:
            yield Finding(
                path,
                f"button {index + 1} (COPY_CODE) has no sample code; add examples: [<code of "
                f"{OFFER_CODE_MIN}-{OFFER_CODE_MAX} characters>]",
            )
            continue
        code = button.examples[0]
        if not OFFER_CODE_MIN <= len(code) <= OFFER_CODE_MAX:
            yield Finding(
                (*path, "examples", 0),
                f"offer code sample '{clip(code)}' is {len(code)} characters; it must be "
                f"{OFFER_CODE_MIN}-{OFFER_CODE_MAX}",
            )


@rule("WA410", "error", "VOICE_CALL only in MARKETING/UTILITY; ttl_minutes 1440-43200", "L4")
def voice_call(ctx: LanguageContext) -> Iterator[Finding]:
    for index, button in enumerate(ctx.lang.buttons):
        if button.type != "VOICE_CALL":
            continue
        if ctx.category not in VOICE_CATEGORIES:
            yield Finding(
                ("buttons", index, "type"),
                f"button {index + 1} is a VOICE_CALL button; they are only allowed in MARKETING "
                f"and UTILITY templates (category is {ctx.category})",
            )
        ttl = button.ttl_minutes
        if ttl is not None and not VOICE_TTL_MIN <= ttl <= VOICE_TTL_MAX:
            yield Finding(
                ("buttons", index, "ttl_minutes"),
                f"button {index + 1} ttl_minutes is {ttl}; it must be {VOICE_TTL_MIN}-"
                f"{VOICE_TTL_MAX} (1 to 30 days)",
            )


# --- fields of a type --------------------------------------------------------------------------


@rule(
    "WA406", "error", "phone number at most 20 characters; national format needs country", "L1, L4"
)
def phone_number(ctx: LanguageContext) -> Iterator[Finding]:
    for path, label, button in _every(ctx.lang, "PHONE_NUMBER"):
        number = (button.phone_number or "").strip()
        if not number:
            yield Finding(path, f"{label} (PHONE_NUMBER) has no phone_number")
            continue
        if not any(char.isdigit() for char in number):
            yield Finding(
                (*path, "phone_number"),
                f"{label} phone number '{clip(number)}' has no digits",
            )
            continue
        if len(number) > PHONE_MAX:
            yield Finding(
                (*path, "phone_number"),
                f"{label} phone number '{clip(number)}' is {len(number)} characters; the limit "
                f"is {PHONE_MAX}",
            )
        country = button.country
        if country is not None and country.strip().upper() not in COUNTRIES:
            yield Finding(
                (*path, "country"),
                f"{label} country '{clip(country)}' is not an ISO 3166-1 alpha-2 code "
                "(like US, GB, SG)",
            )
        elif country is None and not number.startswith("+"):
            yield Finding(
                (*path, "phone_number"),
                f"{label} phone number '{clip(number)}' is in national format (no leading +); "
                "set country to its ISO 3166-1 alpha-2 code, or write it as +<country code>...",
            )


@rule(
    "WA407",
    "error",
    "URL absolute and at most 2000 characters (error); not https or a link shortener (warning)",
    "L1, P",
)
def url_form(ctx: LanguageContext) -> Iterator[Finding]:
    for path, label, button in _every(ctx.lang, "URL"):
        url = button.url
        if _blank(url):
            yield Finding(path, f"{label} (URL) has no url")
            continue
        assert url is not None
        upath = (*path, "url")
        if len(url) > URL_MAX:
            yield Finding(upath, f"{label} url is {len(url)} characters; the limit is {URL_MAX}")
        if _WHITESPACE.search(url.strip()):
            yield Finding(
                upath,
                f"{label} url '{clip(url)}' contains whitespace; encode it (%20) or remove it",
            )
            continue
        match = _ABSOLUTE.match(url.strip())
        scheme = match.group(1).lower() if match else ""
        if scheme not in ("http", "https"):
            yield Finding(
                upath,
                f"{label} url '{clip(url)}' is not an absolute web address; "
                "write it as https://host/path",
            )
            continue
        assert match is not None
        host = match.group(2).rsplit("@", 1)[-1].split(":", 1)[0].lower().removeprefix("www.")
        if scheme == "http":
            yield Finding(
                upath,
                f"{label} url '{clip(url)}' uses http; use https (Meta's "
                "reviewers and users distrust plain http)",
                severity=Severity.WARNING,
            )
        if host in SHORTENERS:
            yield Finding(
                upath,
                f"{label} url uses the link shortener {host}; Meta often "
                "rejects shortened links: use the full address",
                severity=Severity.WARNING,
            )


@rule("WA408", "error", "a URL with a variable needs a sample", "L1")
def url_sample(ctx: LanguageContext) -> Iterator[Finding]:
    for path, label, button in _every(ctx.lang, "URL"):
        if not button.url or "{{" not in button.url:
            continue
        if not any(sample.strip() for sample in button.examples):
            placeholders = find(button.url)
            shown = f"{{{{{clip(placeholders[0].raw)}}}}}" if placeholders else "a variable"
            yield Finding(
                (*path, "examples") if button.examples else (*path, "url"),
                f"{label} url has {shown} but no sample; add examples: [<value for the end of "
                "the URL>]",
            )


@rule("WA409", "error", "FLOW needs flow_id; flow_action is navigate or data_exchange", "L4")
def flow_button(ctx: LanguageContext) -> Iterator[Finding]:
    for index, button in enumerate(ctx.lang.buttons):
        if button.type != "FLOW":
            continue
        if _blank(button.flow_id):
            yield Finding(
                ("buttons", index),
                f"button {index + 1} (FLOW) has no flow_id; give the id of a published flow",
            )
        action = button.flow_action
        if action is not None and action not in FLOW_ACTIONS:
            yield Finding(
                ("buttons", index, "flow_action"),
                f"button {index + 1} flow_action '{clip(action)}' must be navigate or "
                "data_exchange",
            )
