"""Import into an existing file: change only the keys that differ, keep everything else.

A file a team has written has comments, a key order, quoting and block scalars that are theirs;
adopting what Meta or a colleague changed on the channel must not cost them. So the file is
edited, not rewritten: ruamel.yaml's round-trip mode (chosen because it is the maintained YAML
library that keeps comments, key order, quotes and block styles through a load and a dump; the
safe loader, `files.yamlsafe`, still does all the reading and checking) loads it, and only the
values that plan would call different are replaced, added or removed.

What differs is decided the way plan decides it: language by language on the canonical forms
(`channel.normalise`), with what the channel does not report (samples it leaves out, media
samples Meta re-hosts, create-only options) never counted. Each differing field is written at
the same path in the file, in the style the old value had (a folded `>-` block keeps its line
breaks wherever the words around them are unchanged), and a new value in the house style of
`files.write`: plain where YAML 1.1 and 1.2 both read it back as the same text, double-quoted
where either would read a number, a boolean, a date or null, a literal block when it has lines.

The result is read back before it is used, by the safe loader and by PyYAML's YAML 1.1
`safe_load`: it must load as exactly the channel's template, or it is not written.
"""

from __future__ import annotations

import difflib
import io
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.util import load_yaml_guess_indent

from wa_templates.channel.normalise import align_samples, canonical
from wa_templates.files.load import load_bytes
from wa_templates.files.model import TemplateFile
from wa_templates.files.write import WIDTH, plain_ok
from wa_templates.importer.differences import differences_from

Path = tuple[str | int, ...]

_WIDE = 1 << 16
"""The emitter's line width: no line is wrapped but where a folded block already folds."""


class MergeError(ValueError):
    """The file cannot be edited into the channel's template keeping its layout."""


@dataclass(slots=True)
class Merged:
    text: str
    changed: list[str] = field(default_factory=list)
    """The keys changed, as `category`, `en_US body.text`, `es_MX (added)`."""


def merge(text: str, current: TemplateFile, wanted: TemplateFile) -> Merged:
    """`text` (which loads as `current`) edited so that it loads as `wanted`."""
    try:
        editor = _Editor(text)
    except YAMLError as exc:
        raise MergeError(f"ruamel.yaml cannot read it: {' '.join(str(exc).split())}") from None
    editor.template(current, wanted)
    for quote_all in (False, True):
        try:
            out = editor.dump(quote_all)
        except YAMLError:  # a style the emitter cannot write this text in: quote it all
            continue
        if _reads_as(out, wanted, editor.written):
            return Merged(out, editor.changed)
    raise MergeError("the edited file would not read back as the channel's template")


class _Editor:
    def __init__(self, text: str) -> None:
        _, sequence, offset = load_yaml_guess_indent(text)
        self.yaml = YAML(typ="rt")
        self.yaml.preserve_quotes = True
        self.yaml.width = _WIDE
        self.document: CommentedMap = self.yaml.load(text)
        mapping = _mapping_indent(self.document)
        sequence = sequence or mapping + 2
        offset = offset if offset is not None else 2
        self.yaml.indent(mapping=mapping, sequence=max(sequence, offset + 2), offset=offset)
        self.changed: list[str] = []
        self.written: list[tuple[Path, Any]] = []
        """(path, value) of every value written: each must read back as exactly itself."""
        self._quote_all = False

    # --- what changes ----------------------------------------------------------------

    def template(self, current: TemplateFile, wanted: TemplateFile) -> None:
        doc = self.document
        if current.category != wanted.category:
            self.set(doc, "category", wanted.category, ("category",), "category")
        languages = doc.get("languages")
        if not isinstance(languages, CommentedMap):
            raise MergeError("its `languages` is not a block mapping")
        for code in [c for c in current.languages if c not in wanted.languages]:
            del languages[code]
            self.changed.append(f"{code} (removed)")
        for code, lang in wanted.languages.items():
            dumped = lang.model_dump(exclude_defaults=True)
            if code not in current.languages:
                order = list(wanted.languages)
                self.set(languages, code, dumped, ("languages", code), f"{code} (added)", order)
                continue
            mine = canonical(current.languages[code], current.category)
            theirs = canonical(lang, wanted.category)
            mine, theirs = align_samples(mine, theirs)
            node = languages[code]
            if mine != theirs:
                if not isinstance(node, CommentedMap):
                    raise MergeError(f"its language {code} is not a block mapping")
                self.fields(node, mine, theirs, dumped, ("languages", code), code)

    def fields(
        self,
        node: CommentedMap,
        mine: Mapping[str, Any],
        theirs: Mapping[str, Any],
        dumped: Mapping[str, Any],
        path: tuple[str | int, ...],
        label: str,
    ) -> None:
        """Write into `node` the fields where the canonical forms `mine` and `theirs` differ,
        with the channel's file-level values `dumped`."""
        for key in [*theirs, *(k for k in mine if k not in theirs)]:
            before: Any = mine.get(key)
            after: Any = theirs.get(key)
            value: Any = dumped.get(key)
            if before == after:
                continue
            where, shown = (*path, key), f"{label} {_label((*path[2:], key))}"
            held = node.get(key)
            if _all(dict, before, after, value) and isinstance(held, CommentedMap):
                self.fields(held, before, after, value, where, label)
            elif _all(list, before, after, value) and _same_length(before, after, value, held):
                self.items(held, before, after, value, where, label)
            elif value is not None:
                self.set(node, key, value, where, shown, list(dumped))
            elif key in node:
                del node[key]
                self.changed.append(shown)

    def items(
        self,
        held: CommentedSeq,
        before: list[Any],
        after: list[Any],
        values: list[Any],
        path: tuple[str | int, ...],
        label: str,
    ) -> None:
        """Lists of one length on both sides and in the file: item by item."""
        for index, (b, a, value) in enumerate(zip(before, after, values, strict=True)):
            if b == a:
                continue
            at, item = (*path, index), held[index]
            if _all(dict, b, a, value) and isinstance(item, CommentedMap):
                self.fields(item, b, a, value, at, label)
            else:
                self.set(held, index, value, at, f"{label} {_label(at[2:])}")

    def set(
        self,
        node: CommentedMap | CommentedSeq,
        key: str | int,
        value: Any,
        path: tuple[str | int, ...],
        label: str,
        order: list[str] | None = None,
    ) -> None:
        """Write `value` at `node[key]`; a new key goes where `order` (the model's key order
        of the channel's value) puts it among the keys the file has."""
        old = node[key] if (isinstance(key, int) or key in node) else None
        styled = self.styled(value, old)
        if isinstance(node, CommentedMap) and key not in node:
            node.insert(_position(node, str(key), order or []), key, styled)
        else:
            node[key] = styled
        self.written.append((path, _data(styled)))
        self.changed.append(label)

    # --- how it is written -----------------------------------------------------------

    def styled(self, value: Any, old: Any = None) -> Any:
        """`value` as a ruamel node in the style of `old` where it can keep it, else the house
        style of files.write."""
        if isinstance(value, str):
            return _string(value, old, self._quote_all)
        if isinstance(value, Mapping):
            mapping = CommentedMap()
            for key, item in value.items():
                mapping[key] = self.styled(item)
            return mapping
        if isinstance(value, list):
            sequence = CommentedSeq(self.styled(item) for item in value)
            flow = all(isinstance(i, str) and "\n" not in i for i in value)
            if flow and isinstance(old, CommentedSeq):
                flow = old.fa.flow_style()
            if flow:
                sequence.fa.set_flow_style()
            else:
                sequence.fa.set_block_style()
            return sequence
        return value

    def dump(self, quote_all: bool) -> str:
        if quote_all and not self._quote_all:
            # Every written string again, double-quoted: that spelling always reads back.
            self._quote_all = True
            for path, value in self.written:
                parent = _at(self.document, path[:-1])
                parent[path[-1]] = self.styled(value, parent[path[-1]])
        out = io.StringIO()
        self.yaml.dump(self.document, out)
        return out.getvalue()


def _string(text: str, old: Any, quote_all: bool) -> Any:
    if quote_all:
        return DoubleQuotedScalarString(text)
    if isinstance(old, FoldedScalarString) and "\n" not in text and _foldable(text):
        # `>` keeps the trailing newline `>-` drops; Meta trims it either way (normalise).
        folded = FoldedScalarString(text + "\n" if str(old).endswith("\n") else text)
        folded.fold_pos = _refold(str(old), list(getattr(old, "fold_pos", [])), text)
        return folded
    if "\n" in text:
        if not _block_ok(text):
            return DoubleQuotedScalarString(text)
        kept = isinstance(old, LiteralScalarString) and str(old).endswith("\n")
        return LiteralScalarString(text + "\n" if kept and not text.endswith("\n") else text)
    if isinstance(old, LiteralScalarString) and _block_ok(text):
        return LiteralScalarString(text + "\n" if str(old).endswith("\n") else text)
    if isinstance(old, SingleQuotedScalarString) and "'" not in text:
        return SingleQuotedScalarString(text)
    if isinstance(old, DoubleQuotedScalarString) or not plain_ok(text):
        return DoubleQuotedScalarString(text)
    return text


def _refold(old: str, folds: list[int], new: str) -> list[int]:
    """Fold positions for `new`: the old ones wherever the words on both sides are unchanged,
    and more only where a changed line would grow past the file's width."""
    old_words, new_words = old.split(" "), new.split(" ")
    breaks_after = {old[:fold].count(" ") for fold in folds}  # the word before each fold
    kept: set[int] = set()
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag != "equal":
            continue
        kept |= {j1 + (i - i1) for i in breaks_after if i1 <= i < i2 - 1}
    longest = max((len(line) for line in _lines(old, folds)), default=WIDTH)
    room = max(longest, WIDTH - 10)
    positions: list[int] = []
    start = column = 0
    for index, word in enumerate(new_words[:-1]):
        column += len(word) + 1
        start += len(word) + 1
        following = len(new_words[index + 1])
        if index in kept or (column + following > room and column > 1):
            positions.append(start - 1)
            column = 0
    return positions


def _lines(text: str, folds: list[int]) -> list[str]:
    bounds = [-1, *folds, len(text)]
    return [text[a + 1 : b] for a, b in itertools.pairwise(bounds)]


def _foldable(text: str) -> bool:
    # ruamel marks fold points with U+0007 in the text itself: a string holding one is quoted.
    return bool(text) and text == text.strip() and "  " not in text and text.isprintable()


def _block_ok(text: str) -> bool:
    """Whether a literal block keeps `text` exactly as the files.write emitter would."""
    return bool(text) and not text[0].isspace() and all(c == "\n" or c.isprintable() for c in text)


def _reads_as(
    text: str, wanted: TemplateFile, written: list[tuple[tuple[str | int, ...], Any]]
) -> bool:
    """Whether `text` loads (safe loader and model) as `wanted`, and every value written reads
    back, in YAML 1.1 too, as exactly itself."""
    loaded, problems = load_bytes(text.encode("utf-8"), "import.yaml", None)
    if loaded is None or any(p.severity == "error" for p in problems):
        return False
    if _differs(loaded.template, wanted):
        return False
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return all(_value_at(data, path) == value for path, value in written)


def _differs(loaded: TemplateFile, wanted: TemplateFile) -> bool:
    return bool(differences_from(loaded, wanted)) or any(
        getattr(loaded, key) != getattr(wanted, key)
        for key in ("allow_category_change", "message_send_ttl_seconds", "ignore", "versioning")
    )


def _value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return data


_MISSING = object()


def _data(node: Any) -> Any:
    """A written node as the plain data YAML reads back from it."""
    if isinstance(node, str):
        return str(node)
    if isinstance(node, Mapping):
        return {key: _data(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_data(item) for item in node]
    return node


def _at(node: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


def _all(kind: type, *values: Any) -> bool:
    return all(isinstance(value, kind) for value in values)


def _same_length(*values: Any) -> bool:
    return isinstance(values[-1], CommentedSeq) and len({len(v) for v in values}) == 1


def _position(node: CommentedMap, key: str, order: list[str]) -> int:
    """After the last key of the file that `order` puts before `key`; first if none does."""
    rank = order.index(key) if key in order else len(order)
    before = [i for i, k in enumerate(node) if k in order and order.index(k) < rank]
    return before[-1] + 1 if before else (0 if key in order else len(node))


def _mapping_indent(document: CommentedMap) -> int:
    """The file's mapping indentation: the column of the first nested mapping's keys."""
    for value in document.values():
        if isinstance(value, CommentedMap) and value and value.fa.flow_style() is not True:
            column = value.lc.col
            if isinstance(column, int) and column > 0:
                return column
    return 2


def _label(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
