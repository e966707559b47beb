"""Write data as YAML in the house style of the template files, deterministically.

The same data always gives the same bytes, laid out as a person would write the file: keys in
the order given (the model's field order), block mappings and block lists indented under their
key, short lists of samples as flow lists (`examples: [Sam, "4242"]`), multi-line text as a
literal block (`|`, `|-` or `|+` as its trailing newlines require), long prose folded (`>-`)
within `WIDTH` columns, and quotes only where YAML would otherwise read something else (a number,
`yes`, `a: b`). PyYAML's dumper picks one style per document rather than per string, hence this
small emitter; PyYAML's own scalar analysis still decides which styles a string allows.

Every document is parsed back before it is returned: should a style choice not reproduce the
data (an exotic character no rule here foresaw), the document is written again with every string
double-quoted, which always does.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml

from wa_templates.files.scalar import typed
from wa_templates.files.yamlsafe import YamlError, parse
from wa_templates.untrusted import UNSAFE

WIDTH = 80
"""Columns a line should stay within where YAML allows a choice (folded text, flow lists)."""
INDENT = 2

_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_ANALYSER = yaml.emitter.Emitter(io.StringIO(), allow_unicode=True)
# Breaks other than \n would be read back as \n (or kept) depending on the YAML version: a
# string holding one is only ever double-quoted, where it becomes an escape.
_ODD_BREAKS = frozenset("\r\x85\u2028\u2029")
_BREAKS = frozenset("\n\r\x85\u2028\u2029")
_ESCAPES = {
    "\0": "\\0",
    "\x07": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\x0b": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
# YAML 1.2's core schema, which editors' YAML servers use, reads more as numbers than PyYAML's
# YAML 1.1 does (`1e3`, `0o17`): such text is quoted too, so every tool reads the file alike.
_CORE_12 = re.compile(
    r"""^(?:null|Null|NULL|~|true|True|TRUE|false|False|FALSE
    |[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+
    |[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""",
    re.VERBOSE,
)


class WriteError(ValueError):
    """Data the emitter cannot write (a type outside str, int, finite float, bool, None, list and
    mapping)."""


def dump(data: Mapping[str, Any], comments: Iterable[str] = ()) -> str:
    """`data` as a YAML document, preceded by `comments` (each written as `# line`)."""
    head = "".join(f"# {_comment(line)}".rstrip() + "\n" for line in comments)
    text = head + _document(data, quote_all=False)
    if _reads_back(text, data):
        return text
    text = head + _document(data, quote_all=True)
    if not _reads_back(text, data):  # pragma: no cover - double quotes can spell any string
        raise WriteError("the data cannot be written as YAML that reads back the same")
    return text


def _comment(line: str) -> str:
    # A line break in a comment would turn the rest of it into data.
    return "".join(" " if _NON_PRINTABLE.match(c) or c in _BREAKS else c for c in line)


def _reads_back(text: str, data: Mapping[str, Any]) -> bool:
    try:
        # As YAML 1.1 reads it: the file must mean the same to every reader, not only to ours.
        read: Any = typed(parse(text).data)
        return bool(read == data)
    except YamlError:
        return False


def _document(data: Mapping[str, Any], quote_all: bool) -> str:
    if not data:
        return "{}\n"
    return "".join(line + "\n" for line in _Writer(quote_all).mapping(data, 0))


class _Writer:
    def __init__(self, quote_all: bool) -> None:
        self.quote_all = quote_all

    def mapping(self, data: Mapping[str, Any], indent: int) -> list[str]:
        lines: list[str] = []
        pad = " " * indent
        for key, value in data.items():
            if not isinstance(key, str):
                raise WriteError(f"a mapping key must be text, not {key!r}")
            head = f"{pad}{self.key(key)}:"
            lines += self.value(head, value, indent)
        return lines

    def value(self, head: str, value: Any, indent: int) -> list[str]:
        if isinstance(value, Mapping):
            if not value:
                return [f"{head} {{}}"]
            return [head, *self.mapping(value, indent + INDENT)]
        if isinstance(value, list | tuple):
            return self.sequence(head, value, indent)
        if isinstance(value, str):
            return self.string(head, value, indent)
        return [f"{head} {_scalar(value)}"]

    def sequence(self, head: str, items: Sequence[Any], indent: int) -> list[str]:
        if not items:
            return [f"{head} []"]
        if all(isinstance(item, str | int | float) for item in items):
            flow = f"{head} [{', '.join(self.flow_item(item) for item in items)}]"
            if len(flow) <= WIDTH and not any(_needs_block(item) for item in items):
                return [flow]
        lines = [head]
        pad = " " * (indent + INDENT)
        for item in items:
            if isinstance(item, Mapping) and item:
                # The item's keys line up after the dash: `- type: URL` / `  text: ...`.
                inner = self.mapping(item, indent + 2 * INDENT)
                inner[0] = f"{pad}- {inner[0].lstrip()}"
                lines += inner
            else:
                lines += self.value(f"{pad}-", item, indent + INDENT)
        return lines

    def flow_item(self, item: Any) -> str:
        if not isinstance(item, str):
            return _scalar(item)
        if not self.quote_all and _plain(item, flow=True):
            return item
        return _double(item)

    def key(self, key: str) -> str:
        return key if _plain(key, flow=False) else _double(key)

    def string(self, head: str, text: str, indent: int) -> list[str]:
        if self.quote_all:
            return [f"{head} {_double(text)}"]
        analysis = _ANALYSER.analyze_scalar(text)
        block_ok = analysis.allow_block and not (_ODD_BREAKS & set(text)) and not _hidden(text)
        if "\n" in text:
            return _literal(head, text, indent) if block_ok else [f"{head} {_double(text)}"]
        plain = _plain(text, flow=False)
        one_line = f"{head} {text if plain else _double(text)}"
        if len(one_line) > WIDTH and block_ok and _foldable(text):
            return _folded(head, text, indent)
        return [one_line]


def _needs_block(item: Any) -> bool:
    return isinstance(item, str) and "\n" in item


def plain_ok(text: str) -> bool:
    """Whether `text` may be written as a plain block scalar: YAML 1.1 and 1.2 both read it back
    as exactly this text (not a number, a boolean, a date or null)."""
    return _plain(text, flow=False)


def _plain(text: str, flow: bool) -> bool:
    if not text or _ODD_BREAKS & set(text) or _hidden(text):
        return False
    analysis = _ANALYSER.analyze_scalar(text)
    if analysis.multiline:
        return False
    allowed = analysis.allow_flow_plain if flow else analysis.allow_block_plain
    # `4242`, `yes` or `null` written plain would come back as a number, a bool or nothing.
    return bool(allowed) and _resolve(text) == _STR_TAG and not _CORE_12.match(text)


def _hidden(text: str) -> bool:
    """Whether `text` holds a character a reviewer could not see in the file (zero-width,
    bidirectional, control): then it is double-quoted, where each is spelled as an escape and
    reads back as the same character."""
    return any(UNSAFE.match(char) for char in text if char not in "\n\t")


def _resolve(text: str) -> str:
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        # YAML reads a float back only with a dot in it ("1e+20" would be text): "1.0e+20".
        text = repr(value)
        return text if "." in text else text.replace("e", ".0e", 1)
    raise WriteError(f"cannot write {type(value).__name__} {value!r}")


def _double(text: str) -> str:
    out = ['"']
    for char in text:
        escaped = _ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
        elif _NON_PRINTABLE.match(char) or UNSAFE.match(char):
            code = ord(char)
            out.append(
                f"\\x{code:02x}"
                if code <= 0xFF
                else f"\\u{code:04x}"
                if code <= 0xFFFF
                else f"\\U{code:08x}"
            )
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _literal(head: str, text: str, indent: int) -> list[str]:
    if text.endswith("\n"):
        # One trailing newline is YAML's default (clip); more must be kept explicitly.
        chomp = "+" if text.endswith("\n\n") or text == "\n" else ""
        body = text[:-1]
    else:
        chomp, body = "-", text
    # A first line that starts with a space would be read as the block's indentation.
    hint = str(INDENT) if text[:1] in (" ", "\n") else ""
    pad = " " * (indent + INDENT)
    return [
        f"{head} |{hint}{chomp}",
        *(f"{pad}{line}" if line else "" for line in body.split("\n")),
    ]


def _foldable(text: str) -> bool:
    # Folding turns each line break back into exactly one space, so text is folded only at
    # single spaces between words; leading or doubled spaces and tabs are kept by other styles.
    return (
        " " in text
        and text == text.strip()
        and "  " not in text
        and "\t" not in text
        and "\n" not in text
    )


def _folded(head: str, text: str, indent: int) -> list[str]:
    pad = " " * (indent + INDENT)
    room = max(WIDTH - len(pad), 20)
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > room:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return [f"{head} >-", *(pad + line for line in lines)]
