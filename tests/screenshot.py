"""Screenshots of a rendered story map in headless Chromium (for READMEs and the seed image).

    save_screenshot("map.html", "map.png")
    python tests/screenshot.py static/seed-map.html static/seed-map.png [WIDTH HEIGHT]

Tooling for the tests and the README images, not part of the library. Needs Playwright
(`pip install playwright`) and a Chromium binary; the system one is used and no
browser is downloaded. Tile requests are aborted, so the shot shows the offline country basemap and
is the same on every run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from geostory.errors import ConfigurationError, OutputError

__all__ = ["CHROMIUM_ARGS", "save_screenshot"]

CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)
_TILES = re.compile(r"^https?://([a-z0-9-]+\.)*tile\.openstreetmap\.org/")


def save_screenshot(
    html_path: str | os.PathLike[str],
    png_path: str | os.PathLike[str],
    *,
    width: int = 1280,
    height: int = 800,
    step: int | None = None,
    tiles: bool = False,
    executable_path: str = "/usr/bin/chromium",
) -> Path:
    """Open the map from disk in headless Chromium and save a PNG of the page.

    `step` opens that itinerary step first (0 is the overview); `tiles=True` lets tile requests
    through (they need the network). Raises ConfigurationError when Playwright or Chromium is
    missing and OutputError when the PNG cannot be written.
    """
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise ConfigurationError(
            "screenshots need Playwright: pip install playwright (no browser download needed)"
        ) from err
    source = Path(html_path).resolve()
    if not source.is_file():
        raise ConfigurationError(f"cannot screenshot {html_path}: no such file")
    if not os.path.exists(executable_path):
        raise ConfigurationError(
            f"cannot screenshot: no Chromium at {executable_path} (apt-get install chromium)"
        )
    target = Path(png_path)
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {target}: folder {target.parent} does not exist")
    url = source.as_uri() + (f"#step={int(step)}" if step is not None else "")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable_path, args=list(CHROMIUM_ARGS))
            try:
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    reduced_motion="reduce",
                    device_scale_factor=1,
                )
                page = context.new_page()
                if not tiles:
                    page.route(_TILES, lambda route: route.abort())
                page.goto(url, wait_until="load")
                page.wait_for_function("window.geostory && window.geostory.ready === true", timeout=15000)
                page.wait_for_timeout(400)  # popups and arrows settle
                tmp = target.with_name(f".{target.name}.tmp.png")
                page.screenshot(path=str(tmp))
                os.replace(tmp, target)
            finally:
                browser.close()
    except PlaywrightError as err:
        raise OutputError(f"cannot screenshot {html_path}: {str(err).splitlines()[0]}") from err
    except OSError as err:
        raise OutputError(f"cannot write {target}: {err.strerror or err}") from err
    return target


if __name__ == "__main__":  # python tests/screenshot.py MAP.html OUT.png [WIDTH HEIGHT]
    import sys

    width, height = (int(v) for v in sys.argv[3:5]) if len(sys.argv) >= 5 else (1280, 800)
    save_screenshot(sys.argv[1], sys.argv[2], width=width, height=height)
