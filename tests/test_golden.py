"""The seed's story GeoJSON against a golden file: the deterministic intermediate of the pipeline.

Any change in what geostory reads from the seed (places, coordinates, legs, dates, evidence) shows
up here as a diff. After an intended change, regenerate and review the diff:

    GEOSTORY_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
    git diff tests/golden/
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from geostory.export import dumps_geojson
from geostory.read import read_article

GOLDEN = Path(__file__).parent / "golden" / "seed.geojson"
SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_5c1121d8640b17ca.txt"


def test_seed_story_geojson_matches_the_golden_file(real_build_story):
    actual = dumps_geojson(real_build_story(read_article(SEED)))
    if os.environ.get("GEOSTORY_UPDATE_GOLDEN"):
        GOLDEN.write_text(actual, encoding="utf-8")
        pytest.skip(f"regenerated {GOLDEN}")
    expected = GOLDEN.read_text(encoding="utf-8")
    if actual != expected:  # a readable first difference, not a 30 KB string diff
        got, want = json.loads(actual)["features"], json.loads(expected)["features"]
        for index, (g, w) in enumerate(zip(got, want, strict=True)):
            assert g == w, f"feature {index} differs; regenerate with GEOSTORY_UPDATE_GOLDEN=1 if intended"
        assert len(got) == len(want), f"{len(got)} features, golden has {len(want)}"
    assert actual == expected


def test_seed_story_geojson_is_byte_for_byte_repeatable(real_build_story):
    first = dumps_geojson(real_build_story(read_article(SEED)))
    second = dumps_geojson(real_build_story(read_article(SEED)))
    assert first == second
