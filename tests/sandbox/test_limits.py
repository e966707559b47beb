"""Platform limits: 100 creations per rolling hour, and the number of template names."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.sandbox.conftest import TEMPLATES, create, error_code, listed
from wa_templates.errors import WaError
from wa_templates.sandbox.embedded import SANDBOX_CHANNEL_ID
from wa_templates.sandbox.state import Store


def test_101st_creation_within_an_hour_is_429_until_the_window_rolls(client: httpx.Client) -> None:
    for index in range(100):
        assert create(client, name=f"t{index}").status_code == 200
    response = create(client, name="one_too_many")
    assert error_code(response) == (429, 1100)
    assert 3500 <= int(response.headers["Retry-After"]) <= 3600
    # Refusals do not count, and deletes free no creation slot.
    client.delete(TEMPLATES + "/t0")
    assert create(client, name="still_too_many").status_code == 429
    client.post("/_sandbox/clock", json={"advance_hours": 0.5})
    retry = int(create(client, name="later").headers["Retry-After"])
    assert 1700 <= retry <= 1800
    client.post("/_sandbox/clock", json={"advance_hours": 0.51})
    assert create(client, name="next_hour").status_code == 200
    assert len(listed(client)) == 100


def test_rate_limit_is_per_channel(client: httpx.Client) -> None:
    for index in range(100):
        create(client, name=f"t{index}")
    other = TEMPLATES.replace(SANDBOX_CHANNEL_ID, "other-channel")
    assert (
        client.post(
            other,
            json={
                "name": "a",
                "language": "en",
                "category": "UTILITY",
                "components": [{"type": "BODY", "text": "Hello there."}],
            },
        ).status_code
        == 200
    )


def test_template_limit_counts_names_not_languages(state_path: Path, client: httpx.Client) -> None:
    Store(state_path).configure(max_templates=3)
    for name in ("a", "b", "c"):
        assert create(client, name=name).status_code == 200
    french = "Bonjour {{1}}, votre commande est partie et arrive mardi."
    assert create(client, name="a", language="fr", text=french).status_code == 200
    response = create(client, name="d")
    assert error_code(response) == (400, 1100)
    assert "at most 3" in response.json()["message"]
    client.delete(TEMPLATES + "/b")
    assert create(client, name="d").status_code == 200


def test_default_limit_is_250_and_at_most_6000(state_path: Path) -> None:
    store = Store(state_path)
    assert store.read().config.max_templates == 250
    assert store.configure(max_templates=6000).max_templates == 6000
    with pytest.raises(WaError, match="6000"):
        store.configure(max_templates=6001)
    assert store.read().config.max_templates == 6000
