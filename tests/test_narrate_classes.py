"""Classes of English narrate reads, each on a sentence made up for the test (never a corpus sentence)."""

from __future__ import annotations

import pytest
from test_narrate_package import _legs, _read, nlp  # noqa: F401  (the fixture)

CASES = [
    # an origin told by a stay in the same sentence, before the movement
    (
        "stay in an after-phrase",
        "After twenty years of teaching in Lyon, Marta Ruiz and her husband moved to Vienna in 1990.",
        {("Lyon", "Vienna", "air")},
    ),
    (
        "stay the movement comes before",
        "The couple married at Sorbonne University on Saturday before heading on their honeymoon to Rome.",
        {("Sorbonne University", "Rome", "air")},
    ),
    (
        "an after-phrase in a continent is no origin",
        "After a decade in Asia, Marta Ruiz moved to Vienna.",
        set(),
    ),
    # fan-out: several destinations joined by 'and' are one journey to each
    (
        "plural trip noun fans out",
        "The airline runs daily flights from Munich to Madrid, Rome and Vienna.",
        {("Munich", "Madrid", "air"), ("Munich", "Rome", "air"), ("Munich", "Vienna", "air")},
    ),
    (
        "plural movers fan out",
        "Volunteers left Munich on Monday. Members are heading to Rome and Madrid this week.",
        {("Munich", "Rome", "unknown"), ("Munich", "Madrid", "air")},
    ),
    (
        "'then' chains a fan-out again",
        "The airline's planes will fly from Munich to Rome and then to Madrid.",
        {("Munich", "Rome", "air"), ("Rome", "Madrid", "air")},
    ),
    (
        "one named traveller chains",
        "Minister Anna Weber flew from Munich to Rome and Madrid.",
        {("Munich", "Rome", "air"), ("Rome", "Madrid", "air")},
    ),
    # a first-level region holds the towns of its admin1: a town in it refines the last leg
    (
        "a town of the region refines the leg to the region",
        "The Okafor family flew from Denver to Oregon on Friday. The plane was headed to Portland.",
        {("Denver", "Portland", "air")},
    ),
    (
        "a town of another region is a new leg",
        "The Okafor family flew from Denver to Oregon on Friday. They later drove to Boise.",
        {("Denver", "Oregon", "air"), ("Oregon", "Boise", "road")},
    ),
    # routes and services as what travels: told by their ends; a route moves nobody
    (
        "flights between two places",
        "The carrier will launch nonstop flights between Denver and Boise in June.",
        {("Denver", "Boise", "air")},
    ),
    (
        "flights between one place and several fan out",
        "Daily flights between Munich and Rome, Madrid and Vienna start next week.",
        {("Munich", "Rome", "air"), ("Munich", "Madrid", "air"), ("Munich", "Vienna", "air")},
    ),
    (
        "a service connecting places runs through them in order",
        "The state is studying a passenger rail service connecting Milan, Rome and Naples.",
        {("Milan", "Rome", "rail"), ("Rome", "Naples", "rail")},
    ),
    (
        "a hyphenated route",
        "The airline reopened the Munich-Vienna route on Monday.",
        {("Munich", "Vienna", "unknown")},
    ),
    (
        "an operating verb lends its from to the trip noun",
        "The airline started flights to Madrid from its base in Munich.",
        {("Munich", "Madrid", "air")},
    ),
    (
        "nothing chains from a route",
        "The airline flies daily between Munich and Rome. Flights to Madrid begin in May.",
        {("Munich", "Rome", "air")},
    ),
    ("trade between places is no route", "Trade between Munich and Vienna grew last year.", set()),
    ("a line named alone is no route", "The railway between Milan and Rome was closed on Monday.", set()),
    (
        "en route to a place is where the verb goes",
        "The convoy left Amman on Monday en route to Gaza.",
        {("Amman", "Gaza", "road")},
    ),
    # a journey told under way ("was headed for X") has not reached X: a diversion or "continued
    # on" goes from where it set out; a vehicle and its passengers are one itinerary
    (
        "a diversion leaves from where the journey under way began",
        "The Okafor family was flying from Denver to Oregon. The plane was headed to Portland but "
        "rerouted suddenly to Boise.",
        {("Denver", "Portland", "air"), ("Denver", "Boise", "air")},
    ),
    (
        "continued on after a course",
        "The freighter left Tripoli on Monday. Officials said it was headed for Valletta. The vessel "
        "continued on to Naples and then docked in Bari.",
        {("Tripoli", "Valletta", "sea"), ("Tripoli", "Naples", "sea"), ("Naples", "Bari", "sea")},
    ),
    # a group that fans out stays based where it set out; "a trip to A and a trip to B" both leave from there
    (
        "after a fan-out the group is still at its base",
        "Volunteers left Munich on Monday. Members are heading to Rome and Madrid. The members will "
        "travel to Vienna in May.",
        {("Munich", "Rome", "unknown"), ("Munich", "Madrid", "air"), ("Munich", "Vienna", "unknown")},
    ),
    (
        "parallel trip nouns leave from the same place",
        "The team left Munich on Monday. The team will make a trip to Rome and a trip to Madrid.",
        {("Munich", "Rome", "unknown"), ("Munich", "Madrid", "air")},
    ),
    # a trip noun in a phrase set before another journey's clause is the trip that journey is part of
    ("a framing trip is no stop", "On her first trip to Austria, Anna Weber landed in Munich.", set()),
    # a planned itinerary without a movement verb: "arrive at X, then take part in Y"
    (
        "a next stop told with 'then' is a journey",
        "Minister Anna Weber will fly from Berlin to Munich on Monday, then take part in a summit in Vienna.",
        {("Berlin", "Munich", "air"), ("Munich", "Vienna", "unknown")},
    ),
    (
        "a next stop at a venue of the same city is no journey",
        "Minister Anna Weber will fly from Berlin to Paris on Monday, then attend a dinner at Sorbonne "
        "University.",
        {("Berlin", "Paris", "air")},
    ),
]


@pytest.mark.parametrize("text, legs", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_narrate_reads_the_class(nlp, text, legs):  # noqa: F811
    _, story, _ = _read(nlp, text)
    assert _legs(story) == legs
