"""The HTML preview as a browser draws it: a real headless Chromium screenshot, compared by pixel.

- A local image sample is embedded as a data: URI, so the page shows it with no file beside it
  and no network: the header is the image's own colour.
- A remote image that cannot load leaves the placeholder exactly as a header without any image
  draws it: no broken-image glyph over it (the screenshots are identical, pixel for pixel).
Both pages are real previews, hostile text escaped and all (test_html.py checks the markup).

Debian's `chromium` runs headless, without a sandbox (CI runs as root), GPU, background
networking, first-run, component updates or sync, on a profile of its own. `scripts/test`
installs it; in CI (CI=true) a missing chromium fails the test rather than skipping it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from wa_templates.cli.main import main

WIDTH, HEIGHT = 480, 360
RED = (255, 0, 0)
PLACEHOLDER = (0xD1, 0xD7, 0xDB)
"""The placeholder's background (`.placeholder` in the page's CSS)."""


def find_chromium() -> str:
    """Chromium's path; in CI its absence fails the test, elsewhere it skips it."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "chromium is not installed; scripts/test installs it (apt-get install chromium)"
            )
        pytest.skip("chromium is not installed (scripts/test installs it)")
    return found


@pytest.fixture(scope="module")
def chromium() -> str:
    return find_chromium()


def test_in_ci_a_missing_chromium_fails_rather_than_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="chromium is not installed"):
        find_chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        find_chromium()


def screenshot(chromium: str, page: Path, work: Path) -> Image.Image:
    shot = work / f"{page.stem}.png"
    profile = work / f"profile-{page.stem}"
    done = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            f"--window-size={WIDTH},{HEIGHT}",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    with Image.open(shot) as image:
        return image.convert("RGB")


def count(image: Image.Image, colour: tuple[int, int, int]) -> int:
    colours = image.getcolors(WIDTH * HEIGHT) or []
    return sum(n for n, found in colours if found == colour)


def solid_png(path: Path, colour: tuple[int, int, int]) -> None:
    Image.new("RGB", (64, 64), colour).save(path, format="PNG")


def preview(project: Path, sample: str, page: str) -> Path:
    (project / "templates" / "promo.yaml").write_text(
        "name: promo\ncategory: MARKETING\nlanguages:\n  en_US:\n"
        f'    header: {{format: IMAGE, examples: ["{sample}"]}}\n'
        '    body: {text: "Our summer sale starts today. Reply STOP to opt out."}\n',
        encoding="utf-8",
    )
    out = project / f"{page}.html"
    assert main(["preview", "promo", "--html", str(out)]) == 0
    return out


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    (root / "templates").mkdir(parents=True)
    (root / "wa-templates.toml").write_text('templates_dir = "templates"\n', encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def test_a_local_image_sample_is_shown_embedded(
    chromium: str, project: Path, tmp_path: Path
) -> None:
    solid_png(project / "templates" / "banner.png", RED)
    page = preview(project, "banner.png", "local")
    assert "data:image/png;base64," in page.read_text(encoding="utf-8")
    # The page stands alone: moved away from the sample, it still shows it.
    alone = tmp_path / "elsewhere" / "local.html"
    alone.parent.mkdir()
    shutil.move(page, alone)
    shown = screenshot(chromium, alone, tmp_path)
    # The 150 px high header, as wide as the bubble, in the image's colour.
    assert count(shown, RED) > 30_000
    assert count(shown, PLACEHOLDER) == 0


def test_an_image_that_cannot_load_leaves_the_placeholder_as_it_is(
    chromium: str, project: Path, tmp_path: Path
) -> None:
    # Port 9 on this machine refuses the connection at once: the image cannot load.
    broken = screenshot(
        chromium, preview(project, "https://127.0.0.1:9/banner.png", "remote"), tmp_path
    )
    # The same header with no image to show at all (a local sample that is not there).
    empty = screenshot(chromium, preview(project, "banner.png", "none"), tmp_path)
    assert count(empty, PLACEHOLDER) > 30_000
    assert ImageChops.difference(broken, empty).getbbox() is None
