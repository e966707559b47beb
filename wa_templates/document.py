"""The base of the JSON documents the commands print for tools (`--format json`).

Each document is built by its models, so the JSON Schema published for it (schema/, through
`render.schemas`) is generated from what builds it and cannot drift from it. Every field is
in every document (a null rather than a missing key), no other field is, and every field's
docstring becomes its description in the schema.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Document(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
        json_schema_serialization_defaults_required=True,
    )
