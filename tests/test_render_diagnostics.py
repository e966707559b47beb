"""Rendering diagnostics: ruff-like text, JSON for tools, GitHub workflow commands."""

from __future__ import annotations

import json
import re

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wa_templates.files.diagnostics import Diagnostic, Severity
from wa_templates.render import diagnostics as render
from wa_templates.untrusted import shown

ERROR = Diagnostic("templates/a.yaml", 6, 7, "WA202", Severity.ERROR, "body is 1025 characters")
WARNING = Diagnostic("templates/b.yaml", 9, 9, "WA204", Severity.WARNING, "button text is long")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _error(n: int, message: str = "bad") -> Diagnostic:
    return Diagnostic(f"t{n}.yaml", n + 1, 1, "WA202", Severity.ERROR, message)


def _warning(n: int) -> Diagnostic:
    return Diagnostic(f"w{n}.yaml", n + 1, 1, "WA204", Severity.WARNING, "long")


# --- text -----------------------------------------------------------------------------------


def test_text_is_one_line_per_diagnostic_then_a_summary() -> None:
    assert render.text([ERROR, WARNING], 2, color=False).splitlines() == [
        "templates/a.yaml:6:7: WA202 [error] body is 1025 characters",
        "templates/b.yaml:9:9: WA204 [warning] button text is long",
        "2 files checked: 1 error, 1 warning",
    ]


@pytest.mark.parametrize(
    ("diagnostics", "files", "summary"),
    [
        ([], 0, "0 files checked: 0 errors, 0 warnings"),
        ([], 1, "1 file checked: 0 errors, 0 warnings"),
        ([ERROR, ERROR], 3, "3 files checked: 2 errors, 0 warnings"),
        ([WARNING, WARNING], 1, "1 file checked: 0 errors, 2 warnings"),
    ],
)
def test_text_summary_counts_and_plurals(
    diagnostics: list[Diagnostic], files: int, summary: str
) -> None:
    assert render.text(diagnostics, files, color=False).splitlines()[-1] == summary


def test_text_without_colour_has_no_escape_codes() -> None:
    assert "\x1b" not in render.text([ERROR, WARNING], 2, color=False)


def test_text_colours_the_rule_by_severity_and_the_summary_by_outcome() -> None:
    out = render.text([ERROR, WARNING], 2, color=True)
    lines = out.splitlines()
    assert click.style("WA202", fg="red", bold=True) in lines[0]
    assert click.style("WA204", fg="yellow", bold=True) in lines[1]
    assert lines[2] == click.style("2 files checked: 1 error, 1 warning", fg="red")
    assert ANSI.sub("", out) == render.text([ERROR, WARNING], 2, color=False)
    only_warnings = render.text([WARNING], 1, color=True).splitlines()[-1]
    assert only_warnings == click.style("1 file checked: 0 errors, 1 warning", fg="yellow")
    clean = render.text([], 1, color=True)
    assert clean == click.style("1 file checked: 0 errors, 0 warnings", fg="green")


def test_text_escapes_newlines_and_terminal_codes_quoted_from_a_template() -> None:
    # A button text written as "a\nb\e[2J" in YAML must not split the line or clear the screen.
    quoted = Diagnostic("t.yaml", 1, 1, "WA204", Severity.ERROR, "text 'a\nb\x1b[2J\tc\u2028'")
    for color in (False, True):
        out = render.text([quoted], 1, color=color)
        assert len(out.splitlines()) == 2
        assert "\x1b[2J" not in out
    line = render.text([quoted], 1, color=False).splitlines()[0]
    assert line.endswith("text 'a\\nb\\x1b[2J\\tc\\u2028'")


@settings(max_examples=100, deadline=None, derandomize=True)
@given(file=st.text(), message=st.text())
def test_text_keeps_every_diagnostic_on_its_own_line(file: str, message: str) -> None:
    diagnostic = Diagnostic(file, 1, 1, "WA204", Severity.ERROR, message)
    out = render.text([diagnostic, diagnostic], 1, color=False)
    assert len(out.splitlines()) == 3
    assert "\x1b" not in out


# --- JSON -----------------------------------------------------------------------------------


def test_json_is_a_list_of_objects_with_exactly_the_documented_keys() -> None:
    data = json.loads(render.as_json([ERROR, WARNING]))
    assert data == [
        {
            "file": "templates/a.yaml",
            "line": 6,
            "column": 7,
            "rule": "WA202",
            "severity": "error",
            "message": "body is 1025 characters",
        },
        {
            "file": "templates/b.yaml",
            "line": 9,
            "column": 9,
            "rule": "WA204",
            "severity": "warning",
            "message": "button text is long",
        },
    ]


def test_json_of_nothing_is_an_empty_list_and_text_is_kept_verbatim() -> None:
    assert json.loads(render.as_json([])) == []
    raw = Diagnostic("ñ.yaml", 1, 1, "WA204", Severity.ERROR, "texto 'Sí\n\x1b'")
    out = render.as_json([raw])
    assert "ñ.yaml" in out  # readable, not \u-escaped
    assert json.loads(out)[0]["message"] == "texto 'Sí\n\x1b'"  # tools get the exact text


# --- GitHub workflow commands ---------------------------------------------------------------

# How the Actions runner decodes a workflow command (actions/runner ActionCommand.cs).
_UNESCAPE_DATA = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
_UNESCAPE_PROPERTY = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))


def _unescape(value: str, table: tuple[tuple[str, str], ...]) -> str:
    for escaped, char in table:
        value = value.replace(escaped, char)
    return value


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """(command, properties, message) as GitHub reads one `::cmd k=v,k=v::message` line."""
    assert line.startswith("::")
    head, sep, data = line[2:].partition("::")
    assert sep, line
    command, _, props = head.partition(" ")
    properties: dict[str, str] = {}
    for pair in filter(None, props.split(",")):
        key, eq, value = pair.partition("=")
        assert eq, pair
        properties[key] = _unescape(value, _UNESCAPE_PROPERTY)
    return command, properties, _unescape(data, _UNESCAPE_DATA)


def test_github_annotation_names_file_line_column_and_rule() -> None:
    assert render.github([ERROR, WARNING]).splitlines() == [
        "::error file=templates/a.yaml,line=6,col=7,title=WA202::body is 1025 characters",
        "::warning file=templates/b.yaml,line=9,col=9,title=WA204::button text is long",
    ]


def test_github_escapes_data_and_properties() -> None:
    odd = Diagnostic("dir,x/a:b%.yaml", 2, 3, "WA2:0,2", Severity.ERROR, "50% off:\r\nyes, a::b")
    [line] = render.github([odd]).splitlines()
    assert line == (
        "::error file=dir%2Cx/a%3Ab%25.yaml,line=2,col=3,title=WA2%3A0%2C2::"
        "50%25 off:%0D%0Ayes, a::b"
    )
    assert parse_command(line) == (
        "error",
        {"file": "dir,x/a:b%.yaml", "line": "2", "col": "3", "title": "WA2:0,2"},
        "50% off:\r\nyes, a::b",
    )


@settings(max_examples=100, deadline=None, derandomize=True)
@given(file=st.text(min_size=1), rule=st.text(min_size=1), message=st.text())
def test_github_annotations_decode_to_what_was_reported(file: str, rule: str, message: str) -> None:
    diagnostic = Diagnostic(file, 4, 2, rule, Severity.WARNING, message)
    [line] = render.github([diagnostic]).split("\n")
    command, properties, data = parse_command(line)
    assert command == "warning"
    # Line breaks survive (GitHub shows them); other control characters arrive escaped.
    assert properties == {
        "file": shown(file, keep="\r\n"),
        "line": "4",
        "col": "2",
        "title": shown(rule, keep="\r\n"),
    }
    assert data == shown(message, keep="\r\n")


def test_github_shows_ten_per_type_then_one_notice_with_the_count() -> None:
    diagnostics = [_error(n) for n in range(12)] + [_warning(n) for n in range(3)]
    lines = render.github(diagnostics).splitlines()
    commands = [parse_command(line)[0] for line in lines]
    assert commands == ["error"] * 10 + ["warning"] * 3 + ["notice"]
    # The first ten are the ones shown, in order.
    assert [parse_command(line)[1]["file"] for line in lines[:10]] == [
        f"t{n}.yaml" for n in range(10)
    ]
    notice = parse_command(lines[-1])[2]
    assert notice.startswith("2 more errors not annotated")


def test_github_notices_one_per_capped_type_in_singular_when_one() -> None:
    diagnostics = [_warning(n) for n in range(11)] + [_error(n) for n in range(13)]
    lines = render.github(diagnostics).splitlines()
    assert len(lines) == 22
    notices = [parse_command(line)[2] for line in lines if line.startswith("::notice")]
    assert [n.split(" not annotated")[0] for n in notices] == ["3 more errors", "1 more warning"]


def test_github_of_nothing_is_nothing() -> None:
    assert render.github([]) == ""
