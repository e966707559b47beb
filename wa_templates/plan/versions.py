"""`versioning: suffix`: how a template's versions are named on the channel.

A changed approved template cannot be edited or safely deleted, so its new content is created as
`name_v2`, `name_v3`, ... Plan, drift, import and `names` all read the versions through these
functions, so they agree on which registered name is which version.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_VERSION = re.compile(r"^(?P<base>[a-z0-9_]+?)_v(?P<n>[2-9]|[1-9][0-9]+)$")
"""`base_vN`, N >= 2 without a leading zero: `promo_v1` and `promo_v02` are names of their own."""


def versions_on_channel(
    base: str, remote: Collection[str], owned: Collection[str] = ()
) -> dict[int, str]:
    """Version number -> registered name, for `base` (version 1) and `base_vN` on the channel.

    A `base_vN` that a file of its own defines (`owned`) is that file's template, not a version.
    """
    found = {1: base} if base in remote else {}
    for name in remote:
        match = _VERSION.match(name)
        if match and match.group("base") == base and name not in owned:
            found[int(match.group("n"))] = name
    return found


def version_name(base: str, number: int) -> str:
    return base if number == 1 else f"{base}_v{number}"


def next_version(base: str, current: int, taken: Collection[str]) -> str:
    """The first version name after `current` that no file and no channel template holds."""
    number = current + 1
    while version_name(base, number) in taken:
        number += 1
    return version_name(base, number)


def base_name(name: str) -> str:
    """The template a version belongs to: `promo` for `promo_v3`, the name itself otherwise."""
    match = _VERSION.match(name)
    return match.group("base") if match else name
