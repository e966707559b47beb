"""WA3xx: variables (placeholders) and their samples.

Variables live in header text, body text, URL button urls and the same parts of carousel cards.
Every rule here looks at the same parsed view of a language (`analyse`), built once and shared:
the engine runs all rules on one language before the next, so a one-entry cache keyed by the
language object's identity turns ~15 parses of the same texts into one.

Card *buttons* belong to the carousel rules (WA606-608) except for the URL sample check (WA408,
in buttons.py); card headers and bodies are checked here like the top-level ones.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from itertools import islice, pairwise

from wa_templates.files.model import Body, Button, Header, Language
from wa_templates.files.placeholders import Placeholder, distinct, fill, find, unbalanced
from wa_templates.rules.registry import Finding, LanguageContext, Path, rule
from wa_templates.untrusted import clip

BODY_MAX = 1024
AUTH_CODE_MAX = 15

Samples = list[str] | dict[str, str]

# What may stand between a variable and the edge of the body and still leave it "at the edge":
# whitespace, markdown markers and punctuation (Meta counts "... {{1}}." as ending in a variable).
_LEADING = " \t\r\n*_~¡¿([\"'«“‘„-"
_TRAILING = " \t\r\n*_~.,;:!?…)]\"'»”’-"
_BAD_SAMPLE = re.compile(r"\n|\r|\t| {4,}")
_WHOLE_PLACEHOLDER = re.compile(r"^\{\{[^{}]*\}\}$")
_WORD = re.compile(r"\w+")
# Languages written without spaces between words: count characters, not runs, as words.
_UNSPACED = frozenset({"ja", "zh", "th", "lo", "my", "km"})


@dataclass(slots=True)
class Site:
    """One text that may hold variables, with the samples that go with it."""

    kind: str
    """"header", "body" or "url"."""
    label: str
    """How messages name it: "body", "button 2 url", "card 1 body"."""
    card: int | None
    path: Path
    text: str
    found: list[Placeholder]
    names: list[str]
    """Distinct placeholder texts, in order of first appearance."""
    samples: Samples
    samples_path: Path
    numbers: list[int]
    """Distinct positional numbers, sorted."""
    named: list[str]
    """Named placeholders, every occurrence."""
    invalid: list[str]
    """Placeholder texts that are neither, every occurrence."""
    stray: str | None
    """A brace outside any placeholder (see placeholders.unbalanced)."""


@dataclass(slots=True)
class SampleGroup:
    """The samples of one text (or of a text-less AUTHENTICATION body, or an offer code)."""

    label: str
    path: Path
    values: Samples
    names: list[str]
    """The text's distinct placeholders: a list sample at index i stands for names[i]."""
    code: bool = False
    """An offer code (COPY_CODE), not a variable's sample: its length rules are WA405's."""

    def refs(self) -> Iterator[tuple[Path, str, str | None]]:
        """Each sample with its path and the placeholder it stands for (when known)."""
        if isinstance(self.values, dict):
            for key, value in self.values.items():
                yield (*self.path, key), value, key
            return
        names = self.names
        for index, value in enumerate(self.values):
            yield (*self.path, index), value, names[index] if index < len(names) else None


@dataclass(slots=True)
class Analysis:
    sites: list[Site]
    samples: list[SampleGroup]


_cache: tuple[Language, Analysis] | None = None


def analyse(lang: Language) -> Analysis:
    global _cache
    cached = _cache
    # The cache holds a strong reference, so identity cannot be reused by another object.
    if cached is not None and cached[0] is lang:
        return cached[1]
    result = _build(lang)
    _cache = (lang, result)
    return result


def _build(lang: Language) -> Analysis:
    sites: list[Site] = []
    refs: list[SampleGroup] = []
    _add_header(lang.header, (), "header", None, sites, refs)
    _add_body(lang.body, (), "body", None, sites, refs)
    _add_buttons(lang.buttons, (), "", None, sites, refs)
    for index, card in enumerate(lang.carousel or []):
        prefix: Path = ("carousel", index)
        label = f"card {index + 1} "
        _add_header(card.header, prefix, label + "header", index, sites, refs)
        _add_body(card.body, prefix, label + "body", index, sites, refs)
        _add_buttons(card.buttons, prefix, label, index, sites, refs)
    return Analysis(sites, refs)


def _site(
    kind: str, label: str, card: int | None, path: Path, text: str, samples: Samples, spath: Path
) -> Site:
    if "{" not in text and "}" not in text:
        # Most texts: nothing to parse.
        return Site(kind, label, card, path, text, [], [], samples, spath, [], [], [], None)
    found = find(text)
    numbers: set[int] = set()
    named: list[str] = []
    invalid: list[str] = []
    for placeholder in found:
        if placeholder.positional:
            numbers.add(int(placeholder.raw))
        elif placeholder.named:
            named.append(placeholder.raw)
        else:
            invalid.append(placeholder.raw)
    # Every placeholder holds at least four braces; any more means one stands outside them
    # (or inside a raw, which is invalid anyway), which only then is worth locating.
    braces = text.count("{") + text.count("}")
    stray = unbalanced(text) if braces != 4 * len(found) else None
    names = list(dict.fromkeys(p.raw for p in found))
    return Site(
        kind,
        label,
        card,
        path,
        text,
        found,
        names,
        samples,
        spath,
        sorted(numbers),
        named,
        invalid,
        stray,
    )


def _add_header(
    header: Header | None,
    prefix: Path,
    label: str,
    card: int | None,
    sites: list[Site],
    refs: list[SampleGroup],
) -> None:
    # Media headers keep a URL or file in examples, not a variable sample.
    if header is None or header.format != "TEXT":
        return
    spath = (*prefix, "header", "examples")
    site = None
    if header.text:
        site = _site(
            "header", label, card, (*prefix, "header", "text"), header.text, header.examples, spath
        )
        sites.append(site)
    if header.examples:
        refs.append(SampleGroup(label, spath, header.examples, site.names if site else []))


def _add_body(
    body: Body | None,
    prefix: Path,
    label: str,
    card: int | None,
    sites: list[Site],
    refs: list[SampleGroup],
) -> None:
    if body is None:
        return
    spath = (*prefix, "body", "examples")
    names: list[str] = []
    # AUTHENTICATION bodies have no text (Meta's preset), yet may carry the code sample.
    if body.text:
        site = _site(
            "body", label, card, (*prefix, "body", "text"), body.text, body.examples, spath
        )
        sites.append(site)
        names = site.names
    if body.examples:
        refs.append(SampleGroup(label, spath, body.examples, names))


def _add_buttons(
    buttons: list[Button],
    prefix: Path,
    label: str,
    card: int | None,
    sites: list[Site],
    refs: list[SampleGroup],
) -> None:
    for index, button in enumerate(buttons):
        if button.type not in ("URL", "COPY_CODE"):
            continue
        bpath = (*prefix, "buttons", index)
        blabel = f"{label}button {index + 1} {'url' if button.type == 'URL' else 'code'}"
        spath = (*bpath, "examples")
        names: list[str] = []
        if button.type == "URL" and button.url:
            site = _site("url", blabel, card, (*bpath, "url"), button.url, button.examples, spath)
            sites.append(site)
            names = site.names
        if button.examples:
            code = button.type == "COPY_CODE"
            refs.append(SampleGroup(blabel, spath, button.examples, names, code))


def _braced(names: Sequence[str | int], limit: int = 5) -> str:
    shown = [f"{{{{{clip(str(n), 30)}}}}}" for n in names[:limit]]
    if len(names) > limit:
        shown.append(f"... ({len(names) - limit} more)")
    return ", ".join(shown)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


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
            f"{site.label} has variables {_braced(numbers)}: "
            f"{_braced(missing)}{'...' if len(missing) == 5 else ''} {verb} missing; "
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
            f"{site.label} uses named variables {_braced(list(dict.fromkeys(site.named)))}: "
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
    site = _top_body(analyse(ctx.lang))
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


def _top_body(analysis: Analysis) -> Site | None:
    for site in analysis.sites:
        if site.kind == "body" and site.card is None:
            return site
    return None


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
                f"{site.label} has {_plural(count, 'variable')} and "
                f"{_plural(words, 'word')} of text; Meta tends to reject fewer than "
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
                        f"; did you mean {_braced(hint)}?"
                        if hint
                        else f" (variables: {_braced(names) or 'none'})"
                    ),
                )
            unexplained = [n for n in missing if n not in hinted]
            if unexplained:
                yield Finding(
                    where,
                    f"{site.label} has no sample for {_braced(unexplained)}; add "
                    f"{clip(unexplained[0])}: <sample> to its examples",
                )
            continue
        have, want = len(samples), len(names)
        if have < want:
            if site.kind == "url":
                continue
            yield Finding(
                where,
                f"{site.label} has {_plural(want, 'variable')} "
                f"({_braced(names)}) but {_plural(have, 'sample')}: "
                f"{_braced(names[have:])} {'has' if want - have == 1 else 'have'} "
                "none; give one sample per variable in examples",
            )
        elif have > want:
            yield Finding(
                (*site.samples_path, want),
                f"{site.label} has "
                f"{_plural(want, 'variable')} but {_plural(have, 'sample')}; remove "
                f"the extra {_plural(have - want, 'sample')}",
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
    site = _top_body(analyse(ctx.lang))
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
                f"({_braced([p.raw for p in site.found])}); a TEXT header allows 1",
            )


@rule("WA312", "error", "footer has no variables", "L1")
def footer_variables(ctx: LanguageContext) -> Iterator[Finding]:
    footer = ctx.lang.footer
    if footer is None or not footer.text or "{{" not in footer.text:
        return
    names = distinct(footer.text)
    shown = _braced(names) if names else "'{{'"
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
                f"({_braced([p.raw for p in site.found])}); a URL allows one, "
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
