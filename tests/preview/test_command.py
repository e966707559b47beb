"""`wa-templates preview NAME`: the message in the terminal, or as an HTML page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wa_templates.cli.main import main

REPO = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "wa-templates.toml").write_text('templates_dir = "templates"\n')
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


def test_every_language_with_samples_filled(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "preview", "order_shipped")
    assert (code, err) == (0, "")
    assert out == (
        "order_shipped · en_US · UTILITY\n"
        "Order NW-10482 is on its way\n"
        "Good news, Maria! Your package left our warehouse with UPS and should arrive by "
        "Thursday, May 16. Use the button below to follow it.\n"
        "Northwind Outfitters\n"
        "[ Track package ↗ ]  https://www.example.com/track/1Z999AA10123456784\n"
        "\n"
        "order_shipped · es_MX · UTILITY\n"
        "Tu pedido NW-10482 va en camino\n"
        "¡Buenas noticias, María! Tu paquete salió de nuestro almacén con Estafeta y debería "
        "llegar el jueves 16 de mayo. Usa el botón de abajo para seguirlo.\n"
        "Northwind Outfitters\n"
        "[ Rastrear paquete ↗ ]  https://www.example.com/es-mx/rastreo/1Z999AA10123456784\n"
    )


def test_one_language(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "preview", "login_code", "--language", "es_MX")
    assert code == 0
    assert out == (
        "login_code · es_MX · AUTHENTICATION\n"
        # Meta's preset wording in the template's language (its documented es_ES strings).
        "Tu código de verificación es *482913*. Por tu seguridad, no lo compartas.\n"
        "Este código caduca en 5 minutos.\n"
        "[ Copiar código ⧉ ]\n"
    )


def test_colour_only_when_forced_and_never_with_no_color(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Captured output is no terminal: plain, markers as written.
    assert "\x1b[" not in run(capsys, "preview", "login_code")[1]
    monkeypatch.setenv("FORCE_COLOR", "1")
    out = run(capsys, "preview", "login_code", "--language", "en_US")[1]
    assert out.startswith("\x1b[1mlogin_code · en_US · AUTHENTICATION\x1b[0m\n")
    assert "\x1b[1m482913\x1b[22m is your verification code." in out
    monkeypatch.setenv("NO_COLOR", "1")
    out = run(capsys, "preview", "login_code", "--language", "en_US")[1]
    assert "\x1b[" not in out and "*482913*" in out


def test_control_characters_in_a_file_never_reach_the_terminal(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "templates" / "sneaky.yaml").write_text(
        "name: sneaky\ncategory: UTILITY\nlanguages:\n  en_US:\n    body:\n"
        '      text: "Hi\\e[2J {{1}} there, welcome to the shop."\n      examples: ["\\a"]\n'
    )
    code, out, _ = run(capsys, "preview", "sneaky")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "Hi\\x1b[2J \\x07 there" in out


def test_unknown_name_suggests_the_closest(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "preview", "order_shiped") == (
        1,
        "",
        "error: no template 'order_shiped' in templates (did you mean 'order_shipped'?)\n",
    )
    assert run(capsys, "preview", "zzz") == (1, "", "error: no template 'zzz' in templates\n")


def test_unknown_language_lists_the_templates_languages(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "preview", "order_shipped", "--language", "es_ES")
    assert (code, out) == (1, "")
    assert err == (
        "error: 'order_shipped' has no language 'es_ES' (did you mean 'es_MX'?); "
        "it has en_US, es_MX\n"
    )


def test_a_file_that_does_not_load_is_named(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "templates" / "broken.yaml").write_text("name: broken\ncategory: [UTILITY\n")
    code, _, err = run(capsys, "preview", "broken")
    assert code == 1
    assert err.startswith("error: templates/broken.yaml:2:")
    assert "the file does not load (WA001" in err and "run `wa-templates validate`" in err


def test_html_page(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "preview", "product_carousel", "--html", "out/page.html")
    assert code == 1  # the folder does not exist
    (project / "out").mkdir()
    code, out, _ = run(capsys, "preview", "product_carousel", "--html", "out/page.html")
    assert (code, out) == (0, "wrote out/page.html (en_US)\n")
    html = (project / "out" / "page.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Hi Sam, our new trail collection has landed." in html
    assert html.count('<div class="card">') == 3
    assert "url('https://chatapps.8x8.com/files/samples/trail-jacket.jpg')" in html


def test_html_with_one_language(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "preview", "order_shipped", "--language", "es_MX", "--html", "p.html"
    )
    assert (code, out) == (0, "wrote p.html (es_MX)\n")
    html = (project / "p.html").read_text(encoding="utf-8")
    assert "Tu pedido NW-10482 va en camino" in html and "Maria" not in html


def test_html_cannot_be_written(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "preview", "order_shipped", "--html", "missing/dir/p.html")
    assert code == 1
    assert err.startswith("error: missing/dir/p.html: cannot write the preview: ")
