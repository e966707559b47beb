"""WA108 and WA110: a language in the raw form (`components:`, 8x8's component array).

The raw form carries what the file format has no keys for, sent as written. Its structure is
checked (WA108, `files.components`: what 8x8 could not even read is an error, with the path of
the value); Meta's rules are not, and cannot be, since the format's rules read the format's
keys: WA110 says so once per language, naming the features involved, so a reviewer knows Meta's
review is the only judge of that language. The other rules skip a raw language (the engine runs
only rules marked `raw`: these, WA106's body and the category rules that read components).
"""

from __future__ import annotations

from collections.abc import Iterator

from wa_templates.channel.raw import features
from wa_templates.files import components as structure
from wa_templates.files.model import Language
from wa_templates.rules.registry import Finding, LanguageContext, rule

MODELLED_KEYS = ("header", "body", "footer", "buttons", "carousel", "call_permission_request")
"""The format's keys, which a raw language does without."""


@rule(
    "WA108",
    "error",
    "raw components: a list of components (mappings with a text `type`, one of each type), "
    "fields of the types 8x8 documents, JSON values only, within a file's size and depth, and "
    "no format keys beside them",
    "L4",
    raw=True,
)
def raw_structure(ctx: LanguageContext) -> Iterator[Finding]:
    lang = ctx.lang
    if lang.components is None:
        return
    mixed = modelled_keys(lang)
    if mixed:
        yield Finding(
            ("components",),
            f"language '{ctx.code}' has both components and {', '.join(mixed)}; the raw form "
            "replaces the format's keys: move their content into components or drop components",
        )
    for path, message in structure.problems(lang.components):
        yield Finding(("components", *path), message)


@rule(
    "WA110",
    "warning",
    "raw components: Meta's rules are not checked for them (named: limited-time offer, "
    "CATALOG/MPM/SPM button, PRODUCT header, product carousel, unknown component type); they "
    "are sent as written and Meta's review decides",
    "M",
    raw=True,
)
def raw_unchecked(ctx: LanguageContext) -> Iterator[Finding]:
    components = ctx.lang.components
    if components is None or structure.problems(components):
        return  # WA108 speaks first: there is no array to describe
    named = features(components)
    if named:
        message = (
            f"validate cannot check Meta's rules for the raw components ({', '.join(named)}); "
            "they are sent as written and only Meta's review judges them"
        )
    else:
        message = (
            "validate cannot check Meta's rules for raw components; everything in these can be "
            "written with the format's keys (header, body, footer, buttons, carousel), which it "
            "checks"
        )
    yield Finding(("components",), message)


def modelled_keys(lang: Language) -> list[str]:
    """The format's keys a language sets (`call_permission_request` only when true)."""
    return [key for key in MODELLED_KEYS if getattr(lang, key) not in (None, [], False)]
