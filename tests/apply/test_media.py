"""Local media samples: uploaded through the files endpoint once, then cached by content hash."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.apply.fake import FakeProvider
from tests.plan.channel import made_for, source
from tests.wire import build
from wa_templates.apply import media as media_module
from wa_templates.apply.execute import ApplyOptions, Report, apply_plan
from wa_templates.apply.media import UploadCache, resolve_media
from wa_templates.files.load import Source
from wa_templates.plan.saved import parse_plan

MEDIA = """\
name: {name}
category: MARKETING
languages:
  en_US:
    header:
      format: IMAGE
      examples: ["{sample}"]
    body:
      text: "Our {name} offer starts today, {{{{1}}}}. Reply STOP to opt out."
      examples: ["Ana"]
"""

CAROUSEL = """\
name: picks
category: MARKETING
languages:
  en_US:
    body:
      text: "Hi {{1}}, here are this week's picks. Reply STOP to opt out."
      examples: ["Ana"]
    carousel:
      - header: {format: IMAGE, examples: ["media/boots.png"]}
        body: {text: "Leather boots"}
        buttons: [{type: QUICK_REPLY, text: More}]
      - header: {format: IMAGE, examples: ["https://cdn.example.com/scarf.png"]}
        body: {text: "Wool scarf"}
        buttons: [{type: QUICK_REPLY, text: More}]
"""


def project(tmp_path: Path) -> Path:
    (tmp_path / "templates" / "media").mkdir(parents=True)
    (tmp_path / "templates" / "media" / "banner.png").write_bytes(b"\x89PNG banner")
    (tmp_path / "templates" / "media" / "boots.png").write_bytes(b"\x89PNG boots")
    return tmp_path


def media(name: str, sample: str = "media/banner.png") -> Source:
    return source(MEDIA.format(name=name, sample=sample), path=f"templates/{name}.yaml")


def apply(sources: list[Source], provider: FakeProvider, root: Path, **kw: object) -> Report:
    plan = build(sources, [], made_for("fake"))
    options = ApplyOptions(project_root=root, **kw)  # type: ignore[arg-type]
    return apply_plan(plan, provider, options)


def header_sample(provider: FakeProvider, name: str) -> str:
    return str(provider.payload(name)["components"][0]["examples"][0])


def test_local_file_is_uploaded_and_its_url_sent(tmp_path: Path) -> None:
    root = project(tmp_path)
    provider = FakeProvider()
    report = apply([media("sale")], provider, root)
    assert report.failures == []
    assert provider.uploads == [root / "templates" / "media" / "banner.png"]
    assert header_sample(provider, "sale") == "https://files.example.com/1/banner.png"
    cache = json.loads((root / ".wa-templates" / "uploads.json").read_text())
    assert cache["version"] == 2
    [urls] = cache["targets"].values()
    assert list(urls.values()) == ["https://files.example.com/1/banner.png"]


def test_an_unchanged_file_is_not_uploaded_again(tmp_path: Path) -> None:
    root = project(tmp_path)
    apply([media("sale")], FakeProvider(), root)
    provider = FakeProvider()
    apply([media("sale_again")], provider, root)
    assert provider.uploads == []
    assert header_sample(provider, "sale_again") == "https://files.example.com/1/banner.png"


def test_a_changed_file_is_uploaded_again(tmp_path: Path) -> None:
    root = project(tmp_path)
    apply([media("sale")], FakeProvider(), root)
    (root / "templates" / "media" / "banner.png").write_bytes(b"\x89PNG new banner")
    provider = FakeProvider()
    apply([media("sale_again")], provider, root)
    assert len(provider.uploads) == 1


def test_one_upload_for_a_file_shared_by_templates_applied_at_once(tmp_path: Path) -> None:
    root = project(tmp_path)
    provider = FakeProvider(latency=0.05)
    report = apply([media(f"sale_{i}") for i in range(4)], provider, root, concurrency=4)
    assert len(report.created) == 4
    assert len(provider.uploads) == 1


def test_https_samples_are_sent_as_they_are_and_card_headers_uploaded(tmp_path: Path) -> None:
    root = project(tmp_path)
    provider = FakeProvider()
    apply([media("remote", "https://cdn.example.com/banner.jpg")], provider, root)
    assert provider.uploads == []
    assert header_sample(provider, "remote") == "https://cdn.example.com/banner.jpg"
    apply([source(CAROUSEL, path="templates/picks.yaml")], provider, root)
    cards = provider.payload("picks")["components"][1]["cards"]
    samples = [card["components"][0]["examples"][0] for card in cards]
    assert samples == [
        "https://files.example.com/1/boots.png",
        "https://cdn.example.com/scarf.png",
    ]


def test_a_missing_file_fails_that_create_only(tmp_path: Path) -> None:
    root = project(tmp_path)
    provider = FakeProvider()
    report = apply([media("broken", "media/nope.png"), media("fine")], provider, root)
    [failure] = report.failures
    assert failure.address == "template.broken[en_US]"
    assert "nope.png" in failure.message and "cannot read media sample" in failure.message
    assert [r.address for r in report.created] == ["template.fine[en_US]"]


def test_a_cache_that_cannot_be_written_does_not_fail_the_create(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / ".wa-templates").write_text("a file where the folder should be")
    provider = FakeProvider()
    report = apply([media("sale")], provider, root)
    assert report.failures == [] and len(provider.uploads) == 1


def test_a_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "uploads.json"
    path.write_text('{"fake channel:abc": 3, "x": "https://ok"}')
    cache = UploadCache(path)
    provider = FakeProvider()
    (tmp_path / "a.png").write_bytes(b"a")
    assert cache.url_for(tmp_path / "a.png", provider).startswith("https://files.example.com/")
    path.write_text("not json")
    assert UploadCache(path).url_for(tmp_path / "a.png", provider)


def test_resolve_media_leaves_the_plan_payload_alone(tmp_path: Path) -> None:
    root = project(tmp_path)
    plan = build([media("sale")], [], made_for("fake channel"))
    payload = plan.changes[0].payload
    assert payload is not None
    cache = UploadCache(tmp_path / "cache.json")
    resolved = resolve_media(payload, root / "templates", FakeProvider(), cache, root=root)
    assert resolved["components"][0]["examples"] == ["https://files.example.com/1/banner.png"]
    assert payload["components"][0]["examples"] == ["media/banner.png"]


def test_a_sample_that_is_not_a_regular_file_is_refused_without_reading(tmp_path: Path) -> None:
    import os

    import pytest

    from wa_templates.errors import WaError

    fifo = tmp_path / "banner.png"
    os.mkfifo(fifo)  # reading it would block forever
    cache = UploadCache(tmp_path / "uploads.json")
    with pytest.raises(WaError, match="not a regular file"):
        cache.url_for(fifo, FakeProvider())


def test_a_sample_over_the_upload_limit_is_refused_without_reading(tmp_path: Path) -> None:
    import pytest

    from wa_templates.apply.media import MAX_MEDIA_BYTES
    from wa_templates.errors import WaError

    big = tmp_path / "film.mp4"
    with big.open("wb") as handle:  # sparse: no disk is used for the hole
        handle.truncate(MAX_MEDIA_BYTES + 1)
    provider = FakeProvider()
    with pytest.raises(WaError, match="over 8x8's 100 MB upload limit"):
        UploadCache(tmp_path / "uploads.json").url_for(big, provider)
    assert provider.uploads == []


# --- a sample must be inside the project, checked when it is uploaded ---------------------


def outside_secret(root: Path) -> Path:
    outside = root.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.png").write_bytes(b"\x89PNG secret")
    return outside / "secret.png"


def refuse_opening(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    real_open = os.open

    def guarded(path: object, *args: object, **kwargs: object) -> int:
        assert not os.fspath(path).startswith(str(folder)), f"opened {path}"  # type: ignore[arg-type]
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(media_module.os, "open", guarded)


@pytest.mark.parametrize(
    "sample", ["../../outside/secret.png", "{secret}", "media/linked/secret.png"]
)
def test_a_sample_out_of_the_project_is_never_read_or_uploaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample: str
) -> None:
    root = project(tmp_path / "repo")
    secret = outside_secret(root)
    (root / "templates" / "media" / "linked").symlink_to(secret.parent)
    refuse_opening(monkeypatch, secret.parent)
    provider = FakeProvider()
    report = apply([media("sale", sample.format(secret=secret))], provider, root)
    [failure] = report.failures
    assert failure.address == "template.sale[en_US]"
    assert "resolves outside the project root: not read or uploaded" in failure.message
    assert provider.uploads == [] and provider.templates == {}


def test_a_saved_plan_edited_to_point_a_sample_out_of_the_project_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The plan file is input too: its source and payload may say anything by the time it is
    # applied, so the check is made at upload, not trusted from when the plan was made.
    root = project(tmp_path / "repo")
    secret = outside_secret(root)
    document = build([media("sale")], [], made_for("fake channel")).document()
    [change] = document["resource_changes"]
    change["source"] = "../outside/sale.yaml"
    change["payload"]["components"][0]["examples"] = ["secret.png"]
    change["change"]["sent_only"]["header.examples"] = ["secret.png"]  # what the plan shows
    plan = parse_plan(json.dumps(document))
    refuse_opening(monkeypatch, secret.parent)
    provider = FakeProvider()
    report = apply_plan(plan, provider, ApplyOptions(project_root=root))
    [failure] = report.failures
    assert "'secret.png' resolves outside the project root" in failure.message
    assert provider.uploads == []


def test_a_sample_inside_the_project_may_sit_outside_the_templates_folder(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "assets").mkdir()
    (root / "assets" / "logo.png").write_bytes(b"\x89PNG logo")
    provider = FakeProvider()
    report = apply([media("sale", "../assets/logo.png")], provider, root)
    assert report.failures == []
    assert provider.uploads == [(root / "assets" / "logo.png").resolve()]
