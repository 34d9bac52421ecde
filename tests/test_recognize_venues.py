"""Venues: local facilities named like organisations, where stories send patients, the arrested and
pupils. Real spaCy model and offline gazetteer, on sentences written for these tests.

A venue is a pin on the map (at its town, approximately) and no toponym: `geoparse` reports the
town inside its name, as news corpora mark it, and leaves the venue out.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def read(recognize_text):
    return lambda text: {m.text: m.kind for m in recognize_text(text)}


@pytest.mark.parametrize(
    "text, venue, inner",
    [
        (
            "After his arrest he was taken to Huntsville Memorial Hospital for an evaluation.",
            "Huntsville Memorial Hospital",
            "Huntsville",
        ),
        (
            "The driver was lodged in the Madison County Detention Center on Friday.",
            "Madison County Detention Center",
            None,
        ),
        # the model tagged the name a person's, or cut it before its tail
        (
            "The mother was transported to Pattie A. Clay Regional Medical Center, police said.",
            "Pattie A. Clay Regional Medical Center",
            None,
        ),
        (
            "She was taken to Cook Children's Medical Center in Fort Worth.",
            "Cook Children's Medical Center",
            None,
        ),
    ],
)
def test_a_local_facility_is_a_venue_holding_its_town(read, text, venue, inner):
    kinds = read(text)
    assert kinds.get(venue) == "venue"
    if inner is not None:
        assert kinds.get(inner) == "embedded"


def test_a_hospital_with_no_town_in_its_name_stays_a_facility(read):
    kinds = read("The boy was moved to Central Mental Hospital on Monday.")
    assert kinds.get("Central Mental Hospital") == "facility"


def test_geoparse_leaves_the_venue_out_and_keeps_its_town():
    pytest.importorskip("spacy")
    from geostory.pipeline import geoparse

    text = "HUNTSVILLE, Texas - The man was transported to Huntsville Memorial Hospital on Sunday."
    result = next(geoparse([("d", text)]))
    names = [m.text for m in result.mentions]
    assert "Huntsville Memorial Hospital" not in names
    assert names.count("Huntsville") == 1


def test_a_patient_is_taken_from_the_scene_to_the_venue():
    pytest.importorskip("spacy")
    from geostory.pipeline import build_story

    story = build_story(
        "A bus crashed near Conroe on Sunday. The injured were taken to Huntsville Memorial Hospital, "
        "police in Huntsville said."
    )
    venue = next(p for p in story.places if p.name == "Huntsville Memorial Hospital")
    assert venue.approximate and venue.container == "Huntsville"
    assert {(leg.origin.name, leg.destination.name) for leg in story.legs} == {
        ("Conroe", "Huntsville Memorial Hospital")
    }
