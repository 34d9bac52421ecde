"""People named like towns: the cues that tell recognition a name is a person's here.

Real spaCy model and offline gazetteer, on short sentences written for these tests (never taken
from the evaluation corpora). Each case names its rule in `geostory/recognize.py`; the second
group checks that the same rules leave places where the text writes them as places.
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "text, name",
    [
        # the surname before a generational suffix (`_surname_span`)
        (
            "Aid to Cairo grew under George Bush Jr. Later the Bush administration cut it.",
            "Bush",
        ),
        # the whole name after a title, split full stop and all (`_title_before`)
        ("The driver was stopped at 5 p.m., LPD Lt. Brent Wheat said in a statement.", "Brent"),
        # a surname whose only place slot is a noun's modifier (`_firmly_placed`)
        (
            "New twist in Fairfield hearing. Elizabeth Fairfield, 30, faces four charges. "
            "Fairfield was already in jail in March.",
            "Fairfield",
        ),
        # a surname before a comma and a name that is no state (`_firmly_placed`)
        (
            "Commissioner Wade McKinney objected. McKinney, Holstein and Lawrence voted against it.",
            "McKinney",
        ),
        # a given name the model also reads alone as a person's (`_named_as_people`)
        (
            'Tyler Kivel won at 135 pounds. "Tyler was close to pinning him," the coach said.',
            "Tyler",
        ),
        # a name in apposition to a person noun (`_person_in_apposition`)
        ("Three people were in the truck: Marshall, his friend Andrew and a driver.", "Marshall"),
        # a single name listed with full names (`_listed_with_people`)
        (
            "The lynching of Roger and Dorothy Malcom and George and Mae Dorsey shocked the state.",
            "George",
        ),
        # a demonym that is a speaker's surname
        ('Spokeswoman Monica French said the audit was fair. "We helped," French said.', "French"),
        # a region GeoNames counts no one in, labelled a person (`_taken_back`)
        ("Patrick worked with the township committee. Patrick is a senior at the high school.", "Patrick"),
    ],
)
def test_a_name_the_text_uses_for_a_person_is_not_a_place(recognize_text, text, name):
    assert name not in [m.text for m in recognize_text(text)]


@pytest.mark.parametrize(
    "text, place",
    [
        # a surname elsewhere, but the town written before its state
        ("Tom Fairfield was hired. The fire in Fairfield, Ohio, burned two homes.", "Fairfield"),
        # a comma after a town that opens a clause is no list of people
        ("In Dublin, John Smith said the vote would be close.", "Dublin"),
        # a home before an apposition is a place ("of X, a member")
        ("Mary Z. Connaughton, of Framingham, a board member, objected.", "Framingham"),
        # a given name alone is no evidence: the city stays a city
        ("Paris Hilton arrived on Monday. Flights to Paris were full.", "Paris"),
        # a people after a lower-case office word, and a people that is the subject of "would"
        ("The deputy Russian foreign minister spoke.", "Russian"),
        ("Hardeman said Ontarians would pay more for gasoline.", "Ontarians"),
    ],
)
def test_the_person_cues_leave_places_written_as_places(recognize_text, text, place):
    assert place in [m.text for m in recognize_text(text)]
