"""Hostile article text end to end: the real pipeline, the real writers, the HTML parsed and opened
in headless Chromium. Article text is untrusted; nothing in it may run, link or spoof.

The article names real places, so legs and popups are built from sentences that carry script
tags, event handlers, a `</script>` break-out inside a quotation, a `javascript:` URL, a
right-to-left override and a 5,000-character token.
"""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, CHROMIUM_ARGS, TILE_HOSTS, chromium_available, file_url

from geostory.model import Article

PWN = "window.__pwned=1"
SCRIPT = f"<script>{PWN}</script>"
BREAKOUT = f"</script><script>{PWN}</script>"
IMG = f'<img src=x onerror="{PWN}">'
JS_URL = f"javascript:{PWN}"
RLO = "\u202e"
LONG_TOKEN = "Q" * 5000
TEMPLATE = "{{ 7*7 }} {# c #}"  # Jinja syntax: shown as typed, never evaluated
TEMPLATE_BLOCK = "{% for x in range(3) %}x{% endfor %}"

TEXT = (
    f"The minister flew from Paris to Berlin on Monday {TEMPLATE}. {SCRIPT}\n"
    f'"We drove from Berlin to Warsaw {BREAKOUT} on Tuesday," an aide said.\n'
    f"Officials in Warsaw posted {IMG} and a link {JS_URL} on the forum.\n"
    f"The delegation then met in Kyiv {RLO}yadsendeW no{chr(0x202C)}.\n"
    f"A note was signed in Kyiv. {LONG_TOKEN}\n"
)
TITLE = f'<b onmouseover="{PWN}">Trip</b> {SCRIPT} {RLO}live {TEMPLATE_BLOCK} {TEMPLATE}'
SOURCE = IMG
URL = JS_URL
HOSTILE_PIECES = (SCRIPT, BREAKOUT, IMG, JS_URL)


def hostile_article() -> Article:
    return Article(text=TEXT, title=TITLE, date=dt.date(2024, 5, 6), source=SOURCE, url=URL)


@pytest.fixture(scope="module")
def outputs(real_build_story, tmp_path_factory) -> dict:
    from geostory.export import write_geojson, write_storymapjs
    from geostory.render import write_html

    folder = tmp_path_factory.mktemp("hostile")
    story = real_build_story(hostile_article())
    benign = real_build_story(
        Article(text="The minister flew from Paris to Berlin on Monday.\n", title="Trip")
    )
    return {
        "story": story,
        "html": write_html(story, folder / "hostile.html"),
        "benign_html": write_html(benign, folder / "benign.html"),
        "geojson": write_geojson(story, folder / "hostile.geojson"),
        "storymap": write_storymapjs(story, folder / "hostile.json"),
    }


class PageShape(HTMLParser):
    """What a browser would build from the markup: tags, attributes, scripts and their bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []  # (tag, name, value)
        self.scripts: list[dict] = []
        self.title = ""
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((tag, name.lower(), value or "") for name, value in attrs)
        if tag == "script":
            self.scripts.append({"type": dict(attrs).get("type"), "id": dict(attrs).get("id"), "body": ""})
            self._in = "script"
        elif tag == "title":
            self._in = "title"

    def handle_endtag(self, tag):
        if tag in ("script", "title"):
            self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1]["body"] += data
        elif self._in == "title":
            self.title += data


def shape_of(path: Path) -> PageShape:
    parser = PageShape()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


# --------------------------------------------------------------------------------------------
# The story itself: the hostile text did not stop the real places being found


def test_hostile_article_still_maps_its_places(outputs):
    story = outputs["story"]
    names = {p.name for p in story.places}
    assert {"Paris", "Berlin", "Warsaw", "Kyiv"} <= names
    legs = {(leg.origin.name, leg.destination.name) for leg in story.legs}
    assert {("Paris", "Berlin"), ("Berlin", "Warsaw")} <= legs
    breakout_leg = next(leg for leg in story.legs if leg.destination.name == "Warsaw")
    assert BREAKOUT in breakout_leg.evidence.text  # the attack really reaches a popup


# --------------------------------------------------------------------------------------------
# The HTML, statically


def test_html_has_no_event_handler_attributes_or_script_urls(outputs):
    page = shape_of(outputs["html"])
    handlers = [(tag, name) for tag, name, _ in page.attributes if name.startswith("on")]
    assert handlers == []
    links = [
        (tag, name, value)
        for tag, name, value in page.attributes
        if name in ("href", "src", "action", "formaction", "xlink:href", "srcdoc", "data")
        and value.strip().lower().startswith(("javascript:", "data:text/html", "vbscript:"))
    ]
    assert links == []
    assert not {"img", "iframe", "object", "embed", "base", "form", "frame", "link"} & set(page.tags)


def test_html_has_only_the_pages_own_scripts(outputs):
    hostile, benign = shape_of(outputs["html"]), shape_of(outputs["benign_html"])
    assert [(s["type"], s["id"]) for s in hostile.scripts] == [(s["type"], s["id"]) for s in benign.scripts]
    for script in hostile.scripts:
        if script["type"] != "application/json":
            assert "__pwned" not in script["body"], "article text reached executable script"


def test_data_blob_is_json_that_keeps_the_hostile_text_as_strings(outputs):
    page = shape_of(outputs["html"])
    (blob,) = [s for s in page.scripts if s["id"] == "geostory-data"]
    assert "<" not in blob["body"] and ">" not in blob["body"]
    data = json.loads(blob["body"])
    quotes = [step["quote"] for step in data["steps"]["told"]]
    assert any(BREAKOUT in quote for quote in quotes)
    assert data["url"] is None  # a javascript: URL is dropped, not linked
    assert SCRIPT in data["title"] and RLO not in data["title"]


def test_raw_html_never_carries_markup_from_the_article(outputs):
    raw = outputs["html"].read_text(encoding="utf-8")
    for piece in (SCRIPT, BREAKOUT, IMG, "<b onmouseover"):
        assert piece not in raw
    assert 'onerror="window' not in raw and "onerror=window" not in raw
    assert RLO not in raw, "an RTL override would reverse the text after it on the page"
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in raw  # escaped, in the heading and <title>


def test_page_title_is_the_escaped_title_text(outputs):
    page = shape_of(outputs["html"])
    assert page.title.startswith(f'<b onmouseover="{PWN}">Trip</b> {SCRIPT}')  # as text, not tags
    assert RLO not in page.title


# --------------------------------------------------------------------------------------------
# The JSON outputs: data round-trips, text stays verbatim and inert


def test_geojson_round_trips_and_keeps_the_text_verbatim(outputs):
    raw = outputs["geojson"].read_text(encoding="utf-8")
    data = json.loads(raw)
    assert json.loads(json.dumps(data)) == data
    text = outputs["story"].article.text
    legs = [f for f in data["features"] if f["properties"]["feature_type"] == "leg"]
    evidence = [leg["properties"]["evidence"] for leg in legs]
    assert any(BREAKOUT in e["text"] for e in evidence)
    for e in evidence:
        assert text[e["start"] : e["end"]] == e["text"]  # verbatim data, offsets still index it
    for feature in data["features"]:
        for mention in feature["properties"].get("mentions", []):
            assert text[mention["start"] : mention["end"]] == mention["text"]
    assert data["geostory"]["title"] == TITLE  # data for programs: verbatim, escaping is the reader's job


def _html_fragments(storymap: dict) -> list[str]:
    out = []
    for slide in storymap["storymap"]["slides"]:
        out.extend([slide["text"]["headline"], slide["text"]["text"]])
        if "location" in slide:
            out.append(slide["location"]["name"])
    return out


def test_storymapjs_slides_are_escaped_html(outputs):
    data = json.loads(outputs["storymap"].read_text(encoding="utf-8"))
    assert json.loads(json.dumps(data)) == data
    fragments = _html_fragments(data)
    joined = "".join(fragments)
    assert "&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;" in joined  # the quote is there
    for fragment in fragments:  # StoryMapJS renders these as HTML
        shape = PageShape()
        shape.feed(fragment)
        shape.close()
        assert set(shape.tags) <= {"p", "blockquote"}
        assert not [name for _, name, _ in shape.attributes]


def test_storymapjs_neutralises_bidi_overrides(outputs):
    raw = outputs["storymap"].read_text(encoding="utf-8")
    assert RLO not in raw


# --------------------------------------------------------------------------------------------
# In a real browser


class HostileSession:
    """The hostile page in Chromium, with every dialog, page error and console error recorded."""

    def __init__(self, browser, path: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", self._console)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.route(TILE_HOSTS, lambda route: route.abort())
        self.url = file_url(path)
        self.page.goto(self.url, wait_until="load")
        self.page.wait_for_function("window.geostory && window.geostory.ready === true", timeout=10000)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message) -> None:
        # Aborted tile requests log "Failed to load resource"; that is the network, not a script.
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.console_errors.append(message.text)

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def popup_texts(self) -> list[str]:
        """The text of every popup open now (story.js may keep more than one open)."""
        self.page.wait_for_selector(".leaflet-popup-content", timeout=5000)
        return self.js("[...document.querySelectorAll('.leaflet-popup-content')].map(e => e.textContent)")


@pytest.fixture(scope="module")
def browser():
    if not chromium_available():
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def session(browser, outputs):
    opened = HostileSession(browser, outputs["html"])
    yield opened
    opened.context.close()


@pytest.mark.browser
def test_hostile_page_runs_no_article_script(session):
    scripts_before = session.js("document.scripts.length")
    popups = []
    for _ in range(session.js("geostory.steps.length") - 1):
        session.page.keyboard.press("ArrowRight")
        popups.extend(session.popup_texts())
    for i in range(session.js("geostory.markers.length")):
        session.js(f"void geostory.markers[{i}].openPopup()")
        popups.extend(session.popup_texts())
        session.js(f"void geostory.markers[{i}].openTooltip()")
    session.page.hover("#gs-title")
    session.page.wait_for_timeout(200)
    assert session.dialogs == []
    assert session.js("typeof window.__pwned") == "undefined"
    assert session.errors == []
    assert session.console_errors == []
    assert session.js("document.scripts.length") == scripts_before
    assert (
        session.js(
            "document.querySelectorAll('img:not(.leaflet-tile):not(.leaflet-marker-icon), "
            "iframe, object, embed').length"
        )
        == 0
    )
    assert (
        session.js(
            "[...document.querySelectorAll('*')].filter(e => [...e.attributes]"
            ".some(a => a.name.startsWith('on'))).length"
        )
        == 0
    )
    assert any(BREAKOUT in text for text in popups), "the break-out sentence shows as text in a popup"
    assert any(IMG in text for text in popups), "the <img onerror> shows as text in a popup"
    outside = [
        u for u in session.requests if not (u.startswith((session.url, "data:")) or TILE_HOSTS.match(u))
    ]
    assert outside == [], "article text made the page fetch something"


@pytest.mark.browser
def test_hostile_text_shows_as_text_in_the_itinerary_and_heading(session):
    quotes = session.js("[...document.querySelectorAll('#gs-steps .gs-step-quote')].map(q => q.textContent)")
    assert any(BREAKOUT in q for q in quotes)
    heading = session.js("document.getElementById('gs-title').textContent")
    assert heading.startswith(f'<b onmouseover="{PWN}">Trip</b> {SCRIPT}')
    assert session.js("document.querySelector('#gs-title b, #gs-title script')") is None
    byline = session.js("document.querySelector('.gs-byline').textContent")
    assert IMG in byline
    assert session.js("document.querySelector('a.gs-source')") is None  # no javascript: link
    assert RLO not in session.js("document.body.textContent")
    assert RLO not in session.js("document.title")


@pytest.mark.browser
def test_template_syntax_shows_as_typed_in_the_browser(session):
    heading = session.js("document.getElementById('gs-title').textContent")
    assert heading.endswith(f"{TEMPLATE_BLOCK} {TEMPLATE}")
    assert session.js("document.title").endswith(f"{TEMPLATE_BLOCK} {TEMPLATE}")
    quotes = session.js("[...document.querySelectorAll('#gs-steps .gs-step-quote')].map(q => q.textContent)")
    assert any(f"Monday {TEMPLATE}" in q for q in quotes)
    assert "Monday 49" not in session.js("document.body.textContent")
