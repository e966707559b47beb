"""An unquoted value as written, with what YAML 1.1 makes of it.

The loader (yamlsafe) converts no scalar: YAML 1.1 would read `02134` as 1116. A plain scalar it
would type comes out as a `Scalar` instead, and the model (model.py) decides per field what the
text may mean.
"""

from __future__ import annotations

from typing import Any


class Scalar(str):
    """An unquoted scalar that YAML 1.1 reads as a number, boolean, null or date: the text as
    written, with `tag` (`int`, `float`, `bool`, `null` or `timestamp`) and `value`, what YAML 1.1
    reads (PyYAML's safe_load; a date stays its text, since no field of the format is a date).

    Being a `str`, it is text wherever the model expects text, with nothing to convert.
    """

    tag: str
    value: Any

    def __new__(cls, text: str, tag: str, value: Any) -> Scalar:
        self = super().__new__(cls, text)
        self.tag = tag
        self.value = value
        return self

    def described(self) -> str:
        """How a message names it: `the number 0x1F`, `yes`, `null`, `the date 2024-05-01`."""
        kind = {"int": "the number ", "float": "the number ", "timestamp": "the date "}
        return kind.get(self.tag, "") + self

    def __reduce__(self) -> tuple[Any, ...]:
        # copy and pickle would otherwise rebuild it from the text alone, and fail.
        return Scalar, (str(self), self.tag, self.value)


def typed(data: Any) -> Any:
    """`data` with every `Scalar` replaced by its YAML 1.1 `value`: what other YAML 1.1 readers
    (PyYAML's safe_load) see, dates aside, for checking that a written file reads back the same."""
    if isinstance(data, Scalar):
        return data.value
    if isinstance(data, dict):
        return {key: typed(value) for key, value in data.items()}
    if isinstance(data, list):
        return [typed(item) for item in data]
    return data
