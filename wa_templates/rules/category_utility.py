"""WA52x: UTILITY category rules, and the wording matchers other categories share.

`promotional_words` and `otp_wording` are public: the sandbox's simulated Meta review uses them
to decide what Meta's classifier would, so validate and the sandbox agree. Both are heuristics
(Meta publishes no word list): they err towards warning, never towards an error.

Which rule reports what, so that one problem gets one finding:
- a carousel in UTILITY: WA521 (in AUTHENTICATION: WA601);
- COPY_CODE or OTP buttons outside their category, UTILITY included: WA405 / WA404 (buttons.py);
- a limited-time offer cannot be written in the file format, so no rule looks for one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from wa_templates.model import Language
from wa_templates.rules.engine import Finding, LanguageContext, TemplateContext, rule
from wa_templates.rules.media import ttl_in_category

UTILITY = ("UTILITY",)
TTL_RANGE = (30, 43_200)

TextPath = tuple[str | int, ...]

# Words and phrases Meta's guidance and providers' rejection lists name as promotional, with a
# few Spanish, Portuguese and French equivalents for translated languages. Each alternative
# carries its own boundaries because some start or end with a non-word character.
_PROMO_WORDS = (
    r"offers?",
    r"discount(?:s|ed)?",
    r"sale",
    r"deals?",
    r"promo(?:tion(?:al)?)?s?(?:\s+codes?)?",
    r"coupons?(?:\s+codes?)?",
    # "feel free", "toll-free" and "sugar-free" are not offers.
    r"(?<!feel\s)(?<![-‐])free",
    r"gifts?",
    r"cash\s?back",
    r"exclusive(?:ly)?",
    r"limited[-\s]time",
    r"hurry",
    r"(?:don[’']?t|do\s+not)\s+miss",
    r"(?:shop|buy|book)\s+now",
    r"new\s+arrivals?",
    r"contests?",
    r"giveaways?",
    r"win(?:s|ners?)?",
    r"ofertas?",
    r"descuentos?",
    r"descontos?",
    r"promoci[oó]n(?:es)?",
    r"promo[cç](?:[aã]o|[oõ]es)",
    r"cup[oó]n(?:es)?",
    r"cupo(?:m|ns)",
    r"gr[aá]tis",
    r"gratuit[es]{0,2}",
    r"r[ée]ductions?",
    r"soldes",
)
# Emoji read as a sales pitch: party, fire, explosion, bags, gift, money, tag, cart.
_PROMO_EMOJI = (
    "\U0001f389\U0001f38a\U0001f525\U0001f4a5\U0001f6cd\U0001f381\U0001f4b0\U0001f4b8"
    "\U0001f911\U0001f3f7\U0001f6d2"
)
PROMOTIONAL = re.compile(
    r"\b(?:" + "|".join(_PROMO_WORDS) + r")\b"
    r"|(?:\b\d+(?:[.,]\d+)?\s?)?%\s?off\b"
    r"|[" + _PROMO_EMOJI + r"]\ufe0f?"
    # WhatsApp catalogue links and shop or catalogue pages.
    r"|\bwa\.me/c/\d*|/(?:catalog(?:ue)?s?|cat[aá]logos?|shop)\b",
    re.IGNORECASE,
)

OTP_WORDING = re.compile(
    r"\b(?:verification\s+codes?|otps?|pass\s?codes?|one[-\s]time\s+(?:pass(?:words?|codes?)"
    r"|codes?|pins?)|c[oó]digos?\s+de\s+verifica(?:ci[oó]n|[cç][aã]o)"
    r"|codes?\s+de\s+v[ée]rification|mots?\s+de\s+passe\s+(?:à\s+usage\s+)?unique)\b",
    re.IGNORECASE,
)


def promotional_words(text: str) -> list[str]:
    """Promotional words, phrases, emoji and catalogue links in `text`, as written, once each."""
    return list(_matches(PROMOTIONAL, text))


def otp_wording(text: str) -> list[str]:
    """Words that say the message carries a one-time code (verification code, OTP, passcode)."""
    return list(_matches(OTP_WORDING, text))


@lru_cache(maxsize=4096)
def _matches(pattern: re.Pattern[str], text: str) -> tuple[str, ...]:
    # WA520 and WA524 scan the same texts; the cache makes the second scan free.
    if not text:
        return ()
    seen: dict[str, str] = {}
    for match in pattern.finditer(text):
        found = match.group(0).strip()
        seen.setdefault(found.lower(), found)
    return tuple(seen.values())


def texts(lang: Language) -> Iterator[tuple[TextPath, str]]:
    """Every piece of text a reader sees in one language (and button URLs), with its path."""
    if lang.header is not None and lang.header.text:
        yield ("header", "text"), lang.header.text
    if lang.body is not None and lang.body.text:
        yield ("body", "text"), lang.body.text
    if lang.footer is not None and lang.footer.text:
        yield ("footer", "text"), lang.footer.text
    for index, button in enumerate(lang.buttons):
        if button.text:
            yield ("buttons", index, "text"), button.text
        if button.url:
            yield ("buttons", index, "url"), button.url
    for card_index, card in enumerate(lang.carousel or []):
        if card.body is not None and card.body.text:
            yield ("carousel", card_index, "body", "text"), card.body.text
        for index, button in enumerate(card.buttons):
            if button.text:
                yield ("carousel", card_index, "buttons", index, "text"), button.text
            if button.url:
                yield ("carousel", card_index, "buttons", index, "url"), button.url


def describe(path: TextPath) -> str:
    """`("buttons", 1, "url")` -> "button 2 URL", for messages."""
    parts: list[str] = []
    rest = list(path)
    while rest:
        part = rest.pop(0)
        if part in ("buttons", "carousel") and rest and isinstance(rest[0], int):
            parts.append(f"{'button' if part == 'buttons' else 'card'} {int(rest.pop(0)) + 1}")
        elif part == "url":
            parts.append("URL")
        elif part != "text" or not parts:
            parts.append(str(part))
    return " ".join(parts)


def _quoted(words: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f"'{word}'" for word in words)


@rule(
    "WA520",
    "warning",
    "UTILITY with promotional wording (offer, discount, % off, sale, free, "
    "shop now, ...), promotional emoji or catalogue links",
    "L2, M",
    scope=UTILITY,
)
def promotional(ctx: LanguageContext) -> Iterator[Finding]:
    for path, text in texts(ctx.lang):
        found = _matches(PROMOTIONAL, text)
        if found:
            yield Finding(
                path,
                f"UTILITY {describe(path)} has promotional wording "
                f"({_quoted(found)}); Meta may reject it or move it to MARKETING",
            )


@rule(
    "WA521",
    "error",
    "UTILITY has no carousel (COPY_CODE: WA405; OTP: WA404; limited-time offers cannot be "
    "written in the file format)",
    "P",
    scope=UTILITY,
)
def carousel_in_utility(ctx: LanguageContext) -> Iterator[Finding]:
    if ctx.lang.carousel is not None:
        yield Finding(
            ("carousel",),
            "UTILITY templates have no carousel: carousels are MARKETING only; change the "
            "category or drop the cards",
        )


@rule(
    "WA522",
    "error",
    "UTILITY message_send_ttl_seconds 30-43200 or -1 (a value no category accepts is WA801)",
    "L4",
    scope=UTILITY,
    level="template",
)
def ttl(ctx: TemplateContext) -> Iterator[Finding]:
    yield from ttl_in_category(ctx.template, *TTL_RANGE, default_ok=True)


@rule(
    "WA523",
    "warning",
    "OTP wording (verification code, OTP, passcode, one-time password) "
    "outside AUTHENTICATION: Meta rejects it as INCORRECT_CATEGORY",
    "L2",
)
def otp_outside_authentication(ctx: LanguageContext) -> Iterator[Finding]:
    if ctx.category == "AUTHENTICATION":
        return
    for path, text in texts(ctx.lang):
        found = _matches(OTP_WORDING, text)
        if found:
            yield Finding(
                path,
                f"{describe(path)} mentions a one-time code ({_quoted(found)}) "
                f"in a {ctx.category} template; Meta wants OTPs in AUTHENTICATION",
            )


@rule(
    "WA524",
    "warning",
    "allow_category_change: false on a UTILITY template with promotional "
    "wording (WA520): Meta rejects it instead of moving it to MARKETING",
    "L4",
    scope=UTILITY,
    level="template",
)
def category_change_refused(ctx: TemplateContext) -> Iterator[Finding]:
    if ctx.template.allow_category_change is not False:
        return
    for code, lang in ctx.template.languages.items():
        for path, text in texts(lang):
            found = _matches(PROMOTIONAL, text)
            if found:
                yield Finding(
                    ("allow_category_change",),
                    f"allow_category_change is false but {code} {describe(path)} has "
                    f"promotional wording ('{found[0]}'): Meta will reject the template "
                    "rather than recategorise it",
                )
                return
