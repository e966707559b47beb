"""A history store's answers for tests of plan, apply and drift: `channel.known.Memory` as a
dict. The store's own answers are tested against both databases in tests/history."""

from __future__ import annotations

from dataclasses import dataclass, field

from wa_templates.channel.known import Known, PhoneState

STORE = "sqlite:///history.db"


@dataclass
class Remembered:
    known: dict[tuple[str, str], Known] = field(default_factory=dict)
    phone_state: PhoneState | None = None
    description: str = STORE
    asked: list[tuple[str, str]] = field(default_factory=list)

    def recall(self, name: str, language: str) -> Known | None:
        self.asked.append((name, language))
        return self.known.get((name, language))

    def phone(self) -> PhoneState | None:
        return self.phone_state
