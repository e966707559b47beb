"""AUTHENTICATION templates in the template's own language, over HTTP."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.conftest import Project, Sandbox

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]


def test_the_shipped_login_code_is_listed_and_previewed_in_spanish(
    linked: Project, sandbox: Sandbox
) -> None:
    shutil.copy(REPO / "templates" / "account" / "login_code.yaml", linked.templates)
    assert linked.run("apply", "--auto-approve").code == 0
    spanish = sandbox.listed()[("login_code", "es_MX")]["components"]
    assert spanish[0]["text"] == (
        "Tu código de verificación es *{{1}}*. Por tu seguridad, no lo compartas."
    )
    assert spanish[1]["text"] == "Este código caduca en 5 minutos."
    assert linked.run("plan", "--detailed-exitcode").code == 0
    preview = linked.run("preview", "login_code", "--language", "es_MX")
    assert "Tu código de verificación es *482913*. Por tu seguridad, no lo compartas." in (
        preview.out
    )
    # Imported back, the Spanish wording becomes the same options again.
    before = (linked.templates / "login_code.yaml").read_bytes()
    imported = linked.run("import")
    assert imported.code == 0 and "unchanged  templates/login_code.yaml" in imported.out
    assert (linked.templates / "login_code.yaml").read_bytes() == before
