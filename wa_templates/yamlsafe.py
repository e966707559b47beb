"""Safe YAML loading that remembers where every key and item came from.

Like octoDNS's loader, every mapping key and sequence item keeps its line and column, so a
problem found much later (a rule on a button text) can still point at the file. Unlike a plain
`yaml.safe_load`, it refuses duplicate keys, non-string keys, oversized files, deep nesting and
alias expansion bombs, and reports each as one `YamlError` with a position instead of a traceback.

The C parser (libyaml) builds the node graph; this module walks it once, resolving scalars with
PyYAML's safe constructor, so parsing costs barely more than `yaml.load(..., CSafeLoader)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

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
_STR = "tag:yaml.org,2002:str"


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


def decode(raw: bytes) -> str:
    """UTF-8 (an optional BOM allowed) or a YamlError naming the line of the first bad byte."""
    if len(raw) > MAX_BYTES:
        raise YamlError(
            "WA009",
            f"file is {len(raw) / 1024 / 1024:.1f} MiB, over the {MAX_BYTES // 1024 // 1024} MiB "
            "limit for a template file",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError(
            "WA006",
            f"file is not valid UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded",
            line,
            column,
        ) from None


def parse(text: str) -> Document:
    """Parse one YAML document whose root must be a mapping."""
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise YamlError("WA007", "file is empty: expected a template mapping with name and category")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        raise YamlError("WA001", f"invalid YAML: {problem}{context}", line, col) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports everything as marked
        raise YamlError("WA001", f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    if node is None:
        raise YamlError("WA007", "file is empty: expected a template mapping with name and category")
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        raise YamlError(
            "WA008",
            f"the file holds {kind}; expected a mapping with name, category and languages",
            node.start_mark.line + 1,
            node.start_mark.column + 1,
        )
    walker = _Walker(loader)
    data = walker.walk(node, (), 0)
    walker.positions[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
    return Document(data, walker.positions)


class _Walker:
    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.positions: dict[Path, tuple[int, int]] = {}
        self.visited = 0

    def walk(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise YamlError(
                "WA009",
                f"document expands to more than {MAX_NODES:,} values (alias bomb or recursive "
                "anchor?)",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        if depth > MAX_DEPTH:
            raise YamlError(
                "WA009",
                f"document nests deeper than {MAX_DEPTH} levels",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                child_path = (*path, index)
                self.positions[child_path] = (
                    child.start_mark.line + 1,
                    child.start_mark.column + 1,
                )
                items.append(self.walk(child, child_path, depth + 1))
            return items
        if node.tag == _STR:
            return node.value  # the common case, without the constructor's bookkeeping
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or node.start_mark
            raise YamlError(
                "WA001", f"invalid YAML: {exc.problem}", mark.line + 1, mark.column + 1
            ) from None

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError("WA001", "YAML merge keys (<<) are not supported", line, col)
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError("WA004", "a key must be a plain string, not a list or mapping", line, col)
            key = (
                key_node.value if key_node.tag == _STR else self.loader.construct_object(key_node)
            )
            if not isinstance(key, str):
                # Unquoted `1:` or `yes:` keys; in this format every key is a string.
                key = str(key_node.value)
            if key in result:
                first = self.positions[(*path, key)]
                raise YamlError(
                    "WA002", f"duplicate key '{key}' (first defined at line {first[0]})", line, col
                )
            child_path = (*path, key)
            self.positions[child_path] = (line, col)
            result[key] = self.walk(value_node, child_path, depth + 1)
        return result
