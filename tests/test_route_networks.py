"""World networks: the index-time cache build, RFC 7946 output across the antimeridian, and the
honest schematic line where a network cannot serve a leg (no network access)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import geojson_validator
import pyogrio
import pytest
import shapely
from geopy.distance import geodesic

from geostory import networks
from geostory.export import to_geojson, write_geojson
from geostory.model import Article, Coordinate, Leg, Place, Span, Story
from geostory.route import route


def place(name: str, lat: float, lon: float) -> Place:
    return Place(f"test:{name}", name, lat, lon, "city", None, (), "test", 1.0)


def story(*legs: Leg) -> Story:
    places = tuple(dict.fromkeys(p for g in legs for p in (g.origin, g.destination)))
    return route(Story(Article("text"), places, legs=legs))


def leg(origin: Place, destination: Place, mode: str) -> Leg:
    return Leg(origin, destination, mode, "reported", Span("", 0, 0))


TOKYO, YOKOHAMA = place("Tokyo", 35.68, 139.77), place("Yokohama", 35.45, 139.65)
HONOLULU = place("Honolulu", 21.307, -157.866)


@pytest.mark.parametrize("mode,origin", [("air", TOKYO), ("sea", YOKOHAMA)])
def test_antimeridian_leg_is_a_valid_rfc7946_multilinestring(mode, origin):
    collection = to_geojson(story(leg(origin, HONOLULU, mode)))
    line = collection["features"][-1]["geometry"]
    assert line["type"] == "MultiLineString"
    assert geojson_validator.validate_structure(collection) == {}
    report = geojson_validator.validate_geometries(collection)
    assert report["invalid"] == {}
    assert "outside_lat_lon_boundaries" not in report["problematic"]
    # geojson-validator's own crosses_antimeridian check flags any part that ends on +180 (it
    # normalises 180 to -180), which is the cut RFC 7946 3.1.9 asks for; check the parts here
    for part in line["coordinates"]:
        assert all(-180 <= lon <= 180 for lon, _ in part)
        assert all(abs(b[0] - a[0]) < 180 for a, b in itertools.pairwise(part))
    ends = {part[0][0] for part in line["coordinates"][1:]} | {
        part[-1][0] for part in line["coordinates"][:-1]
    }
    assert ends <= {180.0, -180.0}


GOLDEN = Path(__file__).parent / "golden" / "seed.geojson"  # the seed story, as geostory exports it


def gdal_read(path: Path) -> list[tuple[str, object]]:
    """(geometry type, shapely geometry) per feature, as GDAL's GeoJSON driver reads the file."""
    info = pyogrio.read_info(path)
    assert info["driver"] == "GeoJSON" and info["crs"] == "EPSG:4326"
    _, _, geometries, _ = pyogrio.raw.read(path)
    shapes = shapely.from_wkb(geometries)
    return [(shape.geom_type, shape) for shape in shapes]


def test_gdal_reads_an_antimeridian_leg_as_a_multilinestring_within_180(tmp_path):
    out = tmp_path / "pacific.geojson"
    routed = story(leg(YOKOHAMA, HONOLULU, "sea"), leg(HONOLULU, TOKYO, "air"))
    write_geojson(routed, out)
    features = gdal_read(out)
    written = to_geojson(routed)["features"]
    assert len(features) == len(written)
    for (_, shape), feature in zip(features, written, strict=True):  # GDAL reads what we wrote
        assert shape.equals(shapely.geometry.shape(feature["geometry"]))
    lines = [shape for kind, shape in features if kind != "Point"]
    assert [shape.geom_type for shape in lines] == ["MultiLineString", "MultiLineString"]
    for shape in lines:
        xmin, ymin, xmax, ymax = shape.bounds
        assert -180 <= xmin and xmax <= 180 and -90 <= ymin and ymax <= 90
        assert len(shape.geoms) >= 2  # cut at the antimeridian, not wrapped round the world
    assert pyogrio.read_info(out)["features"] == len(features)
    xmin, _, xmax, _ = pyogrio.read_info(out)["total_bounds"]
    assert -180 <= xmin and xmax <= 180


def test_gdal_reads_the_seed_story_geojson():
    features = gdal_read(GOLDEN)
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))["features"]
    assert [kind for kind, _ in features] == [f["geometry"]["type"] for f in expected]
    assert all(shape.is_valid for _, shape in features)
    info = pyogrio.read_info(GOLDEN)
    assert info["features"] == len(expected) and "mode" in list(info["fields"])


def test_sea_leg_between_inland_places_is_schematic_and_says_so():
    kyiv, warsaw = place("Kyiv", 50.45, 30.52), place("Warsaw", 52.23, 21.01)  # far from any lane
    got = story(leg(kyiv, warsaw, "sea")).legs[0]
    assert got.geometry_basis == "schematic"
    assert got.path[0] == kyiv.coordinate and got.path[-1] == warsaw.coordinate
    assert len(got.path) > 2  # the gentle schematic arc, not a lane and not a straight rail-like line
    routed = Story(Article("text"), (kyiv, warsaw), legs=(got,))
    properties = to_geojson(routed)["features"][-1]["properties"]
    assert properties["geometry_basis"] == "schematic"
    from geostory.render import _leg_popup

    assert "Line drawn</dt><dd>schematic" in _leg_popup(routed, got)  # the popup says so too


def test_sea_leg_from_a_port_to_an_inland_city_is_schematic():
    gdansk, krakow = place("Gdansk", 54.35, 18.65), place("Krakow", 50.06, 19.94)  # Krakow: 400 km inland
    assert story(leg(gdansk, krakow, "sea")).legs[0].geometry_basis == "schematic"


def test_sea_leg_from_inland_goes_by_road_to_the_nearest_port_on_the_lanes():
    from geostory.route import NETWORK_SNAP_KM, PORT_ROAD_KM

    paris, new_york = place("Paris", 48.857, 2.352), place("New York", 40.713, -74.006)
    assert not networks.near_network("sea", paris.coordinate, NETWORK_SNAP_KM)  # 165 km inland
    got = story(leg(paris, new_york, "sea")).legs[0]
    assert got.geometry_basis == "sea-lanes"
    assert got.path[0] == paris.coordinate and got.path[-1] == new_york.coordinate
    # the road part: every vertex up to the port is a road node; the port lies on the lanes
    road = networks._world_graph("road")
    port_at = next(
        i for i, p in enumerate(got.path) if networks.near_network("sea", p, networks.PORT_LANE_KM)
    )
    assert all(road.near(p, 0.01)[0].size for p in got.path[1:port_at])
    port = got.path[port_at]
    assert geodesic((paris.latitude, paris.longitude), (port.latitude, port.longitude)).km <= PORT_ROAD_KM
    straight = geodesic((paris.latitude, paris.longitude), (new_york.latitude, new_york.longitude)).km
    assert straight < got.distance_km < 1.1 * straight


@pytest.mark.parametrize(
    "origin,destination",
    [
        (place("Madrid", 40.42, -3.70), place("Palma", 39.57, 2.65)),  # Valencia: 300 km, too far
        (
            place("Kyiv", 50.45, 30.52),
            place("Odesa", 46.48, 30.72),
        ),  # no port on the lanes within 250 km of Kyiv
    ],
)
def test_sea_leg_from_beyond_a_ports_reach_stays_schematic(origin, destination):
    assert story(leg(origin, destination, "sea")).legs[0].geometry_basis == "schematic"


def test_unconnected_stops_are_refused_before_any_search(monkeypatch):
    # Sardinia's railways do not reach the mainland: the components say so without a search
    def no_search(*args, **kwargs):
        raise AssertionError("searched")

    monkeypatch.setattr(networks.Graph, "shortest", no_search)
    cagliari, rome = Coordinate(39.22, 9.11), Coordinate(41.90, 12.50)
    assert networks.world_path("rail", cagliari, rome, snap_km=50, limit_km=2000) is None


def test_build_network_caches_builds_once_and_rebuilds_on_request(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOSTORY_CACHE_DIR", str(tmp_path))
    built = []
    monkeypatch.setattr(
        networks, "_convert", lambda mode, real=networks._convert: built.append(mode) or real(mode)
    )
    (folder,) = networks.build_network_caches(["sea"]).values()
    assert folder.parent == tmp_path / "networks" and sorted(p.stem for p in folder.iterdir()) == sorted(
        networks.ARRAYS
    )
    networks.build_network_caches(["sea"])
    assert built == ["sea"]  # current: not converted again
    (folder / "stale.txt").write_text("x")
    networks.build_network_caches(["sea"], rebuild=True)
    assert built == ["sea", "sea"] and not (folder / "stale.txt").exists()
    networks._world_graph.cache_clear()
    dover, calais = Coordinate(51.127, 1.331), Coordinate(50.966, 1.862)
    found = networks.world_path("sea", dover, calais, snap_km=50, limit_km=500)
    assert found is not None and 20 < found.graph_km < 80
    networks._world_graph.cache_clear()  # the next test's graph comes from its own cache dir
