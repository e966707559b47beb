"""Placeholders in template text: `{{1}}` positional, `{{first_name}}` named.

Shared by the rules (which judge them), the preview (which fills them in) and the sandbox's
simulated review.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_ANY = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_POSITIONAL = re.compile(r"^[1-9][0-9]*$")
_NAMED = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Placeholder:
    raw: str
    """The text between the braces, as written."""
    start: int
    end: int

    @property
    def positional(self) -> bool:
        return bool(_POSITIONAL.match(self.raw))

    @property
    def named(self) -> bool:
        return bool(_NAMED.match(self.raw))

    @property
    def valid(self) -> bool:
        return self.positional or self.named


def find(text: str | None) -> list[Placeholder]:
    if not text:
        return []
    return [Placeholder(m.group(1), m.start(), m.end()) for m in _ANY.finditer(text)]


def unbalanced(text: str | None) -> str | None:
    """A description of stray braces outside well-formed `{{...}}`, or None."""
    if not text:
        return None
    rest = _ANY.sub("", text)
    for token in ("{{", "}}", "{", "}"):
        if token in rest:
            return token
    return None


def distinct(text: str | None) -> list[str]:
    """Distinct placeholder names in order of first appearance."""
    return list(dict.fromkeys(p.raw for p in find(text)))


def named(text: str | None) -> list[str]:
    """Distinct named placeholders (`{{first_name}}`) in order of first appearance."""
    return list(dict.fromkeys(p.raw for p in find(text) if p.named))


def fill(text: str, samples: Sequence[str] | Mapping[str, str]) -> str:
    """Text with samples substituted; a placeholder without a sample stays as written."""
    names = distinct(text)

    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if isinstance(samples, Mapping):
            return samples.get(key, match.group(0))
        if _POSITIONAL.match(key):
            index = int(key) - 1
        else:
            index = names.index(key) if key in names else len(samples)
        return samples[index] if index < len(samples) else match.group(0)

    return _ANY.sub(value, text)
