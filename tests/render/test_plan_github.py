"""`plan --format github`: one annotation per blocked change and per finding, at the template's
file and line, within GitHub's limits (10 of each kind per step)."""

from __future__ import annotations

import re

from tests.plan.channel import listed, made_for, simple
from tests.plan.channel import source as channel_source
from tests.wire import build
from wa_templates.files.load import Source
from wa_templates.render.diagnostics import Annotation, annotate
from wa_templates.render.plan_github import Locate, github

# The languages' keys on lines 7 and 11; `name:` on line 3.
ORDER = """\
# Sent when the parcel leaves.
# (two comment lines, so no position is a default)
name: {name}
category: UTILITY
{extra}languages:
  # the first language
  en_US:
    body:
      text: "Hello {{{{1}}}}, your order {body}."
      examples: [Ana]
  es_ES:
    body:
      text: "Hola {{{{1}}}}, tu pedido ha salido."
      examples: [Ana]
"""


def order(
    body: str = "has shipped", name: str = "order_update", extra: str = "", path: str = ""
) -> Source:
    text = ORDER.format(name=name, body=body, extra=extra)
    return channel_source(text, path or f"templates/orders/{name}.yaml")


def locate(*sources: Source) -> Locate:
    by_path = {s.path: s for s in sources}
    return by_path.get


def commands(out: str) -> list[tuple[str, dict[str, str], str]]:
    """(kind, properties, message) per workflow command line."""
    found = []
    for line in out.splitlines():
        match = re.fullmatch(r"::(\w+)(?: ([^:]*))?::(.*)", line)
        assert match, line
        kind, props, message = match.groups()
        properties = dict(p.split("=", 1) for p in props.split(",")) if props else {}
        found.append((kind, properties, message))
    return found


def test_a_blocked_change_is_an_error_at_its_language_line() -> None:
    old, new = order(), order("is on its way")
    plan = build([new], listed(old), made_for("prod"))
    [(kind, where, message)] = commands(github(plan, locate(new)))
    assert kind == "error"
    assert where == {
        "file": "templates/orders/order_update.yaml",
        "line": "7",
        "col": "3",
        "title": "blocked%3A template.order_update[en_US]",
    }
    assert message.startswith("8x8 cannot edit a template, and deleting 'order_update' would drop")


def test_findings_are_annotated_by_severity_at_their_language_or_name() -> None:
    src = order()
    items = listed(src, status="PAUSED", languages=["en_US"])
    items += listed(src, status="REJECTED", languages=["es_ES"])
    other = channel_source(simple("welcome"), "templates/welcome.yaml")
    items += listed(other, status="PENDING")
    plan = build([src, other], items, made_for("prod"))
    found = commands(github(plan, locate(src, other)))
    file = "templates/orders/order_update.yaml"
    assert [(k, w["file"], w["line"], w["title"]) for k, w, _ in found] == [
        ("warning", file, "7", "paused%3A template.order_update[en_US]"),
        ("error", file, "11", "rejected%3A template.order_update[es_ES]"),
        ("notice", "templates/welcome.yaml", "4", "pending_review%3A template.welcome[en_US]"),
    ]
    paused = found[0][2]
    assert paused.startswith("paused by Meta: not sendable; next: ")


def test_a_finding_on_a_language_the_file_lacks_points_at_the_name() -> None:
    both, only_en = order(), channel_source(simple("order_update"), "templates/o.yaml")
    items = listed(both, status="PAUSED")
    plan = build([only_en], items, made_for("prod"))
    es = [c for c in commands(github(plan, locate(only_en))) if "es_ES" in c[1]["title"]]
    # Dropping es_ES would delete the name, so it is blocked; and Meta paused it.
    assert [(k, w["file"], w["line"], w["title"].split("%3A")[0]) for k, w, _ in es] == [
        ("error", "templates/o.yaml", "1", "blocked"),
        ("warning", "templates/o.yaml", "1", "paused"),
    ]


def test_a_version_is_annotated_in_its_template_file() -> None:
    live = order()
    versioned = order("is on its way", extra="versioning: suffix\n")
    plan = build([versioned], listed(live, status="PAUSED"), made_for("prod"))
    found = commands(github(plan, locate(versioned)))
    assert {w["title"].split("%3A")[0] for _, w, _ in found} == {"paused"}
    assert {(w["file"], w["line"]) for _, w, _ in found} == {
        ("templates/orders/order_update.yaml", "8"),  # versioning: shifts the languages
        ("templates/orders/order_update.yaml", "12"),
    }


def test_without_its_file_an_annotation_names_the_file_without_a_line() -> None:
    plan = build([order("is on its way")], listed(order()), made_for("prod"))
    [(_, where, _)] = commands(github(plan))
    assert where["file"] == "templates/orders/order_update.yaml" and "line" not in where
    # A plan that names no file (edited by hand) still gets its annotation, on no file.
    for change in plan.changes:
        change.source = None
    [(_, where, _)] = commands(github(plan, locate(order())))
    assert set(where) == {"title"}


def test_nothing_blocked_and_nothing_found_is_no_output() -> None:
    src = order()
    assert github(build([src], listed(src), made_for("prod")), locate(src)) == ""


def test_at_most_ten_of_each_kind_then_one_notice_that_counts_the_rest() -> None:
    olds = [order(name=f"t{i:02d}") for i in range(25)]
    news = [order("is on its way", name=f"t{i:02d}") for i in range(25)]
    items = [item for old in olds for item in listed(old)]
    out = github(build(news, items, made_for("prod")), locate(*news))
    found = commands(out)
    # en_US changed in each: 25 blocked changes.
    assert [k for k, _, _ in found] == ["error"] * 10 + ["notice"]
    assert found[-1][2] == (
        "15 more errors not annotated (GitHub shows 10 per type); run `wa-templates plan` to "
        "see all"
    )


def test_notices_keep_room_for_the_notices_that_count_what_was_left_out() -> None:
    items = [Annotation("error", f"e{i}") for i in range(11)]
    items += [Annotation("notice", f"n{i}") for i in range(12)]
    items += [Annotation("warning", f"w{i}") for i in range(3)]
    found = commands(annotate(items, "tool"))
    kinds = [k for k, _, _ in found]
    assert kinds.count("error") == 10 and kinds.count("warning") == 3
    assert kinds.count("notice") == 10  # 8 of the 12, and one count each for errors and notices
    assert [m for k, _, m in found if k == "notice"][-2:] == [
        "1 more error not annotated (GitHub shows 10 per type); run `tool` to see all",
        "4 more notices not annotated (GitHub shows 10 per type); run `tool` to see all",
    ]
    exactly = commands(annotate([Annotation("notice", f"n{i}") for i in range(10)], "tool"))
    assert [m for _, _, m in exactly] == [f"n{i}" for i in range(10)]


def test_what_the_channel_says_cannot_add_a_command_or_hide_in_an_annotation() -> None:
    src = order()
    reason = "BAD\n::error file=x::pwned %0A \u202e,:"
    plan = build([src], listed(src, status="REJECTED", reason=reason), made_for("prod"))
    out = github(plan, locate(src))
    assert [line.split("::")[1].split(" ")[0] for line in out.splitlines()] == ["error"] * 2
    assert "rejected by Meta: BAD%0A::error file=x::pwned %250A \\u202e,:; next:" in out
    assert "\u202e" not in out


def test_properties_and_data_are_escaped_as_github_reads_them() -> None:
    hostile = Annotation("error", "a\nb %0A\u202e", "t:i,t\u200b", "x,y:z.yaml", 3, 1)
    assert annotate([hostile], "tool") == (
        "::error file=x%2Cy%3Az.yaml,line=3,col=1,title=t%3Ai%2Ct\\u200b::a%0Ab %250A\\u202e"
    )
