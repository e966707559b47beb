"""`--only` and `--exclude`: a plan (or a drift report, or an import) of some templates only, as
Terraform's `-target` plans some resources.

Patterns are shell-style (fnmatch, case-sensitive like template names) and match *template*
names, which are file names: `order_v2` on the channel belongs to the template `order` of
`order.yaml` (with `versioning: suffix`), so `--only order` selects it and every version of it,
and `--only order_v2` selects nothing of it. A name on the channel that no file manages is matched
by its own name. A template is selected when it matches some `--only` pattern (or there is none)
and no `--exclude` pattern.

What is left out is not read into the plan at all: no change, no finding, no safety count, and a
blocked change there does not stop apply. A name on the channel that no file manages and the
selection leaves out is not listed as unmanaged either: it is counted as left out. A selection
never prunes (`plan.prepare` refuses `--prune` with one): a partial plan cannot know what the rest
of the repository holds. The plan records the patterns and what they left out, and apply checks
a saved plan's changes against its patterns again (`plan.lifecycle`).
"""

from __future__ import annotations

import difflib
import fnmatch
import shlex
from collections.abc import Collection, Iterable

from pydantic import Field, computed_field, field_validator, model_validator

from wa_templates.errors import WaError
from wa_templates.files.model import TemplateFile
from wa_templates.plan.part import Part, value_problem
from wa_templates.plan.versions import base_name, versions_on_channel

SHOWN = 10
"""Names listed one by one in a text or markdown plan before 'and N more'."""


class Selection(Part):
    """The `--only`/`--exclude` patterns of a plan, and what they left out."""

    only: tuple[str, ...] = ()
    """Shell-style patterns on template names: only these (all when empty)."""
    exclude: tuple[str, ...] = ()
    """Shell-style patterns on template names: never these."""
    left_out: list[str] = Field(default_factory=list)
    """Templates of the repository the patterns leave out."""
    unmanaged_left_out: list[str] = Field(default_factory=list)
    """Names on the channel that no file manages and the patterns leave out."""
    stated_partial: bool | None = Field(None, alias="partial", exclude=True)

    @field_validator("only", "exclude")
    @classmethod
    def _patterns(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            if not pattern or "\x00" in pattern:
                raise value_problem("holds an empty pattern or one with a NUL character")
        return patterns

    @model_validator(mode="after")
    def _derived(self) -> Selection:
        self.stated_partial = None  # checked for its type, then computed
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def partial(self) -> bool:
        """Whether the plan is of some templates only (any pattern given)."""
        return bool(self.only or self.exclude)

    def selects(self, name: str) -> bool:
        """Whether the template (or the unmanaged channel name) `name` is selected."""
        if self.only and not any(fnmatch.fnmatchcase(name, p) for p in self.only):
            return False
        return not any(fnmatch.fnmatchcase(name, p) for p in self.exclude)

    def described(self) -> str:
        """The patterns as given on the command line: `--only 'order_*' --exclude x`."""
        words = [f"--only {shlex.quote(p)}" for p in self.only]
        words += [f"--exclude {shlex.quote(p)}" for p in self.exclude]
        return " ".join(words)

    def check_matches(
        self,
        names: Collection[str],
        registered: Iterable[str] = (),
        ignored: Collection[str] = (),
        where: str = "in the repository or on the channel",
    ) -> None:
        """A pattern that matches none of the template names `names` is a mistake (a typo
        would otherwise select nothing and say "no changes"): a WaError naming it, with a
        did-you-mean, the template a version name belongs to (`registered`: the names on the
        channel), or the `ignore` setting that left out the names it matches (`ignored`)."""
        problems = []
        registered = set(registered)
        for flag, patterns in (("--only", self.only), ("--exclude", self.exclude)):
            for pattern in patterns:
                if any(fnmatch.fnmatchcase(name, pattern) for name in names):
                    continue
                shown = f"{flag} {shlex.quote(pattern)}"
                base = base_name(pattern)
                if base != pattern and base in names and pattern in registered:
                    problems.append(
                        f"{shown} names a version of the template '{base}': patterns match "
                        f"template names, so select it as '{base}'"
                    )
                elif any(fnmatch.fnmatchcase(name, pattern) for name in ignored):
                    problems.append(f"{shown} matches only names the `ignore` setting leaves out")
                else:
                    guess = difflib.get_close_matches(pattern, sorted(names), n=1)
                    hint = f"; did you mean '{guess[0]}'?" if guess else ""
                    problems.append(f"{shown} matches no template {where}{hint}")
        if problems:
            raise WaError("\n".join(problems))

    def leaves_out(
        self, loose: list[str], owned: Collection[str], remote: Collection[str], ignored: set[str]
    ) -> list[str]:
        """The names on the channel that no file manages (`loose`) which the patterns leave
        out, once every pattern is checked to match a template (`owned`: the repository's)
        or such a name; `ignored`: the names the `ignore` setting leaves out."""
        if not self.partial:
            return []
        self.check_matches({*owned, *loose}, remote, ignored)
        return [name for name in loose if not self.selects(name)]


def channel_names(
    template: TemplateFile,
    remote: Collection[str],
    owned: Collection[str],
    default_versioning: str | None,
) -> set[str]:
    """The registered names on the channel that belong to a template file: its own name, and
    with `versioning: suffix` every version of it (`owned`: names other files define)."""
    name = template.name
    if (template.versioning or default_versioning) != "suffix":
        return {name} & set(remote)
    return set(versions_on_channel(name, remote, owned).values())


def shown_names(names: list[str], limit: int = SHOWN) -> str:
    """`a, b, c and 4 more`."""
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def left_out_summary(selection: Selection) -> str:
    """One sentence for a partial plan or report: the patterns, and what they leave out."""
    parts = []
    if selection.left_out:
        count = len(selection.left_out)
        parts.append(
            f"{count} template{'s' if count != 1 else ''} of the repository "
            f"({shown_names(selection.left_out)})"
        )
    if selection.unmanaged_left_out:
        count = len(selection.unmanaged_left_out)
        parts.append(
            f"{count} name{'s' if count != 1 else ''} on the channel that no file manages "
            f"({shown_names(selection.unmanaged_left_out)})"
        )
    left = " and ".join(parts) if parts else "nothing"
    return f"{selection.described()} leaves out {left}."
