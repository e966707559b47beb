"""The corpus: every bad template under tests/corpus reports what its header says, at that line.

A corpus file starts with one or more `# expect: WA003 line 7` comment lines: a rule id and the
1-based line it must be reported at. Each file is checked alone through `check_paths`, except
inside a folder named `group_*`, whose files are checked together (for problems between files,
such as the same template name twice) and each judged on its own diagnostics.

Files under corpus/input/ must report exactly what they expect, nothing more: each shows one
problem with the input. Files under corpus/rules/ must report at least what they expect.

Inputs that cannot be a committed text file (bytes that are not UTF-8, an empty file, tens of MB)
are built here into tmp_path, with the same kind of expectation.
"""

from __future__ import annotations

import codecs
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import console_script
from wa_templates.cli.main import main
from wa_templates.files.diagnostics import Diagnostic
from wa_templates.files.yamlsafe import MAX_BYTES
from wa_templates.rules import engine
from wa_templates.rules.check import check_paths

CORPUS = Path(__file__).parent / "corpus"
INPUT = CORPUS / "input"
EXPECT = re.compile(r"#\s*expect:\s*(WA\d{3})\s+line\s+(\d+)\s*")
LINE = re.compile(
    r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<rule>WA\d{3}) \[error\] \S"
)

GOOD = """\
name: {name}
category: UTILITY
languages:
  en_US:
    body:
      text: Your order has shipped and will arrive tomorrow.
"""


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))


def expectations(file: Path) -> list[tuple[str, int]]:
    """The `# expect:` lines of the comment block that opens the file."""
    found = []
    for line in file.read_bytes().decode("utf-8", errors="replace").splitlines():
        if not line.startswith("#"):
            break
        if "expect" in line:
            match = EXPECT.fullmatch(line.strip())
            assert match, f"{file}: malformed header {line!r}; write '# expect: WA003 line 7'"
            found.append((match.group(1), int(match.group(2))))
    return found


def group_of(file: Path) -> Path | None:
    for folder in file.relative_to(CORPUS).parents:
        if folder.name.startswith("group_"):
            return CORPUS / folder
    return None


def diagnostics_of(file: Path, target: Path) -> list[Diagnostic]:
    report = check_paths([target])
    here = os.path.abspath(file)
    return [d for d in report.diagnostics if os.path.abspath(d.file) == here]


def _shown(found: list[Diagnostic]) -> str:
    return "\n".join(f"  {d.line}:{d.column} {d.rule} {d.message}" for d in found) or "  nothing"


@pytest.mark.parametrize("file", corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_file_reports_what_its_header_expects(file: Path) -> None:
    expected = expectations(file)
    assert expected, f"{file} has no '# expect: WAxxx line N' header"
    found = diagnostics_of(file, group_of(file) or file)
    reported = {(d.rule, d.line) for d in found}
    missing = [e for e in expected if e not in reported]
    assert not missing, f"{file}: expected {missing}, reported:\n{_shown(found)}"
    if INPUT in file.parents:
        assert reported == set(expected), f"{file}: more than expected:\n{_shown(found)}"
    for d in found:
        assert d.message and "\n" not in d.message, d


# --- inputs built by the test -------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    id: str
    rule: str
    line: int
    says: str
    """A part of the message that makes it actionable."""
    build: Callable[[Path], Path]


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return build


def _missing(folder: Path) -> Path:
    return folder / "not_there.yaml"


def _dangling_link(folder: Path) -> Path:
    # os.walk lists a dangling symlink as a file; opening it fails like an unreadable file does.
    (folder / "gone.yaml").symlink_to(folder / "nowhere.yaml")
    return folder


def _huge(folder: Path) -> Path:
    path = folder / "huge.yaml"
    line = b"# " + b"x" * 1021 + b"\n"
    with path.open("wb") as handle:
        handle.write(GOOD.format(name="huge").encode())
        for _ in range(30 * 1024):  # 30 MiB of comments after a valid template
            handle.write(line)
    return path


def _three_with_one_name(folder: Path) -> Path:
    for sub in ("a", "b", "c"):
        (folder / sub).mkdir()
        (folder / sub / "same.yaml").write_text(GOOD.format(name="same"), encoding="utf-8")
    return folder


_LATIN1 = GOOD.format(name="latin1").replace("Your order", "Café order").encode("latin-1")
_DEEP = GOOD.format(name="deep") + "      examples: " + "[" * 300_000 + "]" * 300_000 + "\n"
_DEEP_BLOCK = GOOD.format(name="deep_block") + "      examples:\n        " + "- " * 300_000 + "x\n"

BUILT = [
    Built("missing-path", "WA000", 1, "no such file or folder", _missing),
    Built("dangling-symlink", "WA000", 1, "cannot read file", _dangling_link),
    Built(
        "control-character",
        "WA001",
        6,
        "control character U+0007",
        _write("bell.yaml", GOOD.format(name="bell").replace("shipped", "ship\x07ped").encode()),
    ),
    Built("latin-1", "WA006", 6, "not valid UTF-8: byte 0xe9", _write("latin1.yaml", _LATIN1)),
    Built(
        "utf-16-bom",
        "WA006",
        1,
        "UTF-16",
        _write("utf16.yaml", GOOD.format(name="utf16").encode("utf-16")),
    ),
    Built(
        "utf-16-no-bom",
        "WA006",
        1,
        "NUL byte",
        _write("utf16le.yaml", GOOD.format(name="utf16le").encode("utf-16-le")),
    ),
    Built(
        "utf-32-bom",
        "WA006",
        1,
        "UTF-32",
        _write("utf32.yaml", codecs.BOM_UTF32_LE + GOOD.format(name="x").encode("utf-32-le")),
    ),
    Built("zero-bytes", "WA007", 1, "file is empty", _write("empty.yaml", b"")),
    Built("whitespace-only", "WA007", 1, "file is empty", _write("blank.yaml", b"  \n\n\t\n")),
    Built("bom-only", "WA007", 1, "file is empty", _write("bom.yaml", codecs.BOM_UTF8)),
    Built("document-marker-only", "WA007", 1, "file is empty", _write("dashes.yaml", b"---\n")),
    Built("30-mib", "WA009", 1, "at most 1 MiB", _huge),
    Built(
        "300k-nested-brackets", "WA009", 7, "deeper than 64", _write("deep.yaml", _DEEP.encode())
    ),
    Built(
        "300k-nested-dashes",
        "WA009",
        8,
        "deeper than 64",
        _write("deep_block.yaml", _DEEP_BLOCK.encode()),
    ),
    Built(
        "name-differs-yml",
        "WA010",
        1,
        "rename the file to other.yml",
        _write("this.yml", GOOD.format(name="other").encode()),
    ),
    Built("three-files-one-name", "WA011", 1, "also defined in", _three_with_one_name),
]


@pytest.mark.parametrize("case", BUILT, ids=lambda c: c.id)
def test_built_input_reports_its_rule_at_its_line(case: Built, tmp_path: Path) -> None:
    target = case.build(tmp_path)
    report = check_paths([target])
    hits = [d for d in report.diagnostics if (d.rule, d.line) == (case.rule, case.line)]
    assert hits, f"expected {case.rule} at line {case.line}:\n{_shown(report.diagnostics)}"
    assert all(case.says in d.message for d in hits), hits
    # One problem, one diagnostic per file: nothing else reported alongside it.
    assert {d.rule for d in report.diagnostics} == {case.rule}, report.diagnostics


def test_a_huge_file_names_its_size_and_the_limit(tmp_path: Path) -> None:
    [d] = check_paths([_huge(tmp_path)]).diagnostics
    size = (tmp_path / "huge.yaml").stat().st_size
    assert size > 30 * 1024 * 1024
    assert f"{size:,} bytes" in d.message and f"{MAX_BYTES:,} bytes" in d.message


def test_the_same_name_in_three_files_names_the_other_two_in_each(tmp_path: Path) -> None:
    found = check_paths([_three_with_one_name(tmp_path)]).diagnostics
    assert [(Path(d.file).parent.name, d.rule) for d in found] == [
        ("a", "WA011"),
        ("b", "WA011"),
        ("c", "WA011"),
    ]
    for d in found:
        others = {"a", "b", "c"} - {Path(d.file).parent.name}
        assert all(f"{o}{os.sep}same.yaml:1" in d.message for o in others), d.message


# --- the corpus as a whole ----------------------------------------------------------------


def test_corpus_has_at_least_thirty_files() -> None:
    assert len(corpus_files()) >= 30


def test_every_input_rule_has_a_corpus_file_or_built_case() -> None:
    covered = {rule for file in corpus_files() for rule, _ in expectations(file)}
    covered |= {case.rule for case in BUILT}
    declared = {r.id for r in engine.all_rules() if r.level == "input" and r.id.startswith("WA0")}
    assert declared, "no input rules registered"
    assert declared - covered == set()


def test_headers_are_read_from_the_opening_comment_block_only(tmp_path: Path) -> None:
    file = tmp_path / "x.yaml"
    file.write_text(
        "# expect: WA001 line 2\n# a note\n#expect: WA002 line 3\nname: x\n# expect: WA003 line 9\n"
    )
    assert expectations(file) == [("WA001", 2), ("WA002", 3)]
    file.write_text("# expect WA001 at 2\nname: x\n")
    with pytest.raises(AssertionError, match="malformed header"):
        expectations(file)


# --- end to end through the CLI -----------------------------------------------------------

CLI_CASES = [
    "wa001_tab_indentation.yaml",
    "wa001_python_object_tag.yaml",
    "wa002_duplicate_language.yaml",
    "wa003_unknown_button_key.yaml",
    "wa004_list_where_mapping_belongs.yaml",
    "wa005_missing_button_type.yaml",
    "wa008_top_level_list.yaml",
    "wa009_billion_laughs.yaml",
]


@pytest.mark.parametrize("name", CLI_CASES)
def test_validate_prints_one_line_per_problem_and_exits_1(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    file = INPUT / name
    [(rule, line)] = expectations(file)
    code = main(["validate", str(file)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out + err
    first, summary = out.splitlines()
    match = LINE.match(first)
    assert match, first
    assert os.path.abspath(match["file"]) == str(file)
    assert (match["rule"], int(match["line"])) == (rule, line)
    assert summary == "1 file checked: 1 error, 0 warnings"


@pytest.mark.parametrize("case", BUILT, ids=lambda c: c.id)
def test_validate_on_built_input_exits_1_without_a_traceback(
    case: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = case.build(tmp_path)
    code = main(["validate", "--format", "github", str(target)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out + err
    assert f",line={case.line}," in out and f"title={case.rule}::" in out


def test_validate_json_keeps_rule_line_and_column(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    file = INPUT / "wa003_unknown_top_level_key.yaml"
    assert main(["validate", "--format", "json", str(file)]) == 1
    [item] = json.loads(capsys.readouterr().out)
    assert (item["rule"], item["line"], item["column"]) == ("WA003", 3, 1)
    assert item["message"].endswith("did you mean 'category'?")


def test_installed_console_script_exits_1_on_bad_input(tmp_path: Path) -> None:
    script = console_script()
    bad = [str(INPUT / n) for n in CLI_CASES] + [str(_huge(tmp_path))]
    done = subprocess.run(
        [script, "validate", *bad],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 1, done
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(bad) + 1
    assert all(LINE.match(line) for line in lines[:-1]), lines
    assert "at most 1 MiB" in done.stdout
    assert lines[-1] == f"{len(bad)} files checked: {len(bad)} errors, 0 warnings"

    good = tmp_path / "fine.yaml"
    good.write_text(GOOD.format(name="fine"), encoding="utf-8")
    done = subprocess.run(
        [script, "validate", str(good)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done
