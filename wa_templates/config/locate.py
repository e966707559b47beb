"""The line each key of a TOML file is defined on, for error messages and `wa-templates config`.

tomllib gives values, no positions. So the text is scanned once more here, after tomllib has
accepted it: a small scanner that knows just enough of TOML to find keys (table headers, dotted
and quoted keys, inline tables) and to step over everything else (strings of the four kinds,
multi-line ones included, arrays over several lines, comments). Each key path, from the file's
root, is mapped to the line of its first definition; a table that is only implied (`[a.b]`
implies `a`) gets the line that implies it. Keys inside arrays are not mapped: a problem inside
an array is reported at the array's key.

Because the text is known to be valid TOML, the scanner never has to report a syntax error:
what it does not recognise it skips.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

KeyPath = tuple[str, ...]

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
_VALUE_END = frozenset(",]}#\n")


def key_lines(text: str) -> dict[KeyPath, int]:
    """Key path -> 1-based line of its first definition, for every key outside arrays."""
    scanner = _Scanner(text)
    scanner.document()
    return scanner.found


def line_of(lines: Mapping[KeyPath, int], path: tuple[str | int, ...]) -> int | None:
    """The line of `path`, or of its nearest ancestor that has one (list indices are skipped)."""
    keys = tuple(part for part in path if isinstance(part, str))
    while keys:
        line = lines.get(keys)
        if line is not None:
            return line
        keys = keys[:-1]
    return None


@dataclass(slots=True)
class _Scanner:
    text: str
    pos: int = 0
    line: int = 1
    found: dict[KeyPath, int] = field(default_factory=dict)

    def document(self) -> None:
        table: KeyPath = ()
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return
            if self.peek() == "[":
                table = self.header()
            else:
                self.pair(table)
            self.skip_line()

    # --- structure ---------------------------------------------------------------------

    def header(self) -> KeyPath:
        """`[a.b]` or `[[a.b]]`: the table the next keys belong to."""
        self.pos += 2 if self.text.startswith("[[", self.pos) else 1
        self.skip_blank()
        path = self.key()
        self.record(path)
        return path

    def pair(self, table: KeyPath) -> None:
        """`a.b = value`: each dotted part is defined here, then the value is stepped over."""
        path = table + self.key()
        self.record(path)
        self.skip_blank()
        if self.peek() == "=":
            self.pos += 1
        self.skip_blank()
        self.value(path)

    def record(self, path: KeyPath) -> None:
        for end in range(1, len(path) + 1):
            self.found.setdefault(path[:end], self.line)

    def key(self) -> KeyPath:
        parts = [self.simple_key()]
        self.skip_blank()
        while self.peek() == ".":
            self.pos += 1
            self.skip_blank()
            parts.append(self.simple_key())
            self.skip_blank()
        return tuple(parts)

    def simple_key(self) -> str:
        char = self.peek()
        if char == '"':
            return self.basic_string()
        if char == "'":
            return self.literal_string()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in _BARE:
            self.pos += 1
        return self.text[start : self.pos]

    # --- values ------------------------------------------------------------------------

    def value(self, path: KeyPath | None) -> None:
        """Step over one value; keys of an inline table under `path` are recorded."""
        text, char = self.text, self.peek()
        if text.startswith('"""', self.pos) or text.startswith("'''", self.pos):
            self.multiline_string(text[self.pos])
        elif char == '"':
            self.basic_string()
        elif char == "'":
            self.literal_string()
        elif char == "[":
            self.array()
        elif char == "{":
            self.inline_table(path)
        else:  # numbers, booleans, dates: nothing in them ends a value early
            while self.pos < len(text) and text[self.pos] not in _VALUE_END:
                self.pos += 1

    def array(self) -> None:
        self.pos += 1
        while self.pos < len(self.text):
            self.skip_blank(newlines=True)
            if self.peek() == "]":
                self.pos += 1
                return
            if self.peek() == ",":
                self.pos += 1
                continue
            self.value(None)

    def inline_table(self, path: KeyPath | None) -> None:
        self.pos += 1
        while self.pos < len(self.text):
            self.skip_blank(newlines=True)
            char = self.peek()
            if char == "}":
                self.pos += 1
                return
            if char == ",":
                self.pos += 1
                continue
            inner = self.key()
            if path is not None:
                self.record(path + inner)
            self.skip_blank()
            if self.peek() == "=":
                self.pos += 1
            self.skip_blank()
            self.value(None if path is None else path + inner)

    def basic_string(self) -> str:
        self.pos += 1
        out: list[str] = []
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                break
            if char == "\\":
                out.append(self.escape())
                continue
            if char == "\n":  # not valid TOML: stop at the line rather than run on
                break
            out.append(char)
            self.pos += 1
        return "".join(out)

    def escape(self) -> str:
        code = self.text[self.pos + 1 : self.pos + 2]
        if code in ("u", "U"):
            width = 4 if code == "u" else 8
            digits = self.text[self.pos + 2 : self.pos + 2 + width]
            self.pos += 2 + width
            try:
                return chr(int(digits, 16))
            except ValueError:
                return ""
        self.pos += 2
        return _ESCAPES.get(code, "")

    def literal_string(self) -> str:
        end = self.text.find("'", self.pos + 1)
        end = len(self.text) if end < 0 else end
        value = self.text[self.pos + 1 : end]
        self.pos = end + 1
        return value

    def multiline_string(self, quote: str) -> None:
        """`\"\"\"...\"\"\"` or `'''...'''`, which may hold line breaks and up to two quotes
        right before the closing three."""
        text, delimiter = self.text, quote * 3
        index = self.pos + 3
        while index < len(text):
            if quote == '"' and text[index] == "\\":
                index += 2
                continue
            if text.startswith(delimiter, index):
                run = 3
                while index + run < len(text) and text[index + run] == quote and run < 5:
                    run += 1
                index += run
                break
            index += 1
        self.line += text.count("\n", self.pos, index)
        self.pos = index

    # --- blanks ------------------------------------------------------------------------

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_blank(self, newlines: bool = False) -> None:
        """Spaces and tabs; with `newlines`, line breaks and comments too."""
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r":
                self.pos += 1
            elif newlines and char == "\n":
                self.line += 1
                self.pos += 1
            elif newlines and char == "#":
                self.skip_comment()
            else:
                return

    def skip_comment(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end

    def skip_line(self) -> None:
        """What is left of a line after a header or a pair: blanks and a comment."""
        self.skip_blank()
        if self.peek() == "#":
            self.skip_comment()
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end
