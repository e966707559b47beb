"""Import: the channel's templates as repository files, in the project's own format.

Two steps. `from_channel` turns 8x8's list into one `TemplateFile` per name with all of its
languages, from the very templates plan reads (`channel.remote`, AUTHENTICATION presets
collapsed), so an imported file plans as "no changes". `place` then decides
per name what happens on disk: a name that already has a file anywhere under the templates folder
keeps that file, which is left alone when it already says what the channel holds (compared the
way plan compares, not byte for byte) and otherwise, with `force`, edited: only the keys that
differ change, and its comments, key order, quoting and block scalars stay (`importer.merge`); a
new name gets `<folder>/<name>.yaml`.

What the list cannot say (`allow_category_change`, `message_send_ttl_seconds`) and what only
the repository decides (`ignore`, `versioning`) is kept from an existing file.
"""

from __future__ import annotations

import fnmatch
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wa_templates.channel.remote import ChannelTemplate
from wa_templates.channel.statuses import LIVE
from wa_templates.files.load import discover, display, load_file
from wa_templates.files.model import TemplateFile
from wa_templates.files.regular import NotRegular, read_regular
from wa_templates.files.write import dump
from wa_templates.files.yamlsafe import MAX_BYTES, YamlError, check_size, decode
from wa_templates.importer.differences import differences_from as differences_from
from wa_templates.importer.merge import MergeError, merge
from wa_templates.plan.versions import versions_on_channel

SCHEMA = Path("schema") / "template.schema.json"
"""The committed JSON Schema, relative to the project root, that editors validate files with."""
FILE_NAME = re.compile(r"^[a-z0-9_]{1,512}$")
"""8x8's template name rule; only such a name becomes a file name (no `/`, no `..`)."""
LOCAL_ONLY = ("allow_category_change", "message_send_ttl_seconds", "ignore", "versioning")
"""Fields the channel cannot report, so an existing file's values are kept."""
_VERSION_SUFFIX = re.compile(r"^(?P<base>.+)_v[0-9]+$")


@dataclass(frozen=True, slots=True)
class Imported:
    """One template as the channel holds it, ready to be written."""

    template: TemplateFile
    statuses: dict[str, str]
    """Language -> status on the channel."""
    registered: str
    """The registered name the content comes from (`name_v3` when versions are folded)."""
    versions: tuple[str, ...] = ()
    """Every registered name folded into this template (for `versioning: suffix`)."""
    notes: tuple[str, ...] = ()


@dataclass(slots=True)
class ChannelTemplates:
    templates: dict[str, Imported] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)
    """Name -> why its content cannot be imported."""
    ignored: set[str] = field(default_factory=set)
    """Registered names left out because the project's `ignore` patterns match them."""

    def owner(self, name: str) -> str | None:
        """The template a registered or template name belongs to, if it was imported."""
        if name in self.templates or name in self.unreadable:
            return name
        for base, imported in self.templates.items():
            if name in imported.versions:
                return base
        return None


def from_channel(
    listed: Iterable[ChannelTemplate],
    ignore: Sequence[str] = (),
    versioned: Callable[[str], bool] = lambda base: False,
) -> ChannelTemplates:
    """Group the list by name; `versioned(base)` folds `base_v2`, `base_v3`, ... into `base`."""
    result = ChannelTemplates()
    by_name: dict[str, dict[str, ChannelTemplate]] = {}
    for remote in listed:
        name = remote.name
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in ignore):
            result.ignored.add(name)
            continue
        if remote.content is None:
            result.unreadable.setdefault(name, f"{remote.language}: {remote.unreadable}")
            continue
        by_name.setdefault(name, {})[remote.language] = remote
    # Only the names matter to versions_on_channel; the content is read above.
    registered: dict[str, dict[str, Any]] = {name: {} for name in {*by_name, *result.unreadable}}
    groups: dict[str, dict[int, str]] = {}
    for name in registered:
        base = _base(name, registered, versioned)
        groups.setdefault(base, {}).update(
            versions_on_channel(base, registered) if base != name else {1: name}
        )
    for base, versions in sorted(groups.items()):
        current = versions[max(versions)]
        if current in result.unreadable:
            reason = result.unreadable.pop(current)
            result.unreadable[base] = reason if current == base else f"{current} {reason}"
            continue
        for name in versions.values():
            result.unreadable.pop(name, None)  # an earlier version's content is not imported
        result.templates[base] = _template(base, current, by_name[current], versions)
    return result


def _base(
    name: str, registered: dict[str, dict[str, Any]], versioned: Callable[[str], bool]
) -> str:
    match = _VERSION_SUFFIX.match(name)
    if match is None or not versioned(match.group("base")):
        return name
    base = match.group("base")
    # plan's own reading of the suffix decides: `promo_v1` or `promo_v02` is a name of its own.
    return base if name in versions_on_channel(base, registered).values() else name


def _template(
    base: str, current: str, languages: dict[str, ChannelTemplate], versions: dict[int, str]
) -> Imported:
    ordered = dict(sorted(languages.items()))
    category, note = _category(ordered)
    notes = [note] if note else []
    if len(versions) > 1 or current != base:
        earlier = [versions[n] for n in sorted(versions) if versions[n] != current]
        notes.append(
            f"imported {current}, the current version"
            + (f"; earlier versions stay on the channel: {', '.join(earlier)}" if earlier else "")
        )
    template = TemplateFile(
        name=base,
        category=category,
        languages={code: remote.model() for code, remote in ordered.items()},
    )
    return Imported(
        template=template,
        statuses={code: remote.status for code, remote in ordered.items()},
        registered=current,
        versions=tuple(versions[n] for n in sorted(versions)),
        notes=tuple(notes),
    )


def _category(languages: dict[str, ChannelTemplate]) -> tuple[str, str | None]:
    """One category for the file, and a note when the channel's languages disagree."""
    categories = {remote.category for remote in languages.values()}
    if len(categories) == 1:
        return categories.pop(), None
    approved = [(c, r) for c, r in languages.items() if r.status == "APPROVED"]
    live = [(c, r) for c, r in languages.items() if r.status in LIVE]
    if approved or live:
        code, remote = (approved or live)[0]
        chosen = remote.category
        why = f"the category of {remote.status.lower()} {code}"
    else:
        counts = Counter(remote.category for remote in languages.values())
        chosen = min(counts, key=lambda c: (-counts[c], c))
        why = "the category most of its languages have"
    found = ", ".join(f"{code} {remote.category}" for code, remote in languages.items())
    return chosen, (
        f"its languages have different categories on the channel ({found}); "
        f"imported as {chosen}, {why}"
    )


# --- files -------------------------------------------------------------------------------


@dataclass(slots=True)
class LocalFiles:
    """The template files already under the folder: by template name, and those that failed."""

    by_name: dict[str, list[tuple[Path, TemplateFile]]] = field(default_factory=dict)
    unreadable: dict[Path, str] = field(default_factory=dict)
    """Files that do not load, with their first problem."""
    readable: dict[Path, str] = field(default_factory=dict)
    """Path -> the template name it holds."""


def local_files(folder: Path) -> LocalFiles:
    found = LocalFiles()
    if not folder.is_dir():
        return found
    files, _ = discover([folder])
    for path in files:
        source, problems = load_file(path)
        if source is None:
            first = problems[0] if problems else None
            found.unreadable[path] = (
                f"line {first.line}: {first.message}" if first else "it does not load"
            )
            continue
        found.by_name.setdefault(source.template.name, []).append((path, source.template))
        found.readable[path] = source.template.name
    return found


@dataclass(frozen=True, slots=True)
class Outcome:
    action: str
    """created, updated, unchanged or refused."""
    name: str
    path: Path | None
    detail: str = ""
    text: str | None = None
    """The file's new content, for created and updated."""
    before: str | None = None
    """The file's content before, for updated (what `--dry-run` diffs against)."""
    changed: tuple[str, ...] = ()
    """For an existing file updated: the keys changed (`en_US body.text`)."""


def place(
    imported: Imported,
    local: LocalFiles,
    folder: Path,
    origin: str,
    schema: Path | None = None,
    force: bool = False,
) -> Outcome:
    """What to do with one imported template's file; nothing is written here."""
    name = imported.template.name
    existing = local.by_name.get(name, [])
    if len(existing) > 1:
        where = ", ".join(display(path) for path, _ in existing)
        return Outcome(
            "refused", name, existing[0][0], f"defined in more than one file ({where}): keep one"
        )
    if existing:
        path, current = existing[0]
        template = _keep_local_fields(imported.template, current)
        differences = differences_from(current, template)
        if not differences:
            return Outcome("unchanged", name, path)
        if not force:
            return Outcome(
                "refused",
                name,
                path,
                f"differs from the channel ({_summary(differences)}); --force changes the keys "
                "that differ",
            )
        return _merged(name, path, current, template)
    if not FILE_NAME.match(name):
        return Outcome("refused", name, None, f"'{name}' is not a template name a file can take")
    broken = [p for p in local.unreadable if p.stem == name]
    path = broken[0] if len(broken) == 1 else folder / f"{name}.yaml"
    if len(broken) > 1:
        where = ", ".join(display(p) for p in broken)
        return Outcome("refused", name, None, f"several files that do not load are named {where}")
    if path in local.unreadable and not force:
        return Outcome(
            "refused",
            name,
            path,
            f"the file does not load ({local.unreadable[path]}); --force replaces it",
        )
    holder = local.readable.get(path)
    if holder is not None:
        return Outcome("refused", name, path, f"the file holds template '{holder}'")
    if path.exists() and not path.is_file():
        return Outcome("refused", name, path, "it exists and is not a file")
    action = "updated" if path.exists() else "created"
    return Outcome(
        action, name, path, text=render(imported, imported.template, path, origin, schema)
    )


def _merged(name: str, path: Path, current: TemplateFile, template: TemplateFile) -> Outcome:
    """The existing file with only the keys that differ changed (importer.merge)."""
    try:
        before = decode(read_regular(path, MAX_BYTES, check_size))
        merged = merge(before, current, template)
    except (OSError, NotRegular, YamlError) as exc:
        return Outcome("refused", name, path, f"cannot read it again: {exc}")
    except MergeError as exc:
        return Outcome(
            "refused", name, path, f"{exc}; move it away and import again to write it anew"
        )
    return Outcome(
        "updated", name, path, text=merged.text, before=before, changed=tuple(merged.changed)
    )


def _keep_local_fields(new: TemplateFile, current: TemplateFile) -> TemplateFile:
    return new.model_copy(update={key: getattr(current, key) for key in LOCAL_ONLY})


def _summary(differences: list[str], limit: int = 3) -> str:
    shown = ", ".join(differences[:limit])
    more = len(differences) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def render(
    imported: Imported, template: TemplateFile, path: Path, origin: str, schema: Path | None
) -> str:
    """The file's text: schema hint, where it came from, then the template."""
    comments: list[str] = []
    if schema is not None:
        relative = os.path.relpath(schema, path.parent).replace(os.sep, "/")
        comments += [f"yaml-language-server: $schema={relative}", ""]
    states = ", ".join(f"{code} {status}" for code, status in imported.statuses.items())
    which = f" ({imported.registered})" if imported.registered != template.name else ""
    comments.append(f"Imported from {origin}{which}: {states}.")
    return dump(template.model_dump(exclude_defaults=True), comments)


def write(outcome: Outcome) -> None:
    """Write a created or updated file atomically: a crash never leaves half a file behind."""
    if outcome.path is None or outcome.text is None:
        return
    outcome.path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=outcome.path.parent, prefix=f".{outcome.path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(outcome.text)
        os.replace(temporary, outcome.path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
