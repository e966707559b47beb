"""WA6xx: carousel.

8x8 and Meta disagree on what a card must hold (RULES.md). Each rule is checked against both
8x8's template components reference and Meta's media card carousel templates page: a template
goes through 8x8 to Meta, so what either refuses is an error, and what only one of them asks for
a warning where the other allows it:
- cards: Meta takes 2 to 10 (it says so in its create request syntax), 8x8 1 to 10: fewer than 2
  or more than 10 is an error (WA602);
- card header: IMAGE or VIDEO in both, the same format on every card (WA604);
- card body: optional for Meta (but on every card or none), required by 8x8: missing everywhere
  is a warning (WA605), on some cards only an error (WA607);
- card buttons: Meta up to two, quick reply, URL or phone number, mixed as one likes; 8x8's
  reference at least one, URL or quick reply (its OpenAPI also lists phone number): none is a
  warning, a phone number a warning, any other type or a third button an error (WA606);
- every card with the same components and buttons, in both (WA607);
- no header, footer or buttons beside the cards, a body above them (WA603, WA106).
Card rules are
split so that one missing piece is reported once: a missing or wrong card header is WA604, a
missing card body WA605 (or WA607 when other cards have one), differing buttons WA607.
Card buttons are left here by buttons.py and variables.py, so card URL variables are WA608's,
except a URL variable without any sample (WA408, for every button); card bodies' variables are
the WA3xx rules', card media samples WA703/WA704's.
"""

from __future__ import annotations

from collections.abc import Iterator

from wa_templates.files.diagnostics import Severity
from wa_templates.files.model import Card
from wa_templates.files.placeholders import find
from wa_templates.rules.registry import Finding, LanguageContext, rule
from wa_templates.untrusted import clip

MAX_CARDS = 10
MIN_CARDS = 2
CARD_HEADER_FORMATS = ("IMAGE", "VIDEO")
MAX_CARD_BUTTONS = 2
CARD_BUTTON_TYPES = ("URL", "QUICK_REPLY")
META_ONLY_CARD_BUTTONS = ("PHONE_NUMBER",)
"""Meta's media card carousel page allows them; 8x8's components reference does not list them."""


def _cards(ctx: LanguageContext) -> list[Card]:
    return ctx.lang.carousel or []


@rule("WA601", "error", "carousel only in MARKETING (in UTILITY: WA521)", "L1")
def marketing_only(ctx: LanguageContext) -> Iterator[Finding]:
    if ctx.lang.carousel is not None and ctx.category not in ("MARKETING", "UTILITY"):
        yield Finding(("carousel",), f"carousels are MARKETING only, not {clip(ctx.category)}")


@rule("WA602", "error", "2 to 10 cards (Meta: at least 2; 8x8: at most 10)", "L1, M")
def card_count(ctx: LanguageContext) -> Iterator[Finding]:
    cards = ctx.lang.carousel
    if cards is None:
        return
    count = len(cards)
    if count > MAX_CARDS:
        yield Finding(
            ("carousel", MAX_CARDS), f"carousel has {count} cards; the limit is {MAX_CARDS}"
        )
    elif count < MIN_CARDS:
        yield Finding(
            ("carousel",),
            f"carousel has {count} card{'' if count == 1 else 's'}; Meta creates a carousel "
            f"with {MIN_CARDS} to {MAX_CARDS} (for one, use a media header instead)",
        )


@rule("WA603", "error", "no top-level header, footer or buttons beside a carousel", "M")
def nothing_beside(ctx: LanguageContext) -> Iterator[Finding]:
    lang = ctx.lang
    if lang.carousel is None:
        return
    if lang.header is not None:
        yield Finding(
            ("header",), "a carousel template has no top-level header; put media on the cards"
        )
    if lang.footer is not None:
        yield Finding(("footer",), "a carousel template has no footer")
    if lang.buttons:
        yield Finding(
            ("buttons",), "a carousel template has no top-level buttons; put them on the cards"
        )


@rule(
    "WA604", "error", "every card has an IMAGE or VIDEO header, the same format on all cards", "L1"
)
def card_headers(ctx: LanguageContext) -> Iterator[Finding]:
    first: tuple[int, str] | None = None
    for index, card in enumerate(_cards(ctx)):
        header = card.header
        if header is None:
            yield Finding(
                ("carousel", index),
                f"card {index + 1} has no header; every card needs an IMAGE or VIDEO header",
            )
            continue
        path = ("carousel", index, "header", "format")
        if header.format not in CARD_HEADER_FORMATS:
            yield Finding(
                path, f"card {index + 1} header is {clip(header.format)}; cards take IMAGE or VIDEO"
            )
        elif first is None:
            first = (index, header.format)
        elif header.format != first[1]:
            yield Finding(
                path,
                f"card {index + 1} header is {header.format} but card "
                f"{first[0] + 1} is {first[1]}; all cards use one format",
            )


@rule(
    "WA605",
    "warning",
    "card body missing or empty (when no card has one; a body on some cards only is WA607)",
    "L1",
)
def card_body(ctx: LanguageContext) -> Iterator[Finding]:
    cards = _cards(ctx)
    if any(_has_body(card) for card in cards):
        return
    for index, card in enumerate(cards):
        path = ("carousel", index, "body") if card.body is not None else ("carousel", index)
        yield Finding(path, f"card {index + 1} has no body text; 8x8 requires one on every card")


@rule(
    "WA606",
    "error",
    "at most 2 buttons per card: URL, QUICK_REPLY, or PHONE_NUMBER (a warning: Meta allows it, "
    "8x8's reference lists URL and QUICK_REPLY); none is a warning (8x8 wants one)",
    "L1, M",
)
def card_buttons(ctx: LanguageContext) -> Iterator[Finding]:
    for index, card in enumerate(_cards(ctx)):
        buttons = card.buttons
        if not buttons:
            yield Finding(
                ("carousel", index),
                f"card {index + 1} has no buttons; 8x8 requires at least one per card",
                severity=Severity.WARNING,
            )
        elif len(buttons) > MAX_CARD_BUTTONS:
            yield Finding(
                ("carousel", index, "buttons", MAX_CARD_BUTTONS),
                f"card {index + 1} has {len(buttons)} buttons; the limit is {MAX_CARD_BUTTONS}",
            )
        for button_index, button in enumerate(buttons):
            at = ("carousel", index, "buttons", button_index, "type")
            label = f"card {index + 1} button {button_index + 1}"
            if button.type in META_ONLY_CARD_BUTTONS:
                yield Finding(
                    at,
                    f"{label} is {button.type}: Meta's carousels allow it, but 8x8's reference "
                    "lists only URL and QUICK_REPLY card buttons, so 8x8 may refuse it",
                    severity=Severity.WARNING,
                )
            elif button.type not in CARD_BUTTON_TYPES:
                yield Finding(
                    at,
                    f"{label} is {clip(button.type)}; cards take URL, QUICK_REPLY and "
                    "PHONE_NUMBER buttons",
                )


@rule(
    "WA607",
    "error",
    "all cards have the same components (body) and the same button count, types and order",
    "L1",
)
def cards_alike(ctx: LanguageContext) -> Iterator[Finding]:
    cards = _cards(ctx)
    if len(cards) < 2:
        return
    # Card 1 sets the pattern: the first card is what readers of the file compare against.
    body = _has_body(cards[0])
    buttons = [button.type for button in cards[0].buttons]
    for index, card in enumerate(cards[1:], start=1):
        if _has_body(card) != body:
            has = "has" if _has_body(card) else "has no"
            at = ("carousel", index, "body") if card.body is not None else ("carousel", index)
            yield Finding(
                at,
                f"card {index + 1} {has} body text but card 1 "
                f"{'does' if body else 'does not'}; all cards have the same components",
            )
        types = [clip(button.type) for button in card.buttons]
        if types != buttons:
            path = ("carousel", index, "buttons") if card.buttons else ("carousel", index)
            yield Finding(
                path,
                f"card {index + 1} buttons are [{', '.join(types)}] but card 1 "
                f"has [{', '.join(buttons)}]; all cards need the same buttons "
                "in the same order",
            )


@rule(
    "WA608",
    "error",
    "card URL buttons: at most one variable, {{1}}, at the end of the URL, and no more samples "
    "than variables (missing samples: WA408; card bodies: WA3xx)",
    "L1",
)
def card_url_variables(ctx: LanguageContext) -> Iterator[Finding]:
    # variables.py judges card headers and bodies like top-level ones but leaves card buttons to
    # the carousel rules; only a missing URL sample is WA408's, wherever the button sits.
    for index, card in enumerate(_cards(ctx)):
        for button_index, button in enumerate(card.buttons):
            if button.type != "URL":
                continue
            at = ("carousel", index, "buttons", button_index)
            label = f"card {index + 1} button {button_index + 1} url"
            found = find(button.url)
            if len(found) > 1:
                yield Finding(
                    (*at, "url"),
                    f"{label} has {len(found)} variables; a URL allows one, {{{{1}}}}, at its end",
                )
            elif found:
                placeholder = found[0]
                if placeholder.named:
                    yield Finding(
                        (*at, "url"),
                        f"{label} uses {{{{{placeholder.raw}}}}}; a URL variable is always "
                        "{{1}}",
                    )
                if button.url and placeholder.end != len(button.url.rstrip()):
                    yield Finding(
                        (*at, "url"),
                        f"{label} has {{{{{placeholder.raw}}}}} before "
                        f"'{clip(button.url[placeholder.end :].strip())}'; the variable must be "
                        "the last thing in the URL",
                    )
            wanted = len(found)
            if wanted <= 1 and len(button.examples) > wanted:
                yield Finding(
                    (*at, "examples", wanted),
                    f"{label} has {wanted} variable{'' if wanted == 1 else 's'} but "
                    f"{len(button.examples)} sample{'' if len(button.examples) == 1 else 's'}; "
                    "remove the extra",
                )


def _has_body(card: Card) -> bool:
    return card.body is not None and bool((card.body.text or "").strip())
