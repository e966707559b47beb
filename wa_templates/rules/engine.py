"""The rule engine: the loop that runs every registered rule.

A rule is a function decorated with `@rule(...)` (see `registry`). It receives a context for one
language of one template (or for the whole template, with `level="template"`) and yields
`Finding`s that name a path in the file; the engine turns paths into file, line and column,
applies the template's `ignore:` suppressions and the rule's category scope. Rules never see YAML
or positions. A language in the raw form (`components:`) is judged only by the rules marked
`raw`: the others read the format's keys, which it does not have.
"""

from __future__ import annotations

from collections.abc import Iterator

from wa_templates.files.diagnostics import Diagnostic, Severity
from wa_templates.files.load import Source
from wa_templates.rules import catalogue  # noqa: F401  (imported for its registrations)
from wa_templates.rules.registry import (
    REGISTRY,
    Finding,
    LanguageContext,
    Path,
    Rule,
    TemplateContext,
)


def run(sources: list[Source]) -> list[Diagnostic]:
    """Every diagnostic of every rule on every loaded template."""
    return run_each(sources) + run_corpus(sources)


def run_each(sources: list[Source]) -> list[Diagnostic]:
    """The rules that look at one template at a time (safe to run in worker processes)."""
    template_rules = [r for r in REGISTRY.values() if r.template_check is not None]
    language_rules = [r for r in REGISTRY.values() if r.language_check is not None]
    out: list[Diagnostic] = []
    for source in sources:
        out.extend(check_source(source, template_rules, language_rules))
    return out


def run_corpus(sources: list[Source]) -> list[Diagnostic]:
    """The rules that compare templates with each other: they need every source at once."""
    out: list[Diagnostic] = []
    for rule_ in REGISTRY.values():
        if rule_.corpus_check is None:
            continue
        for source, finding in rule_.corpus_check(sources):
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
        if rule_.template_check is not None:
            for finding in rule_.template_check(tctx):
                yield _diagnostic(source, rule_, finding)
    active = [
        r for r in language_rules if r.id not in ignored and (not r.scope or category in r.scope)
    ]
    raw_rules = [r for r in active if r.raw]
    for code, lang in template.languages.items():
        ctx = LanguageContext(template, code, lang, file)
        prefix: Path = ("languages", code)
        for rule_ in active if lang.components is None else raw_rules:
            if rule_.language_check is None:
                continue
            for f in rule_.language_check(ctx):
                yield _diagnostic(source, rule_, Finding((*prefix, *f.path), f.message, f.severity))


def _diagnostic(source: Source, rule_: Rule, finding: Finding) -> Diagnostic:
    line, col = source.position(finding.path)
    return Diagnostic(
        source.path, line, col, rule_.id, finding.severity or rule_.severity, finding.message
    )


def all_rules() -> list[Rule]:
    return sorted(REGISTRY.values(), key=lambda r: r.id)
