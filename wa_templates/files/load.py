"""Load: template files on disk to models, keeping every position.

Problems with the input itself (bytes, YAML, shape of the data) become WA0xx diagnostics with
file, line and column; they never raise. A file that fails here is not passed on to the rules.
"""

from __future__ import annotations

import difflib
import os
import re
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from wa_templates.files.diagnostics import Diagnostic, Severity
from wa_templates.files.model import TemplateFile
from wa_templates.files.paths import TEMPLATE_SUFFIXES, Containment, is_template_name
from wa_templates.files.regular import NotRegular, read_regular
from wa_templates.files.scalar import Scalar
from wa_templates.files.yamlsafe import (
    MAX_BYTES,
    Document,
    YamlError,
    check_size,
    decode,
    parse,
)


@dataclass(slots=True)
class Source:
    """A template file that loaded: where it is, its positions, and its model."""

    path: str
    document: Document
    template: TemplateFile

    def position(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        return self.document.position(path)


@dataclass(slots=True)
class Loaded:
    sources: list[Source] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0


def discover(
    paths: Iterable[Path], root: Path | Containment | None = None
) -> tuple[list[Path], list[Diagnostic]]:
    """Template files under `paths` (files or folders), sorted; missing paths are diagnostics.

    In folders, templates are the files `is_template_name` accepts, hidden folders skipped.
    Symlinked folders are followed while they stay inside the project root (`root`, default the
    working directory); one that leads out, or a folder that cannot be listed, is a diagnostic:
    a template silently not found would be a template `--prune` deletes.
    """
    within = _containment(root)
    # Keyed by absolute path: `templates` and `templates/a.yaml` given together, or a folder and
    # its absolute path, must not load a file twice and report it as its own duplicate (WA011).
    found: dict[str, Path] = {}
    problems: list[Diagnostic] = []
    for path in paths:
        if path.is_dir():
            if within.resolve(path) is None:
                problems.append(_outside(display(path), "folder", path, within))
                continue
            for file in _walk(path, within, problems):
                found.setdefault(os.path.abspath(file), file)
        elif path.exists():  # a file, or something load_file will say is not one
            found.setdefault(os.path.abspath(path), path)
        else:
            problems.append(_diag(str(path), 1, 1, "WA000", "no such file or folder"))
    return sorted(found.values()), problems


def _walk(folder: Path, within: Containment, problems: list[Diagnostic]) -> Iterator[Path]:
    def unreadable(error: OSError) -> None:
        where = display(Path(error.filename)) if error.filename else display(folder)
        problems.append(_diag(where, 1, 1, "WA000", f"cannot read folder: {error.strerror}"))

    walked: set[str] = set()
    for current, dirs, files in os.walk(folder, onerror=unreadable, followlinks=True):
        # A folder reached twice through symlinks (or a link loop) is read once.
        real = os.path.realpath(current)
        if real in walked:
            dirs[:] = []
            continue
        walked.add(real)
        kept = []
        # Hidden folders: .git, editor and tool state.
        for name in sorted(d for d in dirs if not d.startswith(".")):
            sub = os.path.join(current, name)
            if os.path.islink(sub) and within.resolve(sub) is None:
                problems.append(_outside(display(Path(sub)), "folder", Path(sub), within))
            else:
                kept.append(name)
        dirs[:] = kept
        for name in files:
            if is_template_name(name):
                yield Path(current, name)


_LOOKALIKE = re.compile(r"\.ya?ml(?:$|[.~])", re.IGNORECASE)
"""A name that holds a template suffix: `a.yaml`, `.a.yaml`, `a.yaml~`, `a.yml.bak`."""


def skipped_lookalikes(folder: Path) -> list[str]:
    """Files under `folder` that look like template files but are not read as templates: hidden
    ones (`.a.yaml`), those in hidden folders (`.drafts/a.yaml`), and backups (`a.yaml~`,
    `a.yaml.bak`). What they hold is unknown, so `--prune` deletes nothing while any is there:
    the template someone moved aside is still live on the channel. `.git` is not looked in."""
    found: list[str] = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        hidden = any(part.startswith(".") for part in Path(current).relative_to(folder).parts)
        for name in files:
            if _LOOKALIKE.search(name) and (hidden or not is_template_name(name)):
                found.append(display(Path(current, name)))
    return sorted(found)


def _containment(root: Path | Containment | None) -> Containment:
    return root if isinstance(root, Containment) else Containment(root or Path.cwd())


def _outside(shown: str, kind: str, path: Path, within: Containment) -> Diagnostic:
    where = "the project root" if within.anchor(path) == within.real_root else "its folder"
    return _diag(
        shown,
        1,
        1,
        "WA013",
        f"{kind} resolves outside {where} through a symlink; it was not read "
        "(templates must be inside the repository)",
    )


def load_paths(paths: Iterable[Path], root: Path | None = None) -> Loaded:
    within = _containment(root)
    files, problems = discover(paths, within)
    loaded = load_files(files, within)
    loaded.diagnostics[:0] = problems
    return loaded


def load_files(files: Iterable[Path], root: Path | Containment | None = None) -> Loaded:
    loaded = Loaded()
    for file in files:
        loaded.files += 1
        source, problems = load_file(file, root)
        loaded.diagnostics.extend(problems)
        if source is not None:
            loaded.sources.append(source)
    loaded.diagnostics.extend(duplicate_names(loaded.sources))
    return loaded


def display(path: Path) -> str:
    """The path as the user will want to click it: relative to the working directory if inside."""
    absolute = os.path.abspath(path)
    cwd = os.path.join(os.getcwd(), "")  # with its trailing separator, also when it is `/`
    if absolute.startswith(cwd):
        return absolute[len(cwd) :]
    return str(path)


def load_file(
    path: Path, root: Path | Containment | None = None
) -> tuple[Source | None, list[Diagnostic]]:
    """One template file; it must resolve inside the project root (`root`, default the working
    directory), checked here, when it is read, whatever was checked before."""
    shown = display(path)
    within = _containment(root)
    real = within.resolve(path)
    if real is None:
        return None, [_outside(shown, "file", path, within)]
    try:
        # At the resolved path, and never through a symlink put in its place since.
        raw = read_regular(Path(real), MAX_BYTES, check_size, follow_symlinks=False)
    except YamlError as exc:
        return None, [_diag(shown, exc.line, exc.column, exc.code, exc.message)]
    except NotRegular as exc:
        return None, [_diag(shown, 1, 1, "WA000", f"not a regular file ({exc})")]
    except OSError as exc:
        return None, [_diag(shown, 1, 1, "WA000", f"cannot read file: {exc.strerror}")]
    return load_bytes(raw, shown, Path(path).stem)


def load_bytes(
    raw: bytes, shown: str, stem: str | None = None
) -> tuple[Source | None, list[Diagnostic]]:
    try:
        document = parse(decode(raw))
    except YamlError as exc:
        return None, [_diag(shown, exc.line, exc.column, exc.code, exc.message)]
    try:
        template = TemplateFile.model_validate(document.data)
    except ValidationError as exc:
        return None, list(_schema_problems(exc, document, shown))
    problems: list[Diagnostic] = []
    if stem is not None and stem != template.name:
        line, col = document.position(("name",))
        problems.append(
            _diag(
                shown,
                line,
                col,
                "WA010",
                f"file name '{stem}' differs from the template name '{template.name}'; "
                f"rename the file to {template.name}{_suffix(shown)} or change the name",
            )
        )
    return Source(shown, document, template), problems


def duplicate_names(sources: list[Source]) -> Iterator[Diagnostic]:
    """WA011 on every file whose template name another file also defines.

    Each file of the pair gets the error, naming the other: either may be the one to change, and
    an annotation on only the second would hide the problem from a change to the first.
    """
    by_name: dict[str, list[Source]] = {}
    for source in sources:
        by_name.setdefault(source.template.name, []).append(source)
    for name, group in by_name.items():
        if len(group) < 2:
            continue
        for source in group:
            others = ", ".join(
                f"{other.path}:{other.position(('name',))[0]}"
                for other in group
                if other is not source
            )
            line, col = source.position(("name",))
            yield _diag(
                source.path,
                line,
                col,
                "WA011",
                f"template '{name}' is also defined in {others}; one file per template name",
            )


def _suffix(shown: str) -> str:
    suffix = os.path.splitext(shown)[1]
    return suffix if suffix.lower() in TEMPLATE_SUFFIXES else ".yaml"


def _diag(file: str, line: int, col: int, rule: str, message: str) -> Diagnostic:
    return Diagnostic(file, line, col, rule, Severity.ERROR, message)


# --- pydantic errors to one-line messages -------------------------------------------------

_EXPECTED = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _schema_problems(exc: ValidationError, doc: Document, shown: str) -> Iterator[Diagnostic]:
    errors = exc.errors()
    paths = [_data_path(error["loc"], doc.data) for error in errors]
    # A misspelt required key (`categroy:`) is one mistake: its WA003 did-you-mean says it all,
    # so the WA005 for the key it stands for would only send the reader looking for a second one.
    suggested: set[tuple[str | int, ...]] = set()
    unknown: dict[tuple[str | int, ...], str] = {}
    for error, path in zip(errors, paths, strict=True):
        if error["type"] == "extra_forbidden":
            allowed = _allowed_keys(path[:-1])
            hint = difflib.get_close_matches(str(path[-1]), allowed, n=1)
            unknown[path] = _unknown_message(path, allowed, hint)
            if hint:
                suggested.add((*path[:-1], hint[0]))
    seen: set[tuple[str | int, ...]] = set()
    for error, path in zip(errors, paths, strict=True):
        kind = error["type"]
        if kind == "extra_forbidden":
            rule, message = "WA003", unknown[path]
        elif kind == "missing":
            if path in suggested:
                continue
            key = error["loc"][-1]
            where = path[:-1] if path and path[-1] == key else path
            rule, message = "WA005", f"missing required key '{key}' in {_describe(where)}"
        elif kind == "too_short" and path == ("languages",):
            rule, message = "WA005", "'languages' is empty: add at least one language"
        else:
            rule, message = "WA004", _type_message(error, path, _value_at(doc.data, path))
        if path in seen:
            continue
        seen.add(path)
        line, col = doc.position(path)
        yield _diag(shown, line, col, rule, message)


def _unknown_message(path: tuple[str | int, ...], allowed: list[str], hint: list[str]) -> str:
    message = f"unknown key '{path[-1]}' in {_describe(path[:-1])}"
    if hint:
        return message + f"; did you mean '{hint[0]}'?"
    return message + f"; allowed: {', '.join(allowed)}"


def _type_message(error: Any, path: tuple[str | int, ...], value: Any) -> str:
    kind = error["type"]
    loc = error["loc"]
    name = f"'{path[-1]}'" if path and isinstance(path[-1], str) else _describe(path)
    got = kind_of(value)
    if kind == "literal_error":
        return f"{name} must be {error['ctx']['expected']}, not {_shown_value(value)}"
    if kind in ("written_number", "written_boolean"):  # model.py's words, with the fix
        return f"{name} {error['msg']}"
    expected = _EXPECTED.get(kind)
    if len(loc) > len(path) and path and path[-1] == "examples":
        expected = "a list of strings, or a mapping of names to strings"
    elif len(loc) > len(path) + 1:
        expected = None  # an error deep inside a union branch: pydantic's words are better
    if not expected:
        return f"{name}: {error['msg'][:1].lower()}{error['msg'][1:]}"
    return f"{name} must be {expected}, not {got}"


def _shown_value(value: Any) -> str:
    return f"'{value}'" if type(value) is str else kind_of(value)


def _data_path(loc: tuple[str | int, ...], data: Any) -> tuple[str | int, ...]:
    """The longest prefix of a pydantic location that exists in the data (drops union tags)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        inside_dict = isinstance(node, dict) and part in node
        if inside_dict or (isinstance(node, list) and isinstance(part, int) and part < len(node)):
            node = node[part]
        else:
            if isinstance(node, dict) and isinstance(part, str) and part not in _UNION_TAGS:
                path.append(part)  # a missing key or an unknown one: name it
            break
        path.append(part)
    return tuple(path)


_UNION_TAGS = {"list[str]", "dict[str,str]", "str", "int", "bool"}


def _value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def kind_of(value: Any) -> str:
    """A value from a file, named for a one-line message ("a mapping", "the number 5")."""
    if value is None:
        return "an empty value"
    if isinstance(value, Scalar):
        return value.described()
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return "a string"
    return type(value).__name__  # pragma: no cover - YAML safe loading yields no other types


def _describe(path: tuple[str | int, ...]) -> str:
    if not path:
        return "the template"
    parts = []
    for part in path:
        parts.append(f"[{part}]" if isinstance(part, int) else f".{part}")
    return "'" + "".join(parts).lstrip(".") + "'"


def _allowed_keys(path: tuple[str | int, ...]) -> list[str]:
    model: Any = TemplateFile
    for part in path:
        if isinstance(part, str) and _is_model(model):
            info = model.model_fields.get(part)
            if info is None:
                return []
            model = _unwrap(info.annotation)
        else:
            model = _unwrap(model, item=True)
    return list(model.model_fields) if _is_model(model) else []


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _unwrap(annotation: Any, item: bool = False) -> Any:
    """Optional[X] -> X; with item=True, list[X] -> X and dict[str, X] -> X."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0], item) if len(args) == 1 else annotation
    if item and origin in (list, dict):
        return typing.get_args(annotation)[-1]
    if typing.get_origin(annotation) is typing.Annotated:  # pragma: no cover
        return _unwrap(typing.get_args(annotation)[0], item)
    return annotation
