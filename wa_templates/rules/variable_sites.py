"""The variables (placeholders) of a language and their samples, parsed once for the WA3xx rules.

Variables live in header text, body text, URL button urls and the same parts of carousel cards.
Every variable rule (`variables.py`, `samples.py`) looks at the same parsed view of a language
(`analyse`), built once and shared: the engine runs all rules on one language before the next,
so a one-entry cache keyed by the language object's identity turns ~15 parses of the same texts
into one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from wa_templates.files.model import Body, Button, Header, Language
from wa_templates.files.placeholders import Placeholder, find, unbalanced
from wa_templates.rules.registry import Path
from wa_templates.untrusted import clip

BODY_MAX = 1024
AUTH_CODE_MAX = 15

Samples = list[str] | dict[str, str]


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


def braced(names: Sequence[str | int], limit: int = 5) -> str:
    shown = [f"{{{{{clip(str(n), 30)}}}}}" for n in names[:limit]]
    if len(names) > limit:
        shown.append(f"... ({len(names) - limit} more)")
    return ", ".join(shown)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def top_body(analysis: Analysis) -> Site | None:
    for site in analysis.sites:
        if site.kind == "body" and site.card is None:
            return site
    return None
