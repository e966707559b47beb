"""A changed text field reads as the words that changed, in text, colour and markdown; the JSON
plan keeps both values whole."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import source
from tests.plan.channel import made_for
from tests.render.test_plan_render import item
from tests.wire import build
from wa_templates.render import plan as render
from wa_templates.render.difflines import (
    MAX_CHARS,
    markdown_diff,
    markdown_words,
    text_line,
    word_diff,
    words,
)

# 170 characters: the kind of body whose one-word edit used to show as two whole strings.
BODY = (
    "Good news, {{1}}! Your package left our warehouse with {{2}} and should arrive by "
    "{{3}}. Use the button below to follow it, or reply to this message if you need any help."
)
EDITED = BODY.replace("Use the button", "Tap the button")


def row(before: object, after: object, path: str = "body.text") -> tuple[str, str, object, object]:
    return ("~", path, before, after)


def test_a_one_word_edit_of_a_long_body_shows_that_word_with_a_few_around_it() -> None:
    assert len(BODY) == 170
    line = text_line(row(BODY, EDITED))
    assert line == "body.text: … should arrive by {{3}}. [-Use-]{+Tap+} the button below to …"
    assert markdown_words([row(BODY, EDITED)]) == [
        "<code>body.text</code>: … should arrive by {{3}}. <del>Use</del><ins>Tap</ins> the "
        "button below to …"
    ]
    # It is no longer in the fenced diff as two strings.
    assert markdown_diff([row(BODY, EDITED)]) == ""


def test_short_unchanged_runs_are_kept_whole() -> None:
    # A run is clipped only when that hides three words or more: fewer cost as much to mark.
    assert text_line(row("a b c d e f", "a b c X e f")) == "body.text: a b c [-d-]{+X+} e f"
    segments = word_diff("one two three four five six seven", "one two three four five SIX seven")
    assert segments == [
        ("=", "one two three four five "),
        ("-", "six"),
        ("+", "SIX"),
        ("=", " seven"),
    ]


def test_a_long_unchanged_run_between_two_changes_keeps_a_few_words_each_side() -> None:
    before = " ".join(f"w{i}" for i in range(30))
    after = before.replace("w2 ", "X ").replace("w27", "Y")
    assert text_line(row(before, after)) == (
        "body.text: w0 w1 [-w2-]{+X+} w3 w4 w5 w6 … w23 w24 w25 w26 [-w27-]{+Y+} w28 w29"
    )


def test_a_rewritten_sentence_is_one_change_not_a_dozen() -> None:
    # The spaces it shares with the old one do not split the change up.
    line = text_line(row("Order {{1}} has shipped.", "Order {{1}} is on its way."))
    assert line == "body.text: Order {{1}} [-has shipped.-]{+is on its way.+}"
    assert text_line(row("Use the button", "Tap the link")) == (
        "body.text: [-Use-]{+Tap+} the [-button-]{+link+}"
    )
    # A short word shared between longer changes joins them, and what it joined can join the
    # change before it.
    assert text_line(row("Please pay the invoice today", "Kindly settle the amount now")) == (
        "body.text: [-Please pay the invoice today-]{+Kindly settle the amount now+}"
    )
    before, after = "aaaaaaaa there bbbb is cccccccc", "xxxxxxxx there yyyy is zzzzzzzz"
    assert text_line(row(before, after)) == f"body.text: [-{before}-]{{+{after}+}}"


def test_a_word_is_never_cut_in_two() -> None:
    assert text_line(row("ship it", "shop it")) == "body.text: [-ship-]{+shop+} it"
    assert text_line(row("go ship", "go sh ip")) == "body.text: go [-ship-]{+sh ip+}"
    assert text_line(row("Use it", "Reuse it")) == "body.text: [-Use-]{+Reuse+} it"


def test_spaces_read_as_written_and_line_breaks_are_shown() -> None:
    assert text_line(row("a  b", "a b")) == "body.text: a[-␣␣-]{+␣+}b"
    breaks = row("Hi {{1}},\nYour order left.", "Hi {{1}},\n\nYour order left!")
    assert text_line(breaks) == "body.text: Hi {{1}},[-\\n-]{+\\n\\n+}Your order [-left.-]{+left!+}"
    [line] = markdown_words([breaks])
    assert line == (
        "<code>body.text</code>: Hi {{1}},<del>↵<br></del><ins>↵<br>↵<br></ins>Your order "
        "<del>left.</del><ins>left!</ins>"
    )


def test_colour_marks_the_words_without_brackets() -> None:
    line = text_line(row(BODY, EDITED), color=True)
    assert "\x1b[31m\x1b[9mUse\x1b[0m\x1b[32m\x1b[1mTap\x1b[0m" in line
    assert "[-" not in line and "{+" not in line


def test_only_changed_text_fields_get_a_word_diff() -> None:
    for path in ("header.text", "footer.text", "buttons[1].text", "carousel[0].body.text"):
        assert words(row("Track it now", "Follow it now", path)) is not None, path
    for kept in (
        row("https://a.example/{{1}}", "https://b.example/{{1}}", "buttons[0].url"),
        row("TEXT", "IMAGE", "header.format"),
        row(["Ana"], ["Bea"], "body.examples"),
        ("+", "body.text", None, "new"),
        ("-", "footer.text", "old", None),
    ):
        assert words(kept) is None, kept
    assert text_line(row("TEXT", "IMAGE", "header.format")) == 'header.format: "TEXT" -> "IMAGE"'
    assert markdown_diff([row("TEXT", "IMAGE", "header.format")]) == (
        '- header.format: "TEXT"\n+ header.format: "IMAGE"'
    )


def test_texts_too_long_to_match_word_by_word_are_shown_whole() -> None:
    long = "word " * (MAX_CHARS // 5)
    assert words(row(long, long + "more")) is None
    assert text_line(row(long, long + "more")).endswith(' -> "' + long + 'more"')
    assert markdown_words([row(long, long + "more")]) == []
    assert markdown_diff([row(long, long + "more")]).endswith('\n+ body.text: "' + long + 'more"')


def test_what_a_field_holds_cannot_drive_the_terminal_or_the_markdown() -> None:
    hostile = "ok \x1b[2J\u202eevil </del><script>x</script> `a` *b* @team"
    line = text_line(row("ok fine", hostile))
    assert "\x1b" not in line and "\u202e" not in line and "\\x1b[2J\\u202eevil" in line
    [md] = markdown_words([row("ok fine", hostile)])
    # The only tags are those the diff puts there; the field's own are entities.
    assert re.findall(r"<[^>]*>", md) == ["<code>", "</code>", "<del>", "</del>", "<ins>", "</ins>"]
    assert "&lt;/del&gt;&lt;script&gt;" in md and "@\u200bteam" in md
    assert "&#92;x1b&#91;2J&#92;u202eevil" in md


@settings(max_examples=200, deadline=None)
@given(
    st.text(st.sampled_from("ab c\n\t.<>&`*_~@\u200b"), max_size=40),
    st.text(st.sampled_from("ab c\n\t.<>&`*_~@\u200b"), max_size=40),
)
def test_the_segments_are_both_texts_and_markdown_stays_markup_free(
    before: str, after: str
) -> None:
    segments = word_diff(before, after, context=10**6)
    assert "".join(t for op, t in segments if op in "=-") == before
    assert "".join(t for op, t in segments if op in "=+") == after
    # No word or blank is cut in two: every segment starts and ends between whole ones.
    for text, side in ((before, "=-"), (after, "=+")):
        at = 0
        for op, part in segments:
            if op in side:
                assert at == 0 or at == len(text) or text[at - 1].isspace() != text[at].isspace()
                at += len(part)
    assert not any(op == "…" for op, _ in segments)
    if before != after:
        [md] = markdown_words([row(before, after)])
        tags = re.findall(r"<[^>]*>", md)
        assert set(tags) <= {"<code>", "</code>", "<del>", "</del>", "<ins>", "</ins>", "<br>"}
        assert not re.search(r"[`*_~\[\]\\]", re.sub(r"<[^>]*>", "", md))
        assert "\u200b" not in md.replace("@\u200b", "@")


def test_the_plan_in_text_and_markdown_shows_the_word_and_json_both_values() -> None:
    plan = build([_source(EDITED)], [_listed(BODY)], made_for("prod"))
    text = render.text(plan, color=False)
    assert "      ~ body.text: … should arrive by {{3}}. [-Use-]{+Tap+} the button below to …" in (
        text.splitlines()
    )
    markdown = render.markdown(plan)
    assert "- <code>body.text</code>: … should arrive by {{3}}. <del>Use</del><ins>Tap</ins>" in (
        markdown
    )
    assert "```diff" not in markdown
    [change] = json.loads(render.as_json(plan))["resource_changes"]
    assert change["change"]["fields"] == [{"path": "body.text", "before": BODY, "after": EDITED}]


def _source(body: str) -> object:
    return source(
        "name: order_update\ncategory: UTILITY\nlanguages:\n  en_US:\n    body:\n"
        f"      text: {json.dumps(body)}\n      examples: [Ana, UPS, May 16]\n"
    )


def _listed(body: str) -> dict[str, object]:
    listed = item(status="REJECTED")
    listed["components"] = [
        {"type": "BODY", "text": body, "example": {"bodyText": ["Ana", "UPS", "May 16"]}}
    ]
    return listed
