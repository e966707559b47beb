"""Showing untrusted text: names, keys and values from files, the channel and requests.

For display only. What a file says is sent to Meta unchanged; what a person reads (terminal,
JSON, markdown, GitHub annotations, HTML preview) spells out every character that could
mislead them, as the escape YAML's double-quoted strings use (`\\t`, `\\x1b`, `\\u200b`,
`\\U000e0041`), so what is shown can be pasted back into a file:
- control characters (C0, DEL, C1): they break a line, or restyle and move a terminal (ESC);
- U+2028 and U+2029, which some readers take for line breaks;
- every format character (Unicode category Cf): zero-width space, joiners and word joiner
  (U+200B-U+200D, U+2060), a byte order mark inside text (U+FEFF), bidirectional embeddings,
  overrides and isolates (U+202A-U+202E, U+2066-U+2069, which reorder what is shown: "Trojan
  Source"), direction marks, the soft hyphen, and the tag characters U+E0000-U+E007F, which can
  carry a whole invisible sentence.
Joiners are legitimate inside emoji sequences and some scripts; shown escaped there, they are
still readable, and a reviewer can no longer be shown two texts that look alike but differ.
"""

from __future__ import annotations

import json
import re
from typing import Any

UNSAFE = re.compile(
    "["
    "\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
    "]"
)
"""Unicode's control (Cc), format (Cf), line and paragraph separator (Zl, Zp) characters."""

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escape(char: str) -> str:
    """One character as YAML's double-quoted strings write it."""
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def shown(value: object, keep: str = "") -> str:
    """`value` as text a person can trust: every UNSAFE character but those in `keep` escaped.

    Without `keep`, the result is one line. Escaping is idempotent: what comes out is shown
    unchanged when it passes through again.
    """
    text = str(value)
    if keep:
        return UNSAFE.sub(lambda m: m.group() if m.group() in keep else escape(m.group()), text)
    return UNSAFE.sub(lambda m: escape(m.group()), text)


def clip(value: str, width: int = 40) -> str:
    """A value to quote in a one-line message: cut to `width` characters, then shown."""
    return shown(value if len(value) <= width else value[: width - 3] + "...")


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON has no escape beyond U+FFFF: a UTF-16 surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


_JSON_UNSAFE = re.compile(UNSAFE.pattern.replace("\x00-\x1f", "\x00-\x08\x0b\x0c\x0e-\x1f"))
"""UNSAFE without the whitespace json.dumps lays out with (inside a string it is escaped)."""


def json_text(text: str) -> str:
    """JSON text with each UNSAFE character inside its strings written as a \\uXXXX escape: the
    same data to a parser, and nothing invisible or misleading to a person."""
    return _JSON_UNSAFE.sub(_json_escape, text)


def to_json(data: Any, **options: Any) -> str:
    """`json.dumps(data, ensure_ascii=False, **options)`, made safe to show with `json_text`."""
    return json_text(json.dumps(data, ensure_ascii=False, **options))
