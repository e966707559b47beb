"""Load and rule-check template files: the whole of `validate`, usable by plan and apply."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from wa_templates.diagnostics import Diagnostic, Severity
from wa_templates.load import Source, load_paths
from wa_templates.model import TemplateFile
from wa_templates.rules import engine
from wa_templates.yamlsafe import Document


@dataclass(slots=True)
class Report:
    sources: list[Source]
    diagnostics: list[Diagnostic]
    files: int

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)


def check_paths(paths: Iterable[Path]) -> Report:
    loaded = load_paths(paths)
    diagnostics = loaded.diagnostics + engine.run(loaded.sources)
    diagnostics.sort(key=Diagnostic.sort_key)
    return Report(loaded.sources, diagnostics, loaded.files)


def check_template(template: TemplateFile, label: str = "<payload>") -> list[Diagnostic]:
    """Rule diagnostics for a template that did not come from a file (e.g. a create payload).

    Positions are meaningless here (every diagnostic is at 1:1); the sandbox's simulated review
    uses this to judge a create request exactly as `validate` would judge the file.
    """
    source = Source(label, Document({}), template)
    return engine.run([source])
