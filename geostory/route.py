"""Give every leg of a story a drawable path, a geodesic length and an honest basis.

    mode   path, in order of preference                                  geometry_basis
    ----   ----------------------------                                  --------------
    air    great-circle arc, densified every ~75 km                      "great-circle"
    rail   the user's railway GeoJSON (``networks={"rail": FILE}``)      "rail-network"
           the curated corridors in ``data/rail_corridors.json``, where  "rail-corridor"
           the world network cannot serve the leg or leaves their line
           the world railway network (OpenStreetMap, scgraph-data)       "rail-network"
    road   the user's road GeoJSON, else the world highway network       "road-network"
           (OpenStreetMap, scgraph-data)
    sea    the user's sea GeoJSON (user lanes), else the searoute         "sea-lanes"
           maritime network
           a direct crossing, where the lanes are missing or coarse and  "great-circle"
           the great circle stays at sea
           an end inland: by road to the nearest port on the lanes       as the sea part
    any    otherwise: straight line (rail, road) or a gentle arc bowing  "schematic"
           to the right of travel (sea, unknown) through the stops

A network serves a leg only if, for every pair of consecutive stops, both lie within
``NETWORK_SNAP_KM`` of it, it connects them, and the routed length is at most ``MAX_DETOUR``
times the great-circle distance. A curated corridor that serves a rail leg wins over the world
network only where the network's path passes farther than ``STRAY_KM`` from one of the
corridor's points (it takes another line, as through China instead of by the Khasan line), is
longer than ``LONGER`` times the corridor's (it goes round), or cannot serve the leg; the data
file says, per corridor, what was measured. A sea leg crosses directly, on the great circle,
where it stays at sea (country outlines, but for ``HARBOUR_KM`` at each stop) and the lanes are
missing or longer than ``LANE_DETOUR`` times it (a coarse lane, as Holyhead-Dublin by the north
of Anglesey). A sea leg with an end inland (beyond ``NETWORK_SNAP_KM`` of the lanes) goes by
road to the nearest port on the lanes within ``PORT_ROAD_KM``, if the roads are shorter than the
voyage; else it stays schematic. Sea lanes may detour further when the straight line crosses
land (a ship must go round a continent). Anything else falls back to schematic, never to a wild
detour. Every path starts at the origin's and ends at the destination's own coordinate (the
short access segments to and from the network are part of it); ``distance_km`` is
`geopy.distance.geodesic` summed along the path, never a shapely length in degrees. Longitudes
are kept continuous (179 -> 181) so a Leaflet polyline crossing the antimeridian draws the short
way; `export` splits such a line at +/-180 for GeoJSON. A leg whose stops all coincide gets the
point twice, distance 0 and basis "schematic".

Shortest paths weigh graph edges by spherical km (within 0.5% of geodesic); only the distance
reported for the chosen path is geodesic. World networks load lazily, once per process, only
for a mode some leg uses (see `geostory.networks`, which also searches the corridor and user
graphs); a user network is read and built once per file (and rebuilt when the file changes).
A network file that cannot be read, is not GeoJSON or has a malformed feature raises
`ConfigurationError` naming the file (and the feature index).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ConfigurationError
from .geo import EARTH_RADIUS_KM, distance_km, spherical_km
from .model import Coordinate, GeometryBasis, Leg, Story
from .networks import Graph

__all__ = ["route"]

ARC_STEP_KM = 75.0  # great-circle densification
SNAP_KM = 40.0  # how far a stop may lie from a user or corridor graph and still use it
NETWORK_SNAP_KM = 50.0  # ... and from a world network
MAX_DETOUR = 2.5  # a routed stop-to-stop length beyond this x great-circle is a wild detour
LAND_KM = 20.0  # a straight sea chord over more land than this forces a detour round it
SNAP_SLACK_KM = 10.0  # candidates: nodes at most this much farther than the nearest one
ACCESS_PENALTY = 5.0  # access segments cost this many times their length, so stops snap close by
MAX_SNAP_CANDIDATES = 64
MERGE_KM = 2.0  # corridor points closer than this are one node (how corridors join)
NETWORK_GRID_DEG = 1e-6  # user networks: vertices are snapped to this grid (~0.1 m)
NETWORK_JOIN_M = 30.0  # user networks: a dangling line end this close to another node joins it
SEA_BOW = 0.08  # sea/unknown arcs: greatest offset from the chord, as a fraction of its length
STRAY_KM = 100.0  # a network path this far from a corridor's point has left the corridor's line
STRAY_STEP_KM = 10.0  # ... measured to the network path densified this finely
LONGER = 1.25  # ... or a network path this many times the corridor's length goes round
HARBOUR_KM = 10.0  # a direct sea crossing may cross the coarse country outlines this near a stop
LANE_DETOUR = 1.25  # sea lanes this many times a direct crossing that stays at sea are too coarse
PORT_ROAD_KM = 250.0  # a sea leg's end this far from a port on the lanes (straight) goes by road

CORRIDORS_FILE = Path(__file__).with_name("data") / "rail_corridors.json"
NETWORK_MODES = ("rail", "road", "sea")
NETWORK_BASIS: dict[str, GeometryBasis] = {
    "rail": "rail-network",
    "road": "road-network",
    "sea": "sea-lanes",
}


def route(
    story: Story,
    *,
    rail_network: str | os.PathLike[str] | None = None,
    networks: Mapping[str, str | os.PathLike[str]] | None = None,
    world_networks: bool = True,
) -> Story:
    """Give every leg a geometry (path), geodesic distance_km and geometry_basis.

    Returns a new `Story`; the input is not changed. `networks` maps a mode ("rail", "road",
    "sea") to a GeoJSON of LineString/MultiLineString features (e.g. an OpenStreetMap export)
    that legs of that mode follow in preference to anything else wherever it covers them;
    `rail_network=FILE` is short for ``networks={"rail": FILE}``. `world_networks=False`
    leaves the world networks unloaded (corridors and schematic lines only).

    >>> from geostory.model import Article, Leg, Place, Span, Story
    >>> def place(name, lat, lon):
    ...     return Place(f"test:{name}", name, lat, lon, "city", None, (), "test", 1.0)
    >>> leg = Leg(place("Seoul", 37.57, 126.98), place("Tokyo", 35.68, 139.77), "air",
    ...           "reported", Span("", 0, 0))
    >>> routed = route(Story(Article(""), (), legs=(leg,))).legs[0]
    >>> routed.geometry_basis, round(routed.distance_km, -1)
    ('great-circle', 1160.0)
    """
    files = dict(networks or {})
    if rail_network is not None:
        files.setdefault("rail", rail_network)
    unknown = sorted(set(files) - set(NETWORK_MODES))
    if unknown:
        raise ConfigurationError(
            f"no such network mode {unknown[0]!r}: use one of {', '.join(NETWORK_MODES)}"
        )
    user = {mode: _user_network(Path(file), mode) for mode, file in files.items()}
    if not story.legs:
        return story
    return replace(story, legs=tuple(_route_leg(leg, user, world_networks) for leg in story.legs))


# ----------------------------------------------------------------------------------- legs


def _route_leg(leg: Leg, user: Mapping[str, _LineGraph], world: bool) -> Leg:
    stops = _dedupe(
        [leg.origin.coordinate, *(w.coordinate for w in leg.waypoints), leg.destination.coordinate]
    )
    basis: GeometryBasis = "schematic"
    path: list[Coordinate] | None = None
    if len(stops) == 1:
        path = [stops[0], stops[0]]
    elif leg.mode == "air":
        path, basis = _great_circle(stops), "great-circle"
    elif leg.mode in NETWORK_MODES:
        path, basis = _on_networks(leg.mode, stops, user, world)
    if path is None:
        path = _bowed(stops) if leg.mode in ("sea", "unknown") else list(stops)
    path = _continuous(path)
    # A flight's densified arc adds nothing to its length: measure it stop to stop.
    measured = stops if leg.mode == "air" else path
    return replace(leg, path=tuple(path), distance_km=_geodesic_km(measured), geometry_basis=basis)


def _on_networks(
    mode: str, stops: Sequence[Coordinate], user: Mapping[str, _LineGraph], world: bool
) -> tuple[list[Coordinate] | None, GeometryBasis]:
    """The first source in the module table's order that serves the leg, and its basis."""
    if mode in user:
        path = user[mode].route(stops)
        if path is not None:
            return path, NETWORK_BASIS[mode]
    corridor = _unless_detour(_corridors().route(stops), stops) if mode == "rail" else None
    # a network path beyond LONGER x the corridor loses to it anyway: the search may stop there
    most_km = math.inf if corridor is None else LONGER * _length_km(corridor)
    network = _world_route(mode, stops, most_km) if world else None
    if corridor is not None and (network is None or _leaves(network, corridor)):
        return corridor, "rail-corridor"
    if mode == "sea" and world:
        return _by_sea(stops, network) or _via_ports(stops) or (None, "schematic")
    if network is not None:
        return network, NETWORK_BASIS[mode]
    return None, "schematic"


def _by_sea(
    stops: Sequence[Coordinate], lanes: list[Coordinate] | None
) -> tuple[list[Coordinate], GeometryBasis] | None:
    """The lanes, unless they are missing or coarse where a direct crossing stays at sea."""
    if lanes is None or _length_km(lanes) > LANE_DETOUR * _length_km(stops):
        direct = _open_sea(stops)
        if direct is not None:
            return direct, "great-circle"
    return None if lanes is None else (lanes, "sea-lanes")


def _via_ports(stops: Sequence[Coordinate]) -> tuple[list[Coordinate], GeometryBasis] | None:
    """A sea leg with an end inland: by road to (from) the nearest port on the lanes, then by sea.

    None if an end has no port within PORT_ROAD_KM that a road reaches, the sea cannot serve the
    ports, or the roads are longer than the voyage (a drive, not a sea leg).
    """
    road_in, road_out = _road_to_port(stops[0], outward=True), _road_to_port(stops[-1], outward=False)
    if road_in is None or road_out is None or (len(road_in) == 1 and len(road_out) == 1):
        return None
    sea_stops = [road_in[-1], *stops[1:-1], road_out[0]]
    at_sea = _by_sea(sea_stops, _world_route("sea", sea_stops))
    if at_sea is None:
        return None
    voyage, basis = at_sea
    if _length_km(road_in) + _length_km(road_out) > _length_km(voyage):
        return None
    return _dedupe([*road_in, *voyage, *road_out]), basis


def _road_to_port(end: Coordinate, *, outward: bool) -> list[Coordinate] | None:
    """[end] if it is on the sea lanes, else the road between it and the nearest port a road
    reaches (end first when `outward`); None if there is none within PORT_ROAD_KM."""
    from .networks import near_network, nearest_ports

    if near_network("sea", end, NETWORK_SNAP_KM):
        return [end]
    for port in nearest_ports(end, PORT_ROAD_KM):
        road = _world_route("road", [end, port] if outward else [port, end])
        if road is not None:
            return road
    return None


def _open_sea(stops: Sequence[Coordinate]) -> list[Coordinate] | None:
    """The great circle through the stops, if it stays at sea but for HARBOUR_KM at each stop."""
    from .networks import crosses_land_km

    path = [stops[0]]
    for a, b in itertools.pairwise(stops):
        arc = _continuous(_great_circle([a, b]))
        middle = _trimmed(arc, HARBOUR_KM)
        if middle is None or crosses_land_km(middle) > 0.0:
            return None
        path.extend(arc[1:])
    return path


def _trimmed(path: Sequence[Coordinate], km: float) -> list[Coordinate] | None:
    """The polyline without its first and last `km` (None if nothing is left)."""
    hops = [_geodesic_km(pair) for pair in itertools.pairwise(path)]
    total = sum(hops)
    if total <= 2 * km:
        return None

    def at(distance: float) -> Coordinate:
        for (a, b), hop in zip(itertools.pairwise(path), hops, strict=True):
            if distance <= hop:
                t = distance / hop if hop else 0.0
                return Coordinate(
                    a.latitude + t * (b.latitude - a.latitude), a.longitude + t * (b.longitude - a.longitude)
                )
            distance -= hop
        return path[-1]

    inner, done = [], 0.0
    for p, hop in zip(path[1:-1], hops, strict=False):
        done += hop
        if km < done < total - km:
            inner.append(p)
    return [at(km), *inner, at(total - km)]


def _leaves(network: Sequence[Coordinate], corridor: Sequence[Coordinate]) -> bool:
    """Whether the network path takes another line than the corridor's, or goes round."""
    if _length_km(network) > LONGER * _length_km(corridor):
        return True
    return _farthest_km(corridor[1:-1], network) > STRAY_KM  # corridor's own points, not the stops


def _farthest_km(points: Sequence[Coordinate], path: Sequence[Coordinate]) -> float:
    """How far from the polyline `path` the farthest of `points` lies (km, to within ~STRAY_STEP_KM)."""
    if not points:
        return 0.0
    lat = np.array([p.latitude for p in path])
    lon = np.array([p.longitude for p in path])
    steps = np.maximum(1, np.ceil(spherical_km(lat[:-1], lon[:-1], lat[1:], lon[1:]) / STRAY_STEP_KM))
    steps = steps.astype(np.int64)
    hop = np.repeat(np.arange(steps.size), steps)  # each densified point's segment
    t = (np.arange(steps.sum()) - np.repeat(np.cumsum(steps) - steps, steps) + 1) / steps[hop]
    lats = np.concatenate([lat[:1], lat[hop] + t * (lat[hop + 1] - lat[hop])])
    lons = np.concatenate([lon[:1], lon[hop] + t * (lon[hop + 1] - lon[hop])])
    plat = np.array([p.latitude for p in points])[:, None]
    plon = np.array([p.longitude for p in points])[:, None]
    return float(spherical_km(plat, plon, lats[None, :], lons[None, :]).min(axis=1).max())


def _unless_detour(path: list[Coordinate] | None, stops: Sequence[Coordinate]) -> list[Coordinate] | None:
    """The path, unless it is longer than MAX_DETOUR x the straight line through the stops."""
    if path is None or _geodesic_km(path) > MAX_DETOUR * _geodesic_km(stops):
        return None
    return path


def _world_route(
    mode: str, stops: Sequence[Coordinate], most_km: float = math.inf
) -> list[Coordinate] | None:
    """Origin, the world network through every stop in order, destination; None if not served
    (or, for rail and road, if a stop-to-stop search finds nothing within `most_km`)."""
    from .networks import crosses_land_km, world_path

    path = [stops[0]]
    for a, b in itertools.pairwise(stops):
        straight = _geodesic_km([a, b])
        limit = min(MAX_DETOUR * straight, most_km)
        found = world_path(mode, a, b, snap_km=NETWORK_SNAP_KM, limit_km=limit)
        if found is None:
            return None
        length = found.snap_start_km + found.graph_km + found.snap_end_km
        if length > MAX_DETOUR * straight and not (mode == "sea" and crosses_land_km([a, b]) > LAND_KM):
            return None
        path.extend(found.points)
        path.append(b)
    return _dedupe(_continuous(path))


def _dedupe(points: Iterable[Coordinate]) -> list[Coordinate]:
    out: list[Coordinate] = []
    for p in points:
        if not out or (p.latitude, p.longitude) != (out[-1].latitude, out[-1].longitude):
            out.append(p)
    return out


def _wrap(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0


def _continuous(path: Sequence[Coordinate]) -> list[Coordinate]:
    """Shift longitudes by whole turns so consecutive points are never more than 180° apart."""
    out = [path[0]]
    for p in path[1:]:
        prev, lon = out[-1].longitude, p.longitude
        while lon - prev > 180.0:  # whole turns only, so an unshifted point keeps its exact value
            lon -= 360.0
        while lon - prev < -180.0:
            lon += 360.0
        out.append(p if lon == p.longitude else Coordinate(p.latitude, lon))
    return out


def _geodesic_km(path: Sequence[Coordinate]) -> float:
    total = 0.0
    for a, b in itertools.pairwise(path):
        if (a.latitude, a.longitude) != (b.latitude, b.longitude):
            total += distance_km(
                Coordinate(a.latitude, _wrap(a.longitude)), Coordinate(b.latitude, _wrap(b.longitude))
            )
    return total


def _length_km(path: Sequence[Coordinate]) -> float:
    """Spherical km along the path (within 0.5% of geodesic, and fast): for comparing paths."""
    lat = np.array([p.latitude for p in path])
    lon = np.array([p.longitude for p in path])
    return float(spherical_km(lat[:-1], lon[:-1], lat[1:], lon[1:]).sum())


def _unit(c: Coordinate) -> np.ndarray:
    lat, lon = math.radians(c.latitude), math.radians(c.longitude)
    return np.array([math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)])


def _great_circle(stops: Sequence[Coordinate]) -> list[Coordinate]:
    """Spherical interpolation (slerp) between consecutive stops, a point every ~ARC_STEP_KM."""
    path = [stops[0]]
    for a, b in itertools.pairwise(stops):
        u, v = _unit(a), _unit(b)
        omega = math.acos(max(-1.0, min(1.0, float(u @ v))))
        steps = max(1, math.ceil(omega * EARTH_RADIUS_KM / ARC_STEP_KM))
        if omega < 1e-12 or math.pi - omega < 1e-9:  # same point, or antipodes: no unique arc
            path.append(b)
            continue
        for i in range(1, steps):
            t = i / steps
            w = (math.sin((1 - t) * omega) * u + math.sin(t * omega) * v) / math.sin(omega)
            lat = math.degrees(math.atan2(w[2], math.hypot(w[0], w[1])))
            path.append(Coordinate(lat, math.degrees(math.atan2(w[1], w[0]))))
        path.append(b)
    return path


def _bowed(stops: Sequence[Coordinate]) -> list[Coordinate]:
    """A quadratic Bézier per stop pair, bowing right of travel by SEA_BOW of the chord.

    Computed in a local equirectangular plane (x scaled by cos of the mean latitude), so the
    bow looks the same on a web map at any latitude.
    """
    path = [stops[0]]
    for a, b in itertools.pairwise(stops):
        lon_b = a.longitude + _wrap(b.longitude - a.longitude)
        k = math.cos(math.radians((a.latitude + b.latitude) / 2)) or 1e-9
        ax, ay, bx, by = a.longitude * k, a.latitude, lon_b * k, b.latitude
        dx, dy = bx - ax, by - ay
        # control point 2*SEA_BOW*chord to the right of the midpoint: curve peaks at SEA_BOW*chord
        cx, cy = (ax + bx) / 2 + 2 * SEA_BOW * dy, (ay + by) / 2 - 2 * SEA_BOW * dx
        chord_km = math.hypot(dx, dy) * 111.2
        steps = max(8, min(64, math.ceil(chord_km / 50.0)))
        for i in range(1, steps):
            t = i / steps
            x = (1 - t) ** 2 * ax + 2 * (1 - t) * t * cx + t**2 * bx
            y = (1 - t) ** 2 * ay + 2 * (1 - t) * t * cy + t**2 * by
            path.append(Coordinate(max(-89.9, min(89.9, y)), x / k))
        path.append(b)
    return path


# ----------------------------------------------------------------------------- rail graphs


@dataclass(frozen=True)
class _LineGraph:
    """A corridor or user network: stops snap to nodes within SNAP_KM, access costs extra."""

    graph: Graph

    @property
    def lat(self) -> np.ndarray:
        return self.graph.lat

    def _snap(self, c: Coordinate) -> dict[int, float]:
        """Candidate nodes (at most SNAP_SLACK_KM farther than the nearest) and their access cost."""
        ids, km = self.graph.near(c, SNAP_KM)
        if ids.size == 0:
            return {}
        keep = km <= km[0] + SNAP_SLACK_KM
        ids, km = ids[keep][:MAX_SNAP_CANDIDATES], km[keep][:MAX_SNAP_CANDIDATES]
        return dict(zip(ids.tolist(), (km * ACCESS_PENALTY).tolist(), strict=True))

    def _between(self, a: Coordinate, b: Coordinate) -> list[int] | None:
        starts, ends = self._snap(a), self._snap(b)
        if not starts or not ends:
            return None
        found = self.graph.shortest(starts, ends, b)
        if found is None or len(found[1]) < 2:
            return None  # no track between them: not covered
        return found[1]

    def route(self, stops: Sequence[Coordinate]) -> list[Coordinate] | None:
        """Origin, track through every stop in order, destination; None if not covered."""
        path = [stops[0]]
        g = self.graph
        for a, b in itertools.pairwise(stops):
            nodes = self._between(a, b)
            if nodes is None:
                return None
            path.extend(Coordinate(float(g.lat[n]), float(g.lon[n])) for n in nodes)
            path.append(b)
        return _dedupe(path)


def _build(lat: Any, lon: Any, edges: Iterable[tuple[int, int]]) -> _LineGraph:
    pairs = np.array([e for e in edges if e[0] != e[1]], dtype=np.int64).reshape(-1, 2)
    return _LineGraph(Graph.from_edges(lat, lon, pairs[:, 0], pairs[:, 1]))


# ------------------------------------------------------------------------ curated corridors


@cache
def _corridors() -> _LineGraph:
    """The graph of the curated corridors; stations sharing a name or within MERGE_KM join."""
    corridors = json.loads(CORRIDORS_FILE.read_text(encoding="utf-8"))["corridors"]
    points = [p for c in corridors for p in c["points"]]
    lat = np.array([p["latitude"] for p in points], dtype=float)
    lon = np.array([p["longitude"] for p in points], dtype=float)

    parent = list(range(len(points)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:  # the lower index (first listed, stations before later copies) represents
            parent[max(ri, rj)] = min(ri, rj)

    by_name: dict[str, int] = {}
    cells: dict[tuple[int, int], list[int]] = {}
    cell = MERGE_KM / 111.0 * 4  # degrees; neighbours within MERGE_KM lie in adjacent cells
    for i, p in enumerate(points):
        name = p.get("name")
        if name:
            union(i, by_name.setdefault(name.casefold(), i))
        cy = math.floor(lat[i] / cell)
        cx = math.floor(lon[i] * math.cos(math.radians(lat[i])) / cell)
        near = [j for dy in (-1, 0, 1) for dx in (-1, 0, 1) for j in cells.get((cy + dy, cx + dx), ())]
        if near:
            d = spherical_km(lat[i], lon[i], lat[near], lon[near])
            for j, dj in zip(near, d.tolist(), strict=True):
                if dj <= MERGE_KM:
                    union(i, j)
        cells.setdefault((cy, cx), []).append(i)

    roots = sorted({find(i) for i in range(len(points))})
    index = {r: n for n, r in enumerate(roots)}
    node = [index[find(i)] for i in range(len(points))]
    edges: list[tuple[int, int]] = []
    start = 0
    for c in corridors:
        ids = node[start : start + len(c["points"])]
        edges.extend(itertools.pairwise(ids))
        start += len(c["points"])
    return _build(lat[roots], lon[roots], edges)


# --------------------------------------------------------------------------- user networks

_networks: dict[tuple[str, int, int], _LineGraph] = {}
_networks_lock = threading.Lock()


def _user_network(path: Path, mode: str = "rail") -> _LineGraph:
    """Read and build a network GeoJSON once per file version per process."""
    try:
        stat = path.stat()
    except OSError as err:
        raise ConfigurationError(f"{mode} network {path}: cannot read it ({err.strerror})") from err
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    with _networks_lock:
        graph = _networks.get(key)
        if graph is None:
            graph = _networks[key] = _build_network(path, _read_lines(path, mode), mode)
    return graph


def _read_lines(path: Path, mode: str) -> list[list[tuple[float, float]]]:
    """The LineString parts of a GeoJSON file as lists of (lon, lat); other geometries skipped."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigurationError(f"{mode} network {path}: cannot read it ({err})") from err
    except json.JSONDecodeError as err:
        raise ConfigurationError(
            f"{mode} network {path}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})"
        ) from err
    kind = data.get("type") if isinstance(data, dict) else None
    if kind == "FeatureCollection" and isinstance(data.get("features"), list):
        features = data["features"]
    elif kind == "Feature":
        features = [data]
    elif kind in ("LineString", "MultiLineString", "GeometryCollection"):
        features = [{"type": "Feature", "geometry": data}]
    else:
        raise ConfigurationError(f"{mode} network {path}: not a GeoJSON FeatureCollection")

    parts: list[list[tuple[float, float]]] = []
    for index, feature in enumerate(features):
        where = f"{mode} network {path}: feature {index}"
        if not isinstance(feature, dict) or "geometry" not in feature:
            raise ConfigurationError(f"{where}: not a GeoJSON Feature with a geometry")
        for geometry in _line_geometries(feature["geometry"], where):
            kind = geometry["type"]
            coords = geometry.get("coordinates")
            lines = [coords] if kind == "LineString" else coords
            if not isinstance(lines, list):
                raise ConfigurationError(f"{where}: {kind} has no coordinate list")
            for line in lines:
                parts.append(_positions(line, f"{where}: {kind}"))
    if not parts:
        raise ConfigurationError(f"{mode} network {path}: no LineString or MultiLineString features")
    return parts


def _line_geometries(geometry: Any, where: str) -> list[dict[str, Any]]:
    if geometry is None:
        return []
    if not isinstance(geometry, dict) or not isinstance(geometry.get("type"), str):
        raise ConfigurationError(f"{where}: geometry is not a GeoJSON object")
    if geometry["type"] == "GeometryCollection":
        members = geometry.get("geometries")
        if not isinstance(members, list):
            raise ConfigurationError(f"{where}: GeometryCollection has no geometries list")
        return [g for m in members for g in _line_geometries(m, where)]
    return [geometry] if geometry["type"] in ("LineString", "MultiLineString") else []


def _positions(line: Any, where: str) -> list[tuple[float, float]]:
    if not isinstance(line, list) or len(line) < 2:
        raise ConfigurationError(f"{where} needs at least two positions")
    out = []
    for position in line:
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(_is_number(v) for v in position[:2])
        ):
            raise ConfigurationError(f"{where} has a position that is not [longitude, latitude]")
        lon, lat = float(position[0]), float(position[1])
        if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lon) > 180 or abs(lat) > 90:
            raise ConfigurationError(f"{where} has a position out of range: [{lon}, {lat}]")
        out.append((lon, lat))
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _build_network(path: Path, parts: list[list[tuple[float, float]]], mode: str) -> _LineGraph:
    """Node the lines with shapely (split where they share vertices or cross), then graph them."""
    import shapely

    lines = [shapely.LineString(part) for part in parts]
    try:
        noded = shapely.union_all(shapely.set_precision(lines, NETWORK_GRID_DEG))
    except shapely.errors.GEOSException as err:
        raise ConfigurationError(f"{mode} network {path}: cannot build a network ({err})") from err
    ids: dict[tuple[float, float], int] = {}
    edges: list[tuple[int, int]] = []
    for geom in shapely.get_parts(noded):
        if geom.geom_type != "LineString":
            continue
        seq = [ids.setdefault((x, y), len(ids)) for x, y in geom.coords]
        edges.extend(itertools.pairwise(seq))
    if not edges:
        raise ConfigurationError(f"{mode} network {path}: its lines have no length")
    lon = np.array([x for x, _ in ids])
    lat = np.array([y for _, y in ids])
    return _build(lat, lon, [*edges, *_dangling_joins(lat, lon, edges)])


def _dangling_joins(lat: np.ndarray, lon: np.ndarray, edges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join each line end to the nearest other node within NETWORK_JOIN_M (gaps in exports)."""
    import shapely

    pairs = {(min(a, b), max(a, b)) for a, b in edges if a != b}
    degree = np.bincount(np.array(sorted(pairs), dtype=np.int64).reshape(-1), minlength=lat.size)
    ends = np.flatnonzero(degree == 1)
    if ends.size == 0:
        return []
    points = shapely.points(lon, lat)
    coslat = math.cos(math.radians(min(85.0, float(np.abs(lat[ends]).max()))))
    reach = NETWORK_JOIN_M / 111_320.0 / coslat  # degrees, generous in longitude
    hits = shapely.STRtree(points).query(points[ends], predicate="dwithin", distance=reach)
    best: dict[int, tuple[float, int]] = {}
    for e, m in zip(ends[hits[0]].tolist(), hits[1].tolist(), strict=True):
        if m == e or (min(e, m), max(e, m)) in pairs:
            continue
        d = float(spherical_km(lat[e], lon[e], lat[m], lon[m])) * 1000.0
        if d <= NETWORK_JOIN_M and d < best.get(e, (math.inf, -1))[0]:
            best[e] = (d, m)
    return [(e, m) for e, (_, m) in best.items()]
