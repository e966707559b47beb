"""WA701-WA704 and WA801: headers, media samples and time-to-live."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import diagnose, only, source
from wa_templates.files.load import load_file
from wa_templates.rules.check import check_paths, check_template
from wa_templates.rules.media import (
    MB,
    media_file,
    sample_extension,
    sample_scheme,
    template_folder,
)
from wa_templates.rules.registry import Finding, LanguageContext

OWN = {"WA701", "WA702", "WA703", "WA704", "WA801"}

BODY = 'body: {text: "Your invoice for this month is ready to view."}\n'


def template(lang: str, category: str = "UTILITY", top: str = "", name: str = "t") -> str:
    head = f"name: {name}\ncategory: {category}\n{top}languages:\n  en_US:\n"
    return head + textwrap.indent(textwrap.dedent(lang), "    ")


def header(fmt: str, sample: str | None = None) -> str:
    examples = f', examples: ["{sample}"]' if sample is not None else ""
    return f"header: {{format: {fmt}{examples}}}\n"


def line_of(text: str, marker: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(lines) == 1, f"marker {marker!r} must be on exactly one line"
    return lines[0]


CARD = """\
carousel:
  - header: {format: IMAGE%s}
    body: {text: "A fine product"}
    buttons: [{type: QUICK_REPLY, text: More}]
  - header: {format: IMAGE, examples: ["https://x.io/b.png"]}
    body: {text: "A fine product"}
    buttons: [{type: QUICK_REPLY, text: More}]
"""
MARKETING_BODY = 'body: {text: "Our picks for you. Reply STOP to opt out."}\n'

FAILING = [
    ("WA701", template(header("PICTURE", "https://x.io/a.png") + BODY), "PICTURE", "error"),
    ("WA702", template("header: {format: LOCATION, text: Store}\n" + BODY), "LOCATION", "error"),
    (
        "WA702",
        template("header:\n  format: LOCATION\n  examples: [here]\n" + BODY),
        "examples",
        "error",
    ),
    ("WA703", template(header("IMAGE") + BODY), "IMAGE", "error"),
    ("WA703", template(header("DOCUMENT", "http://x.io/invoice.pdf") + BODY), "http://", "error"),
    ("WA703", template(header("VIDEO", "ftp://x.io/a.mp4") + BODY), "ftp://", "error"),
    ("WA703", template(header("IMAGE", "https:///a.png") + BODY), "https:///", "error"),
    ("WA703", template(header("IMAGE", " ") + BODY), "IMAGE", "error"),
    ("WA703", template(MARKETING_BODY + CARD % "", "MARKETING"), "format: IMAGE}", "error"),
    ("WA704", template(header("IMAGE", "https://x.io/a.gif") + BODY), "a.gif", "error"),
    ("WA704", template(header("VIDEO", "https://x.io/a.mov?sig=1") + BODY), "a.mov", "error"),
    ("WA704", template(header("DOCUMENT", "https://x.io/a.png") + BODY), "a.png", "error"),
    ("WA704", template(header("IMAGE", "media/banner.webp") + BODY), "banner.webp", "error"),
    ("WA704", template(header("IMAGE", "media/banner") + BODY), "media/banner", "error"),
    (
        "WA704",
        template(MARKETING_BODY + CARD % ', examples: ["https://x.io/a.mp4"]', "MARKETING"),
        "a.mp4",
        "error",
    ),
    # GIF headers get the media checks the other formats get.
    ("WA704", template(header("GIF", "https://x.io/a.gif") + BODY, "MARKETING"), "a.gif", "error"),
    ("WA704", template(header("GIF", "media/loop.mov") + BODY, "MARKETING"), "loop.mov", "error"),
    ("WA704", template(header("GIF", "media/loop") + BODY, "MARKETING"), "media/loop", "error"),
    ("WA703", template(header("GIF", "http://x.io/a.mp4") + BODY, "MARKETING"), "http", "error"),
    ("WA703", template(header("GIF") + BODY, "MARKETING"), "GIF", "error"),
    ("WA801", template(BODY, top="message_send_ttl_seconds: 0\n"), "ttl", "error"),
    ("WA801", template(BODY, top="message_send_ttl_seconds: -5\n"), "ttl", "error"),
    ("WA801", template(BODY, top="message_send_ttl_seconds: 29\n"), "ttl", "error"),
    (
        "WA801",
        template(BODY, top="message_send_ttl_seconds: 2592001\n", category="MARKETING"),
        "ttl",
        "error",
    ),
]

PASSING = [
    ("WA701", template(header("image", "https://x.io/a.png") + BODY)),
    ("WA701", template(BODY)),
    ("WA702", template("header: {format: LOCATION}\n" + BODY)),
    ("WA703", template(header("IMAGE", "https://chatapps.8x8.com/files/a.png?token=x") + BODY)),
    ("WA703", template(header("DOCUMENT", "media/invoice.pdf") + BODY)),
    ("WA703", template(header("VIDEO", "C:\\media\\a.mp4") + BODY)),
    ("WA703", template("header: {format: TEXT, text: Invoice}\n" + BODY)),
    ("WA703", template("header: {format: LOCATION}\n" + BODY)),
    ("WA704", template(header("IMAGE", "https://x.io/a.JPEG") + BODY)),
    ("WA704", template(header("IMAGE", "https://x.io/render?id=3") + BODY)),
    ("WA704", template(header("IMAGE", "https://x.io/image.php") + BODY)),
    ("WA704", template(header("VIDEO", "https://x.io/a.3gp") + BODY)),
    ("WA704", template(header("DOCUMENT", "https://x.io/a.xlsx") + BODY)),
    ("WA704", template(header("GIF", "https://x.io/loop.mp4") + BODY, "MARKETING")),
    ("WA704", template(header("GIF", "media/loop.mp4") + BODY, "MARKETING")),
    # The helper's file does not exist on disk, so a local path is judged by its extension only.
    ("WA704", template(header("IMAGE", "media/a.png") + BODY)),
    ("WA801", template(BODY, top="message_send_ttl_seconds: -1\n")),
    ("WA801", template(BODY, top="message_send_ttl_seconds: 30\n")),
    ("WA801", template(BODY, top="message_send_ttl_seconds: 2592000\n", category="MARKETING")),
]


@pytest.mark.parametrize(("rule", "text", "marker", "severity"), FAILING)
def test_rule_fires_at_the_offending_line(rule: str, text: str, marker: str, severity: str) -> None:
    found = only(text, rule)
    assert [(d.line, d.severity.value) for d in found] == [(line_of(text, marker), severity)], found


@pytest.mark.parametrize(("rule", "text"), PASSING)
def test_rule_stays_silent(rule: str, text: str) -> None:
    assert only(text, rule) == []


@pytest.mark.parametrize(
    ("category", "value", "rule"),
    [
        ("AUTHENTICATION", 901, "WA507"),
        ("UTILITY", 43201, "WA522"),
        ("MARKETING", 600, "WA512"),
        ("MARKETING", -1, "WA512"),
        ("UTILITY", 0, "WA801"),
        ("AUTHENTICATION", 3_000_000, "WA801"),
        ("MARKETING", 10, "WA801"),
    ],
)
def test_each_bad_ttl_is_reported_once(category: str, value: int, rule: str) -> None:
    text = template(BODY, category, top=f"message_send_ttl_seconds: {value}\n")
    ttl_rules = [d.rule for d in diagnose(text) if d.rule in {"WA507", "WA512", "WA522", "WA801"}]
    assert ttl_rules == [rule]


def test_header_format_message_lists_the_choices() -> None:
    [d] = only(template(header("PICTURE", "https://x.io/a.png") + BODY), "WA701")
    assert "'PICTURE'" in d.message and "DOCUMENT" in d.message


def test_location_header_in_authentication_is_left_to_wa502() -> None:
    text = template(
        "header: {format: LOCATION, text: x}\nbody: {add_security_recommendation: true}\n",
        "AUTHENTICATION",
    )
    rules = {d.rule for d in diagnose(text)}
    assert "WA502" in rules and "WA702" not in rules


def test_clean_media_template_has_no_findings_from_these_rules() -> None:
    text = template(
        header("DOCUMENT", "https://files.example.com/invoices/march.pdf") + BODY,
        top="message_send_ttl_seconds: 86400\n",
    )
    assert [d for d in diagnose(text) if d.rule in OWN] == []


# --- local files ---------------------------------------------------------------------------
#
# The engine's LanguageContext does not say which file it judges yet; WA704 checks local files
# on disk when the context carries `file`. FileContext is that context, so these tests pin down
# the check itself; the rule's other cases run through the engine above.


@dataclass(slots=True)
class FileContext(LanguageContext):
    file: str = ""


def write_template(folder: Path, fmt: str, sample: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / "invoice.yaml"
    file.write_text(template(header(fmt, sample) + BODY, name="invoice"), encoding="utf-8")
    return file


def sized(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(size)  # sparse: costs no disk


def wa704(file: Path) -> list[tuple[tuple[str | int, ...], str]]:
    loaded = load_file(file)[0]
    assert loaded is not None
    template_ = loaded.template
    ctx = FileContext(template_, "en_US", template_.languages["en_US"], str(file))
    findings = list(media_file(ctx))
    assert all(isinstance(f, Finding) for f in findings)
    return [(f.path, f.message) for f in findings if isinstance(f, Finding)]


def test_local_file_resolves_against_the_template_folder(tmp_path: Path) -> None:
    file = write_template(tmp_path / "templates", "IMAGE", "media/banner.png")
    sized(tmp_path / "templates" / "media" / "banner.png", 1000)
    assert wa704(file) == []


def test_missing_local_file_is_an_error(tmp_path: Path) -> None:
    file = write_template(tmp_path, "IMAGE", "media/nope.png")
    [(path, message)] = wa704(file)
    assert path == ("header", "examples", 0)
    assert "does not exist" in message and "nope.png" in message


@pytest.mark.parametrize(
    ("fmt", "name", "size", "bad"),
    [
        ("IMAGE", "a.jpg", 5 * MB, False),
        ("IMAGE", "a.jpg", 5 * MB + 1, True),
        ("VIDEO", "a.mp4", 16 * MB + 1, True),
        ("VIDEO", "a.mp4", 16 * MB, False),
        ("DOCUMENT", "a.pdf", 100 * MB + 1, True),
        ("DOCUMENT", "a.pdf", 100 * MB, False),
        # A GIF header is an MP4 WhatsApp loops: checked like any other media header.
        ("GIF", "loop.mp4", 16 * MB + 1, True),
        ("GIF", "loop.mp4", 16 * MB, False),
    ],
)
def test_local_file_size_limits(tmp_path: Path, fmt: str, name: str, size: int, bad: bool) -> None:
    file = write_template(tmp_path, fmt, name)
    sized(tmp_path / name, size)
    found = wa704(file)
    assert bool(found) is bad
    if bad:
        [(_, message)] = found
        assert f"{size / MB:.1f} MB" in message and f"{fmt} is limited to" in message


def test_local_path_with_a_nul_character_is_reported_not_raised(tmp_path: Path) -> None:
    file = write_template(tmp_path, "IMAGE", "a\\x00b.png")
    [(_, message)] = wa704(file)
    assert "does not exist" in message and "a\\x00b.png" in message


def test_local_folder_instead_of_file(tmp_path: Path) -> None:
    file = write_template(tmp_path, "IMAGE", "dir.png")
    (tmp_path / "dir.png").mkdir()
    [(_, message)] = wa704(file)
    assert "not a file" in message


def test_template_folder_needs_an_existing_file(tmp_path: Path) -> None:
    file = write_template(tmp_path, "IMAGE", "a.png")
    lang = source(file.read_text()).template
    assert template_folder(FileContext(lang, "en_US", lang.languages["en_US"], str(file))) == (
        tmp_path
    )
    gone = FileContext(lang, "en_US", lang.languages["en_US"], str(tmp_path / "gone.yaml"))
    assert template_folder(gone) is None
    assert template_folder(LanguageContext(lang, "en_US", lang.languages["en_US"])) is None


def test_local_extension_is_judged_through_validate(tmp_path: Path) -> None:
    write_template(tmp_path, "IMAGE", "media/banner.webp")
    found = [d for d in check_paths([tmp_path]).diagnostics if d.rule == "WA704"]
    assert [(d.line, d.severity.value) for d in found] == [(5, "error")]


def test_template_without_a_file_skips_the_disk(tmp_path: Path) -> None:
    # The sandbox judges payloads through check_template: no folder, so no existence check.
    loaded = source(template(header("IMAGE", "media/nope.png") + BODY))
    assert [d for d in check_template(loaded.template) if d.rule in OWN] == []
    loaded = source(template(header("IMAGE", "media/nope.gif") + BODY))
    assert [d.rule for d in check_template(loaded.template) if d.rule in OWN] == ["WA704"]


@pytest.mark.parametrize(
    ("value", "scheme", "ext"),
    [
        ("https://x.io/a/b.PNG?x=1#f", "https", ".png"),
        ("HTTP://x.io/a", "http", ""),
        ("media/a.tar.gz", None, ".gz"),
        ("C:\\media\\a.mp4", None, ".mp4"),
        ("data:image/png;base64,xx", "data", ""),
        ("./.hidden", None, ""),
    ],
)
def test_sample_scheme_and_extension(value: str, scheme: str | None, ext: str) -> None:
    assert sample_scheme(value) == scheme
    assert sample_extension(value, scheme) == ext


def test_validate_checks_a_local_media_sample_beside_the_template_file(tmp_path: Path) -> None:
    from wa_templates.rules.check import check_paths

    (tmp_path / "promo.yaml").write_text(
        "name: promo\ncategory: MARKETING\nlanguages:\n  en_US:\n    header:\n"
        "      format: IMAGE\n      examples: [media/banner.png]\n    body:\n"
        "      text: Our spring collection is here. Reply STOP to unsubscribe.\n",
        encoding="utf-8",
    )
    [missing] = [d for d in check_paths([tmp_path]).diagnostics if d.rule == "WA704"]
    assert missing.line == 7 and "does not exist" in missing.message
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "banner.png").write_bytes(b"\x89PNG\r\n")
    assert [d for d in check_paths([tmp_path]).diagnostics if d.rule == "WA704"] == []
