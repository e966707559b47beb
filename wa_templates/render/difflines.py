"""Field diffs as lines, the same in a plan and a drift report.

One sign per field: `+` only in the repository (after), `-` only on the channel (before), `~`
both, differing. Text output shows one line per field (`path: before -> after`); markdown a
`diff` block, a `-` line for the old value and a `+` line for the new one.

A changed text field (`body.text`, `header.text`, `footer.text`, a button's or a card's `text`)
is shown as a word diff instead, so a one-word edit of a long body reads as that word: the
removed and added words marked inline (`[-Use-]{+Tap+}` in text, or colour on a terminal;
<del>/<ins> in markdown, which GitHub renders as struck and underlined, where a fenced block
would show the tags), with a few unchanged words around them and `…` for the rest. Spaces are
kept as written, so the line reads as the message does; a line break is shown as `\\n` (text)
or `↵` (markdown). The JSON plan keeps both values whole.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

import click

from wa_templates.plan.diff import FieldChange
from wa_templates.render.markup import md
from wa_templates.untrusted import shown

Row = tuple[str, str, Any, Any]
"""(sign, path, before, after)"""

Segment = tuple[str, str]
"""("=", unchanged text), ("-", removed), ("+", added) or ("…", "") for unchanged words left out."""

CONTEXT = 4
"""Unchanged words kept on each side of a change."""
_MIN_CLIPPED = 3
"""An ellipsis for fewer words than this would save nothing: they are shown."""
MAX_CHARS = 4_096
"""Values longer than this are shown whole: matching word by word is quadratic in the words
that differ, and a template's longest text is a 1,024-character body (only a hand-edited saved
plan holds more)."""

_Part = tuple[str, str, str]
"""("=", text, text) unchanged, or ("~", removed, added)."""
_TOKEN = re.compile(r"\s+|\S+")
_WORD_STYLES: dict[str, dict[str, Any]] = {
    "-": {"fg": "red", "strikethrough": True},
    "+": {"fg": "green", "bold": True},
}


def value_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


def signed(changes: Iterable[FieldChange]) -> list[Row]:
    out: list[Row] = []
    for change in changes:
        if change.before is None and change.after is not None:
            sign = "+"
        elif change.after is None:
            sign = "-"
        else:
            sign = "~"
        out.append((sign, change.path, change.before, change.after))
    return out


def text_line(row: Row, color: bool = False) -> str:
    """One field as a line for the terminal, every value made safe to print."""
    sign, path, before, after = row
    segments = words(row)
    if segments is not None:
        return f"{shown(path)}: {_text_words(segments, color)}"
    if sign == "+":
        return shown(f"{path}: {value_text(after)}")
    if sign == "-":
        return shown(f"{path}: {value_text(before)}")
    return shown(f"{path}: {value_text(before)} -> {value_text(after)}")


def markdown_diff(rows: Iterable[Row]) -> str:
    """The rows without a word diff, as the lines of a `diff` block (`fence` makes it safe)."""
    lines = []
    for row in rows:
        if _wordy(row):
            continue
        sign, path, before, after = row
        if sign in "-~":
            lines.append(f"- {path}: {value_text(before)}")
        if sign in "+~":
            lines.append(f"+ {path}: {value_text(after)}")
    return "\n".join(lines)


def markdown_words(rows: Iterable[Row]) -> list[str]:
    """The rows with a word diff, each as one line of markdown, safe as it is."""
    lines = []
    for row in rows:
        segments = words(row)
        if segments is not None:
            lines.append(f"<code>{md(row[1])}</code>: {_markdown_words(segments)}")
    return lines


# --- the word diff -------------------------------------------------------------------------


def words(row: Row) -> list[Segment] | None:
    """The word diff of a changed text field; None for any other row."""
    return word_diff(row[2], row[3]) if _wordy(row) else None


def _wordy(row: Row) -> bool:
    sign, path, before, after = row
    return (
        sign == "~"
        and isinstance(before, str)
        and isinstance(after, str)
        and path.rpartition(".")[2] == "text"
        and max(len(before), len(after)) <= MAX_CHARS
    )


def word_diff(before: str, after: str, context: int = CONTEXT) -> list[Segment]:
    """`before` to `after` as unchanged, removed and added runs of words, unchanged runs clipped
    to `context` words each side of a change."""
    # Most edits touch a few words: the whole words and blanks both sides keep at either end are
    # neither split into words nor matched again.
    head = _whole(before, after, _common(before, after, 1), 1)
    rest_old, rest_new = before[head:], after[head:]
    tail = _whole(rest_old, rest_new, _common(rest_old, rest_new, -1), -1)
    old = _TOKEN.findall(rest_old[: len(rest_old) - tail])
    new = _TOKEN.findall(rest_new[: len(rest_new) - tail])
    parts: list[_Part] = []
    _add(parts, "=", before[:head], "")
    # Blanks are junk: a match does not start on one (a text's dozens of identical spaces made
    # matching slow and the matches meaningless) but takes in those next to it. autojunk off: it
    # would also ignore a long text's commonest words.
    matcher = difflib.SequenceMatcher(str.isspace, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        _add(parts, "=" if op == "equal" else "~", "".join(old[i1:i2]), "".join(new[j1:j2]))
    _add(parts, "=", rest_old[len(rest_old) - tail :], "")
    return _clipped(_folded(parts), context)


def _common(a: str, b: str, direction: int) -> int:
    """The length of the longest common prefix (1) or suffix (-1), by halving: slices compare
    in C, where a loop over the characters would not."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        size = (low + high + 1) // 2
        same = a[:size] == b[:size] if direction == 1 else a[-size:] == b[-size:]
        low, high = (size, high) if same else (low, size - 1)
    return low


def _whole(a: str, b: str, length: int, direction: int) -> int:
    """Of the `length` characters `a` and `b` share at their start (1) or end (-1), those that
    are whole words and blanks in both: the last run is left out when either text goes on with
    it (the shared "sh" of "ship" and "shop", or of "sh ip")."""
    if length == 0:
        return 0
    shared = a[:length] if direction == 1 else a[len(a) - length :]
    inner, edge = (shared[-1], length) if direction == 1 else (shared[0], -length - 1)
    if not any(
        -len(text) <= edge < len(text) and text[edge].isspace() == inner.isspace()
        for text in (a, b)
    ):
        return length
    return length - _run(shared, direction)


def _run(text: str, direction: int) -> int:
    """The length of the last (1) or first (-1) word or blank of a text that is not empty (by
    str methods: a regex anchored at the end would be tried from every position)."""
    if direction == 1:
        if text[-1].isspace():
            return len(text) - len(text.rstrip())
        return len(text.rsplit(None, 1)[-1])
    if text[0].isspace():
        return len(text) - len(text.lstrip())
    return len(text.split(None, 1)[0])


def _add(parts: list[_Part], op: str, removed: str, added: str) -> None:
    # Unchanged and changed parts alternate: difflib's opcodes do, and the ends cut off before
    # matching stop where the texts differ.
    if removed or added:
        parts.append((op, removed, removed if op == "=" else added))


def _folded(parts: list[_Part]) -> list[_Part]:
    """Changes merged across the short unchanged runs between them (`parts` alternate).

    A rewritten sentence otherwise shows as a dozen changes kept apart by the spaces and small
    words it shares with the old one. As diff-match-patch's semantic cleanup does, an unchanged
    run joins the changes on both sides when it is blank, or no longer than either of them.
    """
    out: list[_Part] = []
    for part in parts:
        # Joined, a change may be long enough to join the one before that too.
        while part[0] == "~" and len(out) >= 2 and _joins(out[-2], out[-1], part):
            same, last = out.pop(), out.pop()
            part = ("~", last[1] + same[1] + part[1], last[2] + same[1] + part[2])
        out.append(part)
    return out


def _joins(left: _Part, same: _Part, right: _Part) -> bool:
    text = same[1]
    size = min(max(len(left[1]), len(left[2])), max(len(right[1]), len(right[2])))
    return text.isspace() or len(text) <= size


def _clipped(parts: list[_Part], context: int) -> list[Segment]:
    out: list[Segment] = []
    last = len(parts) - 1
    for index, (op, removed, added) in enumerate(parts):
        if op == "~":
            out += [("-", removed)] if removed else []
            out += [("+", added)] if added else []
            continue
        keep_head = context if index > 0 else 0  # the words after the change before the run
        keep_tail = context if index < last else 0  # and before the change after it
        hidden = len(removed.split()) - keep_head - keep_tail
        if not (keep_head or keep_tail) or hidden < _MIN_CLIPPED:
            out.append(("=", removed))
            continue
        # Cut in the blank after the head's last word and before the tail's first one.
        out += [("=", _head(removed, keep_head))] if keep_head else []
        out.append(("…", ""))
        out += [("=", _tail(removed, keep_tail))] if keep_tail else []
    return out


def _head(text: str, words: int) -> str:
    """The first `words` words of `text` (which has more), and the blank after them."""
    found = _heads(words).match(text)
    return found.group() if found else text


@cache
def _heads(words: int) -> re.Pattern[str]:
    return re.compile(rf"\s*(?:\S+\s+){{{words}}}")


def _tail(text: str, words: int) -> str:
    """The last `words` words of `text` (which has more), the blank before them and after."""
    # rsplit keeps the rest as written, up to the blank before the words kept.
    return text[len(text.rstrip().rsplit(None, words)[0]) :]


def _visible(text: str) -> str:
    """A removed or added run of blanks, made visible: the space is "␣"."""
    return text.replace(" ", "␣") if text.isspace() else text


def _text_words(segments: list[Segment], color: bool) -> str:
    out = []
    for op, text in segments:
        if op in "=…":
            out.append(shown(text) if op == "=" else "…")
            continue
        changed = shown(_visible(text))
        if color:
            out.append(click.style(changed, **_WORD_STYLES[op]))
        else:
            out.append(f"[-{changed}-]" if op == "-" else f"{{+{changed}+}}")
    return "".join(out)


def _markdown_words(segments: list[Segment]) -> str:
    out = []
    for op, text in segments:
        if op == "…":
            out.append("…")
        elif op == "=":
            out.append(_markdown_text(text))
        else:
            tag = "del" if op == "-" else "ins"
            out.append(f"<{tag}>{_markdown_text(_visible(text))}</{tag}>")
    return "".join(out)


def _markdown_text(text: str) -> str:
    # `md` puts a text on one line; its line breaks are shown, then kept as <br>.
    return "↵<br>".join(md(line) for line in shown(text, keep="\n").split("\n"))
