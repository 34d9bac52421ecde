"""Fix and rebuild (issue 14): edits made in the page, downloaded, applied by the CLI, give the
edited map. Also the page's CSV writer: quoting and no spreadsheet formulas from story text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, CHROMIUM_ARGS, TILE_HOSTS, chromium_available, file_url, make_story

from geostory.render import write_html

pytestmark = pytest.mark.browser

if not chromium_available():
    pytest.skip(f"needs Debian's chromium at {CHROMIUM}", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright")

TRIP = (
    "The mayor flew from Boston to Portland on Monday and then took the train from Portland to "
    "Springfield.\nLater she drove from Springfield to Albany.\n"
    "Officials in Paris and Ukraine were not told.\n"
)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, reduced_motion="reduce", accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(TILE_HOSTS, lambda route: route.abort())
    yield page
    assert errors == []
    context.close()


def _open(page, path: Path) -> None:
    page.goto(file_url(path), wait_until="load")
    page.wait_for_function("window.geostory && window.geostory.ready === true && geostory.settled")


def _data(path: Path) -> dict:
    found = re.findall(
        r'<script type="application/json" id="geostory-data">(.*?)</script>', path.read_text(), re.S
    )
    return json.loads(found[-1])


def _index(data: dict, name: str) -> int:
    return next(i for i, p in enumerate(data["places"]) if p["name"] == name)


def _leg(data: dict, origin: str, destination: str) -> int:
    names = [p["name"] for p in data["places"]]
    return next(
        i
        for i, leg in enumerate(data["legs"])
        if (names[leg["from"]], names[leg["to"]]) == (origin, destination)
    )


def _open_popup(page, kind: str, i: int) -> None:
    """Open a pin's or a line's popup as a click would, then wait for it."""
    if kind == "place":
        page.evaluate("(i) => geostory.markers[i].openPopup()", i)
    else:
        page.evaluate("(i) => geostory.legGroups[i].openPopup(geostory.legs[i].getCenter())", i)
    page.wait_for_selector(".leaflet-popup .gs-editor")


def _downloads(page) -> dict[str, str]:
    """Click "Download edits" and collect every file the page offers, by name."""
    files: dict[str, str] = {}

    def keep(download) -> None:
        files[download.suggested_filename] = Path(download.path()).read_text(encoding="utf-8-sig")

    page.on("download", keep)
    expected = page.evaluate(
        "(Object.keys(geostory.edits.places).length ? 1 : 0)"
        " + (geostory.legsCsv().split('\\n').length > 2 ? 1 : 0)"
    )
    page.click(".gs-edit-download")
    page.wait_for_function("() => true")
    for _ in range(50):
        if len(files) >= expected:
            break
        page.wait_for_timeout(100)
    page.remove_listener("download", keep)
    return files


@pytest.mark.slow
def test_edits_made_in_the_page_rebuild_the_edited_map(page, geostory_cli, tmp_path):
    article = tmp_path / "trip.txt"
    article.write_text(TRIP, encoding="utf-8")
    first = geostory_cli("build", str(article), "-o", "trip.html")
    assert first.returncode == 0, first.stderr
    before = _data(tmp_path / "trip.html")
    portland, albany, ukraine = (_index(before, n) for n in ("Portland", "Albany", "Ukraine"))
    assert before["places"][portland]["alternatives"], "the article needs an ambiguous Portland"
    to_portland = _leg(before, "Boston", "Portland")
    on_to_springfield = _leg(before, "Portland", "Springfield")
    assert before["legs"][on_to_springfield]["mode"] != "road"

    _open(page, tmp_path / "trip.html")
    page.click(".gs-edit-toggle")
    assert page.evaluate("document.body.classList.contains('gs-editing')")

    # drag Albany 80 px east with the mouse
    box = page.evaluate(
        "(i) => JSON.parse(JSON.stringify("
        "geostory.markers[i].getElement().querySelector('svg').getBoundingClientRect()))",
        albany,
    )
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    assert page.evaluate(
        "([x, y, i]) => geostory.markers[i].getElement().contains(document.elementFromPoint(x, y))",
        [x, y, albany],
    ), "Albany's pin is the one under the mouse"
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y + 10, steps=5)
    page.mouse.move(x + 80, y + 20, steps=5)
    page.mouse.up()
    page.wait_for_function(
        "(i) => geostory.edits.places[i] && geostory.edits.places[i].kind === 'move'", arg=albany
    )
    moved = page.evaluate("(i) => geostory.markers[i].getLatLng()", albany)
    # "Did you mean ...?": the first alternative for Portland
    _open_popup(page, "place", portland)
    alternative = before["places"][portland]["alternatives"][0]
    page.click('.leaflet-popup .gs-edit-alt[data-alt="0"]')
    # remove a place mentioned in passing
    _open_popup(page, "place", ukraine)
    page.click(".leaflet-popup .gs-edit-drop")
    assert page.evaluate("(i) => geostory.markers[i].getElement().classList.contains('gs-dropped')", ukraine)
    # change a journey's mode, remove another
    _open_popup(page, "leg", on_to_springfield)
    page.select_option(".leaflet-popup .gs-edit-mode", "road")
    _open_popup(page, "leg", to_portland)
    page.click(".leaflet-popup .gs-edit-drop")
    assert page.evaluate("document.querySelector('.gs-edit-count').textContent") == "5 edits to download"

    files = _downloads(page)
    assert set(files) == {"places.csv", "legs.csv"}
    (tmp_path / "places.csv").write_text(files["places.csv"], encoding="utf-8")
    (tmp_path / "legs.csv").write_text(files["legs.csv"], encoding="utf-8")
    second = geostory_cli(
        "build",
        str(article),
        "-o",
        "edited.html",
        "--places",
        "places.csv",
        "--legs",
        "legs.csv",
        "--geojson",
        "edited.geojson",
    )
    assert second.returncode == 0, second.stderr

    after = _data(tmp_path / "edited.html")
    names = [p["name"] for p in after["places"]]
    assert "Ukraine" not in names
    place = after["places"][names.index("Portland")]
    assert place["coordinates"] == pytest.approx(alternative["coordinates"], abs=1e-5)
    place = after["places"][names.index("Albany")]
    assert place["coordinates"] == pytest.approx([moved["lng"], moved["lat"]], abs=1e-5)
    assert place["coordinates"] != before["places"][albany]["coordinates"]
    legs = {(names[leg["from"]], names[leg["to"]]): leg["mode"] for leg in after["legs"]}
    assert ("Boston", "Portland") not in legs
    assert legs[("Portland", "Springfield")] == "road"
    assert legs[("Springfield", "Albany")] == before["legs"][_leg(before, "Springfield", "Albany")]["mode"]
    geojson = json.loads((tmp_path / "edited.geojson").read_text())
    assert not any(f["properties"].get("name") == "Ukraine" for f in geojson["features"])


def test_downloaded_files_quote_story_text_and_defuse_formulas(page, tmp_path):
    story = make_story()
    evil = '=HYPERLINK("http://x.example","Moscow"), "quoted"'
    moscow = next(p for p in story.places if p.name == "Moscow")
    bad = replace(moscow, name=evil, mentions=tuple(replace(m, lookup=evil) for m in moscow.mentions))
    places = tuple(bad if p is moscow else p for p in story.places)
    legs = tuple(replace(leg, origin=bad) if leg.origin is moscow else leg for leg in story.legs)
    path = write_html(replace(story, places=places, legs=legs), tmp_path / "m.html")
    _open(page, path)
    data = _data(path)
    i = _index(data, evil)
    page.evaluate("geostory.setEditing(true)")
    _open_popup(page, "place", i)
    page.click(".leaflet-popup .gs-edit-drop")
    _open_popup(page, "leg", next(k for k, leg in enumerate(data["legs"]) if leg["from"] == i))
    page.select_option(".leaflet-popup .gs-edit-mode", "sea")
    page.evaluate("(i) => geostory.markers[i].fire('dragend')", _index(data, "Pyongyang"))
    places_rows = list(csv.reader(io.StringIO(page.evaluate("geostory.placesCsv()"))))
    assert places_rows[0] == ["name", "latitude", "longitude", "exclude", "place_type", "display_name"]
    assert all(len(r) == 6 for r in places_rows)
    assert ["'" + evil, "", "", "true", "", ""] in places_rows  # one cell, quoted, defused
    assert not any(c.startswith(("=", "+", "-", "@")) for r in places_rows[1:] for c in (r[0], r[4], r[5]))
    legs_text = page.evaluate("geostory.legsCsv()")
    assert "HYPERLINK" not in legs_text  # a removed place takes its journeys with it
    cells = page.evaluate(
        "['=1+1', '+1', '-1', '@SUM(A1)', 'a,b', 'say \"hi\"', ' pad', 'two\\nlines', 'plain']"
        ".map(c => geostory.csvCell(c))"
    )
    assert cells == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        '"a,b"',
        '"say ""hi"""',
        '" pad"',
        '"two\nlines"',
        "plain",
    ]
    assert (
        page.evaluate("geostory.csvCell('-122.5', true)") == "-122.5"
    )  # numbers geostory wrote stay numbers


def test_leg_edits_of_the_page_read_back(page, tmp_path):
    """What the page writes for a leg is what leg_edits reads, formula guard included."""
    from geostory.leg_edits import load_leg_edits

    story = make_story()
    path = write_html(story, tmp_path / "m.html")
    _open(page, path)
    page.evaluate("geostory.setEditing(true)")
    for k in range(3):
        _open_popup(page, "leg", k)
        if k == 2:
            page.click(".leaflet-popup .gs-edit-drop")
        else:
            page.select_option(".leaflet-popup .gs-edit-mode", "sea")
    legs_file = tmp_path / "legs.csv"
    legs_file.write_text(page.evaluate("geostory.legsCsv()"), encoding="utf-8")
    edits = load_leg_edits(legs_file)
    data = _data(path)
    # the two Pyongyang -> Vladivostok legs are told apart by their occurrence
    assert [(e.origin, e.destination, e.occurrence, e.drop, e.mode) for e in edits] == [
        (
            data["places"][leg["from"]]["spellings"][0],
            data["places"][leg["to"]]["spellings"][0],
            leg["occurrence"]
            if sum(1 for o in data["legs"] if (o["from"], o["to"]) == (leg["from"], leg["to"])) > 1
            else None,
            k == 2,
            None if k == 2 else "sea",
        )
        for k, leg in enumerate(data["legs"])
    ]
    from geostory.leg_edits import apply_leg_edits

    edited = apply_leg_edits(story, edits)
    assert len(edited.legs) == 2 and {leg.mode for leg in edited.legs} == {"sea"}


def test_edit_controls_carry_story_text_as_text(page, tmp_path):
    from browser_helpers import HOSTILE, hostile_story

    path = write_html(hostile_story(), tmp_path / "h.html")
    _open(page, path)
    page.evaluate("geostory.setEditing(true)")
    data = _data(path)
    evil = next(k for k, p in enumerate(data["places"]) if p["alternatives"])
    _open_popup(page, "place", evil)
    label = page.inner_text('.leaflet-popup .gs-edit-alt[data-alt="0"]')
    assert HOSTILE.split("<")[0] in label and "<script>" in label  # shown as text, not markup
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.querySelectorAll('.leaflet-popup script, .leaflet-popup img').length") == 0
