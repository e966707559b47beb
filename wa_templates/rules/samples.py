"""WA308-WA315: the samples of variables, and how many variables each component may hold.

Both read the parsed view of `variable_sites.analyse`, shared with the rules in `variables.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from difflib import get_close_matches

from wa_templates.files.placeholders import distinct, fill
from wa_templates.rules.registry import Finding, LanguageContext, Path, rule
from wa_templates.rules.variable_sites import (
    AUTH_CODE_MAX,
    BODY_MAX,
    SampleGroup,
    analyse,
    braced,
    plural,
    top_body,
)
from wa_templates.untrusted import clip

_BAD_SAMPLE = re.compile(r"\n|\r|\t| {4,}")
_WHOLE_PLACEHOLDER = re.compile(r"^\{\{[^{}]*\}\}$")


# --- samples -----------------------------------------------------------------------------------


@rule("WA308", "error", "every variable has a sample; sample count equals variable count", "L1, L2")
def samples_match(ctx: LanguageContext) -> Iterator[Finding]:
    for site in analyse(ctx.lang).sites:
        # Card URL samples are the carousel rules' (WA608); a missing URL sample is WA408's.
        if site.kind == "url" and site.card is not None:
            continue
        names = site.names
        samples = site.samples
        where = site.samples_path if samples else site.path
        if isinstance(samples, dict):
            missing = [n for n in names if n not in samples]
            extra = [k for k in samples if k not in names]
            hinted: set[str] = set()
            for key in extra:
                hint = get_close_matches(key, missing, n=1)
                hinted.update(hint)
                yield Finding(
                    (*site.samples_path, key),
                    f"{site.label} sample '{clip(key)}' matches no variable in the text"
                    + (
                        f"; did you mean {braced(hint)}?"
                        if hint
                        else f" (variables: {braced(names) or 'none'})"
                    ),
                )
            unexplained = [n for n in missing if n not in hinted]
            if unexplained:
                yield Finding(
                    where,
                    f"{site.label} has no sample for {braced(unexplained)}; add "
                    f"{clip(unexplained[0])}: <sample> to its examples",
                )
            continue
        have, want = len(samples), len(names)
        if have < want:
            if site.kind == "url":
                continue
            yield Finding(
                where,
                f"{site.label} has {plural(want, 'variable')} "
                f"({braced(names)}) but {plural(have, 'sample')}: "
                f"{braced(names[have:])} {'has' if want - have == 1 else 'have'} "
                "none; give one sample per variable in examples",
            )
        elif have > want:
            yield Finding(
                (*site.samples_path, want),
                f"{site.label} has "
                f"{plural(want, 'variable')} but {plural(have, 'sample')}; remove "
                f"the extra {plural(have - want, 'sample')}",
            )


@rule("WA309", "error", "samples contain no newline, tab or 4+ consecutive spaces", "P")
def sample_whitespace(ctx: LanguageContext) -> Iterator[Finding]:
    for group in analyse(ctx.lang).samples:
        values = group.values.values() if isinstance(group.values, dict) else group.values
        # One search over all of them; NUL cannot complete a run of spaces across two samples.
        if _BAD_SAMPLE.search("\0".join(values)) is None:
            continue
        for path, value, _ in group.refs():
            match = _BAD_SAMPLE.search(value)
            if match is None:
                continue
            what = {"\n": "a newline", "\r": "a carriage return", "\t": "a tab"}.get(
                match.group(), "4 or more consecutive spaces"
            )
            yield Finding(
                path,
                f"{group.label} sample '{clip(value)}' has {what}; Meta "
                "rejects samples with newlines, tabs or 4+ spaces in a row",
            )


@rule("WA310", "warning", "sample empty or equal to its placeholder", "L4")
def sample_placeholder(ctx: LanguageContext) -> Iterator[Finding]:
    for group in analyse(ctx.lang).samples:
        if group.code or not _suspect(group):
            continue
        for path, raw, placeholder in group.refs():
            value = raw.strip()
            target = f" for {{{{{clip(placeholder)}}}}}" if placeholder else ""
            if not value:
                yield Finding(
                    path,
                    f"{group.label} sample{target} is empty; give a realistic "
                    "value so reviewers see what the message will say",
                )
            elif (value[:2] == "{{" and _WHOLE_PLACEHOLDER.match(value)) or (
                placeholder is not None and value == placeholder and not value.isdigit()
            ):
                yield Finding(
                    path,
                    f"{group.label} sample{target} is '{clip(value)}', the "
                    "placeholder itself; give a realistic value",
                )


def _suspect(group: SampleGroup) -> bool:
    """Whether any sample of the group may be empty or a placeholder (cheap, before the paths)."""
    values = group.values.values() if isinstance(group.values, dict) else group.values
    for value in values:
        stripped = value.strip()
        if not stripped or stripped[:2] == "{{":
            return True
        if stripped in group.names and not stripped.isdigit():
            return True
    return False


@rule("WA315", "warning", "body with samples substituted over 1024 characters", "L1")
def filled_length(ctx: LanguageContext) -> Iterator[Finding]:
    site = top_body(analyse(ctx.lang))
    # Over the limit as written is WA202's error already.
    if site is None or not site.found or not site.samples or len(site.text) > BODY_MAX:
        return
    values = site.samples.values() if isinstance(site.samples, dict) else site.samples
    # Filling swaps each placeholder for one sample, so this bound spares most bodies the fill.
    if len(site.text) + len(site.found) * max(map(len, values)) <= BODY_MAX:
        return
    size = len(fill(site.text, site.samples))
    if size > BODY_MAX:
        yield Finding(
            site.path,
            f"body is {size} characters with its samples filled in; Meta "
            f"counts the sent message against the {BODY_MAX}-character limit",
        )


# --- per component -----------------------------------------------------------------------------


@rule("WA311", "error", "TEXT header has at most 1 variable", "L1")
def header_variables(ctx: LanguageContext) -> Iterator[Finding]:
    for site in analyse(ctx.lang).sites:
        if site.kind == "header" and len(site.found) > 1:
            yield Finding(
                site.path,
                f"{site.label} has {len(site.found)} variables "
                f"({braced([p.raw for p in site.found])}); a TEXT header allows 1",
            )


@rule("WA312", "error", "footer has no variables", "L1")
def footer_variables(ctx: LanguageContext) -> Iterator[Finding]:
    footer = ctx.lang.footer
    if footer is None or not footer.text or "{{" not in footer.text:
        return
    names = distinct(footer.text)
    shown = braced(names) if names else "'{{'"
    yield Finding(("footer", "text"), f"footer has {shown}; footers cannot have variables")


@rule("WA313", "error", "URL button: at most 1 variable, {{1}}, at the end of the URL", "L1")
def url_variable(ctx: LanguageContext) -> Iterator[Finding]:
    for site in analyse(ctx.lang).sites:
        # Card URLs are the carousel rules' (WA608).
        if site.kind != "url" or site.card is not None or not site.found:
            continue
        if len(site.found) > 1:
            yield Finding(
                site.path,
                f"{site.label} has {len(site.found)} variables "
                f"({braced([p.raw for p in site.found])}); a URL allows one, "
                "{{1}}, at its end",
            )
            continue
        placeholder = site.found[0]
        if placeholder.named:
            yield Finding(
                site.path,
                f"{site.label} uses {{{{{placeholder.raw}}}}}; a URL variable is always {{{{1}}}}",
            )
        if placeholder.end != len(site.text.rstrip()):
            yield Finding(
                site.path,
                f"{site.label} has {{{{{clip(placeholder.raw)}}}}} before "
                f"'{clip(site.text[placeholder.end :].strip(), 30)}'; the variable must "
                "be the last thing in the URL",
            )


@rule(
    "WA314",
    "error",
    "AUTHENTICATION code sample at most 15 characters",
    "L2",
    scope=("AUTHENTICATION",),
)
def auth_code_sample(ctx: LanguageContext) -> Iterator[Finding]:
    refs: list[tuple[Path, str]] = []
    body = ctx.lang.body
    if body is not None:
        if isinstance(body.examples, dict):
            refs.extend((("body", "examples", k), v) for k, v in body.examples.items())
        else:
            refs.extend((("body", "examples", i), v) for i, v in enumerate(body.examples))
    for index, button in enumerate(ctx.lang.buttons):
        if button.type == "OTP":
            refs.extend(
                (("buttons", index, "examples", i), v) for i, v in enumerate(button.examples)
            )
    for path, value in refs:
        if len(value) > AUTH_CODE_MAX:
            yield Finding(
                path,
                f"code sample '{clip(value)}' is {len(value)} characters; Meta "
                f"allows at most {AUTH_CODE_MAX} in authentication templates",
            )
