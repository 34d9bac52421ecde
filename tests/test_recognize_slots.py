"""Names the small model misses or mislabels where a movement's ends are written: the object of a
departure or arrival verb, and the goal after 'for' of a departure. Real spaCy model and offline
gazetteer, on sentences written for these tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def story_of():
    pytest.importorskip("spacy")
    from geostory.pipeline import build_story

    return build_story


@pytest.mark.parametrize(
    "text, leg",
    [
        ("The ferry departed Holyhead for Dublin at 8am.", ("Holyhead", "Dublin", "sea")),
        ("The ferry left Calais for Dover at 8am.", ("Calais", "Dover", "sea")),
    ],
)
def test_the_ends_of_a_departure_are_places(story_of, text, leg):
    story = story_of(text)
    assert {(x.origin.name, x.destination.name, x.mode) for x in story.legs} == {leg}
