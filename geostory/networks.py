"""Transport networks that `route` follows: the world networks, cached once, and a small search.

    mode  network                                   from (registry package)      licence
    ----  -------                                   -----------------------      -------
    rail  world railways, ~275k nodes               scgraph-data world_railways  data ODbL (OSM)
    road  world highways, ~560k nodes               scgraph-data world_highways  data ODbL (OSM)
    sea   maritime lanes (Eurostat SeaRoute marnet) searoute marnet              Apache-2.0
          ports (UN/LOCODE), for ends inland        searoute ports.geojson       Apache-2.0

The packages ship each graph as a large Python module, which takes seconds and hundreds of MB to
import, so `build_network_caches` (run by ``geostory index``; otherwise on a mode's first use)
converts each to compressed-sparse-row ``.npy`` arrays in the user cache dir
(``networks/<mode>-<package>-<version>-v<format>/``, rebuilt when the package version changes).
rail and road are read straight from the module's text, one mode at a time, never imported.
A process memory-maps only the arrays of the modes its legs use: loading costs milliseconds and
pages in only what a search touches.

Search is A* in Python on those arrays (great-circle heuristic, so a leg of a few hundred km
looks at a few thousand nodes), with a precomputed latitude order for snapping and connected
components to refuse unconnected stops at once. A search that grows past
``ASTAR_MAX_EXPANSIONS`` (a continental leg) hands over to scipy's Dijkstra in C; only then is
scipy imported. Sea lanes close the Northwest Passage, as searoute does by default.

A path is a list of `Coordinate` from the network node nearest the first stop to the one
nearest the last, with the snap distances, so `route` can judge it; lengths here are graph km,
never the reported distance.
"""

from __future__ import annotations

import heapq
import importlib
import importlib.metadata
import importlib.util
import itertools
import math
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ConfigurationError
from .geo import EARTH_RADIUS_KM, cache_dir, spherical_km
from .model import Coordinate

__all__ = [
    "Graph",
    "NetworkPath",
    "build_network_caches",
    "crosses_land_km",
    "land",
    "near_network",
    "nearest_ports",
    "world_path",
]

SNAP_CANDIDATES = 8  # nearest nodes tried at each end (the nearest may be an isolated fragment)
SNAP_BOX_DEG = 1.0  # snapping looks only at nodes within this many degrees of latitude
MIN_LIMIT_KM = 60.0  # a search always reaches this far, however short the leg
ASTAR_MAX_EXPANSIONS = 40_000  # beyond this many nodes, scipy's Dijkstra (C) is faster
HEURISTIC_SLACK = 0.998  # network edges are >= 0.999 x great-circle; keeps A* admissible
CACHE_FORMAT = 2  # bump when the cached arrays change
ARRAYS = ("lat", "lon", "indptr", "indices", "data", "order", "order_lat", "component")
MODES = ("rail", "road", "sea")
SEA_CLOSED = frozenset({"northwest"})  # searoute's default restriction
PORT_LANE_KM = 25.0  # a port this near a sea lane node is "on the lanes" (a ship can leave from it)
SEA_ACCESS = 3.0  # sea: km to a lane cost this much more (lanes are coarse; a long straight
# access line would cut across land, as from Helsinki and Tallinn to one node between them)

# mode -> (distribution, module, attribute) of the scgraph-data graph
WORLD_GRAPHS = {
    "rail": ("scgraph-data", "scgraph_data.world_railways", "world_railways_geograph"),
    "road": ("scgraph-data", "scgraph_data.world_highways", "world_highways_geograph"),
    "sea": ("searoute", "searoute.data.marnet_dict", ""),
}


@dataclass(frozen=True)
class NetworkPath:
    """Nodes from near the first stop to near the last; snaps are km from the stops."""

    points: tuple[Coordinate, ...]
    graph_km: float
    snap_start_km: float
    snap_end_km: float


class _TooBig(Exception):
    """The A* search outgrew ASTAR_MAX_EXPANSIONS."""


# -------------------------------------------------------------------------------- graphs


@dataclass(frozen=True, eq=False)
class Graph:
    """An undirected graph as CSR arrays (km weights), nodes sorted by latitude for snapping.

    `component` holds each node's connected component, or is empty when not computed.
    """

    lat: np.ndarray
    lon: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    order: np.ndarray  # node ids by latitude
    order_lat: np.ndarray  # their latitudes
    component: np.ndarray

    @classmethod
    def from_edges(cls, lat: Any, lon: Any, src: Any, dst: Any, km: Any = None) -> Graph:
        """Both directions of every edge once (the shortest of duplicates); km by default spherical."""
        arrays = _csr(np.asarray(lat, float), np.asarray(lon, float), src, dst, km)
        return cls(**arrays, component=np.empty(0, np.int32))

    @property
    def size(self) -> int:
        return int(self.lat.size)

    def has_edge(self, a: int, b: int) -> bool:
        return bool(np.any(self.indices[self.indptr[a] : self.indptr[a + 1]] == b))

    def near(self, c: Coordinate, reach_km: float) -> tuple[np.ndarray, np.ndarray]:
        """Node ids within reach_km of c, nearest first, and their km."""
        lo, hi = np.searchsorted(self.order_lat, [c.latitude - SNAP_BOX_DEG, c.latitude + SNAP_BOX_DEG])
        band = np.asarray(self.order[lo:hi])
        d = spherical_km(c.latitude, c.longitude, self.lat[band], self.lon[band])
        keep = np.flatnonzero(d <= reach_km)
        keep = keep[np.argsort(d[keep], kind="stable")]
        return band[keep], d[keep]

    def shortest(
        self,
        sources: Mapping[int, float],
        targets: Mapping[int, float],
        goal: Coordinate,
        limit_km: float = math.inf,
        max_expansions: int | None = None,
    ) -> tuple[float, list[int]] | None:
        """Cheapest path from any source to any target (their values: cost of entering/leaving).

        A* towards `goal`; a target's cost must be at least its km to `goal` (snap km, or more).
        None when no path costs at most `limit_km`. Raises `_TooBig` after `max_expansions`.
        """
        glat, glon = math.radians(goal.latitude), math.radians(goal.longitude)
        cos_glat = math.cos(glat)
        lat, lon, indptr, indices, data = self.lat, self.lon, self.indptr, self.indices, self.data
        k = 2 * EARTH_RADIUS_KM * HEURISTIC_SLACK

        def h(n: int) -> float:
            p, q = math.radians(lat[n]), math.radians(lon[n])
            s = math.sin((glat - p) / 2) ** 2 + cos_glat * math.cos(p) * math.sin((glon - q) / 2) ** 2
            return k * math.asin(min(1.0, math.sqrt(s)))

        best: dict[int, float] = {}
        parent: dict[int, int] = {}
        heap: list[tuple[float, float, int, int]] = []
        for s, cost in sources.items():
            if cost < best.get(s, math.inf):
                best[s] = cost
                heap.append((cost + h(s), cost, s, -1))
        heapq.heapify(heap)
        done: set[int] = set()
        found, end = math.inf, -1
        while heap:
            f, g, u, p = heapq.heappop(heap)
            if f >= found:
                break
            if u in done:
                continue
            done.add(u)
            parent[u] = p
            if u in targets and g + targets[u] < found:
                found, end = g + targets[u], u
            if max_expansions is not None and len(done) > max_expansions:
                raise _TooBig
            start, stop = int(indptr[u]), int(indptr[u + 1])
            for v, w in zip(indices[start:stop].tolist(), data[start:stop].tolist(), strict=True):
                ng = g + w
                if v not in done and ng < best.get(v, math.inf):
                    fv = ng + h(v)
                    if fv <= limit_km:
                        best[v] = ng
                        heapq.heappush(heap, (fv, ng, v, u))
        if end < 0 or found > limit_km:
            return None
        nodes = [end]
        while parent[nodes[-1]] >= 0:
            nodes.append(parent[nodes[-1]])
        nodes.reverse()
        return found, nodes

    def dijkstra(
        self, sources: Mapping[int, float], targets: Mapping[int, float], limit_km: float
    ) -> tuple[float, list[int]] | None:
        """As `shortest`, by scipy's Dijkstra (C): for searches too big for Python."""
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import dijkstra

        n = self.size
        matrix = csr_matrix((self.data, self.indices, self.indptr), shape=(n, n))
        starts = np.fromiter(sources, dtype=np.int64)
        dist, pred, origin = dijkstra(
            matrix, directed=True, indices=starts, return_predecessors=True, min_only=True, limit=limit_km
        )
        cost = [dist[e] + t + sources.get(int(origin[e]), 0.0) for e, t in targets.items()]
        best = int(np.argmin(cost))
        if not math.isfinite(cost[best]):
            return None
        nodes = [list(targets)[best]]
        while pred[nodes[-1]] >= 0:
            nodes.append(int(pred[nodes[-1]]))
        nodes.reverse()
        return float(cost[best]), nodes


def _csr(lat: np.ndarray, lon: np.ndarray, src: Any, dst: Any, km: Any) -> dict[str, np.ndarray]:
    src, dst = np.asarray(src, np.int64), np.asarray(dst, np.int64)
    w = spherical_km(lat[src], lon[src], lat[dst], lon[dst]) if km is None else np.asarray(km, float)
    keep = src != dst
    # zero-length edges get a hair of length: scipy reads an explicit zero as a missing edge
    src, dst, w = src[keep], dst[keep], np.maximum(w[keep], 1e-6)
    a, b, w = np.concatenate([src, dst]), np.concatenate([dst, src]), np.concatenate([w, w])
    del src, dst
    order = np.lexsort((w, b, a))
    a, b, w = a[order], b[order], w[order]
    first = np.ones(a.size, dtype=bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])  # keep the shortest of duplicates
    a, b, w = a[first], b[first], w[first]
    indptr = np.zeros(lat.size + 1, dtype=np.int64)
    np.cumsum(np.bincount(a, minlength=lat.size), out=indptr[1:])
    order = np.argsort(lat, kind="stable")
    return {
        "lat": lat,
        "lon": lon,
        "indptr": indptr,
        "indices": b.astype(np.int32),
        "data": w.astype(np.float32),
        "order": order.astype(np.int32),
        "order_lat": lat[order],
    }


# ------------------------------------------------------------------------ the world graphs


def _cache_folder(mode: str) -> Path:
    dist = WORLD_GRAPHS[mode][0]
    try:
        version = importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError as err:
        raise ConfigurationError(f"the {mode} network needs the package {dist}: pip install {dist}") from err
    return cache_dir() / "networks" / f"{mode}-{dist}-{version}-v{CACHE_FORMAT}"


_TEXT_SEPARATORS = bytes.maketrans(b"{}[]:,", b"      ")
CHUNK_BYTES = 1 << 22


def _numbers(raw: bytes, start: int, stop: int, closer: bytes, sentinel: bytes = b"") -> np.ndarray:
    """The numbers in raw[start:stop], read in chunks cut after `closer`; `closer` becomes
    `sentinel` first (so "}" can mark where each dict ends)."""
    parts = []
    while start < stop:
        end = stop if stop - start <= CHUNK_BYTES else raw.rindex(closer, start, start + CHUNK_BYTES) + 1
        chunk = raw[start:end]
        if sentinel:
            chunk = chunk.replace(closer, sentinel)
        parts.append(np.fromstring(chunk.translate(_TEXT_SEPARATORS).decode("ascii"), sep=" "))
        start = end
    return np.concatenate(parts) if parts else np.empty(0)


def _read_scgraph(mode: str) -> dict[str, np.ndarray]:
    """scgraph-data's module text (``graph=[{nbr: km, ...}, ...]``, ``nodes=[[lat, lon], ...]``)
    as CSR arrays, read as numbers without importing it (which would take ~5x the memory)."""
    _, module_name, _ = WORLD_GRAPHS[mode]
    spec = importlib.util.find_spec(module_name)
    if spec is None or spec.origin is None:
        raise ConfigurationError(f"the {mode} network needs scgraph-data: pip install 'scgraph-data==2.0.0'")
    raw = Path(spec.origin).read_bytes()
    g0 = raw.index(b"\ngraph=[") + len(b"\ngraph=[")
    g1 = raw.index(b"\nnodes=[", g0)
    n0 = g1 + len(b"\nnodes=[")
    n1 = raw.index(b"\n", n0)
    # each dict ends in a (-1, -1) pair, so dict sizes come out of the flat number stream
    pairs = _numbers(raw, g0, raw.rindex(b"]", g0, g1), b"}", b" -1 -1 ").reshape(-1, 2)
    latlon = _numbers(raw, n0, n1, b"]").reshape(-1, 2)  # scgraph nodes are [lat, lon]
    del raw
    ends = np.flatnonzero(pairs[:, 0] < 0)
    counts = np.diff(np.concatenate([[-1], ends])) - 1
    edges = np.delete(pairs, ends, axis=0)
    del pairs
    n = latlon.shape[0]
    if counts.size != n or (edges.size and (edges[:, 0].max() >= n or edges[:, 0].min() < 0)):
        raise ValueError(f"{module_name}: {counts.size} adjacency lists for {n} nodes")
    src = np.repeat(np.arange(n, dtype=np.int64), counts)
    return _csr(latlon[:, 0].copy(), latlon[:, 1].copy(), src, edges[:, 0].astype(np.int64), edges[:, 1])


def _import_scgraph(mode: str) -> dict[str, np.ndarray]:
    """The same by importing the module (slow, memory-hungry): if its text format changes."""
    _, module_name, attribute = WORLD_GRAPHS[mode]
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise ConfigurationError(
            f"the {mode} network cannot be loaded ({err}): "
            "pip install 'scgraph==2.15.0' 'scgraph-data==2.0.0'"
        ) from err
    try:
        geograph = getattr(module, attribute)
        adjacency, nodes = geograph.graph, geograph.nodes
        counts = np.fromiter((len(d) for d in adjacency), dtype=np.int64, count=len(adjacency))
        dst = np.fromiter(itertools.chain.from_iterable(adjacency), dtype=np.int64, count=int(counts.sum()))
        km = np.fromiter(itertools.chain.from_iterable(d.values() for d in adjacency), dtype=np.float64)
        latlon = np.asarray(nodes, dtype=np.float64)
    finally:
        sys.modules.pop(module_name, None)  # let the big module's objects go
    src = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    return _csr(latlon[:, 0].copy(), latlon[:, 1].copy(), src, dst, km)


def _read_marnet() -> dict[str, np.ndarray]:
    """searoute's maritime network ({(lon, lat): {(lon, lat): {passage, weight}}}) as arrays."""
    try:
        from searoute.data.marnet_dict import edge_list, node_list
    except ImportError as err:
        raise ConfigurationError("sea lanes need the package searoute: pip install searoute==1.6.0") from err
    ids: dict[tuple[float, float], int] = {node: i for i, node in enumerate(node_list)}
    src, dst = [], []
    for u, neighbours in edge_list.items():
        for v, attributes in neighbours.items():
            if attributes.get("passage") not in SEA_CLOSED:
                src.append(ids.setdefault(u, len(ids)))
                dst.append(ids.setdefault(v, len(ids)))
    lonlat = np.array(list(ids), dtype=np.float64).reshape(-1, 2)
    # weights: spherical km (searoute's own are the same, rounded to 0.1 km)
    return _csr(lonlat[:, 1].copy(), lonlat[:, 0].copy(), src, dst, None)


def _convert(mode: str) -> dict[str, np.ndarray]:
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    if mode == "sea":
        arrays = _read_marnet()
    else:
        try:
            arrays = _read_scgraph(mode)
        except ValueError:
            arrays = _import_scgraph(mode)
    n = arrays["lat"].size
    matrix = csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=(n, n))
    arrays["component"] = connected_components(matrix, directed=False)[1].astype(np.int32)
    return arrays


def _write(mode: str, folder: Path, *, rebuild: bool) -> None:
    """Convert one mode and move its arrays into `folder` whole (a reader never sees half)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    arrays = _convert(mode)
    staging = Path(tempfile.mkdtemp(prefix=f".{mode}-", dir=folder.parent))
    try:
        for name in ARRAYS:
            np.save(staging / f"{name}.npy", arrays.pop(name))
        if rebuild and folder.exists():
            old = folder.with_name(f".{folder.name}-old-{os.getpid()}")
            folder.rename(old)  # processes that mapped the old files keep them until they exit
            shutil.rmtree(old, ignore_errors=True)
        try:
            staging.rename(folder)
        except OSError:
            if not _complete(folder):  # else another process built it meanwhile
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for stale in folder.parent.glob(f"{mode}-*"):  # older package versions and cache formats
        if stale != folder:
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)


def _complete(folder: Path) -> bool:
    return all((folder / f"{name}.npy").is_file() for name in ARRAYS)


_lock = threading.Lock()


def build_network_caches(
    modes: Iterable[str] = MODES,
    *,
    rebuild: bool = False,
    progress: Callable[[str, Path], None] | None = None,
) -> dict[str, Path]:
    """Convert the world networks into the cache now (``geostory index`` does), one mode at a time.

    Skips a mode whose cache is current unless `rebuild`; `progress(mode, folder)` after each.
    """
    done = {}
    for mode in modes:
        folder = _cache_folder(mode)
        with _lock:
            if rebuild or not _complete(folder):
                _write(mode, folder, rebuild=rebuild)
            _world_graph.cache_clear()
        done[mode] = folder
        if progress is not None:
            progress(mode, folder)
    return done


@cache
def _world_graph(mode: str) -> Graph:
    with _lock:
        folder = _cache_folder(mode)
        if not _complete(folder):
            try:
                _write(mode, folder, rebuild=False)
            except OSError:
                # an unwritable cache: build in memory (costs time on every run, not correctness)
                return Graph(**_convert(mode))
        # plain ndarray views of the maps: element access is faster than through np.memmap
        arrays = {name: np.asarray(np.load(folder / f"{name}.npy", mmap_mode="r")) for name in ARRAYS}
        return Graph(**arrays)


def _world_path_on(
    graph: Graph, a: Coordinate, b: Coordinate, *, snap_km: float, limit_km: float, access: float = 1.0
) -> NetworkPath | None:
    starts, start_km = graph.near(a, snap_km)
    ends, end_km = graph.near(b, snap_km)
    starts, start_km, ends, end_km = (x[:SNAP_CANDIDATES] for x in (starts, start_km, ends, end_km))
    if graph.component.size:  # stops on unconnected fragments: refuse without searching
        # (sets, not np.intersect1d: that imports numpy.ma, a tenth of a second)
        from_a, from_b = graph.component[starts].tolist(), graph.component[ends].tolist()
        shared = set(from_a) & set(from_b)
        keep_s = np.array([c in shared for c in from_a], dtype=bool)
        keep_e = np.array([c in shared for c in from_b], dtype=bool)
        starts, start_km, ends, end_km = starts[keep_s], start_km[keep_s], ends[keep_e], end_km[keep_e]
    if starts.size == 0 or ends.size == 0:
        return None
    # the start's own snap counts too (x access), so a stop prefers the track that passes it
    sources = dict(zip(starts.tolist(), (start_km * access).tolist(), strict=True))
    targets = dict(zip(ends.tolist(), (end_km * access).tolist(), strict=True))
    limit = max(limit_km, MIN_LIMIT_KM) + 2 * snap_km
    try:
        found = graph.shortest(sources, targets, b, limit, max_expansions=ASTAR_MAX_EXPANSIONS)
    except _TooBig:
        found = graph.dijkstra(sources, targets, limit)
    if found is None:
        return None
    cost, nodes = found
    first, last = sources[nodes[0]], targets[nodes[-1]]
    return NetworkPath(
        tuple(Coordinate(float(graph.lat[n]), float(graph.lon[n])) for n in nodes),
        cost - first - last,
        first / access,
        last / access,
    )


# ------------------------------------------------------------------------------- public


def world_path(
    mode: str, a: Coordinate, b: Coordinate, *, snap_km: float, limit_km: float
) -> NetworkPath | None:
    """The shortest path between two stops on the world network for `mode`, or None.

    None when either stop is farther than `snap_km` from the network, or the network has no
    path within about `limit_km` of graph length (sea: any length, since a ship may have to go
    round a continent; `route` judges that).
    """
    if mode not in WORLD_GRAPHS:
        return None
    if mode == "sea":
        return _world_path_on(_world_graph(mode), a, b, snap_km=snap_km, limit_km=math.inf, access=SEA_ACCESS)
    return _world_path_on(_world_graph(mode), a, b, snap_km=snap_km, limit_km=limit_km)


def near_network(mode: str, c: Coordinate, reach_km: float) -> bool:
    """Whether a node of the world network for `mode` lies within reach_km of c."""
    return bool(_world_graph(mode).near(c, reach_km)[0].size)


@cache
def _ports_on_lanes() -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes of searoute's ports (UN/LOCODE list) within PORT_LANE_KM of a lane."""
    import json

    from .gazetteer import _site_file

    path = _site_file("searoute", "data") / "ports.geojson"
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError) as err:
        raise ConfigurationError(f"searoute's port list cannot be read ({path}): {err}") from err
    lonlat = np.array([f["geometry"]["coordinates"][:2] for f in features], dtype=float).reshape(-1, 2)
    lanes = _world_graph("sea")
    keep = [lanes.near(Coordinate(lat, lon), PORT_LANE_KM)[0].size > 0 for lon, lat in lonlat.tolist()]
    lonlat = lonlat[np.array(keep, dtype=bool)]
    return lonlat[:, 1].copy(), lonlat[:, 0].copy()


def nearest_ports(c: Coordinate, reach_km: float, count: int = 3) -> list[Coordinate]:
    """Up to `count` ports on the sea lanes within reach_km of c (straight line), nearest first."""
    lat, lon = _ports_on_lanes()
    km = spherical_km(c.latitude, c.longitude, lat, lon)
    best = [int(i) for i in np.argsort(km, kind="stable")[:count] if km[i] <= reach_km]
    return [Coordinate(float(lat[i]), float(lon[i])) for i in best]


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
            c = np.asarray(part.coords)
            total += float(spherical_km(c[:-1, 1], c[:-1, 0], c[1:, 1], c[1:, 0]).sum())
    return total
