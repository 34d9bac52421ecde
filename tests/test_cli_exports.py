"""`geostory build --gpx/--kml/--storymap-order`: the new exports from the command line."""

from __future__ import annotations

import json

import gpxpy

from geostory.cli import main

TEXT = "Kim traveled by train from Pyongyang to Vladivostok on Monday to meet Putin.\n"


def test_build_writes_gpx_kml_and_happened_order_slides(real_build_story, tmp_path, monkeypatch):
    (tmp_path / "article.txt").write_text(TEXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(
        [
            "build",
            "article.txt",
            "-o",
            "map.html",
            "--gpx",
            "map.gpx",
            "--kml",
            "map.kml",
            "--storymap",
            "map.json",
            "--storymap-order",
            "happened",
        ]
    )
    assert code == 0
    gpx = gpxpy.parse((tmp_path / "map.gpx").read_text(encoding="utf-8"))
    assert {w.name for w in gpx.waypoints} >= {"Pyongyang", "Vladivostok"}
    assert [t.name for t in gpx.tracks] == ["Pyongyang \u2192 Vladivostok"]
    assert "<LineString" in (tmp_path / "map.kml").read_text(encoding="utf-8")
    slides = json.loads((tmp_path / "map.json").read_text(encoding="utf-8"))["storymap"]["slides"]
    assert [s["location"]["name"] for s in slides[1:]] == ["Pyongyang", "Vladivostok"]
