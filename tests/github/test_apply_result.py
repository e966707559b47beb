"""The apply result the action posts on the merged pull request: every change of the reviewed
plan as created, recreated, deleted, failed or not done, read from the plan and the lines apply
prints, with Meta's review when apply waited for it."""

from __future__ import annotations

from typing import Any

import apply_result
from apply_result import Row

PLAN: dict[str, Any] = {
    "resource_changes": [
        {"address": "template.welcome[en_US]", "action": "create"},
        {"address": "template.promo[en_US]", "action": "recreate"},
        {"address": "template.promo[es_MX]", "action": "recreate"},
        {"address": "template.old[en_US]", "action": "delete"},
        {"address": "template.old[fr]", "action": "delete"},
        {"address": "template.same[en_US]", "action": "noop"},
        {"address": "template.stuck[en_US]", "action": "blocked"},
        {"address": "template.tf[en_US]", "change": {"actions": ["delete", "create"]}},
        {"address": "template.tfnew[en_US]", "change": {"actions": ["create"]}},
        {"address": 7, "action": "create"},
        "junk",
    ]
}

OUTPUT = """\
  + template.welcome[en_US]  create  (not on the channel: create it)
      + body.text: "Hi {{1}}"
  - template.old[en_US]  delete  (not in the repository)
Plan: 1 to create, 1 to recreate, 1 to delete, 0 blocked.
  - template.old: deleted (all languages: en_US, fr)
  - template.promo: deleted (all languages: en_US, es_MX)
  + template.welcome[en_US]: created, pending Meta's review
  + template.promo[en_US]: created, pending Meta's review
  + template.promo[es_MX]: FAILED: 8x8 2003: Invalid parameter: body.text too long
  ~ template.tfnew[en_US]: skipped: not created: hourly rate limit reached
  + template.tf[en_US]: created, pending Meta's review
Apply finished: 3 created, 1 name deleted, 1 failed.
Waiting for Meta's review of 3 template(s)...
  approved  template.welcome[en_US]
  REJECTED  template.promo[en_US]: INVALID_FORMAT
  pending   template.tf[en_US] (still in review when --timeout ran out)
"""


def test_planned_actions_from_the_plan_or_terraforms_actions() -> None:
    assert apply_result.planned_actions(PLAN) == {
        "template.welcome[en_US]": "create",
        "template.promo[en_US]": "recreate",
        "template.promo[es_MX]": "recreate",
        "template.old[en_US]": "delete",
        "template.old[fr]": "delete",
        "template.tf[en_US]": "recreate",
        "template.tfnew[en_US]": "create",
    }
    assert apply_result.planned_actions({"resource_changes": "x"}) == {}
    assert apply_result.planned_actions({}) == {}


def test_every_result_line_becomes_a_row_and_the_plans_own_lines_do_not() -> None:
    rows = apply_result.rows(OUTPUT, apply_result.planned_actions(PLAN))
    assert rows == [
        Row("failed", "promo", "es_MX", "8x8 2003: Invalid parameter: body.text too long"),
        Row("not done", "tfnew", "en_US", "not created: hourly rate limit reached"),
        Row("deleted", "old", "en_US", "deleted (all languages: en_US, fr)"),
        Row("deleted", "old", "fr", "deleted (all languages: en_US, fr)"),
        Row(
            "recreated",
            "promo",
            "en_US",
            "created, pending Meta's review",
            "REJECTED: INVALID_FORMAT",
        ),
        Row(
            "recreated",
            "tf",
            "en_US",
            "created, pending Meta's review",
            "pending: still in review when --timeout ran out",
        ),
        Row("created", "welcome", "en_US", "created, pending Meta's review", "approved"),
    ]
    assert apply_result.counts(rows) == {
        "created": 1,
        "recreated": 2,
        "deleted": 2,
        "failed": 1,
        "not done": 1,
    }


def test_a_failed_delete_is_a_failure_of_the_whole_name() -> None:
    out = "  - template.promo: FAILED: 8x8 3060: being deleted\n"
    assert apply_result.rows(out, {}) == [Row("failed", "promo", "all", "8x8 3060: being deleted")]


def test_the_comment_body() -> None:
    rows = apply_result.rows(OUTPUT, apply_result.planned_actions(PLAN))
    text = apply_result.body(
        "<!-- wa-templates-apply:prod -->", "apply: ❌ failed", ["Why."], rows, OUTPUT, "warn\n"
    )
    lines = text.splitlines()
    assert lines[:4] == ["<!-- wa-templates-apply:prod -->", "### apply: ❌ failed", "", "Why."]
    assert (
        "**1** created · **2** recreated · **2** deleted · **1** failed · **1** not done" in lines
    )
    assert "| Result | Name | Language | Detail | Meta's review |" in lines
    assert "| 🔁 recreated | promo | en&#95;US" not in text  # plain cells, escaped only as needed
    assert "| 🔁 recreated | promo | en_US | created, pending Meta&#x27;s review |" in text
    assert "<details><summary>Output of wa-templates apply</summary>" in lines
    assert text.rstrip().endswith("</details>") and "warn" in text


def test_nothing_applied_has_no_tally_and_no_table() -> None:
    text = apply_result.body("<!-- m -->", "h", ["No reviewed plan."], None)
    assert text == "<!-- m -->\n### h\n\nNo reviewed plan.\n"


def test_an_apply_with_nothing_to_do_says_so_in_numbers() -> None:
    text = apply_result.body("<!-- m -->", "h", [], [], "No changes.\n")
    assert "**0** created · **0** recreated · **0** deleted · **0** failed" in text
    assert "| Result |" not in text and "not done" not in text


def test_cells_cannot_break_the_table() -> None:
    rows = [Row("failed", "x", "en", "a | b <script>\nsecond")]
    (_, _, line) = apply_result.table(rows)
    assert line == "| ❌ failed | x | en | a &#124; b &lt;script&gt;<br>second |"
