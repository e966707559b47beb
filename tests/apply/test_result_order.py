"""Apply's progress comes out in the order of the names, whatever order the workers finish in."""

from __future__ import annotations

from wa_templates.apply.execute import Result, _InOrder


def result(name: str, language: str = "en_US") -> Result:
    return Result(f"template.{name}[{language}]", "create", True, "created")


def test_a_later_name_waits_for_the_ones_before_it_and_the_first_streams() -> None:
    shown: list[str] = []
    ordered = _InOrder(["a", "b", "c"], lambda r: shown.append(r.address))
    ordered.add("c", result("c"))
    ordered.finish("c")
    ordered.add("b", result("b"))
    assert shown == []
    ordered.add("a", result("a"))
    assert shown == ["template.a[en_US]"]  # the first in line is not held back
    ordered.add("a", result("a", "es_MX"))
    ordered.finish("a")
    assert shown == ["template.a[en_US]", "template.a[es_MX]", "template.b[en_US]"]
    ordered.finish("b")
    assert shown[-1] == "template.c[en_US]" and len(shown) == 4


def test_an_interrupted_apply_still_shows_every_result_it_has() -> None:
    shown: list[str] = []
    ordered = _InOrder(["a", "b"], lambda r: shown.append(r.address))
    ordered.add("b", result("b"))
    ordered.flush()
    assert shown == ["template.b[en_US]"]
