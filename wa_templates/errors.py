"""Errors the CLI reports as one line and an exit code, never as a traceback."""

from __future__ import annotations


class WaError(Exception):
    """A problem the user can fix: bad configuration, an unreachable API, a refused request."""

    exit_code = 1


class UsageError(WaError):
    """The command line itself is wrong (exit 64, like sysexits' EX_USAGE)."""

    exit_code = 64
