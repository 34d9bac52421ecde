"""GPX and KML exports: places as waypoints/points, legs as tracks/lines, each with its evidence."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import gpxpy
import pytest
from browser_helpers import hostile_story, make_story

from geostory.tracks import to_gpx, to_kml, write_gpx, write_kml

KML = "{http://www.opengis.net/kml/2.2}"


def test_gpx_has_a_waypoint_per_place_and_a_track_per_leg_with_evidence():
    story = make_story()
    gpx = gpxpy.parse(to_gpx(story))
    assert [w.name for w in gpx.waypoints][:3] == ["Russia", "Pyongyang", "Vladivostok"]
    assert len(gpx.waypoints) == len(story.places)
    assert len(gpx.tracks) == len(story.legs)
    rail = gpx.tracks[0]
    assert rail.name == "Pyongyang \u2192 Vladivostok" and rail.type == "rail"
    assert "armored train" in rail.description and "planned" in rail.description
    points = rail.segments[0].points
    assert (points[0].latitude, points[0].longitude) == (39.03385, 125.75432)  # from its path
    assert len(points) == 4
    pyongyang = gpx.waypoints[1]
    assert "Shoigu's trip from Moscow to Pyongyang" in pyongyang.description


def test_kml_has_points_and_lines_in_lon_lat_order():
    root = ET.fromstring(to_kml(make_story()).encode("utf-8"))
    folders = {f.find(f"{KML}name").text: f for f in root.iter(f"{KML}Folder")}
    points = folders["Places"].findall(f"{KML}Placemark")
    lines = folders["Journeys"].findall(f"{KML}Placemark")
    assert len(points) == 7 and len(lines) == 3
    coords = lines[0].find(f".//{KML}coordinates").text.split()
    assert coords[0].startswith("125.75432,39.03385")
    assert "armored train" in lines[0].find(f"{KML}description").text


@pytest.mark.parametrize("export", [to_gpx, to_kml])
def test_exports_are_deterministic_and_escape_article_text(export):
    assert export(make_story()) == export(make_story())
    text = export(hostile_story())
    ET.fromstring(text.encode("utf-8"))  # well-formed XML
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "\u202e" not in text


@pytest.mark.parametrize("writer, suffix", [(write_gpx, "gpx"), (write_kml, "kml")])
def test_writers_write_atomically(tmp_path, writer, suffix):
    path = writer(make_story(), tmp_path / f"story.{suffix}")
    assert path.read_text(encoding="utf-8").startswith("<?xml")
    assert [p.name for p in tmp_path.iterdir()] == [f"story.{suffix}"]
