"""route: legs get a path, a geodesic distance and an honest geometry basis (no network)."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest
from geopy.distance import geodesic

from geostory import route as route_module
from geostory.errors import ConfigurationError
from geostory.model import Article, Coordinate, Leg, Place, Span, Story
from geostory.route import route

DATA = Path(__file__).parent / "data"
NETWORK = DATA / "rail_network_small.geojson"


def place(name: str, lat: float, lon: float) -> Place:
    return Place(f"test:{name}", name, lat, lon, "city", None, (), "test", 1.0)


def leg(origin: Place, destination: Place, mode: str = "rail", waypoints=()) -> Leg:
    return Leg(origin, destination, mode, "reported", Span("", 0, 0), waypoints=tuple(waypoints))


def routed(one: Leg, **kwargs) -> Leg:
    story = Story(Article("text"), (one.origin, one.destination), legs=(one,))
    return route(story, **kwargs).legs[0]


def km(a: Coordinate | tuple[float, float], b: Coordinate | tuple[float, float]) -> float:
    def pair(c):
        return (c.latitude, (c.longitude + 180) % 360 - 180) if isinstance(c, Coordinate) else c

    return geodesic(pair(a), pair(b)).km


def nearest_km(path, point: tuple[float, float]) -> float:
    return min(km(p, point) for p in path)


PYONGYANG = place("Pyongyang", 39.0392, 125.7625)
VLADIVOSTOK = place("Vladivostok", 43.1155, 131.8855)
FEFU = place("Far Eastern Federal University", 43.0244, 131.8939)  # Russky Island
VOSTOCHNY = place("Vostochny Cosmodrome", 51.884, 128.334)
PRZEMYSL = place("Przemysl", 49.7838, 22.7678)
KYIV = place("Kyiv", 50.4501, 30.5234)
SEOUL = place("Seoul", 37.5665, 126.9780)
SAN_FRANCISCO = place("San Francisco", 37.7749, -122.4194)

TUMANGANG = (42.418, 130.600)
KHASAN = (42.431, 130.644)
USSURIYSK = (43.800, 131.950)
LVIV = (49.840, 23.994)
MOSCOW = place("Moscow", 55.7558, 37.6173)


# ------------------------------------------------------------------------------------ air


def test_air_leg_is_a_great_circle_with_geodesic_length():
    got = routed(leg(SEOUL, SAN_FRANCISCO, "air"))
    assert got.geometry_basis == "great-circle"
    assert got.path[0] == SEOUL.coordinate
    assert (got.path[-1].latitude, got.path[-1].longitude % 360) == pytest.approx(
        (SAN_FRANCISCO.latitude, SAN_FRANCISCO.longitude % 360)
    )
    middle = got.path[len(got.path) // 2]
    assert middle.latitude > (SEOUL.latitude + SAN_FRANCISCO.latitude) / 2 + 10  # arcs north
    straight = km(SEOUL.coordinate, SAN_FRANCISCO.coordinate)
    assert got.distance_km == pytest.approx(straight, rel=0.01)
    steps = [km(a, b) for a, b in itertools.pairwise(got.path)]
    assert max(steps) <= 100  # densified


@pytest.mark.parametrize(
    "origin,destination",
    [
        (place("Tokyo", 35.6762, 139.6503), place("Anchorage", 61.2181, -149.9003)),
        (place("Honolulu", 21.3069, -157.8583), place("Vladivostok", 43.1155, 131.8855)),
    ],
)
def test_air_leg_across_the_antimeridian_keeps_longitudes_continuous(origin, destination):
    got = routed(leg(origin, destination, "air"))
    lons = [p.longitude for p in got.path]
    assert all(abs(b - a) < 20 for a, b in itertools.pairwise(lons))
    assert max(lons) > 180 or min(lons) < -180  # drawn the short way, over the date line
    assert got.distance_km == pytest.approx(km(origin.coordinate, destination.coordinate), rel=0.01)


# ----------------------------------------------------------------------- rail: corridors


def test_rail_pyongyang_to_vladivostok_keeps_the_khasan_line_the_world_network_misses():
    got = routed(leg(PYONGYANG, VLADIVOSTOK))
    assert got.geometry_basis == "rail-corridor"  # the network goes through China instead
    assert got.path[0] == PYONGYANG.coordinate and got.path[-1] == VLADIVOSTOK.coordinate
    for point in (TUMANGANG, KHASAN, USSURIYSK):
        assert nearest_km(got.path, point) < 20


def test_rail_corridor_pyongyang_to_vladivostok_via_tumangang_and_khasan():
    got = routed(leg(PYONGYANG, VLADIVOSTOK), world_networks=False)
    assert got.geometry_basis == "rail-corridor"
    assert got.path[0] == PYONGYANG.coordinate and got.path[-1] == VLADIVOSTOK.coordinate
    for point in (TUMANGANG, KHASAN, USSURIYSK):
        assert nearest_km(got.path, point) < 20
    # The real journey is about 1,180 km; the curated line smooths small bends, so it is shorter.
    assert 800 <= got.distance_km <= 1400
    assert got.distance_km > 1.2 * km(PYONGYANG.coordinate, VLADIVOSTOK.coordinate)


@pytest.mark.parametrize("world", [True, False])
def test_rail_distance_is_geodesic_sum_along_the_path(world):
    got = routed(leg(PYONGYANG, VLADIVOSTOK), world_networks=world)
    assert got.distance_km == pytest.approx(sum(km(a, b) for a, b in itertools.pairwise(got.path)))


def test_rail_przemysl_to_kyiv_goes_via_lviv():
    got = routed(leg(PRZEMYSL, KYIV))
    assert got.geometry_basis == "rail-network"
    assert nearest_km(got.path, LVIV) < 5
    assert 550 <= got.distance_km <= 800


def densified(path, step_km: float = 1.0):
    """Points every ~step_km along the path (straight in lon/lat between vertices)."""
    for a, b in itertools.pairwise(path):
        n = max(1, math.ceil(km(a, b) / step_km))
        for i in range(n):
            t = i / n
            yield (a.latitude + t * (b.latitude - a.latitude), a.longitude + t * (b.longitude - a.longitude))


def test_rail_przemysl_to_kyiv_stays_within_a_few_km_of_the_railway_all_along():
    import numpy as np

    from geostory import networks

    got = routed(leg(PRZEMYSL, KYIV))
    rail = networks._world_graph("rail")
    box = np.flatnonzero((rail.lat > 49) & (rail.lat < 51.5) & (rail.lon > 22) & (rail.lon < 31.5))
    ids = {(float(rail.lat[i]), float(rail.lon[i])): int(i) for i in box}
    track = got.path[1:-1]  # without the short walks from the stations to the track
    nodes = [ids[(p.latitude, p.longitude)] for p in track]  # every vertex is a railway node
    assert all(rail.has_edge(a, b) for a, b in itertools.pairwise(nodes))  # ... joined by track
    # the walks to the track are short, and the line passes the junctions the trains use
    assert km(got.path[0], got.path[1]) < 5 and km(got.path[-2], got.path[-1]) < 5
    for junction in (LVIV, (50.62, 26.25), (49.71, 28.84)):  # Lviv, Rivne, Kozyatyn
        assert nearest_km(track, junction) < 12


@pytest.mark.parametrize("world", [True, False])
def test_rail_to_a_facility_off_the_line_snaps_then_adds_the_final_segment(world):
    got = routed(leg(PYONGYANG, FEFU), world_networks=world)
    assert got.geometry_basis == "rail-corridor"  # the Khasan line, preferred either way
    assert got.path[-1] == FEFU.coordinate
    assert km(got.path[-2], (43.111, 131.882)) < 1  # Vladivostok station, then to the campus


@pytest.mark.parametrize("world", [True, False])
def test_rail_waypoints_are_visited_in_order(world):
    direct = routed(leg(PYONGYANG, VOSTOCHNY), world_networks=world)
    via = routed(leg(PYONGYANG, VOSTOCHNY, waypoints=[VLADIVOSTOK]), world_networks=world)
    assert via.geometry_basis in ("rail-network", "rail-corridor")
    assert VLADIVOSTOK.coordinate in via.path
    assert nearest_km(direct.path, (43.111, 131.882)) > 30  # the direct train turns north earlier
    assert via.distance_km > direct.distance_km
    assert nearest_km(via.path, (51.760, 128.120)) < 20  # Tsiolkovsky, by the cosmodrome


def test_rail_between_uncovered_places_is_a_schematic_straight_line():
    nairobi, mombasa = place("Nairobi", -1.2864, 36.8172), place("Mombasa", -4.0435, 39.6682)
    got = routed(leg(nairobi, mombasa), world_networks=False)
    assert got.geometry_basis == "schematic"
    assert got.path == (nairobi.coordinate, mombasa.coordinate)
    assert got.distance_km == pytest.approx(km(nairobi.coordinate, mombasa.coordinate))


REYKJAVIK, AKUREYRI = place("Reykjavik", 64.1466, -21.9426), place("Akureyri", 65.6885, -18.1262)


@pytest.mark.parametrize("mode", ["rail", "road"])
def test_leg_far_from_any_network_falls_back_to_schematic(mode):
    got = routed(leg(REYKJAVIK, AKUREYRI, mode))  # no railway in Iceland, no highway in the data
    assert got.geometry_basis == "schematic"
    assert got.path == (REYKJAVIK.coordinate, AKUREYRI.coordinate)


def test_a_routed_path_much_longer_than_the_great_circle_is_rejected(monkeypatch):
    assert routed(leg(PRZEMYSL, KYIV)).geometry_basis == "rail-network"
    monkeypatch.setattr(route_module, "MAX_DETOUR", 1.005)  # the track bends more than this
    got = routed(leg(PRZEMYSL, KYIV), world_networks=True)
    assert got.geometry_basis in ("rail-corridor", "schematic")
    road = routed(leg(PRZEMYSL, KYIV, "road"))
    assert road.geometry_basis == "schematic" and len(road.path) == 2


def test_sea_may_go_round_land_beyond_the_detour_limit():
    rotterdam, genoa = place("Rotterdam", 51.95, 4.14), place("Genoa", 44.41, 8.93)
    got = routed(leg(rotterdam, genoa, "sea"))
    assert got.geometry_basis == "sea-lanes"
    assert got.distance_km > 2.5 * km(rotterdam.coordinate, genoa.coordinate)
    assert nearest_km(got.path, (36.0, -5.6)) < 60  # through the Strait of Gibraltar


def test_rail_with_one_end_off_the_network_is_schematic():
    got = routed(leg(KYIV, place("Nairobi", -1.2864, 36.8172)))
    assert got.geometry_basis == "schematic"
    assert len(got.path) == 2


# ------------------------------------------------------------------- rail: user networks


W, E = place("Westend", -30.005, 140.005), place("Eastend", -30.004, 141.496)  # ~1 km off the ends


def test_user_network_routes_along_it_and_picks_the_shorter_branch():
    got = routed(leg(W, E), rail_network=NETWORK)
    assert got.geometry_basis == "rail-network"
    assert got.path[0] == W.coordinate and got.path[-1] == E.coordinate
    assert nearest_km(got.path, (-30.1, 141.0)) < 0.1  # the south branch
    assert nearest_km(got.path, (-29.5, 141.0)) > 40  # not the north one
    assert 140 <= got.distance_km <= 160


def test_user_network_splits_lines_where_they_cross():
    spur_end = place("Spur", -30.4, 140.8)
    got = routed(leg(spur_end, E), rail_network=str(NETWORK))
    assert got.geometry_basis == "rail-network"
    crossing = (-30.06, 140.8)  # the spur crosses the south branch between vertices
    assert nearest_km(got.path, crossing) < 0.1


def test_user_network_takes_priority_but_the_world_network_covers_the_rest():
    got = routed(leg(PRZEMYSL, KYIV), rail_network=NETWORK)
    assert got.geometry_basis == "rail-network"
    assert nearest_km(got.path, LVIV) < 5
    alone = routed(leg(PRZEMYSL, KYIV), rail_network=NETWORK, world_networks=False)
    assert alone.geometry_basis == "schematic"  # no curated corridor there: the network serves it


@pytest.mark.parametrize("mode,basis", [("road", "road-network"), ("sea", "sea-lanes")])
def test_a_user_network_serves_any_mode(mode, basis):
    got = routed(leg(W, E, mode), networks={mode: NETWORK})
    assert got.geometry_basis == basis
    assert nearest_km(got.path, (-30.1, 141.0)) < 0.1


def test_unknown_network_mode_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="air"):
        route(Story(Article("text"), ()), networks={"air": NETWORK})


def test_user_network_is_built_once_per_file(tmp_path):
    copy = tmp_path / "net.geojson"
    copy.write_text(NETWORK.read_text())
    first = route_module._user_network(copy)
    assert route_module._user_network(copy) is first


def lines_json(*coordinate_lists) -> str:
    features = [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": coords}}
        for coords in coordinate_lists
    ]
    return json.dumps({"type": "FeatureCollection", "features": features})


@pytest.mark.parametrize(
    "content,fragment",
    [
        ("{not json", "not valid JSON"),
        ('{"type": "Topology"}', "not a GeoJSON FeatureCollection"),
        (lines_json(), "no LineString"),
        (lines_json([[1, 2], [3, 4]], [[1, "x"], [3, 4]]), "feature 1"),
        (lines_json([[1, 2]]), "feature 0"),
        (lines_json([[1, 2], [300, 4]]), "out of range"),
    ],
)
def test_malformed_network_raises_configuration_error_naming_the_file(tmp_path, content, fragment):
    bad = tmp_path / "broken-network.geojson"
    bad.write_text(content)
    with pytest.raises(ConfigurationError) as caught:
        route(Story(Article("text"), (), legs=(leg(W, E),)), rail_network=bad)
    message = str(caught.value)
    assert "broken-network.geojson" in message and fragment in message
    assert "\n" not in message


def test_missing_network_file_raises_configuration_error(tmp_path):
    with pytest.raises(ConfigurationError, match="nowhere.geojson"):
        route(Story(Article("text"), ()), rail_network=tmp_path / "nowhere.geojson")


# ---------------------------------------------------------------------- road, sea, other


def test_road_leg_follows_the_highways():
    rzeszow = place("Rzeszow", 50.0413, 21.9990)
    got = routed(leg(rzeszow, PRZEMYSL, "road"))
    assert got.geometry_basis == "road-network"
    assert got.path[0] == rzeszow.coordinate and got.path[-1] == PRZEMYSL.coordinate
    assert 75 <= got.distance_km <= 110  # about 90 km by the A4 and DK28
    assert nearest_km(got.path, (50.016, 22.678)) < 10  # by Jaroslaw, along the A4


def test_road_waypoints_are_visited_in_order():
    warsaw, krakow = place("Warsaw", 52.2297, 21.0122), place("Krakow", 50.0647, 19.9450)
    lodz = place("Lodz", 51.7592, 19.4560)
    direct, via = routed(leg(warsaw, krakow, "road")), routed(leg(warsaw, krakow, "road", [lodz]))
    assert via.geometry_basis == "road-network" and lodz.coordinate in via.path
    assert via.distance_km > direct.distance_km


DOVER, CALAIS = place("Dover", 51.1279, 1.3134), place("Calais", 50.9513, 1.8587)


@pytest.mark.parametrize(
    "origin,destination,low,high",
    [
        (DOVER, CALAIS, 40, 60),  # P&O Ferries: 26 nautical miles, about 48 km
        (place("Helsinki", 60.1699, 24.9384), place("Tallinn", 59.4370, 24.7536), 75, 100),
        (place("Busan", 35.10, 129.04), VLADIVOSTOK, 850, 1100),
    ],
)
def test_ferry_follows_sea_lanes_and_never_crosses_land_by_more_than_a_few_km(origin, destination, low, high):
    from geostory.networks import crosses_land_km

    got = routed(leg(origin, destination, "sea"))
    assert got.geometry_basis == "sea-lanes"
    assert low <= got.distance_km <= high
    # country outlines are coarse near harbours: the lane itself, not the walk to it, is checked
    assert crosses_land_km(got.path[1:-1]) < 5


@pytest.mark.parametrize(
    "origin,destination,published",
    [
        (place("Holyhead", 53.310, -4.630), place("Dublin", 53.347, -6.195), 111),  # Irish Ferries
        (place("Busan", 35.100, 129.040), place("Fukuoka", 33.604, 130.400), 213),  # JR Kyushu Beetle
    ],
)
def test_ferry_crosses_directly_where_the_lanes_are_coarse_and_the_great_circle_stays_at_sea(
    origin, destination, published
):
    from geostory.networks import crosses_land_km, world_path

    lanes = world_path("sea", origin.coordinate, destination.coordinate, snap_km=50, limit_km=1e9)
    straight = km(origin.coordinate, destination.coordinate)
    assert lanes is not None and lanes.snap_start_km + lanes.graph_km + lanes.snap_end_km > 1.25 * straight
    got = routed(leg(origin, destination, "sea"))
    assert got.geometry_basis == "great-circle"
    assert got.distance_km == pytest.approx(straight, rel=0.01)
    assert abs(got.distance_km - published) / published < 0.1
    inner = route_module._trimmed(list(got.path), route_module.HARBOUR_KM)
    assert inner is not None and crosses_land_km(inner) == 0  # at sea but for the harbours


def test_a_direct_crossing_over_land_is_refused(monkeypatch):
    monkeypatch.setattr(route_module, "LANE_DETOUR", 0.5)  # always look for a direct crossing
    piraeus, heraklion = place("Piraeus", 37.942, 23.646), place("Heraklion", 35.345, 25.138)
    assert routed(leg(piraeus, heraklion, "sea")).geometry_basis == "sea-lanes"  # the chord crosses land
    dover = routed(leg(DOVER, CALAIS, "sea"))
    assert dover.geometry_basis == "great-circle"  # at sea but for the harbours


def test_road_leg_is_a_straight_schematic_line_through_its_waypoints():
    stops = [("A", 50.0, 10.0), ("B", 50.5, 11.0), ("C", 50.2, 12.0), ("D", 51.0, 13.0)]
    a, b, c, d = (place(*stop) for stop in stops)
    got = routed(leg(a, d, "road", waypoints=[b, c]), world_networks=False)
    assert got.geometry_basis == "schematic"
    assert got.path == (a.coordinate, b.coordinate, c.coordinate, d.coordinate)


@pytest.mark.parametrize("mode", ["sea", "unknown"])
def test_sea_and_unknown_legs_bow_gently_through_waypoints_in_order(mode):
    a, b, c = place("A", 35.0, 129.0), place("B", 38.0, 133.0), place("C", 43.1, 131.9)
    got = routed(leg(a, c, mode, waypoints=[b]), world_networks=False)
    assert got.geometry_basis == "schematic"
    assert got.path[0] == a.coordinate and got.path[-1] == c.coordinate
    assert got.path.index(b.coordinate) > 0
    straight = km(a.coordinate, b.coordinate) + km(b.coordinate, c.coordinate)
    assert straight < got.distance_km < 1.1 * straight


def test_outward_and_return_sea_legs_bow_to_opposite_sides():
    a, b = place("A", 0.0, 0.0), place("B", 0.0, 10.0)
    out, back = (
        routed(leg(a, b, "sea"), world_networks=False),
        routed(leg(b, a, "sea"), world_networks=False),
    )
    assert out.path[len(out.path) // 2].latitude < 0 < back.path[len(back.path) // 2].latitude


def test_zero_length_leg_is_the_point_twice():
    got = routed(leg(KYIV, KYIV, "rail"))
    assert got.path == (KYIV.coordinate, KYIV.coordinate)
    assert got.distance_km == 0


def test_route_returns_a_new_story_and_keeps_everything_else():
    story = Story(Article("text"), (PYONGYANG, VLADIVOSTOK), legs=(leg(PYONGYANG, VLADIVOSTOK),))
    out = route(story)
    assert out is not story and story.legs[0].path == ()
    assert out.places == story.places and out.article == story.article
    assert out.legs[0].origin == story.legs[0].origin


# ------------------------------------------------------------------------- corridor data


def corridors():
    return json.loads(route_module.CORRIDORS_FILE.read_text(encoding="utf-8"))["corridors"]


def test_every_corridor_names_its_source_and_stations_have_aliases():
    for corridor in corridors():
        assert corridor["name"] and corridor["source"], corridor.get("id")
        points = corridor["points"]
        assert len(points) >= 2 and points[0].get("name") and points[-1].get("name")
        for p in points:
            assert -90 <= p["latitude"] <= 90 and -180 <= p["longitude"] <= 180
            if "name" in p:
                assert isinstance(p["aliases"], list)


def test_corridor_points_have_no_wild_jumps():
    """A typo in a coordinate shows as a long hop between consecutive points."""
    for corridor in corridors():
        points = corridor["points"]
        for a, b in itertools.pairwise(points):
            hop = km((a["latitude"], a["longitude"]), (b["latitude"], b["longitude"]))
            assert hop < 450, (corridor["id"], a.get("name"), b.get("name"), round(hop))


BEIJING, NEW_YORK = place("Beijing", 39.9042, 116.4074), place("New York", 40.7128, -74.0060)
CORRIDOR_JOURNEYS = [  # the network takes another line or goes round (see the corridors' why)
    (MOSCOW, VLADIVOSTOK, 7500, 9400),  # published 9,289 km; the curated line is smoother
    (BEIJING, MOSCOW, 6300, 7800),  # 7,621 km by the Trans-Mongolian
    (place("Delhi", 28.6139, 77.2090), place("Mumbai", 19.0760, 72.8777), 1150, 1450),  # 1,384
    (BEIJING, place("Shanghai", 31.2304, 121.4737), 1150, 1500),  # 1,318 by the Jinghu line
    (NEW_YORK, place("Boston", 42.3601, -71.0589), 300, 420),  # 372 km by the shore line
    (MOSCOW, place("Berlin", 52.5200, 13.4050), 1600, 1950),  # by Minsk, Brest and Warsaw
]
NETWORK_JOURNEYS = [  # no corridor, or the network follows the corridor's line
    (place("London", 51.5072, -0.1276), place("Paris", 48.8566, 2.3522), 400, 520),  # ~490
    (place("Paris", 48.8566, 2.3522), place("Amsterdam", 52.3676, 4.9041), 450, 560),  # ~515
    (BEIJING, place("Hanoi", 21.0285, 105.8542), 2300, 3100),
    (PYONGYANG, BEIJING, 1000, 1400),  # ~1,350 via Dandong
    (place("Tokyo", 35.6762, 139.6503), place("Osaka", 34.6937, 135.5023), 440, 560),  # 515
    (NEW_YORK, place("Washington", 38.9072, -77.0369), 320, 380),  # on the Northeast Corridor's line
    (place("Warsaw", 52.2297, 21.0122), KYIV, 650, 850),
    (KYIV, place("Kharkiv", 49.9935, 36.2304), 400, 520),
    (KYIV, place("Odesa", 46.4825, 30.7233), 520, 700),
    (MOSCOW, place("Saint Petersburg", 59.9311, 30.3609), 600, 680),
    (BEIJING, place("Hong Kong", 22.3193, 114.1694), 2000, 2500),
    (VLADIVOSTOK, VOSTOCHNY, 1200, 1700),  # on the Trans-Siberian's line
]


@pytest.mark.parametrize(
    "origin,destination,low,high,basis",
    [(*j, "rail-corridor") for j in CORRIDOR_JOURNEYS] + [(*j, "rail-network") for j in NETWORK_JOURNEYS],
)
def test_major_journeys_follow_the_network_unless_a_corridor_is_better(origin, destination, low, high, basis):
    got = routed(leg(origin, destination))
    assert got.geometry_basis == basis
    assert low <= got.distance_km <= high
    assert got.distance_km >= km(origin.coordinate, destination.coordinate)


@pytest.mark.parametrize("origin,destination,low,high", CORRIDOR_JOURNEYS)
def test_the_corridors_serve_their_journeys_without_the_world_network(origin, destination, low, high):
    got = routed(leg(origin, destination), world_networks=False)
    assert got.geometry_basis == "rail-corridor"
    assert low <= got.distance_km <= high


def test_every_corridor_says_why_it_is_kept():
    for corridor in corridors():
        assert len(corridor["why"]) > 40, corridor["id"]
        assert "prefer_over_network" not in corridor


def test_corridor_graph_loads_once():
    assert route_module._corridors() is route_module._corridors()
    assert math.isfinite(route_module._corridors().lat.sum())
