"""World transport networks that `route` follows, loaded lazily, once per process, per mode.

    mode  network                                   from (registry package)      licence
    ----  -------                                   -----------------------      -------
    rail  world railways, ~275k nodes               scgraph-data world_railways  data ODbL (OSM)
    road  world highways, ~560k nodes               scgraph-data world_highways  data ODbL (OSM)
    sea   maritime lanes (Eurostat SeaRoute marnet) searoute                     Apache-2.0

scgraph-data ships each graph as a large Python module; importing one takes seconds and a few
hundred MB, so the first use converts it to compressed-sparse-row arrays cached in the user
cache dir (``networks/<mode>-<package>-<version>.npz``, rebuilt when the package version
changes). Later processes load the arrays in milliseconds and search them with scipy's
Dijkstra, bounded by the longest path `route` would accept. Sea legs go through `searoute`'s own
search (it knows the canals and passages); its graph is small and loads on first use.

A path is a list of `Coordinate` from the network node nearest the first stop to the one
nearest the last, with the snap distances, so `route` can judge it; lengths here are graph km,
never the reported distance.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import itertools
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ConfigurationError
from .model import Coordinate

__all__ = ["NetworkPath", "crosses_land_km", "land", "world_path"]

SNAP_CANDIDATES = 8  # nearest nodes tried at each end (the nearest may be an isolated fragment)
SNAP_BOX_DEG = 1.0  # snapping looks only at nodes within this many degrees of latitude
MIN_LIMIT_KM = 60.0  # a search always reaches this far, however short the leg

# mode -> (distribution, module, attribute) of the scgraph-data graph
WORLD_GRAPHS = {
    "rail": ("scgraph-data", "scgraph_data.world_railways", "world_railways_geograph"),
    "road": ("scgraph-data", "scgraph_data.world_highways", "world_highways_geograph"),
}


@dataclass(frozen=True)
class NetworkPath:
    """Nodes from near the first stop to near the last; snaps are km from the stops."""

    points: tuple[Coordinate, ...]
    graph_km: float
    snap_start_km: float
    snap_end_km: float


def _haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


# ------------------------------------------------------------------------- rail and road


@dataclass
class _Graph:
    lat: np.ndarray
    lon: np.ndarray
    matrix: Any  # scipy.sparse.csr_matrix, symmetric, km

    def snap(self, c: Coordinate, reach_km: float) -> tuple[np.ndarray, np.ndarray]:
        """Up to SNAP_CANDIDATES node ids within reach_km of c, and their km."""
        box = np.flatnonzero(np.abs(self.lat - c.latitude) <= SNAP_BOX_DEG)
        if box.size == 0:
            return box, np.empty(0)
        d = _haversine_km(c.latitude, c.longitude, self.lat[box], self.lon[box])
        keep = np.flatnonzero(d <= reach_km)
        keep = keep[np.argsort(d[keep], kind="stable")[:SNAP_CANDIDATES]]
        return box[keep], d[keep]

    def path(self, a: Coordinate, b: Coordinate, *, snap_km: float, limit_km: float) -> NetworkPath | None:
        from scipy.sparse.csgraph import dijkstra

        starts, start_km = self.snap(a, snap_km)
        ends, end_km = self.snap(b, snap_km)
        if starts.size == 0 or ends.size == 0:
            return None
        dist, pred, sources = dijkstra(
            self.matrix,
            directed=True,
            indices=starts,
            return_predecessors=True,
            min_only=True,
            limit=max(limit_km, MIN_LIMIT_KM),
        )
        # the start's own snap counts too, so a stop prefers the track that passes it
        access = dict(zip(starts.tolist(), start_km.tolist()))
        cost = [dist[e] + d + access.get(int(sources[e]), 0.0) for e, d in zip(ends, end_km)]
        best = int(np.argmin(cost))
        if not np.isfinite(cost[best]):
            return None
        node = int(ends[best])
        nodes = [node]
        while pred[node] >= 0:
            node = int(pred[node])
            nodes.append(node)
        nodes.reverse()
        return NetworkPath(
            tuple(Coordinate(float(self.lat[n]), float(self.lon[n])) for n in nodes),
            float(dist[ends[best]]),
            access[nodes[0]],
            float(end_km[best]),
        )


def _cache_file(mode: str) -> Path:
    from .geo import cache_dir  # one cache folder for every index geostory builds

    dist = WORLD_GRAPHS[mode][0]
    try:
        version = importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError as err:
        raise ConfigurationError(f"the {mode} network needs the package {dist}: pip install {dist}") from err
    return cache_dir() / "networks" / f"{mode}-{dist}-{version}.npz"


def _convert(mode: str) -> dict[str, np.ndarray]:
    """scgraph-data's adjacency list (list of {neighbour: km}) as symmetric CSR arrays."""
    _, module_name, attribute = WORLD_GRAPHS[mode]
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise ConfigurationError(
            f"the {mode} network cannot be loaded ({err}): pip install 'scgraph==2.15.0' "
            "'scgraph-data==2.0.0'"
        ) from err
    geograph = getattr(module, attribute)
    adjacency, nodes = geograph.graph, geograph.nodes
    try:
        counts = np.fromiter((len(d) for d in adjacency), dtype=np.int64, count=len(adjacency))
        total = int(counts.sum())
        dst = np.fromiter(itertools.chain.from_iterable(adjacency), dtype=np.int64, count=total)
        km = np.fromiter(
            itertools.chain.from_iterable(d.values() for d in adjacency), dtype=np.float64, count=total
        )
        latlon = np.asarray(nodes, dtype=np.float64)  # scgraph nodes are [lat, lon]
    finally:
        sys.modules.pop(module_name, None)  # let the big module's objects go
    src = np.repeat(np.arange(len(adjacency), dtype=np.int64), counts)
    keep = src != dst
    # both directions, each edge once: the graph is undirected; zero-length edges get a hair
    # of length because scipy reads an explicit zero as a missing edge
    src, dst, km = src[keep], dst[keep], np.maximum(km[keep], 1e-6)
    a, b = np.concatenate([src, dst]), np.concatenate([dst, src])
    w = np.concatenate([km, km])
    order = np.lexsort((w, b, a))
    a, b, w = a[order], b[order], w[order]
    first = np.ones(a.size, dtype=bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])  # keep the shortest of duplicates
    a, b, w = a[first], b[first], w[first]
    indptr = np.zeros(len(nodes) + 1, dtype=np.int64)
    np.add.at(indptr, a + 1, 1)
    return {
        "lat": latlon[:, 0],
        "lon": latlon[:, 1],
        "indptr": np.cumsum(indptr),
        "indices": b.astype(np.int32),
        "data": w.astype(np.float32),
    }


_lock = threading.Lock()


@cache
def _world_graph(mode: str) -> _Graph:
    from scipy.sparse import csr_matrix

    from .atomic import atomic_writer

    with _lock:
        path = _cache_file(mode)
        try:
            with np.load(path) as stored:
                arrays = {key: stored[key] for key in stored.files}
        except (OSError, ValueError, KeyError):
            arrays = _convert(mode)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with atomic_writer(path, binary=True) as handle:
                    np.savez(handle, **arrays)
            except OSError:
                pass  # an unwritable cache costs time on the next run, not correctness
        n = arrays["lat"].size
        matrix = csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=(n, n))
        return _Graph(arrays["lat"], arrays["lon"], matrix)


# ---------------------------------------------------------------------------------- sea


@cache
def _searoute() -> Any:
    try:
        import searoute
    except ImportError as err:
        raise ConfigurationError("sea lanes need the package searoute: pip install searoute") from err
    return searoute


def _sea_path(a: Coordinate, b: Coordinate, *, snap_km: float) -> NetworkPath | None:
    sr = _searoute()
    with _lock:  # searoute keeps module-level graph state
        try:
            feature = sr.searoute(list(a.lonlat()), list(b.lonlat()), units="km")
        except (ValueError, KeyError, IndexError):  # no lane between them
            return None
    coords = feature["geometry"]["coordinates"]
    if len(coords) < 2:
        return None
    points = tuple(Coordinate(float(lat), float(lon)) for lon, lat in coords)
    first, last = points[0], points[-1]
    snap_a = float(_haversine_km(a.latitude, a.longitude, first.latitude, first.longitude))
    snap_b = float(_haversine_km(b.latitude, b.longitude, last.latitude, last.longitude))
    if snap_a > snap_km or snap_b > snap_km:
        return None
    return NetworkPath(points, float(feature["properties"]["length"]), snap_a, snap_b)


# ------------------------------------------------------------------------------- public


def world_path(
    mode: str, a: Coordinate, b: Coordinate, *, snap_km: float, limit_km: float
) -> NetworkPath | None:
    """The shortest path between two stops on the world network for `mode`, or None.

    None when either stop is farther than `snap_km` from the network, or the network has no
    path within `limit_km` of graph length (sea: searoute finds none).
    """
    if mode == "sea":
        return _sea_path(a, b, snap_km=snap_km)
    if mode not in WORLD_GRAPHS:
        return None
    return _world_graph(mode).path(a, b, snap_km=snap_km, limit_km=limit_km)


@cache
def land() -> Any:
    """The union of countryinfo's country outlines (prepared), for 'does this cross land'."""
    import json

    import shapely

    from .gazetteer import _country_outline, _site_file

    shapes = []
    for folder in ("data", "data_no_iso"):
        for path in sorted(_site_file("countryinfo", folder).glob("*.json")):
            try:
                outline = _country_outline(json.loads(path.read_text("utf-8")))
            except (ValueError, OSError):
                continue
            if outline is not None:
                shapes.append(shapely.make_valid(outline))
    union = shapely.union_all(shapes)
    shapely.prepare(union)
    return union


def crosses_land_km(points: Sequence[Coordinate]) -> float:
    """Roughly how many km of the polyline lie over land (countryinfo outlines)."""
    import shapely

    # wrapped into [-180, 180] and cut where a step jumps across the antimeridian
    pieces: list[list[tuple[float, float]]] = [[]]
    for p in points:
        lon, lat = p.lonlat()
        lon = (lon + 180.0) % 360.0 - 180.0
        if pieces[-1] and abs(lon - pieces[-1][-1][0]) > 180:
            pieces.append([])
        pieces[-1].append((lon, lat))
    lines = shapely.MultiLineString([piece for piece in pieces if len(piece) >= 2])
    over = shapely.intersection(lines, land())
    total = 0.0
    for part in shapely.get_parts(over):
        if part.geom_type == "LineString":
            coords = np.asarray(part.coords)
            total += float(_haversine_km(coords[:-1, 1], coords[:-1, 0], coords[1:, 1], coords[1:, 0]).sum())
    return total
