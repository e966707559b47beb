"""load: finding template files, reading them, and turning schema errors into one-line messages."""

from __future__ import annotations

import io
import os
import textwrap
import threading
from pathlib import Path

import pytest

from wa_templates.files import load, regular
from wa_templates.files.diagnostics import Diagnostic, Severity
from wa_templates.files.load import (
    Source,
    discover,
    display,
    duplicate_names,
    load_bytes,
    load_file,
    load_files,
    load_paths,
)
from wa_templates.files.yamlsafe import MAX_BYTES

GOOD = """\
name: {name}
category: UTILITY
languages:
  en_US:
    body:
      text: Your order has shipped and will arrive tomorrow.
"""


def problems(text: str, stem: str | None = None) -> list[Diagnostic]:
    source, found = load_bytes(textwrap.dedent(text).encode(), "t.yaml", stem)
    if found and found[0].rule != "WA010":
        assert source is None
    return found


def one(text: str) -> Diagnostic:
    [d] = problems(text)
    assert d.severity is Severity.ERROR and d.file == "t.yaml"
    return d


def template(lang: str = "", top: str = "") -> str:
    """A valid template with `top` lines added at the top level and `lang` lines in en_US."""
    return (
        "name: t\ncategory: UTILITY\n" + top + "languages:\n  en_US:\n    body:\n"
        "      text: Your order has shipped and will arrive tomorrow.\n" + lang
    )


def write(path: Path, name: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(GOOD.format(name=name or path.stem), encoding="utf-8")
    return path


# --- discover -----------------------------------------------------------------------------


def test_discover_walks_sub_folders_for_yaml_and_yml_and_skips_hidden_ones(tmp_path: Path) -> None:
    write(tmp_path / "b.yaml")
    write(tmp_path / "orders" / "a.yml")
    write(tmp_path / "orders" / "deep" / "c.yaml")
    write(tmp_path / ".git" / "hidden.yaml")
    write(tmp_path / "orders" / ".drafts" / "draft.yaml")
    write(tmp_path / ".#b.yaml")
    (tmp_path / "notes.txt").write_text("not a template")
    (tmp_path / "orders" / "x.json").write_text("{}")
    files, missing = discover([tmp_path])
    assert missing == []
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "b.yaml",
        "orders/a.yml",
        "orders/deep/c.yaml",
    ]


def test_discover_takes_a_named_file_whatever_its_suffix(tmp_path: Path) -> None:
    named = tmp_path / "template.txt"
    named.write_text("x")
    assert discover([named]) == ([named], [])


def test_discover_reports_a_missing_path_and_keeps_going(tmp_path: Path) -> None:
    good = write(tmp_path / "a.yaml")
    files, missing = discover([tmp_path / "nope", good])
    assert files == [good]
    [d] = missing
    assert (d.file, d.line, d.column, d.rule) == (str(tmp_path / "nope"), 1, 1, "WA000")
    assert d.message == "no such file or folder"


def test_discover_lists_a_file_once_however_often_it_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "t" / "a.yaml")
    write(tmp_path / "t" / "b.yaml")
    files, _ = discover([Path("t"), Path("t/a.yaml"), tmp_path / "t", Path("./t/../t/b.yaml")])
    assert files == [Path("t/a.yaml"), Path("t/b.yaml")]


# --- display ------------------------------------------------------------------------------


def test_display_is_relative_inside_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert display(tmp_path / "t" / "a.yaml") == os.path.join("t", "a.yaml")
    assert display(Path("t/../t/a.yaml")) == os.path.join("t", "a.yaml")


def test_display_leaves_paths_outside_the_working_directory_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "work").mkdir()
    (tmp_path / "workshop").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    outside = tmp_path / "workshop" / "a.yaml"  # shares the working directory's name as a prefix
    assert display(outside) == str(outside)
    assert display(Path("../workshop/a.yaml")) == "../workshop/a.yaml"


def test_display_from_the_root_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert display(Path("/etc/templates/a.yaml")) == os.path.join("etc", "templates", "a.yaml")


# --- reading files ------------------------------------------------------------------------


def test_load_file_keeps_positions_and_shows_the_path_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    file = write(tmp_path / "t" / "order_shipped.yaml")
    source, found = load_file(file)
    assert found == []
    assert isinstance(source, Source)
    assert source.path == os.path.join("t", "order_shipped.yaml")
    assert source.template.name == "order_shipped"
    assert source.position(("languages", "en_US", "body", "text")) == (6, 7)


def test_a_file_that_cannot_be_read_is_wa000(tmp_path: Path) -> None:
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    source, [d] = load_file(tmp_path / "gone.yaml")
    assert source is None
    assert (d.rule, d.line, d.column) == ("WA000", 1, 1)
    assert d.message == "cannot read file: No such file or directory"
    _, [d] = load_file(tmp_path)
    assert d.message == "not a regular file (a folder)"


def test_an_oversized_file_is_refused_from_its_size_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Unread(io.FileIO):
        def read(self, size: int | None = -1) -> bytes:
            raise AssertionError("read a file already known to be too large")

    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(40 * 1024 * 1024)  # sparse: no 40 MB written
    monkeypatch.setattr(regular, "open", lambda path, mode, **_: Unread(path, "r"), raising=False)
    source, [d] = load_file(big)
    assert source is None
    assert (d.rule, d.line, d.column) == ("WA009", 1, 1)
    assert d.message.startswith("file is 41,943,040 bytes (40.0 MiB); a template file may be at")


def test_a_file_that_grows_past_the_limit_is_read_only_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file whose size said it fits but that is longer when read (appended to meanwhile, or a
    # file system that reports no size) is read no further than it takes to know it is too big.
    asked: list[int] = []

    class Growing(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            asked.append(-1 if size is None else size)
            return b"#" * (MAX_BYTES * 2 if size is None or size < 0 else size)

        def fileno(self) -> int:
            return real.fileno()

    small = write(tmp_path / "small.yaml")
    real = small.open("rb")
    monkeypatch.setattr(regular, "open", lambda path, mode, **_: Growing(), raising=False)
    source, [d] = load_file(small)
    real.close()
    assert source is None and asked == [MAX_BYTES + 1]
    assert (d.rule, d.line, d.column) == ("WA009", 1, 1)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_or_a_device_is_not_a_regular_file_and_is_never_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("opened a file that is not a regular file")

    monkeypatch.setattr(regular, "open", never, raising=False)
    os.mkfifo(tmp_path / "f.yaml")
    source, [d] = load_file(tmp_path / "f.yaml")
    assert source is None
    assert (d.rule, d.line, d.column, d.message) == ("WA000", 1, 1, "not a regular file (a FIFO)")
    if os.path.exists("/dev/null"):
        (tmp_path / "n.yaml").symlink_to("/dev/null")
        # With the whole machine as the project, so that the link stays inside it.
        _, [d] = load_file(tmp_path / "n.yaml", root=Path("/"))
        assert d.message == "not a regular file (a character device)"
    # Named on the command line, it is the same error, not "no such file or folder".
    files, missing = discover([tmp_path / "f.yaml"])
    assert files == [tmp_path / "f.yaml"] and missing == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_replacing_a_file_after_its_check_is_not_waited_on(tmp_path: Path) -> None:
    # Between the check and the open the file may become a FIFO: the open must not wait for a
    # writer, and what was opened is checked again. A regression hangs here, so on a thread.
    fifo = tmp_path / "f.yaml"
    os.mkfifo(fifo)
    regular = os.stat(write(tmp_path / "r.yaml"))
    result: list[tuple[Source | None, list[Diagnostic]]] = []
    real_stat = os.stat

    def stat_says_regular(path: object, *args: object, **kwargs: object) -> os.stat_result:
        return regular if path == fifo else real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(load.os, "stat", stat_says_regular)
        worker = threading.Thread(target=lambda: result.append(load_file(fifo)), daemon=True)
        worker.start()
        worker.join(timeout=10)
    if not result:  # unblock the reader so the thread ends, then fail
        with open(fifo, "wb"):
            pass
        pytest.fail("load_file waited on a FIFO")
    [(source, [d])] = result
    assert source is None and d.message == "not a regular file (a FIFO)"


def test_load_paths_and_load_files_count_files_and_put_missing_paths_first(
    tmp_path: Path,
) -> None:
    write(tmp_path / "a.yaml")
    write(tmp_path / "b.yaml", name="a")
    (tmp_path / "c.yaml").write_text("- not a mapping\n")
    loaded = load_paths([tmp_path / "missing", tmp_path])
    assert loaded.files == 3
    assert [s.template.name for s in loaded.sources] == ["a", "a"]
    assert [(Path(d.file).name, d.rule) for d in loaded.diagnostics] == [
        ("missing", "WA000"),
        ("b.yaml", "WA010"),
        ("c.yaml", "WA008"),
        ("a.yaml", "WA011"),
        ("b.yaml", "WA011"),
    ]
    assert load_files([]).files == 0


# --- file name and duplicate names --------------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "advice"),
    [("t/x.yaml", "order.yaml"), ("t/x.yml", "order.yml"), ("<stdin>", "order.yaml")],
)
def test_wa010_tells_what_to_rename_the_file_to(shown: str, advice: str) -> None:
    source, [d] = load_bytes(("# c\n" + GOOD.format(name="order")).encode(), shown, "x")
    assert source is not None  # a naming problem does not stop the rules
    assert (d.rule, d.line, d.column) == ("WA010", 2, 1)
    assert d.message == (
        f"file name 'x' differs from the template name 'order'; rename the file to {advice} "
        "or change the name"
    )


def test_without_a_stem_there_is_no_file_name_to_compare() -> None:
    assert problems(GOOD.format(name="anything")) == []


def test_duplicate_names_points_each_file_at_the_others(tmp_path: Path) -> None:
    sources = []
    for folder, pad in (("a", ""), ("b", "\n\n"), ("c", "# note\n")):
        source, _ = load_bytes((pad + GOOD.format(name="same")).encode(), f"{folder}/s.yaml")
        assert source is not None
        sources.append(source)
    lone, _ = load_bytes(GOOD.format(name="other").encode(), "d/o.yaml")
    assert lone is not None
    found = list(duplicate_names([*sources, lone]))
    assert [(d.file, d.line, d.rule) for d in found] == [
        ("a/s.yaml", 1, "WA011"),
        ("b/s.yaml", 3, "WA011"),
        ("c/s.yaml", 2, "WA011"),
    ]
    assert found[0].message == (
        "template 'same' is also defined in b/s.yaml:3, c/s.yaml:2; one file per template name"
    )


# --- schema errors ------------------------------------------------------------------------


def test_unknown_key_with_a_close_match_suggests_it() -> None:
    d = one(template(lang="    fotter:\n      text: Example Co\n"))
    assert (d.rule, d.line, d.column) == ("WA003", 7, 5)
    assert d.message == "unknown key 'fotter' in 'languages.en_US'; did you mean 'footer'?"


def test_unknown_key_without_a_close_match_lists_the_allowed_keys() -> None:
    d = one(template(top="owner: ops-team\n"))
    assert (d.rule, d.line) == ("WA003", 3)
    assert d.message == (
        "unknown key 'owner' in the template; allowed: name, category, allow_category_change, "
        "message_send_ttl_seconds, ignore, versioning, languages"
    )


def test_unknown_key_in_a_card_button() -> None:
    lang = "    carousel:\n      - buttons:\n          - {type: URL, label: Go}\n"
    d = one(template(lang=lang))
    assert (d.rule, d.line, d.column) == ("WA003", 9, 25)
    assert d.message.startswith("unknown key 'label' in 'languages.en_US.carousel[0].buttons[0]'")


def test_a_misspelt_required_key_is_one_problem_not_two() -> None:
    d = one("name: t\ncategroy: UTILITY\nlanguages: {en_US: {body: {text: hi}}}\n")
    assert (d.rule, d.line) == ("WA003", 2)
    assert d.message.endswith("did you mean 'category'?")


def test_a_missing_key_is_still_reported_beside_an_unrelated_unknown_one() -> None:
    found = problems("name: t\nlanguages: {en_US: {body: {text: hi}}}\ncolour: red\n")
    assert [(d.rule, d.line, d.message) for d in found] == [
        ("WA005", 1, "missing required key 'category' in the template"),
        (
            "WA003",
            3,
            "unknown key 'colour' in the template; allowed: name, category, "
            "allow_category_change, message_send_ttl_seconds, ignore, versioning, "
            "languages",
        ),
    ]


def test_missing_keys_name_the_mapping_they_are_missing_from() -> None:
    d = one(template(lang="    buttons:\n      - text: Track\n"))
    assert (d.rule, d.line, d.column) == ("WA005", 8, 9)
    assert d.message == "missing required key 'type' in 'languages.en_US.buttons[0]'"
    lang = "    buttons:\n      - type: OTP\n        supported_apps:\n          - package_name: a\n"
    d = one(template(lang=lang))
    assert (d.rule, d.line) == ("WA005", 10)
    assert d.message == (
        "missing required key 'signature_hash' in 'languages.en_US.buttons[0].supported_apps[0]'"
    )


def test_empty_languages_is_wa005() -> None:
    d = one("name: t\ncategory: UTILITY\nlanguages: {}\n")
    assert (d.rule, d.line, d.message) == (
        "WA005",
        3,
        "'languages' is empty: add at least one language",
    )


@pytest.mark.parametrize(
    ("lang", "top", "line", "message"),
    [
        ("    buttons: {type: URL}\n", "", 7, "'buttons' must be a list, not a mapping"),
        ("    header: IMAGE\n", "", 7, "'header' must be a mapping, not a string"),
        ("    footer: [a]\n", "", 7, "'footer' must be a mapping, not a list"),
        (
            "    call_permission_request: 3\n",
            "",
            7,
            "'call_permission_request' must be true or false, not the number 3",
        ),
        (
            "    footer: {code_expiration_minutes: soon}\n",
            "",
            7,
            "'code_expiration_minutes' must be a whole number, not the text 'soon'",
        ),
        ("", "name2: x\n", 3, "unknown key 'name2' in the template; did you mean 'name'?"),
        (
            "",
            "message_send_ttl_seconds: 2.5\n",
            3,
            "'message_send_ttl_seconds' must be a whole number, not the number 2.5",
        ),
        (
            "",
            "message_send_ttl_seconds: .nan\n",
            3,
            "'message_send_ttl_seconds' must be a whole number, not the number .nan",
        ),
        (
            "",
            "message_send_ttl_seconds: true\n",
            3,
            "'message_send_ttl_seconds' must be a whole number, not true",
        ),
        ("", "ignore: [WA101]\n", 3, "'ignore' must be a mapping, not a list"),
        ("", "ignore: {WA101: [a]}\n", 3, "'WA101' must be a string, not a list"),
        ("", "versioning: 2\n", 3, "'versioning' must be 'suffix', not the number 2"),
        (
            "    carousel: [5]\n",
            "",
            7,
            "'languages.en_US.carousel[0]' must be a mapping, not the number 5",
        ),
        (
            "      examples: hello\n",
            "",
            7,
            "'examples' must be a list of strings, or a mapping of names to strings, not a string",
        ),
        (
            "      examples: {a: [x]}\n",
            "",
            7,
            "'examples' must be a list of strings, or a mapping of names to strings, not a mapping",
        ),
    ],
)
def test_wrong_types_say_what_was_expected_and_what_was_found(
    lang: str, top: str, line: int, message: str
) -> None:
    d = one(template(lang=lang, top=top))
    assert (d.line, d.message) == (line, message)


def test_an_empty_value_where_text_belongs_is_reported_as_empty() -> None:
    d = one("name:\ncategory: UTILITY\nlanguages: {en_US: {body: {text: hi}}}\n")
    assert (d.rule, d.line, d.message) == (
        "WA004",
        1,
        "'name' must be a string, not an empty value",
    )


def test_each_language_that_is_not_a_mapping_is_reported() -> None:
    found = problems("name: t\ncategory: UTILITY\nlanguages:\n  en_US:\n  es: hola\n")
    assert [(d.rule, d.line, d.column, d.message) for d in found] == [
        ("WA004", 4, 3, "'en_US' must be a mapping, not an empty value"),
        ("WA004", 5, 3, "'es' must be a mapping, not a string"),
    ]


def test_every_schema_problem_of_a_file_is_reported_once_in_file_order() -> None:
    text = (
        "name: [t]\n"
        "category: UTILITY\n"
        "languages:\n"
        "  en_US:\n"
        "    body: {text: hi, examples: [[x]]}\n"
        "    buttons:\n"
        "      - {text: a}\n"
        "      - {type: URL, ur: b}\n"
    )
    found = problems(text)
    assert [(d.rule, d.line) for d in found] == [
        ("WA004", 1),
        ("WA004", 5),
        ("WA005", 7),
        ("WA003", 8),
    ]


def test_deep_union_errors_fall_back_to_pydantic_words() -> None:
    # No field of today's model is a union other than `examples`; a future one must still read.
    error = {"type": "string_type", "loc": ("a", "list[str]", 0), "msg": "Input should be text"}
    assert load._type_message(error, ("a",), 5) == "'a': input should be text"
    assert load._value_at({"a": 1}, ("a", "b")) is None
    assert load._allowed_keys(("no_such_field", "x")) == []
