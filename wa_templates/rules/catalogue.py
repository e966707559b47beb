"""Every rule module, imported for its registrations. Add a new module here."""

from wa_templates.rules import (  # noqa: F401
    buttons,
    carousel,
    category_authentication,
    category_marketing,
    category_utility,
    input,
    media,
    raw,
    samples,
    structure,
    text,
    variables,
)
