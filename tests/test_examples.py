"""The templates shipped in templates/: clean under --strict, and showing what they claim."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from wa_templates.channel.payload import from_payload, to_payload
from wa_templates.cli.main import main
from wa_templates.files.model import Button, Language, TemplateFile
from wa_templates.files.placeholders import find
from wa_templates.rules.check import check_paths

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture(scope="module")
def shipped() -> list[TemplateFile]:
    report = check_paths([TEMPLATES])
    assert report.files == len(report.sources)
    return [source.template for source in report.sources]


def _languages(templates: list[TemplateFile]) -> Iterator[tuple[TemplateFile, Language]]:
    for template in templates:
        for lang in template.languages.values():
            yield template, lang


def _buttons(templates: list[TemplateFile]) -> Iterator[tuple[TemplateFile, Button]]:
    for template, lang in _languages(templates):
        yield from ((template, b) for b in lang.buttons)
        for card in lang.carousel or []:
            yield from ((template, b) for b in card.buttons)


def test_shipped_templates_have_no_diagnostics_at_all() -> None:
    report = check_paths([TEMPLATES])
    assert [f"{d.file}:{d.line} {d.rule} {d.message}" for d in report.diagnostics] == []
    assert 8 <= report.files <= 12


def test_validate_strict_passes_on_the_shipped_templates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", "--strict", str(TEMPLATES)]) == 0
    assert capsys.readouterr().out.rstrip().endswith(": 0 errors, 0 warnings")


def test_every_category_is_shown(shipped: list[TemplateFile]) -> None:
    assert {t.category for t in shipped} == {"AUTHENTICATION", "MARKETING", "UTILITY"}


def test_image_document_and_location_headers_are_shown(shipped: list[TemplateFile]) -> None:
    formats = {lang.header.format for _, lang in _languages(shipped) if lang.header}
    assert {"IMAGE", "DOCUMENT", "LOCATION", "TEXT"} <= formats


def test_a_marketing_carousel_with_several_cards_is_shown(shipped: list[TemplateFile]) -> None:
    carousels = [(t, lang.carousel) for t, lang in _languages(shipped) if lang.carousel]
    assert carousels
    assert all(t.category == "MARKETING" and 2 <= len(cards) <= 10 for t, cards in carousels)


def test_authentication_uses_copy_code_with_the_preset_options(
    shipped: list[TemplateFile],
) -> None:
    auth = [(t, lang) for t, lang in _languages(shipped) if t.category == "AUTHENTICATION"]
    assert auth
    for _, lang in auth:
        assert [(b.type, b.otp_type) for b in lang.buttons] == [("OTP", "COPY_CODE")]
        assert lang.body is not None and lang.body.add_security_recommendation is True
        assert lang.footer is not None and lang.footer.code_expiration_minutes is not None


def test_url_phone_copy_code_and_quick_reply_buttons_are_shown(
    shipped: list[TemplateFile],
) -> None:
    kinds = {(t.category, b.type) for t, b in _buttons(shipped)}
    assert {("UTILITY", "URL"), ("UTILITY", "PHONE_NUMBER"), ("UTILITY", "QUICK_REPLY")} <= kinds
    assert {("MARKETING", "COPY_CODE"), ("MARKETING", "QUICK_REPLY")} <= kinds
    dynamic = [b for _, b in _buttons(shipped) if b.type == "URL" and "{{1}}" in (b.url or "")]
    assert dynamic and all(b.examples for b in dynamic)


def test_named_parameters_are_shown_with_a_mapping_of_samples(
    shipped: list[TemplateFile],
) -> None:
    named = [
        lang.body
        for _, lang in _languages(shipped)
        if lang.body and any(p.named for p in find(lang.body.text))
    ]
    assert named
    for body in named:
        assert isinstance(body.examples, dict)
        assert set(body.examples) == {p.raw for p in find(body.text)}


def test_some_templates_come_in_english_and_mexican_spanish(shipped: list[TemplateFile]) -> None:
    both = [t.name for t in shipped if {"en_US", "es_MX"} <= set(t.languages)]
    assert len(both) >= 2
    assert any(t.category == "AUTHENTICATION" for t in shipped if t.name in both)


def test_every_ignore_gives_a_reason(shipped: list[TemplateFile]) -> None:
    for template in shipped:
        assert all(reason.strip() for reason in template.ignore.values()), template.name


def test_shipped_templates_survive_the_trip_to_8x8_and_back(shipped: list[TemplateFile]) -> None:
    for template in shipped:
        for code, lang in template.languages.items():
            back = from_payload(to_payload(template, code))
            assert back.languages[code] == lang, (template.name, code)
