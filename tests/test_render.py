"""The rendered story map page: self-contained, escaped, deterministic, small."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import folium
import pytest
from browser_helpers import HOSTILE, LONG_TOKEN, hostile_story, make_story

from geostory.errors import ConfigurationError, OutputError
from geostory.render import embed_snippet, render_html, render_map, write_html

MAX_BYTES = 1_500_000


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.title = ""
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "title"):
            self._in = tag
            if tag == "script":
                self.scripts.append((dict(attrs), ""))

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "script":
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        elif self._in == "title":
            self.title += data


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def _data(page: str) -> dict:
    parsed = _parse(page)
    blobs = [text for attrs, text in parsed.scripts if attrs.get("id") == "geostory-data"]
    assert len(blobs) == 1
    return json.loads(blobs[0])


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(make_story())


@pytest.fixture(scope="module")
def hostile_page() -> str:
    return render_html(hostile_story())


def test_render_map_returns_a_folium_map_that_displays_inline():
    fmap = render_map(make_story())
    assert isinstance(fmap, folium.Map)
    assert "geostory-data" in fmap._repr_html_()


def test_page_loads_nothing_from_the_network(page):
    parsed = _parse(page)
    assert not [a for t, a in parsed.tags if t == "script" and a.get("src")]
    assert not [a for t, a in parsed.tags if t == "link"]
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", page)
    for library in ("jquery", "bootstrap", "awesome-markers", "font-awesome", "fontawesome", "cdn."):
        assert library not in page.lower()


def test_leaflet_and_gesture_handling_are_inlined(page):
    assert "/* Leaflet 1.9.3 */" in page
    assert ".leaflet-popup-content-wrapper" in page  # leaflet.css
    assert "leafletGestureHandling" in page
    assert "window.geostory" in page  # assets/story.js
    assert "sourceMappingURL" not in page


def test_page_is_small(page):
    assert len(page.encode("utf-8")) < MAX_BYTES


def test_same_story_gives_the_same_page():
    assert render_html(make_story()) == render_html(make_story())


def test_tiles_are_openstreetmap_credited_with_geonames(page):
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in page
    attribution = re.search(r'"attribution": ("(?:[^"\\]|\\.)*")', page)
    assert attribution, "tile layer has no attribution"
    text = json.loads(attribution.group(1))
    assert "OpenStreetMap</a> contributors" in text
    assert "GeoNames</a> (CC BY 4.0)" in text


def test_data_blob_has_every_place_leg_and_step(page):
    data = _data(page)
    assert len(data["places"]) == 7
    assert all("n" not in p for p in data["places"])  # numbers belong to steps, not places
    assert len(data["legs"]) == 3
    assert [s["kind"] for s in data["steps"]["told"]] == ["leg", "visit", "leg", "leg"]
    assert data["steps"]["happened"][0]["title"] == "Moscow \u2192 Pyongyang"
    assert len(data["basemap"]) > 100  # the offline country outlines


def test_place_popup_quotes_sentences_with_the_mention_highlighted(page):
    places = {p["name"]: p for p in _data(page)["places"]}
    popup = places["Pyongyang"]["popup"]
    assert "Mr. Kim would travel from <mark>Pyongyang</mark>, probably by armored train" in popup
    assert "Shoigu&#x27;s trip from Moscow to <mark>Pyongyang</mark> in late July" in popup
    assert "Destination" in popup and "confidence 0.90" in popup


def test_place_popup_is_honest_about_doubt(page):
    places = {p["name"]: p for p in _data(page)["places"]}
    assert "Approximate: placed at Vladivostok" in places["Far Eastern Federal University"]["popup"]
    assert places["Far Eastern Federal University"]["approximate"] is True
    portland = places["Portland"]
    assert "Did you mean <b>Portland, Maine, US</b>?" in portland["popup"]
    assert portland["uncertain"] is True


def test_leg_popup_quotes_the_reporting_sentence(page):
    rail = _data(page)["legs"][0]
    assert rail["mode"] == "rail" and rail["status"] == "planned"
    assert "<mark>Vladivostok</mark>, where he would meet with Mr. Putin." in rail["popup"]
    assert "Sept. 10 to 13 (2023-09-10/2023-09-13)" in rail["popup"]
    assert "1,180 km" in rail["tooltip"]
    assert rail["coordinates"][0] == [125.75432, 39.03385]  # GeoJSON order, read by story.js


def test_legend_explains_the_symbols_used(page):
    legend = page[page.index('id="gs-legend"') :]
    legend = legend[: legend.index("</details>")]
    for label in (
        "Origin",
        "Destination",
        "Mentioned",
        "Rail",
        "Air",
        "Reported",
        "Planned",
        "Possible",
        "Direction of travel",
        "Approximate or uncertain",
        "Country or region",
    ):
        assert label in legend


def test_itinerary_panel_is_accessible(page):
    parsed = _parse(page)
    ids = {a.get("id"): (t, a) for t, a in parsed.tags if a.get("id")}
    assert ids["gs-steps"][0] == "ol"
    assert ids["gs-live"][1].get("aria-live") == "polite"
    assert any(t == "button" and a.get("data-order") == "happened" for t, a in parsed.tags)


def test_title_can_be_replaced(tmp_path):
    page = render_html(make_story(), title="Kim's <train>")
    assert "<title>Kim&#x27;s &lt;train&gt;</title>" in page


def test_hostile_story_is_escaped_everywhere(hostile_page):
    parsed = _parse(hostile_page)
    # No element or attribute came from the article.
    assert not [t for t, _ in parsed.tags if t in ("img", "b", "iframe", "object", "embed")]
    for tag, attrs in parsed.tags:
        assert not [v for v in attrs.values() if v and ("alert" in v or "pwned" in v)], (tag, attrs)
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        for value in attrs.values():
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, attrs)
    # Scripts are ours: inline code, and one JSON blob with no markup characters in it.
    for attrs, text in parsed.scripts:
        assert "src" not in attrs
        assert "alert(1)" not in text or attrs.get("type") == "application/json"
        if attrs.get("type") == "application/json":
            assert "<" not in text and ">" not in text and "&" not in text
    data = _data(hostile_page)
    assert data["url"] is None  # javascript: URL dropped
    assert HOSTILE.replace("\u202e", "\ufffd").replace("\u202c", "\ufffd") in data["places"][1]["name"]
    # Bidi overrides never reach the page; the title is escaped and shortened.
    assert "\u202e" not in hostile_page
    assert parsed.title.startswith("Title <script>alert(1)</script>")
    assert "<title>Title &lt;script&gt;alert(1)&lt;/script&gt;" in hostile_page
    assert LONG_TOKEN not in parsed.title


def test_hostile_popups_hold_escaped_text_only(hostile_page):
    data = _data(hostile_page)
    html_strings = [p["popup"] for p in data["places"]] + [p["tooltip"] for p in data["places"]]
    html_strings += [leg["popup"] for leg in data["legs"]] + [leg["tooltip"] for leg in data["legs"]]
    for fragment in html_strings:
        tags = {t for t, _ in _parse(fragment).tags}
        assert tags <= {
            "article",
            "header",
            "span",
            "div",
            "h2",
            "h3",
            "p",
            "ul",
            "li",
            "blockquote",
            "mark",
            "dl",
            "dt",
            "dd",
            "b",
            "strong",
            "br",
        }, tags
        assert "<script" not in fragment and "<img" not in fragment and "<svg" not in fragment
        assert "onerror=alert(1)&gt;" in fragment or "onerror" not in fragment


def test_write_html_writes_atomically(tmp_path):
    path = write_html(make_story(), tmp_path / "map.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_write_html_into_missing_folder_raises_output_error(tmp_path):
    with pytest.raises(OutputError, match="cannot write"):
        write_html(make_story(), tmp_path / "missing" / "map.html")


def test_embed_snippet_is_a_full_width_iframe_with_escaped_attributes():
    snippet = embed_snippet("maps/kim putin.html", title='Kim "train" <map>')
    assert snippet.startswith('<iframe src="maps/kim putin.html"')
    assert 'title="Kim &quot;train&quot; &lt;map&gt;"' in snippet
    assert "width:100%" in snippet and 'loading="lazy"' in snippet
    assert snippet.endswith("</iframe>")


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x"])
def test_embed_snippet_refuses_script_urls(url):
    with pytest.raises(ConfigurationError):
        embed_snippet(url, title="x")


def test_empty_story_still_renders():
    from geostory.model import Article, Story

    page = render_html(Story(Article("Nothing.", title="Empty"), places=()))
    assert _data(page)["places"] == []


def test_the_basemap_encoded_once_gives_the_same_page_data():
    from geostory.render import _data_json, country_basemap, script_json

    data = {"title": '"basemap" </script> & more', "basemap": country_basemap(), "places": [], "zeta": 1}
    assert _data_json(data) == script_json(data)
    assert _data_json({**data, "basemap": []}) == script_json({**data, "basemap": []})
