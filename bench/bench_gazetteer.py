"""Benchmark the offline gazetteer: index build time, cold open, lookups per second (cached and
uncached) and peak RSS.

    python bench/bench_gazetteer.py [--index PATH] [--skip-build]

Builds into a temporary folder unless --index names an existing index (with --skip-build).
Timings belong here, not in the tests.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from geostory.gazetteer import Gazetteer, build_index, normalize_name

REALISTIC = [
    "Vladivostok",
    "Pyongyang",
    "North Korea",
    "Russia",
    "Ukraine",
    "China",
    "Moscow",
    "Kyiv",
    "Washington",
    "United States",
    "US",
    "Beijing",
    "Seoul",
    "South Korea",
    "Japan",
    "Tokyo",
    "Vostochny Cosmodrome",
    "Far Eastern Federal University",
    "Paris",
    "London",
    "Berlin",
    "Texas",
    "California",
    "Gaza",
    "Israel",
    "Iran",
    "Tehran",
    "Europe",
    "Asia",
    "Pacific Ocean",
    "Black Sea",
    "Crimea",
    "Donbas",
    "Kherson",
    "Kharkiv",
    "Odesa",
    "Warsaw",
    "Poland",
    "Brussels",
    "Geneva",
    "New York",
    "Portland",
    "Springfield",
    "Georgia",
    "Amur Oblast",
    "Tsiolkovsky",
    "Khabarovsk",
    "Primorsky Krai",
    "the Kremlin",
    "White House",
    "Pentagon",
]


def peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def lookups_per_second(gaz: Gazetteer, names: list[str], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        for name in names:
            gaz.candidates(name)
    return repeat * len(names) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="index path (default: a temporary folder)")
    parser.add_argument("--skip-build", action="store_true", help="use an existing --index")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    path = args.index or Path(tmp.name) / "gazetteer.sqlite"
    rows = []
    if not args.skip_build:
        start = time.perf_counter()
        build_index(path)
        rows.append(("index build", f"{time.perf_counter() - start:.1f} s"))
        rows.append(("peak RSS after build", f"{peak_rss_mb():.0f} MB"))
    rows.append(("index size", f"{path.stat().st_size / 1e6:.0f} MB"))

    start = time.perf_counter()
    gaz = Gazetteer(path)
    gaz.candidates("Vladivostok")
    rows.append(("cold open + first lookup", f"{(time.perf_counter() - start) * 1000:.0f} ms"))

    # uncached: every lookup misses the LRU cache (cleared before each name) and hits SQLite
    import sqlite3

    conn = sqlite3.connect(path)
    sample = [
        n for (n,) in conn.execute("SELECT name FROM places WHERE population > 1000 OR place_type != 'city'")
    ]
    conn.close()
    random.seed(1)
    uncached_names = random.sample(sample, 20000)
    start = time.perf_counter()
    for name in uncached_names:
        gaz._lookup.cache_clear()
        gaz.candidates(name)
    uncached = len(uncached_names) / (time.perf_counter() - start)
    rows.append(("candidates() uncached", f"{uncached:,.0f} /s"))

    gaz._lookup.cache_clear()
    cached = lookups_per_second(gaz, REALISTIC, repeat=4000)
    rows.append(("candidates() cached (realistic names)", f"{cached:,.0f} /s"))
    start = time.perf_counter()
    for name in REALISTIC * 2000:
        gaz.is_place_name(name)
    rows.append(
        ("is_place_name() cached", f"{len(REALISTIC) * 2000 / (time.perf_counter() - start):,.0f} /s")
    )
    start = time.perf_counter()
    for name in REALISTIC * 2000:
        normalize_name(name)
    rows.append(("normalize_name()", f"{len(REALISTIC) * 2000 / (time.perf_counter() - start):,.0f} /s"))
    start = time.perf_counter()
    for _ in range(200):
        gaz.geocode("Paris, Texas")
        gaz.geocode("Portland, Maine")
    rows.append(("geocode('Name, Qualifier') warm", f"{400 / (time.perf_counter() - start):,.0f} /s"))
    start = time.perf_counter()
    salient = sum(1 for _ in gaz.salient_names())
    rows.append(("salient_names()", f"{salient:,} names in {(time.perf_counter() - start) * 1000:.0f} ms"))
    rows.append(("peak RSS (process)", f"{peak_rss_mb():.0f} MB"))

    width = max(len(label) for label, _ in rows)
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 16}")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
