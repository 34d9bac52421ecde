"""GeoJSON and StoryMapJS exports: the contract a scorer and a newsroom CMS read."""

from __future__ import annotations

import dataclasses
import json
import os
from itertools import pairwise

import pytest
from browser_helpers import HOSTILE, hostile_story, make_story

from geostory.errors import OutputError
from geostory.export import (
    dumps_geojson,
    leg_coordinates,
    to_geojson,
    to_storymapjs,
    write_geojson,
    write_storymapjs,
)
from geostory.model import Coordinate, Leg, Span


def _features(collection, feature_type):
    return [f for f in collection["features"] if f["properties"]["feature_type"] == feature_type]


def test_geojson_is_a_feature_collection_of_places_then_legs_then_visits():
    collection = to_geojson(make_story())
    assert collection["type"] == "FeatureCollection"
    kinds = [f["properties"]["feature_type"] for f in collection["features"]]
    assert kinds == ["place"] * 7 + ["leg"] * 3 + ["visit"]
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        expected = "LineString" if feature["properties"]["feature_type"] == "leg" else "Point"
        assert feature["geometry"]["type"] == expected


def test_places_come_in_first_mention_order_whatever_the_input_order():
    story = make_story()
    shuffled = dataclasses.replace(story, places=tuple(reversed(story.places)))
    names = [f["properties"]["name"] for f in _features(to_geojson(shuffled), "place")]
    assert names == [
        "Russia",
        "Pyongyang",
        "Vladivostok",
        "Far Eastern Federal University",
        "Moscow",
        "Portland",
        "Ukraine",
    ]


def test_place_properties_follow_the_contract():
    story = make_story()
    places = {f["properties"]["name"]: f for f in _features(to_geojson(story), "place")}
    vladivostok = places["Vladivostok"]["properties"]
    assert {
        "name",
        "mentions",
        "place_type",
        "role",
        "confidence",
        "source",
        "approximate",
        "country_code",
        "alternatives",
        "feature_type",
    } <= set(vladivostok)
    assert vladivostok["role"] == "destination"
    assert vladivostok["place_type"] == "city"
    assert vladivostok["country_code"] == "RU"
    mention = vladivostok["mentions"][0]
    assert set(mention) == {"text", "start", "end", "sentence"}
    assert story.article.text[mention["start"] : mention["end"]] == mention["text"] == "Vladivostok"
    assert mention["text"] in mention["sentence"]
    assert places["Far Eastern Federal University"]["properties"]["approximate"] is True
    alternative = places["Portland"]["properties"]["alternatives"][0]
    assert alternative == {
        "name": "Portland",
        "lat": 43.66147,
        "lon": -70.25533,
        "country_code": "US",
        "place_type": "city",
    }
    assert places["Ukraine"]["properties"]["role"] == "mentioned"
    assert places["Moscow"]["properties"]["role"] == "origin"


def test_points_are_lon_lat():
    places = {f["properties"]["name"]: f for f in _features(to_geojson(make_story()), "place")}
    assert places["Pyongyang"]["geometry"]["coordinates"] == [125.75432, 39.03385]
    assert places["Portland"]["geometry"]["coordinates"] == [-122.67621, 45.52345]


def test_leg_properties_and_geometry_from_its_path():
    legs = _features(to_geojson(make_story()), "leg")
    rail = legs[0]
    props = rail["properties"]
    assert (props["from"], props["to"], props["mode"], props["status"]) == (
        "Pyongyang",
        "Vladivostok",
        "rail",
        "planned",
    )
    assert props["when"] == "2023-09-10/2023-09-13"
    assert props["actor"] == "Kim Jong-un"
    assert props["distance_km"] == 1180.0
    assert props["geometry_basis"] == "rail-corridor"
    assert props["waypoints"] == []
    assert set(props["evidence"]) == {"text", "start", "end"}
    assert rail["geometry"]["coordinates"][0] == [125.75432, 39.03385]
    assert rail["geometry"]["coordinates"][-1] == [131.87353, 43.10562]
    assert len(rail["geometry"]["coordinates"]) == 4
    assert legs[1]["properties"]["status"] == "possible"
    assert legs[1]["properties"]["when"] is None


@pytest.mark.parametrize(
    "actors, shown",
    [(("Kim Jong-un", "Vladimir Putin"), "Kim Jong-un, Vladimir Putin"), ((), None)],
)
def test_leg_actor_key_joins_its_movers_and_is_null_when_none_is_told(actors, shown):
    story = make_story()
    legs = (dataclasses.replace(story.legs[0], actors=actors),)
    props = _features(to_geojson(dataclasses.replace(story, legs=legs)), "leg")[0]["properties"]
    assert props["actor"] == shown


def test_leg_without_path_runs_origin_waypoints_destination():
    story = make_story()
    moscow, pyongyang = story.places[4], story.places[1]
    leg = Leg(
        origin=moscow,
        destination=pyongyang,
        mode="rail",
        status="reported",
        evidence=Span("x", 0, 1),
        waypoints=(story.places[2],),
    )
    assert leg_coordinates(leg) == [[37.61556, 55.75222], [131.87353, 43.10562], [125.75432, 39.03385]]


def test_leg_across_the_antimeridian_keeps_longitudes_continuous():
    story = make_story()
    leg = Leg(
        origin=story.places[2],
        destination=story.places[5],
        mode="air",
        status="reported",
        evidence=Span("x", 0, 1),
        path=(
            Coordinate(43.1, 131.9),
            Coordinate(55.0, 179.5),
            Coordinate(58.0, -175.0),
            Coordinate(45.5, -122.7),
        ),
    )
    lons = [lon for lon, _ in leg_coordinates(leg)]
    assert lons == [131.9, 179.5, 185.0, 237.3]
    assert all(abs(b - a) <= 180 for a, b in pairwise(lons))


def _routed_sea_leg(origin, destination):
    from geostory.model import Article, Place, Story
    from geostory.route import route

    a, b = (Place(f"t:{n}", n, lat, lon, "city", None, (), "t", 1.0) for n, lat, lon in (origin, destination))
    leg = Leg(origin=a, destination=b, mode="sea", status="reported", evidence=Span("x", 0, 1))
    return route(Story(Article("x"), (a, b), legs=(leg,))).legs[0]


@pytest.mark.parametrize(
    "origin,destination",
    [
        (("Tokyo", 35.6762, 139.6503), ("Honolulu", 21.3069, -157.8583)),
        (("Auckland", -36.8485, 174.7633), ("Los Angeles", 33.7405, -118.2775)),
    ],
)
def test_leg_across_the_antimeridian_is_a_multilinestring_cut_at_180(origin, destination):
    from geostory.export import leg_geometry

    leg = _routed_sea_leg(origin, destination)
    assert leg.geometry_basis == "sea-lanes"
    geometry = leg_geometry(leg)
    assert geometry["type"] == "MultiLineString" and len(geometry["coordinates"]) == 2
    west_part, east_part = geometry["coordinates"]
    for part in geometry["coordinates"]:
        assert len(part) >= 2 and all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in part)
    assert west_part[0] == [origin[2], origin[1]] and east_part[-1] == [destination[2], destination[1]]
    assert west_part[-1][0] == 180 and east_part[0][0] == -180  # cut on the line, both sides
    assert west_part[-1][1] == east_part[0][1]
    # the map keeps one continuous line: no step jumps across the world
    lons = [lon for lon, _ in leg_coordinates(leg)]
    assert all(abs(b - a) < 180 for a, b in pairwise(lons)) and max(lons) > 180


def test_leg_that_stays_in_one_hemisphere_is_a_linestring():
    from geostory.export import leg_geometry

    leg = _routed_sea_leg(("Dover", 51.1279, 1.3134), ("Calais", 50.9513, 1.8587))
    assert leg_geometry(leg)["type"] == "LineString"


def test_visit_features_name_their_place_and_carry_no_mentions():
    visit = _features(to_geojson(make_story()), "visit")[0]
    props = visit["properties"]
    assert "mentions" not in props
    assert props["name"] == "Vladivostok"
    assert props["event"] == "Eastern Economic Forum"
    assert props["actors"] == ["Kim Jong-un", "Vladimir Putin"]
    assert props["status"] == "planned"
    assert props["when"] == "2023-09-10/2023-09-13"
    assert visit["geometry"]["coordinates"] == [131.87353, 43.10562]


def test_geojson_has_story_metadata():
    meta = to_geojson(make_story())["geostory"]
    assert meta["title"].startswith("Kim Jong-un")
    assert meta["date"] == "2023-09-04"
    assert meta["source"] == "Yonhap"


def test_write_geojson_is_deterministic_byte_for_byte(tmp_path):
    story = make_story()
    first = write_geojson(story, tmp_path / "a.geojson").read_bytes()
    shuffled = dataclasses.replace(
        story, places=tuple(reversed(story.places)), legs=tuple(reversed(story.legs))
    )
    second = write_geojson(shuffled, tmp_path / "b.geojson").read_bytes()
    assert first == second
    assert first.endswith(b"\n")
    json.loads(first)  # strict JSON: no NaN


@pytest.mark.parametrize("story", [make_story(), hostile_story()], ids=["plain", "hostile"])
def test_write_geojson_streams_the_same_bytes_as_dumps_geojson(tmp_path, story):
    written = write_geojson(story, tmp_path / "s.geojson").read_bytes()
    assert written == dumps_geojson(story).encode("utf-8")


def test_hostile_text_round_trips_unchanged_in_geojson(tmp_path):
    path = write_geojson(hostile_story(), tmp_path / "h.geojson")
    data = json.loads(path.read_text(encoding="utf-8"))
    names = [f["properties"]["name"] for f in data["features"] if "name" in f["properties"]]
    assert any(HOSTILE in name for name in names)  # data stays faithful; escaping is for HTML


def test_storymapjs_has_an_overview_the_origin_then_one_slide_per_event_in_told_order():
    story = make_story()
    slides = to_storymapjs(story)["storymap"]["slides"]
    assert slides[0]["type"] == "overview"
    assert len(slides) == 2 + len(story.legs) + len(story.visits)
    origin, first = slides[1], slides[2]
    assert origin["location"]["name"] == "Pyongyang"  # the line starts where the first leg does
    assert origin["text"]["headline"] == "From Pyongyang"
    assert first["location"] == {"lat": 43.10562, "lon": 131.87353, "name": "Vladivostok", "line": True}
    assert "armored train" in first["text"]["text"]
    assert [s["location"]["name"] for s in slides[2:]] == [
        "Vladivostok",
        "Vladivostok",
        "Vladivostok",
        "Pyongyang",
    ]
    for slide in slides:
        assert set(slide["text"]) == {"headline", "text"}


def test_storymapjs_slides_can_follow_the_order_things_happened():
    slides = to_storymapjs(make_story(), order="happened")["storymap"]["slides"]
    assert [s["location"]["name"] for s in slides[1:3]] == ["Moscow", "Pyongyang"]


def test_storymapjs_adds_no_quote_marks_of_its_own():
    text = to_storymapjs(make_story())["storymap"]["slides"][2]["text"]["text"]
    assert "<blockquote>Mr. Kim would travel" in text and "\u201c" not in text


def _leg(text, origin, destination, fragment, when=None, actors=("Kim",)):
    from geostory.model import Leg

    start = text.index(fragment)
    return Leg(
        origin=origin,
        destination=destination,
        mode="rail",
        status="planned",
        actors=actors,
        evidence=Span(fragment, start, start + len(fragment)),
        when=when,
    )


def test_an_undated_leg_from_x_happens_after_the_leg_that_reaches_x():
    import datetime as dt

    from geostory.export import story_events
    from geostory.model import Article, Place, Story, TimeSpan, Visit

    text = (
        "Kim will go from Pyongyang to Vladivostok next week. He will meet Putin there. "
        "A delegation went to Vladivostok in late August. After Vladivostok he may go on to "
        "Vostochny."
    )

    def place(name, lat):
        return Place(
            key=name,
            name=name,
            latitude=lat,
            longitude=130.0,
            place_type="city",
            country_code="RU",
            mentions=(),
            source="geonames",
            confidence=0.9,
        )

    pyongyang, vladivostok, vostochny = (
        place("Pyongyang", 39),
        place("Vladivostok", 43),
        place("Vostochny", 51),
    )
    told = text.index("A delegation")
    delegation = Visit(
        place=vladivostok,
        evidence=Span(text[told : told + 48], told, told + 48),
        when=TimeSpan(dt.date(2023, 8, 20), dt.date(2023, 8, 31), "late August"),
    )
    train = _leg(
        text,
        pyongyang,
        vladivostok,
        "Kim will go from Pyongyang to Vladivostok next week.",
        when=TimeSpan(dt.date(2023, 9, 11), dt.date(2023, 9, 17), "next week"),
    )
    start = text.index("He will meet")
    meeting = Visit(place=vladivostok, evidence=Span("He will meet Putin there.", start, start + 25))
    onward = _leg(text, vladivostok, vostochny, "After Vladivostok he may go on to Vostochny.")
    story = Story(
        Article(text),
        places=(pyongyang, vladivostok, vostochny),
        legs=(train, onward),
        visits=(delegation, meeting),
    )
    # Story.events alone puts the onward leg right after late August, before the train
    assert list(story.events("happened")) == [delegation, onward, train, meeting]
    assert story_events(story, "happened") == [delegation, train, meeting, onward]
    assert story_events(story, "told") == list(story.events("told"))


@pytest.mark.parametrize(
    "sentence, text, expected",
    [
        # the segmenter cut before the closing mark: it comes back
        (
            '"We will go to Vladivostok," he said, "by train.',
            '"We will go to Vladivostok," he said, "by train."\nNext.',
            '"We will go to Vladivostok," he said, "by train."',
        ),
        # the next sentence opened with that mark: it goes
        (
            '" Both leaders would be there.',
            'He said.\n" Both leaders would be there.',
            "Both leaders would be there.",
        ),
        # balanced marks: left alone
        ('"Go," he said.', '"Go," he said. Then.', '"Go," he said.'),
    ],
)
def test_quoted_sentence_keeps_a_quotation_whole(sentence, text, expected):
    from geostory.export import quoted_sentence

    start = text.index(sentence)
    fixed = quoted_sentence(Span(sentence, start, start + len(sentence)), text)
    assert fixed.text == expected and text[fixed.start : fixed.end] == expected


def test_storymapjs_escapes_article_text():
    data = to_storymapjs(hostile_story())
    text = json.dumps(data)
    assert "<script>" not in text and "<img" not in text and "<svg" not in text
    assert "&lt;script&gt;" in text


def test_write_storymapjs_writes_json(tmp_path):
    path = write_storymapjs(make_story(), tmp_path / "story.json")
    assert json.loads(path.read_text(encoding="utf-8"))["storymap"]["slides"][0]["type"] == "overview"


@pytest.mark.parametrize("writer", [write_geojson, write_storymapjs])
def test_write_into_missing_folder_raises_output_error(tmp_path, writer):
    with pytest.raises(OutputError, match="does not exist"):
        writer(make_story(), tmp_path / "nope" / "out.json")


@pytest.mark.parametrize("writer", [write_geojson, write_storymapjs])
def test_write_over_a_folder_raises_output_error_and_leaves_no_temp_file(tmp_path, writer):
    (tmp_path / "out.json").mkdir()
    with pytest.raises(OutputError):
        writer(make_story(), tmp_path / "out.json")
    assert sorted(os.listdir(tmp_path)) == ["out.json"]


def test_write_replaces_an_existing_file_atomically(tmp_path):
    target = tmp_path / "out.geojson"
    target.write_text("old")
    write_geojson(make_story(), target)
    assert json.loads(target.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    assert sorted(os.listdir(tmp_path)) == ["out.geojson"]
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)


def test_a_mode_assumed_from_distance_is_marked_in_the_geojson():
    from dataclasses import replace

    from geostory.export import to_geojson

    story = make_story()
    story = replace(story, legs=tuple(replace(leg, mode="air", mode_inferred=True) for leg in story.legs))
    legs = [
        f["properties"] for f in to_geojson(story)["features"] if f["properties"]["feature_type"] == "leg"
    ]
    assert legs and all(leg["mode"] == "air" and leg["mode_inferred"] is True for leg in legs)


def test_vertex_on_the_antimeridian_is_not_repeated_at_the_cut():
    from geostory.export import leg_geometry
    from geostory.model import Place

    def place(name: str, lat: float, lon: float) -> Place:
        return Place(f"t:{name}", name, lat, lon, "city", None, (), "test", 1.0)

    leg = Leg(
        origin=place("A", 35, 170),
        destination=place("B", 21, -160),
        mode="sea",
        status="reported",
        evidence=Span("x", 0, 1),
        geometry_basis="sea-lanes",
        path=(Coordinate(35, 170), Coordinate(30, 180), Coordinate(21, -160)),
    )
    geometry = leg_geometry(leg)
    assert geometry["type"] == "MultiLineString"
    for part in geometry["coordinates"]:
        assert all(a != b for a, b in pairwise(part)), part
