"""Errors the CLI reports as one line and an exit code, never as a traceback."""

from __future__ import annotations

from collections.abc import Iterable


class WaError(Exception):
    """A problem the user can fix: bad configuration, an unreachable API, a refused request."""

    exit_code = 1


class UsageError(WaError):
    """The command line itself is wrong (exit 64, like sysexits' EX_USAGE)."""

    exit_code = 64


WORST_FIRST = (1, 3, 4, 2, 0)
"""Exit codes from worst to best, for a run over several targets, which exits with the worst
of theirs: 1, something failed or could not be read (the state of that target is unknown);
3, blocked (someone must change the repository or the options); 4, a saved plan is stale
(plan again: no one has to change anything); 2, changes present; 0, nothing to do. A code not
listed (none is expected per target) counts as worse than all of them."""


def worst_exit_code(codes: Iterable[int]) -> int:
    """The worst of several targets' exit codes (WORST_FIRST); 0 for none."""
    ranked = sorted(codes, key=lambda code: WORST_FIRST.index(code) if code in WORST_FIRST else -1)
    return ranked[0] if ranked else 0
