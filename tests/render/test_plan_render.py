import json
import re
from typing import Any

from tests.helpers import source
from tests.plan.channel import made_for
from tests.wire import build
from wa_templates.files.load import Source
from wa_templates.plan.build import PlanOptions
from wa_templates.plan.model import FORMAT_VERSION, Plan
from wa_templates.plan.saved import parse_plan
from wa_templates.render import plan as render
from wa_templates.render.plan import MARKDOWN_BUDGET, PLAN_MARKER, is_plan_comment, marker

ORDER = """
name: order_update
category: UTILITY
languages:
  en_US:
    body:
      text: "Order {{{{1}}}} {body}"
      examples: [A-17]
"""


def order(body: str = "has shipped.", name: str = "order_update", extra: str = "") -> Source:
    return source(ORDER.format(body=body).replace("order_update", name) + extra)


def item(
    name: str = "order_update",
    body: str = "has shipped.",
    status: str = "APPROVED",
    language: str = "en_US",
    category: str = "UTILITY",
    **more: Any,
) -> dict[str, Any]:
    return {
        "templateName": name,
        "language": language,
        "category": category,
        "status": status,
        "components": [
            {"type": "BODY", "text": f"Order {{{{1}}}} {body}", "example": {"bodyText": ["A-17"]}}
        ],
        **more,
    }


def lines(text: str) -> list[str]:
    return text.splitlines()


# --- text -----------------------------------------------------------------------------------


def test_create_is_listed_with_its_content_and_counted() -> None:
    # The CLI passes the provider's description ("target prod") as the plan's target.
    out = render.text(build([order()], [], made_for("prod")), color=False)
    assert lines(out)[0].startswith("Plan for target prod (channel state sha256:")
    assert "  + template.order_update[en_US]  create  (not on the channel: create it)" in lines(out)
    assert '      + body.text: "Order {{1}} has shipped."' in lines(out)
    assert '      + body.examples: ["A-17"]' in lines(out)
    assert lines(out)[-1] == "Plan: 1 to create, 0 to recreate, 0 to delete, 0 blocked."


def test_no_change_is_counted_not_listed_unless_verbose() -> None:
    plan = build([order()], [item()], made_for("prod"))
    out = render.text(plan, color=False)
    assert "template.order_update" not in out
    assert "1 unchanged, not listed" in lines(out)
    assert lines(out)[-1] == "No changes. The channel matches the repository."
    verbose = render.text(plan, color=False, verbose=True)
    assert "  = template.order_update[en_US]  no-op  (the channel matches the repository)" in lines(
        verbose
    )
    assert "not listed" not in verbose


def test_recreate_of_a_never_approved_name_shows_the_field_diff() -> None:
    plan = build([order("is on its way.")], [item(status="REJECTED")], made_for("prod"))
    out = lines(render.text(plan, color=False))
    [line] = [x for x in out if x.startswith("-/+ ")]
    assert line.startswith("-/+ template.order_update[en_US]  recreate  (8x8 cannot edit: ")
    assert "      ~ body.text: Order {{1}} [-has shipped.-]{+is on its way.+}" in out
    assert out[-1] == "Plan: 0 to create, 1 to recreate, 0 to delete, 0 blocked."


def test_blocked_change_says_why_and_the_ways_out() -> None:
    plan = build([order("is on its way.")], [item(status="APPROVED")], made_for("prod"))
    out = lines(render.text(plan, color=False))
    [line] = [x for x in out if x.startswith("  ! ")]
    assert line.startswith("  ! template.order_update[en_US]  blocked  (8x8 cannot edit")
    assert "Ways out: give the new content a new name" in line
    assert "Apply refuses to run while a change is blocked." in out
    assert out[-1] == "Plan: 0 to create, 0 to recreate, 0 to delete, 1 blocked."


def test_delete_with_prune_and_unmanaged_without() -> None:
    items = [item(), item("legacy_promo", status="PAUSED", category="MARKETING")]
    pruned = lines(
        render.text(build([order()], items, made_for("prod"), PlanOptions(prune=True)), False)
    )
    [line] = [x for x in pruned if x.startswith("  - ")]
    assert line == (
        "  - template.legacy_promo[en_US]  delete  (not in the repository and --prune is set: "
        "deleting 'legacy_promo' removes every language of it and locks the name for 30 days)"
    )
    assert pruned[-1] == "Plan: 0 to create, 0 to recreate, 1 to delete, 0 blocked."
    kept = lines(render.text(build([order()], items, made_for("prod")), color=False))
    assert "  ? legacy_promo (MARKETING): en_US PAUSED" in kept
    assert kept[-1] == (
        "No changes. The channel also holds 1 name the repository does not manage "
        "(unmanaged, above)."
    )
    markdown = render.markdown(build([order()], items, made_for("prod")))
    assert "✅ **No changes.** The channel also holds 1 name the repository does not manage." in (
        markdown
    )


def test_versioned_create_names_the_version_and_diffs_against_the_live_one() -> None:
    plan = build(
        [order("is on its way.", extra="versioning: suffix\n")], [item()], made_for("prod")
    )
    out = lines(render.text(plan, color=False))
    assert "  # order_update_v2 (a version of order_update), UTILITY" in out
    [line] = [x for x in out if x.startswith("  + ")]
    assert line.startswith("  + template.order_update_v2[en_US]  create  (versioning: suffix")
    assert "      ~ body.text: Order {{1}} [-has shipped.-]{+is on its way.+}" in out


def test_findings_carry_their_next_step() -> None:
    paused = item(status="PAUSED", otherInfo={"title": "FIRST_PAUSE"})
    out = lines(render.text(build([order()], [paused], made_for("prod")), color=False))
    assert (
        "  warning  template.order_update[en_US]  paused by Meta (FIRST_PAUSE): not sendable"
        " [Suspended]" in out
    )
    assert any(x.startswith("      next: quality pause: auto-unpauses after 3 h") for x in out)


def test_unconfirmable_fields_are_said_once() -> None:
    out = render.text(build([order()], [], made_for("prod")), color=False)
    assert out.count("allow_category_change") == 1
    assert "Not confirmable on the channel" in out


def test_safety_threshold_exceeded_and_forced() -> None:
    items = [item(f"old_{i}", status="PENDING") for i in range(3)]
    options = PlanOptions(prune=True, max_names=2)
    plan = build([], items, made_for("prod"), options)
    out = lines(render.text(plan, color=False))
    assert (
        "Safety: 3 names deleted or recreated, over the limit of 2: rerun with --force" in out[-3]
    )
    assert out[-3].endswith("rerun with --force to allow it")
    forced = build([], items, made_for("prod"), PlanOptions(prune=True, max_names=2, force=True))
    assert "allowed by --force" in render.text(forced, color=False)


def test_colour_only_when_asked() -> None:
    plan = build([order("is on its way.")], [item(status="REJECTED")], made_for("prod"))
    assert "\x1b[" not in render.text(plan, color=False)
    coloured = render.text(plan, color=True)
    assert "\x1b[33m-/+\x1b[0m template.order_update[en_US]" in coloured
    # In colour, removed and added words are told apart by colour and strikethrough alone.
    assert "\x1b[31m\x1b[9mhas shipped.\x1b[0m\x1b[32m\x1b[1mis on its way.\x1b[0m" in coloured
    plain = render.text(plan, color=False)
    assert "[-has shipped.-]{+is on its way.+}" in plain
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain.replace(
        "[-has shipped.-]{+is on its way.+}", "has shipped.is on its way."
    )


def test_control_and_bidi_characters_from_the_channel_cannot_drive_the_terminal() -> None:
    plan = build([order()], [item(body="\x1b[2J\u202egone", status="REJECTED")], made_for("prod"))
    out = render.text(plan, color=False)
    assert "\x1b" not in out and "\u202e" not in out
    assert "[-\\x1b[2J\\u202egone-]{+has shipped.+}" in out


# --- markdown -------------------------------------------------------------------------------


def outside_fences(markdown: str) -> tuple[list[str], list[list[str]]]:
    """Lines outside fenced blocks, and each fenced block's lines, as GitHub would split them."""
    outside: list[str] = []
    blocks: list[list[str]] = []
    fence = ""
    for line in markdown.splitlines():
        if not fence:
            match = re.match(r"^(`{3,})", line)
            if match:
                fence = match.group(1)
                blocks.append([])
            else:
                outside.append(line)
        elif re.fullmatch(rf"`{{{len(fence)},}}\s*", line):
            fence = ""
        else:
            blocks[-1].append(line)
    assert not fence, "a fence was left open"
    return outside, blocks


def test_markdown_starts_with_the_target_marker_then_verdict_and_counts() -> None:
    plan = build([order()], [], made_for("prod"))
    out = render.markdown(plan)
    assert out.splitlines()[0] == "<!-- wa-templates-plan:target_prod -->"
    assert is_plan_comment(out) and is_plan_comment(out, "target prod")
    assert not is_plan_comment(out, "target staging")
    assert "📝 **1 change, applyable**" in out
    assert "**1** to create · **0** to recreate · **0** to delete · **0** blocked" in out
    assert "| ➕ create | order&#95;update | en&#95;US | UTILITY | — |" in out
    assert "<details><summary><code>order&#95;update</code>: create en&#95;US</summary>" in out
    _, blocks = outside_fences(out)
    assert ['+ body.text: "Order {{1}} has shipped."', '+ body.examples: ["A-17"]'] in blocks
    assert ["Order A-17 has shipped."] in blocks  # the preview, sample filled in


def test_marker_is_safe_for_any_target_name() -> None:
    assert PLAN_MARKER == "<!-- wa-templates-plan -->" == marker()
    assert marker("prod eu-->x\n") == "<!-- wa-templates-plan:prod_eu-__x_ -->"


def test_markdown_verdicts() -> None:
    nothing = render.markdown(build([order()], [item()], made_for("prod")))
    assert "✅ **No changes.** The channel matches the repository." in nothing
    assert "<details>" not in nothing and "| Action |" not in nothing
    blocked = render.markdown(build([order("is on its way.")], [item()], made_for("prod")))
    assert "⛔ **Not applyable: 1 blocked change**" in blocked
    assert "> [!WARNING]\n> **1 blocked change: apply refuses to run**" in blocked
    items = [item(f"old_{i}", status="PENDING") for i in range(3)]
    unsafe = render.markdown(
        build([], items, made_for("prod"), PlanOptions(prune=True, max_names=2))
    )
    assert "⛔ **Not applyable: safety threshold**" in unsafe
    assert "> [!CAUTION]\n> **Safety threshold**: 3 names deleted" in unsafe
    assert "> [!CAUTION]\n> **3 names deleted, with every language**" in unsafe


def test_warnings_come_before_the_table() -> None:
    items = [item("legacy", status="PENDING"), item()]
    out = render.markdown(build([order("new")], items, made_for("prod"), PlanOptions(prune=True)))
    assert out.index("> [!CAUTION]") < out.index("> [!WARNING]") < out.index("| Action |")
    assert out.index("| Action |") < out.index("<details>")


def test_markdown_escapes_values_and_fences_cannot_be_broken() -> None:
    nasty = "a | b <script>alert(1)</script> `x` ``` ```` *bold* _i_ [l](u) @octocat"
    remote = item(status="REJECTED", body="old")
    weird = item("x<b>|y", status="PENDING|<SCRIPT>`")
    plan = build(
        [order(json.dumps(nasty)[1:-1])], [remote, weird], made_for("p"), PlanOptions(prune=True)
    )
    out = render.markdown(plan)
    outside, blocks = outside_fences(out)
    text_outside = "\n".join(outside)
    assert "<script>" not in text_outside.lower() and "<b>" not in text_outside
    assert "@octocat" not in text_outside
    table = [line for line in outside if line.startswith("| ")]
    assert len(table) == 4
    for row in table:
        assert len(re.findall(r"(?<!\\)\|", row)) == 6, row
    assert (
        "| ➖ delete | x&lt;b&gt;&#124;y | en&#95;US | UTILITY | PENDING&#124;&lt;SCRIPT&gt;&#96; |"
        in table
    )
    # The word diff is markdown, every character of the body an entity; the preview sits whole
    # inside its fence.
    assert (
        "- <code>body.text</code>: Order {{1}} <del>old</del><ins>a &#124; b &lt;script&gt;"
        "alert(1)&lt;/script&gt; &#96;x&#96; &#96;&#96;&#96; &#96;&#96;&#96;&#96; &#42;bold&#42; "
        "&#95;i&#95; &#91;l&#93;(u) @\u200boctocat</ins>"
    ) in outside
    assert ["Order A-17 old"] in blocks and [f"Order A-17 {nasty}"] in blocks


def test_markdown_stays_under_budget_dropping_the_largest_sections_first() -> None:
    sources = [order("x" * (200 + i), name=f"t{i:03d}") for i in range(300)]
    out = render.markdown(build(sources, [], made_for("prod")))
    assert len(out) < MARKDOWN_BUDGET
    match = re.search(r"(\d+) of 300 sections shown; run `wa-templates plan` locally", out)
    assert match and 0 < int(match.group(1)) < 300
    # The largest (longest bodies) went first; the smallest stayed.
    assert "<code>t000</code>" in out and "<code>t299</code>" not in out
    assert out.count("| ➕ create |") == 300
    outside_fences(out)


def test_markdown_cuts_the_table_when_even_that_is_too_long() -> None:
    sources = [order(name=f"template_with_a_long_name_{i:04d}") for i in range(1200)]
    out = render.markdown(build(sources, [], made_for("prod")))
    assert len(out) < MARKDOWN_BUDGET
    assert "0 of 1200 sections shown" in out
    match = re.search(r"(\d+) more rows not shown", out)
    assert match and int(match.group(1)) + out.count("| ➕ create |") == 1200


def test_markdown_findings_unmanaged_and_diagnostics_are_sections() -> None:
    plan = build(
        [order()],
        [item(status="PAUSED"), item("legacy")],
        made_for("prod"),
        diagnostics=[
            {
                "file": "t.yaml",
                "line": 3,
                "column": 5,
                "rule": "WA201",
                "severity": "warning",
                "message": "odd <thing>",
            }
        ],
    )
    out = render.markdown(plan)
    assert "<details><summary>Findings (1)</summary>" in out
    assert "- warning: template.order&#95;update&#91;en&#95;US&#93;: paused by Meta" in out
    assert "<details><summary>Unmanaged: on the channel, not in the repository (1)</summary>" in out
    assert "- legacy (UTILITY): en&#95;US APPROVED" in out
    assert "- t.yaml:3:5: WA201 &#91;warning&#93; odd &lt;thing&gt;" in out


# --- json -----------------------------------------------------------------------------------


def test_json_round_trips_through_the_plan_model() -> None:
    sources = [order("is on its way."), order(name="fresh")]
    items = [item(status="REJECTED"), item("legacy")]
    plan = build(sources, items, made_for("prod"), PlanOptions(prune=True))
    document = json.loads(render.as_json(plan))
    assert document == plan.document()
    assert document["format_version"] == FORMAT_VERSION
    by_address = {c["address"]: c for c in document["resource_changes"]}
    assert by_address["template.order_update[en_US]"]["change"]["actions"] == ["delete", "create"]
    assert by_address["template.fresh[en_US]"]["change"]["actions"] == ["create"]
    assert by_address["template.legacy[en_US]"]["change"]["actions"] == ["delete"]
    again: Plan = parse_plan(json.dumps(document))
    assert again.document() == document
    assert render.text(again, color=False) == render.text(plan, color=False)
    assert render.markdown(again) == render.markdown(plan)


def test_a_hand_edited_plan_with_odd_content_still_renders() -> None:
    # Content is any object in a saved plan (reading checks the document's shape, not what a
    # template may say); entries of the wrong shape are refused when read, not rendered. A
    # create's content must be what its payload sends (plan.sent): the odd content is a delete's.
    document = build(
        [], [item(status="PENDING")], made_for("prod"), PlanOptions(prune=True)
    ).document()
    document["resource_changes"][0]["change"]["before"] = {"body": "not a body"}
    document["unmanaged"] = [{"name": "x", "language": "", "status": "", "category": ""}]
    plan = parse_plan(json.dumps(document))
    out = render.markdown(plan)
    assert "(no preview: not a template language" in out
    assert "- x (?):  ?" in out
    text = lines(render.text(plan, color=False))
    assert "  ? x (?):  ?" in text


def test_create_lists_buttons_whole_and_a_dropped_language_is_a_delete_line() -> None:
    two = ORDER.format(body="x") + "    buttons: [{type: QUICK_REPLY, text: Stop}]\n"
    out = lines(render.text(build([source(two)], [], made_for("prod")), color=False))
    assert '      + buttons[0]: {"type": "QUICK_REPLY", "text": "Stop"}' in out
    items = [item(status="PENDING"), item(status="PENDING", language="es")]
    out = lines(render.text(build([order()], items, made_for("prod")), color=False))
    assert any(x.startswith("  - template.order_update[es]  delete  (not in the file") for x in out)
    assert '      - (language): "es"' in out


def test_long_warning_lists_are_capped() -> None:
    items = [item(f"old_{i:02d}", status="PENDING") for i in range(25)]
    out = render.markdown(build([], items, made_for("prod"), PlanOptions(prune=True, force=True)))
    assert "> - old&#95;19: " in out and "> - old&#95;20: " not in out
    assert "> - and 5 more" in out
    assert "📝 **25 changes, applyable**" in out


def test_a_pathological_target_name_is_cut_rather_than_over_the_limit() -> None:
    out = render.markdown(build([order()], [], made_for("x" * 70_000)))
    assert len(out) <= MARKDOWN_BUDGET
    target = "target " + "x" * 70_000
    assert is_plan_comment(out, target) and not is_plan_comment(out, target[:-1])
    assert len(out.splitlines()[0]) < 120
    assert out.endswith("(cut to fit GitHub's comment limit; run `wa-templates plan` locally)\n")
