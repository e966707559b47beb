"""Meta's preset wording of AUTHENTICATION templates, in the template's own language.

An AUTHENTICATION template carries no text of its own: the create payload chooses options
(`add_security_recommendation`, `code_expiration_minutes`) and Meta stores, lists and sends its
preset wording for them, in the template's language. `expand` spells the options out as Meta
does, `collapse` maps the wording back to the options, and `preset` gives the wording of one
language (the preview and the sandbox use it).

Where the strings come from: Meta's documentation gives them in its template previews reference
(`GET /<WABA_ID>/message_template_previews`, the example response for `languages=en_US,es_ES`
with `add_security_recommendation=true`, `code_expiration_minutes=10` and `button_types=OTP`),
for English (en_US) and Spanish (es_ES), and nowhere else in a form that can be quoted:
- en_US: "*{{1}}* is your verification code. For your security, do not share this code.",
  "This code expires in 10 minutes.", buttons "Copy code" and "Autofill";
- es_ES: "Tu código de verificación es *{{1}}*. Por tu seguridad, no lo compartas.",
  "Este código caduca en 10 minutos.", buttons "Copiar código" and "Autocompletar".
Every English locale (en, en_GB, en_US, ...) takes the en_US wording and every Spanish one (es,
es_AR, es_MX, ...) the es_ES wording: Meta documents one wording per language, not per
country. For the other languages Meta supports, its documentation gives no wording, so none is
invented here: they are previewed (and listed by the sandbox) with the English wording, and a
channel that lists them in their own wording shows it as their text.
Whatever the template's language, wording of either documented language is recognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from wa_templates.files.model import Body, Footer, Language


@dataclass(frozen=True, slots=True)
class Preset:
    body: str
    """The code sentence, `{{1}}` standing for the code."""
    security: str
    """Appended to `body` (with its leading space) for add_security_recommendation: true."""
    footer: str
    """The expiry footer, `{n}` standing for code_expiration_minutes."""
    footer_pattern: re.Pattern[str]
    copy_code: str
    """The OTP button's label (copy code)."""
    autofill: str
    """The OTP button's label (one-tap and zero-tap autofill)."""

    def body_text(self, secure: bool) -> str:
        return self.body + (self.security if secure else "")

    def footer_text(self, minutes: int) -> str:
        return self.footer.format(n=minutes)


ENGLISH = Preset(
    body="*{{1}}* is your verification code.",
    security=" For your security, do not share this code.",
    footer="This code expires in {n} minutes.",
    footer_pattern=re.compile(r"^This code expires in (\d+) minutes?\.$"),
    copy_code="Copy code",
    autofill="Autofill",
)
SPANISH = Preset(
    body="Tu código de verificación es *{{1}}*.",
    security=" Por tu seguridad, no lo compartas.",
    footer="Este código caduca en {n} minutos.",
    footer_pattern=re.compile(r"^Este código caduca en (\d+) minutos?\.$"),
    copy_code="Copiar código",
    autofill="Autocompletar",
)
DOCUMENTED = {"en": ENGLISH, "es": SPANISH}
"""Meta's documented wording, by language (the part of the code before `_`)."""


def preset(language: str) -> Preset:
    """The wording Meta uses for `language`: its own where Meta documents it, else English."""
    return DOCUMENTED.get(language.split("_", 1)[0], ENGLISH)


def documented(language: str) -> bool:
    """Whether Meta's documentation gives the wording of `language`."""
    return language.split("_", 1)[0] in DOCUMENTED


def expand(lang: Language, language: str) -> Language:
    """What Meta stores for an AUTHENTICATION template: its preset wording spelled out."""
    wording = preset(language)
    update: dict[str, Any] = {}
    body = lang.body or Body()
    if body.text is None:
        # The code sample stays: Meta keeps it as the example of {{1}}.
        text = wording.body_text(bool(body.add_security_recommendation))
        update["body"] = Body(text=text, examples=body.examples)
    footer = lang.footer
    if footer is not None and footer.text is None and footer.code_expiration_minutes is not None:
        update["footer"] = Footer(text=wording.footer_text(footer.code_expiration_minutes))
    return lang.model_copy(update=update)


def collapse(lang: Language) -> Language:
    """Inverse of `expand`: Meta's wording, in any documented language, back to the options."""
    update: dict[str, Any] = {}
    body = lang.body
    secure = security_of(body.text) if body is not None else None
    if body is not None and secure is not None:
        update["body"] = Body(add_security_recommendation=secure or None, examples=body.examples)
    if lang.footer is not None and lang.footer.text is not None:
        minutes = minutes_of(lang.footer.text)
        if minutes is not None:
            update["footer"] = Footer(code_expiration_minutes=minutes)
    return lang.model_copy(update=update)


def security_of(text: str | None) -> bool | None:
    """Whether a preset body includes the security sentence; None if `text` is not a preset."""
    for wording in DOCUMENTED.values():
        if text == wording.body:
            return False
        if text == wording.body_text(True):
            return True
    return None


def minutes_of(text: str) -> int | None:
    """The minutes of a preset expiry footer; None if `text` is not one."""
    for wording in DOCUMENTED.values():
        match = wording.footer_pattern.match(text)
        if match:
            return int(match.group(1))
    return None
