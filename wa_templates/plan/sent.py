"""What a change sends is what it shows: a saved plan's create payload against its change.

`apply PLANFILE` sends a create's (or recreate's) `payload` as it stands; people see the change:
`show`, apply's printed plan and the pull-request comment render its address (name, language),
its category, `change.after` (the content, in the canonical form plan compares), `change.fields`
(its diff with the channel) and, from the payload itself, what the canonical form leaves out
(`normalise.sent_only`: the create-only options and media samples, which the plan also records
as `change.sent_only`). So a document is read only if each of those says what the payload
sends: the payload's name, language and category are the change's; its content, put through
the one canonical form (payload -> file model -> `normalise.canonical`, as `plan.build` made
`change.after` from the file), is `change.after`; what it sends beside that is
`change.sent_only`; and the diff is the one plan computes from `change.before` and
`change.after`. Either side edited alone is the same mismatch.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from wa_templates.channel.normalise import align_samples, canonical, sent_only
from wa_templates.channel.payload import PayloadError, from_payload
from wa_templates.plan.diff import diff
from wa_templates.plan.part import field_problem
from wa_templates.untrusted import clip

if TYPE_CHECKING:
    from wa_templates.plan.model import ResourceChange

NEW_VERSION = "new_version"
"""Why a versioned template's changed content is created under a new name (`plan.build`): its
`change.fields` are the diff against the previous version, whose content the plan does not
hold, so only a plain create is held to having none."""


def check_sent(change: ResourceChange) -> None:
    """Raise the plan's field problem when `change.payload` sends anything but what the change
    shows (see the module's docstring)."""
    payload = change.payload
    assert payload is not None  # the caller checks that a create has one
    try:
        sent = from_payload(payload)
    except PayloadError as exc:
        raise field_problem("payload", f"is not a create payload: {exc}") from None
    for key in ("name", "language", "category"):
        if payload[key] != getattr(change, key):
            wanted = json.dumps(getattr(change, key))
            raise field_problem(f"payload.{key}", f"must be the change's {key}, {wanted}")
    after = change.change.after
    content = canonical(sent.languages[change.language], sent.category)
    if content != after:
        raise field_problem(
            "payload",
            f"does not send what change.after shows ({change.address}): "
            + _first_difference(after if isinstance(after, dict) else {}, content, "change.after"),
        )
    _check_fields(change, content)
    beside = dict(sent_only(payload))
    # A plan of 2.1 has no record of it: then only the payload says, and the plan shows that.
    if "sent_only" in change.change.model_fields_set and beside != change.change.sent_only:
        raise field_problem(
            "payload",
            f"does not send what change.sent_only shows ({change.address}): "
            + _first_difference(change.change.sent_only, beside, "change.sent_only"),
        )


def _check_fields(change: ResourceChange, after: dict[str, Any]) -> None:
    """`change.fields`, which the text plan shows of a recreate, must be plan's own diff."""
    fields, before = change.change.fields, change.change.before
    if before is None:
        if fields and change.reason != NEW_VERSION:
            raise field_problem(
                "change.fields",
                f"must be empty for a create of a name not on the channel ({change.address})",
            )
        return
    if fields and fields[0].path == "category":
        # The channel's category is not in the plan; what the change moves to is.
        if fields[0].after != change.category:
            raise field_problem(
                "change.fields[0]", f"must change the category to the change's ({change.address})"
            )
        fields = fields[1:]
    local, remote = align_samples(after, before)
    expected = diff(remote, local)
    if fields != expected:
        raise field_problem(
            "change.fields",
            f"are not the diff of change.before and change.after ({change.address})",
        )


def _first_difference(shown: dict[str, Any], sent: dict[str, Any], where: str) -> str:
    first = diff(shown, sent)[0]
    return (
        f"{first.path} is {_value(first.after)} in the payload, {_value(first.before)} in {where}"
    )


def _value(value: Any) -> str:
    return "absent" if value is None else clip(json.dumps(value, ensure_ascii=False), 60)
