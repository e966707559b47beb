"""The safety threshold: like octoDNS, how much a plan may destroy without --force."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field, computed_field

from wa_templates.plan.part import Part

if TYPE_CHECKING:
    from wa_templates.plan.model import PlanOptions, ResourceChange


class Safety(Part):
    """Like octoDNS: how much a plan destroys, against the thresholds its options set.

    Everything but `managed_names` follows from the changes and the options (`Safety.of`); the
    managed names are counted on the channel (`plan.lifecycle.managed_names`): when the plan
    is made, and again when a saved plan is applied.
    """

    destructive_names: list[str] = Field(default_factory=list)
    """Names deleted or recreated."""
    managed_names: int = Field(0, ge=0)
    """Names on the channel the repository manages (pruned ones included), when counted."""
    max_names: int = 10
    max_fraction: float = 0.3
    forced: bool = False
    deleted_names: list[str] = Field(default_factory=list)
    """Names deleted and not created again (pruned, superseded versions)."""
    repository_names: int = 0
    """Templates the repository manages."""
    stated_exceeded: bool | None = Field(None, alias="exceeded", exclude=True)

    @classmethod
    def of(cls, changes: list[ResourceChange], options: PlanOptions, managed_names: int) -> Safety:
        destructive = {c.name for c in changes if c.deletes_name}
        deleted = {c.name for c in changes if c.prunes}
        return cls(
            destructive_names=sorted(destructive),
            managed_names=managed_names,
            max_names=options.max_names,
            max_fraction=options.max_fraction,
            forced=options.force,
            deleted_names=sorted(deleted),
            repository_names=len({c.template for c in changes if not c.prunes}),
        )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def exceeded(self) -> bool:
        """More deletes + recreates than `max_names`, or, once there are at least `max_names`
        managed names on the channel, more than `max_fraction` of them. And never deleting
        every managed name at once: an empty templates folder with --prune must not wipe a
        small channel either."""
        return self.rule() is not None

    def rule(self) -> str | None:
        """The threshold the plan is over, in words, or None."""
        count, managed = len(self.destructive_names), self.managed_names
        if count > self.max_names:
            return f"{count} names deleted or recreated, over the limit of {self.max_names}"
        if managed >= self.max_names and count > self.max_fraction * managed:
            return (
                f"{count} of {managed} managed names deleted or recreated, over "
                f"{self.max_fraction:.0%}"
            )
        deleted = len(self.deleted_names)
        if deleted and deleted >= managed and (deleted > 1 or self.repository_names == 0):
            return f"it would delete every managed name on the channel ({deleted} of {managed})"
        return None

    @property
    def needs(self) -> str:
        return f"{self.rule() or 'within the threshold'}: rerun with --force to allow it"
