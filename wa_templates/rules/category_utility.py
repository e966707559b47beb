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
from dataclasses import dataclass
from functools import lru_cache

from wa_templates.files.model import Language
from wa_templates.rules.media import ttl_in_category
from wa_templates.rules.registry import Finding, LanguageContext, TemplateContext, rule
from wa_templates.untrusted import clip

UTILITY = ("UTILITY",)
TTL_RANGE = (30, 43_200)

TextPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Matcher:
    """One word list compiled for speed: every validated text runs through it.

    Python's regex engine is several times faster case-sensitively and when every alternative
    starts with a literal (it can then skip to candidate characters), so the list is matched on
    lower-cased text and word starts are checked afterwards instead of with a leading \\b.
    """

    fast: re.Pattern[str]
    """Alternatives, each ending at a word boundary, for lower-cased text."""
    slow: re.Pattern[str]
    """The same, case-insensitive, for text whose lower-casing changes its length."""
    triggers: tuple[str, ...] = ()
    """Lower-case substrings of which every match contains one: a text with none is skipped
    without running the regex (substring tests cost a fraction of a scan)."""


def matcher(
    words: tuple[str, ...], symbols: tuple[str, ...] = (), triggers: tuple[str, ...] = ()
) -> Matcher:
    """A Matcher for lower-case regex alternatives: `words` start and end at word boundaries,
    `symbols` (emoji, link fragments) match anywhere."""
    source = "|".join([*(word + r"\b" for word in words), *symbols])
    return Matcher(re.compile(source), re.compile(source, re.IGNORECASE), triggers)


def spans(words: Matcher, text: str) -> list[tuple[int, int]]:
    """Start and end of each match in `text` that begins at a word start (or a symbol)."""
    low = text.lower()
    if words.triggers:
        for trigger in words.triggers:
            if trigger in low:
                break
        else:
            return []
    if len(low) == len(text):
        subject, pattern = low, words.fast
    else:  # "İ" lower-cases to two characters: positions would drift
        subject, pattern = text, words.slow
    found: list[tuple[int, int]] = []
    for match in pattern.finditer(subject):
        start = match.start()
        if start and _is_word(subject[start]) and _is_word(subject[start - 1]):
            continue
        found.append((start, match.end()))
    return found


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


# Words and phrases Meta's guidance and providers' rejection lists name as promotional, with a
# few Spanish, Portuguese and French equivalents for translated languages.
PROMOTIONAL = matcher(
    (
        r"offers?",
        r"discount(?:s|ed)?",
        r"sale",
        r"deals?",
        r"promo(?:tion(?:al)?)?s?(?:\s+codes?)?",
        r"coupons?(?:\s+codes?)?",
        r"free",
        r"gifts?",
        r"cash\s?back",
        r"exclusive(?:ly)?",
        r"limited[-\s]time",
        r"hurry",
        r"don[’']?t\s+miss",
        r"do\s+not\s+miss",
        r"shop\s+now",
        r"buy\s+now",
        r"book\s+now",
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
        r"%\s?off",
        # Shop and catalogue pages.
        r"/(?:catalog(?:ue)?s?|cat[aá]logos?|shop)",
    ),
    (
        r"wa\.me/c/\d*",  # a WhatsApp catalogue link
        # Emoji read as a sales pitch: party, fire, explosion, bags, gift, money, tag, cart.
        *("\U0001f389", "\U0001f38a", "\U0001f525", "\U0001f4a5", "\U0001f6cd\ufe0f?"),
        *("\U0001f381", "\U0001f4b0", "\U0001f4b8", "\U0001f911", "\U0001f3f7\ufe0f?"),
        "\U0001f6d2",
    ),
)
# "feel free", "toll-free" and "sugar-free" are not offers; "20% off" is quoted whole.
_NOT_AN_OFFER = re.compile(r"(?:feel\s|[-‐])$", re.IGNORECASE)
_AMOUNT = re.compile(r"\d+(?:[.,]\d+)?\s?$")

OTP_WORDING = matcher(
    (
        r"verification\s+codes?",
        r"otps?",
        r"pass\s?codes?",
        r"one[-\s]time\s+(?:pass(?:words?|codes?)|codes?|pins?)",
        r"c[oó]digos?\s+de\s+verifica(?:ci[oó]n|[cç][aã]o)",
        r"codes?\s+de\s+v[ée]rification",
        r"mots?\s+de\s+passe\s+(?:à\s+usage\s+)?unique",
    ),
    triggers=("otp", "code", "time", "digo", "passe"),
)


def promotional_words(text: str) -> list[str]:
    """Promotional words, phrases, emoji and catalogue links in `text`, as written, once each."""
    return list(_promotional(text))


def otp_wording(text: str) -> list[str]:
    """Words that say the message carries a one-time code (verification code, OTP, passcode)."""
    return list(_otp(text))


@lru_cache(maxsize=4096)
def _promotional(text: str) -> tuple[str, ...]:
    # WA520 and WA524 scan the same texts; the cache makes the second scan free.
    found: list[str] = []
    for start, end in spans(PROMOTIONAL, text):
        before = text[max(0, start - 12) : start]
        if text[start] in "fF" and _NOT_AN_OFFER.search(before):
            continue
        if text[start] == "%":
            amount = _AMOUNT.search(before)
            start -= len(amount.group(0)) if amount else 0
        found.append(text[start:end])
    return _unique(found)


def _otp(text: str) -> tuple[str, ...]:
    return _unique([text[start:end] for start, end in spans(OTP_WORDING, text)])


def _unique(found: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in found:
        seen.setdefault(value.lower(), value)
    return tuple(seen.values())


_texts: tuple[Language, list[tuple[TextPath, str]]] | None = None


def texts(lang: Language) -> list[tuple[TextPath, str]]:
    """Every piece of text a reader sees in one language (and button URLs), with its path."""
    global _texts
    cached = _texts
    # Several rules read the same language in a row (the engine runs every rule on a language
    # before the next); the held reference keeps the identity from being reused.
    if cached is not None and cached[0] is lang:
        return cached[1]
    found = list(_walk(lang))
    _texts = (lang, found)
    return found


def _walk(lang: Language) -> Iterator[tuple[TextPath, str]]:
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
    return ", ".join(f"'{clip(word)}'" for word in words)


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
        found = _promotional(text)
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
        if path[-1] == "url":
            continue  # a link's wording is not the message's
        found = _otp(text)
        if found:
            yield Finding(
                path,
                f"{describe(path)} mentions a one-time code ({_quoted(found)}) "
                f"in a {clip(ctx.category)} template; Meta wants OTPs in AUTHENTICATION",
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
            found = _promotional(text)
            if found:
                yield Finding(
                    ("allow_category_change",),
                    f"allow_category_change is false but {clip(code)} {describe(path)} has "
                    f"promotional wording ('{clip(found[0])}'): Meta will reject the template "
                    "rather than recategorise it",
                )
                return
