"""Which events the receiver accepts: those for the account (and WABA) of a configured target.

An event names the 8x8 account (`accountId`) and the WhatsApp Business Account
(`businessAccountId`). A target matches when the account is its `account_id` (a UUID, compared
without case or dashes) or its `subaccount_id`, and, when it sets `waba_id`, the WABA is that
one. The first matching target names the history the event is recorded under.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wa_templates.config.targets import ACCOUNT_ID, TargetSettings
from wa_templates.history.events import Envelope


@dataclass(frozen=True, slots=True)
class Account:
    target: str
    account_ids: frozenset[str]
    waba_id: str | None = None


def _key(value: str) -> str:
    value = value.strip()
    return value.lower().replace("-", "") if ACCOUNT_ID.match(value) else value


class Accounts:
    def __init__(self, accounts: Iterable[Account]) -> None:
        self.accounts = [
            Account(a.target, frozenset(_key(i) for i in a.account_ids), a.waba_id)
            for a in accounts
        ]

    def target_for(self, envelope: Envelope) -> str | None:
        account = _key(envelope.account_id)
        for candidate in self.accounts:
            if account in candidate.account_ids and candidate.waba_id in (
                None,
                envelope.business_account_id.strip(),
            ):
                return candidate.target
        return None

    @property
    def targets(self) -> list[str]:
        return [a.target for a in self.accounts]


def account_of(name: str, settings: TargetSettings) -> Account:
    ids = {settings.account_id} | ({settings.subaccount_id} if settings.subaccount_id else set())
    return Account(name, frozenset(ids), settings.waba_id)
