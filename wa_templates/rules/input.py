"""WA0xx: problems with the file itself, reported by the loader before any rule runs."""

from __future__ import annotations

from wa_templates.rules.registry import input_rule

input_rule("WA000", "a path given on the command line does not exist or cannot be read")
input_rule("WA001", "the file is not valid YAML (syntax, unsupported tags or merge keys)")
input_rule("WA002", "a key appears twice in the same mapping")
input_rule("WA003", "a key the file format does not know (with a did-you-mean)")
input_rule(
    "WA004", "a value of the wrong type: a list or scalar where a mapping belongs, and so on"
)
input_rule("WA005", "a required key is missing (name, category, languages, button type)")
input_rule("WA006", "the file is not UTF-8")
input_rule("WA007", "the file is empty")
input_rule("WA008", "the file's top level is not a mapping")
input_rule("WA009", "the file is too large, too deep, or expands aliases too far (limit 1 MiB)")
input_rule("WA010", "the file name differs from the template's name")
input_rule("WA011", "the same template name is defined in two files")
input_rule("WA012", "an `ignore:` entry names a rule id that does not exist")
input_rule(
    "WA013",
    "a template file, or a local media sample, resolves outside the project root (a symlink or "
    "`..` leading elsewhere): it is never read or uploaded",
)
