"""WA301-WA307, WA316: variables (placeholders) themselves: their syntax and placement.

Card *buttons* belong to the carousel rules (WA606-608) except for the URL sample check (WA408,
in buttons.py); card headers and bodies are checked here like the top-level ones. The samples'
rules are in `samples.py`; both read the parsed view of `variable_sites.analyse`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from itertools import islice, pairwise

from wa_templates.files.placeholders import Placeholder
from wa_templates.rules.registry import Finding, LanguageContext, rule
from wa_templates.rules.variable_sites import (
    Site,
    analyse,
    braced,
    plural,
    top_body,
)
from wa_templates.untrusted import clip

# What may stand between a variable and the edge of the body and still leave it "at the edge":
# whitespace, markdown markers and punctuation (Meta counts "... {{1}}." as ending in a variable).
_LEADING = " \t\r\n*_~¡¿([\"'«“‘„-"
_TRAILING = " \t\r\n*_~.,;:!?…)]\"'»”’-"
# Languages written without spaces between words: count characters, not runs, as words.
_UNSPACED = frozenset({"ja", "zh", "th", "lo", "my", "km"})
_WORD = re.compile(r"\w+")


# --- syntax ------------------------------------------------------------------------------------


@rule(
    "WA301",
    "error",
    "placeholders are exactly {{n}} or {{name}}: no spaces, #$% or stray braces",
    "L2",
)
def placeholder_syntax(ctx: LanguageContext) -> Iterator[Finding]:
    for site in analyse(ctx.lang).sites:
        for raw in site.invalid:
            yield Finding(
                site.path,
                f"{site.label} has an invalid placeholder '{{{{{clip(raw)}}}}}': "
                f"{_syntax_hint(raw)}",
            )
        if site.stray is not None:
            yield Finding(
                site.path,
                f"{site.label} has a stray '{site.stray}' outside a placeholder; "
                "variables are written {{1}} or {{name}}, and other braces are not allowed",
            )


def _syntax_hint(raw: str) -> str:
    stripped = raw.strip()
    if stripped != raw and stripped and Placeholder(stripped, 0, 0).valid:
        return f"remove the spaces (write {{{{{stripped}}}}})"
    if stripped.isdigit():
        return "positional variables are whole numbers from 1 without leading zeros, like {{1}}"
    lowered = stripped.lower()
    if lowered != stripped and Placeholder(lowered, 0, 0).valid:
        return f"named variables are lower-case (write {{{{{lowered}}}}})"
    return (
        "write {{1}}, {{2}}... or a name of lower-case letters, digits and _ starting with a "
        "letter or _, like {{first_name}} (no spaces, #, $, %)"
    )


@rule("WA302", "error", "positional variables run 1..N without gaps", "L1")
def positional_sequence(ctx: LanguageContext) -> Iterator[Finding]:
    for site in analyse(ctx.lang).sites:
        numbers = site.numbers
        if not numbers or numbers[-1] == len(numbers):
            continue
        present = set(numbers)
        missing = list(islice((n for n in range(1, numbers[-1]) if n not in present), 5))
        verb = "is" if len(missing) == 1 else "are"
        yield Finding(
            site.path,
            f"{site.label} has variables {braced(numbers)}: "
            f"{braced(missing)}{'...' if len(missing) == 5 else ''} {verb} missing; "
            "positional variables must run 1..N without gaps",
        )


@rule("WA303", "error", "each named variable appears once in its text", "M")
def named_variables(ctx: LanguageContext) -> Iterator[Finding]:
    for site in _named_sites(ctx):
        for name, count in Counter(site.named).items():
            if count > 1:
                yield Finding(
                    site.path,
                    f"{site.label} uses {{{{{name}}}}} {count} times; each "
                    "named variable may appear once",
                )


# A separate id from WA303 so that a team that verified named parameters with 8x8 can suppress
# this warning without also silencing WA303's error.
@rule(
    "WA316",
    "warning",
    "named variables through 8x8: its API has no parameter_format field (RULES.md WA303's W)",
    "L4",
)
def named_through_8x8(ctx: LanguageContext) -> Iterator[Finding]:
    for site in _named_sites(ctx):
        yield Finding(
            site.path,
            f"{site.label} uses named variables {braced(list(dict.fromkeys(site.named)))}: "
            "8x8's API has no parameter_format field, so Meta may read them as "
            "positional and reject the template; {{1}}..{{N}} are safe",
        )


def _named_sites(ctx: LanguageContext) -> Iterator[Site]:
    # URL variables are always {{1}}; WA313 says so.
    return (s for s in analyse(ctx.lang).sites if s.kind != "url" and s.named)


@rule("WA304", "error", "positional and named variables mixed", "L1")
def mixed_kinds(ctx: LanguageContext) -> Iterator[Finding]:
    first_positional: Site | None = None
    first_named: Site | None = None
    mixed_inside = False
    for site in analyse(ctx.lang).sites:
        if site.kind == "url":
            continue
        positional = str(site.numbers[0]) if site.numbers else None
        named = site.named[0] if site.named else None
        if positional is not None and named is not None:
            mixed_inside = True
            yield Finding(
                site.path,
                f"{site.label} mixes positional {{{{{positional}}}}} and "
                f"named {{{{{named}}}}}; a template uses one kind of variable",
            )
        if positional is not None and first_positional is None:
            first_positional = site
        if named is not None and first_named is None:
            first_named = site
    if mixed_inside or first_positional is None or first_named is None:
        return
    # Meta's parameter_format is per template: the header and body must agree.
    later = max(first_positional, first_named, key=_order)
    other = first_named if later is first_positional else first_positional
    kind = "named" if later is first_named else "positional"
    yield Finding(
        later.path,
        f"{later.label} uses {kind} variables but {other.label} does not; "
        "a template uses one kind of variable throughout",
    )


def _order(site: Site) -> tuple[int, int]:
    return (-1 if site.card is None else site.card, {"header": 0, "body": 1}.get(site.kind, 2))


# --- placement ---------------------------------------------------------------------------------


@rule(
    "WA305", "error", "body starts or ends with a variable (trailing punctuation counts)", "L1, L2"
)
def body_edges(ctx: LanguageContext) -> Iterator[Finding]:
    # Only the top-level body: 8x8's own carousel examples end card bodies with {{1}}.
    site = top_body(analyse(ctx.lang))
    if site is None or not site.found:
        return
    text = site.text
    head = text.lstrip(_LEADING)
    first = site.found[0]
    if head.startswith("{{") and first.start == len(text) - len(head):
        yield Finding(
            site.path,
            f"body starts with {{{{{clip(first.raw)}}}}}; Meta rejects a "
            "body that starts or ends with a variable: put text before it",
        )
    tail = text.rstrip(_TRAILING)
    last = site.found[-1]
    if tail.endswith("}}") and last.end == len(tail):
        yield Finding(
            site.path,
            f"body ends with {{{{{clip(last.raw)}}}}}"
            f"{' (trailing punctuation still counts)' if len(tail) < len(text) else ''}"
            "; Meta rejects a body that starts or ends with a variable: put text after it",
        )


@rule("WA306", "error", "two variables separated only by whitespace", "P")
def adjacent_variables(ctx: LanguageContext) -> Iterator[Finding]:
    for site in analyse(ctx.lang).sites:
        if site.kind == "url":
            continue
        found = site.found
        for left, right in pairwise(found):
            if not site.text[left.end : right.start].strip():
                yield Finding(
                    site.path,
                    f"{site.label} has {{{{{clip(left.raw)}}}}} and "
                    f"{{{{{clip(right.raw)}}}}} separated only by whitespace; put "
                    "words between variables",
                )


@rule("WA307", "warning", "too many variables for the text: words < 2 x variables + 1 (heur)", "P")
def variable_density(ctx: LanguageContext) -> Iterator[Finding]:
    unspaced = ctx.code.split("_", 1)[0] in _UNSPACED
    for site in analyse(ctx.lang).sites:
        if site.kind != "body" or not site.found:
            continue
        count = len(site.found)
        needed = 2 * count + 1
        words = _words(site, unspaced, needed)
        if words < needed:
            yield Finding(
                site.path,
                f"{site.label} has {plural(count, 'variable')} and "
                f"{plural(words, 'word')} of text; Meta tends to reject fewer than "
                f"{needed} words (2 per variable + 1)",
            )


def _words(site: Site, unspaced: bool, needed: int) -> int:
    """Words of the text outside its placeholders (or a count known to be at least `needed`)."""
    text = site.text
    if not unspaced:
        # Counting word runs costs ~6 us a body; whitespace tokens ~1 us. With this margin for
        # placeholder and punctuation tokens the count is plainly enough, and exactness moot.
        tokens = len(text.split())
        if tokens >= needed + 2 * len(site.found) + 3:
            return tokens
    if site.invalid:
        # An invalid placeholder may hold any number of word runs: cut placeholders out.
        cursor, parts = 0, []
        for placeholder in site.found:
            parts.append(text[cursor : placeholder.start])
            cursor = placeholder.end
        parts.append(text[cursor:])
        runs = _WORD.findall(" ".join(parts))
        return sum(map(len, runs)) // 2 if unspaced else len(runs)
    # A valid placeholder's text is exactly one word run between its braces: subtract it.
    runs = _WORD.findall(text)
    if unspaced:
        return (sum(map(len, runs)) - sum(len(p.raw) for p in site.found)) // 2
    return len(runs) - len(site.found)
