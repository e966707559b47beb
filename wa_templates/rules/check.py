"""Load and rule-check template files: the whole of `validate`, usable by plan and apply.

Loading and the per-template rules are independent per file, so a large tree is split across
worker processes (the benchmark's 6,000 files x 2 languages is CPU-bound Python); the rules that
compare templates with each other then run once over everything. While the workers check, this
process is free: plan lists the channel then (`meanwhile`).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, cast

from wa_templates.config.project import find_project
from wa_templates.errors import WaError
from wa_templates.files.diagnostics import Diagnostic, Severity
from wa_templates.files.load import Source, discover, display, duplicate_names, load_file
from wa_templates.files.model import TemplateFile
from wa_templates.files.paths import Containment
from wa_templates.files.yamlsafe import Document
from wa_templates.rules import engine
from wa_templates.rules.media import media_headers, sample_scheme
from wa_templates.untrusted import clip

PARALLEL_MIN_FILES = 400
"""Below this, starting worker processes costs more than it saves."""
CHUNK_FILES = 250
"""Files per task sent to a worker: a worker holds one chunk's models at a time, and results
arrive (and are unpickled here) while the other chunks are still being checked."""


@dataclass(slots=True)
class Report:
    sources: list[Source]
    diagnostics: list[Diagnostic]
    files: int
    unloaded: list[str] = field(default_factory=list)
    """Paths found that did not load (and folders that could not be read): what is behind them
    is unknown, so nothing may be pruned on their account."""

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)


def check_paths(
    paths: Iterable[Path],
    jobs: int | None = None,
    keep_sources: bool = True,
    root: Path | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Report:
    """Diagnostics for every file under `paths`.

    Every file, and every local media sample a file names, must resolve inside the project
    root: `root`, by default the project of the working directory.

    With `keep_sources=False` (validate) the report's sources are slim stand-ins that carry only
    what the cross-template rules read: sending whole models back from worker processes costs
    more than checking them. Sources that come back from a worker keep only the positions the
    cross-template rules ask for: every diagnostic that needs another was made in the worker.

    `meanwhile` is called in this process while worker processes check the files, and not at
    all when they are checked here (few files, `jobs=1`, or no fork): the caller must be ready
    to do its work afterwards instead. The workers are started before it is called, so a
    thread it starts is never forked.
    """
    with collector_paused():
        return _check_paths(paths, jobs, keep_sources, root or _project_root(), meanwhile)


def _project_root() -> Path:
    try:
        return find_project().root
    except WaError:  # a broken configuration is for the commands that read it to report
        return Path.cwd()


def _check_paths(
    paths: Iterable[Path],
    jobs: int | None,
    keep_sources: bool,
    root: Path,
    meanwhile: Callable[[], None] | None,
) -> Report:
    within = Containment(root)
    files, diagnostics = discover(paths, within)
    unloaded = [d.file for d in diagnostics]
    workers = min(jobs or os.cpu_count() or 1, max(1, len(files) // (PARALLEL_MIN_FILES // 2)))
    if workers > 1 and _can_fork():
        count = max(workers, -(-len(files) // CHUNK_FILES))
        chunks = [files[i::count] for i in range(count)]
        context = multiprocessing.get_context("fork")
        send = partial(_check_chunk_sent, within=within, keep_sources=keep_sources)
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [pool.submit(send, chunk) for chunk in chunks]
            if meanwhile is not None:
                meanwhile()
            results = [future.result() for future in futures]
        sources = sorted((_received(s) for r in results for s in r[0]), key=_path)
        for _, found, failed in results:
            diagnostics.extend(found)
            unloaded.extend(failed)
    else:
        sources, found, failed = _check_chunk(files, within)
        diagnostics.extend(found)
        unloaded.extend(failed)
    diagnostics.extend(duplicate_names(sources))
    diagnostics.extend(engine.run_corpus(sources))
    diagnostics.sort(key=Diagnostic.sort_key)
    return Report(sources, diagnostics, len(files), sorted(set(unloaded)))


def _path(source: Source) -> str:
    return source.path


def _check_chunk(
    files: list[Path], within: Containment
) -> tuple[list[Source], list[Diagnostic], list[str]]:
    """Sources, diagnostics, and the files that did not load."""
    sources: list[Source] = []
    diagnostics: list[Diagnostic] = []
    unloaded: list[str] = []
    for file in files:
        source, problems = load_file(file, within)
        if source is not None:
            escaping = list(_samples_outside(source, within))
            problems.extend(escaping)
            if escaping:
                source = None  # its rules would stat the outside file: WA013 says it all
        diagnostics.extend(problems)
        if source is None:
            unloaded.append(display(file))
        else:
            sources.append(source)
    diagnostics.extend(engine.run_each(sources))
    return sources, diagnostics, unloaded


def _samples_outside(source: Source, within: Containment) -> Iterator[Diagnostic]:
    """WA013 for every local media sample that resolves outside the project root."""
    folder = os.path.dirname(os.path.abspath(source.path))
    # Samples stay where their template file may be, whatever `..` they say.
    limit = within.anchor(source.path)
    outside = "the project root" if limit == within.real_root else "the template's folder"
    for code, lang in source.template.languages.items():
        for where, header in media_headers(lang):
            value = header.examples[0].strip() if header.examples else ""
            if not value or sample_scheme(value) is not None:
                continue  # no sample, or a URL: nothing on this machine is read
            if within.resolve(os.path.join(folder, value), limit) is None:
                line, column = source.position(("languages", code, *where, "examples", 0))
                yield Diagnostic(
                    source.path,
                    line,
                    column,
                    "WA013",
                    Severity.ERROR,
                    f"media sample '{clip(value)}' resolves outside {outside}; apply uploads "
                    "only files inside the repository",
                )


_Slim = tuple[str, str, tuple[str, ...], dict[str, tuple[Any, Any]]]
_Sent = tuple[str, dict[Any, tuple[int, int]], TemplateFile | _Slim]
"""A checked source on its way back from a worker: path, the positions the cross-template rules
read, and the model (plan, apply) or a slim stand-in for it (validate)."""


def _check_chunk_sent(
    files: list[Path], within: Containment, keep_sources: bool
) -> tuple[list[_Sent], list[Diagnostic], list[str]]:
    sources, diagnostics, unloaded = _check_chunk(files, within)
    return [_send(s, keep_sources) for s in sources], diagnostics, unloaded


def _send(source: Source, keep_sources: bool) -> _Sent:
    t = source.template
    wanted = [("name",)] + [("languages", code, "body", "text") for code in t.languages]
    positions = {path: source.position(path) for path in wanted}
    if keep_sources:
        # The model itself, not its data to validate again: unpickling costs about what
        # validating does, and the model is exactly the one the rules judged.
        return (source.path, positions, t)
    languages = {
        code: (lang.body.text if lang.body else None, lang.footer.text if lang.footer else None)
        for code, lang in t.languages.items()
    }
    return (source.path, positions, (t.name, t.category, tuple(t.ignore), languages))


@dataclass(frozen=True, slots=True)
class _SlimText:
    text: str | None


@dataclass(frozen=True, slots=True)
class _SlimLanguage:
    body: _SlimText | None
    footer: _SlimText | None


@dataclass(frozen=True, slots=True)
class _SlimTemplate:
    name: str
    category: str
    ignore: dict[str, str]
    languages: dict[str, _SlimLanguage]


def _received(sent: _Sent) -> Source:
    path, positions, content = sent
    if isinstance(content, TemplateFile):
        return Source(path, Document({}, positions), content)
    # Plain dataclasses, not models: pydantic's model_construct costs ~100 us per nested model,
    # which made the parallel path slower than the serial one. Corpus rules read only these
    # fields (tests/test_check.py compares both paths).
    name, category, ignore, languages = content
    template = _SlimTemplate(
        name,
        category,
        dict.fromkeys(ignore, ""),
        {
            code: _SlimLanguage(
                None if body is None else _SlimText(body),
                None if footer is None else _SlimText(footer),
            )
            for code, (body, footer) in languages.items()
        },
    )
    return Source(path, Document({}, positions), cast(TemplateFile, template))


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def check_template(template: TemplateFile, label: str = "<payload>") -> list[Diagnostic]:
    """Rule diagnostics for a template that did not come from a file (e.g. a create payload).

    Positions are meaningless here (every diagnostic is at 1:1); the sandbox's simulated review
    uses this to judge a create request exactly as `validate` would judge the file.
    """
    source = Source(label, Document({}), template)
    return engine.run([source])


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Loading the files, parsing the list and planning allocate a great many objects that
    all stay alive until the plan is done; with thousands of templates on the heap, the cyclic
    collector's repeated passes over it cost more than the parsing itself (over a third of
    plan's time at 6,000 templates). Reference counting still frees what dies; cycles wait
    for the end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
