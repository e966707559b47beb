"""WA1xx: structure and identity of a template."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from wa_templates.files.components import component_type
from wa_templates.files.diagnostics import Severity
from wa_templates.files.load import Source
from wa_templates.files.model import CATEGORIES
from wa_templates.rules.registry import (
    Finding,
    LanguageContext,
    TemplateContext,
    input_rule,
    rule,
)
from wa_templates.untrusted import clip

NAME = re.compile(r"^[a-z0-9_]{1,512}$")

# Meta's template language codes (RULES.md). Case-sensitive, '_' not '-'.
LANGUAGES = frozenset(
    """af sq ar ar_EG ar_AE ar_LB ar_MA ar_QA az be_BY bn bn_IN bg ca zh_CN zh_HK zh_TW hr cs da
    prs_AF nl nl_BE en en_GB en_US en_AE en_AU en_CA en_GH en_IE en_IN en_JM en_MY en_NZ en_QA
    en_SG en_UG en_ZA et fil fi fr fr_BE fr_CA fr_CH fr_CI fr_MA ka de de_AT de_CH el gu ha he
    hi hu id ga it ja kn kk rw_RW ko ky_KG lo lv lt mk ms ml mr nb ps_AF fa pl pt_BR pt_PT
    pa ro ru sr si_LK sk sl es es_AR es_CL es_CO es_CR es_DO es_EC es_HN es_MX es_PA es_PE es_ES
    es_UY sw sv ta te th tr uk ur uz vi zu""".split()
)
_BY_FOLDED = {code.lower().replace("-", "_"): code for code in LANGUAGES}

UNVERIFIED_LIMIT = 250
VERIFIED_LIMIT = 6000


@rule(
    "WA101",
    "error",
    "name is lower-case letters, digits and underscores, 1-512 chars",
    "L3",
    level="template",
)
def name_format(ctx: TemplateContext) -> Iterator[Finding]:
    problem = name_problem(ctx.template.name)
    if problem:
        yield Finding(("name",), problem)


def name_problem(name: str) -> str | None:
    """What is wrong with a template name, wherever it comes from (a file, a saved plan)."""
    if NAME.match(name):
        return None
    return f"name '{clip(name)}' must match ^[a-z0-9_]{{1,512}}$ (lower-case letters, digits, _)"


@rule(
    "WA102",
    "warning",
    "name over 200 characters: 8x8's list response caps templateName at 200",
    "L5",
    level="template",
)
def name_length(ctx: TemplateContext) -> Iterator[Finding]:
    if 200 < len(ctx.template.name) <= 512:
        yield Finding(
            ("name",), f"name is {len(ctx.template.name)} characters; 8x8 lists at most 200"
        )


@rule(
    "WA103",
    "error",
    "language is one of Meta's template language codes (case-sensitive, _)",
    "M",
    level="template",
)
def language_code(ctx: TemplateContext) -> Iterator[Finding]:
    for code in ctx.template.languages:
        problem = language_problem(code)
        if problem:
            yield Finding(("languages", code), problem)
        elif len(code) > 5:
            yield Finding(
                ("languages", code),
                f"language '{code}' is {len(code)} characters; 8x8's list schema allows 5",
                severity=Severity.WARNING,
            )


def language_problem(code: str) -> str | None:
    """What is wrong with a language code, wherever it comes from (a file, a saved plan)."""
    if code in LANGUAGES:
        return None
    hint = _BY_FOLDED.get(code.lower().replace("-", "_"))
    message = f"language '{clip(code)}' is not a Meta template language code"
    return message + (f"; did you mean '{hint}'?" if hint else " (see RULES.md for the 111 codes)")


@rule("WA105", "error", "category is AUTHENTICATION, MARKETING or UTILITY", "L4", level="template")
def category(ctx: TemplateContext) -> Iterator[Finding]:
    if ctx.template.category not in CATEGORIES:
        yield Finding(
            ("category",),
            f"category '{ctx.template.category}' must be one of {', '.join(CATEGORIES)}",
        )


@rule(
    "WA106",
    "error",
    "exactly one body (in the raw form too); a carousel template has a body and the carousel only",
    "L1",
    raw=True,
)
def one_body(ctx: LanguageContext) -> Iterator[Finding]:
    components = ctx.lang.components
    if components is not None:
        # More than one BODY is WA108's (the raw form's structure).
        if not any(isinstance(c, dict) and component_type(c) == "BODY" for c in components):
            yield Finding(
                ("components",),
                f"language '{ctx.code}' has no BODY component; every template needs exactly one",
            )
    elif ctx.lang.body is None:
        yield Finding((), f"language '{ctx.code}' has no body; every template needs exactly one")


input_rule(
    "WA107", "at most one header, footer and buttons block (the file format has one key each)", "L1"
)
input_rule(
    "WA109",
    "component types are HEADER, BODY, FOOTER, BUTTONS, CAROUSEL, "
    "CALL_PERMISSION_REQUEST (the file format's keys; any other only in the raw form, WA110)",
    "L4",
)


@rule(
    "WA111",
    "error",
    "body and footer identical to another template of the same language",
    "L2",
    level="corpus",
)
def identical_content(sources: list[Source]) -> Iterable[tuple[Source, Finding]]:
    seen: dict[tuple[str, str, str], str] = {}
    for source in sources:
        template = source.template
        if template.category == "AUTHENTICATION":
            continue
        for code, lang in template.languages.items():
            if lang.body is None or not lang.body.text:
                continue
            footer = lang.footer.text if lang.footer and lang.footer.text else ""
            key = (code, lang.body.text.strip(), footer.strip())
            other = seen.setdefault(key, template.name)
            if other != template.name:
                yield (
                    source,
                    Finding(
                        ("languages", code, "body", "text"),
                        f"body and footer of '{template.name}' [{code}] are identical to "
                        f"'{other}' [{code}]; Meta rejects duplicates",
                    ),
                )


@rule(
    "WA112",
    "error",
    "at most 6,000 templates per WABA (250 for an unverified business)",
    "L3",
    level="corpus",
)
def account_limit(sources: list[Source]) -> Iterable[tuple[Source, Finding]]:
    # Meta counts template names; the languages of a name share its slot.
    total = len(sources)
    if total > UNVERIFIED_LIMIT and sources:
        last = sources[-1]
        if total > VERIFIED_LIMIT:
            yield (
                last,
                Finding(
                    ("name",),
                    f"{total} template names exceed the "
                    f"{VERIFIED_LIMIT:,} a verified business may have",
                ),
            )
        else:
            yield (
                last,
                Finding(
                    ("name",),
                    f"{total} template names exceed the "
                    f"{UNVERIFIED_LIMIT} an unverified business may have",
                    severity=Severity.WARNING,
                ),
            )
