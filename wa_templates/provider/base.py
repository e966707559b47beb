"""The interface every stage above the network talks to.

Both the real 8x8 client and the sandbox implement it; the sandbox is reached through the very
same HTTP client (in-process through an httpx transport, or over real HTTP), so everything that
works against the sandbox exercises the code that talks to 8x8. The list comes back parsed
(`wa_templates.channel.remote`): no stage above reads 8x8's keys from a dict.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from wa_templates.channel.remote import ChannelTemplate

CreatePayload = dict[str, Any]
"""The body of `POST .../templates` (see `wa_templates.channel.payload.to_payload`)."""


class Deleted(StrEnum):
    """What a delete found: apply reports a name that was already gone as such."""

    DELETED = "deleted"
    ALREADY_GONE = "already gone"
    """8x8 had no such name (404, code 3038): someone deleted it, or a retry of a delete whose
    first answer was lost found it done."""
    BEING_DELETED = "already being deleted"
    """8x8 is deleting the name already (code 3060)."""


class Provider(Protocol):
    description: str
    """Where this provider points, for output: 'sandbox (...)', 'target prod'."""
    identity: str
    """Which channel this is (base URL, account, channel, subaccount), for keys that must never
    cross targets, such as the upload cache's."""

    def list_templates(self) -> list[ChannelTemplate]:
        """Every template (name + language) registered on the channel: one request, parsed."""
        ...

    def create_template(self, payload: CreatePayload) -> None:
        """Register one name + language. A create whose answer was lost is checked, not resent."""
        ...

    def delete_template(self, name: str) -> Deleted:
        """Delete a name with all its languages. Deleting a name that is gone is success, and
        says so."""
        ...

    def upload_file(self, path: Path) -> str:
        """Upload a media sample; returns the HTTPS URL to use as the header example."""
        ...

    def file_served(self, url: str) -> bool:
        """Whether a URL `upload_file` returned still serves its file (one cheap request)."""
        ...

    def close(self) -> None: ...
