"""WA51x: MARKETING category rules, and MARKETING-only features used elsewhere.

Of the MARKETING-only features (RULES.md WA510) narrower rules own most: a COPY_CODE button
elsewhere is WA405's, a carousel WA601's (WA521's in UTILITY), any header in AUTHENTICATION
WA502's. WA510 reports what is left, a GIF header in UTILITY. Limited-time offers can only be
written in the raw form (WA110). WA514 checks every call permission request, in the raw form too,
against the categories Meta allows it in.
"""

from __future__ import annotations

from collections.abc import Iterator

from wa_templates.files.components import component_type
from wa_templates.rules.category_utility import describe, matcher, spans, texts
from wa_templates.rules.media import ttl_in_category
from wa_templates.rules.registry import Finding, LanguageContext, TemplateContext, rule
from wa_templates.untrusted import clip

MARKETING = ("MARKETING",)
TTL_RANGE = (43_200, 2_592_000)
CALL_PERMISSION_CATEGORIES = ("MARKETING", "UTILITY")

# An opt-out instruction in English, Spanish, Portuguese, French or German ("Reply STOP",
# "unsubscribe", "darse de baja", "parar", "se désabonner", "abmelden").
OPT_OUT = matcher(
    (
        r"stop",
        r"unsubscrib\w*",
        r"opt[-\s]?out",
        r"baja",
        r"parar",
        r"pare",
        r"cancelar\s+(?:la\s+)?suscripci[oó]n",
        r"descadastr\w*",
        r"d[ée]sabonn\w*",
        r"d[ée]sinscri\w*",
        r"abmelden",
        r"abbestellen",
    )
)


@rule(
    "WA510",
    "error",
    "GIF header only in MARKETING, via Meta's Marketing Messages API (COPY_CODE: WA405; "
    "carousel: WA601/WA521; AUTHENTICATION headers: WA502)",
    "L4, M",
)
def marketing_only(ctx: LanguageContext) -> Iterator[Finding]:
    category = ctx.category
    header = ctx.lang.header
    if (
        header is not None
        and header.format == "GIF"
        and category not in ("MARKETING", "AUTHENTICATION")
    ):
        yield Finding(
            ("header", "format"),
            f"GIF headers are MARKETING only (sent through Meta's Marketing Messages API), "
            f"not {clip(category)}",
        )


@rule(
    "WA514",
    "error",
    "call permission request only in MARKETING or UTILITY (raw components too)",
    "M",
    raw=True,
)
def call_permission(ctx: LanguageContext) -> Iterator[Finding]:
    lang = ctx.lang
    if lang.components is not None:
        kinds = [component_type(c) if isinstance(c, dict) else "" for c in lang.components]
        if "CALL_PERMISSION_REQUEST" not in kinds:
            return
        path: tuple[str | int, ...] = ("components", kinds.index("CALL_PERMISSION_REQUEST"))
    elif lang.call_permission_request:
        path = ("call_permission_request",)
    else:
        return
    if ctx.category not in CALL_PERMISSION_CATEGORIES:
        yield Finding(
            path,
            f"a call permission request is allowed in MARKETING and UTILITY templates only, not "
            f"{clip(ctx.category)}",
        )


@rule(
    "WA512",
    "error",
    "MARKETING message_send_ttl_seconds 43200-2592000 (a value no category accepts is WA801)",
    "L4",
    scope=MARKETING,
    level="template",
)
def ttl(ctx: TemplateContext) -> Iterator[Finding]:
    yield from ttl_in_category(ctx.template, *TTL_RANGE, default_ok=False)


@rule(
    "WA513",
    "warning",
    'MARKETING without an opt-out instruction ("Reply STOP to '
    'unsubscribe") in body, footer or buttons',
    "L2",
    scope=MARKETING,
)
def opt_out(ctx: LanguageContext) -> Iterator[Finding]:
    for where_, text in texts(ctx.lang):
        if where_[-1] != "url" and spans(OPT_OUT, text):
            return
    body = ctx.lang.body
    path: tuple[str | int, ...] = ()
    if body is not None:
        path = ("body", "text") if body.text else ("body",)
    where = describe(path) if path else "message"
    yield Finding(
        path,
        f"MARKETING {where} has no opt-out line such as 'Reply STOP to "
        "unsubscribe' (in body, footer or a quick reply)",
    )
