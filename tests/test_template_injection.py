"""Template syntax in anything that came from the story is text, never Jinja.

folium and branca compile a string handed to `Element(s)`, `Html`, `Popup` or `Tooltip` as a Jinja
template, so `{{ ... }}` written in an article would run on the machine that builds the map. These
tests put template payloads in every channel story text arrives by (article text, title, sidecar,
overrides file, an online geocoder's answer) and check that the outputs carry the same literal
characters, that nothing ran, and that no element in the rendered tree holds story text in its
template source.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from browser_helpers import make_story
from geopy.location import Location
from hypothesis import given, settings
from hypothesis import strategies as st

from geostory.model import Article, Story
from geostory.render import Verbatim, render_html, render_map

# Quote-free so that escaping cannot defuse them: each would run if Jinja ever saw it.
MAKES_A_FOLDER = "{{ cycler.__init__.__globals__.os.mkdir(cycler.__name__) }}"
PAYLOADS = (
    "{{ 7*7 }}",
    "{% for x in range(3) %}x{% endfor %}",
    "{# c #}",
    "{{ cycler.__init__.__globals__ }}",
    MAKES_A_FOLDER,
)
EVALUATED = ("49", "xxx", "Cycler")  # what the payloads would leave behind if evaluated
ALL = " ".join(PAYLOADS)
TEXT = (
    f"President Smith flew from Paris to Berlin on Monday {PAYLOADS[0]}.\n"
    f"Then he went by train to Warsaw {PAYLOADS[1]} {PAYLOADS[2]}.\n"
    f"Aides stayed in Warsaw {PAYLOADS[3]} {MAKES_A_FOLDER}.\n"
)


def _template_sources(root) -> list[str]:
    """The Jinja source of every element in a rendered tree (instance templates only)."""
    sources, stack, seen = [], [root], set()
    while stack:
        element = stack.pop()
        if id(element) in seen:
            continue
        seen.add(id(element))
        source = getattr(element, "_template_str", None)
        if source:
            sources.append(source)
        stack.extend(getattr(element, "_children", {}).values())
        for attr in ("header", "html", "script"):
            child = getattr(element, attr, None)
            if child is not None and hasattr(child, "_children"):
                stack.append(child)
    return sources


def _data_blob(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="geostory-data">(\{.*?)</script>', page, re.S)
    assert found, "no data blob"
    return json.loads(found.group(1))


def _assert_literal(page: str, pieces=PAYLOADS) -> None:
    for piece in pieces:
        assert piece in page or html.escape(piece) in page, piece


@pytest.fixture(scope="module")
def story(real_build_story) -> Story:
    article = Article(
        text=TEXT,
        title=f"Trip {ALL}",
        date=dt.date(2024, 5, 6),
        source=f"Wire {PAYLOADS[0]}",
        url="https://example.org/{{7*7}}",
    )
    return real_build_story(article)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_story_from_hostile_text_still_has_its_journey(story):
    assert {p.name for p in story.places} >= {"Paris", "Berlin", "Warsaw"}
    assert story.legs


def test_payloads_in_text_title_and_source_stay_literal_in_the_page(story, in_tmp):
    page = render_html(story)
    data = _data_blob(page)
    assert data["title"] == f"Trip {ALL}"
    assert PAYLOADS[0] in data["byline"]
    popups = " ".join(p["popup"] for p in data["places"]) + " ".join(leg["popup"] for leg in data["legs"])
    # The sentence splitter may cut inside a payload; these sit whole inside one sentence each.
    _assert_literal(popups, (PAYLOADS[0], PAYLOADS[3], MAKES_A_FOLDER))
    assert f"<title>Trip {html.escape(ALL)}</title>" in page
    for evaluated in ("Monday 49", "Warsaw xxx", "Cycler"):
        assert evaluated not in page
    assert list(in_tmp.iterdir()) == []  # the folder-making payload did not run


def test_exports_keep_the_payloads_verbatim(story, tmp_path):
    from geostory.export import write_geojson, write_storymapjs

    geojson = write_geojson(story, tmp_path / "s.geojson").read_text(encoding="utf-8")
    storymap = write_storymapjs(story, tmp_path / "s.json").read_text(encoding="utf-8")
    for piece in PAYLOADS:
        assert json.dumps(piece)[1:-1] in geojson
    slides = json.dumps(json.loads(storymap))
    assert any(json.dumps(html.escape(p))[1:-1] in slides for p in PAYLOADS)
    assert "Monday 49" not in geojson + storymap


def test_no_element_template_holds_story_text(story):
    sources = _template_sources(render_map(story).get_root())
    for source in sources:
        for piece in ("President Smith", "Trip ", "Wire ", *PAYLOADS):
            assert piece not in source, (piece, source[:200])


def test_verbatim_emits_exactly_its_text():
    assert Verbatim(ALL).render() == ALL
    assert Verbatim("{% endfor %}").render(embedded=True) == "{% endfor %}"


def test_overrides_display_name_stays_literal(real_build_story, tmp_path, in_tmp):
    places = tmp_path / "places.csv"
    places.write_text(
        "name,latitude,longitude,exclude,place_type,display_name\n"
        f'Warsaw,52.23,21.01,,city,"Warsaw {PAYLOADS[0]} {MAKES_A_FOLDER}"\n',
        encoding="utf-8",
    )
    built = real_build_story(Article(text=TEXT), places_file=places)
    names = {p.name for p in built.places}
    assert f"Warsaw {PAYLOADS[0]} {MAKES_A_FOLDER}" in names
    page = render_html(built)
    _assert_literal(page, (PAYLOADS[0], MAKES_A_FOLDER))
    assert [p.name for p in in_tmp.iterdir()] == ["places.csv"]


class _HostileGeocoder:
    """A geopy-compatible geocoder whose answers (and name) carry template payloads."""

    service_name = f"svc {PAYLOADS[0]}"

    def geocode(self, query: str, *, exactly_one: bool = True):
        address = f"{query} {ALL}, Testland"
        location = Location(
            address,
            (48.5, 11.5),
            {"name": f"{query} {MAKES_A_FOLDER}", "display_name": address, "lat": "48.5", "lon": "11.5"},
        )
        return location if exactly_one else [location]


def test_online_geocoder_answer_stays_literal(in_tmp):
    from test_resolve import FakeGazetteer, mentions_of

    from geostory.resolve import resolve

    text = f"The envoy flew to Qzarnovka {PAYLOADS[1]} on Monday."
    resolution = resolve(
        mentions_of(text, "Qzarnovka"), text, gazetteer=FakeGazetteer({}), geocoder=_HostileGeocoder()
    )
    (place,) = resolution.places
    assert place.source == _HostileGeocoder.service_name
    page = render_html(Story(Article(text, title=f"Envoy {MAKES_A_FOLDER}"), places=resolution.places))
    blob = json.dumps(_data_blob(page), ensure_ascii=False)
    _assert_literal(blob, (PAYLOADS[0], PAYLOADS[1], MAKES_A_FOLDER))
    assert "svc 49" not in page and "Cycler" not in page
    assert list(in_tmp.iterdir()) == []


def test_cli_build_with_hostile_text_and_sidecar_runs_nothing(geostory_cli, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    article.with_suffix(".json").write_text(
        json.dumps({"title": f"T {ALL}", "source": MAKES_A_FOLDER, "date": "2024-05-06"}), encoding="utf-8"
    )
    result = geostory_cli("build", "a.txt", "-o", "a.html", "--geojson", "a.geojson")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "a.html").read_text(encoding="utf-8")
    _assert_literal(page)
    assert "Monday 49" not in page and "Cycler" not in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.geojson", "a.html", "a.json", "a.txt"]


BRACEY = st.text(alphabet=st.sampled_from(list("{}%#-+*() abcXYZ019'\"<>&|.")), min_size=1, max_size=120)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(title=BRACEY, noise=BRACEY)
def test_any_braces_and_percents_render_literally(title, noise):
    """Hand-built stories (no model): title and quoted sentences come out as the same characters."""
    base = make_story()
    sentence = base.legs[0].evidence
    story = make_story(
        text=base.article.text.replace(sentence.text, sentence.text + " " + noise), title=title
    )
    page = render_html(story)  # never raises
    data = _data_blob(page)
    assert data["title"] == title.strip() or data["title"] == title
    assert f"<title>{html.escape(data['title'])}</title>" in page
    quoted = " ".join(leg["popup"] for leg in data["legs"])
    assert html.escape(noise.strip()) in quoted or not noise.strip()


TEMPLATE_BUILDERS = {"Element", "Html", "Popup", "Tooltip", "Template", "from_string", "DivIcon", "IFrame"}


def test_package_compiles_only_literal_templates():
    """A static guard: every template the package builds has a literal source, nothing computed."""
    import ast

    package = Path(__file__).resolve().parent.parent / "geostory"
    offenders = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in TEMPLATE_BUILDERS and any(
                not isinstance(arg, ast.Constant) for arg in [*node.args, *(k.value for k in node.keywords)]
            ):
                offenders.append(f"{path.name}:{node.lineno} {name}(...)")
    assert offenders == [], "build markup with Verbatim, not a template: " + ", ".join(offenders)
