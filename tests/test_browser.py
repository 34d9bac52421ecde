"""The story map in a real browser: headless Chromium opens the file from disk.

Reaches pins, legs and steps through Leaflet's API (`window.geostory`). Tile requests are aborted,
as they would fail here anyway; every other request must stay inside the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TILE_HOSTS,
    chromium_available,
    file_url,
    hostile_story,
    make_story,
)

from geostory.render import write_html

pytestmark = pytest.mark.browser

if not chromium_available():
    pytest.skip(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (pip install playwright)")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def map_file(tmp_path_factory) -> Path:
    return write_html(make_story(), tmp_path_factory.mktemp("maps") / "story.html")


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory) -> Path:
    return write_html(hostile_story(), tmp_path_factory.mktemp("hostile") / "hostile.html")


class Session:
    """A page plus everything it asked for, failed at or complained about."""

    def __init__(
        self,
        browser,
        path: Path,
        *,
        fragment: str = "",
        width: int = 1280,
        height: int = 800,
        reduced_motion: str = "reduce",
    ) -> None:
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, reduced_motion=reduced_motion
        )
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.route(TILE_HOSTS, lambda route: route.abort())
        self.url = file_url(path)
        self.page.goto(self.url + fragment, wait_until="load")
        self.page.wait_for_function("window.geostory && window.geostory.ready === true", timeout=10000)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def popup_text(self) -> str:
        self.page.wait_for_selector(".leaflet-popup-content", timeout=5000)
        return self.page.inner_text(".leaflet-popup-content")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser, map_file):
    opened = Session(browser, map_file)
    yield opened
    opened.close()


def test_every_place_and_leg_is_on_the_map(session):
    assert session.js("geostory.markers.length") == 7
    assert session.js("geostory.legs.length") == 3
    assert session.js("geostory.markers.every(m => geostory.map.hasLayer(m))")
    assert session.js("geostory.legs.every(l => geostory.map.hasLayer(l))")
    assert session.js("document.querySelectorAll('.gs-pin').length") == 7
    assert (
        session.js("document.querySelectorAll('.gs-arrow').length") >= 1
    )  # short legs get none at world zoom
    assert session.js("document.querySelectorAll('#gs-steps .gs-step').length") == 5


def test_legs_are_styled_by_mode_and_status(session):
    styles = session.js("geostory.legs.map(l => [l.options.color, l.options.dashArray])")
    rail, possible_air, reported_air = styles
    assert rail[1] and possible_air[1] and not reported_air[1]
    assert rail[0] != reported_air[0]
    assert possible_air[0] == reported_air[0]


def test_clicking_a_step_flies_there_and_quotes_the_sentence(session):
    session.page.click('.gs-step[data-step="1"]')
    text = session.popup_text()
    assert "Mr. Kim would travel from Pyongyang, probably by armored train" in text
    assert session.page.inner_text(".leaflet-popup-content mark") == "Pyongyang"
    assert session.js("geostory.state.step") == 1
    assert session.js("location.hash") == "#step=1"
    bounds_ok = session.js("geostory.map.getBounds().pad(0.01).contains(geostory.legs[0].getBounds())")
    assert bounds_ok
    current = session.page.get_attribute('.gs-step[aria-current="step"]', "data-step")
    assert current == "1"
    assert "Step 1 of 4" in session.page.inner_text("#gs-live")


def test_visit_step_opens_the_place_popup(session):
    session.page.click('.gs-step[data-step="2"]')
    text = session.popup_text()
    assert "Vladivostok" in text and "Eastern Economic Forum" in text


@pytest.mark.parametrize(
    "keys, expected",
    [
        (["ArrowRight"], 1),
        (["ArrowRight", "ArrowRight", "ArrowLeft"], 1),
        (["j", "j", "j"], 3),
        (["j", "j", "k"], 1),
        (["ArrowLeft"], 0),
        (["End"], 4),
    ],
)
def test_keyboard_changes_the_step(session, keys, expected):
    for key in keys:
        session.page.keyboard.press(key)
    assert session.js("geostory.state.step") == expected
    assert session.js("location.hash") == f"#step={expected}"


def test_deep_link_opens_the_step(browser, map_file):
    opened = Session(browser, map_file, fragment="#step=2")
    try:
        assert opened.js("geostory.state.step") == 2
        assert "Eastern Economic Forum" in opened.popup_text()
    finally:
        opened.close()


def test_order_toggle_lists_steps_as_they_happened(session):
    session.page.click('.gs-order button[data-order="happened"]')
    titles = session.js("[...document.querySelectorAll('.gs-step-title')].map(e => e.textContent)")
    assert titles[1] == "Moscow \u2192 Pyongyang"
    assert session.page.get_attribute('.gs-order button[data-order="happened"]', "aria-pressed") == "true"
    session.page.keyboard.press("ArrowRight")
    assert "Sergei Shoigu" in session.popup_text()
    assert session.js("location.hash") == "#step=1&order=happened"


def test_animated_navigation_still_opens_the_popup(browser, map_file):
    opened = Session(browser, map_file, reduced_motion="no-preference")
    try:
        opened.page.keyboard.press("ArrowRight")
        assert "armored train" in opened.popup_text()
    finally:
        opened.close()


def test_no_request_leaves_the_page_but_tiles(session):
    session.page.keyboard.press("ArrowRight")
    session.page.keyboard.press("ArrowRight")
    session.popup_text()
    outside = [
        u for u in session.requests if not (u.startswith((session.url, "data:")) or TILE_HOSTS.match(u))
    ]
    assert outside == []
    assert [u for u in session.failed if not TILE_HOSTS.match(u)] == []
    assert any(TILE_HOSTS.match(u) for u in session.requests)  # the OSM layer is there
    assert session.errors == []


def test_basemap_shows_where_things_are_without_tiles(session):
    count = session.js("document.querySelectorAll('.leaflet-gs-basemap-pane path').length")
    assert count > 50


def test_narrow_screens_put_the_itinerary_below_the_map(browser, map_file):
    opened = Session(browser, map_file, width=400, height=800)
    try:
        map_box = opened.page.locator(".folium-map").bounding_box()
        panel_box = opened.page.locator("#gs-panel").bounding_box()
        assert panel_box["y"] >= map_box["y"] + map_box["height"] - 1
        assert map_box["width"] == pytest.approx(400, abs=1)
    finally:
        opened.close()


def test_embedded_map_fills_the_iframe_and_does_not_hijack_scrolling(browser, map_file, tmp_path):
    from geostory.render import embed_snippet

    host = tmp_path / "host.html"
    host.write_text(
        "<!DOCTYPE html><html><body style='height:2000px'>"
        + embed_snippet(file_url(map_file), title="Kim's train")
        + "</body></html>"
    )
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    try:
        page = context.new_page()
        page.route(TILE_HOSTS, lambda route: route.abort())
        page.goto(file_url(host))
        frame = page.frame_locator("iframe")
        frame.locator(".gs-step").first.wait_for()
        inner = next(f for f in page.frames if f != page.main_frame)
        inner.wait_for_function("window.geostory && window.geostory.ready === true")
        assert inner.evaluate("geostory.map.gestureHandling.enabled()") is True
        size = inner.evaluate("[innerWidth, document.querySelector('.folium-map').offsetHeight]")
        assert size[0] > 900 and size[1] == 600
    finally:
        context.close()


def test_hostile_story_runs_no_script(browser, hostile_file):
    opened = Session(browser, hostile_file)
    try:
        steps = opened.js("geostory.steps.length")
        for _ in range(steps):
            opened.page.keyboard.press("ArrowRight")
            opened.popup_text()
        for i in range(opened.js("geostory.markers.length")):
            opened.js(f"void geostory.markers[{i}].openPopup()")  # void: a Leaflet layer is
            opened.js(f"void geostory.markers[{i}].openTooltip()")  # slow to serialise back
        opened.js("void geostory.legGroups[0].openTooltip(geostory.legs[0].getCenter())")
        opened.page.wait_for_timeout(300)
        assert opened.dialogs == []
        assert opened.js("window.__pwned") is None
        assert opened.errors == []
        assert opened.js("document.querySelectorAll('img:not(.leaflet-tile), iframe, object').length") == 0
        assert "<script>alert(1)</script>" in opened.page.inner_text("#gs-title")
        assert "\u202e" not in opened.js("document.documentElement.outerHTML")
        outside = [
            u for u in opened.requests if not (u.startswith((opened.url, "data:")) or TILE_HOSTS.match(u))
        ]
        assert outside == []
    finally:
        opened.close()


def test_save_screenshot_writes_a_png(map_file, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from screenshot import save_screenshot

    # Playwright's sync API refuses to nest in the thread that holds the module's browser.
    with ThreadPoolExecutor(max_workers=1) as pool:
        png = pool.submit(
            save_screenshot, map_file, tmp_path / "map.png", width=800, height=500, step=1
        ).result(timeout=120)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]
