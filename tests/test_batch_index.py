"""The batch index page: every story's legs on one map, a table a phone can read, and story text
that stays text (markup and template payloads in titles, place names and file names)."""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from browser_helpers import HOSTILE, hostile_story, make_story

from geostory.batch import BatchResult, _index_html
from geostory.export import write_geojson

TEMPLATE = "{{ 7*7 }} {% for x in range(3) %}x{% endfor %} {# c #}"


def _results(tmp_path: Path) -> list[BatchResult]:
    kim = make_story()
    evil = hostile_story()
    evil = replace(evil, article=replace(evil.article, title=f"{TEMPLATE} {HOSTILE}"))
    out: list[BatchResult] = []
    for stem, story in (("kim", kim), ("evil{{7*7}}<x>", evil)):
        geojson = tmp_path / f"{stem}.geojson"
        write_geojson(story, geojson)
        out.append(
            BatchResult(
                stem,
                tmp_path / f"{stem}.html",
                geojson,
                places=len(story.places),
                legs=len(story.legs),
                title=story.article.title,
            )
        )
    out.append(BatchResult("broken", None, None, error=f"no places found {HOSTILE} {TEMPLATE}"))
    return out


def test_index_shows_every_story_on_one_map_and_in_a_table(tmp_path):
    page = _index_html(_results(tmp_path), tmp_path)
    overview = re.search(r'<svg class="overview".*?</svg>', page, re.S)
    assert overview is not None
    assert overview.group(0).count('<g class="story"') == 2  # the failed article has no map
    assert overview.group(0).count("<polyline") >= 3  # the seed-like story's three legs at least
    assert page.count('<svg class="mini"') == 2
    assert "2023-09-04" in page  # the story's date
    assert "Pyongyang" in page and "Vladivostok" in page  # its places
    assert page.count("<tr class=") == 3


def _tags(page: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    from html.parser import HTMLParser

    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Tags().feed(page)
    return found


def test_index_keeps_markup_and_template_syntax_as_text(tmp_path):
    page = _index_html(_results(tmp_path), tmp_path)
    body = page.split("</style>", 1)[1]
    tags = _tags(page)
    assert not {"script", "img", "iframe", "object"} & {tag for tag, _ in tags}
    assert not [name for _, attrs in tags for name, _ in attrs if name.startswith("on")]  # no handlers
    assert not re.search(r'href="\s*javascript:', body, re.I)
    assert "\u202e" not in page  # no bidi override reorders the table
    assert html.escape(TEMPLATE) in page or TEMPLATE in page  # literal, never evaluated
    assert "49" not in re.sub(r"[-\d.]+,[-\d.]+|\d+\.\d+", "", page.split("<table", 1)[1].split("</svg>")[-1])
    assert "xxx" not in page
    assert 'href="evil%7B%7B7%2A7%7D%7D%3Cx%3E.html"' in page  # a file name is a quoted URL
    # every attribute value is quoted and escaped: no story text breaks out of one
    for value in re.findall(r'aria-label="([^"]*)"', page):
        assert "<" not in value and ">" not in value


def test_index_survives_unreadable_or_hostile_geojson(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {
                            "type": "LineString",
                            "coordinates": [[1e309, 2], ["x", 3], [1, 2], [3, 4]],
                        },
                        "properties": {},
                    },
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [500, 2]},
                        "properties": {"name": HOSTILE},
                    },
                    "junk",
                ],
                "geostory": {"date": HOSTILE},
            }
        ).replace("1e309", "Infinity")
    )
    missing = tmp_path / "missing.geojson"
    results = [
        BatchResult("bad", tmp_path / "bad.html", bad, places=1, legs=1, title="Bad"),
        BatchResult("missing", tmp_path / "missing.html", missing, places=1, legs=0, title="Missing"),
    ]
    page = _index_html(results, tmp_path)
    assert "Infinity" not in page and "<script" not in page.split("</style>", 1)[1]
    assert html.escape(HOSTILE[:20]) in page


@pytest.mark.browser
def test_index_reads_on_a_phone(tmp_path):
    from browser_helpers import CHROMIUM, CHROMIUM_ARGS, chromium_available, file_url

    if not chromium_available():
        pytest.skip("needs chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    index = tmp_path / "index.html"
    index.write_text(_index_html(_results(tmp_path), tmp_path), encoding="utf-8")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(file_url(index))
        width = page.evaluate("document.documentElement.scrollWidth")
        overview = page.evaluate("document.querySelector('.overview').getBoundingClientRect().width")
        links = page.evaluate(
            "[...document.querySelectorAll('td a')].map(a => a.getBoundingClientRect().height)"
        )
        pwned = page.evaluate("window.__pwned")
        wide = page.evaluate(
            "[...document.querySelectorAll('body *:not(svg *)')]"
            ".filter(e => e.getBoundingClientRect().right > 391)"
            ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
        )
        page.screenshot(path=str(tmp_path / "index-phone.png"), full_page=True)
        browser.close()
    assert errors == [] and pwned is None
    assert width <= 390, wide  # nothing wider than the phone: no sideways scrolling
    assert 300 <= overview <= 390
    assert links and min(links) >= 44
