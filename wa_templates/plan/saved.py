"""Saved plans: writing them (`plan --out`), and reading one, a file anyone may have handed in,
so nothing in it is taken on trust.

Only a regular file of at most MAX_PLAN_BYTES is read, and its JSON is parsed by pydantic-core,
whose parser stops at 200 levels of nesting (a plan has about 15): `/dev/zero`, a FIFO, a huge
or deeply nested file is one line, never a MemoryError or a RecursionError. Then the document
is validated strictly by the plan model (`plan.model`), and every problem is one line naming
the field. What the document asks of the channel is checked again when it is applied
(`plan.lifecycle`, `plan.stale`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from wa_templates.errors import WaError
from wa_templates.files.regular import NotRegular, read_regular
from wa_templates.plan.model import FORMAT_VERSION, MAY_HOLD_NUL, NEWER_MINOR, Plan
from wa_templates.untrusted import json_text, shown

MAX_PLAN_BYTES = 256 * 1024 * 1024
"""Measured by bench/plan_size.py, a plan for 6,000 templates x 2 languages is 30 MB when every
one is created and 47 MB when every one is recreated (the channel's content, the repository's,
the diff and the payload, per change). 256 MiB leaves more than 5x room for longer templates."""


_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$")
"""A target name that is one file name on every system as it is: `plan --out FOLDER` saves
each target's plan as FOLDER/TARGET.json."""


def plan_file(folder: Path, target: str) -> Path:
    """Where `plan --out FOLDER` saves a target's plan; a target name that would lead elsewhere
    (a `/`, `..`, a leading dot) or cannot be a file name is refused."""
    if not _FILE_NAME.match(target):
        raise WaError(
            f"target {json.dumps(target)} cannot name a plan file in {folder}: a name of "
            "letters, digits, '.', '_' and '-' is (rename the [targets] table)"
        )
    return folder / f"{target}.json"


def save_plans(plans: dict[Path, Plan], without: list[Path]) -> None:
    """Write each plan as its JSON document, and remove the files in `without` (targets that
    got no plan this run), so an older plan is never taken for this run's."""
    for path, plan in plans.items():
        try:
            path.write_text(json_text(plan.model_dump_json(indent=2)) + "\n", encoding="utf-8")
        except OSError as exc:
            raise WaError(f"{path}: cannot save the plan: {exc.strerror or exc}") from None
    for path in without:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise WaError(f"{path}: cannot remove an older plan: {exc.strerror or exc}") from None


class PlanFormatError(ValueError):
    """A document that is not a plan this version reads; the message is one line."""


def read_plan(path: Path) -> Plan:
    """The plan a file holds, or a WaError of one line naming the file."""
    try:
        return parse_plan(read_regular(path, MAX_PLAN_BYTES, _check_size))
    except NotRegular as exc:
        raise WaError(
            f"{path}: not a regular file ({exc}); a saved plan is what `plan --out` writes"
        ) from None
    except OSError as exc:
        raise WaError(f"{path}: cannot read plan: {exc.strerror or exc}") from None
    except PlanFormatError as exc:
        raise WaError(f"{path}: {exc}") from None


def _check_size(size: int) -> None:
    if size > MAX_PLAN_BYTES:
        raise PlanFormatError(
            f"{size:,} bytes is over the {MAX_PLAN_BYTES // 1024 // 1024} MiB a saved plan may "
            "be (a plan for 6,000 templates x 2 languages is under 50 MB): not a saved plan"
        )


def parse_plan(raw: bytes | str) -> Plan:
    """The plan a JSON document holds; PlanFormatError if it is not exactly a plan's shape."""
    # JSON can only spell a NUL as an escape; without one, no payload need be searched for it.
    text = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
    context = {MAY_HOLD_NUL: b"\\u0000" in text.lower()}
    try:
        return Plan.model_validate_json(raw, by_alias=True, by_name=False, context=context)
    except ValidationError as exc:
        if not any(error["type"] == NEWER_MINOR for error in exc.errors()):
            raise PlanFormatError(problem(exc)) from None
    # A newer minor version: its fields that this version does not know are ignored.
    try:
        return Plan.model_validate_json(
            raw,
            by_alias=True,
            by_name=False,
            extra="ignore",
            context={**context, NEWER_MINOR: True},
        )
    except ValidationError as exc:
        raise PlanFormatError(problem(exc)) from None


_MUST_BE = {
    "dict_type": "an object",
    "model_type": "an object",
    "dataclass_type": "an object",
    "list_type": "a list",
    "tuple_type": "a list",
    "string_type": "a string",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "none_required": "null",
}


def problem(exc: ValidationError) -> str:
    """The first problem as `path must be ...`, and how many more there are."""
    errors = exc.errors(include_url=False)
    # The version alone: in a document of another major, every other problem follows from it.
    version = [e for e in errors if e["loc"][:1] == ("format_version",)]
    errors = version or errors
    line = _line(errors[0])
    if len(errors) > 1:
        line += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return shown(line)


def _line(error: ErrorDetails) -> str:
    path = _path(error["loc"])
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind == "json_invalid":
        return f"not JSON: {ctx.get('error', error['msg'])}"
    if kind in ("plan_major", NEWER_MINOR):
        return error["msg"]
    if kind == "plan_field":
        field = str(ctx["field"])
        joint = "" if not path or not field or field.startswith("[") else "."
        return f"{path}{joint}{field} {ctx['problem']}"
    if kind == "plan":
        return f"{path or 'the plan'}: {ctx['problem']}"
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        return f"{path} is not part of a plan of format {FORMAT_VERSION}"
    if kind == "missing" or kind == "missing_argument":
        return f"{path} is missing"
    if kind in ("enum", "literal_error"):
        return f"{path} must be one of {ctx['expected']}"
    if kind in ("greater_than_equal", "less_than_equal"):
        sign = ">=" if kind == "greater_than_equal" else "<="
        bound = ctx["ge"] if kind == "greater_than_equal" else ctx["le"]
        return f"{path} must be {sign} {bound:g}"
    where = path or "the plan"
    if kind in _MUST_BE:
        return f"{where} must be {_MUST_BE[kind]}, not {_kind_of(error['input'])}"
    return f"{where}: {error['msg']}"


def _path(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _KEY.fullmatch(part):
            out += f".{part}" if out else part
        else:  # a name from the file: quoted, so the line stays one line and says what it is
            out += f"[{json.dumps(part)}]"
    return out


_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return "a number" if isinstance(value, int | float) else type(value).__name__
