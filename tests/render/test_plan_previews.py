"""The pull-request comment shows each changed language's message before (the channel's) and
after (the repository's), and stays within GitHub's limit when they do not all fit."""

from __future__ import annotations

import re

from tests.plan.channel import listed, made_for, simple
from tests.plan.channel import source as channel_source
from tests.render.test_plan_render import outside_fences
from tests.wire import build
from wa_templates.plan.build import PlanOptions
from wa_templates.render import plan as render
from wa_templates.render.plan import MARKDOWN_BUDGET

TWO = (
    "name: order_update\ncategory: UTILITY\nlanguages:\n"
    '  en_US:\n    body:\n      text: "Hello {{{{1}}}}, your order {en}."\n'
    "      examples: [Ana]\n"
    '    buttons:\n      - type: QUICK_REPLY\n        text: "{button}"\n'
    '  es_ES:\n    body:\n      text: "Hola {{{{1}}}}, tu pedido {es}."\n'
    "      examples: [Ana]\n"
    '    buttons:\n      - type: QUICK_REPLY\n        text: "{button}"\n'
)


def two(en: str = "has shipped", es: str = "ha salido", button: str = "Stop") -> str:
    return TWO.format(en=en, es=es, button=button)


def previews(section: str) -> list[tuple[str, list[str]]]:
    """(label, the fenced preview's lines) in order, for one section of the comment."""
    found = re.findall(r"^([^\n]+):\n\n(`{3,})text\n(.*?)\n\2$", section, flags=re.M | re.S)
    return [(label, text.split("\n")) for label, _, text in found]


def test_every_changed_language_shows_its_message_before_and_after() -> None:
    old = channel_source(two())
    new = channel_source(two("is on its way", "va en camino", "Unsubscribe"))
    plan = build([new], listed(old, status="APPROVED"), made_for("prod"))
    out = render.markdown(plan)
    assert "⛔ **Not applyable: 2 blocked changes**" in out
    en, es = out.split("**⛔ blocked es&#95;ES**")
    assert previews(en) == [
        ("Before, on the channel", ["Hello Ana, your order has shipped.", "[ Stop ↩ ]"]),
        ("After, in the repository", ["Hello Ana, your order is on its way.", "[ Unsubscribe ↩ ]"]),
    ]
    assert previews(es) == [
        ("Before, on the channel", ["Hola Ana, tu pedido ha salido.", "[ Stop ↩ ]"]),
        ("After, in the repository", ["Hola Ana, tu pedido va en camino.", "[ Unsubscribe ↩ ]"]),
    ]
    # Previews are fenced: what they quote is never markup.
    outside_fences(out)


def test_a_recreated_language_whose_content_is_the_same_shows_one_preview() -> None:
    old = channel_source(two())
    new = channel_source(two(en="is on its way"))
    plan = build([new], listed(old, status="REJECTED"), made_for("prod"))
    out = render.markdown(plan)
    en, es = out.split("**🔁 recreate es&#95;ES**")
    assert [label for label, _ in previews(en)] == [
        "Before, on the channel",
        "After, in the repository",
    ]
    assert previews(es) == [
        (
            "Preview, the same on the channel and in the repository",
            ["Hola Ana, tu pedido ha salido.", "[ Stop ↩ ]"],
        )
    ]


def test_a_create_shows_the_new_message_and_a_delete_the_one_it_removes() -> None:
    kept = channel_source(simple("fresh", body="Welcome {{1}}!"))
    gone = channel_source(simple("legacy", body="Old news, {{1}}."))
    plan = build([kept], listed(gone, status="PENDING"), made_for("p"), PlanOptions(prune=True))
    out = render.markdown(plan)
    created, deleted = out.split("<code>legacy</code>")
    assert previews(created) == [("Preview", ["Welcome Ana!"])]
    assert previews(deleted) == [("Preview, on the channel", ["Old news, Ana."])]


def test_previews_go_before_sections_when_the_comment_would_be_too_long() -> None:
    # 60 changed names, bodies of 300 to 595 characters: with both previews each section is
    # about three bodies long, which does not fit; without them, every section does.
    olds, news = [], []
    for i in range(60):
        words = " ".join(["word"] * (60 + i))
        olds.append(channel_source(simple(f"t{i:02d}", body=f"Hello {{{{1}}}}, {words} old.")))
        news.append(channel_source(simple(f"t{i:02d}", body=f"Hello {{{{1}}}}, {words} new.")))
    items = [item for old in olds for item in listed(old, status="REJECTED")]
    out = render.markdown(build(news, items, made_for("prod")))
    assert len(out) <= MARKDOWN_BUDGET
    assert "sections shown" not in out  # every section is there...
    assert out.count("<del>old.</del><ins>new.</ins>") == 60  # ...with its word diff
    match = re.search(r"Message previews left out of (\d+) sections to fit GitHub's", out)
    assert match and 0 < int(match.group(1)) < 60
    # The largest sections lost theirs first; the smallest kept them.
    first = out[out.index("<code>t00</code>") : out.index("<code>t01</code>")]
    last = out[out.index("<code>t59</code>") :]
    assert len(previews(first)) == 2 and previews(last) == []
    named = [s for s in out.split("<details>") if s.startswith("<summary><code>")]
    assert len(named) == 60
    assert sum(previews(s) == [] for s in named) == int(match.group(1))
