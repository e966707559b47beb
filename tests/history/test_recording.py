"""The recording provider passes every operation through and records each listing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.apply.fake import FakeProvider
from wa_templates.history import schema
from wa_templates.history.queries import History
from wa_templates.history.recording import RecordingProvider
from wa_templates.history.store import open_store

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_everything_passes_through_and_listings_are_recorded(tmp_path: Path) -> None:
    inner = FakeProvider()
    store = open_store(str(tmp_path / "h.db"))
    warnings: list[str] = []
    provider = RecordingProvider(inner, store, "prod", "apply", warnings.append, lambda: T0)
    assert (provider.description, provider.identity) == (inner.description, inner.identity)
    provider.create_template(
        {"name": "order_update", "language": "en_US", "category": "UTILITY", "components": []}
    )
    listed = provider.list_templates()
    assert [(t.name, t.status) for t in listed] == [("order_update", "PENDING")]
    url = provider.upload_file(tmp_path / "x.png")
    assert provider.file_served(url) and inner.checked == [url]
    provider.delete_template("order_update")
    assert provider.list_templates() == []
    timeline = History(store, "prod").timeline("order_update")
    assert [(e.kind, e.status, e.command, e.at) for e in timeline] == [
        ("listed", "PENDING", "apply", T0),
        ("absent", None, "apply", T0),
    ]
    assert warnings == []
    provider.close()
    with store.transaction() as connection:  # closing disposed the pool; the file stays
        assert len(list(connection.execute(schema.runs.select()))) == 2
