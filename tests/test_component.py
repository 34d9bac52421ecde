"""geostory as a spaCy component: `nlp.add_pipe("geostory_places")` in any pipeline."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")


@pytest.fixture(scope="module")
def nlp(real_build_story):
    """The default English pipeline with geostory's component added by name (entry point)."""
    from geostory.language import DEFAULT_MODEL

    pipeline = spacy.load(DEFAULT_MODEL)
    pipeline.add_pipe("geostory_places")
    return pipeline


def test_component_is_registered_through_the_entry_point():
    from importlib.metadata import entry_points

    names = {ep.name: ep.value for ep in entry_points(group="spacy_factories")}
    assert names.get("geostory_places") == "geostory.component:make_places_component"


def test_component_writes_place_spans_with_resolved_places(nlp):
    doc = nlp("Kim travelled by train from Pyongyang to Vladivostok, then met officials in Moscow.")
    spans = doc.spans["places"]
    assert [s.text for s in spans] == ["Pyongyang", "Vladivostok", "Moscow"]
    pyongyang = spans[0]._.place
    assert pyongyang.country_code == "KP"
    assert abs(pyongyang.latitude - 39.03) < 0.2 and abs(pyongyang.longitude - 125.75) < 0.2
    assert spans[0]._.mention.start == doc.text.index("Pyongyang")
    assert doc._.geostory_resolution.places[0] is pyongyang


def test_component_spans_key_is_configurable(real_build_story):
    from geostory.language import DEFAULT_MODEL

    pipeline = spacy.load(DEFAULT_MODEL, exclude=["parser", "lemmatizer"])
    pipeline.add_pipe("sentencizer", first=True)
    pipeline.add_pipe("geostory_places", config={"spans_key": "toponyms"})
    doc = pipeline("Talks were held in Paris.")
    assert [s.text for s in doc.spans["toponyms"]] == ["Paris"]
    assert "places" not in doc.spans


def test_component_reads_an_overrides_file(real_build_story, tmp_path):
    from geostory.language import DEFAULT_MODEL

    places = tmp_path / "places.csv"
    places.write_text(
        "name,latitude,longitude,exclude,place_type,display_name\nParis,33.66,-95.55,,city,Paris (Texas)\n",
        encoding="utf-8",
    )
    pipeline = spacy.load(DEFAULT_MODEL)
    pipeline.add_pipe("geostory_places", config={"places_file": str(places)})
    doc = pipeline("Talks were held in Paris.")
    (span,) = doc.spans["places"]
    assert span._.place.name == "Paris (Texas)" and round(span._.place.latitude, 2) == 33.66


def test_build_story_uses_the_component(real_build_story):
    story = real_build_story("Talks were held in Paris and Berlin.")
    assert [p.name for p in story.places] == ["Paris", "Berlin"]
