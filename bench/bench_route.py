"""Routed lengths against published route lengths, and routing speed and memory per mode.

    python -m bench.bench_route               # the table, then cold/warm speed per mode (cache present)
    python -m bench.bench_route --speed-only  # only the speed table
    python -m bench.bench_route --build       # the one-time network conversion, per mode, in a temp dir
    python -m bench.bench_route --corridors   # each curated rail corridor against the world network
    python -m bench.bench_route --per-leg rail  # warm route() per journey of a mode (median of 3)

Published lengths are the ones the named operator, timetable or atlas gives (rounded); the
target of issue 13 is |routed - published| <= 15% for at least 80% of the journeys.
Results go to bench/RESULTS-route.md by hand.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time

# mode, origin (name, lat, lon), destination, published km, source of the published length
JOURNEYS = [
    (
        "rail",
        ("Moscow", 55.776, 37.655),
        ("Saint Petersburg", 59.930, 30.362),
        650,
        "RZD timetable, Sapsan (Oktyabrskaya railway)",
    ),
    (
        "rail",
        ("Moscow", 55.776, 37.657),
        ("Vladivostok", 43.111, 131.882),
        9289,
        "RZD timetable, Rossiya train (Trans-Siberian)",
    ),
    (
        "rail",
        ("Beijing South", 39.865, 116.379),
        ("Shanghai Hongqiao", 31.194, 121.320),
        1318,
        "China Railway, Beijing-Shanghai high-speed line",
    ),
    (
        "rail",
        ("Tokyo", 35.681, 139.767),
        ("Shin-Osaka", 34.733, 135.500),
        515,
        "JR Central timetable, Tokaido Shinkansen (operating km)",
    ),
    ("rail", ("London St Pancras", 51.531, -0.126), ("Paris Nord", 48.881, 2.355), 492, "Eurostar"),
    ("rail", ("Seoul", 37.555, 126.971), ("Busan", 35.115, 129.042), 417, "Korail, Gyeongbu high-speed line"),
    (
        "rail",
        ("New York Penn", 40.750, -73.993),
        ("Washington Union", 38.897, -77.006),
        362,
        "Amtrak Northeast Corridor timetable (225 mi)",
    ),
    (
        "rail",
        ("New Delhi", 28.643, 77.219),
        ("Mumbai Central", 18.969, 72.819),
        1384,
        "Indian Railways timetable, Mumbai Rajdhani",
    ),
    (
        "rail",
        ("Madrid Atocha", 40.406, -3.690),
        ("Barcelona Sants", 41.379, 2.140),
        621,
        "Adif, Madrid-Barcelona high-speed line",
    ),
    (
        "rail",
        ("Pyongyang", 39.039, 125.763),
        ("Vladivostok", 43.111, 131.882),
        1180,
        "RZD/KCR through-car timetable (about 1,180 km)",
    ),
    (
        "rail",
        ("Warsaw Centralna", 52.229, 21.003),
        ("Krakow Glowny", 50.067, 19.947),
        293,
        "PKP Intercity timetable (via the CMK)",
    ),
    (
        "rail",
        ("Ulan-Ude", 51.828, 107.596),
        ("Beijing", 39.903, 116.427),
        2000,
        "RZD/China Railway timetable, train 3/4 Moscow-Beijing (difference of km posts)",
    ),
    ("road", ("Paris", 48.857, 2.352), ("Lyon", 45.764, 4.836), 465, "Michelin road atlas, A6"),
    ("road", ("Berlin", 52.520, 13.405), ("Munich", 48.137, 11.575), 585, "ADAC road atlas, A9"),
    ("road", ("Madrid", 40.417, -3.704), ("Barcelona", 41.385, 2.173), 620, "Michelin road atlas, A-2/AP-7"),
    ("road", ("Warsaw", 52.230, 21.012), ("Krakow", 50.065, 19.945), 295, "Polish road atlas (S7)"),
    (
        "road",
        ("Los Angeles", 34.052, -118.244),
        ("San Francisco", 37.775, -122.419),
        615,
        "Rand McNally road atlas, I-5 (382 mi)",
    ),
    (
        "road",
        ("New York", 40.713, -74.006),
        ("Washington", 38.907, -77.037),
        365,
        "Rand McNally road atlas, I-95 (227 mi)",
    ),
    ("road", ("Vienna", 48.208, 16.373), ("Budapest", 47.498, 19.040), 243, "Michelin road atlas, A4/M1"),
    ("road", ("Milan", 45.464, 9.190), ("Rome", 41.903, 12.496), 575, "Michelin road atlas, A1"),
    ("road", ("Rzeszow", 50.041, 21.999), ("Przemysl", 49.784, 22.768), 90, "Polish road atlas (A4, DK77)"),
    ("sea", ("Dover", 51.127, 1.331), ("Calais", 50.966, 1.862), 48, "P&O Ferries (26 nautical miles)"),
    (
        "sea",
        ("Helsinki", 60.160, 24.960),
        ("Tallinn", 59.444, 24.765),
        82,
        "Tallink/Eckero Line (44 nautical miles)",
    ),
    (
        "sea",
        ("Piraeus", 37.942, 23.646),
        ("Heraklion", 35.345, 25.138),
        322,
        "Minoan Lines (174 nautical miles)",
    ),
    (
        "sea",
        ("Holyhead", 53.310, -4.630),
        ("Dublin", 53.347, -6.195),
        111,
        "Irish Ferries (60 nautical miles)",
    ),
    ("sea", ("Busan", 35.100, 129.040), ("Fukuoka", 33.604, 130.400), 213, "JR Kyushu Jet Ferry Beetle"),
    (
        "sea",
        ("Yokohama", 35.450, 139.650),
        ("Honolulu", 21.307, -157.866),
        6290,
        "sea-distances.org port-to-port table (3,395 nautical miles)",
    ),
    (
        "sea",
        ("Rotterdam", 51.950, 4.140),
        ("Shanghai", 31.230, 121.490),
        19550,
        "sea-distances.org port-to-port table via Suez (10,557 nautical miles)",
    ),
]


def _legs():
    from geostory.model import Leg, Place, Span

    def place(name, lat, lon):
        return Place(f"bench:{name}", name, lat, lon, "city", None, (), "bench", 1.0)

    return [Leg(place(*o), place(*d), mode, "reported", Span("", 0, 0)) for mode, o, d, _, _ in JOURNEYS]


def table() -> None:
    from geostory.model import Article, Story
    from geostory.route import route

    legs = route(Story(Article("bench"), (), legs=tuple(_legs()))).legs
    print("| mode | journey | published km | source | routed km | basis | error |")
    print("|---|---|---:|---|---:|---|---:|")
    good = 0
    for (mode, o, d, published, source), leg in zip(JOURNEYS, legs, strict=True):
        error = (leg.distance_km - published) / published
        good += abs(error) <= 0.15
        print(
            f"| {mode} | {o[0]} - {d[0]} | {published:,} | {source} | "
            f"{leg.distance_km:,.0f} | {leg.geometry_basis} | {error:+.1%} |"
        )
    print(f"\nwithin 15%: {good}/{len(JOURNEYS)} ({good / len(JOURNEYS):.0%})")


# sea legs with an end beyond the lanes' reach (50 km): by road to the nearest port, or schematic
INLAND = [
    ("sea", ("Paris", 48.857, 2.352), ("New York", 40.713, -74.006)),
    ("sea", ("Nanjing", 32.060, 118.800), ("Busan", 35.100, 129.040)),
    ("sea", ("Seville", 37.390, -5.980), ("Las Palmas", 28.120, -15.430)),
    ("sea", ("Bremen", 53.080, 8.800), ("Oslo", 59.910, 10.750)),
    ("sea", ("Tianjin", 39.130, 117.200), ("Incheon", 37.460, 126.600)),
    ("sea", ("Madrid", 40.420, -3.700), ("Palma", 39.570, 2.650)),
    ("sea", ("Kyiv", 50.450, 30.520), ("Odesa", 46.480, 30.720)),
    ("sea", ("Kyiv", 50.450, 30.520), ("Warsaw", 52.230, 21.010)),
]


def inland_table() -> None:
    from geostory import route as r
    from geostory.model import Coordinate
    from geostory.route import route

    legs = route(_story(INLAND)).legs
    print("| journey | straight km | routed km | x straight | basis | road to the port |")
    print("|---|---:|---:|---:|---|---|")
    for (_, o, d), leg in zip(INLAND, legs, strict=True):
        a, b = Coordinate(*o[1:]), Coordinate(*d[1:])
        straight = r._geodesic_km([a, b])
        roads = []
        if leg.geometry_basis != "schematic":
            for end, outward in ((a, True), (b, False)):
                road = r._road_to_port(end, outward=outward)
                if road is not None and len(road) > 1:
                    port = road[-1] if outward else road[0]
                    roads.append(
                        f"{r._geodesic_km(road):.0f} km ({r._geodesic_km([end, port]):.0f} km straight)"
                    )
        print(
            f"| {o[0]} - {d[0]} | {straight:,.0f} | {leg.distance_km:,.0f} | "
            f"{leg.distance_km / straight:.2f} | {leg.geometry_basis} | {', '.join(roads) or '-'} |"
        )


def corridor_table() -> None:
    """Each curated corridor's own length against the world network's path between its ends,
    and how far that path passes from the corridor's farthest station (another line if far)."""
    import json

    from geostory import route as r
    from geostory.model import Coordinate

    print("| corridor | own km | network km | vs own | farthest station from the network path |")
    print("|---|---:|---:|---:|---|")
    for c in json.loads(r.CORRIDORS_FILE.read_text(encoding="utf-8"))["corridors"]:
        points = [Coordinate(p["latitude"], p["longitude"]) for p in c["points"]]
        own = r._geodesic_km(points)
        path = r._world_route("rail", [points[0], points[-1]])
        if path is None:
            print(f"| {c['id']} | {own:,.0f} | not served | | |")
            continue
        km = r._geodesic_km(path)
        far = max(
            (r._farthest_km([Coordinate(p["latitude"], p["longitude"])], path), p["name"])
            for p in c["points"]
            if p.get("name")
        )
        print(f"| {c['id']} | {own:,.0f} | {km:,.0f} | {(km - own) / own:+.0%} | {far[1]}, {far[0]:.0f} km |")


# a typical article's journeys: one leg of each mode
ARTICLE = [
    ("rail", ("Warsaw Centralna", 52.229, 21.003), ("Krakow Glowny", 50.067, 19.947)),
    ("road", ("Rzeszow", 50.041, 21.999), ("Przemysl", 49.784, 22.768)),
    ("sea", ("Helsinki", 60.160, 24.960), ("Tallinn", 59.444, 24.765)),
    ("air", ("Warsaw", 52.230, 21.012), ("Helsinki", 60.160, 24.960)),
]


def _story(journeys):
    from geostory.model import Article, Leg, Place, Span, Story

    def place(name, lat, lon):
        return Place(f"bench:{name}", name, lat, lon, "city", None, (), "bench", 1.0)

    legs = tuple(Leg(place(*o), place(*d), mode, "reported", Span("", 0, 0)) for mode, o, d, *_ in journeys)
    return Story(Article("bench"), (), legs=legs)


def child(what: str) -> None:
    """One fresh process: numpy and geopy preloaded (spaCy and the gazetteer load them in a build),
    then the clock runs over `import geostory.route` and the first route()."""
    import json

    import geopy.distance  # noqa: F401
    import numpy  # noqa: F401

    journeys = ARTICLE if what == "article" else [j for j in JOURNEYS if j[0] == what]
    t = time.perf_counter()
    from geostory.route import route

    imported = time.perf_counter() - t
    route(_story(journeys[:1] if what != "article" else journeys))
    cold = time.perf_counter() - t
    warm = []
    for j in journeys:
        t = time.perf_counter()
        route(_story([j]))
        warm.append(time.perf_counter() - t)
    loaded = sorted(m for m in ("networkx", "scipy", "searoute", "shapely") if m in sys.modules)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"import": imported, "cold": cold, "warm": sum(warm) / len(warm), "rss": rss, "loaded": loaded}
        )
    )


def speed(rounds: int = 3) -> None:
    """Cold and warm per mode and for a typical article, each in fresh processes, interleaved."""
    import json
    import statistics
    import subprocess

    whats = ["rail", "road", "sea", "article"]
    runs: dict[str, list[dict]] = {w: [] for w in whats}
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for _ in range(rounds):
        for w in whats:
            out = subprocess.run(
                [sys.executable, "-m", "bench.bench_route", "--child", w],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            runs[w].append(json.loads(out.stdout.strip().splitlines()[-1]))
    cache = os.environ.get("GEOSTORY_CACHE_DIR", "default")
    print(f"median of {rounds} fresh processes per line; cache: {cache}")
    print("| what | import geostory.route | cold: import + first route() | warm route() per leg ", end="")
    print("| peak RSS | loaded |")
    print("|---|---:|---:|---:|---:|---|")
    for w in whats:
        r = runs[w]
        med = {k: statistics.median(x[k] for x in r) for k in ("import", "cold", "warm", "rss")}
        print(
            f"| {w} | {med['import'] * 1000:.0f} ms | {med['cold'] * 1000:.0f} ms | "
            f"{med['warm'] * 1000:.0f} ms | {med['rss']:.0f} MB | {', '.join(r[-1]['loaded']) or '-'} |"
        )


def per_leg(mode: str, rounds: int = 3) -> None:
    """Warm route() of each journey of `mode` in this process, the median of `rounds`."""
    import statistics

    from geostory.route import route

    journeys = [j for j in JOURNEYS if j[0] == mode]
    route(_story(journeys[:1]))  # maps the arrays
    for j in journeys:
        times = []
        for _ in range(rounds):
            t = time.perf_counter()
            route(_story([j]))
            times.append(time.perf_counter() - t)
        print(f"{j[1][0]} - {j[2][0]}: {statistics.median(times) * 1000:.0f} ms")


def build() -> None:
    """The one-time conversion, one mode per fresh process, into a temporary cache."""
    import subprocess

    folder = tempfile.mkdtemp(prefix="geostory-bench-")
    env = dict(os.environ, GEOSTORY_CACHE_DIR=folder)
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = (
        "import resource, sys, time; from geostory.networks import build_network_caches as b; "
        "t = time.perf_counter(); b([sys.argv[1]]); "
        "print(f'{sys.argv[1]}: {time.perf_counter() - t:.1f} s, peak RSS "
        "{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB')"
    )
    for mode in ("rail", "road", "sea"):
        out = subprocess.run([sys.executable, "-c", code, mode], env=env, capture_output=True, text=True)
        print(out.stdout.strip() or out.stderr.strip()[-300:])


if __name__ == "__main__":
    if "--child" in sys.argv:
        child(sys.argv[sys.argv.index("--child") + 1])
    elif "--build" in sys.argv:
        build()
    elif "--corridors" in sys.argv:
        corridor_table()
    elif "--per-leg" in sys.argv:
        per_leg(sys.argv[sys.argv.index("--per-leg") + 1])
    else:
        if "--speed-only" not in sys.argv:
            table()
            print()
            inland_table()
            print()
        speed()
