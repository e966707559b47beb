"""yamlsafe: positions, refusals and the one-line messages of the position-keeping loader."""

from __future__ import annotations

import codecs
import copy
import pickle
import textwrap

import pytest
import yaml

from wa_templates.files import yamlsafe
from wa_templates.files.scalar import Scalar, typed
from wa_templates.files.yamlsafe import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    Document,
    YamlError,
    check_size,
    decode,
    parse,
)


def doc(text: str) -> Document:
    return parse(textwrap.dedent(text))


def error(text: str) -> YamlError:
    with pytest.raises(YamlError) as caught:
        parse(textwrap.dedent(text))
    assert "\n" not in caught.value.message
    return caught.value


def where(exc: YamlError) -> tuple[str, int, int]:
    return exc.code, exc.line, exc.column


# --- positions ----------------------------------------------------------------------------


def test_positions_of_nested_keys_and_list_items() -> None:
    d = doc("""\
        # a comment first
        name: t
        languages:
          en_US:
            buttons:
              - type: URL
                text: Go
              - {type: QUICK_REPLY, text: Stop}
            body: {examples: [a, b]}
        """)
    assert d.positions[()] == (2, 1)
    assert d.positions[("name",)] == (2, 1)
    assert d.positions[("languages", "en_US")] == (4, 3)
    assert d.positions[("languages", "en_US", "buttons", 0)] == (6, 9)
    assert d.positions[("languages", "en_US", "buttons", 0, "text")] == (7, 9)
    assert d.positions[("languages", "en_US", "buttons", 1)] == (8, 9)
    assert d.positions[("languages", "en_US", "buttons", 1, "text")] == (8, 29)
    assert d.positions[("languages", "en_US", "body", "examples", 1)] == (9, 26)
    assert d.data["languages"]["en_US"]["buttons"][1] == {"type": "QUICK_REPLY", "text": "Stop"}


def test_position_falls_back_to_the_nearest_ancestor_then_the_root() -> None:
    d = doc("""\

        name: t
        body:
          text: hi
        """)
    assert d.position(("body", "text")) == (4, 3)
    assert d.position(("body", "examples", 3)) == (3, 1)
    assert d.position(("nowhere", "deeper")) == (2, 1)
    assert d.position(()) == (2, 1)
    assert Document({}).position(("a", 1)) == (1, 1)


def test_an_aliased_mapping_has_positions_under_each_path_pointing_at_its_anchor() -> None:
    d = doc("""\
        a: &shared
          text: hi
        b: *shared
        """)
    assert d.data == {"a": {"text": "hi"}, "b": {"text": "hi"}}
    assert d.positions[("b",)] == (3, 1)
    assert d.positions[("b", "text")] == d.positions[("a", "text")] == (2, 3)


def test_crlf_line_endings_keep_the_same_lines() -> None:
    d = parse("name: t\r\nbody:\r\n  text: hi\r\n")
    assert d.positions[("body", "text")] == (3, 3)


# --- decoding -----------------------------------------------------------------------------


def test_a_utf8_byte_order_mark_is_dropped_and_positions_are_unchanged() -> None:
    text = decode(codecs.BOM_UTF8 + b"name: t\nbody: {text: hi}\n")
    assert text.startswith("name")
    d = parse(text)
    assert d.positions[("name",)] == (1, 1)
    assert d.positions[("body", "text")] == (2, 8)


def test_invalid_utf8_names_the_byte_and_its_line_and_character_column() -> None:
    raw = "name: t\ntext: ñandú ".encode() + b"\xff rest\n"
    with pytest.raises(YamlError) as caught:
        decode(raw)
    assert where(caught.value) == ("WA006", 2, 13)
    assert "byte 0xff" in caught.value.message and "save the file as UTF-8" in caught.value.message


def test_invalid_utf8_on_the_first_line_after_a_bom_counts_columns_from_the_text() -> None:
    with pytest.raises(YamlError) as caught:
        decode(codecs.BOM_UTF8 + b"ab\xc3(")
    assert where(caught.value) == ("WA006", 1, 3)


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        ("name: t\n".encode("utf-16"), "UTF-16"),
        (codecs.BOM_UTF16_BE + "name: t\n".encode("utf-16-be"), "UTF-16"),
        (codecs.BOM_UTF32_LE + "name: t\n".encode("utf-32-le"), "UTF-32"),
        (codecs.BOM_UTF32_BE + "name: t\n".encode("utf-32-be"), "UTF-32"),
    ],
)
def test_utf16_and_utf32_are_named_by_their_byte_order_mark(raw: bytes, encoding: str) -> None:
    with pytest.raises(YamlError) as caught:
        decode(raw)
    assert where(caught.value) == ("WA006", 1, 1)
    assert caught.value.message == (
        f"file is {encoding} (it starts with a {encoding} byte order mark); save it as UTF-8"
    )


def test_a_nul_byte_is_reported_where_it_is() -> None:
    with pytest.raises(YamlError) as caught:
        decode(b"name: t\nbo\x00dy: x\n")
    assert where(caught.value) == ("WA006", 2, 3)
    assert "UTF-16 or a binary file" in caught.value.message


def test_the_size_limit_is_inclusive_and_named_in_the_message() -> None:
    check_size(MAX_BYTES)
    with pytest.raises(YamlError) as caught:
        check_size(MAX_BYTES + 1)
    assert where(caught.value) == ("WA009", 1, 1)
    assert caught.value.message == (
        "file is 1,048,577 bytes (1.0 MiB); a template file may be at most 1 MiB (1,048,576 bytes)"
    )
    with pytest.raises(YamlError, match="at most 1 MiB"):
        decode(b"#" * (MAX_BYTES + 1))


# --- U+0085, U+2028, U+2029: characters, not line breaks (YAML 1.2) ------------------------

ODD_BREAKS = [
    pytest.param("\x85", id="next-line-U+0085"),
    pytest.param("\u2028", id="line-separator-U+2028"),
    pytest.param("\u2029", id="paragraph-separator-U+2029"),
]


@pytest.mark.parametrize("char", ODD_BREAKS)
def test_a_separator_in_a_comment_is_part_of_the_comment(char: str) -> None:
    d = parse(f"# note{char}oops: 1\nname: t{char}  # trailing{char}x: 2\nbody:\n  text: hi\n")
    assert d.data == {"name": "t" + char, "body": {"text": "hi"}}
    assert d.positions[("body", "text")] == (4, 3)


@pytest.mark.parametrize("char", ODD_BREAKS)
def test_a_separator_in_a_value_is_kept_and_lines_after_it_count_newlines_only(char: str) -> None:
    d = parse(
        f"plain: one{char}two{char}three\n"
        f'double: "a{char}b"\n'
        f"single: 'a{char}b'\n"
        f"literal: |\n  a{char}b\n  c\n"
        f"{char}key{char}: [x{char}y, {{k: v{char}}}]\n"
        "last: here\n"
    )
    assert d.data == {
        "plain": f"one{char}two{char}three",
        "double": f"a{char}b",
        "single": f"a{char}b",
        "literal": f"a{char}b\nc\n",
        f"{char}key{char}": [f"x{char}y", {"k": f"v{char}"}],
        "last": "here",
    }
    assert d.positions[("last",)] == (8, 1)
    assert d.positions[(f"{char}key{char}", 1, "k")] == (7, 15)


@pytest.mark.parametrize("char", ODD_BREAKS)
def test_a_syntax_error_after_a_separator_is_reported_at_the_line_editors_show(char: str) -> None:
    exc = error(f"# a{char}b{char}c\nname: t{char}u\nbody:\n  text: [a, b\n")
    assert where(exc) == ("WA001", 4, 9)
    exc = error(f"name: x{char}y\nbody:\n\tb: 1\n")
    assert where(exc) == ("WA001", 3, 1)
    assert "tab" in exc.message


def test_characters_like_the_stand_ins_survive_raw_and_as_escapes() -> None:
    # The separators are swapped for private-use characters while libyaml reads the text; one
    # the file already holds, raw or written as an escape, must come out as itself.
    text = 'a: "\\ue000\\uE001 \ue002"\nb: x\u2028y\ue003\nc: "\\U0000e004"\n'
    assert parse(text).data == {"a": "\ue000\ue001 \ue002", "b": "x\u2028y\ue003", "c": "\ue004"}


def test_a_file_whose_only_content_follows_a_separator_in_a_comment_is_empty() -> None:
    exc = error("# nothing here\u2028name: t\n")
    assert where(exc) == ("WA007", 1, 1)


def test_a_single_value_with_a_separator_is_named_with_it() -> None:
    exc = error("just a\u2028value\n")
    assert exc.code == "WA008" and "'just a\\u2028value'" in exc.message


# --- keys and scalars ---------------------------------------------------------------------


def test_non_string_keys_become_the_text_as_written() -> None:
    d = doc("""\
        1: one
        yes: two
        ~: three
        1.50: four
        2024-01-01: five
        "quoted": six
        """)
    assert list(d.data) == ["1", "yes", "~", "1.50", "2024-01-01", "quoted"]
    assert d.positions[("yes",)] == (2, 1)


def test_a_number_key_and_its_quoted_twin_are_duplicates() -> None:
    exc = error("""\
        1: one
        "1": two
        """)
    assert where(exc) == ("WA002", 2, 1)
    assert exc.message == "duplicate key '1' (first defined at line 1)"


def test_a_nested_duplicate_key_is_reported_at_the_second_one() -> None:
    exc = error("""\
        a:
          b: 1
          c: 2
          b: 3
        """)
    assert where(exc) == ("WA002", 4, 3)
    assert "first defined at line 2" in exc.message


def test_scalars_yaml_1_1_would_type_come_out_as_the_text_written_with_their_reading() -> None:
    d = doc("""\
        n: 12
        f: 1.50
        b: yes
        z: ~
        empty:
        s: !!str 123
        q: "0x1F"
        i: !!int "7"
        day: 2024-05-01
        stamp: 2024-05-01 10:00:00
        explicit: !!timestamp 2024-05-01
        """)
    assert d.data == {
        "n": "12",
        "f": "1.50",
        "b": "yes",
        "z": "~",
        "empty": None,
        "s": "123",
        "q": "0x1F",
        "i": "7",
        "day": "2024-05-01",
        "stamp": "2024-05-01 10:00:00",
        "explicit": "2024-05-01",
    }
    readings = {
        key: (value.tag, value.value) for key, value in d.data.items() if isinstance(value, Scalar)
    }
    assert readings == {
        "n": ("int", 12),
        "f": ("float", 1.5),
        "b": ("bool", True),
        "z": ("null", None),
        "i": ("int", 7),
        # Dates are read as their text: no field of the format is a date.
        "day": ("timestamp", "2024-05-01"),
        "stamp": ("timestamp", "2024-05-01 10:00:00"),
        "explicit": ("timestamp", "2024-05-01"),
    }
    # Quoted and !!str scalars are plain text, with no YAML 1.1 reading to consult.
    assert type(d.data["s"]) is str and type(d.data["q"]) is str


EVERYDAY_SAMPLES = """\
    zip: 02134
    time: 12:30
    hex: 0x1F
    thousands: 1_000
    price: 1.50
    order: 000123
    octal_looking: 0777
    exponent: 1e3
    negative: -0
    infinity: .inf
    word_on: on
    word_off: off
    word_yes: yes
    word_no: no
    word_y: y
    word_n: n
    word_True: True
    word_null: null
    tilde: ~
    date: 2024-05-01
    """


def test_typed_gives_what_yaml_1_1_readers_see_and_text_is_kept_beside_it() -> None:
    # The loader's data is the text written; `typed` is PyYAML's safe_load reading of the same
    # file (dates aside), which a writer must agree with.
    text = textwrap.dedent(EVERYDAY_SAMPLES)
    d = parse(text)
    assert d.data == {line.split(": ")[0]: line.split(": ")[1] for line in text.splitlines()}
    expected = {str(k): v for k, v in yaml.safe_load(text).items()}
    expected["date"] = "2024-05-01"  # a date is read as its text
    assert typed(d.data) == expected


def test_a_scalar_survives_copy_and_pickle_with_its_reading() -> None:
    value = parse("a: 0x1F\n").data["a"]
    for clone in (copy.deepcopy(value), pickle.loads(pickle.dumps(value))):
        assert isinstance(clone, Scalar)
        assert (str(clone), clone.tag, clone.value) == ("0x1F", "int", 31)


def test_an_alias_to_a_scalar_is_its_value() -> None:
    assert doc("a: &x hi\nb: *x\n").data == {"a": "hi", "b": "hi"}


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("n: !!int abc\n", "'abc' is not a valid !!int", 4),
        ("n: !!float abc\n", "'abc' is not a valid !!float", 4),
        ("n: !!bool abc\n", "'abc' is not a valid !!bool", 4),
        ("n: !!timestamp abc\n", "'abc' is not a valid !!timestamp", 4),
        ("!!int abc: x\n", "'abc' is not a valid !!int", 1),
        ("n: !!int " + "9x" * 40 + "\n", "'" + "9x" * 18 + "9..." + "' is not a valid !!int", 4),
    ],
)
def test_explicit_tags_with_bad_values_are_syntax_errors(
    text: str, message: str, column: int
) -> None:
    exc = error(text)
    assert where(exc) == ("WA001", 1, column)
    assert exc.message == f"invalid YAML: {message}"


@pytest.mark.parametrize(
    ("text", "shown", "column"),
    [
        ("a: !!python/object/apply:os.system [ls]\n", "!!python/object/apply:os.system", 4),
        ("a: !!python/name:os.system ''\n", "!!python/name:os.system", 4),
        ("a: !env HOME\n", "!env", 4),
        ("a: !!binary aGk=\n", "!!binary", 4),
        ("a: !!set {x, y}\n", "!!set", 4),
        ("a: !!omap [x: 1]\n", "!!omap", 4),
        ("a: !custom\n  b: 1\n", "!custom", 4),
        ("!key a: 1\n", "!key", 1),
        ("a: !<tag:example.com,2024:x> 1\n", "tag:example.com,2024:x", 4),
    ],
)
def test_tags_beyond_plain_data_are_refused(text: str, shown: str, column: int) -> None:
    exc = error(text)
    assert where(exc) == ("WA001", 1, column)
    assert exc.message == (
        f"invalid YAML: the tag '{shown}' is not supported; only plain YAML data is allowed"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!str {b: 1}\n", "the tag '!!str' cannot be put on a mapping"),
        ("a: !!int [1]\n", "the tag '!!int' cannot be put on a list"),
        ("a: !!seq {b: 1}\n", "the tag '!!seq' is not supported; only plain YAML data is allowed"),
    ],
)
def test_a_scalar_tag_on_a_collection_is_refused(text: str, message: str) -> None:
    assert error(text).message == f"invalid YAML: {message}"


def test_merge_keys_are_refused_at_the_merge_key() -> None:
    exc = error("""\
        base: &b {text: hi}
        body:
          <<: *b
        """)
    assert where(exc) == ("WA001", 3, 3)
    assert "merge keys (<<) are not supported" in exc.message


@pytest.mark.parametrize("text", ["? [a, b]\n: x\n", "? {a: 1}\n: x\n", "&k [a]: 1\nb: *k\n"])
def test_a_list_or_mapping_as_a_key_is_a_type_error(text: str) -> None:
    exc = error(text)
    assert exc.code == "WA004" and exc.line == 1
    assert exc.message == "a key must be a plain string, not a list or mapping"


# --- empty and non-mapping files ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n", "# only\n  # comments\n", "---\n", "--- # nothing\n...\n", "%YAML 1.1\n---\n"],
)
def test_empty_files(text: str) -> None:
    exc = error(text)
    assert where(exc) == ("WA007", 1, 1)
    assert exc.message == "file is empty: expected a template mapping with name and category"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("- a\n- b\n", "the file holds a list;", 1),
        ("# c\nhello\n", "the file holds a single value ('hello');", 2),
        ("~\n", "the file holds a single value ('~');", 1),
        ("x" * 50 + "\n", "the file holds a single value ('" + "x" * 37 + "...');", 1),
    ],
)
def test_a_top_level_that_is_not_a_mapping(text: str, message: str, line: int) -> None:
    exc = error(text)
    assert where(exc) == ("WA008", line, 1)
    assert exc.message.startswith(message)
    assert exc.message.endswith("expected a mapping with name, category and languages")


# --- syntax errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("a:\n\tb: 1\n", 2, 1, "a tab character here; YAML indents and separates with spaces only"),
        (
            "a: 1\n\tb: 1\n",
            2,
            1,
            "a tab character here; YAML indents and separates with spaces only",
        ),
        (
            "a: |\n  x\n\ty\n",
            3,
            1,
            "a tab character here; YAML indents and separates with spaces only",
        ),
        (
            "a: b\nc: 'open\nd: e\n",
            2,
            4,
            "the file ends inside the quoted string that starts here; close it",
        ),
        ('a: "open\n', 1, 4, "the file ends inside the quoted string that starts here; close it"),
        (
            "a: [b, c\nd: e\n",
            1,
            4,
            "the list '[' opened here is never closed (line 2: did not find expected ',' or ']')",
        ),
        (
            "a: {b: c\nd: e\n",
            1,
            4,
            "the mapping '{' opened here is never closed "
            "(line 2: did not find expected ',' or '}')",
        ),
        (
            "a: [\n",
            2,
            1,
            "did not find expected node content inside '[...]' or '{...}': "
            "is a bracket left open, or a ',' extra?",
        ),
        ("a: @b\n", 1, 4, "character '@' cannot start a value; put the value in quotes"),
        ("a: `b\n", 1, 4, "character '`' cannot start a value; put the value in quotes"),
        (
            "a: Note: b\n",
            1,
            8,
            "unexpected ': ' in a value; put a value that contains ': ' in quotes",
        ),
        (
            "a: *nowhere\n",
            1,
            4,
            "alias '*nowhere' refers to no anchor '&nowhere' defined before it",
        ),
        ("a: &x 1\nb: &x 2\n", 2, 4, "anchor '&x' is defined twice (first at line 1)"),
        (
            "a: 1\n---\nb: 2\n",
            2,
            1,
            "the file holds more than one YAML document ('---'); put one template per file",
        ),
        (
            "a:\n  b: 1\n c: 2\n",
            3,
            2,
            "did not find expected key while parsing a block mapping that starts at line 1",
        ),
        ("key: [a, b]]\n", 1, 12, "did not find expected key while parsing a block mapping"),
        ("a: 1\n...\nb: 2\n", 3, 1, "did not find expected <document start>"),
    ],
)
def test_syntax_errors_are_one_line_at_the_useful_position(
    text: str, line: int, column: int, message: str
) -> None:
    exc = error(text)
    assert where(exc) == ("WA001", line, column)
    assert exc.message == f"invalid YAML: {message}"


def test_a_control_character_is_refused_where_it_is() -> None:
    exc = error("name: t\nbody: a\x1bb\n")
    assert where(exc) == ("WA001", 2, 8)
    assert exc.message == "invalid YAML: control character U+001B is not allowed; remove it"


def test_syntax_messages_survive_errors_without_marks_or_context() -> None:
    # libyaml always marks its errors; PyYAML's classes allow none, so the message must not fail.
    bare = yamlsafe._syntax_error(yaml.MarkedYAMLError(), "")
    assert where(bare) == ("WA001", 1, 1)
    assert bare.message == "invalid YAML: not valid YAML"
    mark = yaml.Mark("<text>", 0, 0, 0, "x", 0)
    alias = yamlsafe._syntax_error(
        yaml.MarkedYAMLError(problem="found undefined alias", problem_mark=mark), "x"
    )
    assert alias.message == "invalid YAML: alias '*?' refers to no anchor '&?' defined before it"
    anchor = yamlsafe._syntax_error(
        yaml.MarkedYAMLError("found duplicate anchor", mark, "second occurrence", mark), "x"
    )
    assert anchor.message == "invalid YAML: anchor is defined twice (first at line 1)"


# --- limits -------------------------------------------------------------------------------


def laughs(levels: int) -> str:
    lines = ['lol0: &lol0 "lol"']
    for i in range(1, levels + 1):
        lines.append(f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 10)}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_stops_at_the_node_limit_on_the_key_that_expands() -> None:
    exc = error(laughs(9))
    assert where(exc) == ("WA009", 6, 1)  # lol5: the first to take the count past MAX_NODES
    assert f"more than {MAX_NODES:,} values" in exc.message


def test_aliases_below_the_node_limit_load() -> None:
    assert len(doc(laughs(3)).data["lol3"]) == 10


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: &x\n  b: *x\n", 2, 3),
        ("a: &x [1, *x]\n", 1, 1),
        ("a:\n  b: &x\n    - c: 1\n    - d: *x\n", 4, 7),
    ],
)
def test_a_recursive_anchor_is_reported_where_the_alias_is_used(
    text: str, line: int, column: int
) -> None:
    exc = error(text)
    assert where(exc) == ("WA009", line, column)
    assert "recursive anchor" in exc.message


def nested(levels: int) -> str:
    return "a: " + "[" * (levels - 1) + "x" + "]" * (levels - 1) + "\n"


def test_nesting_up_to_the_limit_loads_and_one_more_level_does_not() -> None:
    value = doc(nested(MAX_DEPTH)).data["a"]
    for _ in range(MAX_DEPTH - 2):
        value = value[0]
    assert value == ["x"]
    exc = error(nested(MAX_DEPTH + 1))
    assert where(exc) == ("WA009", 1, 3 + MAX_DEPTH)
    assert exc.message == f"lists and mappings nest deeper than {MAX_DEPTH} levels"


@pytest.mark.parametrize(
    "text",
    [
        nested(200_000),
        "a:\n" + "- " * 200_000 + "x\n",
        "a: " + "{b: " * 100_000 + "c" + "}" * 100_000 + "\n",
    ],
    ids=["brackets", "dashes", "braces"],
)
def test_very_deep_nesting_is_refused_before_libyaml_composes_it(text: str) -> None:
    # libyaml's composer recurses in C: composing these would crash the interpreter.
    exc = error(text)
    assert exc.code == "WA009" and "deeper than 64" in exc.message


def test_many_shallow_brackets_pass_the_nesting_measure() -> None:
    d = doc("a: [" + ", ".join(["[x]"] * 2_000) + "]\n")
    assert len(d.data["a"]) == 2_000


def test_nesting_through_aliases_is_limited_like_written_nesting() -> None:
    half = MAX_DEPTH // 2 + 1
    text = "a: &x " + nested(half)[3:] + "b: " + "[" * half + "*x" + "]" * half + "\n"
    exc = error(text)
    assert where(exc) == ("WA009", 2, 3 + half)  # the innermost list, holding the alias
    assert f"deeper than {MAX_DEPTH}" in exc.message
