"""`import --force` into the shipped templates over HTTP: a template edited on the sandbox (as
in WhatsApp Manager) comes back as exactly the lines that changed, comments and styles kept."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest

from tests.e2e.conftest import Project, Sandbox
from wa_templates.channel.payload import to_payload
from wa_templates.files.load import load_file

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]


def shipped(project: Project, sandbox: Sandbox) -> None:
    shutil.rmtree(project.templates)
    shutil.copytree(REPO / "templates", project.templates)
    shutil.copytree(REPO / "schema", project.root / "schema")
    applied = project.run("apply", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err


def edit_on_channel(sandbox: Sandbox, path: Path, language: str, old: str, new: str) -> None:
    """The template's components as the file holds them, `old` replaced by `new`, PATCHed on
    the sandbox as an edit in WhatsApp Manager would leave them."""
    source, _ = load_file(path)
    assert source is not None
    text = json.dumps(to_payload(source.template, language)["components"])
    assert old in text, old
    sandbox.patch(source.template.name, language, components=json.loads(text.replace(old, new)))


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


EDITS = [
    (
        "orders/order_shipped.yaml",
        "en_US",
        "Use the button",
        "Tap the button",
        "en_US body.text",
        [
            "-        arrive by {{3}}. Use the button below to follow it.",
            "+        arrive by {{3}}. Tap the button below to follow it.",
        ],
    ),
    (
        "orders/payment_failed.yaml",
        "en_US",
        "within 48 hours",
        "within 24 hours",
        "en_US body.text",
        [
            "-        Please update your payment details within 48 hours so we can ship your order "
            "on time.",
            "+        Please update your payment details within 24 hours so we can ship your order "
            "on time.",
        ],
    ),
    (
        "orders/order_confirmation.yaml",
        "es_MX",
        '"Ver pedido"',
        '"yes"',
        "es_MX buttons[0].text",
        ["-        text: Ver pedido", '+        text: "yes"'],
    ),
    (
        "account/login_code.yaml",
        "es_MX",
        '"code_expiration_minutes": 5',
        '"code_expiration_minutes": 10',
        "es_MX footer.code_expiration_minutes",
        ["-      code_expiration_minutes: 5", "+      code_expiration_minutes: 10"],
    ),
    (
        "marketing/product_carousel.yaml",
        "en_US",
        "with a grippy sole",
        "with a very grippy sole",
        "en_US carousel[1].body.text",
        [
            "-          text: Summit Boots with a grippy sole, now {{1}} in sizes 5 to 13.",
            "+          text: Summit Boots with a very grippy sole, now {{1}} in sizes 5 to 13.",
        ],
    ),
    (
        "appointments/appointment_reminder.yaml",
        "es_MX",
        '"Llamar a la cl\\u00ednica"',
        '"Llame a la cl\\u00ednica"',
        "es_MX buttons[0].text",
        ["-        text: Llamar a la clínica", "+        text: Llame a la clínica"],
    ),
]


@pytest.mark.parametrize(("file", "language", "old", "new", "key", "lines"), EDITS)
def test_the_diff_of_the_file_is_exactly_the_changed_lines(
    linked: Project,
    sandbox: Sandbox,
    file: str,
    language: str,
    old: str,
    new: str,
    key: str,
    lines: list[str],
) -> None:
    shipped(linked, sandbox)
    path = linked.templates / file
    before = path.read_text()
    edit_on_channel(sandbox, path, language, old, new)
    name = path.stem

    refused = linked.run("import", "--only", name)
    assert refused.code == 1 and refused.out.startswith(f"refused    templates/{file}: differs")
    dry = linked.run("import", "--only", name, "--force", "--dry-run")
    assert dry.code == 0, dry.out + dry.err
    assert path.read_text() == before  # nothing written
    assert f"{key} (dry run: not written)" in dry.out.splitlines()[0]
    assert f"--- a/templates/{file}" in dry.out and lines[0] in dry.out

    done = linked.run("import", "--only", name, "--force")
    assert done.code == 0, done.out + done.err
    assert done.out.splitlines()[0].startswith(f"updated    templates/{file} (")
    assert done.out.splitlines()[0].endswith(f"): {key}")
    assert changed_lines(before, path.read_text()) == lines
    # The repository now says what the channel holds.
    assert linked.run("plan", "--only", name, "--detailed-exitcode").code == 0
    assert linked.run("import", "--only", name).out.startswith(f"unchanged  templates/{file}")


def test_every_other_file_is_left_alone(linked: Project, sandbox: Sandbox) -> None:
    shipped(linked, sandbox)
    before = {p: p.read_bytes() for p in linked.templates.rglob("*.yaml")}
    edit_on_channel(
        sandbox, linked.templates / "orders/order_shipped.yaml", "es_MX", "Rastrear", "Seguir"
    )
    sandbox.patch("spring_sale", category="UTILITY")
    done = linked.run("import", "--force")
    assert done.code == 0, done.out + done.err
    updated = [line for line in done.out.splitlines() if not line.startswith("unchanged")]
    assert updated == [
        "updated    templates/orders/order_shipped.yaml (en_US APPROVED, es_MX APPROVED): "
        "es_MX buttons[0].text",
        "updated    templates/marketing/spring_sale.yaml (en_US APPROVED): category",
    ]
    after = {p: p.read_bytes() for p in linked.templates.rglob("*.yaml")}
    assert sorted(p.name for p in after if after[p] != before[p]) == [
        "order_shipped.yaml",
        "spring_sale.yaml",
    ]
    spring = (linked.templates / "marketing/spring_sale.yaml").read_text()
    assert changed_lines(
        before[linked.templates / "marketing/spring_sale.yaml"].decode(), spring
    ) == [
        "-category: MARKETING",
        "+category: UTILITY",
    ]
    assert "Imported from" not in spring
