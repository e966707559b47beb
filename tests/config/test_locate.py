"""config.locate: the line each key of a TOML file is written on."""

from __future__ import annotations

import textwrap
import tomllib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from wa_templates.config.locate import key_lines, line_of

DOCUMENT = textwrap.dedent(
    '''\
    # a comment with = and [brackets]
    templates_dir = "templates"   # trailing comment
    ignore = [
      "legacy_*",   # a comment inside an array
      """a multi-line
    string = "that looks like a key"
    """,
      'literal ]',
    ]
    note = \'\'\'
    [not_a_table]
    \'\'\'
    limits.max_names = 3
    "quoted key" = 1979-05-27 07:32:00Z

    [safety]
    max_fraction = 0.5

    [ targets . "prod env" ]
    account_id = "x"
    inline = { a = 1, b = { c = "}" } }

    [[servers]]
    name = "one"
    '''
)


def test_every_kind_of_key_is_found_on_its_line() -> None:
    tomllib.loads(DOCUMENT)  # the scanner is only ever given valid TOML
    lines = key_lines(DOCUMENT)
    assert lines == {
        ("templates_dir",): 2,
        ("ignore",): 3,
        ("note",): 10,
        ("limits",): 13,
        ("limits", "max_names"): 13,
        ("quoted key",): 14,
        ("safety",): 16,
        ("safety", "max_fraction"): 17,
        ("targets",): 19,
        ("targets", "prod env"): 19,
        ("targets", "prod env", "account_id"): 20,
        ("targets", "prod env", "inline"): 21,
        ("targets", "prod env", "inline", "a"): 21,
        ("targets", "prod env", "inline", "b"): 21,
        ("targets", "prod env", "inline", "b", "c"): 21,
        ("servers",): 23,
        ("servers", "name"): 24,
    }


def test_a_path_without_a_line_takes_its_nearest_ancestors() -> None:
    lines = key_lines(DOCUMENT)
    assert line_of(lines, ("ignore", 1)) == 3
    assert line_of(lines, ("targets", "prod env", "region")) == 19
    assert line_of(lines, ("nowhere",)) is None


def test_escapes_in_quoted_keys_and_crlf_line_ends() -> None:
    text = 'a = 1\r\n"b\\u00e9\\"x" = 2\r\n[t]\r\n\'c\' = """\r\n\r\n"""\r\nd = 4\r\n'
    assert tomllib.loads(text)
    assert key_lines(text) == {
        ("a",): 1,
        ('bé"x',): 2,
        ("t",): 3,
        ("t", "c"): 4,
        ("t", "d"): 7,
    }


_KEYS = st.text(alphabet="abcxyz_-", min_size=1, max_size=6) | st.text(
    alphabet="ab c.=#[]'é", min_size=1, max_size=6
)
_SCALARS = st.one_of(
    st.integers(-5, 5),
    st.booleans(),
    st.text(alphabet="ab\n\"'#=[]{} \\", max_size=8),
)
_TABLES = st.recursive(
    st.dictionaries(_KEYS, _SCALARS, max_size=4),
    lambda inner: st.dictionaries(
        _KEYS, inner | _SCALARS | st.lists(_SCALARS, max_size=3), max_size=4
    ),
    max_leaves=12,
)


def _key(name: str) -> str:
    bare = all(c.isascii() and (c.isalnum() or c in "_-") for c in name)
    return name if bare else '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[\n  " + ",\n  ".join(_value(v) for v in value) + ",\n]" if value else "[]"
    if "\n" in value and "'''" not in value:
        return "'''\n" + value + "'''"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _write(
    table: dict[str, Any], path: tuple[str, ...], out: list[str], lines: dict[Any, int]
) -> None:
    """TOML for `table`, remembering the line each key is written on."""
    nested = {k: v for k, v in table.items() if isinstance(v, dict)}
    for key, value in table.items():
        if key not in nested:
            lines[(*path, key)] = len(out) + 1
            out.extend(f"{_key(key)} = {_value(value)}".split("\n"))
    for key, value in nested.items():
        lines[(*path, key)] = len(out) + 1
        out.append("[" + ".".join(_key(k) for k in (*path, key)) + "]")
        _write(value, (*path, key), out, lines)


@settings(max_examples=150, deadline=None)
@given(_TABLES)
def test_written_tables_are_found_where_they_were_written(table: dict[str, Any]) -> None:
    out: list[str] = []
    expected: dict[Any, int] = {}
    _write(table, (), out, expected)
    text = "\n".join(out) + "\n"
    assert tomllib.loads(text) == table
    found = key_lines(text)
    for path, line in expected.items():
        assert found[path] == line, (path, text)
