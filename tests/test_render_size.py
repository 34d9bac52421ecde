"""The page's size follows what is drawn (issue 15), and legs across the antimeridian keep their
pins on the line's copy of the world (issue 14), in the page only."""

from __future__ import annotations

import json
import re

from geostory.export import to_geojson
from geostory.model import Article, Leg, Mention, Place, Span, Story
from geostory.render import MAX_QUOTE, SHORTENED, render_html, story_data


def _place(key: str, name: str, lat: float, lon: float, text: str, sentence: Span) -> Place:
    start = text.index(name)
    mention = Mention(name, start, start + len(name), sentence, "GPE")
    return Place(key, name, lat, lon, "city", "XX", (mention,), "geonames", 0.9)


def _blob(page: str) -> dict:
    found = re.findall(r'<script type="application/json" id="geostory-data">(.*?)</script>', page, re.S)
    return json.loads(found[-1])


def test_a_megabyte_article_with_three_places_gives_a_small_map():
    filler = "and the talks went on " * 48_000  # one sentence of about a megabyte, no full stop
    text = f"The minister flew from Paris to Berlin {filler} before Rome."
    assert len(text) > 1_000_000
    sentence = Span(text, 0, len(text))
    paris, berlin, rome = (
        _place(f"geonames:{i}", n, lat, lon, text, sentence)
        for i, (n, lat, lon) in enumerate(
            (("Paris", 48.85, 2.35), ("Berlin", 52.52, 13.4), ("Rome", 41.9, 12.5))
        )
    )
    leg = Leg(paris, berlin, "air", "reported", sentence)
    story = Story(Article(text, title="Talks"), (paris, berlin, rome), legs=(leg,))
    small = Story(Article("Paris to Berlin.", title="Talks"), ())
    page = render_html(story)
    assert len(page.encode()) < len(render_html(small).encode()) + 60_000
    data = _blob(page)
    assert SHORTENED in data["places"][0]["popup"] and SHORTENED in data["legs"][0]["popup"]
    quote = data["steps"]["told"][0]["quote"]
    assert len(quote) <= MAX_QUOTE + 20 and quote.endswith(f"\u2026 ({SHORTENED})")
    assert "<mark>Rome</mark>" in data["places"][2]["popup"]  # the cut keeps the place's own name


def test_a_whole_sentence_is_quoted_whole():
    text = "The minister flew from Paris to Berlin on Monday."
    sentence = Span(text, 0, len(text))
    paris = _place("geonames:1", "Paris", 48.85, 2.35, text, sentence)
    berlin = _place("geonames:2", "Berlin", 52.52, 13.4, text, sentence)
    data = story_data(
        Story(Article(text), (paris, berlin), legs=(Leg(paris, berlin, "air", "reported", sentence),))
    )
    assert data["steps"]["told"][0]["quote"] == text
    assert SHORTENED not in data["legs"][0]["popup"]


def test_pins_follow_legs_across_the_antimeridian_in_the_page_only():
    text = "The team flew from Tokyo to Honolulu, then from Honolulu to Los Angeles."
    sentence = Span(text, 0, len(text))
    tokyo = _place("geonames:1", "Tokyo", 35.68, 139.69, text, sentence)
    honolulu = _place("geonames:2", "Honolulu", 21.31, -157.86, text, sentence)
    la = _place("geonames:3", "Los Angeles", 34.05, -118.24, text, sentence)
    second = Span(text[38:], 38, len(text))
    story = Story(
        Article(text),
        (tokyo, honolulu, la),
        legs=(
            Leg(tokyo, honolulu, "air", "reported", sentence),
            Leg(honolulu, la, "air", "reported", second),
        ),
    )
    data = story_data(story)
    lons = {p["name"]: p["coordinates"][0] for p in data["places"]}
    assert lons["Tokyo"] == 139.69
    assert lons["Honolulu"] == -157.86 + 360  # on the copy of the world where the line arrives
    assert lons["Los Angeles"] == -118.24 + 360
    for leg in data["legs"]:
        assert data["places"][leg["from"]]["coordinates"] == leg["coordinates"][0]
        assert data["places"][leg["to"]]["coordinates"] == leg["coordinates"][-1]
    exported = {
        f["properties"]["name"]: f["geometry"]["coordinates"][0]
        for f in to_geojson(story)["features"]
        if f["geometry"]["type"] == "Point" and "name" in f["properties"]
    }
    assert exported["Honolulu"] == -157.86 and exported["Los Angeles"] == -118.24  # exports never shift
