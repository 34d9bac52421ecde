"""Resolution on hand-made mentions and a small fake gazetteer: context, qualifiers, containers,
overrides. No model, no index: each test states the candidates it is about."""

from __future__ import annotations

import pytest

from geostory.model import Candidate, Mention, MentionKind, Span
from geostory.overrides import Override
from geostory.resolve import resolve


def city(name, lat, lon, cc, admin1, population, source_id):
    return Candidate(name, lat, lon, "city", cc, population, "geonames", source_id, admin1=admin1)


PARIS_FR = Candidate("Paris", 48.853, 2.349, "city", "FR", 2_138_551, "geonames", "2988507", "11", "PPLC")
PARIS_TX = city("Paris", 33.661, -95.556, "US", "TX", 24_782, "4717560")
TEXAS = Candidate("Texas", 31.25, -99.25, "region", "US", 22_266_440, "geonames", "4736286", "TX", "ADM1")
DALLAS = city("Dallas", 32.783, -96.807, "US", "TX", 1_300_092, "4684888")
KYIV = city("Kyiv", 50.454, 30.524, "UA", "12", 2_797_553, "703448")
RUSSIA = Candidate("Russia", 60.0, 100.0, "country", "RU", 144_478_050, "geonames", "2017370", None, "PCLI")


class FakeGazetteer:
    """The parts of `geostory.gazetteer.Gazetteer` that resolve uses."""

    def __init__(self, entries: dict[str, list[Candidate]]):
        self.entries = entries

    def candidates(self, name, *, limit=25):
        return list(self.entries.get(name, []))[:limit]

    def country(self, code):
        return {
            "US": Candidate("United States", 39.76, -98.5, "country", "US", 1, "geonames", "6252001"),
            "FR": Candidate("France", 46.0, 2.0, "country", "FR", 1, "geonames", "3017382"),
        }.get(code)

    def admin1_name(self, country_code, admin1):
        return {("US", "TX"): "Texas"}.get((country_code, admin1))


def mentions_of(text: str, *names: str, kind: MentionKind = "toponym") -> list[Mention]:
    """A Mention for every occurrence of each name, in text order."""
    found = []
    for name in names:
        start = text.find(name)
        while start >= 0:
            found.append(Mention(name, start, start + len(name), Span(text, 0, len(text)), "GPE", kind))
            start = text.find(name, start + 1)
    return sorted(found, key=lambda m: m.start)


def place_named(resolution, name):
    return next(p for p in resolution.places if any(m.text == name for m in p.mentions))


def test_resolve_prefers_the_famous_place_without_context():
    text = "Talks will be held in Paris next week."
    gazetteer = FakeGazetteer({"Paris": [PARIS_FR, PARIS_TX]})
    place = place_named(resolve(mentions_of(text, "Paris"), text, gazetteer=gazetteer), "Paris")
    assert place.country_code == "FR"
    assert [a.country_code for a in place.alternatives] == ["US"]  # "Did you mean Paris, Texas?"


@pytest.mark.parametrize(
    "text",
    [
        "The storm hit Paris, Texas, on Monday.",
        "The storm hit Dallas and then Paris on Monday.",
    ],
)
def test_resolve_prefers_the_reading_the_article_context_supports(text):
    gazetteer = FakeGazetteer({"Paris": [PARIS_FR, PARIS_TX], "Texas": [TEXAS], "Dallas": [DALLAS]})
    place = place_named(
        resolve(mentions_of(text, "Paris", "Texas", "Dallas"), text, gazetteer=gazetteer), "Paris"
    )
    assert place.country_code == "US" and place.latitude == pytest.approx(33.661)


PARIS_KY = city("Paris", 38.21, -84.25, "US", "KY", 9_846, "4303602")
KENTUCKY = Candidate("Kentucky", 37.5, -85.0, "region", "US", 4_339_367, "geonames", "6254925", "KY", "ADM1")


@pytest.mark.parametrize("qualifier", ["Kentucky", "Ky."])
def test_a_qualifying_state_wins_over_the_context_also_by_its_abbreviation(qualifier):
    # Dallas votes for the Texas namesake; the state after the comma says which Paris it is
    text = f"She left Dallas on Friday and drove to Paris, {qualifier} on Saturday."
    gazetteer = FakeGazetteer(
        {"Paris": [PARIS_FR, PARIS_TX, PARIS_KY], "Dallas": [DALLAS], qualifier: [KENTUCKY]}
    )
    resolution = resolve(mentions_of(text, "Paris", qualifier, "Dallas"), text, gazetteer=gazetteer)
    assert place_named(resolution, "Paris").admin1 == "KY"


def test_facility_the_gazetteer_lacks_is_placed_approximately_at_its_container():
    text = "He spoke at the Mariinsky Palace in Kyiv."
    mentions = sorted(
        mentions_of(text, "Mariinsky Palace", kind="facility") + mentions_of(text, "Kyiv"),
        key=lambda m: m.start,
    )
    resolution = resolve(mentions, text, gazetteer=FakeGazetteer({"Kyiv": [KYIV]}))
    palace = place_named(resolution, "Mariinsky Palace")
    assert palace.approximate and palace.container == "Kyiv"
    assert (palace.latitude, palace.longitude) == (KYIV.latitude, KYIV.longitude)
    assert resolution.unresolved == ()


@pytest.mark.parametrize(
    "text, placed",
    [
        # a local hospital told with no town is in the town the story is about (named first here,
        # so no place before it in the sentence can be taken for its container)
        ("Mercy Hospital treated a Kyiv man who was hurt in Kyiv on Monday.", True),
        # ... unless the story names no town twice, or two towns as often
        ("Mercy Hospital treated a man who was hurt in Kyiv on Monday.", False),
        ("Mercy Hospital treated men from Kyiv and Dallas, Kyiv and Dallas.", False),
        # ... and only for a local facility
        ("Mariinsky Palace welcomed a Kyiv man who lives in Kyiv.", False),
    ],
)
def test_a_local_facility_with_no_container_is_at_the_story_town(text, placed):
    facility = "Mercy Hospital" if "Mercy" in text else "Mariinsky Palace"
    mentions = sorted(
        mentions_of(text, facility, kind="facility") + mentions_of(text, "Kyiv", "Dallas"),
        key=lambda m: m.start,
    )
    resolution = resolve(mentions, text, gazetteer=FakeGazetteer({"Kyiv": [KYIV], "Dallas": [DALLAS]}))
    found = [p for p in resolution.places if p.name == facility]
    assert bool(found) == placed
    if placed:
        assert found[0].approximate and found[0].container == "Kyiv"


def test_a_name_without_candidates_or_container_is_reported_unresolved():
    text = "They met near the Pacific Coast."
    resolution = resolve(mentions_of(text, "Pacific Coast"), text, gazetteer=FakeGazetteer({}))
    assert resolution.places == () and [m.text for m in resolution.unresolved] == ["Pacific Coast"]


def test_override_pins_a_name_and_keeps_the_gazetteer_country_when_it_agrees():
    text = "Troops moved from Russia to the border."
    gazetteer = FakeGazetteer({"Russia": [RUSSIA]})
    near_pin = Override("Russia", 60.5, 100.5, False, None, None)  # a nudge of the gazetteer's point
    far_pin = Override("Russia", 10.0, 10.0, False, "other", "Somewhere else")
    near = place_named(
        resolve(mentions_of(text, "Russia"), text, gazetteer=gazetteer, overrides={"russia": near_pin}),
        "Russia",
    )
    assert (near.source, near.latitude, near.longitude) == ("override", 60.5, 100.5)
    assert (near.country_code, near.place_type, near.confidence) == ("RU", "country", 1.0)
    far = place_named(
        resolve(mentions_of(text, "Russia"), text, gazetteer=gazetteer, overrides={"russia": far_pin}),
        "Russia",
    )
    assert (far.name, far.country_code, far.place_type) == ("Somewhere else", None, "other")


def test_override_excludes_a_name():
    text = "Talks will be held in Paris."
    resolution = resolve(
        mentions_of(text, "Paris"),
        text,
        gazetteer=FakeGazetteer({"Paris": [PARIS_FR]}),
        overrides={"paris": Override("Paris", None, None, True, None, None)},
    )
    assert resolution.places == () and resolution.unresolved == ()


def test_a_curated_alias_counts_as_a_name():
    text = "The aid ship set sail from Cyprus bound for Gaza."
    strip = Candidate("Gaza Strip", 31.42, 34.33, "region", "PS", 0, "curated", "gaza-strip")
    province = Candidate(
        "Gaza", -23.0, 33.0, "region", "MZ", 384_964, "geonames", "1045", admin1="02", feature_code="ADM1"
    )
    cyprus = Candidate("Cyprus", 35.0, 33.0, "country", "CY", 1_189_265, "geonames", "146669", None, "PCLI")
    gazetteer = FakeGazetteer({"Gaza": [strip, province], "Cyprus": [cyprus]})
    place = place_named(resolve(mentions_of(text, "Cyprus", "Gaza"), text, gazetteer=gazetteer), "Gaza")
    assert place.country_code == "PS"


HUNTSVILLE_AL = city("Huntsville", 34.730, -86.586, "US", "AL", 215_006, "4068590")
HUNTSVILLE_TX = city("Huntsville", 30.724, -95.551, "US", "TX", 40_938, "4696202")
WALKER_AL = Candidate(
    "Walker County", 33.80, -87.30, "county", "US", 24_175, "geonames", "4096052", "AL", "ADM2"
)
WALKER_TX = Candidate(
    "Walker County", 30.74, -95.57, "county", "US", 42_488, "geonames", "4739563", "TX", "ADM2"
)


def test_a_town_and_a_county_named_together_settle_each_other():
    text = "Deputies in Walker County said the crash closed a road south of Huntsville."
    gazetteer = FakeGazetteer(
        {"Huntsville": [HUNTSVILLE_AL, HUNTSVILLE_TX], "Walker County": [WALKER_AL, WALKER_TX]}
    )
    resolution = resolve(mentions_of(text, "Walker County", "Huntsville"), text, gazetteer=gazetteer)
    assert place_named(resolution, "Huntsville").key == HUNTSVILLE_TX.key
    assert place_named(resolution, "Walker County").key == WALKER_TX.key


def test_a_county_inside_an_organisation_name_settles_its_town():
    text = "Deputies of the Walker County Sheriff's Office closed a road south of Huntsville."
    gazetteer = FakeGazetteer(
        {"Huntsville": [HUNTSVILLE_AL, HUNTSVILLE_TX], "Walker County": [WALKER_AL, WALKER_TX]}
    )
    mentions = sorted(
        mentions_of(text, "Huntsville") + mentions_of(text, "Walker County", kind="embedded"),
        key=lambda m: m.start,
    )
    resolution = resolve(mentions, text, gazetteer=gazetteer)
    assert place_named(resolution, "Huntsville").key == HUNTSVILLE_TX.key


def test_a_dateline_in_capitals_is_the_same_name_not_a_second_vote():
    # a shire and a town of one name back each other only if "MANSFIELD" counts as another place
    shire = Candidate("Mansfield", -37.1, 146.1, "county", "AU", 6_120, "geonames", "7839", "07", "ADM2")
    town_au = city("Mansfield", -37.05, 146.08, "AU", "07", 4_844, "2158651")
    town_gb = city("Mansfield", 53.14, -1.2, "GB", "ENG", 171_958, "2643320")
    readings = [town_gb, shire, town_au]
    text = "MANSFIELD — The Mansfield City Council approved the package."
    gazetteer = FakeGazetteer({"Mansfield": readings, "MANSFIELD": readings})
    resolution = resolve(mentions_of(text, "MANSFIELD", "Mansfield"), text, gazetteer=gazetteer)
    assert [p.key for p in resolution.places] == [town_gb.key]
    assert resolution.places[0].name == "Mansfield"  # the spelling written, not the dateline's


def test_a_small_region_does_not_outrank_a_big_city_by_its_kind():
    parish = Candidate("Portland", 18.1, -76.5, "region", "JM", 22_263, "geonames", "3489", "07", "ADM1")
    portland = city("Portland", 45.523, -122.676, "US", "OR", 652_503, "5746545")
    text = "The council met in Portland on Monday."
    gazetteer = FakeGazetteer({"Portland": [parish, portland]})
    place = place_named(resolve(mentions_of(text, "Portland"), text, gazetteer=gazetteer), "Portland")
    assert place.key == portland.key


def test_neighbouring_namesake_towns_alone_do_not_outvote_the_prior():
    boston_pa = city("Boston", 40.312, -79.823, "US", "PA", 1_300, "5180199")
    houston_pa = city("Houston", 40.246, -80.211, "US", "PA", 1_200, "5193011")
    boston = city("Boston", 42.358, -71.060, "US", "MA", 650_000, "4930956")
    houston = city("Houston", 29.763, -95.363, "US", "TX", 2_300_000, "4699066")
    text = "Flights from Boston to Houston were cancelled."
    gazetteer = FakeGazetteer({"Boston": [boston, boston_pa], "Houston": [houston, houston_pa]})
    resolution = resolve(mentions_of(text, "Boston", "Houston"), text, gazetteer=gazetteer)
    assert place_named(resolution, "Boston").key == boston.key
    assert place_named(resolution, "Houston").key == houston.key


def test_a_named_country_with_no_other_place_keeps_the_famous_city_there():
    france = Candidate("France", 46.0, 2.0, "country", "FR", 67_000_000, "geonames", "3017382", None, "PCLI")
    usa = Candidate(
        "United States", 39.76, -98.5, "country", "US", 327_000_000, "geonames", "6252001", None, "PCLI"
    )
    text = "She flew from Dallas, Texas, in the United States to France and landed in Paris at dawn."
    gazetteer = FakeGazetteer(
        {
            "Paris": [PARIS_FR, PARIS_TX],
            "Texas": [TEXAS],
            "Dallas": [DALLAS],
            "France": [france],
            "United States": [usa],
        }
    )
    mentions = mentions_of(text, "Dallas", "Texas", "United States", "France", "Paris")
    assert place_named(resolve(mentions, text, gazetteer=gazetteer), "Paris").country_code == "FR"


@pytest.mark.parametrize(
    "text, abbreviation, region",
    [
        (
            "SPRINGFIELD, Mo. (AP) — Officials in Springfield said the plant would close.",
            "Mo.",
            Candidate(
                "Missouri", 38.4, -92.3, "region", "US", 6_100_000, "geonames", "4398678", "MO", "ADM1"
            ),
        ),
        (
            "SPRINGFIELD, Sask. — The council met in Springfield on Tuesday.",
            "Sask.",
            Candidate(
                "Saskatchewan", 54.0, -106.0, "region", "CA", 1_100_000, "geonames", "6141242", "SK", "ADM1"
            ),
        ),
    ],
)
def test_a_dateline_state_abbreviation_picks_the_town_in_that_state(text, abbreviation, region):
    # the most populous Springfield is elsewhere; the dateline's region decides
    springfield_ma = city("Springfield", 42.101, -72.590, "US", "MA", 155_000, "4951788")
    springfield_mo = city("Springfield", 37.215, -93.298, "US", "MO", 166_000 // 2, "4409896")
    springfield_sk = city("Springfield", 52.0, -106.5, "CA", "SK", 300, "9999999")
    names = [n for n in ("SPRINGFIELD", "Springfield") if n in text]
    gazetteer = FakeGazetteer(
        {
            "SPRINGFIELD": [springfield_ma, springfield_mo, springfield_sk],
            "Springfield": [springfield_ma, springfield_mo, springfield_sk],
            abbreviation: [region],
        }
    )
    resolution = resolve(mentions_of(text, *names, abbreviation), text, gazetteer=gazetteer)
    for name in names:
        place = place_named(resolution, name)
        assert (place.country_code, place.admin1) == (region.country_code, region.admin1)


class FakeGeocoder:
    """geopy's contract with canned answers; records what it was asked."""

    service_name = "fake"

    def __init__(self, answers):
        self.answers = answers
        self.asked = []

    def geocode(self, query, *, exactly_one=True):
        from geopy.location import Location

        self.asked.append(query)
        point = self.answers.get(query)
        return None if point is None else Location(query, point, {})


LONDON = city("London", 51.509, -0.126, "GB", "ENG", 8_961_989, "2643743")


def _facility_in_london(text: str) -> list[Mention]:
    mentions = mentions_of(text, "London")
    start = text.find("Royal Marsden Hospital")
    sentence = Span(text, 0, len(text))
    facility = Mention("Royal Marsden Hospital", start, start + 22, sentence, "ORG", "facility")
    return sorted([*mentions, facility], key=lambda m: m.start)


def test_with_a_geocoder_a_facility_is_asked_with_its_container():
    text = "She was treated at the Royal Marsden Hospital in London."
    geocoder = FakeGeocoder({"Royal Marsden Hospital, London": (51.489, -0.171)})
    resolution = resolve(
        _facility_in_london(text), text, gazetteer=FakeGazetteer({"London": [LONDON]}), geocoder=geocoder
    )
    hospital = place_named(resolution, "Royal Marsden Hospital")
    assert geocoder.asked == ["Royal Marsden Hospital, London"]
    assert (round(hospital.latitude, 3), round(hospital.longitude, 3)) == (51.489, -0.171)
    assert not hospital.approximate and hospital.country_code == "GB"


@pytest.mark.parametrize("answer", [None, (40.0, -75.0)])  # nothing, or a namesake far away
def test_a_facility_the_geocoder_misses_or_misplaces_stays_at_its_container(answer):
    text = "She was treated at the Royal Marsden Hospital in London."
    geocoder = FakeGeocoder({"Royal Marsden Hospital, London": answer} if answer else {})
    resolution = resolve(
        _facility_in_london(text), text, gazetteer=FakeGazetteer({"London": [LONDON]}), geocoder=geocoder
    )
    hospital = place_named(resolution, "Royal Marsden Hospital")
    assert hospital.approximate and hospital.container == "London"
    assert (hospital.latitude, hospital.longitude) == (LONDON.latitude, LONDON.longitude)


def test_two_spellings_pinned_at_one_spot_by_overrides_stay_one_place():
    """The page's edit download writes one row per spelling ("US", "United States")."""
    text = "Talks in the United States ended; the US said more would follow."
    us = Candidate("United States", 39.76, -98.5, "country", "US", 1, "geonames", "6252001", None, "PCLI")
    gazetteer = FakeGazetteer({"United States": [us], "US": [us]})
    overrides = {
        "united states": Override("United States", 38.9, -77.0),
        "us": Override("US", 38.9, -77.0),
    }
    resolution = resolve(
        mentions_of(text, "United States", "US"), text, gazetteer=gazetteer, overrides=overrides
    )
    (place,) = resolution.places
    assert {m.text for m in place.mentions} == {"United States", "US"}
    assert (place.latitude, place.longitude) == (38.9, -77.0)


@pytest.mark.parametrize("fine, country", [("£300", "GB"), ("$300", "US")])
def test_the_article_currency_votes_for_its_country(fine, country):
    lancaster_gb = city("Lancaster", 54.047, -2.801, "GB", "ENG", 52_234, "2644972")
    lancaster_ca = city("Lancaster", 34.698, -118.137, "US", "CA", 156_633, "5364940")
    britain = Candidate("United Kingdom", 54.0, -2.0, "country", "GB", 66_000_000, "geonames", "2635167")

    class WithBritain(FakeGazetteer):
        def country(self, code):
            return britain if code == "GB" else super().country(code)

    text = f"A driver in Lancaster was fined {fine} for speeding."
    gazetteer = WithBritain({"Lancaster": [lancaster_ca, lancaster_gb]})
    resolution = resolve(mentions_of(text, "Lancaster"), text, gazetteer=gazetteer)
    assert place_named(resolution, "Lancaster").country_code == country


def test_a_station_with_no_container_is_pinned_at_its_town_in_the_article_country():
    waterloo_ca = city("Waterloo", 43.467, -80.516, "CA", "08", 104_986, "6176823")
    waterloo_gb = city("Waterloo", 51.503, -0.113, "GB", "ENG", 5_000, "2634677")
    london = city("London", 51.509, -0.126, "GB", "ENG", 8_961_989, "2643743")
    text = "Trains were stopped in London. Later Waterloo station was closed."
    gazetteer = FakeGazetteer({"Waterloo": [waterloo_ca, waterloo_gb], "London": [london]})
    mentions = mentions_of(text, "London") + mentions_of(text, "Waterloo station", kind="facility")
    station = place_named(
        resolve(sorted(mentions, key=lambda m: m.start), text, gazetteer=gazetteer), "Waterloo station"
    )
    assert station.approximate and station.country_code == "GB"


@pytest.mark.parametrize(
    "text, name, container",
    [
        # a street, a stream, a village the gazetteer lacks is near the town named before it ...
        ("Crews worked in Dallas on Monday. Later they cleared Elm Creek Road.", "Elm Creek Road", "Dallas"),
        ("Floods hit Kyiv and Dallas. The Willow River rose by a metre.", "Willow River", "Dallas"),
        # ... else near the first town named after it
        ("Maple Lane was closed, officials in Dallas said.", "Maple Lane", "Dallas"),
        # ... but a state or bloc, or a name holding a country's, is no local place
        ("The Soviet Union fell. Dallas cheered.", "Soviet Union", None),
        ("Eastern Russia froze while Dallas cheered.", "Eastern Russia", None),
        ("Dallas traders looked to the Far East.", "Far East", None),
        # ... and with no town named at all there is nothing to be near
        ("Elm Creek Road was closed.", "Elm Creek Road", None),
        # ... and a bare name, without a local place's last word, is as often a person or a firm
        ("Crews worked in Dallas on Monday. Later they met Halvorsen.", "Halvorsen", None),
        ("Dallas traders backed Ocean Infinity.", "Ocean Infinity", None),
    ],
)
def test_a_local_name_the_gazetteer_lacks_is_near_the_town_the_article_names(text, name, container):
    mentions = mentions_of(text, name, "Kyiv", "Dallas")
    gazetteer = FakeGazetteer({"Kyiv": [KYIV], "Dallas": [DALLAS], "Russia": [RUSSIA]})
    resolution = resolve(mentions, text, gazetteer=gazetteer)
    found = [p for p in resolution.places if p.name == name]
    if container is None:
        assert not found and name in [m.text for m in resolution.unresolved]
    else:
        assert found[0].approximate and found[0].container == container
        assert found[0].confidence <= 0.4


LONDON_GB = Candidate("London", 51.509, -0.126, "city", "GB", 8_961_989, "geonames", "2643743", "ENG", "PPLC")
LONDON_OH = city("London", 39.886, -83.448, "US", "OH", 10_060, "4517009")
NEW_YORK = city("New York City", 40.714, -74.006, "US", "NY", 8_175_133, "5128581")
OHIO = Candidate("Ohio", 40.25, -83.0, "region", "US", 11_500_000, "geonames", "5165418", "OH", "ADM1")


@pytest.mark.parametrize(
    "text, names, country",
    [
        # only the country's vote speaks for the town: the capital stays
        ("Flights to London were delayed, officials in New York said.", ("London", "New York"), "GB"),
        # the article names the town's state, or qualifies it: the town
        ("Flights to London were delayed, officials in Ohio said.", ("London", "Ohio"), "US"),
        (
            "Flights to London, Ohio, were delayed, officials in New York said.",
            ("London", "Ohio", "New York"),
            "US",
        ),
    ],
)
def test_a_town_backed_only_by_its_country_yields_to_a_far_bigger_namesake(text, names, country):
    gazetteer = FakeGazetteer({"London": [LONDON_GB, LONDON_OH], "New York": [NEW_YORK], "Ohio": [OHIO]})
    resolution = resolve(mentions_of(text, *names), text, gazetteer=gazetteer)
    assert place_named(resolution, "London").country_code == country


def test_a_longer_name_in_the_article_is_no_evidence_for_the_shorter_one():
    # GeoNames gives the capital "Mexico" as an alternate name; the dateline's "Mexico City" must
    # not make the country's name the city
    mexico_city = Candidate(
        "Mexico City", 19.428, -99.128, "city", "MX", 12_294_193, "geonames", "3530597", "09", "PPLC"
    )
    mexico = Candidate(
        "Mexico", 23.0, -102.0, "country", "MX", 126_190_788, "geonames", "3996063", None, "PCLI"
    )
    text = "MEXICO CITY (Reuters) Mexico will host the summit in June, Mexico's foreign minister said."
    gazetteer = FakeGazetteer({"Mexico": [mexico_city, mexico], "MEXICO CITY": [mexico_city]})
    resolution = resolve(mentions_of(text, "MEXICO CITY", "Mexico"), text, gazetteer=gazetteer)
    assert place_named(resolution, "Mexico").key == mexico.key
    assert place_named(resolution, "MEXICO CITY").key == mexico_city.key


ENGLAND = Candidate("England", 52.75, -1.75, "region", "GB", 53_000_000, "geonames", "6269131", "ENG", "ADM1")
WALES = Candidate("Wales", 52.5, -4.0, "region", "GB", 3_136_534, "geonames", "2634895", "WLS", "ADM1")
WALES_VILLAGE = city("Wales", 53.341, -1.282, "GB", "ENG", 5_956, "2634896")


@pytest.mark.parametrize(
    "text, joined",
    [
        ("Rail fares in England and Wales rise in March.", True),
        ("Rail fares in England rise in March; Wales follows.", False),
    ],
)
def test_names_joined_by_and_are_of_one_kind(text, joined):
    gazetteer = FakeGazetteer({"England": [ENGLAND], "Wales": [WALES_VILLAGE, WALES]})
    resolution = resolve(mentions_of(text, "England", "Wales"), text, gazetteer=gazetteer)
    assert (place_named(resolution, "Wales").key == WALES.key) is joined


@pytest.mark.parametrize(
    "text", ["Birmingham City won on Saturday.", "A striker of Birmingham City scored twice."]
)
def test_a_town_with_city_that_the_gazetteer_lacks_is_the_town(text):
    birmingham = city("Birmingham", 52.481, -1.899, "GB", "ENG", 984_333, "2655603")
    gazetteer = FakeGazetteer({"Birmingham": [birmingham]})
    resolution = resolve(mentions_of(text, "Birmingham City"), text, gazetteer=gazetteer)
    club = place_named(resolution, "Birmingham City")
    assert (club.latitude, club.longitude, club.container) == (52.481, -1.899, "Birmingham")
    assert club.approximate and club.key != birmingham.key  # named after the town, not the town
    assert not resolution.unresolved


def test_a_town_whose_own_name_ends_in_city_keeps_its_reading():
    iowa_city = city("Iowa City", 41.661, -91.530, "US", "IA", 74_398, "4862034")
    iowa = Candidate("Iowa", 42.0, -93.5, "region", "US", 3_000_000, "geonames", "4862182", "IA", "ADM1")
    text = "The meeting is in Iowa City."
    gazetteer = FakeGazetteer({"Iowa City": [iowa_city], "Iowa": [iowa]})
    resolution = resolve(mentions_of(text, "Iowa City"), text, gazetteer=gazetteer)
    assert place_named(resolution, "Iowa City").key == iowa_city.key


def county(name, lat, lon, cc, admin1, population, source_id):
    return Candidate(name, lat, lon, "county", cc, population, "geonames", source_id, admin1=admin1)


ASHFORD_GB = city("Ashford", 51.146, 0.875, "GB", "ENG", 74_204, "2657030")
ASHFORD_US = city("Ashford", 41.873, -72.121, "US", "CT", 4_317, "4835003")
CLINTON_IA = city("Clinton", 41.844, -90.189, "US", "IA", 26_064, "4852065")
CLINTON_MS = city("Clinton", 32.342, -90.322, "US", "MS", 25_216, "4420234")
GREENE_IA = county("Greene County", 42.036, -94.397, "US", "IA", 9_336, "4862434")
GREENE_MS = county("Greene County", 31.214, -88.639, "US", "MS", 14_400, "4428475")
TOWNS = {
    "Ashford": [ASHFORD_GB, ASHFORD_US],
    "Clinton": [CLINTON_IA, CLINTON_MS],
    "Greene County": [GREENE_IA, GREENE_MS],
    "Davenport": [city("Davenport", 41.524, -90.578, "US", "IA", 99_685, "4853423")],
    "Des Moines": [city("Des Moines", 41.601, -93.609, "US", "IA", 203_433, "4853828")],
    "Maidstone": [city("Maidstone", 51.272, 0.529, "GB", "ENG", 113_137, "2643179")],
    "Canterbury": [city("Canterbury", 51.280, 1.080, "GB", "ENG", 55_240, "2653877")],
    "Paris": [PARIS_FR],
}


@pytest.mark.parametrize(
    "text, facility, at",
    [
        # a local facility the gazetteer lacks is at the town its name opens with, in the country
        # the article's places are in (not the namesake across the ocean) ...
        (
            "Pupils from Maidstone and Canterbury met at Ashford Grammar School.",
            "Ashford Grammar School",
            ASHFORD_GB,
        ),
        # ... in the region they are in, of two towns so named in that country ...
        (
            "A man from Davenport and Des Moines will appear in Clinton Municipal Court.",
            "Clinton Municipal Court",
            CLINTON_IA,
        ),
        # ... or at the county it opens with
        (
            "Deputies from Davenport and Des Moines drove him to the Greene County Jail.",
            "Greene County Jail",
            GREENE_IA,
        ),
        # ... before the town the story is about: the name says where it is
        (
            "Davenport police said Davenport man will appear in Clinton Municipal Court.",
            "Clinton Municipal Court",
            CLINTON_IA,
        ),
    ],
)
def test_a_facility_is_pinned_approximately_at_the_town_its_name_opens_with(text, facility, at):
    towns = [n for n in ("Davenport", "Des Moines", "Maidstone", "Canterbury") if n in text]
    mentions = sorted(
        mentions_of(text, facility, kind="facility") + mentions_of(text, *towns), key=lambda m: m.start
    )
    place = place_named(resolve(mentions, text, gazetteer=FakeGazetteer(TOWNS)), facility)
    assert place.approximate and place.container == at.name and place.key.endswith(at.key)
    assert (place.latitude, place.longitude) == (at.latitude, at.longitude)
    assert place.confidence <= 0.5


@pytest.mark.parametrize(
    "text, facility",
    [
        # the article's places are in neither town's country: no namesake across the ocean
        ("Ashford High School welcomed fans who flew in from Paris.", "Ashford High School"),
        # two towns so named in the article's country, and nothing between them
        ("A man will appear in Clinton Municipal Court.", "Clinton Municipal Court"),
        # a name that does not end in a local facility's word is no facility of its town
        ("Clinton Partners hired a man from Davenport and Des Moines.", "Clinton Partners"),
    ],
)
def test_a_facility_opening_with_a_town_the_article_does_not_settle_stays_unpinned(text, facility):
    towns = [n for n in ("Davenport", "Des Moines", "Paris") if n in text]
    mentions = sorted(
        mentions_of(text, facility, kind="facility") + mentions_of(text, *towns), key=lambda m: m.start
    )
    resolution = resolve(mentions, text, gazetteer=FakeGazetteer(TOWNS))
    assert all(p.name != facility for p in resolution.places)
    assert any(m.text == facility for m in resolution.unresolved)
