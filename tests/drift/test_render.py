"""Drift reports as text, markdown (one GitHub issue) and JSON."""

from __future__ import annotations

import json
import re

from tests.drift.test_stage import ORDER, PROMO, TWO_LANGS, drift_of, edited
from tests.plan.channel import listed, simple, source
from wa_templates.drift.report import DriftReport
from wa_templates.render import drift as render
from wa_templates.render.drift import drift_marker, is_drift_issue
from wa_templates.render.plan import MARKDOWN_BUDGET, is_plan_comment


def mixed() -> DriftReport:
    """A paused promo, an order edited outside git, a missing template and an unmanaged one."""
    order, promo, gone = source(ORDER), source(PROMO), source(simple("gone"))
    [item] = listed(order)
    items = [edited(item, "Hello {{1}}, it `left` <b>today</b> @team.")]
    items += listed(promo, status="PAUSED", reason="RATE_LIMITING_PAUSE")
    items += listed(source(simple("stray")), status="PENDING")
    return drift_of([order, promo, gone], items)


# --- json ---------------------------------------------------------------------------------


def test_json_has_exactly_the_documented_keys() -> None:
    data = json.loads(render.as_json(mixed()))
    assert list(data) == [
        "format_version",
        "target",
        "drift",
        "findings",
        "unmanaged",
        "selection",
        "summary",
        "history",
        "cannot_know",
        "phone",
        "templates",
    ]
    assert data["format_version"] == "1.1" and data["target"] == "target prod"
    # Without a history store: said once what it cannot know, and no history per template.
    assert data["history"] is None and data["phone"] is None
    assert "pause titles" in data["cannot_know"] and "quality scores" in data["cannot_know"]
    assert data["templates"][0] == {
        "name": "gone",
        "language": "en_US",
        "template": "gone",
        "sync": "Missing",
        "health": "Missing",
        "status": None,
        "category": None,
    }
    assert data["drift"] is True
    for finding in data["findings"]:
        assert list(finding) == [
            "name",
            "language",
            "kind",
            "severity",
            "health",
            "sync",
            "detail",
            "next_step",
        ]
    assert [(f["name"], f["kind"]) for f in data["findings"]] == [
        ("gone", "missing"),
        ("order_update", "out_of_sync"),
        ("promo", "paused"),
    ]
    assert data["unmanaged"] == [
        {"name": "stray", "language": "en_US", "status": "PENDING", "category": "UTILITY"}
    ]
    assert set(data["summary"]) == {
        "resources",
        "sync",
        "health",
        "findings",
        "severity",
        "counted",
        "unmanaged",
        "fail_on",
    }


def test_json_drift_follows_fail_on() -> None:
    src = source(ORDER)
    report = drift_of([src], listed(src, status="PAUSED"), fail_on="error")
    data = json.loads(render.as_json(report))
    assert data["drift"] is False and data["summary"]["counted"] == 0
    assert data["summary"]["fail_on"] == "error"


# --- text ---------------------------------------------------------------------------------


def test_text_lists_findings_per_template_and_counts_the_rest() -> None:
    src, ok = source(ORDER), source(simple("fine"))
    report = drift_of([src, ok], listed(src, status="PENDING") + listed(ok))
    out = render.text(report, color=False).splitlines()
    assert out[0].startswith("Drift for target prod (channel state sha256:")
    assert "  # template.order_update[en_US]  Synced  Progressing  (PENDING, UTILITY)" in out
    assert any(
        line.startswith("    info    pending_review: still in Meta's review")
        and line.endswith("(not counted)")
        for line in out
    )
    assert "1 synced and healthy, not listed" in out
    assert out[-1] == (
        "No drift: 1 finding, none counted by --fail-on warning. (--fail-on warning)"
    )


def test_text_shows_the_diff_the_step_and_the_verdict() -> None:
    out = render.text(mixed(), color=False)
    assert "    warning out_of_sync: differs from the repository in body.text" in out
    assert "        channel -> repository:" in out
    assert (
        "        ~ body.text: Hello {{1}}, [-it `left` <b>today</b> @team.-]"
        "{+your order has shipped.+}"
    ) in out
    assert "    warning paused: paused by Meta (RATE_LIMITING_PAUSE): not sendable" in out
    assert "        next: pacing pause" in out
    assert "  ? stray (UTILITY): en_US PENDING" in out
    assert "(not counted):" in out
    assert out.rstrip().endswith("Drift: 3 findings (1 error, 2 warnings). (--fail-on warning)")


def test_text_escapes_control_and_bidi_characters_from_the_channel() -> None:
    src = source(ORDER)
    report = drift_of([src], listed(src, status="REJECTED", reason="BAD\x1b[31m\u202eX"))
    out = render.text(report, color=False)
    assert "\x1b" not in out and "\u202e" not in out
    assert "rejected by Meta: BAD\\x1b[31m\\u202eX" in out


def test_text_colours_only_when_asked() -> None:
    report = mixed()
    assert "\x1b[" not in render.text(report, color=False)
    assert "\x1b[" in render.text(report, color=True)


def test_no_drift_at_all() -> None:
    src = source(ORDER)
    out = render.text(drift_of([src], listed(src)), color=False)
    assert "No drift: the channel matches the repository and every template is healthy." in out
    md = render.markdown(drift_of([src], listed(src)))
    assert "✅ **No drift: the channel matches the repository" in md
    assert "####" not in md and "<details>" not in md


# --- markdown -----------------------------------------------------------------------------


def test_markdown_starts_with_a_marker_per_target() -> None:
    out = render.markdown(mixed())
    first = out.split("\n", 1)[0]
    assert first == "<!-- wa-templates-drift:target_prod -->" == drift_marker("target prod")
    assert is_drift_issue(out, "target prod") and is_drift_issue(out)
    assert not is_drift_issue(out, "target staging")
    assert drift_marker("target prod") != drift_marker("target staging")
    # Neither a plan comment nor mistaken for one.
    assert not is_plan_comment(out)
    assert not is_drift_issue("<!-- wa-templates-plan:target_prod -->\n...")
    # Whatever the target is called, the marker stays one closed comment on one line.
    odd = drift_marker("x --> <script>\n")
    assert odd.count("-->") == 1 and odd.endswith(" -->") and "\n" not in odd


def test_markdown_groups_findings_by_health_worst_first() -> None:
    out = render.markdown(mixed())
    headings = re.findall(r"^#### (.*)$", out, flags=re.M)
    assert headings == ["👻 Missing (1)", "⏸️ Suspended (1)", "💚 Healthy (1)", "Next steps"]
    assert out.index("⚠️ **Drift: 3 findings (1 error, 2 warnings)**") < out.index("####")
    assert "| ⛔ error | yes | gone | en&#95;US | missing | Missing |" in out
    assert "- **paused**, promo (en&#95;US): pacing pause" in out


def test_markdown_next_steps_name_each_template_once_per_step() -> None:
    both = source(TWO_LANGS)
    others = [source(simple(f"t{i:02d}")) for i in range(25)]
    items = listed(both, status="DISABLED") + [
        item for s in others for item in listed(s, status="DISABLED")
    ]
    out = render.markdown(drift_of([both, *others], items))
    [line] = [line for line in out.splitlines() if line.startswith("- **disabled**")]
    assert line.startswith(
        "- **disabled**, order&#95;update (en&#95;US, es&#95;ES), t00 (en&#95;US), t01 "
    )
    assert "t18 (en&#95;US), and 6 more: send another template" in line


def test_markdown_escapes_values_and_fences_the_diff() -> None:
    out = render.markdown(mixed())
    # The channel's text is in a word diff, every character of it that markdown or HTML would
    # read written as an entity...
    assert (
        "- <code>body.text</code>: Hello {{1}}, <del>it &#96;left&#96; &lt;b&gt;today&lt;/b&gt; "
        "@\u200bteam.</del><ins>your order has shipped.</ins>\n"
    ) in out
    # ...and never bare anywhere.
    outside = re.sub(r"```diff\n.*?\n```", "", out, flags=re.S)
    assert "<b>" not in outside and "@team" not in outside
    src = source(ORDER)
    report = drift_of([src], listed(src, status="REJECTED", reason="<img src=x>|@admin *x*"))
    rejected = render.markdown(report)
    assert "&lt;img src=x&gt;&#124;@\u200badmin &#42;x&#42;" in rejected
    assert "<img" not in rejected


def test_markdown_lists_unmanaged_in_details() -> None:
    out = render.markdown(mixed())
    section = out[out.index("<details><summary>Unmanaged") :]
    assert "| stray | UTILITY | en&#95;US PENDING |" in section
    assert section.index("</details>") > section.index("stray")


def test_markdown_fits_github_with_thousands_of_findings() -> None:
    sources = [
        source(simple(f"t{i:04d}", body=f"Hello {{{{1}}}}, message {i}.")) for i in range(900)
    ]
    items = [
        item
        for s in sources
        for item in listed(s, status="REJECTED", reason="INVALID_FORMAT " + "x" * 40)
    ]
    out = render.markdown(drift_of(sources, items))
    assert len(out) <= MARKDOWN_BUDGET
    assert out.startswith(drift_marker("target prod"))
    assert re.search(
        r"^\d+ more findings not shown; run `wa-templates drift` locally for all 900",
        out,
        flags=re.M,
    )
    assert "<sub>--fail-on warning" in out


def test_the_schema_documents_every_finding_kind() -> None:
    from wa_templates.drift.document import Finding
    from wa_templates.drift.fail_on import KINDS

    described = Finding.model_fields["kind"].description or ""
    listed = set(re.findall(r"[a-z_]+", described.split(":", 1)[1])) - {"or"}
    assert listed == set(KINDS)
