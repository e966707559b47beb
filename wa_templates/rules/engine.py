"""The rule engine: a registry of rules with stable ids, and the loop that runs them.

A rule is a function decorated with `@rule(...)`. It receives a context for one language of one
template (or for the whole template, with `level="template"`) and yields `Finding`s that name a
path in the file; the engine turns paths into file, line and column, applies the template's
`ignore:` suppressions and the rule's category scope. Rules never see YAML or positions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from wa_templates.files.load import Source
from wa_templates.files.model import Language, TemplateFile
from wa_templates.rules.diagnostics import Diagnostic, Severity

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


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    source: str
    level: Level
    scope: tuple[str, ...] = ()
    """Categories the rule applies to; empty means every category."""
    check: Callable[..., Iterable[object]] | None = field(default=None, compare=False)

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


def rule(
    rule_id: str,
    severity: Severity | str,
    summary: str,
    source: str,
    *,
    scope: tuple[str, ...] = (),
    level: Level = "language",
) -> Callable[[Callable[..., Iterable[object]]], Callable[..., Iterable[object]]]:
    def decorate(check: Callable[..., Iterable[object]]) -> Callable[..., Iterable[object]]:
        _register(Rule(rule_id, Severity(severity), summary, source, level, scope, check))
        return check

    return decorate


def run(sources: list[Source]) -> list[Diagnostic]:
    """Every diagnostic of every rule on every loaded template."""
    return run_each(sources) + run_corpus(sources)


def _by_level() -> dict[Level, list[Rule]]:
    _load_rule_modules()
    by_level: dict[Level, list[Rule]] = {"template": [], "language": [], "corpus": []}
    for rule_ in REGISTRY.values():
        if rule_.level in by_level:
            by_level[rule_.level].append(rule_)
    return by_level


def run_each(sources: list[Source]) -> list[Diagnostic]:
    """The rules that look at one template at a time (safe to run in worker processes)."""
    by_level = _by_level()
    out: list[Diagnostic] = []
    for source in sources:
        out.extend(check_source(source, by_level["template"], by_level["language"]))
    return out


def run_corpus(sources: list[Source]) -> list[Diagnostic]:
    """The rules that compare templates with each other: they need every source at once."""
    out: list[Diagnostic] = []
    for rule_ in _by_level()["corpus"]:
        assert rule_.check is not None
        check: CorpusCheck = rule_.check  # type: ignore[assignment]
        for source, finding in check(sources):
            if rule_.id not in source.template.ignore:
                out.append(_diagnostic(source, rule_, finding))
    return out


def check_source(
    source: Source, template_rules: list[Rule], language_rules: list[Rule]
) -> Iterator[Diagnostic]:
    template = source.template
    ignored = set(template.ignore)
    for rule_id in template.ignore:
        if rule_id not in REGISTRY:
            line, col = source.position(("ignore", rule_id))
            yield Diagnostic(
                source.path,
                line,
                col,
                "WA012",
                Severity.ERROR,
                f"unknown rule id '{rule_id}' in ignore; `wa-templates rules` lists them",
            )
    category = template.category
    file = "" if source.path.startswith("<") else source.path
    tctx = TemplateContext(template, file)
    for rule_ in template_rules:
        if rule_.id in ignored or (rule_.scope and category not in rule_.scope):
            continue
        assert rule_.check is not None
        for finding in rule_.check(tctx):
            yield _diagnostic(source, rule_, finding)  # type: ignore[arg-type]
    active = [
        r for r in language_rules if r.id not in ignored and (not r.scope or category in r.scope)
    ]
    for code, lang in template.languages.items():
        ctx = LanguageContext(template, code, lang, file)
        prefix: Path = ("languages", code)
        for rule_ in active:
            assert rule_.check is not None
            for finding in rule_.check(ctx):
                f: Finding = finding  # type: ignore[assignment]
                yield _diagnostic(source, rule_, Finding((*prefix, *f.path), f.message, f.severity))


def _diagnostic(source: Source, rule_: Rule, finding: Finding) -> Diagnostic:
    line, col = source.position(finding.path)
    return Diagnostic(
        source.path, line, col, rule_.id, finding.severity or rule_.severity, finding.message
    )


def _load_rule_modules() -> None:
    # Importing the modules registers their rules; kept here so `engine` has no import cycle.
    from wa_templates.rules import catalogue  # noqa: F401


def all_rules() -> list[Rule]:
    _load_rule_modules()
    return sorted(REGISTRY.values(), key=lambda r: r.id)
