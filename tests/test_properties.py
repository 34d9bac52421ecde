"""Properties of the real pipeline over random and adversarial text (hypothesis).

Whatever the text: `build_story` raises nothing but a `GeostoryError`; every offset it reports
indexes the article; every coordinate is finite and on the globe; the exports are valid JSON.
The text mixes real place names and travel words (so legs and visits do occur) with punctuation,
markup, unicode, bidi controls, CRLF, very long tokens and near-empty strings.
"""

from __future__ import annotations

import json
import math

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from geostory.errors import GeostoryError, InputError  # noqa: E402
from geostory.model import Mention, Span, Story  # noqa: E402

pytestmark = pytest.mark.slow

PLACE_NAMES = [
    "Paris",
    "Berlin",
    "Kyiv",
    "Warsaw",
    "New York",
    "Tokyo",
    "São Paulo",
    "Pyongyang",
    "Vladivostok",
    "Washington",
    "London",
    "Moscow",
    "Fiji",
    "Auckland",
    "Anchorage",
    "Portland",
    "Georgia",
    "Nice",
    "Reading",
    "Turkish",
    "Mount Everest",
    "the Red Sea",
]
WORDS = [
    "The minister flew from",
    "to",
    "by train",
    "drove",
    "sailed from",
    "via",
    "and then",
    "met in",
    "will travel to",
    "on Monday",
    "next week",
    "in late July",
    "Mr. Kim",
    "said",
    "did not go to",
    "rather than",
    "He",
    "She",
    "We",
    "It",
    "from",
    "at",
    "in",
    ",",
    ".",
    "!",
    "?",
    ";",
    "\u2014",
    '"',
    "'",
    "(",
    ")",
]
ADVERSARIAL = [
    "<script>window.__pwned=1</script>",
    "</script>",
    "<b>",
    "&amp;",
    "&",
    "<",
    ">",
    "javascript:alert(1)",
    "\u202e",
    "\u202c",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\r\n",
    "\r",
    "\n",
    "\n\n",
    "\t",
    " ",
    "\x0b",
    "\x0c",
    "\x00",
    "\x1b",
    "\U0001f1eb\U0001f1f7",
    "e\u0301",
    "\u0130stanbul",
    "\u00df",
    "\ufb01",
    "NaN",
    "Infinity",
    "-0",
    "1e309",
    "\\",
    "{",
    "}",
    "[",
    "]",
    "https://example.org/?a=1&b=<2>",
]


def _long_token(n: int) -> str:
    return "x" * n


fragments = st.one_of(
    st.sampled_from(PLACE_NAMES),
    st.sampled_from(PLACE_NAMES).map(str.upper),
    st.sampled_from(WORDS),
    st.sampled_from(ADVERSARIAL),
    st.text(max_size=12),  # any unicode (hypothesis leaves out surrogates)
    st.integers(min_value=200, max_value=6000).map(_long_token),
)
separators = st.sampled_from([" ", " ", " ", "", "\n", "\r\n", ". ", ", ", "\u00a0"])
articles = st.one_of(
    st.lists(st.tuples(fragments, separators), max_size=30).map(
        lambda parts: "".join(f + s for f, s in parts)
    ),
    st.sampled_from(["", " ", "\n", "\r\n\r\n", "\u200b", "\ufeff", ".", "Paris", "PARIS", "\u202eParis"]),
)

PROFILE = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _check_span(text: str, span: Span, what: str) -> None:
    assert 0 <= span.start <= span.end <= len(text), f"{what} {span.start}:{span.end} outside the text"
    assert text[span.start : span.end] == span.text, f"{what} text does not match its offsets"


def _check_mention(text: str, mention: Mention) -> None:
    _check_span(text, mention, "mention")  # a Mention has text/start/end like a Span
    assert mention.text, "an empty mention"
    _check_span(text, mention.sentence, "mention sentence")
    assert mention.sentence.start <= mention.start and mention.end <= mention.sentence.end, (
        "a mention lies outside its sentence"
    )


def _check_position(lat: float, lon: float, what: str, *, lon_limit: float = 180.0) -> None:
    assert math.isfinite(lat) and math.isfinite(lon), f"{what} is not finite: {lat}, {lon}"
    assert -90.0 <= lat <= 90.0, f"{what} latitude {lat} out of range"
    assert -lon_limit <= lon <= lon_limit, f"{what} longitude {lon} out of range"


def check_story(text: str, story: Story) -> None:
    assert story.article.text == text
    for place in story.places:
        _check_position(place.latitude, place.longitude, f"place {place.name!r}")
        assert 0.0 <= place.confidence <= 1.0
        assert place.mentions, f"place {place.name!r} has no evidence"
        for mention in place.mentions:
            _check_mention(text, mention)
        for candidate in place.alternatives:
            _check_position(candidate.latitude, candidate.longitude, f"alternative {candidate.name!r}")
    for mention in story.unresolved:
        _check_mention(text, mention)
    for leg in story.legs:
        _check_span(text, leg.evidence, "leg evidence")
        for end in (leg.origin, leg.destination, *leg.waypoints):
            _check_position(end.latitude, end.longitude, f"leg stop {end.name!r}")
        assert len(leg.path) >= 2, "a routed leg has a path"
        for point in leg.path:  # longitudes may run on past +-180 to stay continuous
            _check_position(point.latitude, point.longitude, "leg path point", lon_limit=540.0)
        assert (leg.path[0].latitude, leg.path[0].longitude) == (leg.origin.latitude, leg.origin.longitude)
        end = leg.path[-1]
        assert end.latitude == pytest.approx(leg.destination.latitude)
        assert (end.longitude - leg.destination.longitude) % 360.0 == pytest.approx(0.0, abs=1e-6) or (
            end.longitude - leg.destination.longitude
        ) % 360.0 == pytest.approx(360.0, abs=1e-6)
        assert leg.distance_km is not None and math.isfinite(leg.distance_km) and leg.distance_km >= 0
    for visit in story.visits:
        _check_span(text, visit.evidence, "visit evidence")
        _check_position(visit.place.latitude, visit.place.longitude, f"visit place {visit.place.name!r}")


def check_exports(story: Story) -> None:
    from geostory.export import dumps_geojson, to_storymapjs
    from geostory.render import script_json, story_data

    data = json.loads(dumps_geojson(story))  # dumps uses allow_nan=False: NaN would raise
    assert data["type"] == "FeatureCollection"
    for feature in data["features"]:
        geometry = feature["geometry"]
        if geometry["type"] == "Point":
            lon, lat = geometry["coordinates"]
            _check_position(lat, lon, "GeoJSON point")
        elif geometry["type"] == "LineString":  # RFC 7946 3.1.9: every longitude in +-180
            assert len(geometry["coordinates"]) >= 2
            for lon, lat in geometry["coordinates"]:
                _check_position(lat, lon, "GeoJSON line")
        else:
            assert geometry["type"] == "MultiLineString", geometry["type"]
            for part in geometry["coordinates"]:
                assert len(part) >= 2
                for lon, lat in part:
                    _check_position(lat, lon, "GeoJSON line part")
    json.dumps(to_storymapjs(story), allow_nan=False)
    blob = script_json(story_data(story))
    assert not set("<>&\u2028\u2029") & set(blob), "the page's data blob could end its <script>"
    json.loads(blob)


@PROFILE
@given(text=articles)
def test_build_story_keeps_its_promises_on_any_text(real_build_story, text):
    try:
        story = real_build_story(text)
    except InputError:
        assert not text.strip(), "only an empty article may be refused as input"
        return
    except GeostoryError as err:  # allowed, but nothing else is
        pytest.fail(f"unexpected {type(err).__name__} on a plain text: {err}")
    check_story(text, story)
    check_exports(story)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    names=st.lists(st.sampled_from(PLACE_NAMES), min_size=2, max_size=5),
    glue=st.sampled_from([" to ", " then to ", " via ", ", then ", " and on to "]),
    noise=st.sampled_from(ADVERSARIAL),
    mode=st.sampled_from(["flew", "took the train", "drove", "sailed"]),
)
def test_journeys_through_noise_keep_offsets_and_coordinates(real_build_story, names, glue, noise, mode):
    text = (
        f"The envoy {mode} from {glue.join(names)} on Monday.{noise} "
        f"Then she met officials in {names[-1]}.\r\n"
    )
    story = real_build_story(text)
    check_story(text, story)
    check_exports(story)
