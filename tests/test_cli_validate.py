"""`wa-templates validate`, `rules` and `schema` as a user runs them: output, colour, exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.test_render_diagnostics import parse_command
from wa_templates.cli.main import main
from wa_templates.rules.engine import all_rules

CLEAN = """\
name: {name}
category: UTILITY
languages:
  en_US:
    body:
      text: Your parcel is on its way.
"""
# One WA204 warning: a button text of 23 characters (8x8 documents 20, Meta allows 25).
WARNED = """\
name: {name}
category: UTILITY
languages:
  en_US:
    body:
      text: Your parcel was delivered to the front desk.
    buttons:
      - type: QUICK_REPLY
        text: Thanks, got it all fine
"""
# One WA204 error, at line 9 column 9: a button text of 40 characters.
BROKEN = """\
name: {name}
category: UTILITY
languages:
  en_US:
    body:
      text: Your parcel for order A-1 is running late, sorry.
    buttons:
      - type: QUICK_REPLY
        text: This button text is far too long to show
"""
LINE = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<rule>WA\d{3}) "
    r"\[(?P<severity>error|warning)\] (?P<message>.+)$"
)


@pytest.fixture(autouse=True)
def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test runs in an empty folder with no colour preference from the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


def write(folder: str, template: str, name: str) -> Path:
    path = Path(folder, f"{name}.yaml")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(template.format(name=name), encoding="utf-8")
    return path


def fields(line: str) -> dict[str, str]:
    match = LINE.match(line)
    assert match is not None, f"not a diagnostic line: {line!r}"
    return match.groupdict()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["validate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# --- text output and exit codes -------------------------------------------------------------


def test_clean_templates_exit_0_with_only_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    write("templates", CLEAN, "a")
    write("templates/sub", CLEAN.replace("on its way", "at the depot"), "b")
    assert run(capsys) == (0, "2 files checked: 0 errors, 0 warnings\n", "")


def test_an_error_is_one_ruff_like_line_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    write("templates", BROKEN, "late")
    code, out, _ = run(capsys)
    assert code == 1
    first, summary = out.splitlines()
    found = fields(first)
    assert found == {
        "file": str(Path("templates", "late.yaml")),
        "line": "9",
        "column": "9",
        "rule": "WA204",
        "severity": "error",
        "message": found["message"],
    }
    assert "40 characters" in found["message"]
    assert summary == "1 file checked: 1 error, 0 warnings"


def test_warnings_exit_0_but_1_under_strict(capsys: pytest.CaptureFixture[str]) -> None:
    write("templates", WARNED, "warned")
    code, out, _ = run(capsys)
    assert code == 0
    assert out.splitlines()[-1] == "1 file checked: 0 errors, 1 warning"
    code, strict_out, _ = run(capsys, "--strict")
    assert (code, strict_out) == (1, out)


def test_errors_exit_1_with_or_without_strict(capsys: pytest.CaptureFixture[str]) -> None:
    write("templates", BROKEN, "late")
    write("templates", WARNED, "warned")
    assert run(capsys)[0] == 1
    code, out, _ = run(capsys, "--strict")
    assert code == 1
    assert out.splitlines()[-1] == "2 files checked: 1 error, 1 warning"
    # Sorted by file, so the output is stable between runs.
    assert [fields(line)["file"] for line in out.splitlines()[:-1]] == [
        str(Path("templates", "late.yaml")),
        str(Path("templates", "warned.yaml")),
    ]


def test_unreadable_input_is_a_diagnostic_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    Path("templates").mkdir()
    Path("templates", "bad.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    Path("templates", "bytes.yaml").write_bytes(b"name: caf\xe9\n")
    code, out, err = run(capsys)
    assert code == 1
    assert [fields(line)["rule"] for line in out.splitlines()[:-1]] == ["WA001", "WA006"]
    assert "Traceback" not in out + err


def test_explicit_paths_are_checked_instead_of_the_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write("templates", BROKEN, "late")
    clean = write("elsewhere", CLEAN, "ok")
    write("more", CLEAN.replace("on its way", "at the depot"), "other")
    assert run(capsys, str(clean), "more") == (0, "2 files checked: 0 errors, 0 warnings\n", "")
    code, out, _ = run(capsys, "missing.yaml")
    assert code == 1
    assert out.splitlines()[0] == "missing.yaml:1:1: WA000 [error] no such file or folder"


# --- colour ---------------------------------------------------------------------------------


def _tty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)


@pytest.mark.parametrize(
    ("tty", "env", "coloured"),
    [
        (False, {}, False),
        (True, {}, True),
        (False, {"FORCE_COLOR": "1"}, True),
        (True, {"NO_COLOR": "1"}, False),
        (False, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        # no-color.org: an empty NO_COLOR does not count.
        (True, {"NO_COLOR": ""}, True),
    ],
)
def test_colour_only_on_a_tty_or_when_forced_and_never_with_no_color(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tty: bool,
    env: dict[str, str],
    coloured: bool,
) -> None:
    write("templates", BROKEN, "late")
    if tty:
        _tty(monkeypatch)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code, out, _ = run(capsys)
    assert code == 1
    assert ("\x1b[" in out) is coloured
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert plain.splitlines()[-1] == "1 file checked: 1 error, 0 warnings"


@pytest.mark.parametrize("fmt", ["json", "github"])
def test_machine_formats_are_never_coloured(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    write("templates", BROKEN, "late")
    _tty(monkeypatch)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b" not in run(capsys, "--format", fmt)[1]


# --- JSON -----------------------------------------------------------------------------------


def test_json_lists_every_diagnostic_with_exactly_the_documented_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write("templates", BROKEN, "late")
    write("templates", WARNED, "warned")
    code, out, err = run(capsys, "--format", "json")
    assert (code, err) == (1, "")
    data = json.loads(out)  # the whole of stdout is one JSON document: no summary line
    assert [(d["file"], d["line"], d["column"], d["rule"], d["severity"]) for d in data] == [
        (str(Path("templates", "late.yaml")), 9, 9, "WA204", "error"),
        (str(Path("templates", "warned.yaml")), 9, 9, "WA204", "warning"),
    ]
    for item in data:
        assert list(item) == ["file", "line", "column", "rule", "severity", "message"]
        assert isinstance(item["message"], str) and item["message"]


def test_json_of_clean_templates_is_an_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    write("templates", CLEAN, "a")
    code, out, _ = run(capsys, "--format", "json")
    assert (code, json.loads(out)) == (0, [])


def test_json_exit_code_follows_strict(capsys: pytest.CaptureFixture[str]) -> None:
    write("templates", WARNED, "warned")
    assert run(capsys, "--format", "json")[0] == 0
    assert run(capsys, "--format", "json", "--strict")[0] == 1


# --- GitHub ---------------------------------------------------------------------------------


def test_github_annotates_each_diagnostic(capsys: pytest.CaptureFixture[str]) -> None:
    write("templates", BROKEN, "late")
    write("templates", WARNED, "warned")
    code, out, _ = run(capsys, "--format", "github")
    assert code == 1
    parsed = [parse_command(line) for line in out.splitlines()]
    assert [(c, p) for c, p, _ in parsed] == [
        ("error", {"file": "templates/late.yaml", "line": "9", "col": "9", "title": "WA204"}),
        ("warning", {"file": "templates/warned.yaml", "line": "9", "col": "9", "title": "WA204"}),
    ]


def test_github_caps_annotations_at_ten_per_type(capsys: pytest.CaptureFixture[str]) -> None:
    for n in range(13):
        write("templates", BROKEN.replace("A-1", f"A-{n}"), f"late_{n:02}")
    code, out, _ = run(capsys, "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert [parse_command(line)[0] for line in lines] == ["error"] * 10 + ["notice"]
    assert parse_command(lines[-1])[2].startswith("3 more errors not annotated")


def test_github_of_clean_templates_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    write("templates", CLEAN, "a")
    assert run(capsys, "--format", "github") == (0, "", "")


# --- usage errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["validate", "--bogus"], "No such option"),
        (["validate", "--format", "xml"], "'xml'"),
        (["validate", "--format"], "requires an argument"),
        (["validate", "--strict=yes"], "does not take a value"),
        (["rules", "--format", "yaml"], "'yaml'"),
        (["schema", "extra"], "'extra' is not one of 'template', 'plan'"),
        (["schema", "plan", "extra"], "unexpected extra argument"),
        (["valdiate"], "No such command"),
    ],
)
def test_usage_errors_exit_64_and_explain_on_stderr(
    capsys: pytest.CaptureFixture[str], argv: list[str], complaint: str
) -> None:
    write("templates", BROKEN, "late")
    assert main(argv) == 64
    out, err = capsys.readouterr()
    assert out == ""
    assert complaint in err
    assert "Traceback" not in err


# --- the default folder ---------------------------------------------------------------------


def test_default_is_templates_in_the_working_directory(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write("templates", CLEAN, "a")
    write("other", BROKEN, "late")
    assert run(capsys) == (0, "1 file checked: 0 errors, 0 warnings\n", "")


def test_missing_default_folder_is_reported_relative_to_here(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys)
    assert code == 1
    assert out.splitlines() == [
        "templates:1:1: WA000 [error] no such file or folder",
        "0 files checked: 1 error, 0 warnings",
    ]


def test_templates_dir_from_wa_templates_toml(capsys: pytest.CaptureFixture[str]) -> None:
    Path("wa-templates.toml").write_text('templates_dir = "whatsapp"\n', encoding="utf-8")
    write("whatsapp", BROKEN, "late")
    write("templates", CLEAN, "ignored")
    code, out, _ = run(capsys)
    assert code == 1
    assert out.startswith(str(Path("whatsapp", "late.yaml")) + ":9:9: WA204")


def test_templates_dir_from_pyproject_tool_table(capsys: pytest.CaptureFixture[str]) -> None:
    Path("pyproject.toml").write_text(
        textwrap.dedent("""\
            [project]
            name = "shop"

            [tool.wa-templates]
            templates_dir = "messaging/templates"
        """),
        encoding="utf-8",
    )
    write("messaging/templates", WARNED, "warned")
    write("templates", BROKEN, "ignored")
    code, out, _ = run(capsys)
    assert code == 0
    assert out.startswith(str(Path("messaging", "templates", "warned.yaml")) + ":9:9: WA204")


def test_wa_templates_toml_wins_over_pyproject_in_the_same_folder(
    capsys: pytest.CaptureFixture[str],
) -> None:
    Path("wa-templates.toml").write_text('templates_dir = "a"\n', encoding="utf-8")
    Path("pyproject.toml").write_text('[tool.wa-templates]\ntemplates_dir = "b"\n', "utf-8")
    write("a", CLEAN, "one")
    write("b", BROKEN, "late")
    assert run(capsys) == (0, "1 file checked: 0 errors, 0 warnings\n", "")


def test_project_root_is_found_from_a_subfolder(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    Path("wa-templates.toml").write_text('templates_dir = "wa"\n', encoding="utf-8")
    write("wa", BROKEN, "late")
    Path("docs", "deep").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "docs" / "deep")
    code, out, _ = run(capsys)
    assert code == 1
    assert out.startswith(str(Path("..", "..", "wa", "late.yaml")) + ":9:9: WA204")


def test_a_broken_configuration_is_one_line_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    Path("wa-templates.toml").write_text("templates_dir = \n", encoding="utf-8")
    code, out, err = run(capsys)
    assert (code, out) == (1, "")
    assert err.startswith("error: ") and "invalid TOML" in err
    assert len(err.splitlines()) == 1


# --- rules ----------------------------------------------------------------------------------


def test_rules_lists_every_rule_once_in_id_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    ids = [line.split()[0] for line in lines]
    expected = [r.id for r in all_rules()]
    assert ids == expected == sorted(expected)
    assert {"WA000", "WA202", "WA303", "WA501", "WA601", "WA701"} <= set(ids)
    by_id = dict(zip(ids, lines, strict=True))
    assert by_id["WA513"].split()[1:3] == ["warning", "MARKETING"]
    assert by_id["WA202"].split()[1:3] == ["error", "all"]
    assert by_id["WA202"].endswith("[L1]")


def test_rules_json_has_id_severity_scope_level_summary_source(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in data] == [r.id for r in all_rules()]
    for item in data:
        assert list(item) == ["id", "severity", "scope", "level", "summary", "source"]
        assert item["severity"] in ("error", "warning")
        assert item["level"] in ("input", "template", "language", "corpus")
        assert item["scope"] and item["summary"] and item["source"]
    by_id = {d["id"]: d for d in data}
    assert by_id["WA501"]["scope"] == ["AUTHENTICATION"]
    assert by_id["WA202"]["scope"] == ["all"]
    assert by_id["WA001"]["level"] == "input"


@pytest.mark.parametrize(
    ("file", "text", "message"),
    [
        (
            "pyproject.toml",
            "[tool]\nwa-templates = 5\n",
            "2: [tool.wa-templates] must be a table, not 5",
        ),
        (
            "pyproject.toml",
            '[tool]\nwa-templates = "templates"\n',
            "2: [tool.wa-templates] must be a table, not a string",
        ),
        ("wa-templates.toml", "templates_dir = 5\n", "1: 'templates_dir' must be a string, not 5"),
        (
            "wa-templates.toml",
            'templates_dir = ""\n',
            "1: 'templates_dir' must be a non-empty string, not an empty string",
        ),
        (
            "pyproject.toml",
            '[tool.wa-templates]\ntemplates_dir = ["a"]\n',
            "2: 'tool.wa-templates.templates_dir' must be a string, not a list",
        ),
    ],
)
def test_configuration_of_the_wrong_type_is_one_line_naming_file_and_key(
    capsys: pytest.CaptureFixture[str], file: str, text: str, message: str
) -> None:
    Path(file).write_text(text, encoding="utf-8")
    code, out, err = run(capsys)
    assert (code, out) == (1, "")
    assert err.splitlines() == [f"error: {file}:{message}"]


def _limited_memory() -> None:  # pragma: no cover - runs in the child before exec
    import resource

    # A regression that reads /dev/zero to its end fails fast with MemoryError instead of
    # taking the machine's memory with it.
    limit = 2 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _validate_in_a_subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    # In a child with a timeout: a regression that waits on a FIFO or reads a device forever
    # fails this test instead of hanging the suite.
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "wa_templates", "validate", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        preexec_fn=_limited_memory if sys.platform.startswith("linux") else None,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_under_templates_is_wa000_and_validate_finishes() -> None:
    write("templates", CLEAN, "good")
    os.mkfifo(Path("templates", "f.yaml"))
    for args in ((), (str(Path("templates", "f.yaml")),)):
        done = _validate_in_a_subprocess(*args)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        problem = (
            str(Path("templates", "f.yaml")) + ":1:1: WA000 [error] not a regular file (a FIFO)"
        )
        assert problem in done.stdout.splitlines()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this platform")
def test_a_symlink_to_a_device_is_refused_and_validate_finishes() -> None:
    write("templates", CLEAN, "good")
    Path("templates", "z.yaml").symlink_to("/dev/zero")
    done = _validate_in_a_subprocess()
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    # The device is outside the project: refused before anything asks what it is.
    assert done.stdout.splitlines() == [
        str(Path("templates", "z.yaml")) + ":1:1: WA013 [error] file resolves outside the "
        "project root through a symlink; it was not read (templates must be inside the "
        "repository)",
        "2 files checked: 1 error, 0 warnings",
    ]
