"""The rules every part of the saved plan document follows, and how a part reports a problem.

A plan is written by its model, so a document is read strictly: exact types ("10" for a number
is an edit, not a format), no unknown keys (but for a newer minor version's, see plan.model),
document keys as aliases of the names. A validator's problem is worded to follow the field's
path; `plan.saved` puts the two together into one line.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError


class Part(BaseModel):
    """A part of the document. The dataclasses and typed dicts inside it are read with this
    configuration too."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        json_schema_serialization_defaults_required=True,
        use_attribute_docstrings=True,
    )


def value_problem(message: str) -> PydanticCustomError:
    """What is wrong with the field's value: `PATH: MESSAGE`."""
    return PydanticCustomError("plan", "{problem}", {"problem": message})


def checked(value: str, problem_of: Callable[[str], str | None]) -> str:
    problem = problem_of(value)
    if problem:
        raise value_problem(problem)
    return value


def field_problem(path: str, problem: str) -> PydanticCustomError:
    """What is wrong at `path` below the field ("" for the field itself): `PATH.path PROBLEM`."""
    return PydanticCustomError(
        "plan_field", "{field} {problem}", {"field": path, "problem": problem}
    )
