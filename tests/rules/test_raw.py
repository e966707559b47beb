"""The raw form (`components:`): its structure checked (WA108), Meta's rules named as unchecked
once (WA110), a body required (WA106), call permission requests checked by category (WA514),
and no other rule reading keys the language does not have."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import diagnose, source
from wa_templates.files import components as structure
from wa_templates.files.yamlsafe import MAX_DEPTH, MAX_NODES
from wa_templates.rules.check import check_paths

OFFER = """\
components:
  - type: HEADER
    format: IMAGE
    examples: ["https://cdn.example.com/summer.png"]
  - type: LIMITED_TIME_OFFER
    limited_time_offer: {text: "Expiring offer!", has_expiration: true}
  - type: BODY
    text: "Good news, {{1}}! Use code {{2}} to get 25% off."
    examples: [Pablo, CARIBE25]
  - type: BUTTONS
    buttons:
      - {type: COPY_CODE, examples: [CARIBE25]}
      - {type: URL, text: Book now!, url: "https://example.com/offers/{{1}}", examples: [n3m]}
"""


def template(lang: str, category: str = "MARKETING", extra: str = "") -> str:
    head = f"name: t\ncategory: {category}\nlanguages:\n  en_US:\n"
    lang = textwrap.indent(textwrap.dedent(lang), "    ")
    return head + lang + textwrap.indent(textwrap.dedent(extra), "    ")


def found(text: str) -> list[tuple[str, str, int, str]]:
    return [(d.rule, d.severity.value, d.line, d.message) for d in diagnose(text)]


def line_of(text: str, marker: str) -> int:
    [line] = [i for i, row in enumerate(text.splitlines(), 1) if marker in row]
    return line


def test_a_limited_time_offer_gets_one_warning_naming_it_and_no_other_rule() -> None:
    text = template(OFFER)
    assert found(text) == [
        (
            "WA110",
            "warning",
            line_of(text, "components:"),
            "validate cannot check Meta's rules for the raw components (limited-time offer); "
            "they are sent as written and only Meta's review judges them",
        )
    ]


@pytest.mark.parametrize(
    ("components", "named"),
    [
        (
            "- {type: BODY, text: Browse our range.}\n"
            "- {type: BUTTONS, buttons: [{type: CATALOG, text: View catalog}]}",
            "CATALOG button",
        ),
        (
            "- {type: HEADER, format: TEXT, text: Our picks}\n"
            "- {type: BODY, text: Browse our range.}\n"
            "- {type: BUTTONS, buttons: [{type: MPM, text: View items}]}",
            "MPM button",
        ),
        (
            "- {type: HEADER, format: PRODUCT}\n"
            "- {type: BODY, text: Back in stock.}\n"
            "- {type: BUTTONS, buttons: [{type: SPM, text: View}]}",
            "PRODUCT header, SPM button",
        ),
        (
            "- {type: BODY, text: Our picks.}\n"
            "- type: CAROUSEL\n"
            "  cards:\n"
            "    - components: [{type: HEADER, format: PRODUCT}, "
            "{type: BUTTONS, buttons: [{type: SPM, text: View}]}]\n",
            "product carousel",
        ),
        (
            "- {type: BODY, text: Hi.}\n- {type: HOLOGRAM, beam: 3}",
            "unknown component type HOLOGRAM",
        ),
        (
            "- {type: BODY, text: Hi., parameter_format: NAMED}",
            "a BODY component has unknown key(s): parameter_format",
        ),
    ],
)
def test_the_warning_names_what_the_format_cannot_say(components: str, named: str) -> None:
    [(rule, severity, _, message)] = found(
        template("components:\n" + textwrap.indent(components, "  "))
    )
    assert (rule, severity) == ("WA110", "warning")
    assert f"raw components ({named})" in message


def test_a_raw_array_the_format_could_hold_says_so() -> None:
    text = template("components:\n  - {type: BODY, text: Your order has shipped.}\n", "UTILITY")
    [(rule, _, _, message)] = found(text)
    assert rule == "WA110" and "can be written with the format's keys" in message


@pytest.mark.parametrize(
    ("components", "marker", "message"),
    [
        (
            "- {type: BODY, text: 5}",
            "text: 5",
            "`text` of a BODY component must be a string, not the number 5",
        ),
        (
            '- {type: BODY, text: "Hi {{1}}", examples: [12345]}',
            "examples",
            "`examples` of a BODY component must be a list of strings (samples), not a list",
        ),
        (
            "- {type: BODY, text: Hi}\n- {type: body, text: Again}",
            "Again",
            "more than one BODY component",
        ),
        ("- {text: Hi}", "text: Hi", "a component needs a `type` (HEADER, BODY, ...), as text"),
        (
            "- {type: BODY, text: Hi}\n- {type: BUTTONS, buttons: [{text: Go}]}",
            "text: Go",
            "a button has no type (URL, QUICK_REPLY, CATALOG, ...) as text",
        ),
        (
            "- {type: BODY, text: Hi}\n"
            "- {type: LIMITED_TIME_OFFER, limited_time_offer: {has_expiration: true}}",
            "LIMITED",
            "a limited_time_offer needs its `text`",
        ),
        (
            "- {type: BODY, text: Hi}\n- {type: CAROUSEL, cards: [{type: HEADER}]}",
            "CAROUSEL",
            "a carousel card needs `components`, a list of its components",
        ),
        # The raw form holds JSON: what only YAML 1.1 reads as a number or boolean is refused.
        (
            "- {type: BODY, text: Hi, ratio: .nan}",
            "ratio",
            "unquoted .nan means NaN only to YAML 1.1 and is not JSON: write it in JSON (true, "
            "false, null, plain digits) or quote it for the text",
        ),
        (
            "- {type: BODY, text: Hi}\n"
            "- {type: LIMITED_TIME_OFFER, limited_time_offer: {text: x, has_expiration: yes}}",
            "yes",
            "unquoted yes means true only to YAML 1.1 and is not JSON: write it in JSON (true, "
            "false, null, plain digits) or quote it for the text",
        ),
        (
            "- {type: BODY, text: Hi}\n- {type: FOOTER, text: [x]}",
            "FOOTER",
            "`text` of a FOOTER component must be a string, not a list",
        ),
    ],
)
def test_structure_errors_point_at_the_value(components: str, marker: str, message: str) -> None:
    text = template("components:\n" + textwrap.indent(components, "  "), "UTILITY")
    errors = [(line, text_) for rule, _, line, text_ in found(text) if rule == "WA108"]
    assert errors == [(line_of(text, marker), message)]
    # No description of what is not even a component array.
    assert not [rule for rule, *_ in found(text) if rule == "WA110"]


def test_a_component_that_is_no_mapping_does_not_load() -> None:
    text = template("components:\n  - [BODY]\n", "UTILITY")
    [error] = diagnose(text)
    assert (error.rule, error.line) == ("WA004", line_of(text, "[BODY]"))


def test_the_raw_form_replaces_the_format_keys_rather_than_adding_to_them() -> None:
    text = template(OFFER, extra="footer: {text: Thanks}\ncall_permission_request: true\n")
    [(line, message)] = [(d.line, d.message) for d in diagnose(text) if d.rule == "WA108"]
    assert line == line_of(text, "components:")
    assert "has both components and footer, call_permission_request" in message


def test_a_raw_language_needs_a_body_like_any_other() -> None:
    text = template("components:\n  - {type: HEADER, format: TEXT, text: Hi}\n", "UTILITY")
    [(_, _, line, message)] = [f for f in found(text) if f[0] == "WA106"]
    assert line == line_of(text, "components:")
    assert message == "language 'en_US' has no BODY component; every template needs exactly one"


@pytest.mark.parametrize("category", ["MARKETING", "UTILITY"])
def test_a_call_permission_request_is_fine_where_meta_allows_it(category: str) -> None:
    modelled = template('body: {text: "Can we call you? Reply STOP to opt out."}\n', category)
    modelled += "    call_permission_request: true\n"
    assert not [d for d in diagnose(modelled) if d.rule == "WA514"]
    raw = template(
        "components:\n  - {type: BODY, text: Can we call you?}\n"
        "  - {type: CALL_PERMISSION_REQUEST}\n",
        category,
    )
    assert not [d for d in diagnose(raw) if d.rule == "WA514"]


def test_a_call_permission_request_elsewhere_is_an_error_in_either_form() -> None:
    modelled = template("body: {add_security_recommendation: true}\n", "AUTHENTICATION")
    modelled += "    call_permission_request: true\n"
    [error] = [d for d in diagnose(modelled) if d.rule == "WA514"]
    assert error.line == line_of(modelled, "call_permission_request")
    assert error.message == (
        "a call permission request is allowed in MARKETING and UTILITY templates only, "
        "not AUTHENTICATION"
    )
    raw = template(
        "components:\n  - {type: BODY, add_security_recommendation: true}\n"
        "  - {type: CALL_PERMISSION_REQUEST}\n",
        "AUTHENTICATION",
    )
    [error] = [d for d in diagnose(raw) if d.rule == "WA514"]
    assert error.line == line_of(raw, "CALL_PERMISSION_REQUEST")


# --- files.components.problems, directly ------------------------------------------------------


def nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


def test_limits_are_a_template_file_s_counted_from_where_the_array_sits() -> None:
    room = MAX_DEPTH - structure.FILE_DEPTH  # the document, languages and the language
    body = {"type": "BODY", "text": "Hi"}
    # The list itself and its component take two levels.
    assert structure.problems([body, {"type": "X", "deep": nested(room - 2)}]) == []
    [(path, message)] = structure.problems([body, {"type": "X", "deep": nested(room - 1)}])
    assert (
        message == f"components nest deeper than {room} levels, which a template file cannot hold"
    )
    assert path[:2] == (1, "deep")
    wide = [body, {"type": "X", "many": list(range(MAX_NODES))}]
    assert structure.problems(wide) == [
        ((), f"components hold more than {MAX_NODES:,} values, a template file's limit")
    ]
    big = [body, {"type": "X", "blob": "x" * (1024 * 1024)}]
    [(_, message)] = structure.problems(big)
    assert (
        message.startswith("components take 1,048,6") and "more than a template file may" in message
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("BODY", "components must be a list of components, not a string"),
        ([], "components is empty: a template needs at least a BODY"),
        ([{"type": "BODY", 1: "x"}], "a mapping key must be text, not the number 1"),
        ([{"type": "BODY", "when": object()}], "object is not a JSON value"),
        ([{"type": "BODY", "inf": float("inf")}], "inf is not a number JSON can carry"),
    ],
)
def test_what_json_cannot_carry_is_refused(value: Any, message: str) -> None:
    assert [m for _, m in structure.problems(value)] == [message]


def test_the_raw_form_holds_json_values_as_written() -> None:
    text = template(
        "components:\n"
        "  - {type: BODY, text: Hi there, n: 5, f: 1.5, t: true, z: ~, d: 2024-05-01}\n"
    )
    components = source(text).template.languages["en_US"].components
    assert components == [
        {
            "type": "BODY",
            "text": "Hi there",
            "n": 5,
            "f": 1.5,
            "t": True,
            "z": None,
            "d": "2024-05-01",
        }
    ]
    types = [type(v) for v in components[0].values()]
    assert types == [str, str, int, float, bool, type(None), str]


def test_a_local_sample_in_the_raw_form_must_stay_inside_the_project(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "templates").mkdir(parents=True)
    (tmp_path / "secret.png").write_bytes(b"\x89PNG")
    text = template(
        "components:\n"
        '  - {type: BODY, text: "Our picks. Reply STOP to opt out."}\n'
        "  - type: CAROUSEL\n"
        "    cards:\n"
        "      - components:\n"
        '          - {type: HEADER, format: IMAGE, examples: ["../../secret.png"]}\n'
    )
    (project / "templates" / "t.yaml").write_text(text, encoding="utf-8")
    report = check_paths([project / "templates"], root=project)
    [outside] = [d for d in report.diagnostics if d.rule == "WA013"]
    assert outside.line == line_of(text, "secret.png")
    assert "resolves outside the project root" in outside.message
