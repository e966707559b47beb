"""The rule registry: what a rule is, the contexts it judges, and `@rule` that registers one.

Rule modules import only this module; `engine` imports them (through `catalogue`) and runs them,
so no import cycle runs through the engine. Each level has its own check type, and `@rule`
checks at the decoration that the function fits its level: a template rule that takes a
`LanguageContext` is a type error where it is written, not a surprise at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, overload

from wa_templates.files.diagnostics import Severity
from wa_templates.files.load import Source
from wa_templates.files.model import Language, TemplateFile

Path = tuple[str | int, ...]
Level = Literal["input", "template", "language", "corpus"]


@dataclass(frozen=True, slots=True)
class Finding:
    path: Path
    message: str
    severity: Severity | None = None
    """Overrides the rule's severity: some rules are an error past a limit, a warning before."""


@dataclass(slots=True)
class LanguageContext:
    template: TemplateFile
    code: str
    lang: Language
    file: str = ""
    """The template file being judged ("" for a template that came from a payload)."""

    @property
    def category(self) -> str:
        return self.template.category


@dataclass(slots=True)
class TemplateContext:
    template: TemplateFile
    file: str = ""


LanguageCheck = Callable[[LanguageContext], Iterable[Finding]]
TemplateCheck = Callable[[TemplateContext], Iterable[Finding]]
CorpusCheck = Callable[[list[Source]], Iterable[tuple[Source, Finding]]]

_L = TypeVar("_L", bound=LanguageCheck)
_T = TypeVar("_T", bound=TemplateCheck)
_C = TypeVar("_C", bound=CorpusCheck)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    source: str
    level: Level
    scope: tuple[str, ...] = ()
    """Categories the rule applies to; empty means every category."""
    raw: bool = False
    """Whether the rule also judges a language in the raw form (`components:`); the others read
    the format's keys, which such a language does not have."""
    language_check: LanguageCheck | None = field(default=None, compare=False)
    template_check: TemplateCheck | None = field(default=None, compare=False)
    corpus_check: CorpusCheck | None = field(default=None, compare=False)
    """The check of the rule's level; an input rule (WA0xx, reported by loading) has none."""

    @property
    def scope_label(self) -> str:
        return ", ".join(self.scope) if self.scope else "all"


REGISTRY: dict[str, Rule] = {}


def _register(rule_: Rule) -> None:
    if rule_.id in REGISTRY:
        raise AssertionError(f"rule {rule_.id} registered twice")
    REGISTRY[rule_.id] = rule_


def input_rule(rule_id: str, summary: str, source: str = "wa-templates") -> None:
    """Declare an id used by loading (WA0xx); the loader, not the engine, reports it."""
    _register(Rule(rule_id, Severity.ERROR, summary, source, "input"))


@overload
def rule(
    rule_id: str,
    severity: Severity | str,
    summary: str,
    source: str,
    *,
    scope: tuple[str, ...] = (),
    level: Literal["language"] = "language",
    raw: bool = False,
) -> Callable[[_L], _L]: ...


@overload
def rule(
    rule_id: str,
    severity: Severity | str,
    summary: str,
    source: str,
    *,
    scope: tuple[str, ...] = (),
    level: Literal["template"],
) -> Callable[[_T], _T]: ...


@overload
def rule(
    rule_id: str,
    severity: Severity | str,
    summary: str,
    source: str,
    *,
    scope: tuple[str, ...] = (),
    level: Literal["corpus"],
) -> Callable[[_C], _C]: ...


def rule(
    rule_id: str,
    severity: Severity | str,
    summary: str,
    source: str,
    *,
    scope: tuple[str, ...] = (),
    level: Literal["language", "template", "corpus"] = "language",
    raw: bool = False,
) -> Callable[[Any], Any]:
    # The overloads above type each level; here the check is stored in its level's field.
    def decorate(check: Any) -> Any:
        _register(
            Rule(
                rule_id,
                Severity(severity),
                summary,
                source,
                level,
                scope,
                raw,
                language_check=check if level == "language" else None,
                template_check=check if level == "template" else None,
                corpus_check=check if level == "corpus" else None,
            )
        )
        return check

    return decorate
