"""Safe YAML loading that remembers where every key and item came from.

Like octoDNS's loader, every mapping key and sequence item keeps its line and column, so a
problem found much later (a rule on a button text) can still point at the file. Unlike a plain
`yaml.safe_load`, it refuses duplicate keys, list or mapping keys, tags beyond plain data,
oversized files, deep nesting, recursive anchors and alias expansion bombs, and reports each as
one `YamlError` with a position and a one-line message instead of a traceback.

A file's text must reach Meta exactly as written, but YAML 1.1 reads an unquoted `02134` as 1116,
`12:30` as 750 and `on` as true. So no scalar is converted here: quoted and plain text comes out
as `str`, and an unquoted scalar that YAML 1.1 would type comes out as a `Scalar` (scalar.py), a
`str` holding the characters written, tagged with what YAML 1.1 makes of it. The model decides
per field (model.py): text fields keep the characters, number and boolean fields accept only the
forms every YAML version reads alike. Keys are always the text written.

The C parser (libyaml) builds the node graph; this module walks it once, so parsing costs barely
more than `yaml.load(..., CSafeLoader)`.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from wa_templates.files.scalar import Scalar
from wa_templates.untrusted import clip

try:  # libyaml is the fast path; the pure-Python parser gives identical results, slower.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path = tuple[str | int, ...]

MAX_BYTES = 1024 * 1024
"""A template file is a few KB; anything over 1 MiB is a mistake or an attack."""
MAX_NODES = 50_000
"""Nodes visited after alias expansion: stops billion-laughs documents before they cost memory."""
MAX_DEPTH = 64
"""Nested lists and mappings; a real template needs about six."""

_COMPOSE_SAFE = 1_000
_CORE = "tag:yaml.org,2002:"
_STR = _CORE + "str"
_SCALAR_TAGS = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_MERGE = _CORE + "merge"
_BOMS = (
    # UTF-32 first: its little-endian mark begins with UTF-16's.
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_TIMESTAMP = yaml.constructor.SafeConstructor.timestamp_regexp
_ODD_BREAK_CHARS = "\x85\u2028\u2029"
_CONTENT = re.compile(r"(?:\A|[\r\n])[ \t]*[^\s#]")
"""A line that is neither blank nor a comment: found at once in a template, which starts so."""
_BREAK = re.compile(r"\r\n?|\n")
"""A line break as YAML 1.2 and editors count them (Python's splitlines also splits at U+2028)."""
_ALIAS = re.compile(r"\*([^\s,\[\]{}]+)")
_ANCHOR = re.compile(r"&([^\s,\[\]{}]+)")


class YamlError(Exception):
    """Input that cannot become data. `code` is a WA0xx id, positions are 1-based."""

    def __init__(self, code: str, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column


@dataclass(slots=True)
class Document:
    data: dict[str, Any]
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path) -> tuple[int, int]:
        """Position of `path`, or of its nearest ancestor that has one."""
        while path:
            found = self.positions.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return self.positions.get((), (1, 1))


def check_size(size: int) -> None:
    """Refuse a file of `size` bytes before reading or parsing it, if it is over MAX_BYTES."""
    if size > MAX_BYTES:
        raise YamlError(
            "WA009",
            f"file is {size:,} bytes ({size / 1024 / 1024:.1f} MiB); a template file may be at "
            f"most {MAX_BYTES // 1024 // 1024} MiB ({MAX_BYTES:,} bytes)",
        )


def decode(raw: bytes) -> str:
    """UTF-8 (an optional BOM allowed) or a YamlError naming the line of the first bad byte."""
    check_size(len(raw))
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            raise YamlError(
                "WA006",
                f"file is {encoding} (it starts with a {encoding} byte order mark); "
                "save it as UTF-8",
            )
    # The BOM is dropped by hand: the utf-8-sig codec counts error offsets after it.
    body = raw[len(codecs.BOM_UTF8) :] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col_of_byte(body, exc.start)
        raise YamlError(
            "WA006",
            f"file is not valid UTF-8: byte 0x{body[exc.start]:02x} cannot be decoded; "
            "save the file as UTF-8",
            line,
            column,
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        # UTF-16 without a byte order mark decodes as UTF-8 full of NULs; so does a binary file.
        line, column = _line_col(text, nul)
        raise YamlError(
            "WA006",
            "file contains a NUL byte: it looks like UTF-16 or a binary file; save it as UTF-8",
            line,
            column,
        )
    return text


def parse(text: str) -> Document:
    """Parse one YAML document whose root must be a mapping."""
    if _CONTENT.search(text) is None:
        raise YamlError(
            "WA007", "file is empty: expected a template mapping with name and category"
        )
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        line, column = _line_col(text, bad.start())
        raise YamlError(
            "WA001",
            f"invalid YAML: control character U+{ord(bad.group()):04X} is not allowed; remove it",
            line,
            column,
        )
    parsed, restore = _shield_breaks(text)
    try:
        # libyaml's composer recurses in C and crashes the interpreter (SIGSEGV) on some tens of
        # thousands of nested brackets. Block mappings cannot nest past ~1,450 levels in 1 MiB of
        # indentation; only `[`, `{`, `- ` and `? ` can go deeper. Counting them costs almost
        # nothing, and only a file with many pays for measuring the depth on the event stream.
        if sum(text.count(c) for c in "[{-?") > _COMPOSE_SAFE:
            _check_nesting(parsed)
        loader = _Loader(parsed)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" in (exc.problem or ""):
            # PyYAML >= 6.0.4's libyaml stops at 1,000 flow levels, scanning ahead of our count.
            mark = exc.problem_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            message = f"lists and mappings nest deeper than {MAX_DEPTH} levels"
            raise YamlError("WA009", message, line, column) from None
        raise _syntax_error(exc, text) from None
    except yaml.YAMLError as exc:  # pragma: no cover - control characters are refused above
        raise YamlError("WA001", "invalid YAML: " + " ".join(str(exc).split())) from None
    if node is None or (
        isinstance(node, yaml.ScalarNode) and node.tag == _CORE + "null" and not node.value
    ):
        raise YamlError(
            "WA007", "file is empty: expected a template mapping with name and category"
        )
    if not isinstance(node, yaml.MappingNode):
        kind = (
            "a list"
            if isinstance(node, yaml.SequenceNode)
            else f"a single value ('{clip(str(node.value).translate(restore or {}))}')"
        )
        raise YamlError(
            "WA008",
            f"the file holds {kind}; expected a mapping with name, category and languages",
            node.start_mark.line + 1,
            node.start_mark.column + 1,
        )
    walker = _Walker(loader, restore)
    walker.positions[()] = _pos(node)
    data = walker.walk(node, (), 0, _pos(node))
    return Document(data, walker.positions)


def _shield_breaks(text: str) -> tuple[str, dict[int, str] | None]:
    """`text` with U+0085, U+2028 and U+2029 swapped for private-use stand-ins, and the table that
    swaps them back, or `text` itself and None when it has none.

    YAML 1.1 (so PyYAML and libyaml) counts these as line breaks, YAML 1.2, editors and GitHub do
    not: a comment would end at one and its rest be read as data, a plain value would break in
    two, and every line number after one would be off. Each is swapped one for one, so columns
    stay right, for a character the file does not contain, not even as a `\\uXXXX` escape, which
    could otherwise produce the stand-in inside a quoted string.
    """
    # Three searches beat one regex: each is a memchr, or nothing at all in a text whose widest
    # character is narrower than the one sought.
    if all(char not in text for char in _ODD_BREAK_CHARS):
        return text, None
    lowered = text.lower()
    stand_ins = (
        code
        for code in range(0xE000, 0xF900)
        if chr(code) not in text and f"{code:04x}" not in lowered
    )
    restore = {next(stand_ins): char for char in _ODD_BREAK_CHARS}
    shield = {ord(char): chr(code) for code, char in restore.items()}
    return text.translate(shield), restore


def _check_nesting(text: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                assert mark is not None  # the parser marks every event it emits
                raise YamlError(
                    "WA009",
                    f"lists and mappings nest deeper than {MAX_DEPTH} levels",
                    mark.line + 1,
                    mark.column + 1,
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> YamlError:
    """libyaml's complaint as one line a person can act on, at the most useful position."""
    problem = " ".join((exc.problem or "not valid YAML").split())
    context = " ".join((exc.context or "").split())
    mark = exc.problem_mark or exc.context_mark
    start = exc.context_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    char = _char_at(text, line, column)
    if char == "\t":
        message = "a tab character here; YAML indents and separates with spaces only"
    elif problem == "found unexpected end of stream" and start is not None:
        # The end of the file is where libyaml noticed, not where the mistake is.
        line, column = start.line, start.column
        what = context.removeprefix("while scanning a ").replace("quoted scalar", "quoted string")
        message = f"the file ends inside the {what} that starts here; close it"
    elif context.startswith("while parsing a flow") and start is not None and start.line != line:
        # A `[` or `{` left open: libyaml notices lines later, at whatever follows.
        what = "list" if context.endswith("sequence") else "mapping"
        message = (
            f"the {what} '{_char_at(text, start.line, start.column)}' opened here is never closed "
            f"(line {line + 1}: {problem})"
        )
        line, column = start.line, start.column
    elif context == "while parsing a flow node":
        message = f"{problem} inside '[...]' or '{{...}}': is a bracket left open, or a ',' extra?"
    elif problem == "found character that cannot start any token" and char:
        message = f"character '{char}' cannot start a value; put the value in quotes"
    elif problem.startswith("mapping values are not allowed"):
        message = "unexpected ': ' in a value; put a value that contains ': ' in quotes"
    elif problem == "found undefined alias":
        found = _ALIAS.match(_lines(text)[line], column) if char == "*" else None
        name = found.group(1) if found else "?"
        message = f"alias '*{name}' refers to no anchor '&{name}' defined before it"
    elif problem == "second occurrence" and start is not None:
        found = _ANCHOR.match(_lines(text)[line], column) if char == "&" else None
        name = f" '&{found.group(1)}'" if found else ""
        message = f"anchor{name} is defined twice (first at line {start.line + 1})"
    elif problem == "but found another document":
        message = "the file holds more than one YAML document ('---'); put one template per file"
    else:
        message = f"{problem} {context}".strip()
        if context and start is not None and start.line != line:
            message += f" that starts at line {start.line + 1}"
    return YamlError("WA001", f"invalid YAML: {message}", line + 1, column + 1)


class _Walker:
    """One pass over the node graph: data, positions, and the limits aliases could break.

    An alias is the anchored node itself in the graph, so its own position is lost. The walk is in
    document order and an anchor comes before its aliases, so the first visit of a list or mapping
    is its definition and any later one is through an alias. `blame` is the position of the
    nearest key or item written in the text: where an alias bomb or recursive anchor is reported.
    """

    def __init__(self, loader: Any, restore: dict[int, str] | None = None) -> None:
        self.loader = loader
        self.restore = restore
        """Swaps the stand-ins of `_shield_breaks` back, if the text had any."""
        self.positions: dict[Path, tuple[int, int]] = {}
        self.visited = 0
        self.seen: set[int] = set()
        self.open: set[int] = set()
        """Collections being walked: meeting one again means an alias refers to its ancestor."""

    def walk(self, node: yaml.Node, path: Path, depth: int, blame: tuple[int, int]) -> Any:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise YamlError(
                "WA009",
                f"aliases expand the document to more than {MAX_NODES:,} values "
                "(an alias bomb?); write the values out instead",
                *blame,
            )
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR:  # the common case, without the constructor's bookkeeping
                return node.value if self.restore is None else node.value.translate(self.restore)
            return self._scalar(node)
        if id(node) in self.open:
            raise YamlError(
                "WA009",
                "an alias refers to a list or mapping that contains it (recursive anchor)",
                *blame,
            )
        if depth >= MAX_DEPTH:
            raise YamlError(
                "WA009", f"lists and mappings nest deeper than {MAX_DEPTH} levels", *blame
            )
        first = id(node) not in self.seen
        if first:
            expected = _CORE + ("map" if isinstance(node, yaml.MappingNode) else "seq")
            if node.tag != expected:
                raise YamlError("WA001", _unsupported(node.tag, node), *_pos(node))
            self.seen.add(id(node))
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path, depth + 1, blame, first)
            items = []
            for index, child in enumerate(node.value):
                child_path = (*path, index)
                where = _pos(child)
                self.positions[child_path] = where
                own = (
                    first and not isinstance(child, yaml.ScalarNode) and id(child) not in self.seen
                )
                items.append(self.walk(child, child_path, depth + 1, where if own else blame))
            return items
        finally:
            self.open.discard(id(node))

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        """A scalar YAML 1.1 types: a `Scalar` of the text written, None for an empty value."""
        if node.tag not in _SCALAR_TAGS:
            raise YamlError("WA001", _unsupported(node.tag, node), *_pos(node))
        tag = node.tag.removeprefix(_CORE)
        if tag == "timestamp" and _TIMESTAMP.match(node.value):
            # Not constructed: `2024-02-30` is a fine sample but no date.
            return Scalar(node.value, tag, node.value)
        try:
            value = self.loader.construct_object(node, deep=True)
        except Exception:  # PyYAML raises ValueError, KeyError... for `!!int abc`
            raise YamlError(
                "WA001", f"invalid YAML: '{clip(node.value)}' is not a valid !!{tag}", *_pos(node)
            ) from None
        if value is None and not node.value:
            return None  # nothing written: the key is there without a value
        return Scalar(node.value, tag, value)

    def _mapping(
        self, node: yaml.MappingNode, path: Path, depth: int, blame: tuple[int, int], first: bool
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            where = _pos(key_node)
            if key_node.tag == _MERGE:
                raise YamlError(
                    "WA001",
                    "invalid YAML: merge keys (<<) are not supported; write the keys out",
                    *where,
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(
                    "WA004", "a key must be a plain string, not a list or mapping", *where
                )
            if key_node.tag != _STR:
                self._scalar(key_node)  # refuses `!!python/name:x:` and `!!int abc:` keys
            # Every key of the format is text: unquoted `1:` or `yes:` too.
            key: str = key_node.value
            if self.restore is not None:
                key = key.translate(self.restore)
            child_path = (*path, key)
            if key in result:
                line = self.positions[child_path][0]
                raise YamlError(
                    "WA002", f"duplicate key '{key}' (first defined at line {line})", *where
                )
            self.positions[child_path] = where
            result[key] = self.walk(value_node, child_path, depth, where if first else blame)
        return result


def _unsupported(tag: str, node: yaml.Node) -> str:
    short = "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag
    if tag in _SCALAR_TAGS:
        kind = "mapping" if isinstance(node, yaml.MappingNode) else "list"
        return f"invalid YAML: the tag '{short}' cannot be put on a {kind}"
    return f"invalid YAML: the tag '{short}' is not supported; only plain YAML data is allowed"


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _lines(text: str) -> list[str]:
    return _BREAK.split(text)


def _char_at(text: str, line: int, column: int) -> str:
    lines = _lines(text)
    if line < len(lines) and column < len(lines[line]):
        return lines[line][column]
    return ""


def _line_col(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _line_col_of_byte(raw: bytes, index: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, index) + 1
    # Columns count characters, as the YAML positions do; the line is valid up to `index`.
    prefix = raw[line_start:index].decode("utf-8")
    return raw.count(b"\n", 0, index) + 1, len(prefix) + 1
